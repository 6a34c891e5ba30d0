import { describe, expect, it } from "vitest";
import { seededRandom } from "../scripts/bench/generate.js";
import { cidrContains, cidrOverlaps, parseCidr, type Cidr } from "../src/net/cidr.js";
import { PrefixSet } from "../src/net/prefix-set.js";

const cidr = (text: string) => parseCidr(text) as Cidr;

/** Returns a prefix near 10.0.0.0/8 or 2600:1f18::/32, so that random prefixes often nest. */
function randomPrefix(random: () => number): Cidr {
  const byte = () => Math.floor(random() * 4);
  if (random() < 0.5) {
    const length = 8 + Math.floor(random() * 25);
    return cidr(`10.${byte()}.${byte()}.${byte() * 64}/${length}`);
  }
  const length = 32 + Math.floor(random() * 97);
  return cidr(`2600:1f18:${byte()}:${byte()}::${byte()}:${byte()}/${length}`);
}

describe("PrefixSet", () => {
  it("finds the longest member that contains a prefix", () => {
    const set = new PrefixSet(["10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16", "::/0"].map(cidr));

    expect(set.longestContaining(cidr("10.1.2.0/24"))).toBe(1);
    expect(set.longestContaining(cidr("10.2.0.0/16"))).toBe(0);
    expect(set.longestContaining(cidr("11.0.0.0/16"))).toBeUndefined();
    expect(set.longestContaining(cidr("64:ff9b::/96"))).toBe(3);
  });

  it("lists members inside a prefix", () => {
    const set = new PrefixSet(
      ["10.1.0.0/16", "10.0.0.0/8", "10.1.2.0/24", "10.2.0.0/16"].map(cidr),
    );

    expect(set.inside(cidr("10.1.0.0/16"))).toEqual([2]);
    expect(set.inside(cidr("10.0.0.0/8"))).toEqual([0, 2, 3]);
    expect(set.inside(cidr("2600:1f18::/32"))).toEqual([]);
  });

  it("matches a scan of its members", () => {
    const random = seededRandom(11);
    for (let round = 0; round < 50; round += 1) {
      const members = Array.from({ length: 40 }, () => randomPrefix(random));
      const set = new PrefixSet(members);
      for (let query = 0; query < 40; query += 1) {
        const prefix = randomPrefix(random);
        const containing = members
          .map((member, position) => ({ member, position }))
          .filter(({ member }) => cidrContains(member, prefix));
        const longest = Math.max(-1, ...containing.map(({ member }) => member.length));
        const inside = members
          .map((member, position) => ({ member, position }))
          .filter(({ member }) => member.length > prefix.length && cidrContains(prefix, member))
          .map(({ position }) => position);

        expect(set.longestContaining(prefix)).toBe(
          containing.find(({ member }) => member.length === longest)?.position,
        );
        expect(set.inside(prefix)).toEqual(inside);
        expect(set.contains(prefix)).toBe(containing.length > 0);
        expect(set.overlaps(prefix)).toBe(members.some((member) => cidrOverlaps(member, prefix)));
      }
    }
  });
});
