/** The versioned JSON report; `report.schema.json` describes it and tests validate against it. */
import type { ReachabilityEntry } from "../reach/report.js";
import type { RunResult } from "../run.js";

/**
 * Bumped only when a field is removed or changes meaning; new fields keep the version. Version 2
 * leaves out the hops of clean reachable paths unless `everyHop` is set.
 */
export const REPORT_SCHEMA_VERSION = 2;

export interface JsonOptions {
  /** List the hops of every path, those of plainly reachable paths included. */
  everyHop?: boolean;
}

export function formatJson(result: RunResult, options: JsonOptions = {}): string {
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: result.tool,
    source: result.source,
    findings: result.findings,
    skipped: result.skipped,
    executionErrors: result.executionErrors,
    summary: result.summary,
    reachability: printedPaths(result.reachability(), options.everyHop === true),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Returns the reachability entries as the report prints them. A reachable path whose every hop is
 * ok keeps its verdict, mode, endpoint and NAT gateway but not its hops. In a network of thousands
 * of subnets those hops outweigh the rest of the report, and `vpc-lint explain` prints any path.
 */
function printedPaths(
  entries: readonly ReachabilityEntry[],
  everyHop: boolean,
): (ReachabilityEntry | Omit<ReachabilityEntry, "hops">)[] {
  if (everyHop) return [...entries];
  return entries.map((entry) => {
    if (entry.verdict !== "reachable" || entry.hops.some((hop) => hop.status !== "ok")) {
      return entry;
    }
    const { hops: _hops, ...summary } = entry;
    return summary;
  });
}
