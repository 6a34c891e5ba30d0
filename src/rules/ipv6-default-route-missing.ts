import { defineRule, type RuleContext } from "../engine/types.js";
import { hopsOwnedBy, type HopGroup } from "../reach/findings.js";
import { gatewayFinding, gatewayKindOf, routeTableOfHop } from "../reach/gateway-hop.js";

type MessageId = "noIpv6Route" | "internetGatewayNotAttached" | "egressOnlyGatewayNotAttached";

export default defineRule<MessageId>({
  id: "ipv6-default-route-missing",
  title: "Service reachable only over native IPv6, but the subnet has no IPv6 default route",
  description:
    "When a service is reached through its dual-stack public name, with no endpoint and no " +
    "NAT64 path, the subnet needs ::/0 to an egress-only or internet gateway of its VPC.",
  severity: "error",
  tags: ["ipv6-only", "routing"],
  references: [
    {
      title: "Enable outbound IPv6 traffic using an egress-only internet gateway",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html",
    },
    {
      title: "InternetGatewayAttachment: attachment states",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html",
    },
    {
      title: "Dual-stack endpoint support (AWS KMS example)",
      url: "https://docs.aws.amazon.com/kms/latest/developerguide/ipv6-kms.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "VpcEndpoints"],
  messages: {
    noIpv6Route: {
      severity: "error",
      text:
        "Route table {routeTableId} of {subnetIds} has no ::/0 route to an egress-only or " +
        "internet gateway, and {services} can only be reached over native IPv6 from there.",
      fix:
        "Add ::/0 -> eigw-… to {routeTableId}: aws ec2 create-route --route-table-id " +
        "{routeTableId} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id " +
        "<eigw-id>. Or create interface endpoints for {services}.",
    },
    internetGatewayNotAttached: {
      severity: "error",
      text:
        "Route table {routeTableId} of {subnetIds} sends ::/0 to internet gateway {gatewayId}, " +
        "which {problem}, and {services} can only be reached over native IPv6 from there.",
      fix:
        "Attach {gatewayId} to {vpcId}: aws ec2 attach-internet-gateway --internet-gateway-id " +
        "{gatewayId} --vpc-id {vpcId}. Or point the route at a gateway of {vpcId}: aws ec2 " +
        "replace-route --route-table-id {routeTableId} --destination-ipv6-cidr-block ::/0 " +
        "--egress-only-internet-gateway-id <eigw-id>.",
    },
    egressOnlyGatewayNotAttached: {
      severity: "error",
      text:
        "Route table {routeTableId} of {subnetIds} sends ::/0 to egress-only internet gateway " +
        "{gatewayId}, which {problem}, and {services} can only be reached over native IPv6 from " +
        "there.",
      fix:
        "Point the route at an egress-only internet gateway of {vpcId}, creating one if needed " +
        "(aws ec2 create-egress-only-internet-gateway --vpc-id {vpcId}): aws ec2 replace-route " +
        "--route-table-id {routeTableId} --destination-ipv6-cidr-block ::/0 " +
        "--egress-only-internet-gateway-id <eigw-id>.",
    },
  },
  check(context) {
    for (const group of hopsOwnedBy(context, "ipv6-default-route-missing", routeTableOfHop)) {
      if (gatewayKindOf(group.hop)) reportGateway(context, group);
      else reportRoute(context, group);
    }
  },
});

function reportRoute(context: RuleContext<MessageId>, group: HopGroup): void {
  const routeTableId = group.hop.resourceId;
  const table = context.index.routeTable(routeTableId);
  context.report({
    messageId: "noIpv6Route",
    data: { routeTableId, subnetIds: group.subnetIds, services: group.services },
    resource: context.index.ref("route-table", routeTableId, table?.VpcId, table?.Tags),
    evidence: [{ resourceId: routeTableId, attribute: "Routes[::/0]", value: group.hop.text }],
    related: group.paths.map((path) => path.subnetId),
  });
}

function reportGateway(context: RuleContext<MessageId>, group: HopGroup): void {
  const egressOnly = gatewayKindOf(group.hop) === "egress-only-internet-gateway";
  context.report({
    messageId: egressOnly ? "egressOnlyGatewayNotAttached" : "internetGatewayNotAttached",
    ...gatewayFinding(context.index, group, "::/0"),
  });
}
