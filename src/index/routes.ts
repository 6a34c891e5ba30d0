/** Route targets and longest-prefix lookup over a route table, prefix-list routes included. */
import type { Route, RouteTable } from "@aws-sdk/client-ec2";
import { cidrContains, parseCidr, rangePrefixes, type Cidr } from "../net/cidr.js";
import type { ManagedPrefixList } from "../snapshot/types.js";

export type TargetKind =
  | "local"
  | "nat-gateway"
  | "internet-gateway"
  | "egress-only-internet-gateway"
  | "network-interface"
  | "instance"
  | "virtual-private-gateway"
  | "transit-gateway"
  | "vpc-peering"
  | "vpc-endpoint"
  | "carrier-gateway"
  | "local-gateway"
  | "core-network"
  | "unknown";

export interface RouteTarget {
  kind: TargetKind;
  id: string;
}

/** One route as the index stores it; a prefix-list route becomes one view per list entry. */
export interface RouteView {
  routeTableId: string;
  route: Route;
  destination: Cidr;
  /** Set when the destination comes from a managed prefix list entry. */
  prefixListId?: string;
  target: RouteTarget;
  blackhole: boolean;
}

/** The route that wins for a destination, and prefix lists whose entries were not collected. */
export interface RouteLookup {
  route?: RouteView;
  unresolvedPrefixLists: string[];
}

const GATEWAY_PREFIXES: [string, TargetKind][] = [
  ["igw-", "internet-gateway"],
  ["eigw-", "egress-only-internet-gateway"],
  ["vgw-", "virtual-private-gateway"],
  ["vpce-", "vpc-endpoint"],
  ["nat-", "nat-gateway"],
  ["tgw-", "transit-gateway"],
  ["pcx-", "vpc-peering"],
  ["eni-", "network-interface"],
  ["i-", "instance"],
];

/**
 * The target fields of a route in the order they are read. A route to an instance also carries
 * the instance's primary interface, so InstanceId comes before NetworkInterfaceId.
 */
const TARGET_FIELDS = [
  ["NatGatewayId", "nat-gateway"],
  ["EgressOnlyInternetGatewayId", "egress-only-internet-gateway"],
  ["TransitGatewayId", "transit-gateway"],
  ["VpcPeeringConnectionId", "vpc-peering"],
  ["CarrierGatewayId", "carrier-gateway"],
  ["LocalGatewayId", "local-gateway"],
  ["CoreNetworkArn", "core-network"],
  ["InstanceId", "instance"],
  ["NetworkInterfaceId", "network-interface"],
] as const satisfies readonly (readonly [keyof Route, TargetKind])[];

/** Classifies a route's target by the field that is set, then by the id prefix. */
export function routeTarget(route: Route): RouteTarget {
  for (let position = 0; position < TARGET_FIELDS.length; position += 1) {
    const field = TARGET_FIELDS[position] as (typeof TARGET_FIELDS)[number];
    const id = route[field[0]];
    if (id) return { kind: field[1], id };
  }
  const gateway = route.GatewayId;
  if (!gateway) return { kind: "unknown", id: "unknown" };
  if (gateway === "local") return { kind: "local", id: "local" };
  const match = GATEWAY_PREFIXES.find(([prefix]) => gateway.startsWith(prefix));
  return { kind: match ? match[1] : "unknown", id: gateway };
}

/** Formats a route as `destination -> target`, naming the prefix list when there is one. */
export function describeRoute(view: RouteView): string {
  const destination = view.prefixListId
    ? `${view.prefixListId} (${view.destination.text})`
    : view.destination.text;
  return `${destination} -> ${view.target.id}`;
}

/** Expands a table's routes into views; returns the prefix lists it could not expand. */
export function expandRoutes(
  table: RouteTable,
  prefixLists: ReadonlyMap<string, ManagedPrefixList>,
): { views: RouteView[]; unresolved: string[] } {
  const views: RouteView[] = [];
  const unresolved: string[] = [];
  const routeTableId = table.RouteTableId ?? "";

  for (const route of table.Routes ?? []) {
    const target = routeTarget(route);
    const blackhole = isBlackhole(route);
    const direct = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
    const destination = direct ? parseCidr(direct) : undefined;
    if (destination) {
      views.push({ routeTableId, route, target, blackhole, destination });
      continue;
    }
    const listId = route.DestinationPrefixListId;
    if (!listId) continue;
    const entries = prefixLists.get(listId)?.Entries;
    if (!entries) {
      unresolved.push(listId);
      continue;
    }
    for (const entry of entries) {
      const cidr = entry.Cidr ? parseCidr(entry.Cidr) : undefined;
      if (cidr) {
        views.push({
          routeTableId,
          route,
          target,
          blackhole,
          destination: cidr,
          prefixListId: listId,
        });
      }
    }
  }
  return { views, unresolved };
}

/** Tells whether a route is in state blackhole, so it drops what it carries. */
export function isBlackhole(route: Route): boolean {
  return (route.State ?? "").toLowerCase() === "blackhole";
}

/**
 * Picks the route that covers the whole destination prefix with the longest match. At equal
 * length a static route wins over a prefix-list route, which wins over a propagated route.
 */
export function longestMatch(
  views: readonly RouteView[],
  destination: Cidr,
): RouteView | undefined {
  let best: RouteView | undefined;
  for (const view of views) {
    if (!cidrContains(view.destination, destination)) continue;
    if (!best || beats(view, best)) best = view;
  }
  return best;
}

/** Addresses `low`..`high` of a destination, and the route that wins for each of them if any. */
export interface RoutePart {
  low: bigint;
  high: bigint;
  route?: RouteView;
}

/**
 * Splits a destination prefix into ranges that one route wins for, in ascending order. A VPC looks
 * up the route of each packet's destination address, so a route inside the destination wins its
 * part of it over `covering`, the route that longestMatch picks for the whole destination.
 */
export function routeParts(
  views: readonly RouteView[],
  destination: Cidr,
  covering: RouteView | undefined,
): RoutePart[] {
  const inner = views.filter(
    (view) =>
      view.destination.length > destination.length && cidrContains(destination, view.destination),
  );
  const whole: RoutePart = { low: destination.network, high: destination.last };
  if (covering) whole.route = covering;
  if (inner.length === 0) return [whole];
  // Prefixes nest or are disjoint, so painting shorter ones first leaves each address to its
  // longest match. At equal prefixes the route that wins is painted last: the one that ranks
  // first by origin, then the earlier one in the table, as longestMatch keeps the first of equals.
  const position = new Map(inner.map((view, at) => [view, at]));
  inner.sort(
    (a, b) =>
      a.destination.length - b.destination.length ||
      priority(b) - priority(a) ||
      (position.get(b) as number) - (position.get(a) as number),
  );
  let parts = [whole];
  for (const view of inner) parts = paint(parts, view);
  return parts;
}

/** Gives the addresses of `view`'s destination to `view`, splitting the parts it cuts. */
function paint(parts: readonly RoutePart[], view: RouteView): RoutePart[] {
  const low = view.destination.network;
  const high = view.destination.last;
  const painted: RoutePart[] = [];
  for (const part of parts) {
    if (part.high < low || part.low > high) {
      painted.push(part);
      continue;
    }
    if (part.low < low) painted.push({ ...part, high: low - 1n });
    painted.push({
      low: part.low > low ? part.low : low,
      high: part.high < high ? part.high : high,
      route: view,
    });
    if (part.high > high) painted.push({ ...part, low: high + 1n });
  }
  return painted;
}

/** Formats route parts as the fewest prefixes that cover them, separated by commas. */
export function describeParts(parts: readonly RoutePart[], destination: Cidr): string {
  return parts.flatMap((part) => rangePrefixes(destination.family, part.low, part.high)).join(", ");
}

function beats(candidate: RouteView, current: RouteView): boolean {
  if (candidate.destination.length !== current.destination.length) {
    return candidate.destination.length > current.destination.length;
  }
  return priority(candidate) < priority(current);
}

/**
 * Ranks routes of equal prefix length: static routes first, then prefix-list routes, then routes
 * propagated from a virtual private gateway (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
 */
function priority(view: RouteView): number {
  if ((view.route.Origin ?? "").toLowerCase() === "enablevgwroutepropagation") return 2;
  return view.prefixListId ? 1 : 0;
}
