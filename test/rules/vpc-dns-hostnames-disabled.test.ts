import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { endpoint, snapshot, subnet, vpcAttributes } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "vpc-dns-hostnames-disabled";

function attributes(
  dnsHostnames: boolean | undefined,
  endpoints: ReturnType<typeof endpoint>[],
): Snapshot {
  return snapshot({
    VpcAttributes: [vpcAttributes({ dnsSupport: true, dnsHostnames })],
    Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true })],
    VpcEndpoints: endpoints,
  });
}

const ssm = endpoint({ id: "vpce-ssm", service: "ssm" });
const ssmmessages = endpoint({ id: "vpce-ssmmessages", service: "ssmmessages" });

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "hostnames off with private DNS endpoints",
    input: attributes(false, [ssm, ssmmessages]),
    findings: [
      {
        ruleId: RULE,
        messageId: "disabled",
        severity: "error",
        message:
          "VPC vpc-0a11 has enableDnsHostnames false, so the private DNS names of endpoints " +
          "vpce-ssm, vpce-ssmmessages do not resolve to the endpoints.",
        resource: ref("vpc", "vpc-0a11"),
        evidence: [{ resourceId: "vpc-0a11", attribute: "EnableDnsHostnames", value: false }],
        related: ["vpce-ssm", "vpce-ssmmessages"],
        fix:
          'Turn DNS hostnames on: aws ec2 modify-vpc-attribute --vpc-id vpc-0a11 --enable-dns-hostnames "{\\"Value\\":true}" ' +
          "(CloudFormation EnableDnsHostnames, Terraform enable_dns_hostnames).",
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "hostnames on", input: attributes(true, [ssm]) },
  { name: "hostnames off without endpoints", input: attributes(false, []) },
  {
    name: "hostnames off with endpoints that have private DNS off",
    input: attributes(false, [endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false })]),
  },
  {
    name: "hostnames off with a failed endpoint",
    input: attributes(false, [endpoint({ id: "vpce-ssm", service: "ssm", state: "failed" })]),
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

  it.each([
    {
      name: "a VPC whose enableDnsHostnames is unknown",
      input: attributes(undefined, [ssm]),
      reason: "enableDnsHostnames is not in the snapshot",
    },
    {
      name: "an endpoint without PrivateDnsEnabled",
      input: attributes(false, [
        endpoint({ id: "vpce-ssm", service: "ssm", omit: ["PrivateDnsEnabled"] }),
      ]),
      reason: "PrivateDnsEnabled of vpce-ssm is not in the snapshot",
    },
    {
      name: "unknown hostnames and private DNS",
      input: attributes(undefined, [
        endpoint({ id: "vpce-ssm", service: "ssm", omit: ["PrivateDnsEnabled"] }),
      ]),
      reason: "enableDnsHostnames and PrivateDnsEnabled of vpce-ssm are not in the snapshot",
    },
  ])("skips $name", ({ input, reason }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([{ ruleId: RULE, reason, resourceIds: ["vpc-0a11"] }]);
  });

  it("is skipped when VPC attributes were not collected", () => {
    const input = { ...attributes(true, [ssm]), VpcAttributes: undefined };
    expect(lintRule(RULE, input).skipped).toEqual([
      { ruleId: RULE, reason: "VpcAttributes was not collected" },
    ]);
  });
});
