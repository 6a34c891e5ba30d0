import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../src/engine/types.js";
import { InputError } from "../src/errors.js";
import { formatJson } from "../src/report/json.js";
import { DEFAULT_SETTINGS, exitCodeOf, runLint } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import type { Snapshot } from "../src/snapshot/types.js";
import {
  formatBaseline,
  parseBaseline,
  staleBaselineWarning,
  staleEntries,
  type BaselineFile,
} from "../src/suppress/baseline.js";
import { EXAMPLES, ROOT, runCli } from "./helpers.js";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const BROKEN = join(EXAMPLES, "broken-nat64.json");
let workspace = "";
let snapshot: Snapshot;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-baseline-"));
  snapshot = (await loadSnapshotFiles([BROKEN])).snapshot;
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function parseError(text: string): string {
  try {
    parseBaseline("base.json", text);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error("the baseline parsed without an error");
}

function withFailedCall(): Snapshot {
  const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
  copy.Errors = [
    { Operation: "DescribeNatGateways", Code: "UnauthorizedOperation", Message: "Denied." },
  ];
  return copy;
}

describe("baseline file", () => {
  it("lists every finding once, sorted by rule and resource", () => {
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const file = JSON.parse(formatBaseline(result.findings)) as BaselineFile;
    expect(file.baselineVersion).toBe(1);
    expect(file.findings.map((entry) => entry.fingerprint).sort()).toEqual(
      [...new Set(result.findings.map((f) => f.fingerprint))].sort(),
    );
    const keys = file.findings.map((entry) => `${entry.ruleId} ${entry.resourceId}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("sorts the same in every locale", () => {
    // In Danish collation "aa" sorts after "z", and AWS ids and fingerprints are hexadecimal.
    const findings = ["rtb-0ab1", "rtb-0aa1", "rtb-0az1"].map((id, position) => ({
      ruleId: "nat64-route-blackhole",
      fingerprint: `${position}`.repeat(32),
      resource: { id },
    }));
    const module = pathToFileURL(join(ROOT, "dist", "suppress", "baseline.js")).href;
    const script =
      `import { formatBaseline } from ${JSON.stringify(module)};\n` +
      "process.stdout.write(formatBaseline(JSON.parse(process.argv[1])));";
    for (const locale of ["C.UTF-8", "da_DK.UTF-8"]) {
      const run = spawnSync(
        process.execPath,
        ["--input-type=module", "-e", script, JSON.stringify(findings)],
        { encoding: "utf8", env: { PATH: process.env.PATH ?? "", LC_ALL: locale, LANG: locale } },
      );
      expect(run.stderr).toBe("");
      const file = JSON.parse(run.stdout) as BaselineFile;
      expect(
        file.findings.map((entry) => entry.resourceId),
        locale,
      ).toEqual(["rtb-0aa1", "rtb-0ab1", "rtb-0az1"]);
    }
  });

  it("leaves out suppressed and snapshot-incomplete findings", () => {
    const suppressions = [
      { rule: "nat64-route-blackhole", reason: "r", origin: "cfg /suppressions/0" },
    ];
    const result = runLint([{ snapshot: withFailedCall() }], {
      settings: DEFAULT_SETTINGS,
      suppressions,
    });
    const rules = (JSON.parse(formatBaseline(result.findings)) as BaselineFile).findings.map(
      (e) => e.ruleId,
    );
    expect(result.findings.map((f) => f.ruleId)).toContain("snapshot-incomplete");
    expect(rules).not.toContain("snapshot-incomplete");
    expect(rules).not.toContain("nat64-route-blackhole");
  });

  it("reads back the fingerprints it wrote", () => {
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const { fingerprints, entries } = parseBaseline("base.json", formatBaseline(result.findings));
    expect([...fingerprints].sort()).toEqual(
      [...new Set(result.findings.map((f) => f.fingerprint))].sort(),
    );
    expect(entries.map((entry) => entry.fingerprint).sort()).toEqual([...fingerprints].sort());
  });

  it("records the account and Region of each entry", () => {
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const { entries } = parseBaseline("base.json", formatBaseline(result.findings));
    const scopes = new Set(entries.map((entry) => `${entry.accountId} ${entry.region}`));
    expect([...scopes]).toEqual([`${snapshot.Source?.AccountId} ${snapshot.Source?.Region}`]);
  });

  it.each([
    ["broken JSON", "{", /^base\.json: the baseline is not valid JSON \(/],
    [
      "another file",
      '{"runs": []}',
      /^base\.json: not a vpc-lint baseline; expected an object with "baselineVersion": 1/,
    ],
    [
      "an empty file",
      " \n",
      /^base\.json: the baseline is empty; write one with --write-baseline base\.json, which lists /,
    ],
    [
      "a bad fingerprint",
      '{"baselineVersion": 1, "findings": [{"fingerprint": "XYZ"}]}',
      /^base\.json: \/findings\/0\/fingerprint is "XYZ", expected 32 lowercase hexadecimal digits/,
    ],
    [
      "a null entry",
      '{"baselineVersion": 1, "findings": [null]}',
      /^base\.json: \/findings\/0 is null, expected an object with a fingerprint/,
    ],
    [
      "an entry without a fingerprint",
      '{"baselineVersion": 1, "findings": [{"ruleId": "nat64-cross-az"}]}',
      /^base\.json: \/findings\/0 has no fingerprint, which --write-baseline writes/,
    ],
  ])("rejects %s", (_, text, message) => {
    expect(parseError(text)).toMatch(message);
  });
});

describe("runs against a baseline", () => {
  it("fail only on findings missing from it", () => {
    const first = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const known = new Set(first.findings.map((f) => f.fingerprint));
    const accepted = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS, baseline: known });
    expect(accepted.findings.every((f) => f.baselineState === "unchanged")).toBe(true);
    expect(accepted.summary.unchanged).toBe(accepted.findings.length);
    expect(exitCodeOf(accepted, "info", false)).toBe(0);

    const blackhole = first.findings.find((f) => f.ruleId === "nat64-route-blackhole") as Finding;
    known.delete(blackhole.fingerprint);
    const partial = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS, baseline: known });
    const fresh = partial.findings.filter((f) => f.baselineState === "new").map((f) => f.ruleId);
    expect(fresh).toEqual(["nat64-route-blackhole"]);
    expect(exitCodeOf(partial, "error", false)).toBe(1);
  });

  it("give a JSON report that matches its schema", () => {
    const first = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const known = new Set(first.findings.slice(1).map((f) => f.fingerprint));
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS, baseline: known });
    const report = JSON.parse(formatJson(result)) as { summary: { unchanged?: number } };
    const schemaPath = join(ROOT, "src", "schemas", "report.schema.json");
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary.unchanged).toBe(
      result.findings.filter((f) => known.has(f.fingerprint)).length,
    );
  });

  it("never accept snapshot-incomplete", () => {
    const failed = withFailedCall();
    const first = runLint([{ snapshot: failed }], { settings: DEFAULT_SETTINGS });
    const everything = new Set(first.findings.map((f) => f.fingerprint));
    const result = runLint([{ snapshot: failed }], {
      settings: DEFAULT_SETTINGS,
      baseline: everything,
    });
    const incomplete = result.findings.find((f) => f.ruleId === "snapshot-incomplete");
    expect(incomplete?.baselineState).toBe("new");
    expect(exitCodeOf(result, "error", false)).toBe(1);
  });
});

describe("stale baseline entries", () => {
  /** Returns the broken example's baseline and a run over a copy whose blackhole route is fixed. */
  function fixedBlackhole(change: (copy: Snapshot) => void = () => undefined) {
    const baseline = parseBaseline(
      "base.json",
      formatBaseline(runLint([{ snapshot }], { settings: DEFAULT_SETTINGS }).findings),
    );
    const copy = structuredClone(snapshot);
    for (const table of copy.RouteTables ?? []) {
      for (const route of table.Routes ?? []) {
        if (route.State === "blackhole") route.State = "active";
      }
    }
    for (const nat of copy.NatGateways ?? []) nat.State = "available";
    change(copy);
    const result = runLint([{ snapshot: copy }], {
      settings: DEFAULT_SETTINGS,
      baseline: baseline.fingerprints,
    });
    return { baseline, result };
  }

  it("names the entry of a fixed finding", () => {
    const { baseline, result } = fixedBlackhole();
    const stale = staleEntries(baseline, result);
    expect(stale.map((entry) => entry.ruleId)).toEqual(["nat64-route-blackhole"]);
    expect(staleBaselineWarning("base.json", stale)).toBe(
      `base.json: 1 entry matches no finding, although this run checked the resource with the ` +
        `rule, so the finding was fixed: nat64-route-blackhole on ${stale[0]?.resourceId}; ` +
        "write the baseline again with --write-baseline base.json so it accepts no more than it must",
    );
  });

  it("lists five stale entries and counts the rest", () => {
    const stale = Array.from({ length: 7 }, (_, position) => ({
      fingerprint: String(position).padStart(32, "0"),
      ruleId: "nat64-route-blackhole",
      resourceId: `rtb-${position}`,
    }));
    expect(staleBaselineWarning("base.json", stale)).toBe(
      "base.json: 7 entries match no finding, although this run checked their resources with " +
        "their rules, so those findings were fixed: nat64-route-blackhole on rtb-0, " +
        "nat64-route-blackhole on rtb-1, nat64-route-blackhole on rtb-2, nat64-route-blackhole " +
        "on rtb-3, nat64-route-blackhole on rtb-4 and 2 more; write the baseline again with " +
        "--write-baseline base.json so it accepts no more than it must",
    );
  });

  it("names entries of one rule and resource once", () => {
    // Three services of one VPC: the entries differ only in their fingerprints.
    const stale = Array.from({ length: 3 }, (_, position) => ({
      fingerprint: String(position).padStart(32, "0"),
      ruleId: "ssm-endpoint-missing",
      resourceId: "vpc-0",
    }));
    stale.push({
      fingerprint: "9".repeat(32),
      ruleId: "nat64-route-blackhole",
      resourceId: "rtb-0",
    });
    expect(staleBaselineWarning("base.json", stale)).toBe(
      "base.json: 4 entries match no finding, although this run checked their resources with " +
        "their rules, so those findings were fixed: ssm-endpoint-missing on vpc-0 (3 entries), " +
        "nat64-route-blackhole on rtb-0; write the baseline again with --write-baseline " +
        "base.json so it accepts no more than it must",
    );
  });

  it("keeps entries whose findings remain", () => {
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const baseline = parseBaseline("base.json", formatBaseline(result.findings));
    expect(staleEntries(baseline, result)).toEqual([]);
    expect(staleBaselineWarning("base.json", [])).toBeUndefined();
  });

  it("keeps an entry whose resource is not in the run", () => {
    const { baseline, result } = fixedBlackhole((copy) => {
      copy.RouteTables = copy.RouteTables?.filter((table) =>
        table.Routes?.every((route) => !route.NatGatewayId),
      );
    });
    const blackhole = baseline.entries.find((entry) => entry.ruleId === "nat64-route-blackhole");
    expect(blackhole).toBeDefined();
    expect(staleEntries(baseline, result)).not.toContainEqual(blackhole);
  });

  it("keeps the entries of a rule that skipped a check", () => {
    const { baseline, result } = fixedBlackhole();
    result.skipped.push({ ruleId: "nat64-route-blackhole", reason: "data missing" });
    expect(staleEntries(baseline, result)).toEqual([]);
  });

  it("keeps the entries of a rule turned off", () => {
    const { baseline, result } = fixedBlackhole();
    result.severities = new Map([["nat64-route-blackhole", "off"]]);
    expect(staleEntries(baseline, result)).toEqual([]);
  });

  it("keeps another account's entries on the same resources", () => {
    // A VPC shared through AWS RAM has the same resource ids in the owner's and a participant's
    // snapshots, and each account's findings have fingerprints of their own.
    const inAccount = (accountId: string): Snapshot => {
      const copy = structuredClone(snapshot);
      copy.Source = { ...copy.Source, AccountId: accountId };
      return copy;
    };
    const owner = runLint([{ snapshot: inAccount("444455556666") }], {
      settings: DEFAULT_SETTINGS,
    });
    const participant = runLint([{ snapshot: inAccount("111122223333") }], {
      settings: DEFAULT_SETTINGS,
    });
    const baseline = parseBaseline(
      "base.json",
      formatBaseline([...owner.findings, ...participant.findings]),
    );
    const result = runLint([{ snapshot: inAccount("111122223333") }], {
      settings: DEFAULT_SETTINGS,
      baseline: baseline.fingerprints,
    });

    expect(result.summary.unchanged).toBe(participant.findings.length);
    expect(staleEntries(baseline, result)).toEqual([]);
  });

  it("names a fixed entry of the linted account only", () => {
    const { baseline, result } = fixedBlackhole();
    const elsewhere = baseline.entries.map((entry) => ({ ...entry, accountId: "444455556666" }));
    const stale = staleEntries(
      { ...baseline, entries: [...baseline.entries, ...elsewhere] },
      result,
    );
    expect(stale.map((entry) => entry.ruleId)).toEqual(["nat64-route-blackhole"]);
    expect(stale[0]?.accountId).toBe(snapshot.Source?.AccountId);
  });

  it("keeps entries written without account and Region", () => {
    const { baseline, result } = fixedBlackhole();
    const entries = baseline.entries.map(({ fingerprint, ruleId, resourceId }) => ({
      fingerprint,
      ruleId,
      resourceId,
    }));
    expect(staleEntries({ ...baseline, entries }, result)).toEqual([]);
  });

  it("warns on standard error through --baseline", async () => {
    const path = join(workspace, "stale.json");
    const fixed = join(workspace, "fixed.json");
    const { result } = fixedBlackhole();
    await writeFile(fixed, JSON.stringify(result.snapshots[0]));
    runCli(["--snapshot", BROKEN, "--write-baseline", path]);

    const run = runCli(["--snapshot", fixed, "--baseline", path]);
    expect(run.stderr).toContain(
      `warning: ${path}: 1 entry matches no finding, although this run checked the resource`,
    );
    const rewrite = runCli(["--snapshot", fixed, "--baseline", path, "--write-baseline", path]);
    expect(rewrite.stderr).not.toContain("matches no finding");
  });
});

describe("baseline flags", () => {
  it("--write-baseline accepts today's findings and --baseline reads them", async () => {
    const path = join(workspace, "written.json");
    const write = runCli(["--snapshot", BROKEN, "--write-baseline", path, "--format", "json"]);
    expect(write.status).toBe(0);
    expect(write.stderr).toMatch(/^wrote .*written\.json \(\d+ findings\)\n$/);
    const file = JSON.parse(await readFile(path, "utf8")) as BaselineFile;
    expect(file.findings.length).toBeGreaterThan(0);

    const check = runCli(["--snapshot", BROKEN, "--baseline", path, "--format", "json"]);
    expect(check.status).toBe(0);
    const report = JSON.parse(check.stdout) as {
      findings: Finding[];
      summary: { unchanged: number };
    };
    expect(report.findings.every((f) => f.baselineState === "unchanged")).toBe(true);
    expect(report.summary.unchanged).toBe(report.findings.length);
  });

  it("--baseline fails on a finding that is not in it", async () => {
    const path = join(workspace, "partial.json");
    runCli(["--snapshot", BROKEN, "--write-baseline", path]);
    const file = JSON.parse(await readFile(path, "utf8")) as BaselineFile;
    file.findings = file.findings.filter((entry) => entry.ruleId !== "nat64-route-blackhole");
    await writeFile(path, JSON.stringify(file));

    const run = runCli(["--snapshot", BROKEN, "--baseline", path, "--fail-on", "error"]);
    expect(run.status).toBe(1);
    const marked = run.stdout.split("\n").filter((line) => line.endsWith("(new)"));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain("nat64-route-blackhole");
    expect(run.stdout).toMatch(/; 1 new, \d+ in the baseline\n$/);
  });

  it("--write-baseline - exits 2", () => {
    const run = runCli(["--snapshot", BROKEN, "--write-baseline", "-"], {}, workspace);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: --write-baseline - would write a file named -;");
    expect(run.stdout).toBe("");
    expect(existsSync(join(workspace, "-"))).toBe(false);
  });

  it("--baseline reads a file with a byte order mark", async () => {
    const path = join(workspace, "bom.json");
    runCli(["--snapshot", BROKEN, "--write-baseline", path]);
    await writeFile(path, `\uFEFF${await readFile(path, "utf8")}`);

    const run = runCli(["--snapshot", BROKEN, "--baseline", path]);

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/; 0 new, \d+ in the baseline\n$/);
  });

  it("--baseline with a missing file exits 2", () => {
    const run = runCli(["--snapshot", BROKEN, "--baseline", join(workspace, "absent.json")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("absent.json: file not found; check the --baseline path\n");
  });
});
