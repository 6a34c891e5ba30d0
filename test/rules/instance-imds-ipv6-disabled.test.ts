import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { instance, reservations, snapshot, subnet } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "instance-imds-ipv6-disabled";

/** Builds one instance in an IPv6-only subnet, or in a subnet of the given kind. */
function withInstance(
  options: Omit<Parameters<typeof instance>[0], "id" | "subnet">,
  kind: "ipv6-only" | "dual-stack" = "ipv6-only",
): Snapshot {
  return snapshot({
    Subnets: [subnet({ id: "subnet-v6", kind, dns64: true })],
    Reservations: reservations(
      instance({ id: "i-app", subnet: "subnet-v6", name: "app", ...options }),
    ),
  });
}

/** Builds an instance from an output that predates HttpProtocolIpv6 in MetadataOptions. */
function withoutProtocolIpv6(): Snapshot {
  const input = withInstance({});
  const options = input.Reservations?.[0]?.Instances?.[0]?.MetadataOptions;
  if (options) delete options.HttpProtocolIpv6;
  return input;
}

function evidence(httpEndpoint: string | null, httpProtocolIpv6: string | null) {
  return [
    { resourceId: "i-app", attribute: "MetadataOptions.HttpEndpoint", value: httpEndpoint },
    { resourceId: "i-app", attribute: "MetadataOptions.HttpProtocolIpv6", value: httpProtocolIpv6 },
  ];
}

function ipv6Disabled(shown: string, value: string | null): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "ipv6Disabled",
    severity: "warning",
    message:
      `Instance i-app runs in IPv6-only subnet subnet-v6 with HttpProtocolIpv6 ${shown}, so ` +
      "tools that only try fd00:ec2::254 cannot read its credentials.",
    resource: ref("instance", "i-app", { name: "app" }),
    evidence: evidence("enabled", value),
    related: ["subnet-v6"],
    fix:
      "aws ec2 modify-instance-metadata-options --instance-id i-app --http-protocol-ipv6 " +
      "enabled (in launch templates: MetadataOptions.HttpProtocolIpv6).",
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "IMDS IPv6 endpoint disabled",
    input: withInstance({ httpProtocolIpv6: "disabled" }),
    findings: [ipv6Disabled("disabled", "disabled")],
  },
  {
    name: "IMDS IPv6 endpoint written as Disabled",
    input: withInstance({ httpProtocolIpv6: "Disabled" }),
    findings: [ipv6Disabled("Disabled", "Disabled")],
  },
  {
    name: "HttpProtocolIpv6 absent from MetadataOptions",
    input: withoutProtocolIpv6(),
    findings: [ipv6Disabled("not set", null)],
  },
  {
    name: "instance metadata turned off entirely",
    input: withInstance({ httpEndpoint: "disabled", httpProtocolIpv6: "disabled" }),
    findings: [
      {
        ruleId: RULE,
        messageId: "endpointDisabled",
        severity: "error",
        message:
          "Instance i-app runs in IPv6-only subnet subnet-v6 with HttpEndpoint disabled, so it " +
          "cannot read instance metadata or role credentials at all.",
        resource: ref("instance", "i-app", { name: "app" }),
        evidence: evidence("disabled", "disabled"),
        related: ["subnet-v6"],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "IMDS IPv6 endpoint enabled", input: withInstance({}) },
  {
    name: "IMDS IPv6 endpoint written as Enabled",
    input: withInstance({ httpProtocolIpv6: "Enabled" }),
  },
  {
    name: "dual-stack subnet, where IMDS answers on IPv4",
    input: withInstance({ httpProtocolIpv6: "disabled" }, "dual-stack"),
  },
  {
    name: "stopped instance",
    input: withInstance({ httpProtocolIpv6: "disabled", state: "stopped" }),
  },
  {
    name: "terminated instance",
    input: withInstance({ httpProtocolIpv6: "disabled", state: "terminated" }),
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

  it("skips an instance without MetadataOptions", () => {
    const result = lintRule(RULE, withInstance({ omit: ["MetadataOptions"] }));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { ruleId: RULE, reason: "MetadataOptions is not in the snapshot", resourceIds: ["i-app"] },
    ]);
  });

  it("is skipped when instances were not collected", () => {
    const result = lintRule(RULE, snapshot({ Reservations: undefined }));
    expect(result.skipped).toEqual([{ ruleId: RULE, reason: "Reservations was not collected" }]);
  });
});
