/** The V8 setting of the command line and the Lambda function, and what overrides it. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { generateSnapshot } from "../scripts/bench/generate.js";
import { KEEP_DEFAULTS_VARIABLE, applyV8Flags } from "../src/v8-flags.js";
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
