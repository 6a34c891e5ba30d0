import { describe, expect, it } from "vitest";
import {
  IPV4_DEFAULT,
  IPV6_DEFAULT,
  NAT64_PREFIX,
  cidrContains,
  ipv4OfNat64,
  nat64PrefixOf,
  cidrOverlaps,
  formatIpv4,
  isCidrText,
  parseCidr,
  parseIp,
  parseIpv4,
  parseIpv6,
  rangePrefixes,
  type Cidr,
} from "../src/net/cidr.js";

/** Builds a 128-bit value from eight 16-bit groups. */
function words(...groups: number[]): bigint {
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test prefix ${text} does not parse`);
  return parsed;
}

describe("parseIpv4", () => {
  it.each([
    ["0.0.0.0", 0n],
    ["10.0.0.2", 0x0a000002n],
    ["255.255.255.255", 0xffffffffn],
    ["192.0.2.33", 0xc0000221n],
  ])("parses %s", (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each([
    "256.0.0.1",
    "10.0.0",
    "10.0.0.0.1",
    "10-0-0-157",
    "1.2.3.-4",
    "1..2.3",
    ".1.2.3",
    "1.2.3.",
    "1.2.3.0001",
    "a.b.c.d",
    "1.2.3.4 ",
    "",
  ])("rejects %j", (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it("formats an address back", () => {
    expect(formatIpv4(0xc0000221n)).toBe("192.0.2.33");
  });
});

describe("parseIpv6", () => {
  it.each([
    ["::", 0n],
    ["::1", 1n],
    ["1::", words(1, 0, 0, 0, 0, 0, 0, 0)],
    ["2001:db8::8:800:200c:417a", words(0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a)],
    ["2001:DB8:0:0:8:800:200C:417A", words(0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a)],
    ["fd00:ec2::254", words(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)],
    ["1:2:3:4:5:6::8", words(1, 2, 3, 4, 5, 6, 0, 8)],
    ["1:2:3:4:5:6:7:8", words(1, 2, 3, 4, 5, 6, 7, 8)],
    ["FFFF:Ab::fF", words(0xffff, 0xab, 0, 0, 0, 0, 0, 0xff)],
  ])("parses %s", (text, value) => {
    expect(parseIpv6(text)).toBe(value);
  });

  it.each([
    ["64:ff9b::192.0.2.33", words(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221)],
    ["::ffff:10.0.0.1", words(0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001)],
    ["1:2:3:4:5:6:1.2.3.4", words(1, 2, 3, 4, 5, 6, 0x0102, 0x0304)],
  ])("parses %s with an embedded IPv4 address", (text, value) => {
    expect(parseIpv6(text)).toBe(value);
  });

  it.each([
    ":::",
    "1::2::3",
    "1:::2",
    "::1:",
    "1::2:",
    "12345::",
    "::g",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7::8",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:",
    "::1.2.3.4:5",
    "1.2.3.4::",
    "::256.1.1.1",
    "1:2:3:4:5:6:7:1.2.3.4",
    "fe80::1%eth0",
    "",
  ])("rejects %j", (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });
});

describe("parseIp", () => {
  it("tells the families apart", () => {
    expect(parseIp("10.0.0.2")).toEqual({ family: 4, value: 0x0a000002n });
    expect(parseIp("::1")).toEqual({ family: 6, value: 1n });
    expect(parseIp("AmazonProvidedDNS")).toBeUndefined();
  });
});

describe("parseCidr", () => {
  it("parses an IPv6 prefix", () => {
    const cidr = parseCidr("64:ff9b::/96");

    expect(cidr).toEqual({
      family: 6,
      length: 96,
      text: "64:ff9b::/96",
      words: [0x64ff9b, 0, 0, 0],
    });
    expect(cidr?.network).toBe(words(0x64, 0xff9b, 0, 0, 0, 0, 0, 0));
  });

  it("clears host bits and keeps the text as written", () => {
    const cidr = parseCidr("10.0.1.7/16");

    expect(cidr).toEqual({ family: 4, length: 16, text: "10.0.1.7/16", words: [0x0a000000] });
    expect(cidr?.network).toBe(0x0a000000n);
  });

  it.each([
    ["::/0", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1/128", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["1::/16", [1, 0, 0, 0, 0, 0, 0, 0]],
    ["2600:1f18::a:b/128", [0x2600, 0x1f18, 0, 0, 0, 0, 0xa, 0xb]],
    ["1:2:3::6:7:8/128", [1, 2, 3, 0, 0, 6, 7, 8]],
    ["1:2:3:4:5:6::8/128", [1, 2, 3, 4, 5, 6, 0, 8]],
  ])("expands :: in %s", (text, groups) => {
    expect(parseCidr(text)?.network).toBe(words(...groups));
  });

  it("clears host bits of random prefixes", () => {
    let state = 777;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    for (let n = 0; n < 1000; n += 1) {
      const v6 = n % 2 === 0;
      const address = v6
        ? Array.from({ length: 8 }, () => (next() >>> 16).toString(16)).join(":")
        : Array.from({ length: 4 }, () => next() % 256).join(".");
      const width = v6 ? 128 : 32;
      const length = next() % (width + 1);
      const value = parseIp(address)?.value as bigint;
      const hostBits = BigInt(width - length);
      const network = (value >> hostBits) << hostBits;
      const parsed = parseCidr(`${address}/${length}`) as Cidr;

      expect(parsed.network, `${address}/${length}`).toBe(network);
      expect(parsed.words.reduce((sum, word) => (sum << 32n) | BigInt(word), 0n)).toBe(network);
    }
  });

  it("reads a bare address as a host prefix", () => {
    expect(parseCidr("10.0.0.2")?.length).toBe(32);
    expect(parseCidr("::1")?.length).toBe(128);
  });

  it.each([
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/-1",
    "10.0.0.0/8/8",
    "10.0.0.0/ 8",
    "10.0.0.0/1e1",
    "nat-0a11",
  ])("rejects %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each([
    ["10.0.0.0/16", true],
    [" 2001:db8::/56 ", true],
    ["64:ff9b::192.0.2.33/128", true],
    ["0.0.0.0/0", true],
    ["::/0", true],
    ["10.0.0.2", true],
    ["\u00a010.0.0.0/8\n", true],
    ["10.0.0.0/08", true],
    ["abcd/16", false],
    ["10.0.0.0/33", false],
    ["::/129", false],
    ["10.0.0.0/", false],
    ["10.0.0.0/8/8", false],
    ["10.0.0.0/1e1", false],
    ["1.2.3.4::/8", false],
    ["::256.1.1.1/128", false],
    ["pl-0a1b", false],
    ["", false],
  ])("checks %j without parsing it as parseCidr would", (text, valid) => {
    expect(isCidrText(text)).toBe(valid);
    expect(parseCidr(text) !== undefined).toBe(valid);
  });
});

describe("cidrContains", () => {
  it.each([
    ["::/0", "64:ff9b::/96", true],
    ["64:ff9b::/96", "64:ff9b::/96", true],
    ["64:ff9b::/64", "64:ff9b::/96", true],
    ["64:ff9b::/112", "64:ff9b::/96", false],
    ["64:ff9b:1::/48", "64:ff9b::/96", false],
    ["0.0.0.0/0", "64:ff9b::/96", false],
    ["10.0.0.0/16", "10.0.200.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/24", false],
    ["2001:db8:1a::/56", "2001:db8:1a:ff::/64", true],
    ["2001:db8:1a::/56", "2001:db8:1a:100::/64", false],
    ["10.0.0.0/31", "10.0.0.1/32", true],
    ["10.0.0.2/31", "10.0.0.1/32", false],
    ["128.0.0.0/1", "200.0.0.0/8", true],
    ["0.0.0.0/1", "200.0.0.0/8", false],
    ["2001:db8::/32", "2001:db8:ffff::/48", true],
    ["2001:db8::/33", "2001:db8:8000::/48", false],
    ["2001:db8::/64", "2001:db8::ffff:0:0:1/128", true],
    ["2001:db8::/65", "2001:db8::8000:0:0:1/128", false],
    ["::/1", "8000::/1", false],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(cidrContains(cidr(outer), cidr(inner))).toBe(expected);
  });

  it("agrees with shifting the whole addresses for random IPv6 prefixes", () => {
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const hex = (): string => (next() >>> 16).toString(16);
    for (let n = 0; n < 2000; n += 1) {
      const base = Array.from({ length: 8 }, hex);
      const other = base.map((group, i) => (i >= next() % 8 ? hex() : group));
      const outer = cidr(`${base.join(":")}/${next() % 129}`);
      const inner = cidr(`${other.join(":")}/${next() % 129}`);
      const hostBits = BigInt(128 - outer.length);
      const expected =
        outer.length <= inner.length && inner.network >> hostBits === outer.network >> hostBits;
      expect(cidrContains(outer, inner)).toBe(expected);
    }
  });

  it("finds overlaps in either direction", () => {
    expect(cidrOverlaps(cidr("64:ff9b::/112"), cidr("64:ff9b::/96"))).toBe(true);
    expect(cidrOverlaps(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).toBe(false);
  });

  it("exports the well-known prefixes", () => {
    expect(NAT64_PREFIX.text).toBe("64:ff9b::/96");
    expect(cidrContains(IPV6_DEFAULT, NAT64_PREFIX)).toBe(true);
    expect(IPV4_DEFAULT.length).toBe(0);
  });
});

describe("rangePrefixes", () => {
  it.each([
    ["64:ff9b::/96", ["64:ff9b::/96"]],
    ["10.0.0.0/24", ["10.0.0.0/24"]],
    ["::/0", ["::/0"]],
    ["10.0.0.5/32", ["10.0.0.5/32"]],
  ])("writes %s back as itself", (text, expected) => {
    const prefix = cidr(text);
    expect(rangePrefixes(prefix.family, prefix.network, prefix.last)).toEqual(expected);
  });

  it("splits an unaligned range", () => {
    expect(rangePrefixes(4, parseIpv4("10.0.0.1")!, parseIpv4("10.0.0.6")!)).toEqual([
      "10.0.0.1/32",
      "10.0.0.2/31",
      "10.0.0.4/31",
      "10.0.0.6/32",
    ]);
  });

  it("splits the NAT64 prefix without its first half", () => {
    const prefix = cidr("64:ff9b::/96");
    const half = cidr("64:ff9b::/97");
    expect(rangePrefixes(6, half.last + 1n, prefix.last)).toEqual(["64:ff9b::8000:0/97"]);
  });
});

describe("nat64PrefixOf", () => {
  it.each([
    ["10.1.0.0/23", "64:ff9b::a01:0/119"],
    ["10.1.0.20/32", "64:ff9b::a01:14/128"],
    ["0.0.0.0/0", "64:ff9b::/96"],
    ["192.168.255.0/24", "64:ff9b::c0a8:ff00/120"],
  ])("maps %s to %s", (ipv4, expected) => {
    const mapped = nat64PrefixOf(cidr(ipv4));
    expect(mapped.family).toBe(6);
    expect(cidrContains(cidr(expected), mapped)).toBe(true);
    expect(cidrContains(mapped, cidr(expected))).toBe(true);
    expect(ipv4OfNat64(mapped).text).toBe(cidr(ipv4).text);
  });
});
