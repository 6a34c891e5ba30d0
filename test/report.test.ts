/**
 * The JSON report against its schema, and the text report against stored output. To rewrite the
 * stored output after an intended change, run `UPDATE_GOLDEN=1 npx vitest run test/report.test.ts`
 * and review the diff.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { formatJson } from "../src/report/json.js";
import { formatMarkdown } from "../src/report/markdown.js";
import { formatSarif } from "../src/report/sarif.js";
import { formatSkipped, formatText } from "../src/report/text.js";
import { DEFAULT_SETTINGS, runLint, type RunResult } from "../src/run.js";
import reportSchema from "../src/schemas/report.schema.json" with { type: "json" };
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import { CORPUS, EXAMPLES, HAS_CORPUS, ROOT } from "./helpers.js";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const GOLDEN = join(ROOT, "test", "golden", "broken-nat64.txt");
const ESCAPE = "\u001b[";

// Union types such as ["string", "number"] are valid JSON Schema, but strict mode rejects them
// unless allowUnionTypes is set.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validateReport = ajv.compile(reportSchema);

async function lintFiles(paths: string[]): Promise<RunResult> {
  const loaded = await loadSnapshotFiles(paths);
  return runLint([{ snapshot: loaded.snapshot, files: loaded.files }], {
    settings: DEFAULT_SETTINGS,
  });
}

/** Parses a JSON report and returns the schema errors, which a valid report has none of. */
function schemaErrors(result: RunResult) {
  const report: unknown = JSON.parse(formatJson(result));
  validateReport(report);
  return validateReport.errors ?? [];
}

const examples = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith(".json"))
  .sort();

describe("JSON report", () => {
  it.each(examples)("for examples/%s matches the report schema", async (name) => {
    const result = await lintFiles([join(EXAMPLES, name)]);
    expect(schemaErrors(result)).toEqual([]);
  });

  it("carries the findings, skipped checks and summary of the run", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));
    expect(report.schemaVersion).toBe(2);
    expect(report.tool).toEqual({ name: "vpc-lint", version: result.tool.version });
    expect(report.findings).toEqual(JSON.parse(JSON.stringify(result.findings)));
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.summary.total).toBe(report.findings.length);
    expect(report.summary.error).toBe(
      report.findings.filter((finding: { severity: string }) => finding.severity === "error")
        .length,
    );
  });

  it("rejects a report with a finding missing its fingerprint", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));
    delete report.findings[0].fingerprint;
    expect(validateReport(report)).toBe(false);
  });

  it("rejects an unreachable path without hops", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));
    expect(report.reachability[0].verdict).toBe("unreachable");
    delete report.reachability[0].hops;

    expect(validateReport(report)).toBe(false);
  });

  it("carries the assumption warnings of the run", async () => {
    const loaded = await loadSnapshotFiles([join(EXAMPLES, "public-nat64.json")]);
    delete loaded.snapshot.HostedZones;
    const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });
    const report = JSON.parse(formatJson(result));

    expect(report.warnings).toEqual([
      "HostedZones is not in the snapshot for 111122223333, us-east-1, so the path checks " +
        "assumed that no private hosted zone answers for a service's name",
    ]);
    expect(schemaErrors(result)).toEqual([]);
  });

  it("carries the load warnings of its input first", async () => {
    const loaded = await loadSnapshotFiles([join(EXAMPLES, "public-nat64.json")]);
    delete loaded.snapshot.HostedZones;
    const input = { snapshot: loaded.snapshot, warnings: ["a.json: skipped, not valid JSON"] };
    const report = JSON.parse(formatJson(runLint([input], { settings: DEFAULT_SETTINGS })));

    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toBe("a.json: skipped, not valid JSON");
    expect(report.warnings[1]).toMatch(/^HostedZones is not in the snapshot/);
  });

  it("lists no warnings for a complete snapshot", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));

    expect(report.warnings).toEqual([]);
  });

  it("accepts a report without warnings, as earlier versions wrote", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));
    delete report.warnings;

    expect(validateReport(report)).toBe(true);
    expect(report.schemaVersion).toBe(2);
  });

  it("keeps the hops of flagged paths", async () => {
    for (const name of ["broken-nat64.json", "public-nat64.json"]) {
      const result = await lintFiles([join(EXAMPLES, name)]);
      const entries = JSON.parse(formatJson(result)).reachability as {
        hops?: { status: string }[];
      }[];

      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry.hops?.some((hop) => hop.status !== "ok")).toBe(true);
      }
    }
  });

  it("leaves out clean paths' hops and optional paths", async () => {
    const result = await lintFiles([join(EXAMPLES, "private-nat64-endpoints.json")]);
    const trimmed = JSON.parse(formatJson(result)).reachability as {
      required: boolean;
      hops?: unknown[];
    }[];

    expect(trimmed.length).toBeGreaterThan(0);
    expect(trimmed.every((entry) => entry.required)).toBe(true);
    expect(trimmed.every((entry) => entry.hops === undefined)).toBe(true);
    expect(schemaErrors(result)).toEqual([]);
  });

  it("lists every path in full with everyPath", async () => {
    const result = await lintFiles([join(EXAMPLES, "private-nat64-endpoints.json")]);
    const trimmed = JSON.parse(formatJson(result)).reachability as unknown[];
    const full = JSON.parse(formatJson(result, { everyPath: true })).reachability as {
      service: string;
      required: boolean;
      verdict: string;
      hops: { status: string }[];
    }[];
    const optional = full.filter((entry) => !entry.required);

    expect(optional.map((entry) => entry.service)).toEqual(["ec2messages", "ec2messages"]);
    for (const entry of full) {
      expect(entry.verdict).toBe("reachable");
      expect(entry.hops.length).toBeGreaterThan(0);
      expect(entry.hops.every((hop) => hop.status === "ok")).toBe(true);
    }
    const required = full.filter((entry) => entry.required);
    expect(required.map(({ hops: _hops, ...summary }) => summary)).toEqual(trimmed);
  });

  it("rejects an empty warning", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const report = JSON.parse(formatJson(result));
    report.warnings = [""];

    expect(validateReport(report)).toBe(false);
  });

  const corpusCase = HAS_CORPUS
    ? "for the published AWS examples matches the report schema"
    : "for the published AWS examples: skipped because the corpus directory is absent";

  it.skipIf(!HAS_CORPUS)(corpusCase, async () => {
    const loadable: string[] = [];
    for (const name of readdirSync(CORPUS)
      .filter((file) => file.endsWith(".json"))
      .sort()) {
      const result = await lintFiles([join(CORPUS, name)]).catch(() => undefined);
      if (!result) continue;
      loadable.push(name);
      expect({ name, errors: schemaErrors(result) }).toEqual({ name, errors: [] });
    }
    expect(loadable.length).toBeGreaterThan(0);
    expect(schemaErrors(await lintFiles([CORPUS]))).toEqual([]);
  });
});

describe("text report", () => {
  it("for examples/broken-nat64.json matches the stored output", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const text = formatText(result, { color: false });
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("uses colour only when asked", async () => {
    const result = await lintFiles([join(EXAMPLES, "broken-nat64.json")]);
    const plain = formatText(result, { color: false });
    const coloured = formatText(result, { color: true });
    expect(plain).not.toContain(ESCAPE);
    expect(coloured).toContain(`${ESCAPE}31merror  ${ESCAPE}0m`);
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("reports a clean run in one summary line", async () => {
    const result = await lintFiles([join(EXAMPLES, "private-nat64-endpoints.json")]);
    const errors = result.summary.error;
    expect(errors).toBe(0);
    expect(formatText(result, { color: false }).split("\n").at(-2)).toMatch(
      /^0 errors, 0 warnings, \d+ info in 1 VPC$/,
    );
  });

  it("lists skipped checks apart from the findings", () => {
    expect(formatSkipped([])).toBe("");
    expect(
      formatSkipped([
        {
          ruleId: "nat64-route-missing",
          reason: "EnableDns64 is not in the snapshot",
          resourceIds: ["subnet-a"],
        },
        { ruleId: "instance-imds-ipv6-disabled", reason: "Reservations was not collected" },
      ]),
    ).toBe(
      "Checks that did not run, so they did not pass either:\n" +
        "  nat64-route-missing for subnet-a: EnableDns64 is not in the snapshot\n" +
        "  instance-imds-ipv6-disabled: Reservations was not collected\n",
    );
  });

  it("puts rules skipped for one reason and resources on one line", () => {
    const gap = { reason: "prefix list pl-1 was not collected", resourceIds: ["subnet-a"] };
    expect(
      formatSkipped([
        { ruleId: "nacl-blocks-nat64", ...gap },
        { ruleId: "instance-sg-egress-blocks-nat64", reason: gap.reason },
        { ruleId: "endpoint-sg-blocks-nat64-source", ...gap },
        { ruleId: "endpoint-sg-blocks-ipv6-clients", ...gap, resourceIds: ["subnet-b"] },
      ]),
    ).toBe(
      "Checks that did not run, so they did not pass either:\n" +
        "  nacl-blocks-nat64, endpoint-sg-blocks-nat64-source for subnet-a: " +
        "prefix list pl-1 was not collected\n" +
        "  instance-sg-egress-blocks-nat64: prefix list pl-1 was not collected\n" +
        "  endpoint-sg-blocks-ipv6-clients for subnet-b: prefix list pl-1 was not collected\n",
    );
  });
});

/** A map that counts the reads of its entries. */
class CountingMap<K, V> extends Map<K, V> {
  reads = 0;
  override get(key: K): V | undefined {
    this.reads += 1;
    return super.get(key);
  }
  override has(key: K): boolean {
    this.reads += 1;
    return super.has(key);
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.reads += 1;
    return super[Symbol.iterator]();
  }
}

describe("lines of a snapshot file", () => {
  it("stay unread by text and Markdown", async () => {
    const loaded = await loadSnapshotFiles([join(EXAMPLES, "broken-nat64.json")]);
    const locations = new CountingMap(loaded.locations);
    const result = runLint([{ snapshot: loaded.snapshot, files: loaded.files, locations }], {
      settings: DEFAULT_SETTINGS,
    });

    expect(formatText(result, { color: false })).toContain("subnet-");
    expect(formatMarkdown(result)).toContain("subnet-");
    expect(locations.reads).toBe(0);
    // SARIF points at the lines, so the count does move.
    formatSarif(result);
    expect(locations.reads).toBeGreaterThan(0);
  });
});

describe("skipped checks of several Regions", () => {
  /** Lints the public NAT64 example as collected in two Regions, both without VpcAttributes. */
  async function twoRegions(): Promise<RunResult> {
    const loaded = await loadSnapshotFiles([join(EXAMPLES, "public-nat64.json")]);
    const inputs = ["us-east-1", "eu-west-1"].map((region) => {
      const snapshot = structuredClone(loaded.snapshot);
      snapshot.Source = { ...snapshot.Source, Region: region };
      delete snapshot.VpcAttributes;
      return { snapshot };
    });
    return runLint(inputs, { settings: DEFAULT_SETTINGS });
  }

  const east = "(account 111122223333, us-east-1): VpcAttributes was not collected";
  const west = "(account 111122223333, eu-west-1): VpcAttributes was not collected";

  it("name the Region on standard error", async () => {
    const result = await twoRegions();
    const lines = formatSkipped(result.skipped, result.source).split("\n");
    expect(lines).toContain(`  vpc-dns-hostnames-disabled, vpc-dns-support-disabled ${east}`);
    expect(lines).toContain(`  vpc-dns-hostnames-disabled, vpc-dns-support-disabled ${west}`);
  });

  it("name the Region in Markdown", async () => {
    const lines = formatMarkdown(await twoRegions()).split("\n");
    expect(lines).toContain(`- Rule \`vpc-dns-support-disabled\` did not run ${east}`);
    expect(lines).toContain(`- Rule \`vpc-dns-support-disabled\` did not run ${west}`);
  });

  it("keep a SARIF notification per Region", async () => {
    const log = JSON.parse(formatSarif(await twoRegions())) as {
      runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[];
    };
    const texts = log.runs[0]?.invocations[0]?.toolExecutionNotifications.map(
      (notification) => notification.message.text,
    );
    expect(texts).toContain(`Rule vpc-dns-support-disabled did not run ${east}.`);
    expect(texts).toContain(`Rule vpc-dns-support-disabled did not run ${west}.`);
  });

  it("leave a single Region unnamed", async () => {
    const result = await lintFiles([join(EXAMPLES, "public-nat64.json")]);
    const skip = { ruleId: "vpc-dns-support-disabled", reason: "VpcAttributes was not collected" };
    expect(formatSkipped([{ ...skip, region: "us-east-1" }], result.source)).toBe(
      "Checks that did not run, so they did not pass either:\n" +
        "  vpc-dns-support-disabled: VpcAttributes was not collected\n",
    );
  });
});
