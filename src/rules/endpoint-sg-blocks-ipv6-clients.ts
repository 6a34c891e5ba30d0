import { defineRule } from "../engine/types.js";
import { factsOf, hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"blocked">({
  id: "endpoint-sg-blocks-ipv6-clients",
  title: "Dual-stack endpoint's security group does not admit its IPv6 clients",
  description:
    "When clients resolve an endpoint's AAAA records they connect from their own IPv6 " +
    "addresses, so the endpoint's security groups need a rule for those ranges or groups.",
  severity: "error",
  tags: ["ipv6-only", "privatelink", "security-group"],
  references: [
    {
      title: "Access an AWS service using an interface VPC endpoint: IP address types",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
    {
      title: "Security group rules",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "VpcEndpoints", "SecurityGroups"],
  messages: {
    blocked: {
      severity: "error",
      text:
        "Endpoint {endpointId} publishes AAAA records but allows no TCP 443 from {sources}, so " +
        "{services} calls from {subnetIds} time out.",
      fix:
        "Add an inbound rule for TCP 443 from {sources} (or from the clients' security group) to " +
        "security group {groupId}.",
    },
  },
  check(context) {
    for (const group of hopsOwnedBy(context, "endpoint-sg-blocks-ipv6-clients")) {
      const endpointId = group.hop.resourceId;
      const endpoint = group.paths[0]?.endpoint;
      const groupIds = String(group.hop.facts?.groupIds ?? "");
      context.report({
        messageId: "blocked",
        data: {
          endpointId,
          sources: factsOf(group, "sources"),
          subnetIds: group.subnetIds,
          services: group.services,
          groupId: groupIds.split(", ")[0] ?? "",
        },
        resource: context.index.ref("vpc-endpoint", endpointId, endpoint?.VpcId, endpoint?.Tags),
        evidence: [
          { resourceId: endpointId, attribute: "Groups", value: groupIds },
          {
            resourceId: endpointId,
            attribute: "DnsOptions.DnsRecordIpType",
            value: endpoint?.DnsOptions?.DnsRecordIpType ?? null,
          },
        ],
        related: [...groupIds.split(", "), ...group.paths.map((path) => path.subnetId)],
      });
    }
  },
});
