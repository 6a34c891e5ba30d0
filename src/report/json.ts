/** The versioned JSON report; `report.schema.json` describes it and tests validate against it. */
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
    reachability: result.reachability({ everyHop: options.everyHop === true }),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
