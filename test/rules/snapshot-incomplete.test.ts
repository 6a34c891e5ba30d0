import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { RULES } from "../../src/rules/index.js";
import { DEFAULT_SETTINGS, exitCodeOf, runLint } from "../../src/run.js";
import type { CollectionError, Snapshot } from "../../src/snapshot/types.js";
import { ACCOUNT, REGION, publicNat64, snapshot } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "snapshot-incomplete";
const SCOPE = `${ACCOUNT}/${REGION}`;

const DENIED: CollectionError = {
  Operation: "DescribeInstances",
  Code: "UnauthorizedOperation",
  Message: "You are not authorized to perform this operation.",
};

/** Builds the public NAT64 design as collected when the given calls failed. */
function collectedWith(errors: CollectionError[], absent: (keyof Snapshot)[] = []): Snapshot {
  const input = snapshot({ ...publicNat64(), Errors: errors });
  for (const section of absent) delete input[section];
  return input;
}

const TAIL = "Checks that stopped at the missing data are listed as skipped.";

/** The fix of each message, which depends on the error code. */
const FIXES = {
  callDenied: (iamAction: string) =>
    `Grant ${iamAction} to the identity that collects, then collect again.`,
  callThrottled: () =>
    "Collect again later or with a lower --concurrency; the collector retried the call before " +
    "it gave up.",
  callFailed: (_: string, code: string, operation: string) =>
    `Look up why ${operation} returned ${code}, remove the cause, then collect again.`,
};

function callFinding(
  messageId: keyof typeof FIXES,
  error: CollectionError,
  text: string,
  rules: string[],
  iamAction = "",
): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId,
    severity: "error",
    message: `${text} ${TAIL}`,
    resource: ref("snapshot", SCOPE, { vpcId: null }),
    evidence: [
      { resourceId: SCOPE, attribute: "Errors.Operation", value: error.Operation },
      { resourceId: SCOPE, attribute: "Errors.Code", value: error.Code },
    ],
    related: rules,
    fix: FIXES[messageId](iamAction, error.Code, error.Operation),
  };
}

/** Rules that need the section outright, so a failed call for it stops them. */
function rulesNeeding(section: keyof Snapshot): string[] {
  return RULES.filter((rule) => rule.requires.includes(section as never)).map((rule) => rule.id);
}

const blockedByInstances = rulesNeeding("Reservations");
const blockedByAgents = rulesNeeding("InstanceInformationList");

const throttled: CollectionError = {
  Operation: "DescribeInstanceInformation",
  Code: "ThrottlingException",
  Message: "Rate exceeded",
  Scope: "vpc-0a11",
};

const unknownCall: CollectionError = {
  Operation: "DescribeFlowLogs",
  Code: "UnauthorizedOperation",
  Message: "You are not authorized to perform this operation.",
};

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "DescribeInstances denied and no reservations",
    input: collectedWith([DENIED], ["Reservations"]),
    findings: [
      callFinding(
        "callDenied",
        DENIED,
        "DescribeInstances failed with UnauthorizedOperation: You are not authorized to " +
          "perform this operation. Rules that need its data and did not run: " +
          `${blockedByInstances.join(", ")}.`,
        blockedByInstances,
        "ec2:DescribeInstances",
      ),
    ],
  },
  {
    name: "throttled SSM call scoped to a VPC",
    input: collectedWith([throttled], ["InstanceInformationList"]),
    findings: [
      callFinding(
        "callThrottled",
        throttled,
        "DescribeInstanceInformation for vpc-0a11 failed with ThrottlingException: Rate " +
          "exceeded. Rules that need its data and did not run: " +
          `${blockedByAgents.join(", ") || "none"}.`,
        blockedByAgents,
      ),
    ],
  },
  {
    name: "denied call that fills no section",
    input: collectedWith([unknownCall]),
    findings: [
      callFinding(
        "callFailed",
        unknownCall,
        "DescribeFlowLogs failed with UnauthorizedOperation: You are not authorized to perform " +
          "this operation. Rules that need its data and did not run: none.",
        [],
      ),
    ],
  },
  {
    name: "call whose response could not be read",
    input: collectedWith([{ ...DENIED, Code: "InvalidResponse", Message: "HTTP 500" }]),
    findings: [
      callFinding(
        "callFailed",
        { ...DENIED, Code: "InvalidResponse" },
        "DescribeInstances failed with InvalidResponse: HTTP 500. Rules that need its data and " +
          `did not run: ${blockedByInstances.join(", ")}.`,
        blockedByInstances,
      ),
    ],
  },
];

describe(RULE, () => {
  it("knows a rule that DescribeInstances failing stops", () => {
    expect(blockedByInstances).toContain("instance-imds-ipv6-disabled");
  });

  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
  });

  it("accepts a snapshot whose calls all succeeded", () => {
    expect(lintRule(RULE, collectedWith([])).findings).toEqual([]);
    expect(lintRule(RULE, snapshot(publicNat64())).findings).toEqual([]);
  });

  it("gives each failed call its own fingerprint", () => {
    const result = lintRule(RULE, collectedWith([DENIED, unknownCall, throttled]));
    const prints = new Set(result.findings.map((finding) => finding.fingerprint));
    expect(prints.size).toBe(3);
  });

  it("makes a denied DescribeInstances fail the run", () => {
    const input = collectedWith([DENIED], ["Reservations"]);
    const result = runLint([{ snapshot: input }], { settings: DEFAULT_SETTINGS });
    expect(result.findings.map((finding) => finding.ruleId)).toContain(RULE);
    expect(result.skipped).toContainEqual({
      ruleId: "instance-imds-ipv6-disabled",
      reason: "DescribeInstances failed with UnauthorizedOperation",
      accountId: ACCOUNT,
      region: REGION,
    });
    expect(exitCodeOf(result, "warning", false)).toBe(1);
    expect(exitCodeOf(result, "error", false)).toBe(1);
  });

  it("treats a section present beside its failed call as failed", () => {
    const input = collectedWith([DENIED]);
    const skipped = lintRule("instance-imds-ipv6-disabled", input).skipped;
    expect(skipped).toEqual([
      {
        ruleId: "instance-imds-ipv6-disabled",
        reason: "DescribeInstances failed with UnauthorizedOperation",
      },
    ]);
  });
});

describe("sections the path checks read when present", () => {
  const zonesDenied: CollectionError = {
    Operation: "ListHostedZonesByVPC",
    Code: "AccessDenied",
    Message: "Denied.",
  };

  it("names the assumption after a failure", () => {
    const result = lintRule(RULE, collectedWith([zonesDenied], ["HostedZones"]));
    expect(result.findings.map((finding) => finding.message)).toEqual([
      "ListHostedZonesByVPC failed with AccessDenied: Denied. Rules that need its data and did " +
        "not run: none; checks that read it when present assume that no private hosted zone " +
        `answers for a service's name. ${TAIL}`,
    ]);
  });

  it("names the internet gateway assumption after a failure", () => {
    const denied: CollectionError = {
      Operation: "DescribeInternetGateways",
      Code: "UnauthorizedOperation",
      Message: "You are not authorized to perform this operation.",
    };
    const result = lintRule(RULE, collectedWith([denied], ["InternetGateways"]));
    expect(result.findings.map((finding) => finding.message)).toEqual([
      "DescribeInternetGateways failed with UnauthorizedOperation: You are not authorized to " +
        "perform this operation. Rules that need its data and did not run: none; checks that " +
        "read it when present assume nothing about internet gateways and report the paths " +
        `through one as unknown. ${TAIL}`,
    ]);
  });

  it("warns about an assumed section", () => {
    const input = collectedWith([], ["HostedZones", "ResolverRules"]);
    const result = runLint([{ snapshot: input }], { settings: DEFAULT_SETTINGS });
    expect(result.warnings).toEqual([
      `HostedZones is not in the snapshot for ${ACCOUNT}, ${REGION}, so the path checks ` +
        "assumed that no private hosted zone answers for a service's name",
      `ResolverRules is not in the snapshot for ${ACCOUNT}, ${REGION}, so the path checks ` +
        "assumed that no Resolver rule forwards a service's name",
    ]);
  });

  it("reads a failed section from the index", () => {
    const index = new SnapshotIndex(collectedWith([zonesDenied]));

    expect(index.failure("HostedZones")).toBe("ListHostedZonesByVPC failed with AccessDenied");
    expect(index.failure("Subnets")).toBeUndefined();
  });

  it("leaves a failed section to the finding", () => {
    const input = collectedWith([zonesDenied], ["HostedZones"]);
    const result = runLint([{ snapshot: input }], { settings: DEFAULT_SETTINGS });
    expect(result.warnings).toEqual([]);
  });

  it("stays quiet on a full collection", () => {
    const result = runLint([{ snapshot: collectedWith([]) }], { settings: DEFAULT_SETTINGS });
    expect(result.warnings).toEqual([]);
  });
});
