import { defineRule } from "../engine/types.js";
import {
  isNat64Route,
  leavesVpc,
  mayTranslate,
  nat64RouteOf,
  partsWithoutNat64,
} from "../index/nat64.js";
import { describeParts, describeRoute } from "../index/routes.js";
import { NAT64_PREFIX } from "../net/cidr.js";
import { analyse } from "../reach/analysis.js";
import type { ServicePath } from "../reach/types.js";

export default defineRule<"noRoute" | "otherRouteWins" | "partlyRouted" | "servicesWithoutNat64">({
  id: "nat64-route-missing",
  title: "Subnet with DNS64 has no NAT64 route",
  description:
    "With DNS64 on, IPv4-only names resolve to 64:ff9b::/96 addresses. Without a route for that " +
    "prefix more specific than ::/0, the traffic never reaches a NAT gateway that translates it.",
  severity: "error",
  tags: ["dns64", "nat64", "routing"],
  references: [
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
    {
      title: "Route priority",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html",
    },
  ],
  requires: ["Subnets", "RouteTables"],
  messages: {
    noRoute: {
      severity: "error",
      text:
        "Subnet {subnetId} has EnableDns64 true, but route table {routeTableId} has no route " +
        "for 64:ff9b::/96, so connections to DNS64 addresses have no route.",
      fix:
        "Add a route 64:ff9b::/96 to a NAT gateway in a subnet with IPv4 addresses: aws ec2 " +
        "create-route --route-table-id {routeTableId} --destination-ipv6-cidr-block 64:ff9b::/96 " +
        "--nat-gateway-id <nat-id>. Or turn DNS64 off if the subnet needs no IPv4 destination.",
    },
    otherRouteWins: {
      severity: "error",
      text:
        "Subnet {subnetId} has EnableDns64 true, but route table {routeTableId} has no route " +
        "for 64:ff9b::/96, so DNS64 addresses follow {winningRoute}, which does not translate " +
        "them to IPv4.",
      fix:
        "Add a route 64:ff9b::/96 to a NAT gateway in a subnet with IPv4 addresses: aws ec2 " +
        "create-route --route-table-id {routeTableId} --destination-ipv6-cidr-block 64:ff9b::/96 " +
        "--nat-gateway-id <nat-id>.",
    },
    servicesWithoutNat64: {
      severity: "warning",
      text:
        "Subnet {subnetId} has EnableDns64 true, but route table {routeTableId} {routing}, so " +
        "connections to IPv4-only destinations fail. Its required services {services} are " +
        "reached without NAT64.",
      fix:
        "Add a route 64:ff9b::/96 to a NAT gateway in a subnet with IPv4 addresses: aws ec2 " +
        "create-route --route-table-id {routeTableId} --destination-ipv6-cidr-block 64:ff9b::/96 " +
        "--nat-gateway-id <nat-id>. Or turn DNS64 off if the workloads need no IPv4-only " +
        "destination: aws ec2 modify-subnet-attribute --subnet-id {subnetId} --no-enable-dns64.",
    },
    partlyRouted: {
      severity: "warning",
      text:
        "Subnet {subnetId} has EnableDns64 true, but route table {routeTableId} routes only " +
        "part of 64:ff9b::/96 to NAT64, so DNS64 addresses in {parts} follow {winningRoute} " +
        "and connections to the IPv4 addresses they stand for fail.",
      fix:
        "Add a route for {parts} to a NAT gateway, or one for all of 64:ff9b::/96: aws ec2 " +
        "create-route --route-table-id {routeTableId} --destination-ipv6-cidr-block " +
        "64:ff9b::/96 --nat-gateway-id <nat-id>.",
    },
  },
  check(context) {
    const { index } = context;
    for (const subnet of index.subnets()) {
      if (subnet.EnableDns64 === false) continue;
      const subnetId = subnet.SubnetId as string;
      const route = nat64RouteOf(index, subnet);
      if (!route) {
        context.unknown(
          subnetId,
          "neither a route table associated with the subnet nor the VPC's main table is in the snapshot",
        );
        continue;
      }
      if (isNat64Route(route.winner)) continue;
      // Routes inside 64:ff9b::/96 may cover all of it together, such as two /97 routes. Those
      // whose targets cannot translate are route-overrides-nat64-prefix's warnings, unless no
      // part may be translated, so that every DNS64 connection fails.
      const unrouted = partsWithoutNat64(route.parts);
      const translated = route.parts.some((part) => mayTranslate(index, part.route));
      if (translated && unrouted.length === 0) continue;
      // Older DescribeSubnets outputs lack EnableDns64; without a NAT64 route the answer depends on it.
      if (subnet.EnableDns64 === undefined) {
        context.unknown(subnetId, "EnableDns64 is not in the snapshot");
        continue;
      }
      if (route.unresolvedPrefixLists.length > 0) {
        context.unknown(
          subnetId,
          "a route uses a prefix list whose entries are not in the snapshot",
        );
        continue;
      }

      const routeTableId = route.table.RouteTableId as string;
      const winner = route.winner;
      // A network beyond a transit gateway, a virtual private gateway or Cloud WAN may translate
      // what follows ::/0 there, such as a central egress VPC with a NAT gateway.
      if (winner && leavesVpc(winner)) {
        context.unknown(
          subnetId,
          `64:ff9b::/96 follows ${describeRoute(winner)} in ${routeTableId}, beyond the VPC, where vpc-lint cannot tell whether it is translated`,
        );
        continue;
      }
      if (translated) {
        const parts = describeParts(unrouted, NAT64_PREFIX);
        const winningRoute = winner ? describeRoute(winner) : "no route";
        context.report({
          messageId: "partlyRouted",
          data: { subnetId, routeTableId, parts, winningRoute },
          resource: index.ref("subnet", subnetId, subnet.VpcId, subnet.Tags),
          evidence: [
            { resourceId: subnetId, attribute: "EnableDns64", value: true },
            {
              resourceId: routeTableId,
              attribute: `Routes[${parts}]`,
              value: winner ? describeRoute(winner) : null,
            },
          ],
          related: [routeTableId, ...(winner ? [winner.target.id] : [])],
        });
        continue;
      }
      // The subnet, the route that 64:ff9b::/96 follows, and where they lead, for either finding.
      const place = {
        resource: index.ref("subnet", subnetId, subnet.VpcId, subnet.Tags),
        evidence: [
          { resourceId: subnetId, attribute: "EnableDns64", value: true },
          {
            resourceId: routeTableId,
            attribute: "Routes[64:ff9b::/96]",
            value: winner ? describeRoute(winner) : null,
          },
        ],
        related: [routeTableId, ...(winner ? [winner.target.id] : [])],
      };
      // Every required path reaches its service without NAT64 and without a client setting, as
      // through dual-stack endpoints, so only destinations outside them, which the snapshot does
      // not show, fail.
      const paths = [...(analyse(index, context.settings).bySubnet.get(subnetId)?.values() ?? [])];
      const works = (path: ServicePath) =>
        path.verdict === "reachable" &&
        path.hops.every((hop) => hop.status === "ok" || hop.status === "info");
      if (paths.length > 0 && paths.every(works)) {
        context.report({
          messageId: "servicesWithoutNat64",
          data: {
            subnetId,
            routeTableId,
            routing: winner
              ? `sends 64:ff9b::/96 along ${describeRoute(winner)}`
              : "has no route for 64:ff9b::/96",
            services: paths.map((path) => path.service).join(", "),
          },
          ...place,
        });
        continue;
      }
      context.report({
        messageId: winner ? "otherRouteWins" : "noRoute",
        data: winner
          ? { subnetId, routeTableId, winningRoute: describeRoute(winner) }
          : { subnetId, routeTableId },
        ...place,
      });
    }
  },
});
