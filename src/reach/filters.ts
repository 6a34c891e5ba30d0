/**
 * Security group and network ACL evaluation for one TCP flow. Security groups are stateful and
 * allow-only; network ACLs are stateless, ordered by rule number, and need the return traffic too.
 */
import type { IpPermission, NetworkAcl, NetworkAclEntry, SecurityGroup } from "@aws-sdk/client-ec2";
import { cidrContains, parseCidr, rangePrefixes, type Cidr } from "../net/cidr.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { admits, groupRules } from "./group-rules.js";

export type Verdict = "allow" | "deny" | "unknown";

/** The far end of a flow: an address range, and the security groups of its interface if known. */
export interface Peer {
  cidr: Cidr;
  groupIds?: readonly string[];
}

/** A security group decision with the rules or gaps that explain it. */
export interface GroupDecision {
  verdict: Verdict;
  /** Prefix lists whose entries were not collected, when they decide the verdict. */
  unresolvedPrefixLists: readonly string[];
  /** Groups with a TCP rule that admits the peer but has no ports, when they decide it. */
  portlessGroups: readonly string[];
  /** Groups whose rule list for the direction is not in the snapshot, when they decide it. */
  unlistedGroups: readonly string[];
}

const GROUP_ALLOWED: GroupDecision = Object.freeze({
  verdict: "allow",
  unresolvedPrefixLists: Object.freeze([]),
  portlessGroups: Object.freeze([]),
  unlistedGroups: Object.freeze([]),
});

/**
 * Decides whether any of the groups lets TCP traffic on `port` pass to (egress) or from
 * (ingress) the peer. A group reference matches only a peer that carries that group. With
 * `partly`, a rule that admits part of the peer's range counts too.
 */
export function groupsAllow(
  index: SnapshotIndex,
  groups: readonly SecurityGroup[],
  direction: "ingress" | "egress",
  peer: Peer,
  port: number,
  partly = false,
): GroupDecision {
  const rules = groupRules(index, groups, direction, port);
  if (admits(rules, peer, partly)) return GROUP_ALLOWED;
  // The rules without ports or with prefix lists that were not collected may leave it undecided.
  let unresolved: string[] | undefined;
  let portless: string[] | undefined;
  for (const { groupId, permission, covers } of rules.open) {
    const match = permissionMatches(index, permission, peer, partly);
    if (match === "allow" && covers === "unknown") (portless ??= []).push(groupId);
    else if (match === "allow") return GROUP_ALLOWED;
    else if (typeof match === "object") (unresolved ??= []).push(...match);
  }
  const unlisted = rules.unlisted;
  return {
    verdict: unresolved?.length || portless?.length || unlisted.length ? "unknown" : "deny",
    unresolvedPrefixLists: unresolved ?? [],
    portlessGroups: [...new Set(portless)],
    unlistedGroups: [...unlisted],
  };
}

/** Returns the clause that completes "allow TCP 443 ... only if" for an unknown decision. */
export function undecidedClause(decision: GroupDecision): string {
  const parts: string[] = [];
  if (decision.unresolvedPrefixLists.length > 0) {
    const lists = decision.unresolvedPrefixLists.join(", ");
    parts.push(`prefix lists ${lists} contain it, and their entries were not collected`);
  }
  if (decision.portlessGroups.length > 0) {
    const groups = decision.portlessGroups.join(", ");
    parts.push(`the TCP rules of ${groups} that have no ports cover port 443`);
  }
  if (decision.unlistedGroups.length > 0) {
    const groups = decision.unlistedGroups.join(", ");
    parts.push(`the rules of ${groups}, which are not in the snapshot, allow it`);
  }
  return parts.join(", or ");
}

/** Returns "allow", "none", or the unresolved prefix lists that might allow the peer. */
function permissionMatches(
  index: SnapshotIndex,
  permission: IpPermission,
  peer: Peer,
  partly: boolean,
): "allow" | "none" | string[] {
  const matches = (range: string | undefined): boolean =>
    contains(range, peer.cidr) || (partly && within(range, peer.cidr));
  if (peer.cidr.family === 4) {
    for (const range of permission.IpRanges ?? []) {
      if (matches(range.CidrIp)) return "allow";
    }
  } else {
    for (const range of permission.Ipv6Ranges ?? []) {
      if (matches(range.CidrIpv6)) return "allow";
    }
  }
  const groupIds = peer.groupIds ?? [];
  if (
    (permission.UserIdGroupPairs ?? []).some(
      (pair) => pair.GroupId && groupIds.includes(pair.GroupId),
    )
  ) {
    return "allow";
  }
  const unresolved: string[] = [];
  for (const { PrefixListId: listId } of permission.PrefixListIds ?? []) {
    if (!listId) continue;
    const entries = index.prefixListEntries(listId);
    if (!entries) unresolved.push(listId);
    else if (partly ? entries.overlaps(peer.cidr) : entries.contains(peer.cidr)) return "allow";
  }
  return unresolved.length ? unresolved : "none";
}

function contains(range: string | undefined, peer: Cidr): boolean {
  const cidr = range ? parseCidr(range) : undefined;
  return cidr !== undefined && cidrContains(cidr, peer);
}

/** Tells whether a rule's range lies inside the peer's, so it admits part of the peer. */
function within(range: string | undefined, peer: Cidr): boolean {
  const cidr = range ? parseCidr(range) : undefined;
  return cidr !== undefined && cidrContains(peer, cidr);
}

/** A network ACL decision for a port range, naming the rule that denies part of it. */
export interface AclDecision {
  verdict: Verdict;
  /**
   * The first deny rule that decides a port denied for the whole peer, or `*` for the implicit
   * one.
   */
  ruleNumber?: number | "*";
  /**
   * The first rule that denies some of the peer's addresses on a port that other addresses may
   * use, the prefixes it denies there, and, when it denies only some of the checked ports, those
   * ports as flat pairs.
   */
  partlyDenied?: { ruleNumber: number | "*"; range: string; ports?: readonly number[] };
}

/** The ports of a range that a network ACL denies, and the first rule that denies one of them. */
export interface DeniedPorts {
  /** Flat [low, high] pairs in ascending order, without overlaps. */
  ports: readonly number[];
  /** The lowest-numbered deny rule that decides one of the ports, or `*` for the implicit one. */
  ruleNumber: number | "*";
}

/** A network ACL's decision for a peer and a port range, and the ports it denies the whole peer. */
export interface AclEvaluation {
  decision: AclDecision;
  /**
   * The ports denied for every address of the peer, whether one rule denies them or several
   * rules each deny part of it. No ports, named by rule `*`, unless the verdict is "deny".
   */
  deniedPorts: DeniedPorts;
}

/**
 * Evaluates a network ACL for TCP traffic in one direction to or from the peer on destination
 * ports `from`..`to`. Rules apply in ascending number, and the first rule matching an address
 * and a port decides that pair, so allow rules that each cover part of the peer can allow all of
 * it together. The verdict is "allow" when no pair is denied, or when the denied pairs cover
 * only some of the peer's addresses on each port, which `partlyDenied` then names. It is "deny"
 * when every pair is denied, or when some ports are denied for the whole peer, which
 * `deniedPorts` lists. A deny verdict may carry `partlyDenied` too when a rule denies part of the
 * peer on other ports. Callers use `deniedPorts` to tell a range denied in part from one denied
 * whole.
 */
export function evaluateAcl(
  acl: NetworkAcl,
  egress: boolean,
  peer: Cidr,
  from: number,
  to: number,
): AclEvaluation {
  // Many crossings share an ACL, a peer and a port range, and prefixes are parsed into shared
  // objects, so most evaluations repeat one made before.
  const evaluations = orderedRecord(acl).evaluations;
  const key = (from * 65536 + to) * 2 + Number(egress);
  // A peer meets an ACL in a few directions and port ranges, so a flat list of pairs serves.
  let byFlow = evaluations.get(peer);
  if (!byFlow) {
    byFlow = [];
    evaluations.set(peer, byFlow);
  }
  for (let position = 0; position < byFlow.length; position += 2) {
    if (byFlow[position] === key) return byFlow[position + 1] as AclEvaluation;
  }
  const evaluation = evaluateFlow(acl, egress, peer, from, to);
  byFlow.push(key, evaluation);
  return evaluation;
}

function evaluateFlow(
  acl: NetworkAcl,
  egress: boolean,
  peer: Cidr,
  from: number,
  to: number,
): AclEvaluation {
  const walk = walkAcl(acl, egress, peer, from, to);
  if (walk.denied.length === 0) return ALLOWED_EVALUATION;
  const first = walk.denied[0] as DeniedPart;
  if (!walk.allowed) {
    const deniedPorts = { ports: [from, to], ruleNumber: first.ruleNumber };
    return { decision: denyBy(first.ruleNumber), deniedPorts };
  }
  const everywhere = portsDeniedEverywhere(walk.denied, peer);
  const rest = partialDenials(walk.denied, everywhere.ports);
  const part = rest[0];
  const partlyDenied = part && describePart(rest, part, peer, from, to);
  if (everywhere.ports.length === 0) {
    return { decision: { verdict: "allow", partlyDenied }, deniedPorts: NONE_DENIED };
  }
  const decision = denyBy(everywhere.ruleNumber);
  return {
    decision: partlyDenied ? { ...decision, partlyDenied } : decision,
    deniedPorts: everywhere,
  };
}

/**
 * A part of the checked traffic: the peer's addresses `low`..`high` on the destination ports in
 * `ports`, flat [low, high] pairs.
 */
interface TrafficPart {
  low: bigint;
  high: bigint;
  ports: readonly number[];
}

/** A part of the traffic that a rule denies, or the implicit final rule (`*`). */
interface DeniedPart extends TrafficPart {
  ruleNumber: number | "*";
}

/** The outcome of reading an ACL's rules for a peer and a port range. */
interface AclWalk {
  /** Whether a rule allows any part of the traffic. */
  allowed: boolean;
  /** The denied parts in rule order, the implicit rule's last. */
  denied: DeniedPart[];
}

/**
 * Reads the rules in order, keeping the parts of the traffic no rule has decided yet. A rule
 * decides the undecided traffic it covers, and the rest stays undecided. Until a rule covers only
 * part of the peer, the undecided traffic is the whole peer on some ports, kept as port pairs
 * alone. An ACL whose rules all contain the peer, the common case, then costs one scan.
 */
function walkAcl(acl: NetworkAcl, egress: boolean, peer: Cidr, from: number, to: number): AclWalk {
  // The undecided ports of the whole peer, while no rule has split it into parts.
  let ports: readonly number[] = [from, to];
  let parts: TrafficPart[] | undefined;
  let allowed = false;
  let denied: DeniedPart[] | undefined;
  for (const entry of orderedEntries(acl, egress)) {
    if ((parts ?? ports).length === 0) break;
    if (!entry.tcp) continue;
    const range = peer.family === 4 ? entry.ipv4 : entry.ipv6;
    if (!range) continue;
    const whole = cidrContains(range, peer);
    if (!whole && !cidrContains(peer, range)) continue;
    if (whole && !parts) {
      if (!overlaps(ports, entry.low, entry.high)) continue;
      if (entry.deny) {
        const deniedPorts = intersect(ports, entry.low, entry.high);
        const part = { low: peer.network, high: peer.last, ports: deniedPorts };
        (denied ??= []).push({ ...part, ruleNumber: entry.ruleNumber });
      } else allowed = true;
      ports = subtract(ports, entry.low, entry.high);
      continue;
    }
    parts ??= [{ low: peer.network, high: peer.last, ports }];
    const low = whole ? peer.network : range.network;
    const high = whole ? peer.last : range.last;
    const step = decideParts(parts, entry, low, high);
    parts = step.undecided;
    if (step.denied.length > 0) (denied ??= []).push(...step.denied);
    allowed ||= step.allowed;
  }
  const undecided =
    parts ?? (ports.length > 0 ? [{ low: peer.network, high: peer.last, ports }] : []);
  if (!denied && undecided.length === 0) return ALL_ALLOWED;
  denied ??= [];
  // The implicit final rule denies what no rule decided.
  for (const part of undecided) denied.push({ ...part, ruleNumber: "*" });
  return { allowed, denied };
}

const ALL_ALLOWED: AclWalk = Object.freeze({ allowed: true, denied: [] });

/**
 * Applies one rule, whose addresses are `low`..`high`, to the undecided parts. Both the peer and
 * a rule's range are prefixes, so the rule's range either contains a part or lies inside it. A
 * part therefore splits into at most three: the ports the rule leaves out, and the addresses
 * below and above the rule's on the ports it covers.
 */
function decideParts(
  parts: TrafficPart[],
  entry: ReadEntry,
  low: bigint,
  high: bigint,
): { undecided: TrafficPart[]; denied: DeniedPart[]; allowed: boolean } {
  const undecided: TrafficPart[] = [];
  const denied: DeniedPart[] = [];
  let allowed = false;
  for (const part of parts) {
    if (part.high < low || part.low > high || !overlaps(part.ports, entry.low, entry.high)) {
      undecided.push(part);
      continue;
    }
    const ports = intersect(part.ports, entry.low, entry.high);
    if (entry.deny) {
      const decidedLow = part.low > low ? part.low : low;
      const decidedHigh = part.high < high ? part.high : high;
      denied.push({ low: decidedLow, high: decidedHigh, ports, ruleNumber: entry.ruleNumber });
    } else allowed = true;
    const otherPorts = subtract(part.ports, entry.low, entry.high);
    if (otherPorts.length > 0) undecided.push({ ...part, ports: otherPorts });
    if (part.low < low) undecided.push({ low: part.low, high: low - 1n, ports });
    if (part.high > high) undecided.push({ low: high + 1n, high: part.high, ports });
  }
  return { undecided, denied, allowed };
}

/**
 * Finds the ports on which the denied parts cover every address of the peer, and the first rule
 * that denies one of them. The parts are disjoint, so on one port they cover the peer exactly
 * when their address counts add up to its size.
 */
function portsDeniedEverywhere(denied: readonly DeniedPart[], peer: Cidr): DeniedPorts {
  if (denied.every((part) => spansPeer(part, peer))) {
    const ports = merge(denied.flatMap((part) => part.ports));
    return { ports, ruleNumber: denied[0]?.ruleNumber ?? "*" };
  }
  // Between two neighbouring bounds, every part denies all of the ports or none of them.
  const bounds: number[] = [];
  for (const part of denied) {
    for (let position = 0; position < part.ports.length; position += 2) {
      bounds.push(part.ports[position] as number, (part.ports[position + 1] as number) + 1);
    }
  }
  bounds.sort((a, b) => a - b);
  const size = peer.last - peer.network + 1n;
  const ports: number[] = [];
  for (let position = 0; position + 1 < bounds.length; position += 1) {
    const low = bounds[position] as number;
    const next = bounds[position + 1] as number;
    if (low === next) continue;
    let addresses = 0n;
    for (const part of denied) {
      if (overlaps(part.ports, low, low)) addresses += part.high - part.low + 1n;
    }
    if (addresses !== size) continue;
    if (ports.at(-1) === low - 1) ports[ports.length - 1] = next - 1;
    else ports.push(low, next - 1);
  }
  const first = denied.find((part) => sharesPort(part.ports, ports));
  return { ports, ruleNumber: first?.ruleNumber ?? "*" };
}

/** Tells whether two lists of flat [low, high] pairs share a port. */
function sharesPort(a: readonly number[], b: readonly number[]): boolean {
  for (let position = 0; position < b.length; position += 2) {
    if (overlaps(a, b[position] as number, b[position + 1] as number)) return true;
  }
  return false;
}

/**
 * Returns the denied parts without the ports denied for the whole peer, leaving what each rule
 * denies of only some addresses. Parts with no port left are dropped.
 */
function partialDenials(
  denied: readonly DeniedPart[],
  everywhere: readonly number[],
): readonly DeniedPart[] {
  if (everywhere.length === 0) return denied;
  const rest: DeniedPart[] = [];
  for (const part of denied) {
    let ports = part.ports;
    for (let position = 0; position < everywhere.length; position += 2) {
      ports = subtract(ports, everywhere[position] as number, everywhere[position + 1] as number);
    }
    if (ports.length > 0) rest.push({ ...part, ports });
  }
  return rest;
}

/** Tells whether a denied part covers every address of the peer. */
function spansPeer(part: TrafficPart, peer: Cidr): boolean {
  return part.low === peer.network && part.high === peer.last;
}

/**
 * Describes a part of the peer that the rule of `first` denies. It names the prefixes of that
 * rule's denied parts that cover only some of the peer on the same ports as `first`. It names
 * those ports when they are not all of `from`..`to`, so the rule denies every pair named.
 */
function describePart(
  denied: readonly DeniedPart[],
  first: DeniedPart,
  peer: Cidr,
  from: number,
  to: number,
): NonNullable<AclDecision["partlyDenied"]> {
  const parts = denied
    .filter(
      (part) =>
        part.ruleNumber === first.ruleNumber &&
        !spansPeer(part, peer) &&
        samePorts(part.ports, first.ports),
    )
    .sort(byLowAddress);
  const prefixes: string[] = [];
  let low: bigint | undefined;
  let high = 0n;
  // Parts that touch join before they are written as prefixes.
  for (const part of parts) {
    if (low !== undefined && part.low <= high + 1n) {
      if (part.high > high) high = part.high;
      continue;
    }
    if (low !== undefined) prefixes.push(...rangePrefixes(peer.family, low, high));
    low = part.low;
    high = part.high;
  }
  if (low !== undefined) prefixes.push(...rangePrefixes(peer.family, low, high));
  const { ports } = first;
  const allPorts = samePorts(ports, [from, to]);
  return { ruleNumber: first.ruleNumber, range: prefixes.join(", "), ...(!allPorts && { ports }) };
}

function byLowAddress(a: TrafficPart, b: TrafficPart): number {
  if (a.low === b.low) return 0;
  return a.low < b.low ? -1 : 1;
}

function samePorts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((port, position) => port === b[position]);
}

function denyBy(ruleNumber: number | "*"): AclDecision {
  return ruleNumber === "*" ? IMPLICIT_DENY : { verdict: "deny", ruleNumber };
}

/** The decisions that name no rule, shared by every call that reaches them. */
const ALLOWED: AclDecision = Object.freeze({ verdict: "allow" });
const IMPLICIT_DENY: AclDecision = Object.freeze({ verdict: "deny", ruleNumber: "*" });
const NO_PORTS: readonly number[] = Object.freeze([]);
const NONE_DENIED: DeniedPorts = Object.freeze({ ports: NO_PORTS, ruleNumber: "*" });
const ALLOWED_EVALUATION: AclEvaluation = Object.freeze({
  decision: ALLOWED,
  deniedPorts: NONE_DENIED,
});

/** An ACL entry read once: whether it covers TCP, its prefixes, ports and action. */
interface ReadEntry {
  tcp: boolean;
  ipv4: Cidr | undefined;
  ipv6: Cidr | undefined;
  low: number;
  high: number;
  deny: boolean;
  ruleNumber: number | "*";
}

function readEntry(entry: NetworkAclEntry): ReadEntry {
  const protocol = (entry.Protocol ?? "").toLowerCase();
  const all = protocol === "-1" || !entry.PortRange;
  return {
    tcp: protocol === "-1" || protocol === "6" || protocol === "tcp",
    ipv4: entry.CidrBlock ? parseCidr(entry.CidrBlock) : undefined,
    ipv6: entry.Ipv6CidrBlock ? parseCidr(entry.Ipv6CidrBlock) : undefined,
    low: all ? 0 : (entry.PortRange?.From ?? 0),
    high: all ? 65535 : (entry.PortRange?.To ?? 65535),
    deny: (entry.RuleAction ?? "").toLowerCase() === "deny",
    ruleNumber: entry.RuleNumber ?? "*",
  };
}

/**
 * Entries of each ACL by direction in rule order, read and sorted once per ACL however many
 * subnets use it. The source list and its length are kept so an ACL whose entries were replaced
 * is read and evaluated again.
 */
interface OrderedEntries {
  source: NetworkAclEntry[] | undefined;
  count: number;
  egress: ReadEntry[];
  ingress: ReadEntry[];
  /** The fields some entry lacks, of those that decide what it matches and does. */
  missingFields: string[];
  /**
   * The evaluations made from these entries, by peer, then as pairs of a key for the port range
   * and direction and the evaluation. Callers share them, so they must not change them.
   */
  evaluations: Map<Cidr, (number | AclEvaluation)[]>;
}

const ORDERED = new WeakMap<NetworkAcl, OrderedEntries>();

function orderedEntries(acl: NetworkAcl, egress: boolean): ReadEntry[] {
  const ordered = orderedRecord(acl);
  return egress ? ordered.egress : ordered.ingress;
}

function orderedRecord(acl: NetworkAcl): OrderedEntries {
  let ordered = ORDERED.get(acl);
  if (!ordered || ordered.source !== acl.Entries || ordered.count !== (acl.Entries?.length ?? 0)) {
    const sorted = [...(acl.Entries ?? [])].sort(
      (a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0),
    );
    ordered = {
      source: acl.Entries,
      count: sorted.length,
      egress: sorted.filter((entry) => Boolean(entry.Egress)).map(readEntry),
      ingress: sorted.filter((entry) => !entry.Egress).map(readEntry),
      missingFields: missingEntryFields(sorted),
      evaluations: new Map(),
    };
    ORDERED.set(acl, ordered);
  }
  return ordered;
}

/**
 * Returns the fields that some of a network ACL's entries lack, of those DescribeNetworkAcls
 * always returns. Without one, an entry's direction, action, order or match is unknown, and so is
 * the ACL's decision. Returns an empty list for complete entries.
 */
export function missingAclFields(acl: NetworkAcl): readonly string[] {
  return orderedRecord(acl).missingFields;
}

function missingEntryFields(entries: readonly NetworkAclEntry[]): string[] {
  const missing = new Set<string>();
  for (const entry of entries) {
    if (entry.Egress === undefined) missing.add("Egress");
    if (entry.Protocol === undefined) missing.add("Protocol");
    if (entry.RuleAction === undefined) missing.add("RuleAction");
    if (entry.RuleNumber === undefined) missing.add("RuleNumber");
    if (!entry.CidrBlock && !entry.Ipv6CidrBlock) missing.add("CidrBlock or Ipv6CidrBlock");
  }
  return [...missing];
}

/** Tells whether any of the flat [low, high] pairs shares a port with `low`..`high`. */
function overlaps(ranges: readonly number[], low: number, high: number): boolean {
  for (let position = 0; position < ranges.length; position += 2) {
    if ((ranges[position] as number) <= high && low <= (ranges[position + 1] as number))
      return true;
  }
  return false;
}

/** Removes `low`..`high` from flat [low, high] pairs. */
function subtract(ranges: readonly number[], low: number, high: number): readonly number[] {
  let result: number[] | undefined;
  for (let position = 0; position < ranges.length; position += 2) {
    const a = ranges[position] as number;
    const b = ranges[position + 1] as number;
    if (b < low || a > high) (result ??= []).push(a, b);
    else {
      if (a < low) (result ??= []).push(a, low - 1);
      if (b > high) (result ??= []).push(high + 1, b);
    }
  }
  return result ?? NO_PORTS;
}

/** Returns the parts of flat [low, high] pairs that lie within `low`..`high`. */
function intersect(ranges: readonly number[], low: number, high: number): number[] {
  const result: number[] = [];
  for (let position = 0; position < ranges.length; position += 2) {
    const a = Math.max(ranges[position] as number, low);
    const b = Math.min(ranges[position + 1] as number, high);
    if (a <= b) result.push(a, b);
  }
  return result;
}

/** Sorts flat [low, high] pairs and joins those that overlap or touch. */
function merge(ranges: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let position = 0; position < ranges.length; position += 2) {
    pairs.push([ranges[position] as number, ranges[position + 1] as number]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const result: number[] = [];
  for (const [low, high] of pairs) {
    const last = result.length - 1;
    if (last > 0 && low <= (result[last] as number) + 1) {
      result[last] = Math.max(result[last] as number, high);
    } else result.push(low, high);
  }
  return result;
}
