import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"noIpv6Route">({
  id: "ipv6-default-route-missing",
  title: "Service reachable only over native IPv6, but the subnet has no IPv6 default route",
  description:
    "When a service is reached through its dual-stack public name, with no endpoint and no " +
    "NAT64 path, the subnet needs ::/0 to an egress-only or internet gateway.",
  severity: "error",
  tags: ["ipv6-only", "routing"],
  references: [
    {
      title: "Enable outbound IPv6 traffic using an egress-only internet gateway",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html",
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
  },
  check(context) {
    for (const group of hopsOwnedBy(context, "ipv6-default-route-missing")) {
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
  },
});
