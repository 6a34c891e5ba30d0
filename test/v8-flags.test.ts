/** The V8 setting of the command line and the Lambda function, and what overrides it. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { applyV8Flags } from "../src/v8-flags.js";
import { CLI, EXAMPLES, ROOT } from "./helpers.js";

describe("applyV8Flags", () => {
  it("turns inlining off by default", () => {
    expect(applyV8Flags(["--max-old-space-size=4096"], "--enable-source-maps")).toBe(true);
  });

  it.each([
    [["--turbo-inlining"], ""],
    [["--no-turbo-inlining"], ""],
    [["--turbo_inlining"], ""],
    [[], "--max-old-space-size=4096 --turbo-inlining"],
    [[], "--no_turbo_inlining"],
  ])("defers to node options %j, NODE_OPTIONS %j", (execArgv, nodeOptions) => {
    expect(applyV8Flags(execArgv, nodeOptions)).toBe(false);
  });

  it("runs under node --turbo-inlining", () => {
    const run = spawnSync(
      process.execPath,
      ["--turbo-inlining", CLI, "--snapshot", `${EXAMPLES}/public-nat64.json`],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
