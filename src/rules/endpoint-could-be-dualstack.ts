import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"ipv4Only">({
  id: "endpoint-could-be-dualstack",
  title: "IPv4-only endpoint for a service that supports IPv6 over PrivateLink",
  description:
    "When the service supports IPv6 interface endpoints, a dual-stack endpoint with AAAA records " +
    "lets IPv6-only clients connect directly, without NAT64.",
  severity: "info",
  tags: ["privatelink", "ipv6-only"],
  references: [
    {
      title: "Access an AWS service using an interface VPC endpoint: IP address types",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
    {
      title: "DescribeVpcEndpointServices: SupportedIpAddressTypes",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ServiceDetail.html",
    },
  ],
  requires: ["Subnets", "VpcEndpoints"],
  messages: {
    ipv4Only: {
      severity: "info",
      text:
        "Endpoint {endpointId} for {services} is IPv4-only although the service supports IPv6, " +
        "so IPv6-only subnets {subnetIds} depend on NAT64 to reach it.",
      fix:
        "Make the endpoint dual-stack with IPv6 DNS records: aws ec2 modify-vpc-endpoint " +
        "--vpc-endpoint-id {endpointId} --ip-address-type dualstack --dns-options " +
        "DnsRecordIpType=dualstack (its subnets need IPv6 ranges).",
    },
  },
  check(context) {
    for (const group of hopsOwnedBy(context, "endpoint-could-be-dualstack")) {
      const endpointId = group.hop.resourceId;
      const endpoint = group.paths[0]?.endpoint;
      context.report({
        messageId: "ipv4Only",
        data: { endpointId, services: group.services, subnetIds: group.subnetIds },
        resource: context.index.ref("vpc-endpoint", endpointId, endpoint?.VpcId, endpoint?.Tags),
        evidence: [
          {
            resourceId: endpointId,
            attribute: "IpAddressType",
            value: endpoint?.IpAddressType ?? null,
          },
        ],
        related: group.paths.map((path) => path.subnetId),
      });
    }
  },
});
