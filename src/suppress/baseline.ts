/**
 * Baselines: the fingerprints of findings a team has accepted for now. With a baseline, only
 * findings whose fingerprint is not in it fail the run.
 */
import type { Finding } from "../engine/types.js";
import { InputError } from "../errors.js";
import { readText } from "../io.js";
import { UNSUPPRESSIBLE_RULES } from "./suppressions.js";

export const BASELINE_VERSION = 1;

/** One accepted finding; rule and resource are there for the people who review the file. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  resourceId: string;
}

export interface BaselineFile {
  baselineVersion: number;
  findings: BaselineEntry[];
}

const FINGERPRINT = /^[0-9a-f]{32}$/;

/** Formats the baseline of a run: every finding except suppressed and unsuppressible ones. */
export function formatBaseline(findings: readonly Finding[]): string {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    if (finding.suppressed || UNSUPPRESSIBLE_RULES.has(finding.ruleId)) continue;
    const { fingerprint, ruleId } = finding;
    entries.set(fingerprint, { fingerprint, ruleId, resourceId: finding.resource.id });
  }
  const sorted = [...entries.values()].sort(
    (a, b) =>
      a.ruleId.localeCompare(b.ruleId) ||
      a.resourceId.localeCompare(b.resourceId) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
  const file: BaselineFile = { baselineVersion: BASELINE_VERSION, findings: sorted };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads a baseline file and returns its fingerprints; a malformed file is an InputError. */
export async function readBaseline(path: string): Promise<Set<string>> {
  return parseBaseline(path, await readText(path, "--baseline"));
}

/** Parses the text of a baseline file written by `--write-baseline`. */
export function parseBaseline(path: string, text: string): Set<string> {
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
  file.findings.forEach((entry, position) => {
    const fingerprint = (entry as Partial<BaselineEntry> | null)?.fingerprint;
    if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) {
      throw new InputError(
        `${path}: /findings/${position}/fingerprint is ${JSON.stringify(fingerprint)}, ` +
          "expected 32 lowercase hexadecimal digits as --write-baseline writes them",
      );
    }
    fingerprints.add(fingerprint);
  });
  return fingerprints;
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
