import { defineRule, type RuleContext } from "../engine/types.js";
import { hopsOwnedBy, type HopGroup } from "../reach/findings.js";
import type { Hop } from "../reach/types.js";
import { gatewayFinding, gatewayKindOf, routeTableOfHop } from "../reach/gateway-hop.js";

type MessageId = "noInternetRoute" | "gatewayNotAttached" | "partlyRouted";

export default defineRule<MessageId>({
  id: "public-nat-subnet-no-igw-route",
  title: "Public NAT64 gateway's subnet has no route to the internet gateway",
  description:
    "A public NAT gateway sends translated traffic out through its own subnet's route table. " +
    "Without 0.0.0.0/0 to an internet gateway attached to the VPC there, destinations outside " +
    "the VPC are unreachable.",
  severity: "error",
  tags: ["nat64", "nat-gateway", "routing"],
  references: [
    {
      title: "NAT gateway use cases: access the internet from a private subnet",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html",
    },
    {
      title: "NAT gateways: route traffic from a public NAT gateway to the VPC's internet gateway",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
    },
    {
      title: "InternetGatewayAttachment: attachment states",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways"],
  messages: {
    noInternetRoute: {
      severity: "error",
      text:
        "Route table {routeTableId} of public NAT gateway {natGatewayId} sends no 0.0.0.0/0 " +
        "traffic to an internet gateway ({found}), so {services} are unreachable from {subnetIds}.",
      fix:
        "Add 0.0.0.0/0 -> igw-… to {routeTableId}: aws ec2 create-route --route-table-id " +
        "{routeTableId} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-id>.",
    },
    partlyRouted: {
      severity: "warning",
      text:
        "Route table {routeTableId} of public NAT gateway {natGatewayId} has {found} for the " +
        "public IPv4 addresses in {ranges}, not a route to an internet gateway, so calls to " +
        "{services} from {subnetIds} fail where the service's address is in them.",
      fix:
        "Send those addresses to the VPC's internet gateway in {routeTableId}: add a route for " +
        "them, or delete the routes that take them elsewhere (aws ec2 delete-route " +
        "--route-table-id {routeTableId} --destination-cidr-block <prefix>).",
    },
    gatewayNotAttached: {
      severity: "error",
      text:
        "Route table {routeTableId} of public NAT gateway {natGatewayId} sends 0.0.0.0/0 to " +
        "internet gateway {gatewayId}, which {problem}, so {services} are unreachable from " +
        "{subnetIds}.",
      fix:
        "Attach {gatewayId} to {vpcId}: aws ec2 attach-internet-gateway --internet-gateway-id " +
        "{gatewayId} --vpc-id {vpcId}. Or point the route at the internet gateway attached to " +
        "{vpcId}: aws ec2 replace-route --route-table-id {routeTableId} --destination-cidr-block " +
        "0.0.0.0/0 --gateway-id <igw-id>.",
    },
  },
  check(context) {
    const keyOf = (hop: Hop) => `${routeTableOfHop(hop)} ${hop.status}`;
    for (const group of hopsOwnedBy(context, "public-nat-subnet-no-igw-route", keyOf)) {
      if (gatewayKindOf(group.hop)) reportGateway(context, group);
      else if (group.hop.status === "warning") reportPartlyRouted(context, group);
      else reportRoute(context, group);
    }
  },
});

function reportRoute(context: RuleContext<MessageId>, group: HopGroup): void {
  const routeTableId = group.hop.resourceId;
  const table = context.index.routeTable(routeTableId);
  const natGatewayId = group.paths[0]?.nat?.NatGatewayId ?? "";
  context.report({
    messageId: "noInternetRoute",
    data: {
      routeTableId,
      natGatewayId,
      found: String(group.hop.facts?.found ?? "no 0.0.0.0/0 route"),
      services: group.services,
      subnetIds: group.subnetIds,
    },
    resource: context.index.ref("route-table", routeTableId, table?.VpcId, table?.Tags),
    evidence: [
      {
        resourceId: routeTableId,
        attribute: "Routes[0.0.0.0/0]",
        value: group.hop.facts?.found ?? null,
      },
      { resourceId: natGatewayId, attribute: "ConnectivityType", value: "public" },
    ],
    related: [natGatewayId, ...group.paths.map((path) => path.subnetId)],
  });
}

function reportPartlyRouted(context: RuleContext<MessageId>, group: HopGroup): void {
  const routeTableId = group.hop.resourceId;
  const table = context.index.routeTable(routeTableId);
  const natGatewayId = group.paths[0]?.nat?.NatGatewayId ?? "";
  const found = String(group.hop.facts?.found ?? "");
  const ranges = String(group.hop.facts?.ranges ?? "");
  context.report({
    messageId: "partlyRouted",
    data: {
      routeTableId,
      natGatewayId,
      ranges,
      found,
      services: group.services,
      subnetIds: group.subnetIds,
    },
    resource: context.index.ref("route-table", routeTableId, table?.VpcId, table?.Tags),
    evidence: [{ resourceId: routeTableId, attribute: `Routes[${ranges}]`, value: found }],
    related: [natGatewayId, ...group.paths.map((path) => path.subnetId)],
  });
}

function reportGateway(context: RuleContext<MessageId>, group: HopGroup): void {
  const natGatewayId = group.paths[0]?.nat?.NatGatewayId ?? "";
  const parts = gatewayFinding(context.index, group, "0.0.0.0/0", [natGatewayId]);
  context.report({
    messageId: "gatewayNotAttached",
    ...parts,
    data: { ...parts.data, natGatewayId },
  });
}
