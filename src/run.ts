/** The run both the CLI and the Lambda handler share: lint snapshots, then summarise. */
import { lintSnapshot, type ExecutionError, type SkippedCheck } from "./engine/lint.js";
import {
  SEVERITY_RANK,
  type Finding,
  type LintSettings,
  type Rule,
  type Severity,
} from "./engine/types.js";
import { SnapshotIndex, type InputOrigin } from "./index/snapshot-index.js";
import { analyse, computedAnalysis } from "./reach/analysis.js";
import { toReachability, type ReachabilityEntry } from "./reach/report.js";
import { RULES } from "./rules/index.js";
import { MergedLocations, scopeId } from "./snapshot/locations.js";
import { markBaseline } from "./suppress/baseline.js";
import {
  applySuppressions,
  unusedSuppressionWarnings,
  type SuppressionEntry,
} from "./suppress/suppressions.js";
import { sectionInfo } from "./snapshot/sections.js";
import type { SectionName, Snapshot } from "./snapshot/types.js";
import { TOOL_NAME, TOOL_VERSION } from "./version.js";

/** One linted scope: an account and a region, with the files or the collection it came from. */
export interface ScopeSource {
  accountId?: string;
  region?: string;
  vpcIds: string[];
  collectedAt?: string;
  files?: string[];
}

export interface ScopedSkip extends SkippedCheck {
  accountId?: string;
  region?: string;
}

export interface ScopedExecutionError extends ExecutionError {
  accountId?: string;
  region?: string;
}

export interface RunResult {
  tool: { name: string; version: string };
  source: ScopeSource[];
  rules: readonly Rule[];
  findings: Finding[];
  skipped: ScopedSkip[];
  executionErrors: ScopedExecutionError[];
  summary: Summary;
  /**
   * For each IPv6-dependent subnet and service: the verdict and the hops of the path. Built when
   * first called, since only the JSON report prints it. By default these are the required paths,
   * clean ones without hops, as the JSON report prints them. `everyPath` gives every path in full.
   */
  reachability: (options?: { everyPath?: boolean }) => ReachabilityEntry[];
  /** The linted snapshots, in the order of `source`, for reports that draw the network. */
  snapshots: Snapshot[];
  /**
   * The file and line of each resource id, for inputs that were files. An id found in several
   * inputs points at the first; locationsOf picks the input of a resource's account and Region.
   */
  locations: ReadonlyMap<string, SourceLocation>;
  /** The locations of each input, by the scopeId of its account and Region. */
  scopedLocations: ReadonlyMap<string, ReadonlyMap<string, SourceLocation>>;
  /**
   * The name a template or plan gives each resource it builds: a logical id or an address. Only
   * those inputs name resources, so reports that print names alone never scan a snapshot file
   * for the lines in `locations`.
   */
  logicalNames: ReadonlyMap<string, string>;
  /**
   * The inputs' load warnings, assumptions about missing sections and suppressions that did not
   * apply, such as expired ones, for standard error and reports.
   */
  warnings: string[];
  /** Per-rule severity overrides the run used; `off` marks a disabled rule. */
  severities: ReadonlyMap<string, Severity | "off">;
}

/** Counts of findings; `error`, `warning`, `info` and `total` leave suppressed findings out. */
export interface Summary {
  error: number;
  warning: number;
  info: number;
  total: number;
  skipped: number;
  suppressed?: number;
  /** Findings found in the baseline, set when a baseline was given. */
  unchanged?: number;
}

/** Where a resource is defined in an input file, for reports that point at files (SARIF). */
export interface SourceLocation {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  line: number;
  /** The name the input gives the resource: a template's logical id or a plan's address. */
  logicalName?: string;
}

export interface SnapshotInput {
  snapshot: Snapshot;
  /** Set for a snapshot built from a template or plan, so messages do not call sections uncollected. */
  origin?: InputOrigin;
  files?: string[];
  /** Locations of resources by resource id, when the input was a file that has them. */
  locations?: ReadonlyMap<string, SourceLocation>;
  /** Warnings from reading the input, such as copies of a resource that differ. */
  warnings?: readonly string[];
}

export interface RunOptions {
  settings: LintSettings;
  rules?: readonly Rule[];
  severities?: ReadonlyMap<string, Severity | "off">;
  suppressions?: readonly SuppressionEntry[];
  /** Fingerprints of accepted findings; only findings not in it fail the run. */
  baseline?: ReadonlySet<string>;
  /**
   * Set when a report lists every path, as the JSON report does with `--every-path`, so that the
   * analysis traces the paths subnets do not require together with the required ones.
   */
  everyPath?: boolean;
  /** The day suppressions expire against, as YYYY-MM-DD; defaults to today in UTC. */
  today?: string;
}

export const DEFAULT_SETTINGS: LintSettings = { requiredServices: [] };

/** Lints each snapshot on its own and gathers the findings under their account and region. */
export function runLint(inputs: SnapshotInput[], options: RunOptions): RunResult {
  const rules = options.rules ?? RULES;
  const locations = new MergedLocations();
  const scopedLocations = new Map<string, ReadonlyMap<string, SourceLocation>>();
  const logicalNames = new Map<string, string>();
  const reachabilityOf: ((everyPath: boolean) => ReachabilityEntry[])[] = [];
  const result: RunResult = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    source: [],
    rules,
    findings: [],
    skipped: [],
    executionErrors: [],
    summary: { error: 0, warning: 0, info: 0, total: 0, skipped: 0 },
    reachability: () => [],
    snapshots: [],
    locations,
    scopedLocations,
    logicalNames,
    warnings: [],
    severities: options.severities ?? new Map(),
  };
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  for (const input of inputs) {
    const index = new SnapshotIndex(input.snapshot, input.origin);
    if (options.everyPath) analyse(index, options.settings, { everyPath: true });
    const lint = lintSnapshot(index, {
      rules,
      settings: options.settings,
      ...(options.severities ? { severities: options.severities } : {}),
    });
    const scope = scopeOf(input, index);
    const where = {
      ...(scope.accountId && { accountId: scope.accountId }),
      ...(scope.region && { region: scope.region }),
    };
    result.source.push(scope);
    reachabilityOf.push((everyPath) => toReachability(index, options.settings, where, everyPath));
    result.snapshots.push(input.snapshot);
    if (input.locations) {
      locations.add(input.locations);
      scopedLocations.set(scopeId(scope.accountId, scope.region), input.locations);
      // A snapshot file's locations are found by scanning it on first read, and name nothing.
      if (input.origin === "template" || input.origin === "plan") {
        for (const [id, { logicalName }] of input.locations) {
          if (logicalName && !logicalNames.has(id)) logicalNames.set(id, logicalName);
        }
      }
    }
    result.warnings.push(...(input.warnings ?? []));
    result.warnings.push(...assumptionWarnings(index, options.settings));
    const suppressions = options.suppressions ?? [];
    result.warnings.push(...applySuppressions(lint.findings, input.snapshot, suppressions, today));
    result.findings.push(...lint.findings);
    result.skipped.push(...lint.skipped.map((skip) => ({ ...skip, ...where })));
    result.executionErrors.push(...lint.executionErrors.map((error) => ({ ...error, ...where })));
  }
  const reachability = new Map<boolean, ReachabilityEntry[]>();
  result.reachability = ({ everyPath = false } = {}) => {
    let entries = reachability.get(everyPath);
    if (!entries) {
      entries = reachabilityOf.flatMap((build) => build(everyPath));
      reachability.set(everyPath, entries);
    }
    return entries;
  };
  if (options.suppressions?.length) {
    result.warnings.push(...unusedSuppressionWarnings(options.suppressions, result, today));
  }
  if (options.baseline) markBaseline(result.findings, options.baseline);
  result.summary = summarize(result.findings, result.skipped.length);
  return result;
}

/** Marks the findings of a finished run against a baseline and counts them again. */
export function applyBaseline(result: RunResult, fingerprints: ReadonlySet<string>): void {
  markBaseline(result.findings, fingerprints);
  result.summary = summarize(result.findings, result.skipped.length);
}

function summarize(findings: readonly Finding[], skipped: number): Summary {
  const counted = findings.filter((finding) => !finding.suppressed);
  const summary: Summary = { error: 0, warning: 0, info: 0, total: counted.length, skipped };
  for (const finding of counted) summary[finding.severity] += 1;
  summary.suppressed = findings.length - counted.length;
  if (findings.some((finding) => finding.baselineState !== undefined)) {
    summary.unchanged = counted.filter((f) => f.baselineState === "unchanged").length;
  }
  return summary;
}

/**
 * Returns the locations of the input that contains a resource, found by the resource's account and
 * Region. Accounts that share a VPC through AWS RAM see the same resource ids, so a lookup in
 * `result.locations` alone could point at another account's file.
 */
export function locationsOf(
  result: Pick<RunResult, "locations" | "scopedLocations">,
  resource: { accountId?: string; region?: string },
): ReadonlyMap<string, SourceLocation> {
  if (result.scopedLocations.size === 0) return result.locations;
  const scoped = result.scopedLocations.get(scopeId(resource.accountId, resource.region));
  return scoped ?? new Map<string, SourceLocation>();
}

/** Tells whether a finding can fail the run: neither suppressed nor in the baseline. */
export function isGating(finding: Finding): boolean {
  return !finding.suppressed && finding.baselineState !== "unchanged";
}

function scopeOf(input: SnapshotInput, index: SnapshotIndex): ScopeSource {
  // Source.VpcIds names what a collection asked for. Files merged with it, such as AWS CLI
  // outputs, may add other VPCs, which the sections name.
  const vpcIds = new Set([...(input.snapshot.Source?.VpcIds ?? []), ...index.vpcIds()]);
  const scope: ScopeSource = { vpcIds: [...vpcIds].sort() };
  if (index.accountId) scope.accountId = index.accountId;
  if (index.region) scope.region = index.region;
  if (input.snapshot.Source?.CollectedAt) scope.collectedAt = input.snapshot.Source.CollectedAt;
  if (input.files) scope.files = input.files;
  return scope;
}

export type FailOn = Severity | "never";

/**
 * Maps a result to the exit code: 2 when a rule threw, 1 when a finding reaches the threshold or
 * (with requireComplete) a check was skipped, else 0.
 */
export function exitCodeOf(result: RunResult, failOn: FailOn, requireComplete: boolean): number {
  if (result.executionErrors.length > 0) return 2;
  if (requireComplete && result.skipped.length > 0) return 1;
  if (failOn === "never") return 0;
  const threshold = SEVERITY_RANK[failOn];
  const failing = result.findings.filter(isGating);
  return failing.some((finding) => SEVERITY_RANK[finding.severity] >= threshold) ? 1 : 0;
}

/**
 * Warns about the sections the path checks read but the snapshot lacks, naming the
 * assumption they made. The snapshot-incomplete rule reports a section whose collection failed.
 */
function assumptionWarnings(index: SnapshotIndex, settings: LintSettings): string[] {
  const assumed = computedAnalysis(index, settings)?.assumed ?? new Set<SectionName>();
  // Sections with one fallback, such as the two Resolver rule sections, share a warning.
  const byFallback = new Map<string, SectionName[]>();
  for (const section of [...assumed].sort()) {
    if (index.failure(section) !== undefined) continue;
    const fallback = sectionInfo(section).fallback ?? "that it is empty";
    byFallback.set(fallback, [...(byFallback.get(fallback) ?? []), section]);
  }
  const scope = [index.accountId, index.region].filter(Boolean).join(", ");
  return [...byFallback].map(([fallback, sections]) => {
    const names = sections.join(" and ");
    const verb = sections.length > 1 ? "are" : "is";
    const where = scope ? ` for ${scope}` : "";
    return `${names} ${verb} not in the snapshot${where}, so the path checks assumed ${fallback}`;
  });
}
