/** Runs one rule over a built snapshot and compares its findings with the full expected ones. */
import { expect } from "vitest";
import { lintSnapshot, type LintResult } from "../../src/engine/lint.js";
import type { Finding, LintSettings, ResourceRef, Severity } from "../../src/engine/types.js";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { RULES } from "../../src/rules/index.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { ACCOUNT, REGION, VPC_ID } from "../builder.js";

/** Lints with one rule on; the others stay registered so rules that list them can. */
export function lintRule(
  ruleId: string,
  snapshot: Snapshot,
  settings: LintSettings = { requiredServices: [] },
): LintResult {
  return lintRules([ruleId], snapshot, settings);
}

/** Lints with the named rules on and the others off. */
export function lintRules(
  ruleIds: readonly string[],
  snapshot: Snapshot,
  settings: LintSettings = { requiredServices: [] },
): LintResult {
  for (const id of ruleIds)
    if (!RULES.some((rule) => rule.id === id)) throw new Error(`no rule ${id}`);
  const severities = new Map<string, Severity | "off">(
    RULES.filter((rule) => !ruleIds.includes(rule.id)).map((rule) => [rule.id, "off"]),
  );
  return lintSnapshot(new SnapshotIndex(snapshot), { rules: RULES, settings, severities });
}

/** Lints with every rule. */
export function lintAll(snapshot: Snapshot): LintResult {
  return lintSnapshot(new SnapshotIndex(snapshot), {
    rules: RULES,
    settings: { requiredServices: [] },
  });
}

const ARN_TYPES: Record<string, string> = {
  vpc: "vpc",
  subnet: "subnet",
  "route-table": "route-table",
  "nat-gateway": "natgateway",
  "vpc-endpoint": "vpc-endpoint",
  "network-acl": "network-acl",
  instance: "instance",
};

/** Returns the resource reference a finding carries for a resource of the builder's account and region. */
export function ref(
  type: string,
  id: string,
  options: { vpcId?: string | null; name?: string } = {},
): ResourceRef {
  const result: ResourceRef = { type, id, accountId: ACCOUNT, region: REGION };
  const vpcId = options.vpcId === undefined ? VPC_ID : options.vpcId;
  if (vpcId !== null) result.vpcId = vpcId;
  if (options.name) result.name = options.name;
  const arnType = ARN_TYPES[type];
  if (arnType) result.arn = `arn:aws:ec2:${REGION}:${ACCOUNT}:${arnType}/${id}`;
  return result;
}

/** A finding as a test states it: everything but the fields checked for shape only. */
export type ExpectedFinding = Omit<Finding, "data" | "fix" | "docsUrl" | "fingerprint"> & {
  fix?: string;
};

/** A snapshot that a rule flags, with the findings expected and the services the lint requires. */
export interface FlaggedCase {
  name: string;
  input: Snapshot;
  findings: ExpectedFinding[];
  services?: string[];
}

/**
 * Compares findings in order with the expected ones: rule, message id, severity, message text,
 * resource, evidence and related in full, the fix in full when stated, and the rest for shape.
 * With `anyOrder`, both lists are sorted by message first.
 */
export function expectFindings(
  actual: readonly Finding[],
  expected: readonly ExpectedFinding[],
  options: { anyOrder?: boolean } = {},
): void {
  const byMessage = (a: { message: string }, b: { message: string }) =>
    a.message.localeCompare(b.message);
  const comparable = actual.map((finding) => {
    const { data: _data, docsUrl: _docs, fingerprint: _print, fix, ...rest } = finding;
    return { ...rest, fix };
  });
  const expectedRows = expected.map((finding) => ({ fix: expect.any(String), ...finding }));
  // Findings of one severity on one resource are ordered by fingerprint, which is a hash.
  if (options.anyOrder) {
    comparable.sort(byMessage);
    expectedRows.sort(byMessage);
  }
  expect(comparable).toEqual(expectedRows);
  for (const finding of actual) {
    expect(finding.docsUrl).toMatch(
      new RegExp(
        `^https://github\\.com/vpc-lint/vpc-lint/blob/v\\d+\\.\\d+\\.\\d+/docs/rules/${finding.ruleId}\\.md$`,
      ),
    );
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(finding.message).not.toMatch(/\{\w+\}/);
    expect(finding.fix).not.toMatch(/\{\w+\}/);
  }
}
