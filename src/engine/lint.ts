/** Runs the rules over a snapshot and turns their reports into sorted, fingerprinted findings. */
import { hash } from "node:crypto";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { docsUrl } from "./docs.js";
import type {
  Finding,
  LintSettings,
  MessageData,
  Report,
  Requirement,
  Rule,
  RuleContext,
  Severity,
} from "./types.js";

/** A rule that did not run, or resources it could not judge, and why. */
export interface SkippedCheck {
  ruleId: string;
  reason: string;
  /** Set when the rule ran but could not judge these resources. */
  resourceIds?: string[];
}

/** A rule that threw; reported, never counted as a pass. */
export interface ExecutionError {
  ruleId: string;
  message: string;
}

export interface LintResult {
  findings: Finding[];
  skipped: SkippedCheck[];
  executionErrors: ExecutionError[];
}

export interface LintOptions {
  rules: readonly Rule[];
  settings: LintSettings;
  /** Per-rule severity overrides; `off` disables the rule. */
  severities?: ReadonlyMap<string, Severity | "off">;
}

/** Lints one indexed snapshot: one account and one region. */
export function lintSnapshot(index: SnapshotIndex, options: LintOptions): LintResult {
  const result: LintResult = { findings: [], skipped: [], executionErrors: [] };

  for (const rule of options.rules) {
    const override = options.severities?.get(rule.id);
    if (override === "off") continue;
    const missing = missingRequirement(rule.requires, index);
    if (missing) {
      result.skipped.push({ ruleId: rule.id, reason: missing });
      continue;
    }
    runRule(rule, index, options, override, result);
  }
  result.findings.sort(compareFindings);
  result.skipped.sort((a, b) => compareText(a.ruleId, b.ruleId));
  return result;
}

function runRule(
  rule: Rule,
  index: SnapshotIndex,
  options: LintOptions,
  override: Severity | undefined,
  result: LintResult,
): void {
  const unknown = new Map<string, Set<string>>();
  const findings: Finding[] = [];
  const context: RuleContext = {
    index,
    settings: options.settings,
    rules: options.rules,
    enabled: (ruleId) => options.severities?.get(ruleId) !== "off",
    report: (report) => findings.push(toFinding(rule, report, override)),
    unknown: (resourceId, reason) => {
      const ids = unknown.get(reason);
      if (ids) ids.add(resourceId);
      else unknown.set(reason, new Set([resourceId]));
    },
  };
  try {
    rule.check(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result.executionErrors.push({ ruleId: rule.id, message });
    return;
  }
  result.findings.push(...findings);
  for (const [reason, resourceIds] of unknown) {
    result.skipped.push({ ruleId: rule.id, reason, resourceIds: [...resourceIds].sort() });
  }
}

function toFinding(rule: Rule, report: Report<string>, override: Severity | undefined): Finding {
  const template = rule.messages[report.messageId];
  if (!template) throw new Error(`rule ${rule.id} reported unknown message id ${report.messageId}`);
  const resource = report.resource;
  return {
    ruleId: rule.id,
    messageId: report.messageId,
    severity: override ?? template.severity,
    message: render(template.text, report.data),
    data: report.data,
    resource,
    evidence: report.evidence ?? [],
    related: [...new Set(report.related ?? [])],
    fix: render(template.fix, report.data),
    docsUrl: docsUrl(rule.id),
    fingerprint: fingerprint(
      rule.id,
      resource.accountId,
      resource.region,
      resource.id,
      report.discriminator,
    ),
  };
}

/**
 * Hashes what identifies a finding across runs: rule, account, region, resource and the
 * discriminator. Message text, severity and evidence stay out so rewording keeps fingerprints.
 */
export function fingerprint(
  ruleId: string,
  accountId: string | undefined,
  region: string | undefined,
  resourceId: string,
  discriminator: string | undefined,
): string {
  const key = [ruleId, accountId ?? "", region ?? "", resourceId, discriminator ?? ""].join(
    "\u0000",
  );
  // The one-shot hash costs about a third of a Hash object's, and large runs hash every finding.
  return hash("sha256", key, "hex").slice(0, 32);
}

/**
 * The rules' templates split at their placeholders: text, name, text, ..., text. Rules have a
 * fixed set of templates, and a large VPC renders each of them thousands of times.
 */
const TEMPLATE_PARTS = new Map<string, string[]>();

/** Fills `{name}` placeholders; a placeholder without data stays visible rather than vanishing. */
export function render(template: string, data: MessageData): string {
  let parts = TEMPLATE_PARTS.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    TEMPLATE_PARTS.set(template, parts);
  }
  let text = parts[0] as string;
  for (let position = 1; position < parts.length; position += 2) {
    const name = parts[position] as string;
    text += name in data ? String(data[name]) : `{${name}}`;
    text += parts[position + 1] as string;
  }
  return text;
}

/**
 * Returns why a rule cannot run, or undefined when every section it reads is present. The index
 * counts a section whose call failed as absent, and its reason names that call.
 */
export function missingRequirement(
  requires: readonly Requirement[],
  index: SnapshotIndex,
): string | undefined {
  for (const requirement of requires) {
    const options = typeof requirement === "string" ? [requirement] : requirement;
    if (options.some((section) => index.has(section))) continue;
    return index.absent(...options);
  }
  return undefined;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.resource.accountId, b.resource.accountId) ||
    compareText(a.resource.region, b.resource.region) ||
    compareText(a.resource.vpcId, b.resource.vpcId) ||
    compareText(a.resource.type, b.resource.type) ||
    compareText(a.resource.id, b.resource.id) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

/**
 * Compares two strings by UTF-16 code units, the same on every machine. `localeCompare` follows
 * the locale, and Danish collation sorts "aa" after "z".
 */
export function compareText(a: string | undefined, b: string | undefined): number {
  const left = a ?? "";
  const right = b ?? "";
  if (left < right) return -1;
  return left > right ? 1 : 0;
}
