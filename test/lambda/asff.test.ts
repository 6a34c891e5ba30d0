import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/types.js";
import {
  ASFF_FINDING_TYPE,
  defaultProductArn,
  formatAsff,
  partitionOf,
  ruleTitles,
  toAsff,
  toResolvedAsff,
  type AsffFinding,
} from "../../src/report/asff.js";
import { runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { EXAMPLES, runCli } from "../helpers.js";

const NOW = "2026-12-04T10:00:00.000Z";
const ACCOUNT = "111122223333";

function brokenRun() {
  const snapshot = JSON.parse(
    readFileSync(join(EXAMPLES, "broken-nat64.json"), "utf8"),
  ) as Snapshot;
  return runLint([{ snapshot }], { settings: { requiredServices: [] }, today: "2026-12-04" });
}

function asffOf(): AsffFinding[] {
  return JSON.parse(formatAsff(brokenRun(), NOW)) as AsffFinding[];
}

function firstFinding(): Finding {
  const finding = brokenRun().findings[0];
  if (!finding) throw new Error("the broken example has no finding");
  return finding;
}

describe("ASFF report", () => {
  it("has one finding per vpc-lint finding", () => {
    expect(asffOf()).toHaveLength(brokenRun().findings.length);
  });

  it("fills every required field", () => {
    for (const finding of asffOf()) {
      expect(finding.SchemaVersion).toBe("2018-10-08");
      expect(finding.Id).toMatch(/^vpc-lint\/[0-9a-f]{32}$/);
      expect(finding.ProductArn).toBe(
        `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      );
      expect(finding.GeneratorId).toMatch(/^vpc-lint\/[a-z0-9-]+$/);
      expect(finding.AwsAccountId).toBe(ACCOUNT);
      expect(finding.Types).toEqual([ASFF_FINDING_TYPE]);
      expect(finding.CreatedAt).toBe(NOW);
      expect(finding.UpdatedAt).toBe(NOW);
      expect(["HIGH", "MEDIUM", "INFORMATIONAL"]).toContain(finding.Severity.Label);
      expect(finding.Title.length).toBeGreaterThan(0);
      expect(finding.Title.length).toBeLessThanOrEqual(256);
      expect(finding.Description.length).toBeGreaterThan(0);
      expect(finding.Description.length).toBeLessThanOrEqual(1024);
      expect(finding.Remediation.Recommendation.Text.length).toBeGreaterThan(0);
      expect(finding.Remediation.Recommendation.Url).toMatch(/^https:\/\//);
      expect(finding.RecordState).toBe("ACTIVE");
      expect(finding.Workflow.Status).toBe("NEW");
      expect(finding.Compliance.Status).toBe("FAILED");
    }
  });

  it("describes each resource with a type and an id", () => {
    for (const finding of asffOf()) {
      expect(finding.Resources).toHaveLength(1);
      expect(finding.Resources[0]?.Type).toMatch(/^(AwsEc2[A-Za-z]+|Other)$/);
      expect(finding.Resources[0]?.Id.length).toBeGreaterThan(0);
      expect(finding.Resources[0]?.Partition).toBe("aws");
    }
  });

  it("maps a subnet to AwsEc2Subnet with its ARN", () => {
    const subnet = asffOf().find((finding) => finding.Resources[0]?.Type === "AwsEc2Subnet");

    expect(subnet?.Resources[0]?.Id).toMatch(/^arn:aws:ec2:us-east-1:111122223333:subnet\/subnet-/);
  });

  it("maps error to HIGH and warning to MEDIUM", () => {
    const run = brokenRun();
    const labels = JSON.parse(formatAsff(run, NOW)) as AsffFinding[];

    run.findings.forEach((finding, position) => {
      const expected = { error: "HIGH", warning: "MEDIUM", info: "INFORMATIONAL" }[
        finding.severity
      ];
      expect(labels[position]?.Severity.Label).toBe(expected);
      expect(labels[position]?.Severity.Original).toBe(finding.severity);
    });
  });

  it("titles a finding by its rule", () => {
    const run = brokenRun();
    const finding = run.findings[0] as Finding;
    const title = ruleTitles(run).get(finding.ruleId);

    const asff = toAsff(finding, {
      accountId: ACCOUNT,
      region: "us-east-1",
      now: NOW,
      titles: ruleTitles(run),
    });

    expect(asff.Title).toBe(`${title}: ${finding.resource.id}`);
  });

  it("keeps the Id of a finding across runs", () => {
    const first = asffOf().map((finding) => finding.Id);
    const second = (
      JSON.parse(formatAsff(brokenRun(), "2026-12-05T10:00:00.000Z")) as AsffFinding[]
    ).map((f) => f.Id);

    expect(second).toEqual(first);
  });

  it("marks a suppressed finding SUPPRESSED", () => {
    const finding: Finding = {
      ...firstFinding(),
      suppressed: true,
      suppression: { kind: "tag", reason: "lab VPC", origin: "tag" },
    };

    const asff = toAsff(finding, { accountId: ACCOUNT, region: "us-east-1", now: NOW });

    expect(asff.Workflow.Status).toBe("SUPPRESSED");
    expect(asff.RecordState).toBe("ACTIVE");
    expect(asff.ProductFields["vpc-lint/SuppressionReason"]).toBe("lab VPC");
  });

  it("closes a resolved finding", () => {
    const finding = firstFinding();

    const asff = toResolvedAsff(finding, { accountId: ACCOUNT, region: "us-east-1", now: NOW });

    expect(asff.Id).toBe(`vpc-lint/${finding.fingerprint}`);
    expect(asff.RecordState).toBe("ARCHIVED");
    expect(asff.Workflow.Status).toBe("RESOLVED");
    expect(asff.Compliance.Status).toBe("PASSED");
    expect(asff.UpdatedAt).toBe(NOW);
  });

  it("truncates a long message to 1024 characters", () => {
    const finding: Finding = { ...firstFinding(), message: "x".repeat(2000) };

    const asff = toAsff(finding, { accountId: ACCOUNT, region: "us-east-1", now: NOW });

    expect(asff.Description).toHaveLength(1024);
    expect(asff.Description.endsWith("…")).toBe(true);
  });

  it("truncates a long suppression reason to 2048 characters", () => {
    const finding: Finding = {
      ...firstFinding(),
      suppressed: true,
      suppression: { kind: "config", reason: "r".repeat(3000), origin: ".vpc-lint.json" },
    };

    const asff = toAsff(finding, { accountId: ACCOUNT, region: "us-east-1", now: NOW });

    expect(asff.ProductFields["vpc-lint/SuppressionReason"]).toHaveLength(2048);
    expect(asff.ProductFields["vpc-lint/SuppressionReason"]?.endsWith("…")).toBe(true);
  });

  it("cuts before a surrogate pair", () => {
    const message = `${"x".repeat(1022)}🛰 and more`;
    const finding: Finding = { ...firstFinding(), message };

    const asff = toAsff(finding, { accountId: ACCOUNT, region: "us-east-1", now: NOW });

    expect(asff.Description).toBe(`${"x".repeat(1022)}…`);
    expect(Buffer.from(asff.Description, "utf8").toString("utf8")).toBe(asff.Description);
  });

  it.each([
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("puts %s in partition %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    expect(defaultProductArn(ACCOUNT, region)).toBe(
      `arn:${partition}:securityhub:${region}:${ACCOUNT}:product/${ACCOUNT}/default`,
    );
  });
});

describe("--format asff", () => {
  it("prints an ASFF array", () => {
    const run = runCli([
      "--snapshot",
      join(EXAMPLES, "broken-nat64.json"),
      "--format",
      "asff",
      "--fail-on",
      "never",
    ]);

    const findings = JSON.parse(run.stdout) as AsffFinding[];
    expect(run.status).toBe(0);
    expect(findings).toHaveLength(10);
    expect(findings[0]?.SchemaVersion).toBe("2018-10-08");
  });

  it("lists skipped checks on standard error", () => {
    const input = join(EXAMPLES, "public-nat64.json");
    const snapshot = JSON.parse(readFileSync(input, "utf8")) as Record<string, unknown>;
    delete snapshot.NetworkAcls;
    const file = join(mkdtempSync(join(tmpdir(), "vpc-lint-asff-")), "no-acls.json");
    writeFileSync(file, JSON.stringify(snapshot));

    const run = runCli(["--snapshot", file, "--format", "asff", "--fail-on", "never"]);

    expect(run.status).toBe(0);
    expect(Array.isArray(JSON.parse(run.stdout))).toBe(true);
    expect(run.stderr).toContain("Checks that did not run, so they did not pass either:");
    expect(run.stderr).toContain("nacl-blocks-nat64");
  });
});
