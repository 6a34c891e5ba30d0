import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import { validateSnapshot } from "../../src/snapshot/validate.js";
import { CORPUS, HAS_CORPUS } from "../helpers.js";

/** Finds the first array under `key` anywhere in a published output. */
function firstOf(value: unknown, key: string): Record<string, unknown> | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstOf(item, key);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const list = record[key];
    if (Array.isArray(list) && list.length > 0) return list[0] as Record<string, unknown>;
    for (const item of Object.values(record)) {
      const found = firstOf(item, key);
      if (found) return found;
    }
  }
  return undefined;
}

describe("benchmark snapshot generator", () => {
  it("builds a VPC that validates", () => {
    const snapshot = generateSnapshot({ seed: 1, vpcs: 1, subnetsPerVpc: 300 });

    expect(validateSnapshot(snapshot)).toEqual([]);
    expect(snapshot.Subnets).toHaveLength(300);
  });

  it("builds an organisation that validates", () => {
    const snapshot = generateSnapshot({ seed: 2, vpcs: 12, subnetsPerVpc: 20 });

    expect(validateSnapshot(snapshot)).toEqual([]);
    expect(snapshot.Vpcs).toHaveLength(12);
    expect(snapshot.Subnets).toHaveLength(240);
  });

  it.each([1, 2, 5])("builds VPCs of %i subnets", (subnets) => {
    const snapshot = generateSnapshot({ seed: 3, vpcs: 4, subnetsPerVpc: subnets });

    expect(validateSnapshot(snapshot)).toEqual([]);
    expect(snapshot.Subnets).toHaveLength(4 * subnets);
    const natSubnets = new Set(snapshot.NatGateways?.map((nat) => nat.SubnetId));
    expect(snapshot.Subnets?.filter((subnet) => natSubnets.has(subnet.SubnetId))).not.toEqual([]);
  });

  it("rejects VPCs without subnets", () => {
    expect(() => generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: 0 })).toThrow(
      "invalid subnetsPerVpc 0: expected a whole number of 1 or more",
    );
  });

  it("gives the same snapshot for the same seed", () => {
    const first = generateSnapshot({ seed: 7, vpcs: 2, subnetsPerVpc: 40 });
    const second = generateSnapshot({ seed: 7, vpcs: 2, subnetsPerVpc: 40 });

    expect(second).toEqual(first);
  });

  it("mixes the three subnet kinds", () => {
    const snapshot = generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: 200 });
    const subnets = snapshot.Subnets ?? [];

    expect(subnets.some((subnet) => subnet.Ipv6Native === true)).toBe(true);
    expect(subnets.some((subnet) => subnet.MapPublicIpOnLaunch === true)).toBe(true);
    expect(subnets.some((subnet) => !subnet.Ipv6Native && subnet.EnableDns64 === true)).toBe(true);
  });

  it("has unique resource ids", () => {
    const snapshot = generateSnapshot({ seed: 4, vpcs: 3, subnetsPerVpc: 50 });
    const ids = [
      ...(snapshot.Subnets ?? []).map((subnet) => subnet.SubnetId),
      ...(snapshot.RouteTables ?? []).map((table) => table.RouteTableId),
      ...(snapshot.NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId),
    ];

    expect(new Set(ids).size).toBe(ids.length);
  });

  it.skipIf(!HAS_CORPUS)(
    HAS_CORPUS
      ? "gives instances the fields a published DescribeInstances output has"
      : "gives instances the fields a published DescribeInstances output has: skipped because the corpus directory is absent",
    () => {
      const published = JSON.parse(
        readFileSync(join(CORPUS, "custodian-describe-instances-metadata-options.json"), "utf8"),
      ) as unknown;
      const reservation = firstOf(published, "Reservations") as { Instances: object[] };
      const expected = Object.keys(reservation.Instances[0]!);
      const snapshot = generateSnapshot({ seed: 5, vpcs: 1, subnetsPerVpc: 20 });
      const instance = snapshot.Reservations![0]!.Instances![0]!;

      // Published instances that were stopped or launched without an IPv4 address lack a few.
      const optional = new Set(["PrivateIpAddress", "PublicIpAddress", "KeyName"]);
      const missing = expected.filter((key) => !(key in instance) && !optional.has(key));
      expect(missing).toEqual([]);
    },
  );
});
