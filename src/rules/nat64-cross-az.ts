import { defineRule } from "../engine/types.js";
import { isEndedNat, isNat64Route, isRegionalNat, nat64RouteOf } from "../index/nat64.js";

export default defineRule<"crossAz">({
  id: "nat64-cross-az",
  title: "NAT64 route uses a zonal NAT gateway in another Availability Zone",
  description:
    "A zonal NAT gateway serves its own AZ. Routing another AZ's 64:ff9b::/96 traffic to it adds " +
    "cross-AZ data charges and takes that AZ down with the NAT gateway's AZ.",
  severity: "warning",
  tags: ["nat64", "nat-gateway", "availability"],
  references: [
    {
      title: "NAT gateway basics: create a NAT gateway in each Availability Zone",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways"],
  messages: {
    crossAz: {
      severity: "warning",
      text:
        "Subnet {subnetId} in {subnetZone} routes 64:ff9b::/96 to NAT gateway {natGatewayId} in " +
        "{natZone}, so its NAT64 traffic crosses AZs and fails with {natZone}.",
      fix:
        "Create a NAT gateway in {subnetZone} and point route table {routeTableId}'s " +
        "64:ff9b::/96 route at it, or use a regional NAT gateway.",
    },
  },
  check(context) {
    const { index } = context;
    for (const subnet of index.subnets()) {
      // A subnet without EnableDns64 may have DNS64 on, so a finding there becomes a skipped check.
      if (subnet.EnableDns64 === false) continue;
      const route = nat64RouteOf(index, subnet);
      const winner = route?.winner;
      if (!route || !winner || !isNat64Route(winner) || winner.target.kind !== "nat-gateway")
        continue;
      const nat = index.natGateway(winner.target.id);
      // A route that drops the traffic is nat64-route-blackhole's finding, wherever the gateway was.
      if (!nat || winner.blackhole || isEndedNat(nat)) continue;
      if (isRegionalNat(nat)) continue;
      const subnetId = subnet.SubnetId as string;
      if (!nat.SubnetId) {
        // A zonal NAT gateway lives in a subnet, so one without SubnetId lacks data.
        context.unknown(
          subnetId,
          `the SubnetId of NAT gateway ${winner.target.id} is not in the snapshot`,
        );
        continue;
      }
      const natZone = index.subnet(nat.SubnetId)?.AvailabilityZone;
      const subnetZone = subnet.AvailabilityZone;
      if (!natZone || !subnetZone) {
        // AWS picks the AZ of a subnet created without one, so two such subnets may differ.
        const unplaced = subnetZone ? nat.SubnetId : subnetId;
        context.unknown(subnetId, `the AZ of ${unplaced} is not in the snapshot`);
        continue;
      }
      if (natZone === subnetZone) continue;
      if (subnet.EnableDns64 === undefined) {
        context.unknown(subnetId, "EnableDns64 is not in the snapshot");
        continue;
      }

      const routeTableId = route.table.RouteTableId as string;
      context.report({
        messageId: "crossAz",
        data: { subnetId, subnetZone, natGatewayId: winner.target.id, natZone, routeTableId },
        resource: index.ref("subnet", subnetId, subnet.VpcId, subnet.Tags),
        evidence: [
          { resourceId: subnetId, attribute: "AvailabilityZone", value: subnetZone },
          { resourceId: nat.SubnetId, attribute: "AvailabilityZone", value: natZone },
          { resourceId: routeTableId, attribute: "Routes[64:ff9b::/96]", value: winner.target.id },
        ],
        related: [routeTableId, winner.target.id],
      });
    }
  },
});
