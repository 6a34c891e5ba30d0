/**
 * A list of prefixes, such as a managed prefix list's entries, indexed for containment queries.
 * A query costs one hash look-up per distinct prefix length in the list instead of a pass over
 * every member, so a check made once per subnet stays cheap for lists of thousands of entries.
 */
import { prefixKey, type Cidr, type IpFamily } from "./cidr.js";

/** The members of one address family, keyed by their own bits. */
interface FamilyIndex {
  /** Each member's key, as `prefixKey` writes it, and the position of the first such member. */
  firstByKey: Map<string, number>;
  /** The lengths of the members, longest first. */
  lengths: number[];
  /** The positions of this family's members, ascending. */
  positions: number[];
  /**
   * By query length, the positions of the members longer than it under their bits cut to that
   * length. Built on first use of a length.
   */
  innerByLength: Map<number, Map<string, number[]>>;
}

export class PrefixSet {
  private readonly families = new Map<IpFamily, FamilyIndex>();

  /** Indexes the prefixes. Results name a member by its position in `members`. */
  constructor(readonly members: readonly Cidr[]) {
    members.forEach((member, position) => {
      let family = this.families.get(member.family);
      if (!family) {
        family = { firstByKey: new Map(), lengths: [], positions: [], innerByLength: new Map() };
        this.families.set(member.family, family);
      }
      const key = prefixKey(member, member.length);
      if (!family.firstByKey.has(key)) family.firstByKey.set(key, position);
      family.lengths.push(member.length);
      family.positions.push(position);
    });
    for (const family of this.families.values()) {
      family.lengths = [...new Set(family.lengths)].sort((a, b) => b - a);
    }
  }

  /**
   * Returns the position of the longest member that contains the prefix, the first such member
   * at equal lengths, or undefined when none does.
   */
  longestContaining(prefix: Cidr): number | undefined {
    const family = this.families.get(prefix.family);
    if (!family) return undefined;
    for (const length of family.lengths) {
      if (length > prefix.length) continue;
      const position = family.firstByKey.get(prefixKey(prefix, length));
      if (position !== undefined) return position;
    }
    return undefined;
  }

  /** Returns the positions of the members longer than the prefix and inside it, ascending. */
  inside(prefix: Cidr): readonly number[] {
    const family = this.families.get(prefix.family);
    if (!family) return [];
    let inner = family.innerByLength.get(prefix.length);
    if (!inner) {
      inner = new Map();
      for (const position of family.positions) {
        const member = this.members[position] as Cidr;
        if (member.length <= prefix.length) continue;
        const key = prefixKey(member, prefix.length);
        const positions = inner.get(key);
        if (positions) positions.push(position);
        else inner.set(key, [position]);
      }
      family.innerByLength.set(prefix.length, inner);
    }
    return inner.get(prefixKey(prefix, prefix.length)) ?? [];
  }

  /** Tells whether a member contains the prefix. */
  contains(prefix: Cidr): boolean {
    return this.longestContaining(prefix) !== undefined;
  }

  /** Tells whether a member shares an address with the prefix: contains it or lies inside it. */
  overlaps(prefix: Cidr): boolean {
    return this.contains(prefix) || this.inside(prefix).length > 0;
  }
}
