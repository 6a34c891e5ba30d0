/**
 * Classes of IPv6 source prefixes that every filter of a snapshot treats alike. A network ACL
 * entry, a security group rule or a prefix list entry matches a source by containment alone.
 * Two sources inside the same rule ranges, with no rule range strictly inside either, therefore
 * meet the same decision at every rule. Checks made for one such source hold for the others,
 * except in the words of their hops, which name the source.
 */
import type { Snapshot } from "../snapshot/types.js";
import { parseCidr, prefixKey, type Cidr } from "../net/cidr.js";

export class SourceClasses {
  /** The keys of the rule ranges, as `prefixKey` writes them. */
  private readonly rangeKeys = new Set<string>();
  /** The lengths of the rule ranges, ascending. */
  private readonly lengths: number[];
  private readonly ranges: Cidr[];
  /** By source length, the keys of the rule ranges cut to it, for the ranges longer than it. */
  private readonly innerKeys = new Map<number, Set<string>>();

  constructor(ranges: Iterable<Cidr>) {
    const lengths = new Set<number>();
    this.ranges = [];
    for (const range of ranges) {
      if (range.family !== 6) continue;
      const key = prefixKey(range, range.length);
      if (this.rangeKeys.has(key)) continue;
      this.rangeKeys.add(key);
      this.ranges.push(range);
      lengths.add(range.length);
    }
    this.lengths = [...lengths].sort((a, b) => a - b);
  }

  /**
   * Returns a key naming the rule ranges that contain an IPv6 source. Returns undefined when a
   * rule range lies strictly inside the source, since a rule then matches part of it and the
   * place of that part inside the source counts too.
   */
  classOf(source: Cidr): string | undefined {
    if (source.family !== 6) return undefined;
    if (this.innerKeysOf(source.length).has(prefixKey(source, source.length))) return undefined;
    let key = "";
    for (const length of this.lengths) {
      if (length > source.length) break;
      const cut = prefixKey(source, length);
      if (this.rangeKeys.has(cut)) key += `${cut} `;
    }
    return key;
  }

  private innerKeysOf(length: number): Set<string> {
    let keys = this.innerKeys.get(length);
    if (!keys) {
      keys = new Set();
      for (const range of this.ranges) {
        if (range.length > length) keys.add(prefixKey(range, length));
      }
      this.innerKeys.set(length, keys);
    }
    return keys;
  }
}

/**
 * Returns the IPv6 ranges a source can meet in a snapshot's filters: network ACL entries,
 * security group rules of both directions and prefix list entries.
 */
export function ipv6RuleRanges(snapshot: Snapshot): Cidr[] {
  const ranges: Cidr[] = [];
  const add = (text: string | undefined): void => {
    const cidr = text === undefined ? undefined : parseCidr(text);
    if (cidr?.family === 6) ranges.push(cidr);
  };
  for (const acl of snapshot.NetworkAcls ?? []) {
    for (const entry of acl.Entries ?? []) add(entry.Ipv6CidrBlock);
  }
  for (const group of snapshot.SecurityGroups ?? []) {
    for (const permission of [
      ...(group.IpPermissions ?? []),
      ...(group.IpPermissionsEgress ?? []),
    ]) {
      for (const range of permission.Ipv6Ranges ?? []) add(range.CidrIpv6);
    }
  }
  for (const list of snapshot.ManagedPrefixLists ?? []) {
    for (const entry of list.Entries ?? []) add(entry.Cidr);
  }
  return ranges;
}
