/** Checks a SARIF log against the official 2.1.0 schema and GitHub code scanning's upload rules. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { ROOT } from "./helpers.js";

const Ajv04 = Ajv04Module as unknown as typeof Ajv04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const schema = JSON.parse(
  readFileSync(join(ROOT, "vendor", "sarif", "sarif-schema-2.1.0.json"), "utf8"),
) as object;
const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Returns the schema errors of a SARIF log as `path: message` lines; none when it is valid. */
export function schemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || "/"}: ${error.message ?? ""}`,
  );
}

type Json = Record<string, any>;

/**
 * Returns the breaches of GitHub's upload rules: each result needs a physical location, and no
 * artifact URI may be empty, have a scheme such as `arn:` or `https:`, or contain a space.
 */
export function githubProblems(log: Json): string[] {
  const problems: string[] = [];
  for (const [runIndex, run] of (log.runs as Json[]).entries()) {
    const rules = (run.tool.driver.rules ?? []) as Json[];
    for (const [resultIndex, result] of ((run.results ?? []) as Json[]).entries()) {
      const where = `runs[${runIndex}].results[${resultIndex}]`;
      const primary = result.locations?.[0]?.physicalLocation;
      if (!primary) problems.push(`${where} has no physical location`);
      if (rules[result.ruleIndex]?.id !== result.ruleId) {
        problems.push(`${where} ruleIndex ${result.ruleIndex} does not point at ${result.ruleId}`);
      }
      for (const uri of artifactUris(result)) {
        const problem = uriProblem(uri);
        if (problem) problems.push(`${where} uri ${JSON.stringify(uri)} ${problem}`);
      }
    }
  }
  return problems;
}

function uriProblem(uri: unknown): string | undefined {
  if (typeof uri !== "string" || uri === "") return "is empty";
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return "has a scheme";
  if (/\s/.test(uri)) return "contains a space";
  return undefined;
}

/** Collects every artifact URI anywhere inside a result. */
function artifactUris(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(artifactUris);
  if (typeof value !== "object" || value === null) return [];
  const uris: unknown[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === "artifactLocation") uris.push((inner as Json).uri);
    else uris.push(...artifactUris(inner));
  }
  return uris;
}
