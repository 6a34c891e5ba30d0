/** The terminal report: findings grouped by VPC and resource, then a summary line. */
import { statedValue, type Finding, type Severity } from "../engine/types.js";
import { docsPath } from "../engine/docs.js";
import type { RunResult, ScopedSkip, ScopeSource } from "../run.js";
import { printable, printableJson } from "./escape.js";
import { scopeLabeler } from "./scope.js";

export interface TextOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
type Style = keyof typeof CODES;

const SEVERITY_STYLE: Record<Severity, Style> = { error: "red", warning: "yellow", info: "cyan" };

/** Formats the findings for standard output. Skipped checks go to standard error separately. */
export function formatText(result: RunResult, options: TextOptions): string {
  const paint = (style: Style, text: string) =>
    options.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  const lines: string[] = [];

  for (const [scope, byVpc] of groupFindings(result.findings)) {
    if (scope) lines.push(paint("bold", printable(scope)), "");
    for (const [vpcId, byResource] of byVpc) {
      lines.push(paint("bold", printable(vpcId)));
      for (const findings of byResource.values()) {
        const resource = (findings[0] as Finding).resource;
        const name = resource.name ? ` (${printable(resource.name)})` : "";
        // The placeholder id appears in neither the template nor the plan, so name the logical id.
        const logicalName = result.logicalNames.get(resource.id);
        const origin = logicalName ? `, from ${printable(logicalName)}` : "";
        lines.push(`  ${printable(resource.type)} ${printable(resource.id)}${name}${origin}`);
        for (const finding of findings) lines.push(...formatFinding(finding, paint));
      }
      lines.push("");
    }
  }
  const scopeOf = scopeLabeler(result.source);
  for (const error of result.executionErrors) {
    const message = printable(error.message);
    const scope = printable(scopeOf(error));
    lines.push(paint("red", `rule ${printable(error.ruleId)} failed to run${scope}: ${message}`));
  }
  lines.push(summaryLine(result, paint));
  return `${lines.join("\n")}\n`;
}

function formatFinding(finding: Finding, paint: (style: Style, text: string) => string): string[] {
  const label = paint(SEVERITY_STYLE[finding.severity], finding.severity.padEnd(7));
  const rule = paint("dim", printable(finding.ruleId));
  // Against a baseline, the findings that fail the run are the new ones.
  const isNew = finding.baselineState === "new" ? ` ${paint("bold", "(new)")}` : "";
  const lines = [`    ${label} ${printable(finding.message)} ${rule}${isNew}`];
  const indent = " ".repeat(12);
  finding.evidence.forEach((item, position) => {
    const head = position === 0 ? "evidence: " : "          ";
    const subject = `${printable(item.resourceId)} ${printable(item.attribute)}`;
    const stated = printableJson(statedValue(item.value));
    lines.push(`${indent}${paint("dim", head)}${subject}${stated}`);
  });
  lines.push(`${indent}${paint("dim", "fix:")} ${printable(finding.fix)}`);
  lines.push(`${indent}${paint("dim", "docs:")} ${docsPath(finding.ruleId)}`);
  return lines;
}

function summaryLine(result: RunResult, paint: (style: Style, text: string) => string): string {
  const { error, warning, info } = result.summary;
  const counts = `${plural(error, "error")}, ${plural(warning, "warning")}, ${info} info`;
  const skipped = result.skipped.length
    ? `; ${plural(result.skipped.length, "check")} skipped`
    : "";
  const { unchanged, suppressed = 0, total } = result.summary;
  const baseline =
    unchanged === undefined ? "" : `; ${total - unchanged} new, ${unchanged} in the baseline`;
  const hidden = suppressed > 0 ? `; ${suppressed} suppressed` : "";
  const vpcs = new Set(result.source.flatMap((scope) => scope.vpcIds)).size;
  let style: Style = "bold";
  if (warning > 0) style = "yellow";
  if (error > 0) style = "red";
  return paint(style, `${counts} in ${plural(vpcs, "VPC")}${baseline}${hidden}${skipped}`);
}

/** Formats skipped checks for standard error, so a skipped check is not read as a pass. */
export function formatSkipped(skipped: ScopedSkip[], sources: readonly ScopeSource[] = []): string {
  if (skipped.length === 0) return "";
  // One gap, such as a missing prefix list, often stops several rules for the same resources,
  // so rules with the same reason and resources share a line.
  const groups = new Map<string, { ruleIds: string[]; skip: ScopedSkip }>();
  for (const skip of skipped) {
    const key = [skip.accountId, skip.region, skip.resourceIds?.join(","), skip.reason].join(
      "\u0000",
    );
    const group = groups.get(key);
    if (group) group.ruleIds.push(skip.ruleId);
    else groups.set(key, { ruleIds: [skip.ruleId], skip });
  }
  const scopeOf = scopeLabeler(sources);
  const lines = ["Checks that did not run, so they did not pass either:"];
  for (const { ruleIds, skip } of groups.values()) {
    const where = skip.resourceIds ? ` for ${printable(skip.resourceIds.join(", "))}` : "";
    const scope = printable(scopeOf(skip));
    lines.push(`  ${printable(ruleIds.join(", "))}${where}${scope}: ${printable(skip.reason)}`);
  }
  return `${lines.join("\n")}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Groups findings by account and region, then VPC, then resource, keeping their sorted order. */
function groupFindings(findings: Finding[]): Map<string, Map<string, Map<string, Finding[]>>> {
  const groups = new Map<string, Map<string, Map<string, Finding[]>>>();
  for (const finding of findings) {
    const { accountId, region, vpcId, type, id } = finding.resource;
    const scope = [accountId && `account ${accountId}`, region].filter(Boolean).join(", ");
    const byVpc = groups.get(scope) ?? new Map<string, Map<string, Finding[]>>();
    groups.set(scope, byVpc);
    const vpcKey = vpcId ?? "account and Region";
    const byResource = byVpc.get(vpcKey) ?? new Map<string, Finding[]>();
    byVpc.set(vpcKey, byResource);
    const resourceKey = `${type}/${id}`;
    const list = byResource.get(resourceKey);
    if (list) list.push(finding);
    else byResource.set(resourceKey, [finding]);
  }
  return groups;
}
