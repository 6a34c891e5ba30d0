/** SARIF reporting descriptors for the rules: what code scanning shows on an alert's rule page. */
import { docsUrl } from "../engine/docs.js";
import type { Rule, Severity } from "../engine/types.js";

export type SarifLevel = "error" | "warning" | "note";

export const SARIF_LEVEL: Record<Severity, SarifLevel> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/**
 * Scores for `properties["security-severity"]`, which GitHub code scanning groups in the CVSS
 * bands (7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low). GitHub reads the score only on
 * rules tagged `security`, which no vpc-lint rule is yet.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  error: "8.0",
  warning: "5.0",
  info: "2.0",
};

/** Builds the `reportingDescriptor` of a rule at its configured severity. */
export function ruleDescriptor(rule: Rule, severity: Severity): Record<string, unknown> {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    helpUri: docsUrl(rule.id),
    defaultConfiguration: { enabled: true, level: SARIF_LEVEL[severity] },
    properties: {
      tags: [...rule.tags],
      precision: "high",
      "problem.severity": SARIF_LEVEL[severity] === "note" ? "recommendation" : severity,
      "security-severity": SECURITY_SEVERITY[severity],
    },
  };
}

function helpText(rule: Rule): string {
  const fixes = fixesOf(rule).map((fix) => `- ${fix}`);
  const references = rule.references.map((reference) => `- ${reference.title}: ${reference.url}`);
  return [
    rule.description,
    "",
    "How to fix:",
    ...fixes,
    ...(references.length ? ["", "References:", ...references] : []),
    "",
    `Documentation: ${docsUrl(rule.id)}`,
  ].join("\n");
}

function helpMarkdown(rule: Rule): string {
  const fixes = fixesOf(rule).map((fix) => `- ${escapeMarkdown(fix)}`);
  const references = rule.references.map(
    (reference) => `- [${escapeMarkdown(reference.title)}](${reference.url})`,
  );
  return [
    escapeMarkdown(rule.description),
    "",
    "**How to fix**",
    "",
    ...fixes,
    ...(references.length ? ["", "**References**", "", ...references] : []),
    "",
    `[Rule documentation](${docsUrl(rule.id)})`,
  ].join("\n");
}

/** Returns the distinct fix templates, placeholders shown as `<name>` since no finding fills them. */
function fixesOf(rule: Rule): string[] {
  const templates = Object.values(rule.messages).map((message) => message.fix);
  return [...new Set(templates)].map((fix) => fix.replace(/\{(\w+)\}/g, "<$1>"));
}

/** Escapes the characters that Markdown or its inline HTML would interpret in plain text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|])/g, "\\$1");
}

function pascalCase(id: string): string {
  return id
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
