import { defineRule } from "../engine/types.js";
import { isEndedNat, isRegionalNat } from "../index/nat64.js";
import { isIpv6Only } from "../index/snapshot-index.js";

export default defineRule<"noIpv4">({
  id: "nat-gateway-in-ipv6-only-subnet",
  title: "NAT gateway in a subnet without IPv4 addresses",
  description:
    "A NAT gateway translates to its own private IPv4 address, so it needs a subnet with an IPv4 " +
    "range. In an IPv6-only subnet it cannot perform NAT64.",
  severity: "error",
  tags: ["nat64", "nat-gateway", "ipv6-only"],
  references: [
    {
      title: "NAT gateway basics",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["NatGateways", "Subnets"],
  messages: {
    noIpv4: {
      severity: "error",
      text:
        "NAT gateway {natGatewayId} is in subnet {subnetId}, which has no IPv4 range, so it " +
        "cannot translate NAT64 traffic to IPv4.",
      fix:
        "Create the NAT gateway in a dual-stack subnet (a public one for internet access), point " +
        "the 64:ff9b::/96 routes at it, then delete {natGatewayId}.",
    },
  },
  check(context) {
    const { index } = context;
    for (const nat of index.natGateways()) {
      if (isEndedNat(nat) || isRegionalNat(nat) || !nat.SubnetId) continue;
      const natGatewayId = nat.NatGatewayId as string;
      const subnet = index.subnet(nat.SubnetId);
      if (!subnet) {
        context.unknown(natGatewayId, `its subnet ${nat.SubnetId} is not in the snapshot`);
        continue;
      }
      if (!isIpv6Only(subnet)) continue;
      context.report({
        messageId: "noIpv4",
        data: { natGatewayId, subnetId: nat.SubnetId },
        resource: index.ref("nat-gateway", natGatewayId, nat.VpcId ?? subnet.VpcId, nat.Tags),
        evidence: [
          { resourceId: nat.SubnetId, attribute: "Ipv6Native", value: subnet.Ipv6Native ?? null },
          { resourceId: nat.SubnetId, attribute: "CidrBlock", value: subnet.CidrBlock ?? null },
        ],
        related: [nat.SubnetId],
      });
    }
  },
});
