import { defineRule, type Evidence } from "../engine/types.js";
import { compareText } from "../engine/lint.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { factsOf, hopsOwnedBy, type HopGroup } from "../reach/findings.js";
import type { Hop } from "../reach/types.js";

export default defineRule<"blocked" | "blocksSome" | "blocksNatSubnet">({
  id: "endpoint-sg-blocks-nat64-source",
  title: "Endpoint security group does not admit the NAT gateway's address",
  description:
    "After NAT64 the endpoint sees the NAT gateway's private IPv4 address as the source, not the " +
    "instance's IPv6 address or security group, so rules written for the clients do not match.",
  severity: "error",
  tags: ["nat64", "privatelink", "security-group"],
  references: [
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
    {
      title: "Control traffic to VPC endpoints using security groups",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways", "VpcEndpoints", "SecurityGroups"],
  messages: {
    blocked: {
      severity: "error",
      text:
        "Endpoint {endpointId} allows no TCP 443 from {sources}, the private addresses of the " +
        "NAT gateways that translate for {subnetIds}, so {services} calls from there time out.",
      fix:
        "Add an inbound rule for TCP 443 from {sources} (or the NAT gateway subnet's IPv4 range) " +
        "to security group {groupId}.",
    },
    blocksNatSubnet: {
      severity: "error",
      text:
        "Endpoint {endpointId} allows no TCP 443 from {sources}, the IPv4 ranges of subnets " +
        "{natSubnetIds}, from which the NAT gateways that translate for {subnetIds} take their " +
        "private addresses, so {services} calls from there time out.",
      fix: "Add an inbound rule for TCP 443 from {sources} to security group {groupId}.",
    },
    blocksSome: {
      severity: "warning",
      text:
        "Endpoint {endpointId} allows TCP 443 from {admitted} but not from {sources}, other " +
        "private addresses of the NAT gateways that translate for {subnetIds}, so the {services} " +
        "calls that leave through those addresses time out.",
      fix:
        "Add an inbound rule for TCP 443 from {sources} (or the NAT gateway subnet's IPv4 range) " +
        "to security group {groupId}.",
    },
  },
  check(context) {
    const owner = "endpoint-sg-blocks-nat64-source";
    // Hops that block every address, some of them, or a NAT subnet's range stay in separate
    // findings.
    const keyOf = (hop: Hop) =>
      `${hop.resourceId} ${hop.status} ${hop.facts?.natSubnetIds === undefined ? "" : "range"}`;
    for (const group of hopsOwnedBy(context, owner, keyOf)) {
      const endpointId = group.hop.resourceId;
      const endpoint = group.paths[0]?.endpoint;
      const groupId = String(group.hop.facts?.groupIds ?? "").split(", ")[0] ?? "";
      const some = group.hop.status === "warning";
      const byRange = group.hop.facts?.natSubnetIds !== undefined;
      let messageId: "blocked" | "blocksSome" | "blocksNatSubnet" = "blocked";
      if (some) messageId = "blocksSome";
      else if (byRange) messageId = "blocksNatSubnet";
      const natSubnetIds = byRange ? factsOf(group, "natSubnetIds") : "";
      context.report({
        messageId,
        data: {
          endpointId,
          sources: factsOf(group, "sources"),
          ...(some && { admitted: factsOf(group, "admitted") }),
          ...(byRange && { natSubnetIds }),
          subnetIds: group.subnetIds,
          services: group.services,
          groupId,
        },
        resource: context.index.ref("vpc-endpoint", endpointId, endpoint?.VpcId, endpoint?.Tags),
        evidence: [
          { resourceId: endpointId, attribute: "Groups", value: group.hop.facts?.groupIds ?? null },
          ...(byRange
            ? rangeEvidence(context.index, natSubnetIds)
            : sourcesByNat(group).map(([natId, sources]) => ({
                resourceId: natId,
                attribute: "NatGatewayAddresses.PrivateIp",
                value: sources,
              }))),
        ],
        related: [
          ...String(group.hop.facts?.groupIds ?? "").split(", "),
          ...group.paths.map((path) => path.subnetId),
        ],
        ...(some && { discriminator: "some addresses" }),
        ...(byRange && { discriminator: "NAT subnet ranges" }),
      });
    }
  },
});

/** Cites the IPv4 range of each NAT gateway subnet whose range stood in for the addresses. */
function rangeEvidence(index: SnapshotIndex, natSubnetIds: string): Evidence[] {
  return natSubnetIds.split(", ").map((subnetId) => ({
    resourceId: subnetId,
    attribute: "CidrBlock",
    value: index.subnet(subnetId)?.CidrBlock ?? null,
  }));
}

/**
 * Returns each NAT gateway on the group's paths with its blocked addresses, since the subnets of
 * one finding may translate through different NAT gateways.
 */
function sourcesByNat(group: HopGroup): [string, string][] {
  const byNat = new Map<string, Set<string>>();
  group.paths.forEach((path, position) => {
    const natId = path.nat?.NatGatewayId;
    if (!natId) return;
    const sources = String(group.hops[position]?.facts?.sources ?? "").split(", ");
    const known = byNat.get(natId) ?? new Set<string>();
    for (const source of sources) if (source) known.add(source);
    byNat.set(natId, known);
  });
  return [...byNat]
    .sort(([a], [b]) => compareText(a, b))
    .map(([natId, sources]) => [natId, [...sources].sort().join(", ")]);
}
