/** The links of the NAT64 chain: the 64:ff9b::/96 route, its NAT gateway and the path beyond. */
import type { NatGateway, RouteTable, Subnet } from "@aws-sdk/client-ec2";
import { IPV4_DEFAULT, NAT64_PREFIX } from "../net/cidr.js";
import type { RouteLookup, RoutePart, RouteView, TargetKind } from "./routes.js";
import type { SnapshotIndex } from "./snapshot-index.js";
import { lower } from "./util.js";

/**
 * Route targets that forward IPv6 packets unchanged to where nothing translates 64:ff9b::
 * addresses. A peered VPC does not forward them through its own NAT gateway, since peering
 * carries no edge-to-edge traffic. A virtual private gateway or a local gateway leads to a
 * network outside AWS, where a NAT64 device may translate the prefix, so neither is listed.
 */
export const NO_TRANSLATION: ReadonlySet<TargetKind> = new Set<TargetKind>([
  "egress-only-internet-gateway",
  "internet-gateway",
  "vpc-peering",
  "carrier-gateway",
  "local",
]);

/** The route a subnet uses for synthesised `64:ff9b::/96` addresses. */
export interface Nat64Route {
  table: RouteTable;
  /** The winning route covering the whole prefix; `::/0` counts, since it is what traffic takes. */
  winner?: RouteView;
  /** Prefix lists in the table whose entries were not collected; they may hide a NAT64 route. */
  unresolvedPrefixLists: string[];
  /**
   * The parts of 64:ff9b::/96 and the route that wins each. There is one part unless routes
   * inside the prefix, such as two /97 routes, split it.
   */
  parts: readonly RoutePart[];
}

/** Returns the route for 64:ff9b::/96 in the subnet's effective table, or undefined without one. */
export function nat64RouteOf(
  index: SnapshotIndex,
  subnet: Subnet,
): Readonly<Nat64Route> | undefined {
  const effective = index.routeTableOf(subnet);
  return effective ? nat64RouteIn(index, effective.table) : undefined;
}

/** NAT64 routes by the index's look-up they come from, which is kept per table and prefix. */
const BY_LOOKUP = new WeakMap<RouteLookup, Nat64Route>();

/** Returns the route for 64:ff9b::/96 in a route table. Callers share the returned object. */
export function nat64RouteIn(index: SnapshotIndex, table: RouteTable): Readonly<Nat64Route> {
  const lookup = index.lookupRoute(table, NAT64_PREFIX);
  let result = BY_LOOKUP.get(lookup);
  if (!result) {
    result = {
      table,
      unresolvedPrefixLists: lookup.unresolvedPrefixLists,
      parts: index.lookupRouteParts(table, NAT64_PREFIX),
    };
    if (lookup.route) result.winner = lookup.route;
    BY_LOOKUP.set(lookup, result);
  }
  return result;
}

/**
 * Tells whether the winning route for 64:ff9b::/96 is certain. A prefix list whose entries were not
 * collected may hold a longer match, unless a static route for exactly 64:ff9b::/96 wins: a static
 * route beats a prefix-list route of equal length.
 */
export function isNat64WinnerKnown(route: Nat64Route): boolean {
  if (route.unresolvedPrefixLists.length === 0) return true;
  const winner = route.winner;
  return (
    winner !== undefined &&
    !winner.prefixListId &&
    winner.destination.length === NAT64_PREFIX.length
  );
}

/** Tells whether a route is a NAT64 route: it covers 64:ff9b::/96 and is not the default route. */
export function isNat64Route(route: RouteView | undefined): boolean {
  return route !== undefined && route.destination.length > 0;
}

/**
 * Tells whether a NAT64 route may translate the addresses it carries: its target is not one that
 * forwards IPv6 unchanged, and not a blackhole or a NAT gateway that is down. A target vpc-lint
 * cannot judge, such as a network interface, may translate.
 */
export function mayTranslate(index: SnapshotIndex, route: RouteView | undefined): boolean {
  if (!route || !isNat64Route(route) || route.blackhole) return false;
  if (NO_TRANSLATION.has(route.target.kind)) return false;
  if (route.target.kind !== "nat-gateway") return true;
  const vpcId = index.routeTable(route.routeTableId)?.VpcId;
  return natTarget(index, route.target.id, false, vpcId).status !== "down";
}

/** Returns the parts that no NAT64 route carries, so they follow `::/0` or no route. */
export function partsWithoutNat64(parts: readonly RoutePart[]): RoutePart[] {
  return parts.filter((part) => !isNat64Route(part.route));
}

/** NAT gateway states from DescribeNatGateways, lower-cased. */
export function natState(nat: NatGateway): string {
  return lower(nat.State);
}

const ENDED_STATES = new Set(["deleted", "deleting", "failed"]);

/** Tells whether a NAT gateway is deleted, being deleted or failed, so it will never carry traffic. */
export function isEndedNat(nat: NatGateway): boolean {
  return ENDED_STATES.has(natState(nat));
}

/**
 * The gateway a NAT route reaches: an available one, one that cannot carry traffic (`down`, with
 * the route's or the gateway's state), or one whose state the snapshot lacks.
 */
export type NatTarget =
  | { status: "available"; nat: NatGateway }
  | { status: "down"; state: "blackhole" | "missing" | string; nat?: NatGateway }
  | { status: "unknown"; reason: string };

/**
 * Judges the NAT gateway a route of VPC `vpcId` leads to. A blackhole route is down whatever the
 * gateway. A gateway missing from NatGateways is unknown unless that section was collected whole
 * and the VPC belongs to the account that collected it.
 */
export function natTarget(
  index: SnapshotIndex,
  natId: string,
  blackhole: boolean,
  vpcId: string | undefined,
): NatTarget {
  const nat = index.natGateway(natId);
  if (blackhole)
    return nat
      ? { status: "down", state: "blackhole", nat }
      : { status: "down", state: "blackhole" };
  if (!nat) {
    if (!index.has("NatGateways"))
      return { status: "unknown", reason: index.absent("NatGateways") };
    // In a VPC shared through AWS RAM, a participant account cannot describe the NAT gateways
    // of the owner, so an active route to one is not proof that it is gone.
    const owner = vpcId ? index.sharedVpcOwner(vpcId) : undefined;
    if (owner) {
      return {
        status: "unknown",
        reason: `NAT gateway ${natId} is not in the snapshot, and VPC ${vpcId} belongs to account ${owner}, whose NAT gateways account ${index.accountId} cannot describe`,
      };
    }
    return { status: "down", state: "missing" };
  }
  const state = natState(nat);
  // Inputs built from templates leave the state out for a NAT gateway they only refer to.
  if (state === "")
    return { status: "unknown", reason: `State of ${natId} is not in the snapshot` };
  return state === "available" ? { status: "available", nat } : { status: "down", state, nat };
}

/** Tells whether a NAT gateway is public; one without ConnectivityType predates private ones. */
export function isPublicNat(nat: NatGateway): boolean {
  return lower(nat.ConnectivityType) !== "private";
}

/** Tells whether a NAT gateway is regional: it has no subnet, serves every AZ, and has its own route table. */
export function isRegionalNat(nat: NatGateway): boolean {
  return lower((nat as { AvailabilityMode?: string }).AvailabilityMode) === "regional";
}

/** Returns the route table that carries a NAT gateway's translated traffic onward. */
export function onwardTableOf(index: SnapshotIndex, nat: NatGateway): RouteTable | undefined {
  if (isRegionalNat(nat)) {
    const tableId = (nat as { RouteTableId?: string }).RouteTableId;
    return tableId ? index.routeTable(tableId) : undefined;
  }
  const subnet = nat.SubnetId ? index.subnet(nat.SubnetId) : undefined;
  return subnet ? index.routeTableOf(subnet)?.table : undefined;
}

/**
 * Route targets that lead to networks outside the snapshot, which may reach the internet. A VPC
 * peering connection is not one: a peer's internet or NAT gateway does not carry its traffic.
 */
const BEYOND_VPC = new Set(["transit-gateway", "virtual-private-gateway", "core-network"]);

/**
 * Returns the route that carries a NAT gateway's translated IPv4 traffic out of the VPC, through a
 * transit gateway, a virtual private gateway or Cloud WAN, or undefined when there is none.
 */
export function onwardRouteBeyondVpc(index: SnapshotIndex, nat: NatGateway): RouteView | undefined {
  const onward = onwardTableOf(index, nat);
  const route = onward ? index.lookupRoute(onward, IPV4_DEFAULT).route : undefined;
  return route && leavesVpc(route) ? route : undefined;
}

/**
 * Tells whether a route carries traffic out of the VPC to a network that may reach the internet:
 * a transit gateway, a virtual private gateway or Cloud WAN, and not a blackhole.
 */
export function leavesVpc(route: Pick<RouteView, "target" | "blackhole"> | undefined): boolean {
  return route !== undefined && !route.blackhole && BEYOND_VPC.has(route.target.kind);
}

/** Returns, for each route table in the VPC, the subnets that use it as their effective table. */
export function subnetsByTable(index: SnapshotIndex, subnets: Subnet[]): Map<RouteTable, Subnet[]> {
  const byTable = new Map<RouteTable, Subnet[]>();
  for (const subnet of subnets) {
    const table = index.routeTableOf(subnet)?.table;
    if (!table) continue;
    const users = byTable.get(table) ?? [];
    users.push(subnet);
    byTable.set(table, users);
  }
  return byTable;
}

/** A route table in use, the subnets that use it, and the NAT64 route that wins in it. */
export interface TableNat64Route {
  table: RouteTable;
  subnets: Subnet[];
  route: RouteView;
}

/** The reason NAT64 checks give for a table whose unread prefix lists may route 64:ff9b::/96. */
export const UNRESOLVED_PREFIX_LIST =
  "a route uses a prefix list whose entries are not in the snapshot";

/** The route tables in use with a known NAT64 route, and those left unknown, by index. */
const NAT64_TABLES = new WeakMap<
  SnapshotIndex,
  { tables: readonly TableNat64Route[]; unknown: readonly string[] }
>();

/**
 * Returns every route table that a subnet uses and whose NAT64 route is known to win. A table where
 * an unread prefix list could win instead is reported as unknown through `onUnknown`. The tables
 * are found once per index, since several rules read them.
 */
export function tablesWithNat64Route(
  index: SnapshotIndex,
  onUnknown: (routeTableId: string, reason: string) => void,
): readonly TableNat64Route[] {
  let found = NAT64_TABLES.get(index);
  if (!found) {
    const tables: TableNat64Route[] = [];
    const unknown: string[] = [];
    for (const [table, subnets] of subnetsByTable(index, index.subnets())) {
      const lookup = nat64RouteIn(index, table);
      if (!isNat64WinnerKnown(lookup)) {
        unknown.push(table.RouteTableId as string);
        continue;
      }
      const route = lookup.winner;
      if (route && isNat64Route(route)) tables.push({ table, subnets, route });
    }
    found = { tables, unknown };
    NAT64_TABLES.set(index, found);
  }
  for (const routeTableId of found.unknown) onUnknown(routeTableId, UNRESOLVED_PREFIX_LIST);
  return found.tables;
}
