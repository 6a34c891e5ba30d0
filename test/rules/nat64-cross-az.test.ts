import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { IDS, REGION, publicNat64, route, snapshot } from "../builder.js";
import { lintRule } from "./harness.js";

const RULE = "nat64-cross-az";

/** Builds the public NAT64 design with the IPv6-only subnet moved to the Region's second AZ. */
function crossAz(natState = "available", routeState = "active"): Snapshot {
  const input = snapshot(
    publicNat64({ natState, nat64Route: route("64:ff9b::/96", IDS.nat, routeState) }),
  );
  const client = input.Subnets?.find((subnet) => subnet.SubnetId === IDS.v6Subnet);
  if (!client) throw new Error("the design has no IPv6-only subnet");
  client.AvailabilityZone = `${REGION}b`;
  return input;
}

describe(RULE, () => {
  it("flags an available NAT gateway in another AZ", () => {
    const findings = lintRule(RULE, crossAz()).findings;
    expect(findings.map((finding) => finding.messageId)).toEqual(["crossAz"]);
    expect(findings[0]?.resource.id).toBe(IDS.v6Subnet);
  });

  it("flags a pending NAT gateway in another AZ", () => {
    const findings = lintRule(RULE, crossAz("pending")).findings;
    expect(findings.map((finding) => finding.messageId)).toEqual(["crossAz"]);
  });

  it.each(["deleted", "deleting", "failed"])("passes a %s NAT gateway", (state) => {
    expect(lintRule(RULE, crossAz(state, "blackhole")).findings).toEqual([]);
    expect(lintRule(RULE, crossAz(state)).findings).toEqual([]);
  });

  it("passes a blackhole route to an available gateway", () => {
    expect(lintRule(RULE, crossAz("available", "blackhole")).findings).toEqual([]);
  });

  it("skips a subnet without EnableDns64", () => {
    const input = crossAz();
    const client = input.Subnets?.find((subnet) => subnet.SubnetId === IDS.v6Subnet);
    delete client?.EnableDns64;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { ruleId: RULE, reason: "EnableDns64 is not in the snapshot", resourceIds: [IDS.v6Subnet] },
    ]);
  });

  it("skips a NAT gateway without SubnetId", () => {
    const input = crossAz();
    delete input.NatGateways?.[0]?.SubnetId;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: `the SubnetId of NAT gateway ${IDS.nat} is not in the snapshot`,
        resourceIds: [IDS.v6Subnet],
      },
    ]);
  });

  it("passes a subnet with EnableDns64 false", () => {
    const input = crossAz();
    const client = input.Subnets?.find((subnet) => subnet.SubnetId === IDS.v6Subnet);
    if (client) client.EnableDns64 = false;
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});
