/** The report formats by name, and the `--format NAME[=PATH]` and `-o FILE` flags that pick them. */
import { InputError } from "../errors.js";
import { joinNames } from "../index/util.js";
import type { RunResult } from "../run.js";
import { formatAsff } from "./asff.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export const FORMATS = ["text", "json", "sarif", "markdown", "asff"] as const;
export type Format = (typeof FORMATS)[number];

/** One report to write: to `path`, or to standard output when there is none. */
export interface ReportTarget {
  format: Format;
  path?: string;
}

export interface RenderOptions {
  /** ANSI colours in the text report. */
  color: boolean;
  /** Keep suppressed findings in SARIF, marked with `suppressions`. */
  includeSuppressed: boolean;
  /** Whether the JSON report lists every path in full, as `--every-path` does. */
  everyPath?: boolean;
}

/** A file name for each format, for the examples in error messages. */
const EXAMPLE_FILES: Record<Format, string> = {
  text: "report.txt",
  json: "report.json",
  sarif: "results.sarif",
  markdown: "summary.md",
  asff: "findings.asff.json",
};

/** The path that names standard output in `-o` and `--format NAME=PATH`. */
const STDOUT = "-";

/**
 * Turns the `--format` values and `-o` into report targets. At most one report can go to
 * standard output, and `-o` names the file of that one report, so it needs a single format.
 */
export function parseTargets(
  specs: readonly string[],
  outputFlag: string | undefined,
): ReportTarget[] {
  const output = outputFlag === STDOUT ? undefined : outputFlag;
  const implied = output === undefined ? undefined : formatOfExtension(output);
  if (specs.length === 0 && implied) {
    throw new InputError(
      `-o ${output} would contain the text report, the default format; add --format ${implied}, ` +
        "or name a file without that extension",
    );
  }
  const targets = (specs.length > 0 ? specs : ["text"]).map(parseTarget);
  const unnamed = targets.filter((target) => target.path === undefined);
  if (outputFlag === STDOUT && unnamed.length === 0) {
    // -o - requests a report on standard output, which no format would write there.
    const named = targets.map((target) => `--format ${target.format}=${target.path as string}`);
    throw new InputError(
      named.length === 1
        ? `-o - names standard output, but ${named[0]} names a file; keep one`
        : `-o - names standard output, but ${joinNames(named)} name files; leave one format ` +
            "without =PATH",
    );
  }
  if (output !== undefined && targets.length > 1) {
    throw new InputError(
      `-o ${output} names one file, but ${targets.length} formats were requested; ` +
        "give each format its own file with --format NAME=PATH instead",
    );
  }
  if (unnamed.length > 1) {
    const names = unnamed.map((target) => target.format);
    const last = names[names.length - 1] ?? "sarif";
    throw new InputError(
      `formats ${names.join(", ")} would all go to standard output; give all but one a file, ` +
        `such as --format ${last}=${EXAMPLE_FILES[last]}`,
    );
  }
  if (output !== undefined && targets[0]?.path !== undefined) {
    throw new InputError(
      `-o ${output} and --format ${targets[0].format}=${targets[0].path} both name a file; keep one`,
    );
  }
  const toStdout = specs.find((spec) => spec.endsWith(`=${STDOUT}`));
  if (output !== undefined && toStdout !== undefined) {
    throw new InputError(
      `-o ${output} names a file, but --format ${toStdout} names standard output; keep one`,
    );
  }
  return targets.map((target) => (output !== undefined ? { ...target, path: output } : target));
}

/** Returns the report format a file's extension names, such as sarif for `results.sarif`. */
function formatOfExtension(path: string): Format | undefined {
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === "sarif" || extension === "json") return extension;
  if (extension === "md" || extension === "markdown") return "markdown";
  return undefined;
}

function parseTarget(spec: string): ReportTarget {
  const separator = spec.indexOf("=");
  const name = separator < 0 ? spec : spec.slice(0, separator);
  const path = separator < 0 ? undefined : spec.slice(separator + 1);
  if (!(FORMATS as readonly string[]).includes(name)) {
    const problem = name === "" ? "the format name before = is empty" : `unknown format ${name}`;
    throw new InputError(`--format ${spec}: ${problem}; use one of ${FORMATS.join(", ")}`);
  }
  if (path === "") throw new InputError(`--format ${spec}: the file name after = is empty`);
  return path === undefined || path === STDOUT
    ? { format: name as Format }
    : { format: name as Format, path };
}

/** Renders one report. The text report leaves suppressed findings out. */
export function renderReport(format: Format, result: RunResult, options: RenderOptions): string {
  switch (format) {
    case "json":
      return formatJson(result, { everyPath: options.everyPath === true });
    case "sarif":
      return formatSarif(result, { includeSuppressed: options.includeSuppressed });
    case "markdown":
      return formatMarkdown(result);
    case "asff":
      return formatAsff(result);
    case "text": {
      const visible = result.findings.filter((finding) => !finding.suppressed);
      return formatText({ ...result, findings: visible }, { color: options.color });
    }
  }
}
