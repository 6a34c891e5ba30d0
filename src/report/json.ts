/** The versioned JSON report; `report.schema.json` describes it and tests validate against it. */
import type { RunResult } from "../run.js";

/**
 * Bumped only when a field is removed or changes meaning; new fields keep the version. Version 2
 * lists only required paths, and clean ones without hops, unless `everyPath` is set.
 */
export const REPORT_SCHEMA_VERSION = 2;

export interface JsonOptions {
  /** Whether to list every path in full: clean paths' hops, and paths subnets do not require. */
  everyPath?: boolean;
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
    reachability: result.reachability({ everyPath: options.everyPath === true }),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
