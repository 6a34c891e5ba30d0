import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import schema from "../src/schemas/snapshot.schema.json" with { type: "json" };
import { AJV_OPTIONS, inlinedSchema } from "../src/snapshot/compile-validator.js";
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

describe("inlined snapshot schema", () => {
  const compile = (compiled: object) => {
    const ajv = new Ajv(AJV_OPTIONS);
    for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
    return ajv.compile(compiled);
  };
  const withReferences = compile(schema);
  const inlined = compile(inlinedSchema());
  const problems = (validate: typeof inlined, snapshot: unknown) => {
    validate(snapshot);
    return (validate.errors ?? []).map(({ instancePath, keyword, params }) => ({
      instancePath,
      keyword,
      params,
    }));
  };

  it("contains no reference", () => {
    const text = JSON.stringify(inlinedSchema());
    expect(text).not.toContain('"$ref"');
    expect(text).not.toContain('"definitions"');
  });

  it.each([
    ["a tag key of the wrong type", { Subnets: [{ SubnetId: "subnet-1", Tags: [{ Key: 5 }] }] }],
    ["an empty id", { Subnets: [{ SubnetId: "" }] }],
    [
      "a malformed route prefix",
      {
        RouteTables: [{ RouteTableId: "rtb-1", Routes: [{ DestinationCidrBlock: "10.0.0.0/33" }] }],
      },
    ],
    [
      "an instance without an id",
      { Reservations: [{ Instances: [{ SubnetId: "subnet-1" }, { InstanceId: 7 }] }] },
    ],
    ["a section of the wrong type", { NetworkAcls: {}, SecurityGroups: [null] }],
  ])("reports the same problems for %s", (_name, snapshot) => {
    const expected = problems(withReferences, snapshot);
    expect(expected.length).toBeGreaterThan(0);
    expect(problems(inlined, snapshot)).toEqual(expected);
  });

  it("accepts the bundled examples", () => {
    for (const name of ["broken-nat64", "public-nat64", "private-nat64-endpoints"]) {
      const snapshot: unknown = JSON.parse(readFileSync(`examples/${name}.json`, "utf8"));
      expect(inlined(snapshot), name).toBe(true);
    }
  });
});
