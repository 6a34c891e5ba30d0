import { describe, expect, it } from "vitest";
import type { NatGateway } from "@aws-sdk/client-ec2";
import type { Snapshot } from "../../src/snapshot/types.js";
import { nat, snapshot, subnet } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "nat-gateway-in-ipv6-only-subnet";

function natIn(
  kind: "ipv6-only" | "dual-stack" | "ipv4-only",
  options: Partial<Parameters<typeof nat>[0]> = {},
): Snapshot {
  return snapshot({
    Subnets: [subnet({ id: "subnet-a", kind })],
    NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-a", name: "nat-a", ...options })],
  });
}

const noIpv4 = (ipv6Native: boolean | null): ExpectedFinding => ({
  ruleId: RULE,
  messageId: "noIpv4",
  severity: "error",
  message:
    "NAT gateway nat-0a11 is in subnet subnet-a, which has no IPv4 range, so it cannot " +
    "translate NAT64 traffic to IPv4.",
  resource: ref("nat-gateway", "nat-0a11", { name: "nat-a" }),
  evidence: [
    { resourceId: "subnet-a", attribute: "Ipv6Native", value: ipv6Native },
    { resourceId: "subnet-a", attribute: "CidrBlock", value: null },
  ],
  related: ["subnet-a"],
  fix:
    "Create the NAT gateway in a dual-stack subnet (a public one for internet access), point " +
    "the 64:ff9b::/96 routes at it, then delete nat-0a11.",
});

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "NAT gateway in an IPv6-only subnet",
    input: natIn("ipv6-only"),
    findings: [noIpv4(true)],
  },
  {
    name: "pending NAT gateway in an IPv6-only subnet",
    input: natIn("ipv6-only", { state: "pending" }),
    findings: [noIpv4(true)],
  },
  {
    name: "NAT gateway in a subnet from an output without Ipv6Native",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "ipv6-only", omit: ["Ipv6Native"] })],
      NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-a", name: "nat-a" })],
    }),
    findings: [noIpv4(null)],
  },
];

const regional = {
  ...nat({ id: "nat-regional", subnet: "unused", omit: ["SubnetId"] }),
  AvailabilityMode: "regional",
} as NatGateway;

const accepted: { name: string; input: Snapshot }[] = [
  { name: "NAT gateway in a dual-stack subnet", input: natIn("dual-stack") },
  { name: "NAT gateway in an IPv4-only subnet", input: natIn("ipv4-only") },
  {
    name: "deleted NAT gateway in an IPv6-only subnet",
    input: natIn("ipv6-only", { state: "deleted" }),
  },
  { name: "failed NAT gateway written as Failed", input: natIn("ipv6-only", { state: "Failed" }) },
  { name: "regional NAT gateway without a subnet", input: snapshot({ NatGateways: [regional] }) },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("skips a NAT gateway whose subnet is not in the snapshot", () => {
    const input = snapshot({ NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-elsewhere" })] });
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "its subnet subnet-elsewhere is not in the snapshot",
        resourceIds: ["nat-0a11"],
      },
    ]);
  });
});
