/**
 * Finds, parses and validates the config file: `--config FILE`, else `VPC_LINT_CONFIG`, else
 * `.vpc-lint.json`, `.vpc-lint.yaml` or `.vpc-lint.yml` in the working directory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isScalar, parseDocument, type YAMLError } from "yaml";
import type { Severity } from "../engine/types.js";
import { InputError } from "../errors.js";
import { readText } from "../io.js";
import type { FailOn } from "../run.js";
import type { SuppressionEntry } from "../suppress/suppressions.js";
import { yamlToValue } from "../yaml-value.js";
import { configErrors } from "./errors.js";
import type { RequiredServices } from "./service-names.js";

export const CONFIG_FILE_NAMES = [".vpc-lint.json", ".vpc-lint.yaml", ".vpc-lint.yml"] as const;

/** The config file after validation, in the shapes the run needs. */
export interface Config {
  file: string;
  severities: Map<string, Severity | "off">;
  ruleOptions: Record<string, Record<string, unknown>>;
  failOn?: FailOn;
  requiredServices: string[];
  requiredServicesByVpc: Record<string, string[]>;
  requiredServicesBySubnetTag: Record<string, string[]>;
  privateOnlyVpcs: string[];
  suppressions: SuppressionEntry[];
}

/** The file as written, after it passed the schema. */
interface RawConfig {
  rules?: Record<
    string,
    Severity | "off" | { severity?: Severity | "off"; options?: Record<string, unknown> }
  >;
  failOn?: FailOn;
  requiredServices?: RequiredServices;
  privateOnlyVpcs?: string[];
  suppressions?: Omit<SuppressionEntry, "origin">[];
}

/** Returns the config file to read, or undefined when there is none. */
export function findConfigFile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  if (flag !== undefined) return flag;
  if (env.VPC_LINT_CONFIG) return env.VPC_LINT_CONFIG;
  const present = CONFIG_FILE_NAMES.filter((name) => existsSync(join(cwd, name)));
  if (present.length > 1) {
    throw new InputError(
      `${present.join(" and ")} are both in ${cwd}; keep one, or pick one with --config FILE`,
    );
  }
  return present[0];
}

/** Reads and validates a config file; every problem becomes an InputError, so exit code 2. */
export async function loadConfig(file: string): Promise<Config> {
  return parseConfig(file, await readText(file, "--config or VPC_LINT_CONFIG"));
}

/**
 * Parses config text: YAML for `.yaml` and `.yml` files, JSON otherwise. A file with no value (empty,
 * blank, or in YAML only comments and a `---` marker) means no settings. Any value, `null`
 * included, must be an object.
 */
export function parseConfig(file: string, text: string): Config {
  const value = /\.ya?ml$/i.test(file) ? parseYaml(file, text) : parseJson(file, text);
  const problems = configErrors(file, value);
  if (problems.length > 0) throw invalidConfig(problems);
  return toConfig(file, value as RawConfig);
}

function parseJson(file: string, text: string): unknown {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  // JSON.parse keeps the last of two equal keys, where the YAML parser rejects them.
  const repeated = repeatedKeys(text).map(
    ({ path, key }) =>
      `${file}: ${path || "/"} has the key ${JSON.stringify(key)} twice; JSON keeps only the ` +
      "last, so remove one",
  );
  if (repeated.length > 0) throw invalidConfig(repeated);
  return value;
}

/** Lists each key that an object of valid JSON text repeats, with the object's JSON pointer. */
export function repeatedKeys(text: string): { path: string; key: string }[] {
  interface Frame {
    path: string;
    keys?: Set<string>;
    /** The key of the value being read in an object, or its position in a list. */
    member: string;
    expectKey: boolean;
  }
  const found: { path: string; key: string }[] = [];
  const stack: Frame[] = [];
  const token = /"(?:[^"\\]|\\.)*"|[{}[\],:]/g;
  for (const [match] of text.matchAll(token)) {
    const frame = stack.at(-1);
    if (match === "{" || match === "[") {
      const path = frame ? `${frame.path}/${pointerToken(frame.member)}` : "";
      const keys = match === "{" ? new Set<string>() : undefined;
      stack.push({ path, ...(keys && { keys }), member: "0", expectKey: match === "{" });
    } else if (match === "}" || match === "]") {
      stack.pop();
    } else if (match === ",") {
      if (frame?.keys) frame.expectKey = true;
      else if (frame) frame.member = String(Number(frame.member) + 1);
    } else if (match.startsWith('"') && frame?.keys && frame.expectKey) {
      const key = JSON.parse(match) as string;
      if (frame.keys.has(key)) found.push({ path: frame.path, key });
      frame.keys.add(key);
      frame.member = key;
      frame.expectKey = false;
    }
  }
  return found;
}

/** Escapes a key or position as one token of a JSON pointer. */
function pointerToken(member: string): string {
  return member.replaceAll("~", "~0").replaceAll("/", "~1");
}

function invalidConfig(problems: readonly string[]): InputError {
  return new InputError(`invalid config file:\n${problems.map((line) => `  ${line}`).join("\n")}`);
}

/**
 * Parses YAML with the YAML 1.2 core schema, whatever `%YAML` directive the file has. Rejects
 * explicit tags such as `!!omap`, because their values are not plain mappings, lists or strings.
 */
function parseYaml(file: string, text: string): unknown {
  const document = parseDocument(text, {
    prettyErrors: true,
    schema: "core",
    resolveKnownTags: false,
  });
  const [first] = document.errors;
  if (first) throw new InputError(`${file}: not valid YAML (${yamlProblem(first)})`);
  const tag = document.warnings.find((warning) => warning.code === "TAG_RESOLVE_FAILED");
  if (tag) {
    const start = tag.linePos?.[0];
    const location = start ? `line ${start.line}, column ${start.col}` : "a value";
    throw new InputError(
      `${file}: ${location} has the YAML tag ${text.slice(tag.pos[0], tag.pos[1])}, which ` +
        "vpc-lint does not read; remove the tag and write a plain mapping, list or string",
    );
  }
  const contents = document.contents;
  // A lone `---` parses as a null scalar of zero length, unlike a written `null` or `~`.
  const empty =
    contents === null ||
    (isScalar(contents) && contents.value === null && contents.range?.[0] === contents.range?.[1]);
  return empty ? {} : yamlToValue(file, text, document);
}

/**
 * Describes a YAML parse error in one line. For a second document, the parser's own text names
 * a library function, so the message names the change to make in the file instead.
 */
function yamlProblem(error: YAMLError): string {
  const start = error.linePos?.[0];
  if (error.code === "MULTIPLE_DOCS" && start) {
    return (
      `a second document starts at line ${start.line}, column ${start.col}; a config file ` +
      "contains one document, so remove that --- line or merge the documents"
    );
  }
  return error.message.split("\n")[0] ?? error.code;
}

function toConfig(file: string, raw: RawConfig): Config {
  const severities = new Map<string, Severity | "off">();
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  for (const [ruleId, setting] of Object.entries(raw.rules ?? {})) {
    if (typeof setting === "string") {
      severities.set(ruleId, setting);
      continue;
    }
    if (setting.severity) severities.set(ruleId, setting.severity);
    if (setting.options) ruleOptions[ruleId] = setting.options;
  }
  const config: Config = {
    file,
    severities,
    ruleOptions,
    requiredServices: raw.requiredServices?.default ?? [],
    requiredServicesByVpc: raw.requiredServices?.byVpc ?? {},
    requiredServicesBySubnetTag: raw.requiredServices?.bySubnetTag ?? {},
    privateOnlyVpcs: raw.privateOnlyVpcs ?? [],
    suppressions: (raw.suppressions ?? []).map((entry, position) => ({
      ...entry,
      origin: `${file} /suppressions/${position}`,
    })),
  };
  if (raw.failOn) config.failOn = raw.failOn;
  return config;
}
