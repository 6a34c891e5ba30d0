/** Shared test helpers: paths, the CLI runner and the shared-corpus locator. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const EXAMPLES = join(ROOT, "examples");
export const CLI = join(ROOT, "dist", "cli.js");

/** The published AWS example outputs; present beside a development checkout, absent in a user's clone. */
export const CORPUS = resolve(ROOT, "..", "shared", "corpus", "aws-examples");
export const HAS_CORPUS = existsSync(CORPUS);

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with the given arguments and an environment that never reaches AWS. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      NO_COLOR: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      ...env,
    },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export type Mermaid = (typeof import("mermaid"))["default"];

/**
 * Loads Mermaid for parsing diagrams. It sanitizes labels with DOMPurify, which needs a DOM when
 * imported, so jsdom provides one first.
 */
/**
 * How long a hook may take to load mermaid and jsdom. Warm, they load in about 2 s. On a fresh
 * clone, with cold files and other test files loading at the same time, loading may take longer
 * than vitest's default hook limit of 10 s.
 */
export const MERMAID_LOAD_TIMEOUT_MS = 60_000;

export async function loadMermaid(): Promise<Mermaid> {
  const { JSDOM } = await import("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const mermaid = (await import("mermaid")).default;
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}
