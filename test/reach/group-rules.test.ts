import type { IpPermission, SecurityGroup } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { generateSnapshot, seededRandom } from "../../scripts/bench/generate.js";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { cidrContains, parseCidr, type Cidr } from "../../src/net/cidr.js";
import { groupsAllow, type GroupDecision, type Peer } from "../../src/reach/filters.js";
import { lint } from "./designs.js";

const RANGES = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "2600:1f18::/32", "2600:1f18:0:1::/64"];
const PEERS = ["10.1.2.0/26", "10.1.0.0/16", "10.0.0.0/8", "2600:1f18:0:1::/64", "2600::/16"];
const GROUP_IDS = ["sg-0a11", "sg-0b22", "sg-0c33"];
const LISTS = ["pl-0a11", "pl-0b22"];

/**
 * Decides as groupsAllow does, by a pass over every rule of every group: the reference that the
 * indexed rules must agree with.
 */
function scanGroups(
  index: SnapshotIndex,
  groups: readonly SecurityGroup[],
  direction: "ingress" | "egress",
  peer: Peer,
  port: number,
  partly: boolean,
): GroupDecision {
  const matches = (text: string | undefined) => {
    const range = text ? parseCidr(text) : undefined;
    if (!range) return false;
    return cidrContains(range, peer.cidr) || (partly && cidrContains(peer.cidr, range));
  };
  const unresolved: string[] = [];
  const portless: string[] = [];
  const unlisted: string[] = [];
  for (const group of groups) {
    const permissions = direction === "egress" ? group.IpPermissionsEgress : group.IpPermissions;
    if (permissions === undefined) unlisted.push(group.GroupId as string);
    for (const permission of permissions ?? []) {
      const protocol = (permission.IpProtocol ?? "").toLowerCase();
      if (!["-1", "tcp", "6", "all"].includes(protocol)) continue;
      const portsMissing = permission.FromPort === undefined || permission.ToPort === undefined;
      const allPorts =
        protocol === "-1" ||
        protocol === "all" ||
        (permission.FromPort === -1 && permission.ToPort === -1);
      if (!allPorts && !portsMissing) {
        if ((permission.FromPort as number) > port || (permission.ToPort as number) < port)
          continue;
      }
      const ranges =
        peer.cidr.family === 4
          ? (permission.IpRanges ?? []).map((range) => range.CidrIp)
          : (permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6);
      const referenced = (permission.UserIdGroupPairs ?? []).some((pair) =>
        (peer.groupIds ?? []).includes(pair.GroupId ?? ""),
      );
      const missingLists: string[] = [];
      let listed = false;
      for (const { PrefixListId: listId } of permission.PrefixListIds ?? []) {
        const entries = index.prefixList(listId ?? "")?.Entries;
        if (!entries) missingLists.push(listId as string);
        else if (entries.some((entry) => matches(entry.Cidr))) listed = true;
      }
      const allowed = ranges.some(matches) || referenced || listed;
      if (allowed && !allPorts && portsMissing) portless.push(group.GroupId as string);
      else if (allowed) return { ...DECIDED_ALLOW };
      else unresolved.push(...missingLists);
    }
  }
  return {
    verdict: unresolved.length || portless.length || unlisted.length ? "unknown" : "deny",
    unresolvedPrefixLists: unresolved,
    portlessGroups: [...new Set(portless)],
    unlistedGroups: unlisted,
  };
}

const DECIDED_ALLOW: GroupDecision = {
  verdict: "allow",
  unresolvedPrefixLists: [],
  portlessGroups: [],
  unlistedGroups: [],
};

/** Returns a random rule: a protocol, ports that may be missing, ranges, references and lists. */
function randomRule(random: () => number): IpPermission {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const some = <T>(items: readonly T[]) => items.filter(() => random() < 0.25);
  const rule: IpPermission = { IpProtocol: pick(["tcp", "-1", "udp", "6"]) };
  const ports = pick(["443", "all", "other", "missing"]);
  if (ports === "443") Object.assign(rule, { FromPort: 400, ToPort: 500 });
  if (ports === "all") Object.assign(rule, { FromPort: -1, ToPort: -1 });
  if (ports === "other") Object.assign(rule, { FromPort: 80, ToPort: 80 });
  const ranges = some(RANGES);
  rule.IpRanges = ranges.filter((range) => !range.includes(":")).map((CidrIp) => ({ CidrIp }));
  rule.Ipv6Ranges = ranges.filter((range) => range.includes(":")).map((CidrIpv6) => ({ CidrIpv6 }));
  rule.UserIdGroupPairs = some(GROUP_IDS).map((GroupId) => ({ GroupId }));
  rule.PrefixListIds = some(LISTS).map((PrefixListId) => ({ PrefixListId }));
  return rule;
}

describe("indexed security group rules", () => {
  it("decide as a scan of every rule", () => {
    const random = seededRandom(5);
    // pl-0b22's entries were not collected.
    const index = new SnapshotIndex({
      ManagedPrefixLists: [
        { PrefixListId: "pl-0a11", Entries: [{ Cidr: "10.1.2.0/25" }, { Cidr: "2600::/16" }] },
        { PrefixListId: "pl-0b22" },
      ],
    });
    for (let round = 0; round < 300; round += 1) {
      const groups: SecurityGroup[] = GROUP_IDS.slice(0, 1 + (round % 3)).map((GroupId) => ({
        GroupId,
        IpPermissions:
          round % 17 === 0 ? undefined : Array.from({ length: 3 }, () => randomRule(random)),
        IpPermissionsEgress: [],
      }));
      for (const text of PEERS) {
        const peer = { cidr: parseCidr(text) as Cidr, groupIds: random() < 0.3 ? ["sg-0b22"] : [] };
        for (const partly of [false, true]) {
          const decision = groupsAllow(index, groups, "ingress", peer, 443, partly);

          expect(decision).toEqual(scanGroups(index, groups, "ingress", peer, 443, partly));
        }
      }
    }
  });

  it("are read once, not once per subnet", () => {
    const snapshot = generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: 64 });
    const endpointGroup = snapshot.SecurityGroups?.[0] as SecurityGroup;
    const rules: IpPermission[] = Array.from({ length: 100 }, (_, n) => ({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      Ipv6Ranges: [{ CidrIpv6: `2001:db8:${n.toString(16)}::/48` }],
    }));
    rules.push(...(endpointGroup.IpPermissions ?? []));
    let reads = 0;
    endpointGroup.IpPermissions = new Proxy(rules, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    lint(snapshot);

    // Indexing reads each rule once and the index of IPv6 source classes once. Other checks read
    // them twice more, however many subnets the endpoint serves.
    expect(reads).toBeLessThanOrEqual(5 * rules.length);
  });
});
