/**
 * The rules of a list of security groups for one direction and TCP port, indexed once so that
 * deciding a peer costs a few look-ups instead of a pass over every rule. The path analysis
 * decides an endpoint's groups once per client subnet, so a pass per decision grew with subnets
 * times rules.
 */
import type { IpPermission, SecurityGroup } from "@aws-sdk/client-ec2";
import { parseCidr, type Cidr } from "../net/cidr.js";
import { PrefixSet } from "../net/prefix-set.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { innerMap } from "../index/util.js";

const TCP = new Set(["-1", "tcp", "6", "all"]);

/** A rule that covers the port and may leave a decision open, with the group it belongs to. */
export interface OpenRule {
  groupId: string;
  permission: IpPermission;
  /** "unknown" for a TCP rule without ports, which may or may not cover the port. */
  covers: true | "unknown";
}

/** The ranges, references and prefix lists that admit a peer in one direction and port. */
export interface GroupRules {
  /** The IPv4 ranges of the rules that cover the port, which IPv4 peers are matched against. */
  ipv4: PrefixSet;
  /** The IPv6 ranges of the rules that cover the port, which IPv6 peers are matched against. */
  ipv6: PrefixSet;
  /** The groups that rules covering the port reference. */
  groupIds: Set<string>;
  /** The entries of the collected prefix lists that rules covering the port name. */
  lists: PrefixSet[];
  /**
   * The rules without ports or naming a prefix list whose entries were not collected, in group
   * and rule order. Only they decide a peer that the rest do not admit.
   */
  open: OpenRule[];
  /** The groups whose rule list for the direction is not in the snapshot. */
  unlisted: string[];
}

const RULES = new WeakMap<
  SnapshotIndex,
  WeakMap<readonly SecurityGroup[], Map<string, GroupRules>>
>();

/**
 * Returns the indexed rules of the groups for a direction and port, built on the first request.
 * Results are kept by the array of groups, which callers keep per endpoint and per set of ids.
 */
export function groupRules(
  index: SnapshotIndex,
  groups: readonly SecurityGroup[],
  direction: "ingress" | "egress",
  port: number,
): GroupRules {
  let byGroups = RULES.get(index);
  if (!byGroups) {
    byGroups = new WeakMap();
    RULES.set(index, byGroups);
  }
  const byPort = innerMap(byGroups, groups);
  const key = `${direction} ${port}`;
  let rules = byPort.get(key);
  if (!rules) {
    rules = indexRules(index, groups, direction, port);
    byPort.set(key, rules);
  }
  return rules;
}

function indexRules(
  index: SnapshotIndex,
  groups: readonly SecurityGroup[],
  direction: "ingress" | "egress",
  port: number,
): GroupRules {
  const ipv4: Cidr[] = [];
  const ipv6: Cidr[] = [];
  const groupIds = new Set<string>();
  const lists = new Set<PrefixSet>();
  const open: OpenRule[] = [];
  const unlisted: string[] = [];
  const add = (ranges: Cidr[], text: string | undefined) => {
    const cidr = text ? parseCidr(text) : undefined;
    if (cidr) ranges.push(cidr);
  };
  for (const group of groups) {
    const groupId = group.GroupId as string;
    const permissions = direction === "egress" ? group.IpPermissionsEgress : group.IpPermissions;
    // DescribeSecurityGroups always returns both lists, so a missing one is unknown, not empty.
    if (permissions === undefined) unlisted.push(groupId);
    for (const permission of permissions ?? []) {
      const covers = coversPort(permission, port);
      if (!covers) continue;
      if (covers === "unknown") {
        open.push({ groupId, permission, covers });
        continue;
      }
      for (const range of permission.IpRanges ?? []) add(ipv4, range.CidrIp);
      for (const range of permission.Ipv6Ranges ?? []) add(ipv6, range.CidrIpv6);
      for (const pair of permission.UserIdGroupPairs ?? []) {
        if (pair.GroupId) groupIds.add(pair.GroupId);
      }
      let unresolved = false;
      for (const { PrefixListId: listId } of permission.PrefixListIds ?? []) {
        if (!listId) continue;
        const entries = index.prefixListEntries(listId);
        if (entries) lists.add(entries);
        else unresolved = true;
      }
      if (unresolved) open.push({ groupId, permission, covers });
    }
  }
  return {
    ipv4: new PrefixSet(ipv4),
    ipv6: new PrefixSet(ipv6),
    groupIds,
    lists: [...lists],
    open,
    unlisted,
  };
}

/**
 * Tells whether a rule that covers the port admits the peer: by a range or prefix list entry
 * that contains it, or with `partly` one that shares an address with it, or by a reference to
 * one of its groups.
 */
export function admits(
  rules: GroupRules,
  peer: { cidr: Cidr; groupIds?: readonly string[] },
  partly: boolean,
): boolean {
  const matches = (set: PrefixSet) => (partly ? set.overlaps(peer.cidr) : set.contains(peer.cidr));
  if (matches(peer.cidr.family === 4 ? rules.ipv4 : rules.ipv6)) return true;
  if (peer.groupIds?.some((id) => rules.groupIds.has(id))) return true;
  return rules.lists.some(matches);
}

/**
 * Tells whether a rule covers the TCP port. A TCP rule without ports is missing data, since AWS
 * returns them for every TCP rule, so it may or may not cover the port.
 */
function coversPort(permission: IpPermission, port: number): boolean | "unknown" {
  const protocol = (permission.IpProtocol ?? "").toLowerCase();
  if (!TCP.has(protocol)) return false;
  if (protocol === "-1" || protocol === "all") return true;
  if (permission.FromPort === undefined || permission.ToPort === undefined) return "unknown";
  const from = permission.FromPort;
  const to = permission.ToPort;
  if (from === -1 && to === -1) return true;
  return from <= port && port <= to;
}
