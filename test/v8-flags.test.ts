/** The V8 setting of the command line and the Lambda function, and what overrides it. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { generateSnapshot } from "../scripts/bench/generate.js";
import {
  KEEP_DEFAULTS_VARIABLE,
  LARGE_INPUT_LENGTH,
  applyV8Flags,
  makeRoomForInput,
} from "../src/v8-flags.js";
import { CLI, ROOT } from "./helpers.js";

describe("applyV8Flags", () => {
  it("turns inlining off by default", () => {
    const set = vi.fn();

    expect(applyV8Flags(["--max-old-space-size=4096", "--trace-turbo-inlining"], {}, set)).toBe(
      true,
    );
    expect(set).toHaveBeenCalledWith("--no-turbo-inlining");
  });

  it.each([
    ["--turbo-inlining"],
    ["--no-turbo-inlining"],
    ["--turbo_inlining"],
    ["--no_turbo_inlining"],
  ])("defers to node %s", (option) => {
    const set = vi.fn();

    expect(applyV8Flags([option], {}, set)).toBe(false);
    expect(set).not.toHaveBeenCalled();
  });

  it.each([["1"], ["true"], ["TRUE"]])(`defers to ${KEEP_DEFAULTS_VARIABLE}=%s`, (value) => {
    const set = vi.fn();

    expect(applyV8Flags([], { [KEEP_DEFAULTS_VARIABLE]: value }, set)).toBe(false);
    expect(set).not.toHaveBeenCalled();
  });

  it("ignores other values of the variable", () => {
    const set = vi.fn();

    expect(applyV8Flags([], { [KEEP_DEFAULTS_VARIABLE]: "0" }, set)).toBe(true);
    expect(set).toHaveBeenCalledOnce();
  });
});

describe("makeRoomForInput", () => {
  it("leaves the heap alone unless applyV8Flags allowed it", () => {
    applyV8Flags([], { [KEEP_DEFAULTS_VARIABLE]: "1" }, vi.fn());

    expect(makeRoomForInput(LARGE_INPUT_LENGTH)).toBe(false);
  });

  it.each([
    ["--initial-old-space-size=512"],
    ["--initial_heap_size=64"],
    ["--heap-growing-percent=50"],
  ])("leaves the heap alone under node %s", (option) => {
    applyV8Flags([option], {}, vi.fn());

    expect(makeRoomForInput(LARGE_INPUT_LENGTH)).toBe(false);
  });

  it("leaves the heap alone for a small input", () => {
    applyV8Flags([], {}, vi.fn());

    expect(makeRoomForInput(LARGE_INPUT_LENGTH - 1)).toBe(false);
  });
});

describe("the command line", () => {
  // A network large enough that the optimizing compiler inlines functions when allowed to.
  const directory = mkdtempSync(join(tmpdir(), "vpc-lint-v8-"));
  const snapshot = join(directory, "snapshot.json");
  writeFileSync(
    snapshot,
    JSON.stringify(generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 1000 })),
  );

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function inliningTrace(env: NodeJS.ProcessEnv): string {
    const run = spawnSync(
      process.execPath,
      ["--trace-turbo-inlining", CLI, "--snapshot", snapshot, "--fail-on", "never"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 28 },
    );
    expect(run.status).toBe(0);
    return run.stdout;
  }

  it("lints with inlining off", () => {
    expect(inliningTrace({})).not.toContain("Inlining ");
  });

  it("keeps inlining with VPC_LINT_V8_DEFAULTS=1", () => {
    expect(inliningTrace({ [KEEP_DEFAULTS_VARIABLE]: "1" })).toContain("Inlining ");
  });
});

describe("the command line on a large snapshot", () => {
  // 3000 subnets make a file over LARGE_INPUT_LENGTH characters, which V8's own limit leaves
  // too little room for: its lint then starts a full collection.
  const directory = mkdtempSync(join(tmpdir(), "vpc-lint-heap-"));
  const snapshot = join(directory, "snapshot.json");
  const text = JSON.stringify(generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 3000 }));
  writeFileSync(snapshot, text);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** Lints the snapshot and returns the reason of each full collection V8 traced meanwhile. */
  function fullCollections(env: NodeJS.ProcessEnv): string[] {
    const run = spawnSync(
      process.execPath,
      ["--trace-gc", CLI, "--snapshot", snapshot, "--fail-on", "never"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 28 },
    );
    expect(run.status).toBe(0);
    return run.stdout
      .split("\n")
      .filter((line) => line.includes(" Mark-Compact "))
      .map((line) => /current mu = [\d.]+\) (.*)$/.exec(line)?.[1] ?? line);
  }

  it("needs room with V8 defaults", () => {
    expect(text.length).toBeGreaterThanOrEqual(LARGE_INPUT_LENGTH);
    expect(fullCollections({ [KEEP_DEFAULTS_VARIABLE]: "1" })).not.toEqual([]);
  });

  it("needs no full collection after parsing", () => {
    const reasons = fullCollections({});

    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^testing/);
  });

  it("makes room under node --expose-gc-as", () => {
    // V8 then gives every context the gc function under that name, and none as gc.
    const run = spawnSync(
      process.execPath,
      [
        "--expose-gc-as=collectNow",
        "--trace-gc",
        CLI,
        "--snapshot",
        snapshot,
        "--fail-on",
        "never",
      ],
      { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 },
    );

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const reasons = run.stdout.split("\n").filter((line) => line.includes(" Mark-Compact "));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("testing");
  });
});
