/** Shared helpers for the infrastructure-as-code tests: fixture paths and one-call linting. */
import { join, relative } from "node:path";
import {
  readIacInputs,
  noteUnresolved,
  type IacOptions,
  type IacSnapshotInput,
} from "../../src/iac/index.js";
import { DEFAULT_SETTINGS, runLint, type RunResult } from "../../src/run.js";
import { ROOT } from "../helpers.js";

export const FIXTURES = join(ROOT, "test", "iac", "fixtures");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** The fixture path as locations record it: relative to the working directory. */
export function locationPath(name: string): string {
  return relative(process.cwd(), fixture(name)).split("\\").join("/");
}

export interface Linted {
  input: IacSnapshotInput;
  result: RunResult;
  warnings: string[];
}

/** Reads a template or plan, lints it and notes unresolved values, as the command line does. */
export async function lintIac(options: IacOptions): Promise<Linted> {
  const warnings: string[] = [];
  const inputs = await readIacInputs(options, (line) => warnings.push(line));
  const result = runLint(inputs, { settings: DEFAULT_SETTINGS });
  noteUnresolved(result, inputs);
  return { input: inputs[0] as IacSnapshotInput, result, warnings };
}

export function findingsOf(result: RunResult, ruleId: string) {
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}
