import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import { validateSnapshot } from "../../src/snapshot/validate.js";

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
});
