import type { NatGateway } from "@aws-sdk/client-ec2";
import { defineRule } from "../engine/types.js";
import { natState, subnetsByTable } from "../index/nat64.js";
import { describeRoute } from "../index/routes.js";
import { NAT64_PREFIX, cidrContains } from "../net/cidr.js";

export default defineRule<"override" | "toUnavailableNat">({
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
    const dns64 = index.subnets().filter((subnet) => subnet.EnableDns64 === true);
    for (const [table, subnets] of subnetsByTable(index, dns64)) {
      const routeTableId = table.RouteTableId as string;
      for (const view of index.routesOf(table).views) {
        if (view.destination.length <= 96 || !cidrContains(NAT64_PREFIX, view.destination))
          continue;
        let state: string | undefined;
        if (view.target.kind === "nat-gateway") {
          // An available NAT gateway translates the range as the /96 route's target would.
          if (!view.blackhole && !index.has("NatGateways")) {
            context.unknown(routeTableId, "NatGateways was not collected");
            continue;
          }
          const nat = index.natGateway(view.target.id);
          state = view.blackhole ? "unreachable (the route is a blackhole)" : natStateText(nat);
          if (state === undefined) continue;
        }
        const subnetIds = subnets.map((subnet) => subnet.SubnetId as string);
        const route = describeRoute(view);
        context.report({
          messageId: state === undefined ? "override" : "toUnavailableNat",
          data: {
            routeTableId,
            route,
            destination: view.destination.text,
            subnetIds: subnetIds.join(", "),
            ...(state !== undefined && { natGatewayId: view.target.id, state }),
          },
          resource: index.ref("route-table", routeTableId, table.VpcId, table.Tags),
          evidence: [{ resourceId: routeTableId, attribute: "Routes", value: route }],
          related: [view.target.id, ...subnetIds],
          discriminator: view.destination.text,
        });
      }
    }
  },
});

/** Describes a NAT gateway that cannot translate, or returns undefined for an available one. */
function natStateText(nat: NatGateway | undefined): string | undefined {
  if (!nat) return "missing from the snapshot's NAT gateways";
  const state = natState(nat);
  return state === "available" ? undefined : state || "in an unknown state";
}
