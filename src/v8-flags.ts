/**
 * The V8 setting a lint process runs with, applied before any rule runs.
 *
 * Most of a lint over a large snapshot runs before V8's optimizing compiler has finished with the
 * code. That compiler works through a queue on another thread, and each function it inlines makes
 * the caller's job longer. With inlining off the queue empties sooner. On Node.js 20 an
 * 8000-subnet lint took 5-10% less wall time and 11-16% less CPU, and a lint of 2,000 VPCs was
 * no slower (docs/benchmarks.md compares both settings at 8000 subnets).
 */
import { setFlagsFromString } from "node:v8";

/** The variable that keeps V8's own settings when 1 or true, since a Lambda takes no node options. */
export const KEEP_DEFAULTS_VARIABLE = "VPC_LINT_V8_DEFAULTS";

/** `--turbo-inlining` and `--no-turbo-inlining`, with either separator and an optional value. */
const INLINING_FLAG = /^--(?:no-|no_)?turbo[-_]inlining(?:=.*)?$/;

/**
 * Turns off inlining in V8's optimizing compiler unless `node --[no-]turbo-inlining` or
 * VPC_LINT_V8_DEFAULTS decides otherwise. Returns whether it changed the setting.
 */
export function applyV8Flags(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
  set: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((option) => INLINING_FLAG.test(option))) return false;
  const keep = (env[KEEP_DEFAULTS_VARIABLE] ?? "").toLowerCase();
  if (keep === "1" || keep === "true") return false;
  // Set before the rules' code gets hot, while no optimizing job is running.
  set("--no-turbo-inlining");
  return true;
}
