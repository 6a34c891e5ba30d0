import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"ipv4Records">({
  id: "endpoint-dns-records-ipv4-only",
  title: "Dual-stack endpoint publishes no AAAA records for its IPv6-only clients",
  description:
    "A dual-stack endpoint only helps IPv6-only clients when its private DNS name carries AAAA " +
    "records. With DnsRecordIpType ipv4, or service-defined, they still depend on NAT64.",
  severity: "info",
  tags: ["privatelink", "dns", "ipv6-only"],
  references: [
    {
      title: "Access an AWS service using an interface VPC endpoint: DNS record IP type",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
    {
      title: "ModifyVpcEndpoint: DnsOptions",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html",
    },
  ],
  requires: ["Subnets", "VpcEndpoints"],
  messages: {
    ipv4Records: {
      severity: "info",
      text:
        "Endpoint {endpointId} is dual-stack but its DnsRecordIpType is {recordType}, so " +
        "IPv6-only subnets {subnetIds} get A records and reach {services} only through NAT64.",
      fix:
        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpointId} --dns-options " +
        "DnsRecordIpType=dualstack.",
    },
  },
  check(context) {
    for (const group of hopsOwnedBy(context, "endpoint-dns-records-ipv4-only")) {
      const endpointId = group.hop.resourceId;
      const endpoint = group.paths[0]?.endpoint;
      context.report({
        messageId: "ipv4Records",
        data: {
          endpointId,
          recordType: String(group.hop.facts?.recordType ?? "unknown"),
          subnetIds: group.subnetIds,
          services: group.services,
        },
        resource: context.index.ref("vpc-endpoint", endpointId, endpoint?.VpcId, endpoint?.Tags),
        evidence: [
          {
            resourceId: endpointId,
            attribute: "IpAddressType",
            value: endpoint?.IpAddressType ?? null,
          },
          {
            resourceId: endpointId,
            attribute: "DnsOptions.DnsRecordIpType",
            value: endpoint?.DnsOptions?.DnsRecordIpType ?? null,
          },
        ],
        related: group.paths.map((path) => path.subnetId),
      });
    }
  },
});
