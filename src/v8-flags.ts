/**
 * The V8 setting a lint process runs with, applied before any rule runs.
 *
 * Most of a lint over a large snapshot runs before V8's optimizing compiler has finished with the
 * code. That compiler works through a queue on another thread, and each function it inlines makes
 * the caller's job longer. With inlining off the queue empties sooner. On Node.js 20 this measured
 * about 8% less wall time and 12% less CPU for an 8000-subnet lint, and no slowdown for 2,000 VPCs
 * (docs/benchmarks.md compares both settings).
 */
import { setFlagsFromString } from "node:v8";

const FLAG = "turbo-inlining";

/**
 * Turns off inlining in V8's optimizing compiler unless the process's own options mention it, so
 * `node --turbo-inlining` or NODE_OPTIONS still decide. Returns whether it changed the setting.
 */
export function applyV8Flags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): boolean {
  const named = (text: string) => text.replaceAll("_", "-").includes(FLAG);
  if (execArgv.some(named) || named(nodeOptions)) return false;
  // Set before the rules' code gets hot, while no optimizing job is running.
  setFlagsFromString(`--no-${FLAG}`);
  return true;
}
