import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { IDS, publicNat64, snapshot } from "../builder.js";
import { lintRule } from "./harness.js";

const RULE = "route-overrides-nat64-prefix";

/** Builds the public NAT64 design whose IPv6-only subnet routes part of 64:ff9b::/96 elsewhere. */
function withOverride(): Snapshot {
  const input = snapshot(publicNat64());
  const table = input.RouteTables?.find((item) => item.RouteTableId === IDS.v6Table);
  table?.Routes?.push({
    DestinationIpv6CidrBlock: "64:ff9b::c000:200/120",
    TransitGatewayId: "tgw-0a11",
    State: "active",
  });
  return input;
}

function client(input: Snapshot) {
  const found = input.Subnets?.find((subnet) => subnet.SubnetId === IDS.v6Subnet);
  if (!found) throw new Error("the design has no IPv6-only subnet");
  return found;
}

describe(RULE, () => {
  it("flags a route to a transit gateway", () => {
    const result = lintRule(RULE, withOverride());
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["override"]);
    expect(result.findings[0]?.data.subnetIds).toBe(IDS.v6Subnet);
  });

  it("passes a subnet with EnableDns64 false", () => {
    const input = withOverride();
    client(input).EnableDns64 = false;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("skips a subnet without EnableDns64", () => {
    const input = withOverride();
    delete client(input).EnableDns64;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { ruleId: RULE, reason: "EnableDns64 is not in the snapshot", resourceIds: [IDS.v6Subnet] },
    ]);
  });

  it("passes a harmless route without EnableDns64", () => {
    const input = snapshot(publicNat64());
    delete client(input).EnableDns64;
    const table = input.RouteTables?.find((item) => item.RouteTableId === IDS.v6Table);
    table?.Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::c000:200/120",
      NatGatewayId: IDS.nat,
      State: "active",
    });
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("passes a subnet without EnableDns64 and no inner route", () => {
    const input = snapshot(publicNat64());
    delete client(input).EnableDns64;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});
