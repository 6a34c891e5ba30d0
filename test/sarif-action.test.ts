import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, EXAMPLES, ROOT } from "./helpers.js";
import { githubProblems, schemaErrors } from "./sarif-validate.js";

interface Step {
  name: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION_TEXT = readFileSync(join(ROOT, "action.yml"), "utf8");
const action = parse(ACTION_TEXT) as Action;
const lintStep = action.runs.steps.find((step) => step.id === "lint") as Step;
let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-action-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

interface StepRun {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  sarifPath: string;
}

/**
 * Runs the action's lint script as GitHub runs a bash step (`bash -e -o pipefail`), with the
 * inputs as the step's env block maps them and the built CLI in place of the action's build.
 */
async function runLintStep(
  inputs: Record<string, string>,
  files: Record<string, string> = {},
): Promise<StepRun> {
  const directory = await mkdtemp(join(workspace, "job-"));
  // The workspace is a checkout, whose root is where code scanning reads relative paths from.
  spawnSync("git", ["init", "-q", directory]);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(directory, name)), { recursive: true });
    await writeFile(join(directory, name), text);
  }
  const outputFile = join(directory, "output");
  const summaryFile = join(directory, "summary");
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const values = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      inputs[name] ?? input.default ?? "",
    ]),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NO_COLOR: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: directory,
    RUNNER_TEMP: directory,
  };
  for (const [name, expression] of Object.entries(lintStep.env ?? {})) {
    env[name] =
      expression === "${{ github.action_path }}/dist/cli.js" ? CLI : substitute(expression, values);
  }
  const result = spawnSync(
    "bash",
    ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", lintStep.run ?? ""],
    {
      // GitHub runs the step in working-directory, relative to the workspace. Tests that give
      // none run in the repository, so their snapshot paths are outside the job's workspace.
      cwd: inputs["working-directory"] ? join(directory, inputs["working-directory"]) : ROOT,
      env,
      encoding: "utf8",
    },
  );
  const outputs = Object.fromEntries(
    (await readFile(outputFile, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("=", 2) as [string, string]),
  );
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs,
    summary: await readFile(summaryFile, "utf8"),
    sarifPath: join(directory, values["sarif-file"] ?? ""),
  };
}

function substitute(expression: string, inputs: Record<string, string>): string {
  return expression.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in inputs)) throw new Error(`action.yml uses undeclared input ${name}`);
    return inputs[name] as string;
  });
}

describe("action.yml", () => {
  it("is a composite action that uploads SARIF", () => {
    expect(action.runs.using).toBe("composite");
    const upload = action.runs.steps.find((step) =>
      step.uses?.startsWith("github/codeql-action/upload-sarif@"),
    );
    expect(upload?.with?.sarif_file).toBe("${{ steps.lint.outputs.sarif-file }}");
    expect(upload?.if).toContain("always()");
  });

  it("declares every input it uses and uses every input it declares", () => {
    const used = new Set([...ACTION_TEXT.matchAll(/inputs\.([\w-]+)/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it("passes inputs to the script only through the environment", () => {
    expect(lintStep.run).not.toMatch(/\$\{\{/);
    const read = new Set(
      [...(lintStep.run ?? "").matchAll(/\$\{?(INPUT_\w+|VPC_LINT_CLI)/g)].map((m) => m[1]),
    );
    expect([...read].sort()).toEqual(Object.keys(lintStep.env ?? {}).sort());
  });

  it("passes only flags the CLI accepts", () => {
    const help = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" }).stdout;
    const flags = new Set(
      [...(lintStep.run ?? "").matchAll(/(--[a-z][a-z-]+)/g)].map((m) => m[1] as string),
    );
    for (const flag of flags) expect(help, `${flag} is not a vpc-lint flag`).toContain(flag);
  });
});

describe("action lint step", () => {
  it("writes valid SARIF, a summary and the exit code", async () => {
    const run = await runLintStep({ snapshot: join(EXAMPLES, "broken-nat64.json") });
    expect(run.status).toBe(0);
    expect(run.outputs["exit-code"]).toBe("1");
    expect(run.outputs["sarif-file"]).toBe(run.sarifPath);
    const log = JSON.parse(await readFile(run.sarifPath, "utf8")) as Record<string, any>;
    expect(schemaErrors(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    expect(run.summary).toMatch(/^## vpc-lint\n/);
    expect(run.stdout).toContain("nat64-route-blackhole");
  });

  it("honours fail-on and several snapshot paths", async () => {
    const snapshots = ["public-nat64.json", "private-nat64-endpoints.json"].map((name) =>
      join(EXAMPLES, name),
    );
    const run = await runLintStep({
      snapshot: snapshots.join("\n"),
      "fail-on": "never",
      "step-summary": "false",
    });
    expect(run.status).toBe(0);
    expect(run.outputs["exit-code"]).toBe("0");
    expect(run.summary).toBe("");
  });

  it("prefixes file paths with working-directory", async () => {
    const snapshot = readFileSync(join(EXAMPLES, "broken-nat64.json"), "utf8");
    const run = await runLintStep(
      { snapshot: "snapshots/", "working-directory": "network/prod" },
      { "network/prod/snapshots/broken nat64.json": snapshot },
    );
    expect(run.outputs["exit-code"]).toBe("1");
    const log = JSON.parse(await readFile(run.sarifPath, "utf8")) as Record<string, any>;
    const uris = new Set<string>(
      log.runs[0].results.flatMap((result: any) =>
        result.locations.map((at: any) => at.physicalLocation.artifactLocation.uri),
      ),
    );
    expect([...uris]).toEqual(["network/prod/snapshots/broken%20nat64.json"]);
    expect(schemaErrors(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
  });

  it("keeps paths of files outside it", async () => {
    const run = await runLintStep(
      { snapshot: join(EXAMPLES, "broken-nat64.json"), "working-directory": "network" },
      { "network/.vpc-lint.json": "{}" },
    );
    expect(run.outputs["exit-code"]).toBe("1");
    const log = JSON.parse(await readFile(run.sarifPath, "utf8")) as Record<string, any>;
    const uris: string[] = log.runs[0].results.map(
      (result: any) => result.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    expect(uris.every((uri) => uri.startsWith("aws/111122223333/us-east-1/"))).toBe(true);
  });

  it("reads one path per line", async () => {
    const snapshot = readFileSync(join(EXAMPLES, "public-nat64.json"), "utf8");
    const run = await runLintStep(
      { snapshot: "snapshots/public nat64.json\n  other.json  \n", "working-directory": "net" },
      { "net/snapshots/public nat64.json": snapshot, "net/other.json": snapshot },
    );

    expect(run.outputs["exit-code"]).toBe("0");
  });

  it("takes a glob pattern literally", async () => {
    const snapshot = readFileSync(join(EXAMPLES, "public-nat64.json"), "utf8");
    const run = await runLintStep(
      { snapshot: "[ab].json", "working-directory": "net" },
      { "net/a.json": snapshot },
    );

    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.stdout + run.stderr).toContain("[ab].json: snapshot file not found");
  });

  it.each([
    ["True", "1"],
    ["FALSE", "0"],
  ])("reads require-complete %s", async (value, exitCode) => {
    const snapshot = JSON.parse(readFileSync(join(EXAMPLES, "public-nat64.json"), "utf8"));
    delete snapshot.InstanceInformationList;
    const run = await runLintStep(
      { snapshot: "s.json", "working-directory": "net", "require-complete": value },
      { "net/s.json": JSON.stringify(snapshot) },
    );

    expect(run.outputs["exit-code"]).toBe(exitCode);
  });

  it("reads a path that starts with a dash", async () => {
    const snapshot = readFileSync(join(EXAMPLES, "public-nat64.json"), "utf8");
    const run = await runLintStep(
      { snapshot: "-dash.json", "working-directory": "net" },
      { "net/-dash.json": snapshot },
    );

    expect(run.outputs["exit-code"]).toBe("0");
  });

  it("encodes a value with a line break", async () => {
    const run = await runLintStep({
      snapshot: join(EXAMPLES, "public-nat64.json"),
      "step-summary": "yes\n::notice::injected",
    });

    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.stdout).toContain('input step-summary is \"yes%0A::notice::injected\"');
    expect(run.stdout).not.toMatch(/^::notice::/m);
  });

  it.each([
    ["TRUE", 1],
    ["false", 0],
  ])("keeps suppressed results for %s", async (value, kept) => {
    const config = {
      suppressions: [
        { rule: "nat64-route-blackhole", resource: "rtb-0a1b2c3d4e5f60033", reason: "replaced" },
      ],
    };
    const run = await runLintStep(
      { snapshot: "s.json", "working-directory": "net", "include-suppressed": value },
      {
        "net/s.json": readFileSync(join(EXAMPLES, "broken-nat64.json"), "utf8"),
        "net/.vpc-lint.json": JSON.stringify(config),
      },
    );
    const log = JSON.parse(await readFile(run.sarifPath, "utf8")) as Record<string, any>;
    const suppressed = log.runs[0].results.filter((result: any) => result.suppressions?.length);

    expect(suppressed).toHaveLength(kept);
  });

  it("rejects a require-complete of yes", async () => {
    const run = await runLintStep({
      snapshot: join(EXAMPLES, "public-nat64.json"),
      "require-complete": "yes",
    });

    expect(run.status).toBe(2);
    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.stdout).toContain('input require-complete is \"yes\"; use true or false');
  });

  it("reports exit code 2 and no SARIF for bad input", async () => {
    const run = await runLintStep({
      snapshot: join(EXAMPLES, "broken-nat64.json"),
      "fail-on": "sometimes",
    });
    expect(run.status).toBe(0);
    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.outputs["sarif-file"]).toBeUndefined();
  });
});
