import { defineRule } from "../engine/types.js";
import { endpointsWithUnknownPrivateDns, listIds, resolverDependents } from "../index/dns.js";

export default defineRule<"disabled">({
  id: "vpc-dns-hostnames-disabled",
  title: "VPC DNS hostnames are off while an endpoint uses private DNS",
  description:
    "Private DNS for interface endpoints needs both enableDnsSupport and enableDnsHostnames. " +
    "With hostnames off, the service names resolve to public addresses again.",
  severity: "error",
  tags: ["dns", "privatelink"],
  references: [
    {
      title: "DNS attributes for your VPC",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support",
    },
    {
      title: "Access an AWS service using an interface VPC endpoint",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
  ],
  requires: ["VpcAttributes", "VpcEndpoints"],
  messages: {
    disabled: {
      severity: "error",
      text:
        "VPC {vpcId} has enableDnsHostnames false, so the private DNS names of endpoints " +
        "{endpointIds} do not resolve to the endpoints.",
      fix:
        "Turn DNS hostnames on: aws ec2 modify-vpc-attribute --vpc-id {vpcId} " +
        '--enable-dns-hostnames "{\\"Value\\":true}" (CloudFormation EnableDnsHostnames, ' +
        "Terraform enable_dns_hostnames).",
    },
  },
  check(context) {
    const { index } = context;
    for (const vpcId of index.vpcIds()) {
      const value = index.vpcAttributes(vpcId)?.EnableDnsHostnames?.Value;
      if (value === true) continue;
      const endpoints = resolverDependents(index, vpcId).privateDnsEndpoints;
      if (endpoints.length === 0) {
        // Hostnames are off or unknown here, and private DNS may be on for an endpoint that lacks
        // PrivateDnsEnabled.
        const undecided = endpointsWithUnknownPrivateDns(index, vpcId);
        if (undecided.length > 0) {
          const ids = listIds(undecided.map((endpoint) => endpoint.VpcEndpointId as string));
          const reason =
            value === undefined
              ? `enableDnsHostnames and PrivateDnsEnabled of ${ids} are not in the snapshot`
              : `PrivateDnsEnabled of ${ids} is not in the snapshot`;
          context.unknown(vpcId, reason);
        }
        continue;
      }
      if (value === undefined) {
        context.unknown(vpcId, "enableDnsHostnames is not in the snapshot");
        continue;
      }

      const endpointIds = endpoints.map((endpoint) => endpoint.VpcEndpointId as string);
      context.report({
        messageId: "disabled",
        data: { vpcId, endpointIds: listIds(endpointIds) },
        resource: index.ref("vpc", vpcId, vpcId, index.vpc(vpcId)?.Tags),
        evidence: [{ resourceId: vpcId, attribute: "EnableDnsHostnames", value: false }],
        related: endpointIds,
      });
    }
  },
});
