import { describe, expect, it } from "vitest";
import { formats } from "../src/snapshot/formats.js";

const ipv4Cidr = formats["ipv4-cidr"];
const ipv6Cidr = formats["ipv6-cidr"];

describe("prefix family formats", () => {
  it.each(["10.0.0.0/16", "0.0.0.0/0", "192.0.2.1", " 10.0.0.0/8 "])(
    "accepts IPv4 prefix %j",
    (text) => {
      expect(ipv4Cidr(text)).toBe(true);
      expect(ipv6Cidr(text)).toBe(false);
    },
  );

  it.each(["2001:db8::/56", "::/0", "::", "64:ff9b::10.0.0.1/128", "::ffff:10.1.1.0/120"])(
    "accepts IPv6 prefix %j",
    (text) => {
      expect(ipv6Cidr(text)).toBe(true);
      expect(ipv4Cidr(text)).toBe(false);
    },
  );

  it.each(["", "10.0.0.0/33", "::/129", "1::2::3", "10.0.0.0/", "pl-123"])(
    "rejects malformed prefix %j",
    (text) => {
      expect(ipv4Cidr(text)).toBe(false);
      expect(ipv6Cidr(text)).toBe(false);
    },
  );

  it("accepts empty associated prefixes", () => {
    expect(formats["ipv4-cidr-or-empty"]("")).toBe(true);
    expect(formats["ipv6-cidr-or-empty"]("")).toBe(true);
    expect(formats["ipv4-cidr-or-empty"]("2001:db8::/56")).toBe(false);
    expect(formats["ipv6-cidr-or-empty"]("10.0.0.0/16")).toBe(false);
  });
});
