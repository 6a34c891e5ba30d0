import { describe, expect, it } from "vitest";
import {
  Ipv6Placeholders,
  encodeAddressForUri,
  placeholderId,
  splitCidr,
} from "../../src/iac/placeholders.js";
import { formatIpv6, parseIpv6 } from "../../src/net/cidr.js";

describe("placeholderId", () => {
  it("has the AWS id shape", () => {
    expect(placeholderId("subnet", "AppSubnet")).toMatch(/^subnet-[0-9a-f]{17}$/);
  });

  it("is stable and distinct per key", () => {
    expect(placeholderId("subnet", "AppSubnet")).toBe(placeholderId("subnet", "AppSubnet"));
    expect(placeholderId("subnet", "AppSubnet")).not.toBe(placeholderId("subnet", "PublicSubnet"));
  });
});

describe("formatIpv6", () => {
  it.each([
    ["2001:db8::", "2001:db8::"],
    ["2001:db8:1:1::", "2001:db8:1:1::"],
    ["::", "::"],
    ["64:ff9b::c000:201", "64:ff9b::c000:201"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ])("formats %s as %s", (input, expected) => {
    expect(formatIpv6(parseIpv6(input) as bigint)).toBe(expected);
  });
});

describe("splitCidr", () => {
  it("splits an IPv6 /56 into /64s", () => {
    expect(splitCidr("2001:db8:1::/56", 3, 64)).toEqual([
      "2001:db8:1::/64",
      "2001:db8:1:1::/64",
      "2001:db8:1:2::/64",
    ]);
  });

  it("splits an IPv4 /16 into /24s", () => {
    expect(splitCidr("10.0.0.0/16", 2, 8)).toEqual(["10.0.0.0/24", "10.0.1.0/24"]);
  });

  it.each([
    ["not-a-cidr", 1, 8],
    ["10.0.0.0/24", 3, 7],
    ["10.0.0.0/24", 1, 9],
    ["10.0.0.0/16", 0, 8],
    ["10.0.0.0/16", 2, Number.NaN],
    ["2001:db8:1::/56", 2, 64.5],
    ["10.0.0.0/16", 1.5, 8],
  ])("rejects %s split %d by %d bits", (block, count, bits) => {
    expect(splitCidr(block, count, bits)).toBeUndefined();
  });
});

describe("Ipv6Placeholders", () => {
  it("hands out prefixes in order and repeats them per key", () => {
    const pool = new Ipv6Placeholders();

    expect(pool.prefixFor("first", 56)).toBe("2001:db8:1::/56");
    expect(pool.prefixFor("second", 64)).toBe("2001:db8:2::/64");
    expect(pool.prefixFor("first", 56)).toBe("2001:db8:1::/56");
  });
});

describe("encodeAddressForUri", () => {
  it("percent-encodes brackets and quotes", () => {
    expect(encodeAddressForUri("module.vpc.aws_route.private_dns64_nat64[0]")).toBe(
      "module.vpc.aws_route.private_dns64_nat64%5B0%5D",
    );
    expect(encodeAddressForUri('aws_subnet.app["a"]')).toBe("aws_subnet.app%5B%22a%22%5D");
  });
});
