/**
 * Measures one snapshot file in a fresh process and prints the figures as one JSON line. With the
 * format `parse`, it reads and parses the file bare, timing the parse and the CPU of both. Else it
 * lints the file as `vpc-lint --snapshot` does, as the first work of the process, and times
 * loading, validation, indexing, every rule and the report together: wall time, CPU time and the
 * main thread's part of that CPU. Last it reads the process's peak resident memory. The report
 * is the text one `vpc-lint --snapshot` prints unless another format is named. Options after the
 * format: `every-path` prints the JSON report as `--every-path` does, and `v8-defaults` runs with
 * V8's own settings instead of those of the command line.
 */
import { readFileSync } from "node:fs";
import { renderReport, type Format } from "../../src/report/formats.js";
import { runLint } from "../../src/run.js";
import { loadSnapshotFiles } from "../../src/snapshot/loader.js";
import { applyV8Flags } from "../../src/v8-flags.js";

/** The figures of a bare read and JSON.parse of the file. */
export interface ParseMeasurement {
  /** Wall time of reading the file and decoding it as UTF-8, as the loader does. */
  readMs: number;
  parseMs: number;
  /** CPU time, every thread, of reading and decoding the file and the bare JSON.parse. */
  readParseCpuMs: number;
}

export interface LintMeasurement {
  lintMs: number;
  lintCpuMs: number;
  /** The part of lintCpuMs spent on the main thread, where /proc gives it (Linux). */
  lintMainCpuMs?: number;
  /** The parts of lintMs: reading, parsing and validating; the rules; the report. */
  phasesMs: { load: number; rules: number; report: number };
  peakRssMiB: number;
  findings: number;
}

/** Reads and parses the file bare, as the floor under any lint of it. */
function bareParse(path: string): ParseMeasurement {
  const readStart = process.cpuUsage();
  const start = performance.now();
  const text = readFileSync(path).toString("utf8");
  const parseStart = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - parseStart;
  const readParse = process.cpuUsage(readStart);
  return {
    readMs: parseStart - start,
    parseMs,
    readParseCpuMs: (readParse.user + readParse.system) / 1000,
  };
}

async function measure(path: string, format: Format, everyPath: boolean): Promise<LintMeasurement> {
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpuMs();
  const start = performance.now();
  const loaded = await loadSnapshotFiles([path]);
  const loadedAt = performance.now();
  // The locations are read only by reports that point at lines, such as SARIF.
  const result = runLint([{ snapshot: loaded.snapshot, locations: loaded.locations }], {
    settings: { requiredServices: [] },
    everyPath,
  });
  const rulesAt = performance.now();
  renderReport(format, result, { color: false, includeSuppressed: false, everyPath });
  const end = performance.now();
  const lintMs = end - start;
  const cpu = process.cpuUsage(cpuStart);
  const mainEnd = mainThreadCpuMs();

  return {
    lintMs,
    lintCpuMs: (cpu.user + cpu.system) / 1000,
    ...(mainStart !== undefined && mainEnd !== undefined && { lintMainCpuMs: mainEnd - mainStart }),
    phasesMs: { load: loadedAt - start, rules: rulesAt - loadedAt, report: end - rulesAt },
    // maxRSS is in KiB on Linux.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    findings: result.findings.length,
  };
}

/**
 * Returns the CPU time of the calling thread in milliseconds, from /proc/thread-self/stat (user
 * and system time in clock ticks of 10 ms), or undefined where that file does not exist.
 */
function mainThreadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync("/proc/thread-self/stat", "utf8");
  } catch {
    return undefined;
  }
  // The fields after the command name, which is in parentheses, start with the state (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const [path, format = "text", ...options] = process.argv.slice(2);
if (!path) {
  throw new Error(
    "usage: lint-child.mjs SNAPSHOT_FILE [parse | FORMAT [every-path] [v8-defaults]]",
  );
}
let measured: ParseMeasurement | LintMeasurement;
if (format === "parse") measured = bareParse(path);
else {
  if (!options.includes("v8-defaults")) applyV8Flags();
  measured = await measure(path, format as Format, options.includes("every-path"));
}
process.stdout.write(`${JSON.stringify(measured)}\n`);
