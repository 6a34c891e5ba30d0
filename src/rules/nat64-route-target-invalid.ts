import { defineRule } from "../engine/types.js";
import { NO_TRANSLATION, tablesWithNat64Route } from "../index/nat64.js";
import { describeRoute, type TargetKind } from "../index/routes.js";

/** Each target kind as a message names it, with its article. */
const TARGET_NAMES: Record<TargetKind, string> = {
  local: "the local route",
  "nat-gateway": "a NAT gateway",
  "internet-gateway": "an internet gateway",
  "egress-only-internet-gateway": "an egress-only internet gateway",
  "network-interface": "a network interface",
  instance: "an instance",
  "virtual-private-gateway": "a virtual private gateway",
  "transit-gateway": "a transit gateway",
  "vpc-peering": "a VPC peering connection",
  "vpc-endpoint": "a VPC endpoint",
  "carrier-gateway": "a carrier gateway",
  "local-gateway": "a local gateway",
  "core-network": "a core network",
  unknown: "an unrecognised target",
};

export default defineRule<"noTranslation" | "unverifiable">({
  id: "nat64-route-target-invalid",
  title: "NAT64 route targets something that does not translate",
  description:
    "Only a NAT gateway translates 64:ff9b::/96 traffic to IPv4 inside AWS. A route that sends " +
    "the prefix to an internet gateway or a peering connection forwards IPv6 packets nobody answers.",
  severity: "error",
  tags: ["nat64", "routing"],
  references: [
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
    {
      title: "Route table concepts: targets",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html",
    },
  ],
  requires: ["Subnets", "RouteTables"],
  messages: {
    noTranslation: {
      severity: "error",
      text:
        "Route table {routeTableId} sends {route}, {targetKind} that does not perform NAT64, " +
        "so DNS64 traffic from {subnetIds} is dropped.",
      fix:
        "Point 64:ff9b::/96 at a NAT gateway: aws ec2 replace-route --route-table-id " +
        "{routeTableId} --destination-ipv6-cidr-block 64:ff9b::/96 --nat-gateway-id <nat-id>.",
    },
    unverifiable: {
      severity: "info",
      text:
        "Route table {routeTableId} sends {route}, {targetKind}; vpc-lint cannot verify that " +
        "it performs NAT64 for {subnetIds}.",
      fix:
        "Make sure the appliance or the VPC beyond {targetId} translates 64:ff9b::/96, or route " +
        "the prefix to a NAT gateway in this VPC.",
    },
  },
  check(context) {
    const { index } = context;
    for (const { table, subnets, route } of tablesWithNat64Route(index, context.unknown)) {
      if (route.target.kind === "nat-gateway") continue;

      const routeTableId = table.RouteTableId as string;
      const subnetIds = subnets.map((subnet) => subnet.SubnetId as string);
      context.report({
        messageId: NO_TRANSLATION.has(route.target.kind) ? "noTranslation" : "unverifiable",
        data: {
          routeTableId,
          route: describeRoute(route),
          targetKind: TARGET_NAMES[route.target.kind],
          targetId: route.target.id,
          subnetIds: subnetIds.join(", "),
        },
        resource: index.ref("route-table", routeTableId, table.VpcId, table.Tags),
        evidence: [
          {
            resourceId: routeTableId,
            attribute: "Routes[64:ff9b::/96]",
            value: describeRoute(route),
          },
        ],
        related: [route.target.id, ...subnetIds],
      });
    }
  },
});
