import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTargets } from "../src/report/formats.js";
import { EXAMPLES, runCli } from "./helpers.js";
import { githubProblems, schemaErrors } from "./sarif-validate.js";

const BROKEN = join(EXAMPLES, "broken-nat64.json");
let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-formats-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("--format and -o", () => {
  it.each([
    [[], undefined, [{ format: "text" }]],
    [["sarif"], undefined, [{ format: "sarif" }]],
    [["json"], "out.json", [{ format: "json", path: "out.json" }]],
    [
      ["text", "sarif=results.sarif", "markdown=summary.md"],
      undefined,
      [
        { format: "text" },
        { format: "sarif", path: "results.sarif" },
        { format: "markdown", path: "summary.md" },
      ],
    ],
    [["sarif=a=b.sarif"], undefined, [{ format: "sarif", path: "a=b.sarif" }]],
    [["json"], "-", [{ format: "json" }]],
    [
      ["json=-", "sarif=out.sarif"],
      undefined,
      [{ format: "json" }, { format: "sarif", path: "out.sarif" }],
    ],
  ])("%j with -o %s gives its targets", (specs, output, targets) => {
    expect(parseTargets(specs, output)).toEqual(targets);
  });

  it.each([
    [
      ["text", "json"],
      "out",
      "-o out names one file, but 2 formats were requested; give each format its own file with --format NAME=PATH instead",
    ],
    [
      ["text", "json"],
      undefined,
      "formats text, json would all go to standard output; give all but one a file, such as --format json=report.json",
    ],
    [
      ["sarif", "markdown"],
      undefined,
      "formats sarif, markdown would all go to standard output; give all but one a file, such as --format markdown=summary.md",
    ],
    [
      ["html"],
      undefined,
      "--format html: unknown format html; use one of text, json, sarif, markdown, asff",
    ],
    [["sarif="], undefined, "--format sarif=: the file name after = is empty"],
    [
      ["=report.json"],
      undefined,
      "--format =report.json: the format name before = is empty; use one of text, json, sarif, markdown, asff",
    ],
    [
      ["text", "json=-"],
      undefined,
      "formats text, json would all go to standard output; give all but one a file, such as --format json=report.json",
    ],
    [
      ["sarif=a.sarif"],
      "b.sarif",
      "-o b.sarif and --format sarif=a.sarif both name a file; keep one",
    ],
    [
      ["json=-"],
      "out.json",
      "-o out.json names a file, but --format json=- names standard output; keep one",
    ],
    [
      ["json=report.json"],
      "-",
      "-o - names standard output, but --format json=report.json names a file; keep one",
    ],
    [
      ["json=report.json", "sarif=results.sarif"],
      "-",
      "-o - names standard output, but --format json=report.json and --format sarif=results.sarif name files; leave one format without =PATH",
    ],
  ])("%j with -o %s is rejected", (specs, output, message) => {
    expect(() => parseTargets(specs, output)).toThrow(message);
  });

  it("CLI writes each format to its own file", async () => {
    const directory = await mkdtemp(join(workspace, "out-"));
    const sarif = join(directory, "results.sarif");
    const markdown = join(directory, "summary.md");
    const run = runCli([
      "--snapshot",
      BROKEN,
      "--format",
      "text",
      "--format",
      `sarif=${sarif}`,
      "--format",
      `markdown=${markdown}`,
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("nat64-route-blackhole");
    const log = JSON.parse(await readFile(sarif, "utf8")) as Record<string, any>;
    expect(schemaErrors(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    expect(await readFile(markdown, "utf8")).toMatch(/^## vpc-lint\n/);
    expect((await readdir(directory)).sort()).toEqual(["results.sarif", "summary.md"]);
  });

  it("CLI replaces an existing report file whole", async () => {
    const directory = await mkdtemp(join(workspace, "replace-"));
    const path = join(directory, "report.json");
    await writeFile(path, "x".repeat(100_000));
    const run = runCli([
      "--snapshot",
      BROKEN,
      "--format",
      "json",
      "-o",
      path,
      "--fail-on",
      "never",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    const report = JSON.parse(await readFile(path, "utf8")) as { schemaVersion: number };
    expect(report.schemaVersion).toBe(2);
    expect(await readdir(directory)).toEqual(["report.json"]);
  });

  it("CLI exits 2 for -o with two formats", () => {
    const run = runCli([
      "--snapshot",
      BROKEN,
      "--format",
      "text",
      "--format",
      "json",
      "-o",
      "x.txt",
    ]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: -o x.txt names one file, but 2 formats were requested; give each format its own file with --format NAME=PATH instead\n",
    );
  });

  it("CLI keeps suppressed findings in SARIF on request", async () => {
    const directory = await mkdtemp(join(workspace, "suppressed-"));
    const config = join(directory, "config.json");
    await writeFile(
      config,
      JSON.stringify({
        suppressions: [{ rule: "nat64-route-blackhole", reason: "NAT gateway swap" }],
      }),
    );
    const ruleIds = (args: string[]) => {
      const run = runCli(["--snapshot", BROKEN, "--config", config, "--format", "sarif", ...args]);
      return (JSON.parse(run.stdout).runs[0].results as { ruleId: string }[]).map(
        (result) => result.ruleId,
      );
    };
    expect(ruleIds([])).not.toContain("nat64-route-blackhole");
    expect(ruleIds(["--include-suppressed"])).toContain("nat64-route-blackhole");
  });
});

describe("SARIF of several accounts", () => {
  it("points each result at its own account's file", async () => {
    const directory = await mkdtemp(join(workspace, "accounts-"));
    const owner = JSON.parse(await readFile(BROKEN, "utf8")) as {
      Source: { AccountId: string };
    };
    // A participant of the shared VPC describes the same ids. Its file is indented differently,
    // so every line differs from the owner's file.
    const participant = { ...owner, Source: { ...owner.Source, AccountId: "444455556666" } };
    await writeFile(join(directory, "owner.json"), JSON.stringify(owner, null, 2));
    await writeFile(join(directory, "participant.json"), JSON.stringify(participant, null, 4));
    const run = runCli(
      ["-s", "owner.json", "-s", "participant.json", "-f", "sarif", "--fail-on", "never"],
      {},
      directory,
    );
    expect(run.status).toBe(0);
    const log = JSON.parse(run.stdout);
    expect(schemaErrors(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    const lines = (await readFile(join(directory, "participant.json"), "utf8")).split("\n");
    const tableLine = lines.findIndex((line) =>
      line.includes('"RouteTableId": "rtb-0a1b2c3d4e5f60033"'),
    );
    const results = log.runs[0].results as {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: any } }[];
      relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
    const blackholes = results.filter((result) => result.ruleId === "nat64-route-blackhole");
    expect(blackholes.map((result) => result.locations[0]?.physicalLocation)).toEqual([
      { artifactLocation: { uri: "owner.json" }, region: expect.any(Object) },
      { artifactLocation: { uri: "participant.json" }, region: { startLine: tableLine + 1 } },
    ]);
    const relatedFiles = blackholes.map((result) => [
      ...new Set(result.relatedLocations?.map((r) => r.physicalLocation.artifactLocation.uri)),
    ]);
    expect(relatedFiles).toEqual([["owner.json"], ["participant.json"]]);
  });
});
