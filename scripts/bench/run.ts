/**
 * The benchmark suite behind `npm run bench`: start-up, lint scaling, snapshot files against a
 * bare JSON.parse, and the collector's round trips. Prints a table and writes docs/benchmarks.md.
 * Targets are checked here and reported, never in a test.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCollect, benchThrottled } from "./collect.js";
import { generateSnapshot } from "./generate.js";
import type { LintMeasurement, ParseMeasurement } from "./lint-child.js";
import type { NetworkAclEntry } from "@aws-sdk/client-ec2";
import type { Snapshot } from "../../src/snapshot/types.js";

const HERE = dirname(fileURLToPath(import.meta.url));
// The script runs compiled, from node_modules/.cache/vpc-lint-scripts/scripts/bench.
const ROOT = resolve(HERE, "../../../../..");
const CLI = join(ROOT, "dist", "cli.js");
const EXAMPLE = join(ROOT, "examples", "broken-nat64.json");
const LATENCY_MS = 100;
const START_RUNS = 9;
/** Runs of each variant of the 8k-subnet file, taken in turns. */
const CHOICE_RUNS = 7;

interface Row {
  name: string;
  figure: string;
  target: string;
  met: boolean | undefined;
}

const rows: Row[] = [];

/** Notes printed below the table, explaining what the figures measure and the missed targets. */
const NOTES = `## Notes

- Wall times include whatever else the machine runs at the time; CPU times count every thread
  of the measured process, the garbage collector's and the compiler's helpers included, so CPU
  exceeds wall time on two cores. The scaling checks use CPU time. Every lint runs as the first
  work of a fresh process, as \`vpc-lint --snapshot\` does. Each round of lints starts with a
  bare read and JSON.parse of the file in a fresh process of its own, and a parse ratio is the
  median over the rounds of the lint time over that round's parse. Until December 2026 the bare
  parse ran in the lint's own process, which then collected its garbage and linted. In
  alternating runs on the 8k file, that way measured the load about 40 ms longer than a fresh
  process does, and the text report's ratio at 4.34x against 4.12x.
- The second ratio of each 8k report is the target for validation, indexing, the rules and the
  report: the lint time less that round's bare reading, decoding and parse, over the parse. The
  lint reads, decodes and parses the file with the same calls as the bare run.
- The CPU targets depend on the machine's speed, which the \`node -e 0\` row and the bare
  JSON.parse time in the 8k rows show. Runs of the same code differ by 5-10% on a shared
  machine, so the four 8k-subnet variants that the parse ratios and the comparison of V8
  settings use take turns, ${CHOICE_RUNS} runs each.
- The 16k rows split the lint's CPU between the main thread and V8's helper threads, which run
  the garbage collector and the optimizing compiler. They also show the CPU of reading the file
  and a bare JSON.parse of it in a process of its own, the floor under any lint of that file.
- The row with denied ports adds two inbound deny rules for TCP 40000-50000 (IPv4 and IPv6) to
  every network ACL of the 8k file. Each IPv6-dependent subnet then loses part of its reply ports
  on each crossing to an endpoint subnet, one \`nacl-blocks-nat64\` warning per crossing, so the
  row measures a run with tens of thousands of findings.
- The generated resources carry the fields the AWS APIs return (instances, network interfaces and
  SSM registrations make up most of each file), so file sizes match collected snapshots of the
  same networks. Each lint row names its file size.
- Lint rows print the text report, which \`vpc-lint --snapshot\` prints by default; load is reading,
  parsing and validating the file, rules is indexing and every rule, report is rendering. The
  rows marked "with the JSON report" add its reachability section, one entry per required path
  of every IPv6-dependent subnet. Each measured process applies the V8 settings of the command
  line (src/v8-flags.ts): inlining off in the optimizing compiler, and room in the heap for a
  file of about 12 MiB or more. One row runs with V8's defaults.
- Where lint time goes at 8k subnets: reading and decoding the file take about a third of a
  bare JSON.parse (about 50 ms), and the parse's own garbage collection is part of both
  figures. Schema validation, the index, the path analysis and the other rules follow; the path
  analysis is more than half of the rules. Most of it is per IPv6-dependent subnet: its network ACL
  crossings into each endpoint subnet (one per AZ), its workloads' security groups and the
  first reading of its interfaces and instances. No two of the 7,155 IPv6-dependent subnets of
  that file share their route table, network ACL and workloads' security groups, so judging
  subnets of one configuration once would not shorten this lint. Unless a report prints every
  path, the analysis keeps the ok hops only of paths that stop at an unknown hop, and the JSON
  report traces a flagged path again in full to print it. Leaving them out of clean paths saved
  about 30 ms of wall time and 40 ms of CPU at 8k subnets (42 alternating runs). Each check on
  the IPv6 leg to an endpoint reads only some of a subnet's settings: the workloads' security
  groups, or the network ACL, the reply ports and which rule ranges contain the subnet's prefix.
  Without ok hops, a check that passed for one subnet is skipped for the next subnet whose
  settings it reads match. At 8k subnets about 3,200 of 29,000 such checks run, and the analysis
  alone took 231 against 259 ms (medians of 12 alternating runs).
- Most of a lint runs before V8's optimizing compiler has finished with the code. The rules of
  a second lint in the same process, over a freshly parsed copy with other prefixes, take about
  a third less time than the first lint's. The compiler works on the second core. With V8's
  default inlining it spent about 2 s of CPU on an 8k-subnet lint (node --trace-opt), more
  than the lint's own wall time, and single compile jobs took up to 90 ms. With inlining off it
  spent about 0.9 s, so optimized code arrives sooner. The row with V8's default settings also
  leaves out the room in the heap, so its saving is that of both settings together.
- Until its first full garbage collection, V8 lowers the old generation's limit after each
  young-generation collection by the average share of young objects that survived, down to a
  step above the heap. A parse keeps nearly every object, so after parsing the 8k file (46 MB of
  decoded text and 57 MB of values) the limit was 146 MB, against 512 MB at start-up, for a
  heap of 105 MB. The lint's first objects then started a full collection that marked the whole
  input, about 30 ms of the main thread and 110 ms of a helper thread, and freed almost
  nothing. So after decoding a file of about 12 MiB or more, and before parsing it, the command
  line makes a full collection of its still small heap. V8's growing factor is raised for that
  collection alone, which fixes a limit with room for four times the text. It costs about 5 ms. In alternating runs (median of 7) the 8k lint took 636 against 676 ms and
  82 ms less CPU, with no full collection during it. 500 VPCs of 20 subnets took 924 against
  1029 ms (median of 3).
  \`node --initial-old-space-size\` would do the same, but V8 reads it only at start-up,
  NODE_OPTIONS rejects it, and a \`#!/usr/bin/env -S node\` line would break the command where
  \`env\` has no \`-S\`, as in BusyBox.
- The row with endpoints reached through NAT64 makes every interface endpoint IPv4-only, the
  design of IPv6-only subnets with private NAT64, and every path then carries the info that its
  endpoint could be dual-stack. The leg from a NAT gateway to an endpoint reads nothing of the
  client subnet, so its checks run once per gateway and endpoint. The client's egress and
  network ACL checks toward the gateway are skipped for like subnets, as on the IPv6 leg. A
  flagged path that does not stop at an unknown hop gets its ok hops only when a report prints
  them. Before these changes this lint took 1058 ms against 752 ms after them (text report,
  medians of 5 alternating runs).
- The rows of the indented file lint the 8k file as \`vpc-lint collect\` writes a snapshot, with
  two-space indents. The text report reads no line numbers. SARIF points each result at its
  resource's line, found by one pass over the file. That pass jumps from quote to quote and steps
  over the nested lists of each resource, and its cost is the difference between the two rows.
- The JSON report lists the required paths, and clean ones without their hops: at 8k subnets it
  is about 7 MB. With --every-path it lists every path in full, 64 MB against the 44 MB
  snapshot, and printing it costs about as much as parsing the input.
- The collector makes two sequential rounds for any number of VPCs (the filtered first wave,
  then the look-ups that need its results), plus paging. Per VPC it adds two DescribeVpcAttribute
  calls and one ListHostedZonesByVPC call, since both APIs take a single VPC. Route 53 allows five
  requests per second per account, so the collector keeps at most four ListHostedZonesByVPC
  calls in flight, and those calls set the wall time of large collections.
- Start-up stays within three times \`node -e 0\` because \`dist/cli.js\` is an esbuild
  bundle whose snapshot validator is generated at build time; the AWS SDK sits in a chunk that
  loads only when collecting.
`;
const sections: string[] = [];

function record(name: string, figure: string, target = "", met?: boolean): void {
  rows.push({ name, figure, target, met });
  let mark = "";
  if (met !== undefined) mark = met ? "  ok" : "  MISSED";
  process.stdout.write(`${name.padEnd(48)} ${figure.padEnd(36)} ${target}${mark}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs a command under /usr/bin/time and returns its wall time and peak resident memory. */
function timeProcess(args: string[]): { wallMs: number; peakMiB: number } {
  const start = performance.now();
  const run = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const wallMs = performance.now() - start;
  const lines = run.stderr.trim().split("\n");
  return { wallMs, peakMiB: Number(lines.at(-1)) / 1024 };
}

function benchStart(): void {
  const bare: Array<{ wallMs: number; peakMiB: number }> = [];
  const lint: Array<{ wallMs: number; peakMiB: number }> = [];
  for (let run = 0; run < START_RUNS; run += 1) {
    bare.push(timeProcess(["-e", "0"]));
    lint.push(timeProcess([CLI, "--snapshot", EXAMPLE, "--fail-on", "never"]));
  }
  const bareMs = median(bare.map((run) => run.wallMs));
  const lintMs = median(lint.map((run) => run.wallMs));
  const bareMiB = median(bare.map((run) => run.peakMiB));
  const lintMiB = median(lint.map((run) => run.peakMiB));
  const ratio = lintMs / bareMs;
  record("node -e 0", `${bareMs.toFixed(0)} ms, ${bareMiB.toFixed(0)} MiB`);
  record(
    "vpc-lint --snapshot examples/broken-nat64.json",
    `${lintMs.toFixed(0)} ms, ${lintMiB.toFixed(0)} MiB`,
  );
  record("  time as a multiple of node -e 0", `${ratio.toFixed(2)}x`, "<= 3x", ratio <= 3);
  record("  memory as a multiple of node -e 0", `${(lintMiB / bareMiB).toFixed(2)}x`);
}

/** Runs of each lint measurement; the table shows the median of each figure. */
const LINT_RUNS = 5;

/** One lint run with the bare parse of the same round. */
type RoundMeasurement = LintMeasurement & ParseMeasurement;

/**
 * The medians of a file's lint runs. `parseRatio` is the median of each run's lint time over the
 * bare parse of its round, so a spell in which the machine is slow counts against both.
 * `restRatio` leaves the bare read and parse out of the lint time: it is the time of validation,
 * indexing, the rules and the report over the parse.
 */
interface LintRuns extends RoundMeasurement {
  parseRatio: number;
  restRatio: number;
}

/** Options of scripts/bench/lint-child.ts, after the format. */
type ChildOption = "every-path" | "v8-defaults";

/** One way to lint a file: the report format and the child's options. */
interface Variant {
  format: "text" | "json" | "sarif";
  options?: readonly ChildOption[];
}

/** Lints a file in fresh processes and returns the median of each figure over the runs. */
function lintFile(
  snapshotFile: string,
  format: "text" | "json",
  options: readonly ChildOption[] = [],
): LintRuns {
  return lintVariants(snapshotFile, [{ format, options }], LINT_RUNS)[0]!;
}

/**
 * Lints a file in each variant, in rounds: a bare parse of the file, then each variant, every one
 * in a fresh process, as a user's run starts. Taking turns makes a slow spell of the machine weigh
 * on every variant alike. Returns the medians of each variant's runs.
 */
function lintVariants(
  snapshotFile: string,
  variants: readonly Variant[],
  runs: number,
): LintRuns[] {
  const measured: RoundMeasurement[][] = variants.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    const parse = runChild<ParseMeasurement>([snapshotFile, "parse"]);
    variants.forEach(({ format, options = [] }, position) => {
      const lint = runChild<LintMeasurement>([snapshotFile, format, ...options]);
      measured[position]!.push({ ...lint, ...parse });
    });
  }
  return measured.map(medians);
}

/** Runs the benchmark child with `args` in a fresh process and returns the figures it prints. */
function runChild<T>(args: readonly string[]): T {
  // scripts/bench/bundle-child.mjs bundles the child like dist/cli.js, prebuilt validator included.
  const child = join(ROOT, "node_modules", ".cache", "vpc-lint-bench", "lint-child.mjs");
  const result = spawnSync(process.execPath, ["--max-old-space-size=4096", child, ...args], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`lint-child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function medians(runs: readonly RoundMeasurement[]): LintRuns {
  const of = (figure: (run: RoundMeasurement) => number): number => median(runs.map(figure));
  const main = runs.map((run) => run.lintMainCpuMs);
  return {
    readMs: of((run) => run.readMs),
    parseMs: of((run) => run.parseMs),
    readParseCpuMs: of((run) => run.readParseCpuMs),
    parseRatio: of((run) => run.lintMs / run.parseMs),
    restRatio: of((run) => (run.lintMs - run.readMs - run.parseMs) / run.parseMs),
    lintMs: of((run) => run.lintMs),
    lintCpuMs: of((run) => run.lintCpuMs),
    ...(main.every((value) => value !== undefined) && { lintMainCpuMs: median(main) }),
    phasesMs: {
      load: of((run) => run.phasesMs.load),
      rules: of((run) => run.phasesMs.rules),
      report: of((run) => run.phasesMs.report),
    },
    peakRssMiB: of((run) => run.peakRssMiB),
    findings: runs[0]!.findings,
  };
}

function describeLint(result: LintMeasurement): string {
  const { load, rules, report } = result.phasesMs;
  return (
    `${result.lintMs.toFixed(0)} ms (CPU ${result.lintCpuMs.toFixed(0)} ms; load ${load.toFixed(0)}, ` +
    `rules ${rules.toFixed(0)}, report ${report.toFixed(0)}), ${result.peakRssMiB.toFixed(0)} MiB`
  );
}

interface ScaleResult {
  file: string;
  megabytes: number;
  text: LintRuns;
}

function benchScale(
  directory: string,
  label: string,
  sizes: Array<[number, number]>,
): ScaleResult[] {
  const results: ScaleResult[] = [];
  for (const [vpcs, subnets] of sizes) {
    const file = join(directory, `bench-${vpcs}x${subnets}.json`);
    const content = JSON.stringify(generateSnapshot({ seed: 42, vpcs, subnetsPerVpc: subnets }));
    writeFileSync(file, content);
    const megabytes = Buffer.byteLength(content) / 2 ** 20;
    const text = lintFile(file, "text");
    results.push({ file, megabytes, text });
    const name =
      label === "subnets" ? `${subnets} subnets in one VPC` : `${vpcs} VPCs of ${subnets} subnets`;
    record(`lint ${name} (${megabytes.toFixed(0)} MB)`, describeLint(text));
  }
  return results;
}

/** Lints a file again with the JSON report, whose reachability section lists the required paths. */
function benchJson(result: ScaleResult, name: string): LintRuns {
  const json = lintFile(result.file, "json");
  record(`lint ${name} with the JSON report`, describeLint(json));
  return json;
}

/**
 * Lints the 8k-subnet file with the text and the JSON report, and with one choice undone each:
 * every path in full in the JSON report, and V8's default settings. The variants take turns, so
 * the parse ratios and the comparisons share the machine's conditions.
 */
function benchChoices(result: ScaleResult): { text: LintRuns; json: LintRuns } {
  const [text, json, everyPath, defaults] = lintVariants(
    result.file,
    [
      { format: "text" },
      { format: "json" },
      { format: "json", options: ["every-path"] },
      { format: "text", options: ["v8-defaults"] },
    ],
    CHOICE_RUNS,
  ) as [LintRuns, LintRuns, LintRuns, LintRuns];
  const name = "8000 subnets in one VPC";
  record(`lint ${name}, taking turns with the next three`, describeLint(text));
  record(`lint ${name} with the JSON report`, describeLint(json));
  record(`lint ${name}, JSON report with --every-path`, describeLint(everyPath));
  record(`lint ${name} with V8's default settings`, describeLint(defaults));
  const saved = 1 - text.lintMs / defaults.lintMs;
  const savedCpu = 1 - text.lintCpuMs / defaults.lintCpuMs;
  record(
    "  V8 settings of the command line: time and CPU saved",
    `${(saved * 100).toFixed(0)}% of wall time, ${(savedCpu * 100).toFixed(0)}% of CPU`,
  );
  return { text, json };
}

/**
 * Lints the 8k-subnet file after adding, to every network ACL, inbound rules that deny TCP
 * 40000-50000 from anywhere. Each IPv6-dependent subnet then loses part of its reply ports toward
 * each endpoint subnet, which gives one finding per crossing: the path of a run with many findings.
 */
function benchManyFindings(directory: string, result: ScaleResult): void {
  const snapshot = JSON.parse(readFileSync(result.file, "utf8")) as Snapshot;
  const denyRule = (ruleNumber: number, range: NetworkAclEntry): NetworkAclEntry => ({
    RuleNumber: ruleNumber,
    Protocol: "6",
    RuleAction: "deny",
    Egress: false,
    PortRange: { From: 40000, To: 50000 },
    ...range,
  });
  for (const acl of snapshot.NetworkAcls ?? []) {
    acl.Entries = [
      ...(acl.Entries ?? []),
      denyRule(50, { Ipv6CidrBlock: "::/0" }),
      denyRule(51, { CidrBlock: "0.0.0.0/0" }),
    ];
  }
  const file = join(directory, "bench-8000-denied-ports.json");
  writeFileSync(file, JSON.stringify(snapshot));
  const text = lintFile(file, "text");
  record(
    `lint 8000 subnets, every ACL denying ports 40000-50000 (${text.findings} findings)`,
    describeLint(text),
  );
}

/**
 * Lints the 8k-subnet file with IPv4-only interface endpoints, so that every path reaches its
 * endpoint through NAT64, the design of IPv6-only subnets with private NAT64. Each path then also
 * carries the info that the endpoint could be dual-stack, so none is clean.
 */
function benchNat64Endpoints(directory: string, result: ScaleResult): void {
  const snapshot = JSON.parse(readFileSync(result.file, "utf8")) as Snapshot;
  for (const endpoint of snapshot.VpcEndpoints ?? []) {
    if (endpoint.VpcEndpointType !== "Interface") continue;
    endpoint.IpAddressType = "ipv4";
    endpoint.DnsOptions = { DnsRecordIpType: "ipv4" };
  }
  const file = join(directory, "bench-8000-nat64-endpoints.json");
  writeFileSync(file, JSON.stringify(snapshot));
  const [text, json] = lintVariants(file, [{ format: "text" }, { format: "json" }], LINT_RUNS);
  const name = "lint 8000 subnets, endpoints reached through NAT64";
  record(name, describeLint(text!));
  record(`${name}, with the JSON report`, describeLint(json!));
}

/**
 * Lints the 8k-subnet file written as `vpc-lint collect` writes a snapshot, indented by two
 * spaces, with the text and the SARIF report. SARIF points each result at its resource's line,
 * which the other reports do not read, so the difference is the cost of finding the lines.
 */
function benchSarif(directory: string, result: ScaleResult): void {
  const file = join(directory, "bench-8000-indented.json");
  writeFileSync(
    file,
    `${JSON.stringify(JSON.parse(readFileSync(result.file, "utf8")), null, 2)}\n`,
  );
  const megabytes = statSync(file).size / 2 ** 20;
  const [text, sarif] = lintVariants(file, [{ format: "text" }, { format: "sarif" }], LINT_RUNS);
  const name = `lint 8000 subnets, file indented as collected (${megabytes.toFixed(0)} MB)`;
  record(name, describeLint(text!));
  record(`${name}, with the SARIF report`, describeLint(sarif!));
}

function checkScaling(results: ScaleResult[], subnets: number[]): void {
  for (let n = 1; n < results.length; n += 1) {
    const growth = results[n]!.text.lintCpuMs / results[n - 1]!.text.lintCpuMs;
    record(
      `  CPU growth ${subnets[n - 1]} -> ${subnets[n]} subnets`,
      `${growth.toFixed(2)}x`,
      "<= 2.2x",
      growth <= 2.2,
    );
  }
}

function checkLargest(text: LintMeasurement, json: LintMeasurement): void {
  for (const [report, result] of [
    ["text", text],
    ["JSON", json],
  ] as const) {
    record(
      `  16k subnets, ${report} report: CPU`,
      `${seconds(result.lintCpuMs)} s`,
      "< 2 s",
      result.lintCpuMs < 2000,
    );
    if (result.lintMainCpuMs !== undefined) {
      const helpers = result.lintCpuMs - result.lintMainCpuMs;
      record(
        `  16k subnets, ${report} report: CPU by thread`,
        `main ${seconds(result.lintMainCpuMs)} s, V8's helpers ${seconds(helpers)} s`,
      );
    }
    record(
      `  16k subnets, ${report} report: peak memory`,
      `${result.peakRssMiB.toFixed(0)} MiB`,
      "< 1024 MiB",
      result.peakRssMiB < 1024,
    );
  }
}

/** Shows the CPU time of reading and parsing the 16k-subnet file, the floor under its lint. */
function showParseFloor(result: ParseMeasurement): void {
  record(
    "  16k subnets: reading and JSON.parse alone, CPU",
    `${seconds(result.readParseCpuMs)} s (parse ${result.parseMs.toFixed(0)} ms)`,
  );
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}

function checkParseRatio(text: LintRuns, json: LintRuns): void {
  for (const [report, result] of [
    ["text", text],
    ["JSON", json],
  ] as const) {
    const ratio = result.parseRatio;
    record(
      `8k-subnet file, ${report} report: lint as a multiple of JSON.parse`,
      `${ratio.toFixed(2)}x (parse ${result.parseMs.toFixed(0)} ms)`,
      "<= 3x",
      ratio <= 3,
    );
    const rest = result.restRatio;
    record(
      `8k-subnet file, ${report} report: lint less reading and parsing, as a multiple of JSON.parse`,
      `${rest.toFixed(2)}x (reading and decoding ${result.readMs.toFixed(0)} ms)`,
      "<= 2x",
      rest <= 2,
    );
  }
}

/**
 * Collects 1, 10 and 100 VPCs with and without the per-call latency. The difference divided by
 * the latency is the number of sequential round trips, free of the collector's own CPU time.
 */
async function benchCollector(): Promise<void> {
  // A first run loads the SDK modules, which would otherwise count against the first baseline.
  await benchCollect(1, 0);
  for (const vpcs of [1, 10, 100]) {
    const baseline = await benchCollect(vpcs, 0);
    const result = await benchCollect(vpcs, LATENCY_MS);
    const roundTrips = (result.wallMs - baseline.wallMs) / LATENCY_MS;
    record(
      `collect ${vpcs} VPC${vpcs === 1 ? "" : "s"} (${LATENCY_MS} ms per call)`,
      `${result.calls} calls, ${result.wallMs.toFixed(0)} ms, ${roundTrips.toFixed(1)} latencies`,
      vpcs === 1 ? "<= 3 round trips + paging" : "",
      vpcs === 1 ? roundTrips <= 3.5 : undefined,
    );
  }
  const throttled = await benchThrottled(LATENCY_MS);
  record(
    "collect 1 VPC, every 5th request throttled",
    `${throttled.requests} requests, ${throttled.throttled} throttled, ${throttled.wallMs.toFixed(0)} ms`,
    "completes without Errors",
    throttled.complete,
  );
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const memory = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpu}, ${cpus().length} cores, ${memory} GiB memory, Node.js ${process.version}`;
}

/** Lists the targets this run missed, read from the table rows. */
function missedTargets(): string {
  const missed = rows.filter((row) => row.met === false).map((row) => row.name.trim());
  return missed.length === 0
    ? "Every target in the table was met in this run."
    : `Targets missed in this run: ${missed.join("; ")}.`;
}

function writeReport(): void {
  const lines = [
    "# Benchmarks",
    "",
    "Generated by `npm run bench` (scripts/bench/run.ts); do not edit by hand. Synthetic snapshots",
    "come from the seeded generator in scripts/bench/generate.ts. Lint figures are the median of",
    `${LINT_RUNS} runs, each in a fresh process; start-up figures are the median of ${START_RUNS} runs.`,
    "",
    `- Machine: ${machine()}`,
    `- Date: ${new Date().toISOString()}`,
    "",
    "| Measurement | Figure | Target | Met |",
    "|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.name.trim()} | ${row.figure} | ${row.target} | ${row.met === undefined ? "" : row.met ? "yes" : "**no**"} |`,
    ),
    "",
    missedTargets(),
    "",
    ...sections,
    NOTES,
  ];
  writeFileSync(join(ROOT, "docs", "benchmarks.md"), `${lines.join("\n")}\n`);
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "vpc-lint-bench-"));
  try {
    process.stdout.write(`${machine()}\n\n`);
    benchStart();

    const subnetSizes = [1000, 2000, 4000, 8000, 16000];
    const scaling = benchScale(
      directory,
      "subnets",
      subnetSizes.map((n) => [1, n]),
    );
    checkScaling(scaling, subnetSizes);
    const sixteenK = benchJson(scaling[4]!, "16000 subnets in one VPC");
    checkLargest(scaling[4]!.text, sixteenK);
    showParseFloor(scaling[4]!.text);
    const eightK = benchChoices(scaling[3]!);
    checkParseRatio(eightK.text, eightK.json);
    benchManyFindings(directory, scaling[3]!);
    benchNat64Endpoints(directory, scaling[3]!);
    benchSarif(directory, scaling[3]!);

    const organisations = benchScale(directory, "vpcs", [
      [100, 20],
      [500, 20],
      [2000, 20],
    ]);
    const largest = organisations.at(-1)!.text;
    record(
      "  2,000 VPCs: lint time",
      `${seconds(largest.lintMs)} s`,
      "< 10 s",
      largest.lintMs < 10_000,
    );

    await benchCollector();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  writeReport();
  process.stdout.write("\nwrote docs/benchmarks.md\n");
}

await main();
