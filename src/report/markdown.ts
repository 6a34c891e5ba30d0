/**
 * The Markdown report, for a pull-request comment or `$GITHUB_STEP_SUMMARY`: a summary table,
 * the findings by severity and resource, and a Mermaid diagram of each VPC.
 */
import type { Finding, Severity } from "../engine/types.js";
import { docsUrl } from "../engine/docs.js";
import type { RunResult } from "../run.js";
import { vpcDiagrams } from "./mermaid.js";
import { groupBy } from "../index/util.js";
import { markdownCode, markdownText } from "./escape.js";

const HEADINGS: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Info" };
const ORDER: readonly Severity[] = ["error", "warning", "info"];

/** Formats a run as GitHub-flavoured Markdown. */
export function formatMarkdown(result: RunResult): string {
  const visible = result.findings.filter((finding) => !finding.suppressed);
  const sections = [
    "## vpc-lint",
    summaryTable(result),
    ...ORDER.flatMap((severity) => severitySection(severity, visible, result.locations)),
    ...problemsSection(result),
    ...suppressedSection(result.findings.filter((finding) => finding.suppressed)),
    ...vpcDiagrams(result),
  ];
  return `${sections.join("\n\n")}\n`;
}

function summaryTable(result: RunResult): string {
  const { summary } = result;
  const vpcs = new Set(result.source.flatMap((scope) => scope.vpcIds)).size;
  const rows: [string, string | number][] = [
    ["VPCs", vpcs],
    ["Errors", summary.error],
    ["Warnings", summary.warning],
    ["Info", summary.info],
    ["Skipped checks", summary.skipped],
    ["Suppressed", summary.suppressed ?? 0],
  ];
  if (summary.unchanged !== undefined) rows.push(["In the baseline", summary.unchanged]);
  const scopes = result.source.map(
    (s) => `${s.accountId ?? "unknown account"} ${s.region ?? "unknown region"}`,
  );
  const lines = [
    "| | count |",
    "|---|---:|",
    ...rows.map(([label, count]) => `| ${label} | ${count} |`),
  ];
  return [`Scanned ${markdownText(scopes.join(", ") || "no snapshot")}.`, "", ...lines].join("\n");
}

function severitySection(
  severity: Severity,
  findings: Finding[],
  locations: RunResult["locations"],
): string[] {
  const matching = findings.filter((finding) => finding.severity === severity);
  if (matching.length === 0) return [];
  const byResource = groupBy(
    matching,
    (finding) => `${finding.resource.type} ${finding.resource.id}`,
  );
  const blocks = [...byResource].map(([key, group]) => resourceBlock(key, group, locations));
  return [`### ${HEADINGS[severity]} (${matching.length})`, ...blocks];
}

function resourceBlock(
  key: string,
  findings: Finding[],
  locations: RunResult["locations"],
): string {
  const resource = (findings[0] as Finding).resource;
  const name = resource.name ? ` (${markdownText(resource.name)})` : "";
  // The placeholder id appears in neither the template nor the plan, so name the logical id.
  const logicalName = locations.get(resource.id)?.logicalName;
  const origin = logicalName ? `, from ${markdownCode(logicalName)}` : "";
  const where =
    resource.vpcId && resource.vpcId !== resource.id ? ` in ${markdownText(resource.vpcId)}` : "";
  const items = findings.map((finding) => {
    const baseline = finding.baselineState === "unchanged" ? " _(in the baseline)_" : "";
    return [
      `- **${markdownText(finding.message)}**${baseline}`,
      `  Fix: ${markdownText(finding.fix)}`,
      `  [${markdownCode(finding.ruleId)}](${docsUrl(finding.ruleId)})`,
    ].join("<br>\n");
  });
  return [`#### ${markdownCode(key)}${name}${origin}${where}`, "", ...items].join("\n");
}

function problemsSection(result: RunResult): string[] {
  const lines = [
    ...result.executionErrors.map(
      (e) => `- Rule ${markdownCode(e.ruleId)} failed to run: ${markdownText(e.message)}`,
    ),
    ...result.skipped.map((skip) => {
      const where = skip.resourceIds ? ` for ${markdownText(skip.resourceIds.join(", "))}` : "";
      const rule = markdownCode(skip.ruleId);
      return `- Rule ${rule} did not run${where}: ${markdownText(skip.reason)}`;
    }),
    ...result.warnings.map((warning) => `- ${markdownText(warning)}`),
  ];
  if (lines.length === 0) return [];
  return ["### Checks that did not run and configuration warnings", lines.join("\n")];
}

function suppressedSection(findings: Finding[]): string[] {
  if (findings.length === 0) return [];
  const lines = findings.map((finding) => {
    const reason = finding.suppression?.reason ?? "";
    const subject = `${markdownCode(finding.ruleId)} on ${markdownCode(finding.resource.id)}`;
    return `- ${subject}: ${markdownText(reason)}`;
  });
  return [
    `<details><summary>Suppressed findings (${findings.length})</summary>\n\n${lines.join("\n")}\n\n</details>`,
  ];
}
