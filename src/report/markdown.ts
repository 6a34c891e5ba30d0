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
import { scopeLabeler } from "./scope.js";

const HEADINGS: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Info" };
const ORDER: readonly Severity[] = ["error", "warning", "info"];

/** GitHub's limit on the body of a comment, in characters, which the report stays within. */
export const MAX_MARKDOWN_CHARACTERS = 65_536;

/** A part of the report, with what the reader loses when it is left out. */
interface Part {
  /** Renders the part's text. Only the parts before the limit are rendered. */
  text: () => string;
  findings?: number;
  diagram?: boolean;
  /** The description of the part in the note, for a part of neither findings nor a diagram. */
  contents?: string;
}

/**
 * Formats a run as GitHub-flavoured Markdown. A report over MAX_MARKDOWN_CHARACTERS loses parts
 * from its end, diagrams first, and ends with a line counting what was left out.
 */
export function formatMarkdown(result: RunResult): string {
  const visible = result.findings.filter((finding) => !finding.suppressed);
  const parts: Part[] = [
    { text: () => "## vpc-lint" },
    { text: () => summaryTable(result) },
    ...ORDER.flatMap((severity) => severitySection(severity, visible, result)),
    ...problemsSection(result),
    ...suppressedSection(result.findings.filter((finding) => finding.suppressed)),
    ...vpcDiagrams(result).map((text) => ({ text, diagram: true })),
  ];
  return `${fit(parts).join("\n\n")}\n`;
}

/**
 * Returns the texts of the parts, less those at the end that take the report over the limit.
 * A large network has thousands of parts. So parts are rendered from the start only until their
 * text passes the limit, because no later part can be kept then.
 */
function fit(parts: Part[]): string[] {
  const texts: string[] = [];
  // lengths[k] is the length of the first k parts joined by blank lines, with the final newline.
  const lengths = [0];
  for (const part of parts) {
    const text = part.text();
    texts.push(text);
    lengths.push((lengths.at(-1) as number) + text.length + (texts.length === 1 ? 1 : 2));
    // The heading and the summary table always stay, so both are rendered.
    if ((lengths.at(-1) as number) > MAX_MARKDOWN_CHARACTERS && texts.length >= 2) break;
  }
  if (texts.length === parts.length && (lengths.at(-1) as number) <= MAX_MARKDOWN_CHARACTERS) {
    return texts;
  }
  let keptParts = parts.length;
  let findings = 0;
  let diagrams = 0;
  const other = new Set<string>();
  let note = "";
  while (keptParts > 2) {
    const part = parts[keptParts - 1] as Part;
    keptParts -= 1;
    findings += part.findings ?? 0;
    if (part.diagram) diagrams += 1;
    else if (part.contents) other.add(part.contents);
    note = leftOutNote(findings, diagrams, other);
    // The first parts that were not rendered already pass the limit on their own.
    const length = lengths[keptParts];
    if (length !== undefined && length + 2 + note.length <= MAX_MARKDOWN_CHARACTERS) break;
  }
  return [...texts.slice(0, keptParts), note].filter(Boolean);
}

function leftOutNote(findings: number, diagrams: number, other: ReadonlySet<string>): string {
  const items = [
    findings > 0 ? `${findings} ${findings === 1 ? "finding" : "findings"}` : "",
    diagrams > 0 ? `${diagrams} ${diagrams === 1 ? "VPC diagram" : "VPC diagrams"}` : "",
    ...other,
  ].filter(Boolean);
  return (
    "_Left out to keep the report within 65,536 characters, GitHub's limit for a comment: " +
    `${items.join(", ")}. The JSON and SARIF reports list every finding._`
  );
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

/** Returns one part per resource, the first of which carries the section's heading. */
function severitySection(severity: Severity, findings: Finding[], result: RunResult): Part[] {
  const matching = findings.filter((finding) => finding.severity === severity);
  if (matching.length === 0) return [];
  // Accounts that share a VPC through AWS RAM see the same ids, so the scope is part of the key.
  const scopeOf = scopeLabeler(result.source);
  const byResource = groupBy(matching, ({ resource }) =>
    [resource.accountId, resource.region, resource.type, resource.id].join("\u0000"),
  );
  const parts: Part[] = [...byResource].map(([, group]) => ({
    text: () => resourceBlock(group, result.logicalNames, scopeOf),
    findings: group.length,
  }));
  const first = parts[0] as Part;
  const block = first.text;
  first.text = () => `### ${HEADINGS[severity]} (${matching.length})\n\n${block()}`;
  return parts;
}

function resourceBlock(
  findings: Finding[],
  logicalNames: RunResult["logicalNames"],
  scopeOf: ReturnType<typeof scopeLabeler>,
): string {
  const resource = (findings[0] as Finding).resource;
  const key = `${resource.type} ${resource.id}`;
  const name = resource.name ? ` (${markdownText(resource.name)})` : "";
  // The placeholder id appears in neither the template nor the plan, so name the logical id.
  const logicalName = logicalNames.get(resource.id);
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
  const scope = markdownText(scopeOf(resource));
  return [`#### ${markdownCode(key)}${name}${origin}${where}${scope}`, "", ...items].join("\n");
}

/** Returns the checks that did not run and the warnings as one part, under its heading. */
function problemsSection(result: RunResult): Part[] {
  const scopeOf = scopeLabeler(result.source);
  const lines = [
    ...result.executionErrors.map(
      (e) =>
        `- Rule ${markdownCode(e.ruleId)} failed to run${markdownText(scopeOf(e))}: ` +
        markdownText(e.message),
    ),
    ...result.skipped.map((skip) => {
      const where = skip.resourceIds ? ` for ${markdownText(skip.resourceIds.join(", "))}` : "";
      const rule = markdownCode(skip.ruleId);
      const scope = markdownText(scopeOf(skip));
      return `- Rule ${rule} did not run${where}${scope}: ${markdownText(skip.reason)}`;
    }),
    ...result.warnings.map((warning) => `- ${markdownText(warning)}`),
  ];
  if (lines.length === 0) return [];
  return [
    {
      text: () => `### Checks that did not run and configuration warnings\n\n${lines.join("\n")}`,
      contents: "the checks that did not run and the warnings",
    },
  ];
}

function suppressedSection(findings: Finding[]): Part[] {
  if (findings.length === 0) return [];
  const lines = findings.map((finding) => {
    const reason = finding.suppression?.reason ?? "";
    const subject = `${markdownCode(finding.ruleId)} on ${markdownCode(finding.resource.id)}`;
    return `- ${subject}: ${markdownText(reason)}`;
  });
  return [
    {
      contents: "the suppressed findings",
      text: () =>
        `<details><summary>Suppressed findings (${findings.length})</summary>\n\n${lines.join("\n")}\n\n</details>`,
    },
  ];
}
