import { describe, expect, it } from "vitest";
import type { Finding, Rule } from "../../src/engine/types.js";
import { compare, type RunCoverage } from "../../src/lambda/changes.js";
import { RULES } from "../../src/rules/index.js";
import { runLint, type RunResult } from "../../src/run.js";
import type { SectionName, Snapshot } from "../../src/snapshot/types.js";
import { readExample } from "../collect/world.js";

const BROKEN_VPC = "vpc-0a1b2c3d4e5f60003";
const OTHER_VPC = "vpc-0a1b2c3d4e5f60001";
const WHOLE_REGION: RunCoverage = { vpcIds: [BROKEN_VPC], wholeRegion: true };

function lint(snapshot: Snapshot, rules: readonly Rule[] = RULES): RunResult {
  return runLint([{ snapshot }], {
    settings: { requiredServices: [] },
    rules,
    everyPath: true,
    today: "2026-12-04",
  });
}

/** Returns the broken example with the collection of `section` failed, as the collector leaves it. */
function withFailedSection(section: SectionName, operation: string): Snapshot {
  const snapshot = readExample("broken-nat64.json");
  delete snapshot[section];
  snapshot.Errors = [{ Operation: operation, Code: "AccessDenied", Message: "denied" }];
  return snapshot;
}

/** Returns a finding of an earlier run on a resource of the broken example, under another fingerprint. */
function gone(ruleId: string): Finding {
  const finding = lint(readExample("broken-nat64.json")).findings.find((f) => f.ruleId === ruleId);
  if (!finding) throw new Error(`the broken example has no ${ruleId} finding`);
  return { ...finding, fingerprint: "f".repeat(32) };
}

/** Returns a snapshot-incomplete finding of an earlier run whose failed call now succeeds. */
function goneIncomplete(): Finding {
  const result = lint(withFailedSection("InstanceTypes", "DescribeInstanceTypes"));
  const finding = result.findings.find((f) => f.ruleId === "snapshot-incomplete");
  if (!finding) throw new Error("no snapshot-incomplete finding");
  return finding;
}

describe("compare with a complete run", () => {
  it("resolves a finding the run no longer has", () => {
    const finding = gone("nat64-route-blackhole");

    const changes = compare([finding], lint(readExample("broken-nat64.json")), WHOLE_REGION);

    expect(changes.resolved).toEqual([finding]);
    expect(changes.carried).toEqual([]);
  });

  it("keeps a finding the run still has out of both lists", () => {
    const current = lint(readExample("broken-nat64.json"));

    const changes = compare(current.findings, current, WHOLE_REGION);

    expect(changes.resolved).toEqual([]);
    expect(changes.carried).toEqual([]);
    expect(changes.open).toEqual(current.findings);
  });

  it("resolves a snapshot-incomplete finding once the call succeeds", () => {
    const finding = goneIncomplete();

    const changes = compare([finding], lint(readExample("broken-nat64.json")), WHOLE_REGION);

    expect(changes.resolved).toEqual([finding]);
  });
});

describe("compare with missing data", () => {
  it("carries a finding of a rule that did not run", () => {
    const finding = gone("nat64-route-blackhole");
    const current = lint(withFailedSection("RouteTables", "DescribeRouteTables"));

    const changes = compare([finding], current, WHOLE_REGION);

    expect(changes.resolved).toEqual([]);
    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons).toEqual([
      "rule nat64-route-blackhole did not run: DescribeRouteTables failed with AccessDenied (1)",
    ]);
  });

  it("carries a finding of a rule that threw", () => {
    const finding = gone("nat64-route-blackhole");
    const rules = RULES.map((rule) =>
      rule.id === "nat64-route-blackhole"
        ? {
            ...rule,
            check: () => {
              throw new Error("broken rule");
            },
          }
        : rule,
    );

    const changes = compare([finding], lint(readExample("broken-nat64.json"), rules), WHOLE_REGION);

    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons).toEqual(["rule nat64-route-blackhole threw an error (1)"]);
  });

  it("carries a finding on a resource the rule could not judge", () => {
    const finding = gone("nat64-route-missing");
    const snapshot = readExample("broken-nat64.json");
    for (const subnet of snapshot.Subnets ?? []) delete subnet.EnableDns64;

    const changes = compare([finding], lint(snapshot), WHOLE_REGION);

    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons[0]).toMatch(/^rule nat64-route-missing could not judge/);
  });

  it("carries a finding when one alternative section failed", () => {
    const finding = gone("ssm-endpoint-missing");
    const current = lint(withFailedSection("Reservations", "DescribeInstances"));

    const changes = compare([finding], current, WHOLE_REGION);

    expect(current.skipped.some((skip) => skip.ruleId === "ssm-endpoint-missing")).toBe(false);
    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons[0]).toMatch(/^rule ssm-endpoint-missing reads Reservations: /);
  });

  it("carries a finding when a section no rule declares failed", () => {
    const finding = gone("nat64-route-blackhole");
    const current = lint(withFailedSection("HostedZones", "ListHostedZonesByVPC"));

    const changes = compare([finding], current, WHOLE_REGION);

    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons).toEqual([
      "rule nat64-route-blackhole reads HostedZones: ListHostedZonesByVPC failed with AccessDenied (1)",
    ]);
  });

  it("resolves a finding of a rule that reads no failed section", () => {
    const finding = gone("nat64-route-blackhole");
    const current = lint(
      withFailedSection("InstanceInformationList", "DescribeInstanceInformation"),
    );

    const changes = compare([finding], current, WHOLE_REGION);

    expect(changes.resolved).toEqual([finding]);
    expect(changes.carried).toEqual([]);
  });

  it("carries a finding of a rule this version does not have", () => {
    const finding = { ...gone("nat64-route-blackhole"), ruleId: "retired-rule" };

    const changes = compare([finding], lint(readExample("broken-nat64.json")), WHOLE_REGION);

    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons).toEqual([
      "rule retired-rule is not in this version of vpc-lint (1)",
    ]);
  });

  it("stores carried findings with the current ones for the next run", () => {
    const finding = gone("nat64-route-blackhole");
    const current = lint(withFailedSection("RouteTables", "DescribeRouteTables"));

    const changes = compare([finding], current, WHOLE_REGION);

    expect(changes.open).toEqual([...current.findings, finding]);
  });

  it("counts a carried error as known, not new, when it comes back", () => {
    const finding = gone("nat64-route-blackhole");
    const carried = compare(
      [finding],
      lint(withFailedSection("RouteTables", "DescribeRouteTables")),
      WHOLE_REGION,
    );
    const again = lint(readExample("broken-nat64.json")).findings.map((f) =>
      f.ruleId === "nat64-route-blackhole" ? { ...f, fingerprint: finding.fingerprint } : f,
    );
    const current = { ...lint(readExample("broken-nat64.json")), findings: again };

    const changes = compare(carried.open, current, WHOLE_REGION);

    expect(changes.newErrors.map((f) => f.ruleId)).not.toContain("nat64-route-blackhole");
  });
});

describe("compare with a run scoped to some VPCs", () => {
  it("carries a finding of a VPC the run did not lint", () => {
    const finding = gone("nat64-route-blackhole");
    const coverage = { vpcIds: [OTHER_VPC], wholeRegion: false };

    const changes = compare([finding], lint(readExample("public-nat64.json")), coverage);

    expect(changes.carried).toEqual([finding]);
    expect(changes.carryReasons).toEqual(["its VPC was not linted in this run (1)"]);
  });

  it("resolves a finding of a VPC the run linted", () => {
    const finding = gone("nat64-route-blackhole");
    const coverage = { vpcIds: [BROKEN_VPC], wholeRegion: false };

    const changes = compare([finding], lint(readExample("broken-nat64.json")), coverage);

    expect(changes.resolved).toEqual([finding]);
  });

  it("carries a finding that is not about one VPC", () => {
    const finding = goneIncomplete();
    const coverage = { vpcIds: [BROKEN_VPC], wholeRegion: false };

    const changes = compare([finding], lint(readExample("broken-nat64.json")), coverage);

    expect(changes.carried).toEqual([finding]);
  });

  it("resolves a finding of a deleted VPC when the run covered the Region", () => {
    const finding = gone("nat64-route-blackhole");
    const coverage = { vpcIds: [OTHER_VPC], wholeRegion: true };

    const changes = compare([finding], lint(readExample("public-nat64.json")), coverage);

    expect(changes.resolved).toEqual([finding]);
  });
});
