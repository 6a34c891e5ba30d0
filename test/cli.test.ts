/** The built command line, end to end on the bundled examples: output streams and exit codes. */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isColorTerminal } from "../src/command.js";
import { RULES } from "../src/rules/index.js";
import type { Subnet } from "@aws-sdk/client-ec2";
import type { Snapshot } from "../src/snapshot/types.js";
import { generateSnapshot } from "../scripts/bench/generate.js";
import { CLI, EXAMPLES, ROOT, runCli, type CliRun } from "./helpers.js";

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

  /** Writes the examples into a new directory, each as the snapshot of the Region it is paired with. */
  async function regionsDirectory(name: string, examples: [string, string][]): Promise<string> {
    const directory = join(workspace, name);
    await mkdir(directory);
    for (const [example, region] of examples) {
      const snapshot = JSON.parse(readFileSync(example, "utf8")) as Snapshot;
      snapshot.Source = { ...snapshot.Source, Region: region };
      await writeFile(join(directory, `snapshot.${region}.json`), JSON.stringify(snapshot));
    }
    return directory;
  }

  it("lints a directory of two Regions", async () => {
    const directory = await regionsDirectory("regions", [
      [DEMO, "eu-west-1"],
      [PUBLIC, "us-east-1"],
    ]);
    const run = runCli(["--snapshot", directory]);

    expect(run.stdout).toContain("account 111122223333, eu-west-1");
    expect(run.stdout).toContain("account 111122223333, us-east-1");
    expect(run.status).toBe(1);
  });

  it("explains a subnet of two Regions by --region", async () => {
    const directory = await regionsDirectory("regions-explain", [
      [DEMO, "eu-west-1"],
      [DEMO, "us-east-1"],
    ]);
    const subnet = (JSON.parse(readFileSync(DEMO, "utf8")) as Snapshot).Subnets?.[0]?.SubnetId;
    const explain = [
      "explain",
      "--snapshot",
      directory,
      "--subnet",
      subnet ?? "",
      "--service",
      "ssm",
    ];
    const ambiguous = runCli(explain);
    const picked = runCli([...explain, "--region", "us-east-1"]);

    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toContain(
      `subnet ${subnet} is in the snapshots of 111122223333 eu-west-1 and 111122223333 us-east-1`,
    );
    expect(picked.stderr).not.toContain("is in the snapshots of");
    expect(picked.stdout).toContain(subnet);
    const elsewhere = runCli([...explain, "--region", "eu-central-1"]);
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr).toContain(
      `subnet ${subnet} is not in the snapshots of --region eu-central-1, but in those of`,
    );
  });

  it.each([PUBLIC, PRIVATE])("passes the correct example %s", (file) => {
    const run = runCli(["--snapshot", file]);
    expect(run.stdout).not.toMatch(/^\s+(error|warning) /m);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("names an empty id and exits 2", async () => {
    // The command line checks ids with the validator generated at build time.
    const path = await variant("empty-id.json", (input) => {
      (input.Subnets as Subnet[])[0]!.SubnetId = "";
    });
    const run = runCli(["--snapshot", path]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('/Subnets/0/SubnetId: found "", expected a non-empty string');
  });

  it("names an unknown flag and exits 2", () => {
    const run = runCli(["--snapshot", PUBLIC, "--frobnicate"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("frobnicate");
  });

  it.each([
    [["--bogus-flag"], "unknown flag --bogus-flag"],
    [["--snapshto", "x.json"], "unknown flag --snapshto (did you mean --snapshot?)"],
    [["--failon=error"], "unknown flag --failon (did you mean --fail-on?)"],
    [["--no-colour"], "unknown flag --no-colour"],
    [["-x"], "unknown flag -x"],
    [
      ["--allvpcs", "--formt", "json"],
      "unknown flags --allvpcs (did you mean --all-vpcs?), --formt (did you mean --format?)",
    ],
  ])("names unknown %j once, as typed", (extra, line) => {
    const run = runCli(["--snapshot", PUBLIC, ...extra]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `vpc-lint: ${line}\nRun vpc-lint --help for the flags and their values.\n`,
    );
  });

  it("suggests a command for a misspelt one", () => {
    const run = runCli(["rulse"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: unknown argument rulse (did you mean rules?)\n" +
        "Run vpc-lint --help for the flags and their values.\n",
    );
  });

  it("suggests only the flags of vpc-lint rules", () => {
    const typo = runCli(["rules", "--formt", "json"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("unknown flag --formt (did you mean --format?)\n");
    const lintFlag = runCli(["rules", "--fail-on", "error"]);
    expect(lintFlag.status).toBe(2);
    expect(lintFlag.stderr).toBe(
      "vpc-lint: --fail-on is a flag of vpc-lint (lint), not of rules\n" +
        "Run vpc-lint rules --help for the flags and their values.\n",
    );
  });

  it.each([
    [["--fail-on", "never"], "--fail-on is a flag of vpc-lint (lint), not of explain"],
    [
      ["--format", "json"],
      "--format is a flag of vpc-lint (lint) and vpc-lint rules, not of explain",
    ],
    [["--require-complete"], "--require-complete is a flag of vpc-lint (lint), not of explain"],
    [
      ["--no-include-suppressed"],
      "--no-include-suppressed is a flag of vpc-lint (lint), not of explain",
    ],
  ])("names %j as a flag of another command in explain", (extra, line) => {
    const run = runCli([
      "explain",
      "-s",
      PUBLIC,
      "--subnet",
      "subnet-0a1b2c3d4e5f60012",
      "--service",
      "ssm",
      ...extra,
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `vpc-lint: ${line}\nRun vpc-lint explain --help for the flags and their values.\n`,
    );
  });

  it("names a flag of explain given to the lint", () => {
    const run = runCli(["-s", PUBLIC, "--subnet", "subnet-0a1b2c3d4e5f60012"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: --subnet is a flag of vpc-lint explain, not of lint\n" +
        "Run vpc-lint --help for the flags and their values.\n",
    );
  });

  it("separates a typo from a flag of another command", () => {
    const run = runCli(["rules", "--formt", "json", "--fail-on", "error"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: unknown flag --formt (did you mean --format?)\n" +
        "--fail-on is a flag of vpc-lint (lint), not of rules\n" +
        "Run vpc-lint rules --help for the flags and their values.\n",
    );
  });

  it("suggests only the flags of explain", () => {
    const run = runCli([
      "explain",
      "-s",
      PUBLIC,
      "--subnet",
      "subnet-0a1b2c3d4e5f60012",
      "--service",
      "ssm",
      "--requre-service",
      "kms",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "unknown flag --requre-service (did you mean --require-service?)\n",
    );
  });

  it.each([
    ["kms.us-east-1.amazonaws.com", "is a hostname; use its short name kms"],
    ["kms.us-east-1.api.aws", "is a hostname; use its short name kms"],
    [
      "dkr.ecr.us-east-1.amazonaws.com",
      "is a hostname; use the short name that ends the endpoint service name, such as ssm, kms or ecr.api",
    ],
    ["com.amazonaws.us-east-1.kms", "is an endpoint service name; use its short name kms"],
  ])("rejects --require-service %s", (name, reason) => {
    const run = runCli(["--snapshot", PRIVATE, "--require-service", name]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`vpc-lint: --require-service ${JSON.stringify(name)} ${reason}\n`);
  });

  it("rejects a hostname for explain --service", () => {
    const run = runCli([
      "explain",
      "--snapshot",
      PRIVATE,
      "--subnet",
      "subnet-0a1b2c3d4e5f60023",
      "--service",
      "ssm.us-east-1.amazonaws.com",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--service "ssm.us-east-1.amazonaws.com" is a hostname');
  });

  it("accepts a misspelt --require-service it cannot check", () => {
    const run = runCli(["--snapshot", PRIVATE, "--require-service", "kmss", "--format", "json"]);
    const services = (
      JSON.parse(run.stdout) as { reachability: { service: string }[] }
    ).reachability.map((entry) => entry.service);
    expect(services).toContain("kmss");
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
    expect(run.stderr).toContain(
      "  instance-imds-ipv6-disabled, ssm-instance-not-online: Reservations was not collected\n",
    );
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

  it("prints clean paths' hops only with --every-path", () => {
    const hopsOf = (run: CliRun) =>
      (JSON.parse(run.stdout) as { reachability: { hops?: unknown[] }[] }).reachability.map(
        (entry) => entry.hops?.length ?? 0,
      );
    const trimmed = runCli(["--snapshot", PRIVATE, "--format", "json"]);
    const full = runCli(["--snapshot", PRIVATE, "--format", "json", "--every-path"]);

    expect(trimmed.status).toBe(0);
    expect(full.status).toBe(0);
    expect(hopsOf(trimmed).every((count) => count === 0)).toBe(true);
    expect(hopsOf(full).every((count) => count > 0)).toBe(true);
  });

  it.each([
    [
      ["--every-path", "--format", "sarif"],
      "--every-path applies only to the JSON report; add --format json",
    ],
    [
      ["--include-suppressed", "--format", "json"],
      "--include-suppressed applies only to the SARIF report; add --format sarif=FILE",
    ],
  ])("rejects %j without its report", (flags, message) => {
    const run = runCli(["--snapshot", PRIVATE, ...flags]);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`vpc-lint: ${message}\n`);
  });

  it("accepts --include-suppressed=false without SARIF", () => {
    const run = runCli(["--snapshot", PRIVATE, "--include-suppressed=false"]);

    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
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

describe("flag values", () => {
  it.each([
    [["-o"], "-o needs a value; pass --output FILE"],
    [["-f"], "-f needs a value; pass --format NAME"],
    [["--region"], "--region needs a value; pass --region REGION"],
    [["--require-service"], "--require-service needs a value; pass --require-service NAME"],
    [["--baseline"], "--baseline needs a value; pass --baseline FILE"],
    [["--write-baseline"], "--write-baseline needs a value; pass --write-baseline FILE"],
    [["--snapshot"], "--snapshot needs a value; pass --snapshot FILE|DIR"],
    [["--fail-on"], "--fail-on needs a value; pass --fail-on error, warning, info or never"],
    [["--concurrency"], "--concurrency needs a value; pass --concurrency N"],
    [["-o", "-f", "json"], "-o needs a value"],
  ])("rejects a bare %j", (flags, message) => {
    const run = runCli(["-s", PUBLIC, ...flags]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`vpc-lint: ${message}`);
  });

  it.each([
    ["--region", "--region was given an empty value; pass --region REGION"],
    ["--require-service", "--require-service was given an empty value"],
    ["--config", "--config was given an empty value; pass --config FILE"],
    ["-o", "--output was given an empty value; pass --output FILE"],
    ["--write-baseline", "--write-baseline was given an empty value"],
  ])("rejects an empty %s value", (flag, message) => {
    const run = runCli(["-s", PUBLIC, flag, ""]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`vpc-lint: ${message}`);
  });

  it.each([[["-s" + DEMO, "-fjson"]], [["-s=" + DEMO, "-f=json"]]])(
    "reads values written against short flags: %j",
    (flags) => {
      const spaced = runCli(["-s", DEMO, "-f", "json", "--fail-on", "never"]);
      const run = runCli([...flags, "--fail-on", "never"]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(spaced.stdout);
      expect(run.stdout).toContain('"ruleId": "nat64-route-blackhole"');
    },
  );

  it.each([
    [
      ["-s", PUBLIC, "--fail-on", "Error"],
      '--fail-on "Error" is not an allowed value; pass --fail-on error, warning, info or never\n',
    ],
    [
      ["rules", "--format", "xml"],
      '--format "xml" is not an allowed value; pass --format text or --format json\n',
    ],
  ])("names the value and choices of %j", (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`vpc-lint: ${message}`);
  });

  it("names the flag of a bad value written against it", () => {
    const run = runCli(["-s", PUBLIC, "-ffoo"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: --format foo: unknown format foo");
  });

  it("rejects an empty value written as -s=", () => {
    const run = runCli(["-s="]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: --snapshot was given an empty value");
  });

  it("rejects a service list naming none", () => {
    const run = runCli(["-s", PUBLIC, "--require-service", " , "]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--require-service " , " names no service');
  });

  it("names a non-numeric --concurrency value", () => {
    const run = runCli(["-s", PUBLIC, "--concurrency", "abc"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'vpc-lint: --concurrency "abc" is not a whole number from 1 to 64; ' +
        "pass --concurrency N with N from 1 to 64\n",
    );
  });

  it("rejects a repeated --subnet in explain", () => {
    const run = runCli([
      "explain",
      "-s",
      DEMO,
      "--subnet",
      "subnet-0a1b2c3d4e5f60033",
      "--subnet",
      "subnet-0a1b2c3d4e5f60012",
      "--service",
      "ssm",
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: --subnet was given 2 times (subnet-0a1b2c3d4e5f60033, subnet-0a1b2c3d4e5f60012) " +
        "but takes one value; explain follows one subnet, so run it once for each subnet\n",
    );
  });

  it("rejects explain without input", () => {
    const run = runCli(["explain", "--subnet", "subnet-0a1b2c3d4e5f60033", "--service", "ssm"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: nothing to explain: pass --snapshot FILE to read a file, or --vpc VPC_ID or " +
        "--all-vpcs to collect live VPCs\n",
    );
  });

  it("names a missing Subnets section in explain", async () => {
    const file = await variant("no-subnets.json", (input) => {
      delete input.Subnets;
      input.Errors = [{ Operation: "DescribeSubnets", Code: "UnauthorizedOperation", Message: "" }];
    });
    const run = runCli([
      "explain",
      "-s",
      file,
      "--subnet",
      "subnet-0a1b2c3d4e5f60012",
      "--service",
      "ssm",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: --subnet subnet-0a1b2c3d4e5f60012 is not in the snapshot because " +
        "DescribeSubnets failed with UnauthorizedOperation; collect the snapshot again with " +
        "ec2:DescribeSubnets allowed\n",
    );
  });

  it("rejects an unknown subnet in explain", () => {
    const run = runCli([
      "explain",
      "-s",
      PUBLIC,
      "--subnet",
      "subnet-0a1b2c3d4e5f60099",
      "--service",
      "ssm",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: --subnet subnet-0a1b2c3d4e5f60099 is not in the snapshot; check the subnet id\n",
    );
  });

  it("rejects explain with --snapshot and --vpc", () => {
    const run = runCli([
      "explain",
      "-s",
      DEMO,
      "--vpc",
      "vpc-0a1b2c3d4e5f60003",
      "--subnet",
      "subnet-0a1b2c3d4e5f60033",
      "--service",
      "ssm",
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: --snapshot and --vpc cannot be combined: explain reads one kind of input per run\n",
    );
  });

  it("rejects a repeated single-value flag", () => {
    const run = runCli(["-s", PUBLIC, "-o", "a.txt", "-o", "b.txt"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--output was given 2 times (a.txt, b.txt) but takes one value");
  });
});

describe("several outputs", () => {
  it("write nothing when one path fails", async () => {
    const directory = join(workspace, "all-or-nothing");
    await mkdir(directory);
    const existing = join(directory, "kept.json");
    await writeFile(existing, "old");
    const missing = join(directory, "missing", "x.sarif");
    const run = runCli([
      "-s",
      DEMO,
      "-f",
      `json=${existing}`,
      "-f",
      `markdown=${join(directory, "new.md")}`,
      "-f",
      `sarif=${missing}`,
      "-f",
      "text",
      "--write-baseline",
      join(directory, "baseline.json"),
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `vpc-lint: ${missing}: cannot write the file (ENOENT); check that its directory exists ` +
        "and is writable; no output file was written\n",
    );
    expect(await readFile(existing, "utf8")).toBe("old");
    expect(await readdir(directory)).toEqual(["kept.json"]);
  });

  it("write every file when all succeed", async () => {
    const directory = join(workspace, "all-written");
    await mkdir(directory);
    const run = runCli([
      "-s",
      DEMO,
      "-f",
      `json=${join(directory, "report.json")}`,
      "-f",
      `sarif=${join(directory, "report.sarif")}`,
      "-f",
      "text",
      "--write-baseline",
      join(directory, "baseline.json"),
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("nat64-route-blackhole");
    expect(run.stderr).toMatch(/^wrote .*baseline\.json \(\d+ findings\)\n/);
    expect((await readdir(directory)).sort()).toEqual([
      "baseline.json",
      "report.json",
      "report.sarif",
    ]);
  });
});

describe("help", () => {
  it.each([["--help"], ["collect", "--help"], ["explain", "--help"]])(
    "says that --concurrency limits the calls of each Region: %s",
    (...args) => {
      // Regions are collected in parallel, each under its own limit.
      const run = runCli(args);
      expect(run.status).toBe(0);
      expect(run.stdout.replace(/\s+/g, " ")).toContain(
        "Maximum AWS API calls in flight at once in each Region, from 1 to 64",
      );
    },
  );

  it.each([["-h"], ["rules", "-h"], ["explain", "-h"]])("takes -h for --help: %s", (...args) => {
    const run = runCli(args);
    const long = runCli([...args.slice(0, -1), "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(long.stdout);
  });

  it("states the per-Region limit in README", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(
      "| `--concurrency` N | AWS API calls in flight at once in each Region, from 1 to 64",
    );
  });
});

describe("colour", () => {
  const terminal = { isTTY: true };

  it("colours text on a terminal", () => {
    expect(isColorTerminal(terminal, {})).toBe(true);
  });

  it("keeps colour for an empty NO_COLOR", () => {
    // NO_COLOR turns colour off only when it is set to a value other than the empty string.
    expect(isColorTerminal(terminal, { NO_COLOR: "" })).toBe(true);
  });

  it("drops colour for NO_COLOR set", () => {
    expect(isColorTerminal(terminal, { NO_COLOR: "1" })).toBe(false);
  });

  it("drops colour off a terminal", () => {
    expect(isColorTerminal({ isTTY: false }, {})).toBe(false);
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

  it.each([["-f", "json"], ["-fjson"], ["-f=json"]])(
    "takes -f for --format, as the lint does: %s",
    (...flag) => {
      const run = runCli(["rules", ...flag]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(runCli(["rules", "--format", "json"]).stdout);
    },
  );

  it("names -f with a format rules cannot print", () => {
    const run = runCli(["rules", "-f", "sarif"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'vpc-lint: --format "sarif" is not an allowed value; pass --format text or --format json\n',
    );
  });
});

describe("error messages", () => {
  it("escapes controls quoted from input", async () => {
    const path = await variant("bidi.json", (input) => {
      const subnet = input.Subnets?.[0];
      if (subnet) subnet.CidrBlock = "10.0.0.0/24\u202e";
    });
    const result = runCli(["--snapshot", path]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("\\u202e");
    expect(result.stderr).not.toContain("\u202e");
  });
});

describe("files a run must not replace", () => {
  it("keeps a read-only report file", async () => {
    // A folder of its own that any user may write to, outside the private workspace.
    const folder = await mkdtemp(join(tmpdir(), "vpc-lint-read-only-"));
    await chmod(folder, 0o777);
    const target = join(folder, "report.json");
    await writeFile(target, "old");
    await chmod(target, 0o444);
    // Permission checks do not apply to root, so the run drops to an unprivileged user then.
    const asRoot = process.getuid?.() === 0;
    const command = asRoot
      ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath]
      : [process.execPath];
    const run = spawnSync(
      command[0] as string,
      [...command.slice(1), CLI, "-s", PUBLIC, "-f", "json", "-o", target],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      },
    );

    const content = await readFile(target, "utf8");
    await rm(folder, { recursive: true, force: true });

    expect(run.stderr).toContain("EACCES");
    expect(run.status).toBe(2);
    expect(content).toBe("old");
  });

  it("keeps the config file", async () => {
    const folder = join(workspace, "config-kept");
    await mkdir(folder, { recursive: true });
    const config = join(folder, ".vpc-lint.json");
    await writeFile(config, "{}");
    const run = runCli(["-s", PUBLIC, "-f", `json=${config}`, "--config", config]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`names the same file as the input file ${config}`);
    expect(await readFile(config, "utf8")).toBe("{}");
  });

  it.each([
    ["results.sarif", "sarif"],
    ["report.JSON", "json"],
    ["summary.md", "markdown"],
  ])("rejects -o %s without a format", (name, format) => {
    const target = join(workspace, name);
    const run = runCli(["-s", PUBLIC, "-o", target]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`-o ${target} would contain the text report, the default format`);
    expect(run.stderr).toContain(`add --format ${format}`);
  });

  it("writes text to -o report.txt", async () => {
    const target = join(workspace, "report.txt");
    const run = runCli(["-s", PUBLIC, "-o", target]);

    expect(run.status).toBe(0);
    expect(await readFile(target, "utf8")).toMatch(/0 errors, 0 warnings/);
  });

  it("names -o when it would replace the input", async () => {
    const input = join(workspace, "kept-input.json");
    await writeFile(input, await readFile(PUBLIC, "utf8"));
    const run = runCli(["-s", input, "-f", "json", "-o", input]);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `vpc-lint: -o ${input} names the same file as the input file ${input}, so one would ` +
        "overwrite the other; give it a file of its own\n",
    );
    expect(await readFile(input, "utf8")).toBe(await readFile(PUBLIC, "utf8"));
  });

  it("keeps the baseline a report would replace", async () => {
    const baseline = join(workspace, "kept-baseline.json");
    expect(runCli(["-s", DEMO, "--write-baseline", baseline]).status).toBe(0);
    const before = await readFile(baseline, "utf8");
    const run = runCli(["-s", DEMO, "--baseline", baseline, "-f", `json=${baseline}`]);

    expect(run.status).toBe(2);
    expect(await readFile(baseline, "utf8")).toBe(before);
  });

  it("lets a baseline be rewritten in place", async () => {
    const baseline = join(workspace, "refreshed-baseline.json");
    runCli(["-s", DEMO, "--write-baseline", baseline]);
    const run = runCli(["-s", DEMO, "--baseline", baseline, "--write-baseline", baseline]);

    expect(run.status).not.toBe(2);
  });
});

describe("warnings", () => {
  it("escape controls quoted from input", async () => {
    const rename = (input: Snapshot): void => {
      const subnet = input.Subnets?.[0];
      if (subnet) subnet.SubnetId = "subnet-\u202eodd";
    };
    const first = await variant("odd-a.json", rename);
    const second = await variant("odd-b.json", (input) => {
      rename(input);
      const subnet = input.Subnets?.[0];
      if (subnet) subnet.MapPublicIpOnLaunch = !subnet.MapPublicIpOnLaunch;
    });
    const run = runCli(["-s", first, "-s", second, "--fail-on", "never"]);

    expect(run.stderr).toContain("subnet-\\u202eodd appears in");
    expect(run.stderr).not.toContain("\u202e");
  });
});

describe("copies that differ between merged files", () => {
  const MONDAY = "2026-12-01T08:15:00.000Z";
  const TUESDAY = "2026-12-02T08:15:00.000Z";

  /** Writes the example as collected on Monday and a copy without the NAT64 route on Tuesday. */
  async function staleAndFresh(prefix: string): Promise<{ stale: string; fresh: string }> {
    const stale = await variant(`${prefix}-stale.json`, (input) => {
      input.Source = { ...input.Source, CollectedAt: MONDAY };
    });
    const fresh = await variant(`${prefix}-fresh.json`, (input) => {
      input.Source = { ...input.Source, CollectedAt: TUESDAY };
      for (const table of input.RouteTables ?? []) {
        table.Routes = table.Routes?.filter(
          (route) => route.DestinationIpv6CidrBlock !== "64:ff9b::/96",
        );
      }
    });
    return { stale, fresh };
  }

  it("lint the later copy in either file order", async () => {
    const { stale, fresh } = await staleAndFresh("order");
    const forward = runCli(["-s", stale, "-s", fresh, "-f", "json"]);
    const backward = runCli(["-s", fresh, "-s", stale, "-f", "json"]);

    expect(forward.status).toBe(1);
    expect(backward.status).toBe(1);
    const errors = (run: CliRun) => (JSON.parse(run.stdout) as Report).summary.error;
    expect(errors(forward)).toBeGreaterThan(0);
    expect(errors(forward)).toBe(errors(backward));
  });

  it("appear in the JSON report and on standard error", async () => {
    const { stale, fresh } = await staleAndFresh("json");
    const run = runCli(["-s", stale, "-s", fresh, "-f", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    const line =
      `RouteTables: rtb-0a1b2c3d4e5f60003 appears in ${stale} and ${fresh} with different ` +
      `content; the copy in ${fresh} is used because its Source.CollectedAt ${TUESDAY} is ` +
      `later than ${MONDAY} in ${stale}`;

    expect(report.warnings).toEqual([line]);
    expect(run.stderr).toBe(`warning: ${line}\n`);
  });

  it("appear in the SARIF and Markdown reports", async () => {
    const { stale, fresh } = await staleAndFresh("sarif");
    const run = runCli(["-s", stale, "-s", fresh, "-f", "sarif"]);
    const sarif = JSON.parse(run.stdout) as {
      runs: {
        invocations: { toolConfigurationNotifications: { message: { text: string } }[] }[];
      }[];
    };
    const notes = sarif.runs[0]?.invocations[0]?.toolConfigurationNotifications ?? [];
    const markdown = runCli(["-s", stale, "-s", fresh, "-f", "markdown"]).stdout;

    expect(notes.map((note) => note.message.text)).toEqual([
      expect.stringContaining("rtb-0a1b2c3d4e5f60003 appears in"),
    ]);
    expect(markdown).toContain("rtb-0a1b2c3d4e5f60003 appears in");
  });

  it("keep the JSON report the same across runs", async () => {
    const { stale, fresh } = await staleAndFresh("repeat");
    const args = ["-s", stale, "-s", fresh, "-f", "json", "-f", "sarif"];

    expect(runCli(args).stdout).toBe(runCli(args).stdout);
  });

  it("leave a single file's report without warnings", () => {
    const run = runCli(["-s", PUBLIC, "-f", "json"]);

    expect((JSON.parse(run.stdout) as Report).warnings).toEqual([]);
    expect(run.stderr).toBe("");
  });
});

/** The parts of the JSON report these tests read. */
interface Report {
  summary: { error: number };
  warnings: string[];
}

describe("switches", () => {
  it("reject a value other than true or false", () => {
    const run = runCli(["-s", PUBLIC, "--require-complete=foo"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--require-complete was given the value "foo"');
  });

  it("accept true and false", () => {
    expect(runCli(["-s", PUBLIC, "--require-complete=false"]).status).toBe(0);
    expect(runCli(["-s", PUBLIC, "--all-vpcs=false"]).status).toBe(0);
  });
});

describe("the -- separator", () => {
  it("rejects arguments after it", () => {
    const run = runCli(["-s", PUBLIC, "--", "extra.json"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("arguments after -- (extra.json) are not read");
  });
});

describe("an interrupted run", () => {
  it("removes its temporary files", async () => {
    const folder = await mkdtemp(join(workspace, "interrupted-"));
    const fifo = join(folder, "results.sarif");
    execFileSync("mkfifo", [fifo]);
    // The FIFO has no reader, so the run blocks writing it after staging the JSON report.
    const child = spawn(
      process.execPath,
      [CLI, "-s", PUBLIC, "-f", `json=${join(folder, "report.json")}`, "-f", `sarif=${fifo}`],
      { stdio: "ignore" },
    );
    const staged = async (): Promise<string[]> =>
      (await readdir(folder)).filter((name) => name.endsWith(".tmp"));
    for (let wait = 0; wait < 100 && (await staged()).length === 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await staged()).toHaveLength(1);
    const ended = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_, signal) => resolve(signal)),
    );
    child.kill("SIGTERM");

    expect(await ended).toBe("SIGTERM");
    expect(await readdir(folder)).toEqual(["results.sarif"]);
  });

  it.each([["-s", "-"], ["--snapshot", "-"], ["--snapshot=-"]])(
    "reads the snapshot from standard input with %s %s",
    (...args) => {
      const input = join(EXAMPLES, "public-nat64.json");
      const run = spawnSync(process.execPath, [CLI, ...args, "--format", "json"], {
        input: readFileSync(input, "utf8"),
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).summary.total).toBeGreaterThan(0);
    },
  );

  /** Runs `vpc-lint -s -` with the input piped to its standard input. */
  const lintPiped = (input: string) =>
    spawnSync(process.execPath, [CLI, "-s", "-"], {
      input,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });

  it("names empty standard input as such", () => {
    const run = lintPiped("");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "vpc-lint: standard input is empty, so the command that piped into vpc-lint may have " +
        "failed; run it again\n",
    );
  });

  it("names truncated standard input", () => {
    const run = lintPiped('{"Subnets": [');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^vpc-lint: standard input: not valid JSON \(/);
  });

  it.each([
    [["-s", "x.json", "--profile", "dev"], "--profile", "--snapshot"],
    [["-s", "x.json", "--concurrency", "16"], "--concurrency", "--snapshot"],
    [["--template", "t.yaml", "--profile", "dev"], "--profile", "--template"],
    [
      ["explain", "-s", "x.json", "--subnet", "s", "--service", "ssm", "--concurrency=3"],
      "--concurrency",
      "--snapshot",
    ],
  ])("rejects %j, a flag only live collection reads", (args, flag, input) => {
    const run = runCli(args);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `vpc-lint: ${flag} applies only to live collection with --vpc or --all-vpcs; ` +
        `leave it out with ${input}\n`,
    );
  });

  it("accepts --region with a snapshot, as CI passes it with any input", () => {
    const run = runCli(["-s", join(EXAMPLES, "public-nat64.json"), "--region", "us-east-1"]);

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("rejects standard input given twice", () => {
    const input = join(EXAMPLES, "public-nat64.json");
    const run = spawnSync(process.execPath, [CLI, "-s", "-", "--snapshot=-"], {
      input: readFileSync(input, "utf8"),
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: --snapshot - was given 2 times, but standard input can be read only once; " +
        "pass it once\n",
    );
  });

  it("stops while waiting for a snapshot pipe", async () => {
    const folder = await mkdtemp(join(workspace, "waiting-"));
    const fifo = join(folder, "snapshot.json");
    execFileSync("mkfifo", [fifo]);
    // The pipe has no writer, so reading it waits; start-up is over well within the pause.
    const child = spawn(process.execPath, [CLI, "-s", fifo], { stdio: "ignore" });
    const ended = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_, signal) => resolve(signal)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill("SIGTERM");
    const stuck = setTimeout(() => child.kill("SIGKILL"), 5000);

    expect(await ended).toBe("SIGTERM");
    clearTimeout(stuck);
  });
});

describe("standard output closed early", () => {
  it("ends with the lint's exit code and no error", async () => {
    const file = join(workspace, "large.json");
    await writeFile(
      file,
      JSON.stringify(generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: 300 })),
    );
    const child = spawn(
      process.execPath,
      [CLI, "--snapshot", file, "--format", "json", "--every-path", "--fail-on", "never"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head`, the reader takes the first chunk and closes the pipe.
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(stderr).not.toContain("EPIPE");
    expect(status).toBe(0);
  });

  it("ends with the lint's exit code when standard error closes too", async () => {
    // The text report, about 200 KB, fills the pipe, so the reader closes it mid-report.
    const snapshot = generateSnapshot({ seed: 3, vpcs: 8, subnetsPerVpc: 300 });
    // Without NAT gateways checks are skipped, and the text report lists them on standard error
    // after the report.
    delete snapshot.NatGateways;
    const file = join(workspace, "large-skipped.json");
    const statusFile = join(workspace, "status");
    await writeFile(file, JSON.stringify(snapshot));
    // The shell writes the run's exit code to a file, since the pipeline's status is head's.
    const script =
      '{ "$0" "$1" --snapshot "$2" --fail-on never 2>&1; echo $? > "$3"; } | head -c 10 > /dev/null';
    spawnSync("sh", ["-c", script, process.execPath, CLI, file, statusFile], { cwd: ROOT });

    expect(readFileSync(statusFile, "utf8").trim()).toBe("0");
  });
});

describe("--region with --snapshot", () => {
  it.each([["eu-west-1"], ["eu-west-1,ap-south-1"]])("warns for %s", (region) => {
    const run = runCli(["--snapshot", DEMO, "--region", region, "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      `warning: --region ${region} does not apply to --snapshot, and the snapshot was collected ` +
        "in us-east-1, the Region its findings name; leave out --region, or lint a snapshot " +
        `collected in ${region.replace(",", " or ")}\n`,
    );
  });

  it.each([["us-east-1"], ["eu-west-1,us-east-1"]])("stays quiet for %s", (region) => {
    const run = runCli(["--snapshot", DEMO, "--region", region, "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain("does not apply to --snapshot");
  });

  /** Writes each section of the demo example to a file of its own, as AWS CLI outputs are. */
  async function cliOutputs(): Promise<string> {
    const directory = join(workspace, "cli-outputs");
    await mkdir(directory, { recursive: true });
    const demo = JSON.parse(await readFile(DEMO, "utf8")) as Record<string, unknown>;
    for (const [section, items] of Object.entries(demo)) {
      if (section === "SnapshotVersion" || section === "Source") continue;
      await writeFile(join(directory, `${section}.json`), JSON.stringify({ [section]: items }));
    }
    return directory;
  }

  it("warns for the Region of AWS CLI outputs without Source", async () => {
    const directory = await cliOutputs();
    const run = runCli(["--snapshot", directory, "--region", "eu-west-1", "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      "warning: --region eu-west-1 does not apply to --snapshot, and the snapshot was collected " +
        "in us-east-1",
    );
  });

  it.each([
    ["warns", "eu-west-1", true],
    ["stays quiet", "us-east-1", false],
  ])("%s in explain for %s", (_, region, warned) => {
    const subnet = "subnet-0a1b2c3d4e5f60012";
    const args = ["explain", "-s", PUBLIC, "--subnet", subnet, "--service", "ssm"];
    const run = runCli([...args, "--region", region]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(subnet);
    expect(run.stderr.includes(`warning: --region ${region} does not apply to --snapshot`)).toBe(
      warned,
    );
  });

  it("stays quiet for the Region of AWS CLI outputs", async () => {
    const directory = await cliOutputs();
    const run = runCli(["--snapshot", directory, "--region", "us-east-1", "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain("does not apply to --snapshot");
  });
});

describe("explain", () => {
  const APP = "subnet-0a1b2c3d4e5f60012";
  const NAT_SUBNET = "subnet-0a1b2c3d4e5f60011";
  const explain = (file: string, subnet: string) =>
    runCli(["explain", "-s", file, "--subnet", subnet, "--service", "ssm"]);
  /** Returns the NAT gateway's subnet in a copy of the public example. */
  const natSubnetOf = (input: Snapshot): Subnet =>
    input.Subnets?.find((candidate) => candidate.SubnetId === NAT_SUBNET) as Subnet;
  /** Adds a copy of an instance's interface beside the NAT gateway's, so the subnet hosts a workload. */
  const addNatSubnetWorkload = (input: Snapshot) => {
    const workload = input.NetworkInterfaces?.find((eni) => eni.SubnetId === APP);
    input.NetworkInterfaces?.push({
      ...workload,
      NetworkInterfaceId: "eni-0a1b2c3d4e5f60009",
      SubnetId: NAT_SUBNET,
    });
  };

  it("prints no note for a subnet a lint checks", () => {
    const run = explain(PUBLIC, APP);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Every hop works.");
    expect(run.stdout).not.toContain("Not checked by a lint");
    expect(run.stdout).not.toContain("Not required by a lint");
  });

  it("notes a path that recent agents do not need", () => {
    const run = runCli(["explain", "-s", PUBLIC, "--subnet", APP, "--service", "ec2messages"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "Not required by a lint: every SSM Agent in the subnet is 3.3.40.0 or later and connects " +
        "through ssmmessages, so a lint reports no break on this path.\n",
    );
  });

  it("notes a service the subnet does not require", () => {
    const args = ["explain", "-s", PRIVATE, "--subnet", "subnet-0a1b2c3d4e5f60023"];
    const run = runCli([...args, "--service", "kms"]);
    const required = runCli([...args, "--service", "kms", "--require-service", "kms"]);

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "fix: Create an interface endpoint for com.amazonaws.us-east-1.kms with private DNS enabled",
    );
    expect(run.stdout).toContain(
      "Not required by a lint: kms is not among the services this subnet requires, so a lint " +
        "reports no break on this path; name it with --require-service, the config file or the " +
        "vpc-lint:services tag.\n",
    );
    expect(required.stdout).not.toContain("Not required by a lint");
  });

  it("notes a Session Manager path of a subnet without instances", async () => {
    const file = await variant("lambda-only.json", (snapshot) => {
      snapshot.Reservations = [];
      snapshot.InstanceInformationList = [];
      for (const eni of snapshot.NetworkInterfaces ?? []) {
        if (eni.SubnetId !== APP) continue;
        eni.InterfaceType = "lambda";
        delete eni.Attachment;
      }
    });
    const run = explain(file, APP);
    expect(run.stdout).toContain(
      "Not required by a lint: the subnet hosts no instance, and Session Manager reaches " +
        "instances only, so a lint reports no break on this path.\n",
    );
    expect(run.stdout).not.toContain("Not checked by a lint");
  });

  it("notes a subnet without workloads, which a lint leaves out", async () => {
    const file = await variant("no-workloads", (snapshot) => {
      snapshot.Reservations = [];
      snapshot.NetworkInterfaces = snapshot.NetworkInterfaces?.filter(
        (item) => item.SubnetId !== APP,
      );
    });
    const run = explain(file, APP);
    expect(run.stdout).toContain(
      "Not checked by a lint: the subnet hosts no instance or other workload yet",
    );
  });

  it("reads the rule levels of --config", async () => {
    const config = join(workspace, "explain-off.json");
    await writeFile(config, JSON.stringify({ rules: { "nat64-route-missing": "off" } }));
    const args = [
      "explain",
      "-s",
      DEMO,
      "--subnet",
      "subnet-0a1b2c3d4e5f60033",
      "--service",
      "ssm",
    ];
    const plain = runCli(args);
    const configured = runCli([...args, "--config", config]);

    expect(plain.stdout).not.toContain("config:");
    expect(plain.stdout).toContain("fix: Add a route 64:ff9b::/96");
    expect(configured.status).toBe(1);
    expect(configured.stdout).toContain("fix: Add a route 64:ff9b::/96");
    expect(configured.stdout).not.toContain("fix: see docs/rules/");
    expect(configured.stdout).toContain(
      "config: the config file turns nat64-route-missing off, so a lint does not report it\n",
    );
  });

  it("finds the config file in the working directory", async () => {
    const folder = await mkdtemp(join(workspace, "explain-config-"));
    await writeFile(join(folder, ".vpc-lint.yaml"), "rules:\n  nat64-route-missing: info\n");
    const run = runCli(
      ["explain", "-s", DEMO, "--subnet", "subnet-0a1b2c3d4e5f60033", "--service", "ssm"],
      {},
      folder,
    );

    expect(run.stdout).toContain(
      "config: the config file sets nat64-route-missing to info, so a lint reports it as info\n",
    );
  });

  it("rejects an invalid config file as the lint does", async () => {
    const config = join(workspace, "explain-invalid.json");
    await writeFile(config, JSON.stringify({ rules: { "nat64-route-missing": "loud" } }));
    const run = runCli([
      "explain",
      "-s",
      DEMO,
      "--subnet",
      "subnet-0a1b2c3d4e5f60033",
      "--service",
      "ssm",
      "-c",
      config,
    ]);
    const lint = runCli(["-s", DEMO, "-c", config]);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(lint.stderr);
  });

  it("accepts --require-service", () => {
    const run = runCli([
      "explain",
      "-s",
      PUBLIC,
      "--subnet",
      APP,
      "--service",
      "ssm",
      "--require-service",
      "kms",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Every hop works.");
  });

  it("qualifies a working path with warnings", () => {
    const fixture = join(
      ROOT,
      "docs",
      "rules",
      "examples",
      "dualstack-name-needs-client-setting.json",
    );
    const run = runCli([
      "explain",
      "-s",
      fixture,
      "--subnet",
      "subnet-0a1b2c3d4e5f6a002",
      "--service",
      "kms",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("The path works, but only in the cases the warnings name.");
    expect(run.stdout).not.toContain("Every hop works.");
  });

  it("prints the load warnings on standard error", async () => {
    const stale = await variant("explain-stale.json", (input) => {
      input.Source = { ...input.Source, CollectedAt: "2026-12-01T08:15:00.000Z" };
    });
    const fresh = await variant("explain-fresh.json", (input) => {
      input.Source = { ...input.Source, CollectedAt: "2026-12-02T08:15:00.000Z" };
      for (const table of input.RouteTables ?? []) {
        table.Routes = table.Routes?.filter(
          (route) => route.DestinationIpv6CidrBlock !== "64:ff9b::/96",
        );
      }
    });
    const run = runCli(["explain", "-s", stale, "-s", fresh, "--subnet", APP, "--service", "ssm"]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the copy in ${fresh} is used because`);
  });

  it("names unknown DNS64 of a dual-stack subnet", async () => {
    const file = await variant("explain-dns64-unknown.json", (input) => {
      delete natSubnetOf(input).EnableDns64;
      addNatSubnetWorkload(input);
    });

    const run = explain(file, NAT_SUBNET);
    const lint = runCli(["-s", file]);

    // The path stops at the unknown attribute, so explain exits as for any unknown path.
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${NAT_SUBNET} -> ssm (ssm.us-east-1.amazonaws.com): unknown`);
    expect(run.stdout).toMatch(/ 3 {2}unknown {2}dns +EnableDns64 is not in the snapshot\n/);
    expect(run.stdout).toContain(
      "Not checked by a lint: the subnet has IPv4 addresses and EnableDns64 is not in the " +
        "snapshot, so it is unknown whether its workloads use DNS64 and NAT64; a lint lists its " +
        "paths as skipped.\n",
    );
    expect(lint.stderr).toContain(
      `  nat64-route-missing for ${NAT_SUBNET}: EnableDns64 is not in the snapshot\n`,
    );
    expect(lint.stderr).toContain(
      `nacl-blocks-nat64, private-nat64-to-public-destination, public-nat-subnet-no-igw-route, ` +
        `public-nat64-leaks-service-traffic, s3-gateway-endpoint-not-on-nat-path for ` +
        `${NAT_SUBNET}: EnableDns64 is not in the snapshot, so whether its workloads use NAT64 ` +
        "is unknown\n",
    );
  });

  it("skips no path of a subnet without workloads and DNS64", async () => {
    const file = await variant("explain-dns64-unknown-idle.json", (input) => {
      delete natSubnetOf(input).EnableDns64;
    });

    const run = explain(file, NAT_SUBNET);
    const lint = runCli(["-s", file]);

    expect(run.stdout).toContain(
      "Not checked by a lint: the subnet hosts no instance or other workload yet; the path " +
        "matters once one is launched.\n",
    );
    expect(lint.stderr).not.toContain("so whether its workloads use NAT64 is unknown");
  });

  it("traces no path from a subnet without IPv6", async () => {
    const file = await variant("explain-ipv4-only.json", (input) => {
      const subnet = natSubnetOf(input);
      delete subnet.EnableDns64;
      subnet.Ipv6CidrBlockAssociationSet = [];
    });
    const run = explain(file, NAT_SUBNET);
    expect(run.stdout).toBe(
      `${NAT_SUBNET} -> ssm: not traced, because the subnet has no IPv6 prefix, so its ` +
        "workloads reach services over IPv4.\n",
    );
  });

  it("skips paths without DNS64 and an IPv6 association set", async () => {
    const file = await variant("explain-no-ipv6-set.json", (input) => {
      const subnet = natSubnetOf(input);
      delete subnet.EnableDns64;
      delete subnet.Ipv6CidrBlockAssociationSet;
      addNatSubnetWorkload(input);
    });

    const run = explain(file, NAT_SUBNET);
    const lint = runCli(["-s", file]);

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${NAT_SUBNET} -> ssm (ssm.us-east-1.amazonaws.com): unknown`);
    expect(run.stdout).toContain(
      "Not checked by a lint: the subnet has IPv4 addresses and EnableDns64 and " +
        "Ipv6CidrBlockAssociationSet are not in the snapshot, so it is unknown whether its " +
        "workloads use DNS64 and NAT64; a lint lists its paths as skipped.\n",
    );
    expect(lint.stderr).toContain(
      `${NAT_SUBNET}: EnableDns64 and Ipv6CidrBlockAssociationSet are not in the snapshot, so ` +
        "whether its workloads use NAT64 is unknown\n",
    );
  });

  it("traces no path without DNS64 or an IPv6 association set", async () => {
    const file = await variant("explain-dns64-off-no-ipv6-set.json", (input) => {
      delete natSubnetOf(input).Ipv6CidrBlockAssociationSet;
    });
    const run = explain(file, NAT_SUBNET);
    expect(run.stdout).toBe(
      `${NAT_SUBNET} -> ssm: not traced, because the subnet has IPv4 addresses and DNS64 is not ` +
        "enabled, so its workloads reach services over IPv4.\n",
    );
  });

  it("traces no path from a dual-stack subnet without DNS64", () => {
    const run = explain(PUBLIC, NAT_SUBNET);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${NAT_SUBNET} -> ssm: not traced, because the subnet has IPv4 addresses and DNS64 is not ` +
        "enabled, so its workloads reach services over IPv4.\n",
    );
  });
});
