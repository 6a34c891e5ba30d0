/**
 * Gives each field of the bundled examples a value of another type. The load must then fail with
 * an input error, or the lint must finish without a rule failing. So every field that the index
 * or a rule reads must be typed in the snapshot schema.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { DEFAULT_SETTINGS, runLint } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";

const EXAMPLES = ["public-nat64", "private-nat64-endpoints", "broken-nat64"];

let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-mistyped-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

type Path = (string | number)[];

/** Yields the path of every value under `value`, containers included. */
function* valuePaths(value: unknown, path: Path = []): Generator<Path> {
  if (path.length > 0) yield path;
  if (Array.isArray(value)) {
    for (const [position, item] of value.entries()) yield* valuePaths(item, [...path, position]);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) yield* valuePaths(item, [...path, key]);
  }
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<string | number, unknown>)[key],
    root,
  );
}

/** Returns a value of another JSON type than `value`, and null. */
function otherValues(value: unknown): unknown[] {
  if (value === null) return [5];
  if (Array.isArray(value)) return [{}, null];
  if (typeof value === "object") return [[], null];
  if (typeof value === "string") return [5, null];
  return ["x", null];
}

/** Returns how the lint of one changed snapshot failed, or undefined when it did not fail. */
async function failureOf(snapshot: unknown): Promise<string | undefined> {
  const file = join(workspace, "snapshot.json");
  await writeFile(file, JSON.stringify(snapshot));
  try {
    const loaded = await loadSnapshotFiles([file]);
    const result = runLint([{ snapshot: loaded.snapshot }], {
      settings: DEFAULT_SETTINGS,
      everyPath: true,
    });
    result.reachability({ everyPath: true });
    const [error] = result.executionErrors;
    return error && `rule ${error.ruleId} failed: ${error.message}`;
  } catch (error) {
    if (error instanceof InputError) return undefined;
    return `load or index failed: ${String(error)}`;
  }
}

describe("fields of another type", () => {
  it.each(EXAMPLES)("fail as input errors in %s", async (example) => {
    const original: unknown = JSON.parse(await readFile(`examples/${example}.json`, "utf8"));
    const failures: string[] = [];
    for (const path of valuePaths(original)) {
      for (const replacement of otherValues(valueAt(original, path))) {
        const copy = structuredClone(original);
        const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
        parent[path.at(-1) as string | number] = replacement;
        const failure = await failureOf(copy);
        if (failure)
          failures.push(`/${path.join("/")} = ${JSON.stringify(replacement)}: ${failure}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
