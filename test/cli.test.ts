/** The built command line, end to end on the bundled examples: output streams and exit codes. */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES } from "../src/rules/index.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { CLI, EXAMPLES, ROOT, runCli } from "./helpers.js";

const DEMO = join(EXAMPLES, "broken-nat64.json");
const PUBLIC = join(EXAMPLES, "public-nat64.json");
const PRIVATE = join(EXAMPLES, "private-nat64-endpoints.json");
const SKIPPED_HEADER = "Checks that did not run, so they did not pass either:";

let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-cli-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Writes a variant of an example snapshot to a temporary file and returns its path. */
async function variant(
  name: string,
  change: (input: Snapshot) => void,
  from = PUBLIC,
): Promise<string> {
  const input = JSON.parse(await readFile(from, "utf8")) as Snapshot;
  change(input);
  const path = join(workspace, name);
  await writeFile(path, JSON.stringify(input));
  return path;
}

describe("exit codes", () => {
  it("fails the demo example by default", () => {
    const run = runCli(["--snapshot", DEMO]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("nat64-route-blackhole");
    expect(run.stdout).toMatch(/\d+ errors, \d+ warnings, \d+ info in 1 VPC\n$/);
  });

  it("passes the demo example with --fail-on never", () => {
    const run = runCli(["--snapshot", DEMO, "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("nat64-route-blackhole");
  });

  it.each([PUBLIC, PRIVATE])("passes the correct example %s", (file) => {
    const run = runCli(["--snapshot", file]);
    expect(run.stdout).not.toMatch(/^\s+(error|warning) /m);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("names an unknown flag and exits 2", () => {
    const run = runCli(["--snapshot", PUBLIC, "--frobnicate"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("frobnicate");
  });

  it("names an invalid --fail-on value and exits 2", () => {
    const run = runCli(["--snapshot", PUBLIC, "--fail-on", "sometimes"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("sometimes");
  });

  it("asks for input when given none and exits 2", () => {
    const run = runCli([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("nothing to lint");
  });

  it("names a missing --snapshot file and exits 2", () => {
    const missing = join(workspace, "absent.json");
    const run = runCli(["--snapshot", missing]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `vpc-lint: ${missing}: snapshot file not found; check the --snapshot path\n`,
    );
  });

  it("names a file that is not JSON and exits 2", async () => {
    const broken = join(workspace, "broken.json");
    await writeFile(broken, "{ nope");
    const run = runCli(["--snapshot", broken]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^vpc-lint: ${broken.replace(/[.]/g, "\\.")}: not valid JSON`),
    );
  });

  it("reports a denied DescribeInstances call and exits 1", async () => {
    const denied = await variant("denied.json", (input) => {
      delete input.Reservations;
      input.Errors = [
        {
          Operation: "DescribeInstances",
          Code: "UnauthorizedOperation",
          Message: "You are not authorized to perform this operation.",
        },
      ];
    });
    const run = runCli(["--snapshot", denied, "--format", "json"]);
    const report = JSON.parse(run.stdout);
    expect(report.findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain(
      "snapshot-incomplete",
    );
    expect(run.status).toBe(1);
  });
});

describe("skipped checks", () => {
  let incomplete = "";

  beforeAll(async () => {
    incomplete = await variant("no-instances.json", (input) => {
      delete input.Reservations;
    });
  });

  it("go to standard error in text mode", () => {
    const run = runCli(["--snapshot", incomplete]);
    expect(run.stderr).toContain(SKIPPED_HEADER);
    expect(run.stderr).toContain("  instance-imds-ipv6-disabled: Reservations was not collected\n");
    expect(run.stdout).not.toContain(SKIPPED_HEADER);
    expect(run.status).toBe(0);
  });

  it("go into skipped in JSON mode", () => {
    const run = runCli(["--snapshot", incomplete, "--format", "json"]);
    const report = JSON.parse(run.stdout);
    expect(report.skipped).toContainEqual({
      ruleId: "instance-imds-ipv6-disabled",
      reason: "Reservations was not collected",
      accountId: "111122223333",
      region: "us-east-1",
    });
    expect(run.stderr).not.toContain(SKIPPED_HEADER);
  });

  it("fail the run with --require-complete", () => {
    expect(runCli(["--snapshot", incomplete, "--require-complete"]).status).toBe(1);
    expect(runCli(["--snapshot", PUBLIC, "--require-complete"]).status).toBe(0);
  });
});

describe("output", () => {
  it("writes the report to the -o file instead of standard output", async () => {
    const target = join(workspace, "report.json");
    const run = runCli([
      "--snapshot",
      DEMO,
      "--format",
      "json",
      "-o",
      target,
      "--fail-on",
      "never",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    const written = await readFile(target, "utf8");
    const direct = runCli(["--snapshot", DEMO, "--format", "json"]);
    expect(written).toBe(direct.stdout);
  });

  it("names an -o path that cannot be written and exits 2", () => {
    const target = join(workspace, "no-such-directory", "report.txt");
    const run = runCli(["--snapshot", PUBLIC, "-o", target]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `vpc-lint: ${target}: cannot write the file (ENOENT); check that its directory exists ` +
        "and is writable\n",
    );
  });

  it("writes no colour to a pipe even without NO_COLOR", () => {
    const run = spawnSync(process.execPath, [CLI, "--snapshot", DEMO], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", AWS_EC2_METADATA_DISABLED: "true" },
    });
    expect(run.stdout).toContain("nat64-route-blackhole");
    expect(run.stdout).not.toContain("\u001b[");
  });
});

describe("version flag", () => {
  it("prints the version in package.json", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const run = runCli(["--version"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${manifest.version}\n`);
  });
});

describe("rules command", () => {
  const run = runCli(["rules"]);

  it("exits 0 and writes nothing to standard error", () => {
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
  });

  it.each(RULES.map((rule) => [rule.id, rule.severity] as const))(
    "lists %s with its severity and docs page",
    (id, severity) => {
      expect(run.stdout).toMatch(new RegExp(`^${id} +${severity} +\\S`, "m"));
      expect(run.stdout).toMatch(new RegExp(`^ +docs/rules/${id}\\.md$`, "m"));
    },
  );

  it("lists the rules as JSON when asked", () => {
    const rows = JSON.parse(runCli(["rules", "--format", "json"]).stdout) as { id: string }[];
    expect(rows.map((row) => row.id)).toEqual(RULES.map((rule) => rule.id));
  });
});
