import { describe, expect, it } from "vitest";
import type { Subnet } from "@aws-sdk/client-ec2";
import type { Snapshot } from "../../src/snapshot/types.js";
import { dhcpOptions, endpoint, snapshot, subnet, vpc, vpcAttributes } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "vpc-dns-support-disabled";

function attributes(
  dnsSupport: boolean | undefined,
  subnets: Subnet[],
  endpoints: ReturnType<typeof endpoint>[] = [],
): Snapshot {
  return snapshot({
    VpcAttributes: [vpcAttributes({ dnsSupport, dnsHostnames: true })],
    Subnets: subnets,
    VpcEndpoints: endpoints,
  });
}

const dns64 = subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true });
const noDns64 = subnet({ id: "subnet-ds", kind: "dual-stack", block: 2 });
const ipv6OnlyNoDns64 = subnet({ id: "subnet-v6only", kind: "ipv6-only", dns64: false, block: 3 });
const ssm = endpoint({ id: "vpce-ssm", service: "ssm" });

function disabled(dependents: string, related: string[]): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "disabled",
    severity: "error",
    message:
      "VPC vpc-0a11 has enableDnsSupport false, so the Amazon-provided resolver does not answer " +
      `and ${dependents} cannot resolve names.`,
    resource: ref("vpc", "vpc-0a11"),
    evidence: [{ resourceId: "vpc-0a11", attribute: "EnableDnsSupport", value: false }],
    related,
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "DNS support off with a DNS64 subnet and a private DNS endpoint",
    input: attributes(false, [dns64, noDns64], [ssm]),
    findings: [
      disabled("DNS64 subnets subnet-v6 and private DNS endpoints vpce-ssm", [
        "subnet-v6",
        "vpce-ssm",
      ]),
    ],
  },
  {
    name: "DNS support off with a DNS64 subnet only",
    input: attributes(false, [dns64]),
    findings: [disabled("DNS64 subnets subnet-v6", ["subnet-v6"])],
  },
  {
    name: "DNS support off with an IPv6-only subnet without DNS64",
    input: attributes(false, [ipv6OnlyNoDns64, noDns64]),
    findings: [disabled("IPv6-only subnets subnet-v6only", ["subnet-v6only"])],
  },
  {
    name: "DNS support off with DNS64 and IPv6-only subnets",
    input: attributes(false, [dns64, ipv6OnlyNoDns64]),
    findings: [
      disabled("DNS64 subnets subnet-v6 and IPv6-only subnets subnet-v6only", [
        "subnet-v6",
        "subnet-v6only",
      ]),
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "DNS support on", input: attributes(true, [dns64], [ssm]) },
  { name: "DNS support off with nothing relying on it", input: attributes(false, [noDns64]) },
  {
    name: "DNS support off with an IPv6-only subnet whose DHCP options name an IPv6 server",
    input: {
      ...attributes(false, [ipv6OnlyNoDns64, noDns64]),
      Vpcs: [vpc({ dhcpOptionsId: "dopt-own" })],
      DhcpOptions: [dhcpOptions("dopt-own", ["2001:db8::53"])],
    },
  },
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

  it("skips IPv6-only subnets whose DHCP options are unknown", () => {
    const input = {
      ...attributes(false, [ipv6OnlyNoDns64, noDns64]),
      Vpcs: [vpc({ dhcpOptionsId: "dopt-gone" })],
    };
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason:
          "DHCP options dopt-gone are not in the snapshot, so whether IPv6-only subnets rely on " +
          "the Amazon-provided resolver is unknown",
        resourceIds: ["vpc-0a11"],
      },
    ]);
  });

  it("skips a VPC whose enableDnsSupport is unknown", () => {
    const result = lintRule(RULE, attributes(undefined, [dns64]));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "enableDnsSupport is not in the snapshot",
        resourceIds: ["vpc-0a11"],
      },
    ]);
  });
});
