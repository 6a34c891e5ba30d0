/** Route targets and longest-prefix lookup over a route table, prefix-list routes included. */
import type { Route, RouteTable } from "@aws-sdk/client-ec2";
import { cidrContains, parseCidr, rangePrefixes, type Cidr } from "../net/cidr.js";
import type { PrefixSet } from "../net/prefix-set.js";

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

/** One route as look-ups return it; a prefix-list route gives one view per list entry. */
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

/** A prefix-list route of a table, over the list's indexed entries. */
interface ListRoute {
  route: Route;
  target: RouteTarget;
  blackhole: boolean;
  prefixListId: string;
  entries: PrefixSet;
  /** The view of each entry by its position, made on first use so each entry has one view. */
  views: Map<number, RouteView>;
}

/**
 * A table's routes in table order. A prefix-list route stays one route over the list's indexed
 * entries, and an entry becomes a view only when a look-up returns it. A table thus costs its own
 * routes, not the entries of its lists, and the tables that route to one list share its index.
 */
export class TableRoutes {
  /** Prefix lists whose entries were not collected, so their routes cannot be read. */
  readonly unresolved: string[] = [];
  private readonly routes: (RouteView | ListRoute)[] = [];
  private readonly routeTableId: string;

  constructor(table: RouteTable, prefixList: (listId: string) => PrefixSet | undefined) {
    const routeTableId = table.RouteTableId ?? "";
    this.routeTableId = routeTableId;
    for (const route of table.Routes ?? []) {
      const target = routeTarget(route);
      const blackhole = isBlackhole(route);
      const direct = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
      const destination = direct ? parseCidr(direct) : undefined;
      if (destination) {
        this.routes.push({ routeTableId, route, target, blackhole, destination });
        continue;
      }
      const listId = route.DestinationPrefixListId;
      if (!listId) continue;
      const entries = prefixList(listId);
      if (entries) {
        this.routes.push({
          route,
          target,
          blackhole,
          prefixListId: listId,
          entries,
          views: new Map(),
        });
      } else this.unresolved.push(listId);
    }
  }

  /**
   * Picks the route that covers the whole destination prefix with the longest match. At equal
   * length a static route wins over a prefix-list route, which wins over a propagated route, and
   * then the earlier route in the table wins.
   */
  longestMatch(destination: Cidr): RouteView | undefined {
    let best: RouteView | undefined;
    for (const route of this.routes) {
      let view: RouteView;
      if ("entries" in route) {
        // The list's first longest entry that covers the destination beats its other entries.
        const position = route.entries.longestContaining(destination);
        if (position === undefined) continue;
        view = this.entryView(route, position);
      } else if (cidrContains(route.destination, destination)) view = route;
      else continue;
      if (!best || beats(view, best)) best = view;
    }
    return best;
  }

  /** Returns the routes to prefixes longer than the destination and inside it, in table order. */
  inside(destination: Cidr): RouteView[] {
    const views: RouteView[] = [];
    for (const route of this.routes) {
      if ("entries" in route) {
        for (const position of route.entries.inside(destination)) {
          views.push(this.entryView(route, position));
        }
      } else if (
        route.destination.length > destination.length &&
        cidrContains(destination, route.destination)
      ) {
        views.push(route);
      }
    }
    return views;
  }

  private entryView(route: ListRoute, position: number): RouteView {
    let view = route.views.get(position);
    if (!view) {
      view = {
        routeTableId: this.routeTableId,
        route: route.route,
        target: route.target,
        blackhole: route.blackhole,
        destination: route.entries.members[position] as Cidr,
        prefixListId: route.prefixListId,
      };
      route.views.set(position, view);
    }
    return view;
  }
}

/** Tells whether a route is in state blackhole, so it drops what it carries. */
export function isBlackhole(route: Route): boolean {
  return (route.State ?? "").toLowerCase() === "blackhole";
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
  routes: TableRoutes,
  destination: Cidr,
  covering: RouteView | undefined,
): RoutePart[] {
  const inner = routes.inside(destination);
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
