import type { NatGateway } from "@aws-sdk/client-ec2";
import { defineRule } from "../engine/types.js";
import {
  isPublicNat,
  nat64RouteIn,
  natTarget,
  onwardRouteBeyondVpc,
  subnetsByTable,
} from "../index/nat64.js";
import { describeRoute } from "../index/routes.js";
import { NAT64_PREFIX, cidrContains, ipv4OfNat64, parseCidr, type Cidr } from "../net/cidr.js";

type MessageId = "override" | "toUnavailableNat" | "toOtherNatType";

export default defineRule<MessageId>({
  id: "route-overrides-nat64-prefix",
  title: "A more specific route inside 64:ff9b::/96 bypasses the NAT gateway",
  description:
    "Longest-prefix match sends DNS64 addresses covered by a route longer than /96 past the NAT64 " +
    "route, so unless that route also leads to a working NAT gateway, the IPv4 destinations in " +
    "that range are reached some other way or not at all.",
  severity: "warning",
  tags: ["nat64", "routing"],
  references: [
    {
      title: "Route priority",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["Subnets", "RouteTables"],
  messages: {
    override: {
      severity: "warning",
      text:
        "Route table {routeTableId} has {route}, more specific than 64:ff9b::/96, so DNS64 " +
        "traffic from {subnetIds} to that range bypasses the NAT64 route.",
      fix:
        "Delete the route if it is not meant to carry NAT64 traffic: aws ec2 delete-route " +
        "--route-table-id {routeTableId} --destination-ipv6-cidr-block {destination}.",
    },
    toOtherNatType: {
      severity: "warning",
      text:
        "Route table {routeTableId} has {route}, more specific than 64:ff9b::/96, to " +
        "{natType} NAT gateway {natGatewayId}, while 64:ff9b::/96 uses {mainType} NAT gateway " +
        "{mainNatGatewayId}, so DNS64 traffic from {subnetIds} to that range cannot reach what " +
        "the rest of 64:ff9b::/96 reaches.",
      fix:
        "Point the route at a {mainType} NAT gateway, or delete it so the 64:ff9b::/96 route " +
        "carries that range: aws ec2 delete-route --route-table-id {routeTableId} " +
        "--destination-ipv6-cidr-block {destination}.",
    },
    toUnavailableNat: {
      severity: "warning",
      text:
        "Route table {routeTableId} has {route}, more specific than 64:ff9b::/96, and NAT " +
        "gateway {natGatewayId} is {state}, so DNS64 traffic from {subnetIds} to that range is " +
        "dropped.",
      fix:
        "Point the route at an available NAT gateway, or delete it so the 64:ff9b::/96 route " +
        "carries that range: aws ec2 delete-route --route-table-id {routeTableId} " +
        "--destination-ipv6-cidr-block {destination}.",
    },
  },
  check(context) {
    const { index } = context;
    // A subnet without EnableDns64 may have DNS64 on, so its routes are checked too.
    const candidates = index.subnets().filter((subnet) => subnet.EnableDns64 !== false);
    for (const [table, users] of subnetsByTable(index, candidates)) {
      const routeTableId = table.RouteTableId as string;
      const inside = index.routesOf(table).inside(NAT64_PREFIX);
      if (inside.length === 0) continue;
      const subnets = users.filter((subnet) => subnet.EnableDns64 === true);
      const subnetIds = subnets.map((subnet) => subnet.SubnetId as string);
      // Set when a route is reported or may be. Only then are subnets without EnableDns64 skipped.
      let reported = false;
      for (const view of inside) {
        const route = describeRoute(view);
        const report = (messageId: MessageId, data: Record<string, string> = {}): void => {
          reported = true;
          if (subnets.length === 0) return;
          context.report({
            messageId,
            data: {
              routeTableId,
              route,
              destination: view.destination.text,
              subnetIds: subnetIds.join(", "),
              ...data,
            },
            resource: index.ref("route-table", routeTableId, table.VpcId, table.Tags),
            evidence: [{ resourceId: routeTableId, attribute: "Routes", value: route }],
            related: [view.target.id, ...subnetIds],
            discriminator: view.destination.text,
          });
        };
        if (view.target.kind !== "nat-gateway") {
          report("override");
          continue;
        }
        const natGatewayId = view.target.id;
        const target = natTarget(index, natGatewayId, view.blackhole, table.VpcId);
        if (target.status === "unknown") {
          reported = true;
          if (subnets.length > 0) context.unknown(routeTableId, target.reason);
        } else if (target.status === "down") {
          report("toUnavailableNat", {
            natGatewayId,
            state: DOWN_TEXT[target.state] ?? target.state,
          });
        } else {
          // An available NAT gateway translates the range. Only public addresses sent to a
          // private one, beside a public 64:ff9b::/96 route, are cut off: a private NAT gateway
          // reaches private networks, and public ones only through a network beyond the VPC.
          const main = nat64RouteIn(index, table).winner;
          const mainNat = main?.target.kind === "nat-gateway" && index.natGateway(main.target.id);
          if (!mainNat || !isPublicNat(mainNat) || isPublicNat(target.nat)) continue;
          if (onlyPrivateIpv4(view.destination) || onwardRouteBeyondVpc(index, target.nat)) {
            continue;
          }
          report("toOtherNatType", {
            natGatewayId,
            natType: natType(target.nat),
            mainNatGatewayId: mainNat.NatGatewayId as string,
            mainType: natType(mainNat),
          });
        }
      }
      if (!reported) continue;
      for (const subnet of users) {
        if (subnet.EnableDns64 === undefined) {
          context.unknown(subnet.SubnetId as string, "EnableDns64 is not in the snapshot");
        }
      }
    }
  },
});

/** Message wording for the states of a route that leads nowhere. */
const DOWN_TEXT: Record<string, string> = {
  blackhole: "unreachable (the route is a blackhole)",
  missing: "missing from the snapshot's NAT gateways",
};

/** IPv4 ranges that are not on the internet: RFC 1918 and the shared address space. */
const PRIVATE_IPV4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(
  (text) => parseCidr(text) as Cidr,
);

/** Tells whether a range inside 64:ff9b::/96 covers only the DNS64 forms of private IPv4 addresses. */
function onlyPrivateIpv4(destination: Cidr): boolean {
  const ipv4 = ipv4OfNat64(destination);
  return PRIVATE_IPV4.some((range) => cidrContains(range, ipv4));
}

function natType(nat: NatGateway): string {
  return isPublicNat(nat) ? "public" : "private";
}
