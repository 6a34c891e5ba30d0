import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { REGION, endpoint, snapshot } from "../builder.js";
import { PRIVATE, PUBLIC, design } from "../reach/designs.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "endpoint-not-available";
const SSM = `com.amazonaws.${REGION}.ssm`;

function withEndpoint(options: Omit<Parameters<typeof endpoint>[0], "id" | "service">): Snapshot {
  return snapshot({ VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm", ...options })] });
}

/** The sentence the message adds for an endpoint that no required path needs. */
const UNUSED = " No required path needs it, but any client that uses it is cut off.";

function finding(
  messageId: "notAvailableUnused" | "pending",
  state: string,
  message: string,
): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId,
    severity: "warning",
    message,
    resource: ref("vpc-endpoint", "vpce-ssm"),
    evidence: [{ resourceId: "vpce-ssm", attribute: "State", value: state }],
    related: ["vpc-0a11"],
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "failed endpoint with its last error",
    input: withEndpoint({ state: "failed", lastError: "Subnet has no free IP addresses" }),
    findings: [
      {
        ...finding(
          "notAvailableUnused",
          "failed",
          `VPC endpoint vpce-ssm for ${SSM} is in state failed (Subnet has no free IP ` +
            `addresses), so it carries no traffic.${UNUSED}`,
        ),
        fix:
          "Delete the endpoint and create it again if clients need it, or delete it if nothing " +
          "does; if the service owner requires acceptance, accept the connection on the service " +
          "side.",
      },
    ],
  },
  {
    name: "rejected endpoint",
    input: withEndpoint({ state: "rejected" }),
    findings: [
      finding(
        "notAvailableUnused",
        "rejected",
        `VPC endpoint vpce-ssm for ${SSM} is in state rejected, so it carries no traffic.${UNUSED}`,
      ),
    ],
  },
  {
    name: "expired endpoint written as Expired",
    input: withEndpoint({ state: "Expired" }),
    findings: [
      finding(
        "notAvailableUnused",
        "Expired",
        `VPC endpoint vpce-ssm for ${SSM} is in state Expired, so it carries no traffic.${UNUSED}`,
      ),
    ],
  },
  {
    name: "endpoint waiting for acceptance",
    input: withEndpoint({ state: "pendingAcceptance" }),
    findings: [
      finding(
        "pending",
        "pendingAcceptance",
        `VPC endpoint vpce-ssm for ${SSM} is in state pendingAcceptance, so it carries no ` +
          "traffic until it becomes available.",
      ),
    ],
  },
  {
    name: "pending endpoint written as Pending",
    input: withEndpoint({ state: "Pending" }),
    findings: [
      finding(
        "pending",
        "Pending",
        `VPC endpoint vpce-ssm for ${SSM} is in state Pending, so it carries no traffic until ` +
          "it becomes available.",
      ),
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "available endpoint", input: withEndpoint({ state: "available" }) },
  { name: "available endpoint written as Available", input: withEndpoint({ state: "Available" }) },
  { name: "endpoint being deleted", input: withEndpoint({ state: "deleting" }) },
  { name: "deleted endpoint", input: withEndpoint({ state: "Deleted" }) },
  { name: "VPC without endpoints", input: snapshot() },
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

  it("skips an endpoint without State", () => {
    const result = lintRule(RULE, withEndpoint({ omit: ["State"] }));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { ruleId: RULE, reason: "State is not in the snapshot", resourceIds: ["vpce-ssm"] },
    ]);
  });

  it("is skipped when endpoints were not collected", () => {
    const result = lintRule(RULE, snapshot({ VpcEndpoints: undefined }));
    expect(result.skipped).toEqual([{ ruleId: RULE, reason: "VpcEndpoints was not collected" }]);
  });
});

describe(`${RULE} on a path`, () => {
  it("escalates a pending endpoint that subnets use", () => {
    const input = design("private-nat64-endpoints");
    const ssm = input.VpcEndpoints?.find((item) => item.VpcEndpointId === PRIVATE.ssmEndpoint);
    if (!ssm) throw new Error("the design has an ssm endpoint");
    ssm.State = "PendingAcceptance";
    const findings = lintRule(RULE, input).findings;

    expect(findings.map((found) => [found.messageId, found.severity])).toEqual([
      ["pendingInUse", "error"],
    ]);
    expect(findings[0]?.message).toBe(
      `VPC endpoint ${PRIVATE.ssmEndpoint} for ${ssm.ServiceName} is in state PendingAcceptance, so ` +
        `${PRIVATE.appA}, ${PRIVATE.appB} cannot reach ssm through it until it becomes available.`,
    );
  });
});

describe(`${RULE} of a failed endpoint`, () => {
  /** Returns the private design with one Session Manager endpoint failed. */
  function failed(endpointId: string): Snapshot {
    const input = design("private-nat64-endpoints");
    const endpoint = input.VpcEndpoints?.find((item) => item.VpcEndpointId === endpointId);
    if (!endpoint) throw new Error(`the design has endpoint ${endpointId}`);
    endpoint.State = "Failed";
    return input;
  }

  it("is an error when subnets use it", () => {
    const findings = lintRule(RULE, failed(PRIVATE.ssmEndpoint)).findings;
    expect(findings.map((found) => [found.messageId, found.severity])).toEqual([
      ["notAvailable", "error"],
    ]);
  });

  it("is an error behind a hosted zone", () => {
    const input = failed(PRIVATE.ssmEndpoint);
    const ssm = input.VpcEndpoints?.find((item) => item.VpcEndpointId === PRIVATE.ssmEndpoint);
    if (ssm) ssm.PrivateDnsEnabled = false;
    input.HostedZones = [
      {
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        Name: "ssm.us-east-1.amazonaws.com.",
        VpcId: PRIVATE.vpc,
      },
    ];
    const findings = lintRule(RULE, input).findings;
    expect(findings.map((found) => [found.messageId, found.severity])).toEqual([
      ["notAvailable", "error"],
    ]);
  });

  it("is a warning while NAT64 still works", () => {
    const input = design("public-nat64");
    input.VpcEndpoints = [
      endpoint({ id: "vpce-ssm", service: "ssm", state: "failed", vpcId: PUBLIC.vpc }),
    ];
    const findings = lintRule(RULE, input).findings;
    expect(findings.map((found) => [found.messageId, found.severity])).toEqual([
      ["notAvailableUnused", "warning"],
    ]);
  });

  it("is a warning when no path uses it", () => {
    // Agents 3.3.40.0 and later, which the design registers, do not use ec2messages.
    const findings = lintRule(RULE, failed(PRIVATE.ec2messagesEndpoint)).findings;
    expect(findings.map((found) => [found.messageId, found.severity])).toEqual([
      ["notAvailableUnused", "warning"],
    ]);
  });
});

describe(`${RULE} beside an available endpoint`, () => {
  it("keeps a pending duplicate a warning in either order", () => {
    for (const pendingFirst of [true, false]) {
      const input = design("private-nat64-endpoints");
      const ssm = input.VpcEndpoints?.find((item) => item.VpcEndpointId === PRIVATE.ssmEndpoint);
      if (!ssm) throw new Error("the design has an ssm endpoint");
      const pending = {
        ...ssm,
        VpcEndpointId: "vpce-0a1b2c3d4e5f60099",
        State: "Pending" as const,
      };
      input.VpcEndpoints = pendingFirst
        ? [pending, ...(input.VpcEndpoints ?? [])]
        : [...(input.VpcEndpoints ?? []), pending];
      const findings = lintRule(RULE, input).findings;

      expect(
        findings.map((found) => found.messageId),
        `pending first: ${pendingFirst}`,
      ).toEqual(["pending"]);
    }
  });
});
