import { defineRule, type Evidence } from "../engine/types.js";
import { natTarget, tablesWithNat64Route, type NatTarget } from "../index/nat64.js";
import { describeRoute } from "../index/routes.js";

export default defineRule<"blackhole" | "natNotFound" | "natNotAvailable" | "natPending">({
  id: "nat64-route-blackhole",
  title: "NAT64 route is a blackhole or its NAT gateway is not available",
  description:
    "A 64:ff9b::/96 route whose NAT gateway was deleted or failed drops every DNS64 connection. " +
    "The route stays in the table in state blackhole until someone replaces it.",
  severity: "error",
  tags: ["nat64", "routing", "nat-gateway"],
  references: [
    {
      title: "Troubleshoot NAT gateways",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html",
    },
    {
      title: "DescribeNatGateways: NatGateway state, FailureCode and FailureMessage",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html",
    },
    {
      title: "Share your VPC subnets with other accounts",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html",
    },
  ],
  requires: ["Subnets", "RouteTables"],
  messages: {
    blackhole: {
      severity: "error",
      text:
        "Route table {routeTableId} has {route} in state blackhole{natDetail}, so DNS64 traffic " +
        "from {subnetIds} is dropped.",
      fix:
        "Replace the route with an available NAT gateway: aws ec2 replace-route --route-table-id " +
        "{routeTableId} --destination-ipv6-cidr-block {destination} --nat-gateway-id <nat-id>.",
    },
    natNotFound: {
      severity: "error",
      text:
        "Route table {routeTableId} sends {route}, but NAT gateway {natGatewayId} does not exist " +
        "in this VPC, so DNS64 traffic from {subnetIds} is dropped.",
      fix:
        "Replace the route with an available NAT gateway: aws ec2 replace-route --route-table-id " +
        "{routeTableId} --destination-ipv6-cidr-block {destination} --nat-gateway-id <nat-id>.",
    },
    natNotAvailable: {
      severity: "error",
      text:
        "Route table {routeTableId} sends {route}, but NAT gateway {natGatewayId} is {state}" +
        "{natDetail}, so DNS64 traffic from {subnetIds} is dropped.",
      fix:
        "Create a NAT gateway in a subnet with IPv4 addresses and replace the route: aws ec2 " +
        "replace-route --route-table-id {routeTableId} --destination-ipv6-cidr-block " +
        "{destination} --nat-gateway-id <nat-id>.",
    },
    natPending: {
      severity: "error",
      text:
        "Route table {routeTableId} sends {route}, and NAT gateway {natGatewayId} is still " +
        "pending, so DNS64 traffic from {subnetIds} is dropped until it becomes available.",
      fix: "Wait for NAT gateway {natGatewayId} to become available, then lint again.",
    },
  },
  check(context) {
    const { index } = context;
    for (const { table, subnets, route } of tablesWithNat64Route(index, context.unknown)) {
      const isNat = route.target.kind === "nat-gateway";
      if (!route.blackhole && !isNat) continue;
      const routeTableId = table.RouteTableId as string;
      const target: NatTarget = isNat
        ? natTarget(index, route.target.id, route.blackhole, table.VpcId)
        : { status: "down", state: "blackhole" };
      if (target.status === "unknown") {
        context.unknown(routeTableId, target.reason);
        continue;
      }
      if (target.status === "available") continue;
      const nat = target.nat;
      const messageId =
        target.state === "blackhole"
          ? "blackhole"
          : target.state === "missing"
            ? "natNotFound"
            : target.state === "pending"
              ? "natPending"
              : "natNotAvailable";

      const failure = [nat?.FailureCode, nat?.FailureMessage].filter(Boolean).join(": ");
      const evidence: Evidence[] = [
        {
          resourceId: routeTableId,
          attribute: "Routes[64:ff9b::/96]",
          value: describeRoute(route),
        },
        { resourceId: routeTableId, attribute: "Routes.State", value: route.route.State ?? null },
      ];
      if (nat) {
        evidence.push({
          resourceId: route.target.id,
          attribute: "State",
          value: nat.State ?? null,
        });
        if (nat.FailureCode) {
          evidence.push({
            resourceId: route.target.id,
            attribute: "FailureCode",
            value: nat.FailureCode,
          });
        }
        if (nat.FailureMessage) {
          evidence.push({
            resourceId: route.target.id,
            attribute: "FailureMessage",
            value: nat.FailureMessage,
          });
        }
      }
      const subnetIds = subnets.map((subnet) => subnet.SubnetId as string);
      context.report({
        messageId,
        data: {
          routeTableId,
          route: describeRoute(route),
          destination: route.destination.text,
          natGatewayId: route.target.id,
          state: nat?.State ?? "unknown",
          natDetail: natDetail(route.target.id, nat?.State, failure, messageId),
          subnetIds: subnetIds.join(", "),
        },
        resource: index.ref("route-table", routeTableId, table.VpcId, table.Tags),
        evidence,
        related: [route.target.id, ...subnetIds],
      });
    }
  },
});

function natDetail(
  targetId: string,
  state: string | undefined,
  failure: string,
  messageId: string,
): string {
  const reason = failure ? ` (${failure})` : "";
  if (messageId !== "blackhole") return reason;
  return state ? ` (${targetId} is ${state}${failure ? `: ${failure}` : ""})` : "";
}
