import { defineRule } from "../engine/types.js";
import {
  isAmazonResolver,
  listIds,
  nameServersOf,
  resolverDependents,
  unknownNameServers,
} from "../index/dns.js";
import { isIpv6Only, type SnapshotIndex } from "../index/snapshot-index.js";

export default defineRule<"disabled">({
  id: "vpc-dns-support-disabled",
  title: "VPC DNS support is off while DNS64 or endpoint private DNS relies on it",
  description:
    "With enableDnsSupport false, the Amazon-provided resolver does not answer. DNS64 and the " +
    "private DNS names of interface endpoints exist only in that resolver, so both stop working.",
  severity: "error",
  tags: ["dns", "dns64", "privatelink"],
  references: [
    {
      title: "DNS attributes for your VPC",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["VpcAttributes", "Subnets", "VpcEndpoints"],
  messages: {
    disabled: {
      severity: "error",
      text:
        "VPC {vpcId} has enableDnsSupport false, so the Amazon-provided resolver does not answer " +
        "and {dependents} cannot resolve names.",
      fix:
        "Turn DNS support on: aws ec2 modify-vpc-attribute --vpc-id {vpcId} --enable-dns-support " +
        '"{\\"Value\\":true}" (CloudFormation EnableDnsSupport, Terraform enable_dns_support).',
    },
  },
  check(context) {
    const { index } = context;
    for (const vpcId of index.vpcIds()) {
      const value = index.vpcAttributes(vpcId)?.EnableDnsSupport?.Value;
      if (value === true) continue;
      const { dns64Subnets, privateDnsEndpoints } = resolverDependents(index, vpcId);
      // IPv6-only subnets resolve names through the Amazon-provided resolver even without DNS64,
      // unless the DHCP options name only other servers, which DNS support does not switch off.
      const ipv6Only = index
        .subnetsOf(vpcId)
        .filter((subnet) => isIpv6Only(subnet) && subnet.EnableDns64 !== true);
      const viaAmazon = ipv6Only.length > 0 ? usesAmazonResolver(index, vpcId) : false;
      const ipv6OnlySubnets = viaAmazon === true ? ipv6Only : [];
      const relying = dns64Subnets.length + ipv6OnlySubnets.length + privateDnsEndpoints.length;
      if (relying === 0) {
        // Unknown DHCP options leave open whether the IPv6-only subnets rely on the resolver.
        if (viaAmazon === undefined && value === false) {
          const vpc = index.vpc(vpcId);
          const reason = vpc
            ? unknownNameServers(index, vpc)
            : `VPC ${vpcId} is not in the snapshot`;
          context.unknown(
            vpcId,
            `${reason}, so whether IPv6-only subnets rely on the Amazon-provided resolver is unknown`,
          );
        }
        continue;
      }
      if (value === undefined) {
        context.unknown(vpcId, "enableDnsSupport is not in the snapshot");
        continue;
      }

      const subnetIds = dns64Subnets.map((subnet) => subnet.SubnetId as string);
      const ipv6OnlyIds = ipv6OnlySubnets.map((subnet) => subnet.SubnetId as string);
      const endpointIds = privateDnsEndpoints.map((endpoint) => endpoint.VpcEndpointId as string);
      const dependents = [
        subnetIds.length ? `DNS64 subnets ${listIds(subnetIds)}` : "",
        ipv6OnlyIds.length ? `IPv6-only subnets ${listIds(ipv6OnlyIds)}` : "",
        endpointIds.length ? `private DNS endpoints ${listIds(endpointIds)}` : "",
      ].filter(Boolean);
      context.report({
        messageId: "disabled",
        data: { vpcId, dependents: dependents.join(" and ") },
        resource: index.ref("vpc", vpcId, vpcId, index.vpc(vpcId)?.Tags),
        evidence: [{ resourceId: vpcId, attribute: "EnableDnsSupport", value: false }],
        related: [...subnetIds, ...ipv6OnlyIds, ...endpointIds],
      });
    }
  },
});

/**
 * Tells whether a VPC's DHCP options send queries to the Amazon-provided resolver, as they do when
 * they name no server or name it. Returns undefined when the VPC or its options are unknown.
 */
function usesAmazonResolver(index: SnapshotIndex, vpcId: string): boolean | undefined {
  const vpc = index.vpc(vpcId);
  const servers = vpc ? nameServersOf(index, vpc) : undefined;
  if (!vpc || !servers) return undefined;
  return servers.length === 0 || servers.some((server) => isAmazonResolver(server, vpc));
}
