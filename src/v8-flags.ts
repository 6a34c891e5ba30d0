/**
 * The V8 settings a lint process runs with: inlining off in the optimizing compiler, applied
 * before any rule runs, and room in the heap for a large input, made before it is parsed.
 *
 * Most of a lint over a large snapshot runs before V8's optimizing compiler has finished with the
 * code. That compiler works through a queue on another thread, and each function it inlines makes
 * the caller's job longer. With inlining off the queue empties sooner. On Node.js 20 an
 * 8000-subnet lint took 5-10% less wall time and 11-16% less CPU, and a lint of 2,000 VPCs was
 * no slower. docs/benchmarks.md compares V8's defaults at 8000 subnets with both settings of
 * the command line together, so its saving also counts the room in the heap.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The variable that keeps V8's own settings when 1 or true, since a Lambda takes no node options. */
export const KEEP_DEFAULTS_VARIABLE = "VPC_LINT_V8_DEFAULTS";

/** `--turbo-inlining` and `--no-turbo-inlining`, with either separator and an optional value. */
const INLINING_FLAG = /^--(?:no-|no_)?turbo[-_]inlining(?:=.*)?$/;

/** Node options that size the heap's first limit or its growth, which the user's choice decides. */
const HEAP_SIZING_FLAG =
  /^--(?:initial[-_]old[-_]space[-_]size|initial[-_]heap[-_]size|heap[-_]growing[-_]percent)(?:=.*)?$/;

/** `--expose-gc-as=NAME`, under which V8 gives every context the gc function as NAME instead. */
const GC_NAME_FLAG = /^--expose[-_]gc[-_]as=(.+)$/;

/** Whether makeRoomForInput may change the heap, which applyV8Flags decides. */
let heapSizing = false;

/** The global name of the gc function in every context, when a node option chose one. */
let gcName: string | undefined;

/**
 * Turns off inlining in V8's optimizing compiler unless `node --[no-]turbo-inlining` or
 * VPC_LINT_V8_DEFAULTS decides otherwise, and lets makeRoomForInput act unless that variable or
 * a node option that sizes the heap does. Returns whether it changed the inlining setting.
 */
export function applyV8Flags(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
  set: (flags: string) => void = setFlagsFromString,
): boolean {
  const keep = (env[KEEP_DEFAULTS_VARIABLE] ?? "").toLowerCase();
  const keepDefaults = keep === "1" || keep === "true";
  heapSizing = !keepDefaults && !execArgv.some((option) => HEAP_SIZING_FLAG.test(option));
  // As with any V8 option given twice, the last one counts.
  gcName = undefined;
  for (const option of execArgv) gcName = GC_NAME_FLAG.exec(option)?.[1] ?? gcName;
  if (keepDefaults) return false;
  if (execArgv.some((option) => INLINING_FLAG.test(option))) return false;
  // Set before the rules' code gets hot, while no optimizing job is running.
  set("--no-turbo-inlining");
  return true;
}

/**
 * The input length, in characters, from which making room pays. Linting a generated 9 MB
 * snapshot, V8's own collection took about as long as the one made here, and from 14 MB it took
 * longer (alternating runs of the command line).
 */
export const LARGE_INPUT_LENGTH = 12 * 1024 * 1024;

/** The old-generation room per character of a large input, for its parsed values and the lint. */
const ROOM_PER_CHARACTER = 4;

/**
 * Sets V8's old-generation limit to leave room for parsing a decoded input of the given length,
 * once per process. Returns whether it did.
 *
 * Until its first full collection, V8 lowers the limit after each young-generation collection by
 * the average share of young objects that survived, down to a step above the heap. A parse keeps
 * nearly every object, so after parsing an 8000-subnet snapshot the limit was 146 MB, against
 * 512 MB at start-up, for a heap of 105 MB (node --trace-incremental-marking). The lint's first
 * objects then started a full collection that marked the whole input and freed almost nothing.
 * It took about 30 ms of the main thread and 110 ms of a helper thread.
 *
 * A full collection fixes the limit, as the heap's live size times a growing factor. One made
 * here, with the factor raised for it alone, fixes a limit with room for the parse, and later
 * collections size the heap as V8 always does. Made after decoding, it marks the text as a single
 * object. Made before, it was undone for a 244 MB file: after the long decode, V8 set the limit
 * to 1.2 times the heap (node --trace-gc-verbose). It takes about 5 ms, so only inputs of
 * LARGE_INPUT_LENGTH or more get it.
 */
export function makeRoomForInput(length: number): boolean {
  if (!heapSizing || length < LARGE_INPUT_LENGTH) return false;
  heapSizing = false;
  const { used_heap_size: used, heap_size_limit: max } = getHeapStatistics();
  // The live size after the collection is at most the used size now, so the limit lands at or
  // below this target. A quarter of the maximum keeps the heap bounded for the largest inputs.
  const target = Math.min(used + ROOM_PER_CHARACTER * length, max / 4);
  if (target <= used) return false;
  const percent = Math.ceil((target / used - 1) * 100);
  try {
    setFlagsFromString(`--heap-growing-percent=${percent}`);
    return fullCollection();
  } finally {
    // Zero restores V8's own factor.
    setFlagsFromString("--heap-growing-percent=0");
  }
}

/**
 * Runs a full garbage collection and returns whether it could. Without `node --expose-gc`, V8
 * gives the gc function only to contexts created while that flag is on, so one is created for
 * it. Under `node --expose-gc-as`, every context already has the function by that name, and a
 * new one lacks `gc`.
 */
function fullCollection(): boolean {
  const exposed = (globalThis as Record<string, unknown>)[gcName ?? "gc"];
  if (typeof exposed === "function") {
    exposed();
    return true;
  }
  setFlagsFromString("--expose-gc");
  let collect: unknown;
  try {
    // A Node.js release whose new contexts lack the function leaves the heap as it is.
    collect = runInNewContext("typeof gc === 'function' ? gc : undefined");
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  if (typeof collect !== "function") return false;
  collect();
  return true;
}
