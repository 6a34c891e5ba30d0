/** Hops that filter traffic: security groups and network ACLs on each subnet boundary crossed. */
import type { NetworkAcl, SecurityGroup, Subnet } from "@aws-sdk/client-ec2";
import type { Cidr } from "../net/cidr.js";
import {
  type AclDecision,
  type AclEvaluation,
  type DeniedPorts,
  evaluateAcl,
  missingAclFields,
  groupsAllow,
  undecidedClause,
  type GroupDecision,
} from "./filters.js";
import { HTTPS, type ClientPorts, type ReplyPorts, type Trace } from "./context.js";

/**
 * Checks that the workloads' security groups let HTTPS out to every destination prefix. With
 * `approximate`, the prefixes stand in for addresses the snapshot lacks, so a block found there
 * is unknown, for the reason given. With `alternatives`, DNS returns the destinations together
 * for one name. Blocking some of them while allowing others is then a warning, because only the
 * connections to the blocked ones fail.
 */
export function checkClientEgress(
  trace: Trace,
  destinations: Cidr[],
  owner: string,
  approximate?: string,
  alternatives = false,
): void {
  const targets = destinations.map((cidr) => cidr.text).join(" ");
  const key = `egress ${targets} ${owner} ${approximate ?? ""}${alternatives ? " alternatives" : ""} ${trace.view.audience}`;
  trace.once(trace.subnet, key, () =>
    addClientEgressHops(trace, destinations, owner, approximate, [], alternatives),
  );
}

/**
 * Adds the hops of checkClientEgress without keeping them for other traces, for callers that
 * already keep the hops of a larger check containing this one. `peerGroupIds` are the security
 * groups of the interfaces at the destinations, and an egress rule that names one of them matches.
 */
export function addClientEgressHops(
  trace: Trace,
  destinations: Cidr[],
  owner: string,
  approximate?: string,
  peerGroupIds: readonly string[] = [],
  alternatives = false,
): void {
  const { index } = trace;
  if (!index.has("SecurityGroups")) {
    trace.add("security-group-egress", "unknown", trace.subnetId, index.absent("SecurityGroups"));
    return;
  }
  const sets = trace.view.workloadGroupSets();
  if (!sets) {
    trace.add(
      "security-group-egress",
      "unknown",
      trace.subnetId,
      "the workloads' security groups are not in the snapshot",
    );
    return;
  }
  let undecided: { ids: readonly string[]; cidr: Cidr; decision: GroupDecision } | undefined;
  let someBlocked: { ids: readonly string[]; denied: Cidr[]; admitted: Cidr[] } | undefined;
  /** Set when a workload lists no security groups, which AWS gives every interface. */
  let ungrouped = false;
  for (const { ids, groups } of sets) {
    if (groups.length === 0) {
      ungrouped = true;
      continue;
    }
    // Subnets whose workloads share a set of groups share its decisions.
    const key = egressKey(peerGroupIds);
    const decisions = trace.memo.value(ids, key, () => new Map<Cidr, GroupDecision>());
    const decide = (cidr: Cidr): GroupDecision => {
      let decision = decisions.get(cidr);
      if (!decision) {
        decision = groupsAllow(index, groups, "egress", { cidr, groupIds: peerGroupIds }, HTTPS);
        decisions.set(cidr, decision);
      }
      return decision;
    };
    const denied = destinations.filter((cidr) => decide(cidr).verdict === "deny");
    if (denied.length === 0) {
      const unknown = destinations.find((cidr) => decide(cidr).verdict === "unknown");
      if (unknown && !undecided) {
        undecided = { ids, cidr: unknown, decision: decide(unknown) };
      }
      continue;
    }
    const deniedText = denied.map((cidr) => cidr.text).join(", ");
    // Unless a rule admits part of a stand-in range, no address in it gets through.
    const partlyAdmitted = (cidr: Cidr) =>
      groupsAllow(index, groups, "egress", { cidr, groupIds: peerGroupIds }, HTTPS, true)
        .verdict !== "deny";
    if (approximate && denied.some(partlyAdmitted)) {
      trace.add(
        "security-group-egress",
        "unknown",
        ids[0] as string,
        `security groups ${ids.join(", ")} allow no TCP 443 egress to all of ${deniedText}, and ${approximate}`,
        owner,
      );
      return;
    }
    // A set that blocks only some alternatives is reported after the others are checked,
    // because another set may block them all.
    const admitted = alternatives
      ? destinations.filter((cidr) => decide(cidr).verdict === "allow")
      : [];
    if (admitted.length > 0) {
      someBlocked ??= { ids, denied, admitted };
      continue;
    }
    // An undecided alternative may carry the connections, so blocking the others is no break.
    const open = alternatives
      ? destinations.find((cidr) => decide(cidr).verdict === "unknown")
      : undefined;
    if (open) {
      undecided ??= { ids, cidr: open, decision: decide(open) };
      continue;
    }
    trace.add(
      "security-group-egress",
      "broken",
      ids[0] as string,
      `security groups ${ids.join(", ")} allow no TCP 443 egress to ${deniedText}`,
      owner,
      { groupIds: ids.join(", "), destination: deniedText },
    );
    return;
  }
  if (someBlocked) addSomeBlockedHop(trace, someBlocked, owner);
  if (undecided) {
    const { ids, cidr, decision } = undecided;
    trace.add(
      "security-group-egress",
      "unknown",
      ids[0] as string,
      `security groups ${ids.join(", ")} allow TCP 443 egress to ${cidr.text} only if ${undecidedClause(decision)}`,
      owner,
    );
    return;
  }
  if (someBlocked) return;
  if (ungrouped) {
    trace.add(
      "security-group-egress",
      "unknown",
      trace.subnetId,
      `some workloads in ${trace.subnetId} list no security groups, which every interface has, so the snapshot lacks their egress rules`,
      owner,
    );
    return;
  }
  // The owner marks the check as made, so a path left unknown by a later hop is not listed as
  // skipped for it.
  const text = () => {
    const target = destinations.map((cidr) => cidr.text).join(", ");
    return `the workloads' security groups allow TCP 443 to ${target}`;
  };
  trace.add("security-group-egress", "ok", trace.subnetId, text, owner);
}

/** The memo keys of egress decisions by the peer groups they match, built once per list. */
const EGRESS_KEYS = new WeakMap<readonly string[], string>();

/** Returns the memo key of egress decisions toward peers that carry these security groups. */
function egressKey(peerGroupIds: readonly string[]): string {
  if (peerGroupIds.length === 0) return "egress";
  let key = EGRESS_KEYS.get(peerGroupIds);
  if (key === undefined) {
    key = `egress to ${peerGroupIds.join(",")}`;
    EGRESS_KEYS.set(peerGroupIds, key);
  }
  return key;
}

/** Adds the warning for workload groups that allow egress to some alternatives but not others. */
function addSomeBlockedHop(
  trace: Trace,
  blocks: { ids: readonly string[]; denied: Cidr[]; admitted: Cidr[] },
  owner: string,
): void {
  const { ids, denied, admitted } = blocks;
  const deniedText = denied.map((cidr) => cidr.text).join(", ");
  const admittedText = admitted.map((cidr) => cidr.text).join(", ");
  trace.add(
    "security-group-egress",
    "warning",
    ids[0] as string,
    `security groups ${ids.join(", ")} allow TCP 443 egress to ${admittedText} but not to ${deniedText}, so only the connections to ${deniedText} fail`,
    owner,
    { groupIds: ids.join(", "), destination: deniedText, admitted: admittedText },
  );
}

/**
 * Checks that an endpoint's security groups admit HTTPS from each source. With `partial`, the
 * sources are one NAT gateway's addresses, so admitting some of them is a warning, not a break.
 * `facts` go on a hop that blocks every source, for its finding.
 */
export function checkEndpointIngress(
  trace: Trace,
  endpointId: string,
  groups: SecurityGroup[] | undefined,
  sources: { cidr: Cidr; groupIds?: string[] }[],
  owner: string,
  partial = false,
  facts: Record<string, string> = {},
): void {
  if (!groups) {
    trace.add(
      "endpoint-security-group",
      "unknown",
      endpointId,
      "the endpoint's security groups are not in the snapshot",
    );
    return;
  }
  const decisions = sources.map((source) =>
    groupsAllow(trace.index, groups, "ingress", source, HTTPS),
  );
  if (decisions.every((decision) => decision.verdict === "allow")) {
    // The hop names only the endpoint and its groups, so every path through it shares one hop.
    // Callers pass the same list of groups for an endpoint every time. The owner marks the check
    // as made, so a path left unknown by another hop is not listed as skipped for it.
    trace.once(groups, ingressOkKey(owner), () =>
      trace.add(
        "endpoint-security-group",
        "ok",
        endpointId,
        `security groups ${idsOf(groups)} allow TCP 443 from the traffic's source`,
        owner,
      ),
    );
    return;
  }
  const blocked = sources.filter((_, position) => decisions[position]?.verdict === "deny");
  if (blocked.length === 0) {
    const undecided = decisions.findIndex((decision) => decision.verdict === "unknown");
    const decision = decisions[undecided] as GroupDecision;
    trace.add(
      "endpoint-security-group",
      "unknown",
      endpointId,
      `security groups ${idsOf(groups)} of ${endpointId} allow TCP 443 from ${sources[undecided]?.cidr.text} only if ${undecidedClause(decision)}`,
      owner,
    );
    return;
  }
  const ids = idsOf(groups);
  const sourceText = blocked.map((source) => source.cidr.text).join(", ");
  if (partial && blocked.length < sources.length) {
    // A NAT gateway spreads connections over its private addresses, so only some fail.
    const admitted = sources.filter((source) => !blocked.includes(source));
    const admittedText = admitted.map((source) => source.cidr.text).join(", ");
    trace.add(
      "endpoint-security-group",
      "warning",
      endpointId,
      `security groups ${ids} of ${endpointId} allow TCP 443 from ${admittedText} but not from ${sourceText}`,
      owner,
      { groupIds: ids, sources: sourceText, admitted: admittedText },
    );
    return;
  }
  trace.add(
    "endpoint-security-group",
    "broken",
    endpointId,
    `security groups ${ids} of ${endpointId} allow no TCP 443 from ${sourceText}`,
    owner,
    { groupIds: ids, sources: sourceText, ...facts },
  );
}

/** The memo keys of passed ingress checks, by the rule that owns the check. */
const INGRESS_OK_KEYS = new Map<string, string>();

function ingressOkKey(owner: string): string {
  let key = INGRESS_OK_KEYS.get(owner);
  if (key === undefined) {
    key = `ingress ok ${owner}`;
    INGRESS_OK_KEYS.set(owner, key);
  }
  return key;
}

function idsOf(groups: readonly SecurityGroup[]): string {
  return groups.map((group) => group.GroupId as string).join(", ");
}

/** The hop of a check that passed although a rule denies part of the peer or of its ports. */
interface PartialDenial {
  aclId: string;
  text: string;
  facts: Record<string, string>;
}

/**
 * The network ACL checks of a crossing, in order. The near subnet's ACL checks the request leaving
 * and the reply returning, and the far subnet's ACL the request arriving and the reply leaving.
 */
interface Side {
  far: boolean;
  egress: boolean;
  request: boolean;
  direction: string;
}

const SIDES: readonly Side[] = [
  { far: false, egress: true, request: true, direction: "outbound request" },
  { far: false, egress: false, request: false, direction: "inbound reply" },
  { far: true, egress: false, request: true, direction: "inbound request" },
  { far: true, egress: true, request: false, direction: "outbound reply" },
];

const REQUEST_PORTS: readonly ClientPorts[] = [{ clients: "", low: HTTPS, high: HTTPS }];

/** One direction of a flow across a subnet boundary. */
interface Crossing {
  from: Subnet;
  /** The subnet on the far side; absent when the traffic leaves the VPC. */
  to?: Subnet;
  /** Where the request goes and where it comes from, as each ACL matches them. */
  destination: Cidr;
  source: Cidr;
  /** The ephemeral ports the initiators use, to which the replies return. */
  replyPorts: ReplyPorts;
}

/**
 * Checks both network ACLs of a crossing for the request (TCP 443) and its reply (to each of the
 * initiators' ephemeral port ranges). Traffic inside one subnet meets no network ACL.
 */
export function checkCrossing(trace: Trace, crossing: Crossing, owner: string): void {
  const { from, to, destination, source, replyPorts } = crossing;
  if (to && from.SubnetId === to.SubnetId) return;
  // The hops name only the crossing's subnets and reply ports, so every trace through them
  // shares the result.
  const key = `acl ${to?.SubnetId} ${destination.text} ${source.text} ${replyPorts.key} ${owner}`;
  trace.once(from, key, () => crossingHops(trace, crossing, owner));
}

/**
 * Adds the hops of checkCrossing without keeping them for other traces, for callers that already
 * keep the hops of a larger check containing this crossing.
 */
export function addCrossingHops(trace: Trace, crossing: Crossing, owner: string): void {
  if (crossing.to && crossing.from.SubnetId === crossing.to.SubnetId) return;
  crossingHops(trace, crossing, owner);
}

function portsText(low: number, high: number): string {
  return low === high ? `port ${low}` : `ports ${low}-${high}`;
}

/** Writes flat [low, high] pairs as "port 80", "ports 80-90" or "ports 80-90, 100-110". */
function rangesText(ranges: readonly number[]): string {
  if (ranges.length === 2) return portsText(ranges[0] as number, ranges[1] as number);
  const parts: string[] = [];
  for (let position = 0; position < ranges.length; position += 2) {
    const low = ranges[position] as number;
    const high = ranges[position + 1] as number;
    parts.push(low === high ? String(low) : `${low}-${high}`);
  }
  return `ports ${parts.join(", ")}`;
}

function crossingHops(trace: Trace, crossing: Crossing, owner: string): void {
  const { index } = trace;
  if (!index.has("NetworkAcls")) {
    trace.add(
      "network-acl",
      "unknown",
      crossing.from.SubnetId as string,
      index.absent("NetworkAcls"),
    );
    return;
  }
  // Most crossings deny nothing, so the list of partial denials is made for the first one.
  let partials: PartialDenial[] | undefined;
  const sides = crossing.to ? SIDES.length : 2;
  const nearAcl = trace.memo.aclOf(index, crossing.from);
  const farAcl = crossing.to && trace.memo.aclOf(index, crossing.to);
  let broken = false;
  // Each ACL that cannot be judged gets one unknown hop, and the crossing then gets no ok hop.
  // The set is made for the first one, since most crossings judge both ACLs.
  let unjudged: Set<string> | undefined;
  for (let position = 0; position < sides && !broken; position += 1) {
    const side = SIDES[position] as Side;
    const subnet = (side.far ? crossing.to : crossing.from) as Subnet;
    const subnetId = subnet.SubnetId as string;
    const acl = side.far ? farAcl : nearAcl;
    if (!acl) {
      if (!unjudged?.has(subnetId)) {
        trace.add(
          "network-acl",
          "unknown",
          subnetId,
          `the network ACL of ${subnetId} is not in the snapshot`,
        );
      }
      (unjudged ??= new Set()).add(subnetId);
      continue;
    }
    const missing = missingAclFields(acl);
    if (missing.length > 0) {
      const aclId = acl.NetworkAclId as string;
      if (!unjudged?.has(aclId)) {
        trace.add(
          "network-acl",
          "unknown",
          aclId,
          `entries of network ACL ${aclId} lack ${missing.join(", ")}, so what it allows is unknown`,
          owner,
        );
      }
      (unjudged ??= new Set()).add(aclId);
      continue;
    }
    const peer = side.far ? crossing.source : crossing.destination;
    const portRanges = side.request ? REQUEST_PORTS : crossing.replyPorts.ranges;
    // The reply ranges of a subnet with Linux and Windows workloads concern different clients,
    // so each is checked even when another is blocked.
    const someClients = portRanges.length > 1;
    for (const ports of portRanges) {
      const evaluation = evaluateAcl(acl, side.egress, peer, ports.low, ports.high);
      // An ACL that allows the whole range, the common case, needs no description.
      if (evaluation.decision.verdict === "allow" && !evaluation.decision.partlyDenied) continue;
      const check = { acl, subnetId, side, peer, ports, someClients };
      if (checkSide(trace, check, evaluation, owner, (partials ??= []))) broken = true;
    }
  }
  for (const { aclId, text, facts } of partials ?? []) {
    trace.add("network-acl", "warning", aclId, text, owner, facts);
  }
  if (broken || partials?.length || unjudged) return;
  const { from, to, source, destination } = crossing;
  trace.add("network-acl", "ok", from.SubnetId as string, () => {
    const sides = to ? `${from.SubnetId} and ${to.SubnetId}` : from.SubnetId;
    // A host source, such as one of a NAT gateway's addresses, or a host destination, such as
    // an endpoint's address, distinguishes its crossings.
    const toHost = isHost(destination) ? ` to ${destination.text}` : "";
    const fromHost = isHost(source) ? ` from ${source.text}` : "";
    return `network ACLs of ${sides} allow the request${toHost}${fromHost} and its reply`;
  });
}

function isHost(cidr: Cidr): boolean {
  return cidr.length === (cidr.family === 4 ? 32 : 128);
}

/** One side of a crossing checked for one port range. */
interface SideCheck {
  acl: NetworkAcl;
  subnetId: string;
  side: Side;
  peer: Cidr;
  ports: ClientPorts;
  /** Set when the subnet's workloads use other reply ports too, so a block stops only some. */
  someClients: boolean;
}

/**
 * Reports the evaluation of one ACL of a crossing for one port range. A block of the whole range
 * adds a broken hop and returns true. A block of part of the peer or of the ports lets some
 * connections through, so it is kept in `partials`.
 */
function checkSide(
  trace: Trace,
  check: SideCheck,
  evaluation: AclEvaluation,
  owner: string,
  partials: PartialDenial[],
): boolean {
  const { peer, ports } = check;
  const { decision, deniedPorts: denied } = evaluation;
  if (decision.partlyDenied) partials.push(peerDenial(check, decision.partlyDenied));
  if (decision.verdict === "allow") return false;
  const whole =
    denied.ports.length === 2 && denied.ports[0] === ports.low && denied.ports[1] === ports.high;
  if (!whole) {
    partials.push(portsDenial(check, denied));
    return false;
  }
  const { aclId, subnetId, direction, preposition, range, facts } = describeSide(check);
  const ruleNumber = String(denied.ruleNumber);
  trace.add(
    "network-acl",
    "broken",
    aclId,
    `network ACL ${aclId} of ${subnetId} denies the ${direction} (TCP ${range} ${preposition} ${peer.text}) by rule ${ruleNumber}`,
    owner,
    {
      ...facts,
      ports: range,
      ruleNumber,
      ...(check.someClients && { clients: ports.clients }),
      ...platformOf(ports),
    },
  );
  return true;
}

/** Returns the words and the facts every hop of one side's check uses. */
function describeSide(check: SideCheck) {
  const { acl, subnetId, side, peer, ports } = check;
  const aclId = acl.NetworkAclId as string;
  const direction = ports.clients ? `${side.direction} to ${ports.clients}` : side.direction;
  return {
    aclId,
    subnetId,
    direction,
    preposition: side.egress ? "to" : "from",
    range: portsText(ports.low, ports.high),
    facts: { aclId, subnetId, direction, peer: peer.text },
  };
}

/** Returns the warning for an allowed range when a rule denies part of the peer. */
function peerDenial(
  check: SideCheck,
  denied: NonNullable<AclDecision["partlyDenied"]>,
): PartialDenial {
  const { aclId, subnetId, direction, preposition, range, facts } = describeSide(check);
  const ruleNumber = String(denied.ruleNumber);
  // A rule may deny the part of the peer on only some of the checked ports.
  const ports = denied.ports ? rangesText(denied.ports) : range;
  return {
    aclId,
    text: `network ACL ${aclId} of ${subnetId} denies the ${direction} (TCP ${ports} ${preposition} ${denied.range}, part of ${check.peer.text}) by rule ${ruleNumber}`,
    facts: { ...facts, ports, ruleNumber, range: denied.range },
  };
}

/**
 * Returns the warning for a range the ACL denies in part. Each connection takes one ephemeral
 * port from the range, so only those on denied ports fail.
 */
function portsDenial(check: SideCheck, denied: DeniedPorts): PartialDenial {
  const { aclId, subnetId, direction, preposition, facts } = describeSide(check);
  const { peer, ports } = check;
  const ruleNumber = String(denied.ruleNumber);
  const deniedText = rangesText(denied.ports);
  const replyPorts = `${ports.low}-${ports.high}`;
  return {
    aclId,
    text: `network ACL ${aclId} of ${subnetId} denies the ${direction} (TCP ${deniedText} of ${replyPorts} ${preposition} ${peer.text}) by rule ${ruleNumber}`,
    facts: { ...facts, ports: deniedText, replyPorts, ruleNumber, ...platformOf(ports) },
  };
}

/** Returns the fact that marks the hop of a Windows or Lambda range, for its finding's evidence. */
function platformOf(ports: ClientPorts): { platform?: string } {
  return ports.platform ? { platform: ports.platform } : {};
}
