/**
 * Baselines: the fingerprints of findings a team has accepted for now. With a baseline, only
 * findings whose fingerprint is not in it fail the run.
 */
import { compareText } from "../engine/lint.js";
import type { Finding } from "../engine/types.js";
import { InputError } from "../errors.js";
import { readText } from "../io.js";
import type { RunResult } from "../run.js";
import { forEachResource } from "../snapshot/sections.js";
import { UNSUPPRESSIBLE_RULES } from "./suppressions.js";

export const BASELINE_VERSION = 1;

/** One accepted finding; rule and resource are there for the people who review the file. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  resourceId: string;
  /**
   * The account and Region of the run that found it, when known. Files written before they were
   * added lack them.
   */
  accountId?: string;
  region?: string;
}

export interface BaselineFile {
  baselineVersion: number;
  findings: BaselineEntry[];
}

/** A baseline file as read: its fingerprints, and its entries that name their rule and resource. */
export interface Baseline {
  fingerprints: Set<string>;
  entries: BaselineEntry[];
}

const FINGERPRINT = /^[0-9a-f]{32}$/;

/**
 * Formats the baseline of a run: every finding except suppressed and unsuppressible ones, in an
 * order that does not depend on the locale of the machine that writes it.
 */
export function formatBaseline(findings: readonly Finding[]): string {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    if (finding.suppressed || UNSUPPRESSIBLE_RULES.has(finding.ruleId)) continue;
    const { fingerprint, ruleId, resource } = finding;
    entries.set(fingerprint, {
      fingerprint,
      ruleId,
      resourceId: resource.id,
      ...(resource.accountId !== undefined && { accountId: resource.accountId }),
      ...(resource.region !== undefined && { region: resource.region }),
    });
  }
  const sorted = [...entries.values()].sort(
    (a, b) =>
      compareText(a.ruleId, b.ruleId) ||
      compareText(a.resourceId, b.resourceId) ||
      compareText(a.fingerprint, b.fingerprint),
  );
  const file: BaselineFile = { baselineVersion: BASELINE_VERSION, findings: sorted };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads a baseline file; a malformed file is an InputError. */
export async function readBaseline(path: string): Promise<Baseline> {
  return parseBaseline(path, await readText(path, "--baseline"));
}

/** Parses the text of a baseline file written by `--write-baseline`. */
export function parseBaseline(path: string, text: string): Baseline {
  if (text.trim() === "") {
    throw new InputError(
      `${path}: the baseline is empty; write one with --write-baseline ${path}, which lists ` +
        "the findings to accept, or an empty list when there are none",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: the baseline is not valid JSON (${(error as Error).message})`);
  }
  const file = value as Partial<BaselineFile> | null;
  if (file?.baselineVersion !== BASELINE_VERSION || !Array.isArray(file.findings)) {
    throw new InputError(
      `${path}: not a vpc-lint baseline; expected an object with "baselineVersion": ` +
        `${BASELINE_VERSION} and a "findings" list. Write one with --write-baseline ${path}`,
    );
  }
  const fingerprints = new Set<string>();
  const entries: BaselineEntry[] = [];
  file.findings.forEach((entry, position) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new InputError(
        `${path}: /findings/${position} is ${JSON.stringify(entry)}, expected an object with a ` +
          "fingerprint as --write-baseline writes them",
      );
    }
    const { fingerprint, ruleId, resourceId, accountId, region } = entry as Partial<BaselineEntry>;
    if (fingerprint === undefined) {
      throw new InputError(
        `${path}: /findings/${position} has no fingerprint, which --write-baseline writes for ` +
          "every finding",
      );
    }
    if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) {
      throw new InputError(
        `${path}: /findings/${position}/fingerprint is ${JSON.stringify(fingerprint)}, ` +
          "expected 32 lowercase hexadecimal digits as --write-baseline writes them",
      );
    }
    fingerprints.add(fingerprint);
    // Rule and resource only inform readers, so an entry without them still counts.
    if (typeof ruleId === "string" && typeof resourceId === "string") {
      entries.push({
        fingerprint,
        ruleId,
        resourceId,
        ...(typeof accountId === "string" && { accountId }),
        ...(typeof region === "string" && { region }),
      });
    }
  });
  return { fingerprints, entries };
}

/**
 * Returns the baseline entries that no finding of the run matches although the run judged their
 * resource with their rule, so the findings they accepted were fixed. An entry counts only when
 * the run linted the account and Region it names, that scope's snapshot has its resource, and its
 * rule ran, threw nothing and skipped no check. Resource ids alone do not tell scopes apart,
 * because a VPC shared through AWS RAM puts the same subnet ids in several accounts' snapshots.
 */
export function staleEntries(baseline: Baseline, result: RunResult): BaselineEntry[] {
  const found = new Set(result.findings.map((finding) => finding.fingerprint));
  const unsure = new Set([
    ...result.skipped.map((skip) => skip.ruleId),
    ...result.executionErrors.map((error) => error.ruleId),
    ...[...result.severities].flatMap(([ruleId, level]) => (level === "off" ? [ruleId] : [])),
  ]);
  const judged = new Set(result.rules.map((rule) => rule.id).filter((id) => !unsure.has(id)));
  const candidates = baseline.entries.filter(
    (entry) => !found.has(entry.fingerprint) && judged.has(entry.ruleId),
  );
  if (candidates.length === 0) return [];
  const stale = new Set<BaselineEntry>();
  result.snapshots.forEach((snapshot, position) => {
    const scope = result.source[position];
    const inScope = candidates.filter(
      (entry) => entry.accountId === scope?.accountId && entry.region === scope?.region,
    );
    if (inScope.length === 0) return;
    const sought = new Set(inScope.map((entry) => entry.resourceId));
    const present = new Set<string>();
    forEachResource(snapshot, (id) => {
      if (sought.has(id)) present.add(id);
    });
    for (const entry of inScope) if (present.has(entry.resourceId)) stale.add(entry);
  });
  return candidates.filter((entry) => stale.has(entry));
}

/** Returns the warning that lists stale baseline entries, or undefined when there are none. */
export function staleBaselineWarning(
  path: string,
  stale: readonly BaselineEntry[],
): string | undefined {
  if (stale.length === 0) return undefined;
  // Entries of one rule and resource differ in a detail the file does not show, such as the
  // service, so they are named once with their number.
  const counts = new Map<string, number>();
  for (const entry of stale) {
    const label = `${entry.ruleId} on ${entry.resourceId}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const labels = [...counts].map(([label, count]) =>
    count === 1 ? label : `${label} (${count} entries)`,
  );
  const listed = labels.slice(0, 5);
  const more = labels.length > listed.length ? ` and ${labels.length - listed.length} more` : "";
  const single = stale.length === 1;
  const checked = single
    ? "1 entry matches no finding, although this run checked the resource with the rule, so the " +
      "finding was fixed"
    : `${stale.length} entries match no finding, although this run checked their resources with ` +
      "their rules, so those findings were fixed";
  return (
    `${path}: ${checked}: ${listed.join(", ")}${more}; write the baseline again with ` +
    `--write-baseline ${path} so it accepts no more than it must`
  );
}

/**
 * Sets `baselineState` on each finding: `unchanged` when its fingerprint is in the baseline,
 * else `new`. Findings of unsuppressible rules are always `new`.
 */
export function markBaseline(findings: Finding[], fingerprints: ReadonlySet<string>): void {
  for (const finding of findings) {
    const known =
      fingerprints.has(finding.fingerprint) && !UNSUPPRESSIBLE_RULES.has(finding.ruleId);
    finding.baselineState = known ? "unchanged" : "new";
  }
}
