/** The versioned JSON report; `report.schema.json` describes it and tests validate against it. */
import type { RunResult } from "../run.js";

/** Bumped only when a field is removed or changes meaning; new fields keep the version. */
export const REPORT_SCHEMA_VERSION = 1;

export function formatJson(result: RunResult): string {
  const report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: result.tool,
    source: result.source,
    findings: result.findings,
    skipped: result.skipped,
    executionErrors: result.executionErrors,
    summary: result.summary,
    reachability: result.reachability(),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
