/**
 * Text from a snapshot in the text, Markdown, Mermaid and explain outputs: control characters and
 * bidirectional formatting characters print as visible escapes, and plain names print unchanged.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../src/engine/types.js";
import { Hop, type ServicePath } from "../src/reach/types.js";
import { markdownCode, markdownText, printable, printableJson } from "../src/report/escape.js";
import { formatExplain } from "../src/report/explain.js";
import { formatMarkdown } from "../src/report/markdown.js";
import { nodeId } from "../src/report/mermaid.js";
import { formatSkipped, formatText } from "../src/report/text.js";
import { DEFAULT_SETTINGS, runLint, type RunResult } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { seededRandom } from "../scripts/bench/generate.js";
import { EXAMPLES, type Mermaid, MERMAID_LOAD_TIMEOUT_MS, loadMermaid, runCli } from "./helpers.js";

const BROKEN = join(EXAMPLES, "broken-nat64.json");
const VPC_ID = "vpc-0a1b2c3d4e5f60003";
const TABLE_ID = "rtb-0a1b2c3d4e5f60033";
const SUBNET_ID = "subnet-0a1b2c3d4e5f60032";

/** A name that recolours a terminal, reverses the text after it and starts a forged line. */
const HOSTILE = "vpc-日本\u202e-evil\u001b[31mRED\n0 errors, 0 warnings, 0 info in 1 VPC";
const HOSTILE_SHOWN =
  "vpc-日本\\u202e-evil\\u001b[31mRED\\u000a0 errors, 0 warnings, 0 info in 1 VPC";
const PLAIN = "vpc-日本 core-network";

/** Matches every character that must never reach an output raw. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TOOL_COLOURS = /\u001b\[\d+m/g;

let mermaid: Mermaid;

beforeAll(async () => {
  mermaid = await loadMermaid();
}, MERMAID_LOAD_TIMEOUT_MS);

/** Gives the VPC, a subnet and the broken route table the name, and the subnet's zone too. */
function rename(snapshot: Snapshot, name: string): void {
  const tag = [{ Key: "Name", Value: name }];
  for (const vpc of snapshot.Vpcs ?? []) if (vpc.VpcId === VPC_ID) vpc.Tags = tag;
  for (const table of snapshot.RouteTables ?? [])
    if (table.RouteTableId === TABLE_ID) table.Tags = tag;
  for (const subnet of snapshot.Subnets ?? []) {
    if (subnet.SubnetId !== SUBNET_ID) continue;
    subnet.Tags = tag;
    subnet.AvailabilityZone = name;
  }
}

async function lintNamed(name: string): Promise<RunResult> {
  const { snapshot } = await loadSnapshotFiles([BROKEN]);
  rename(snapshot, name);
  return runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
}

function diagramsOf(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

function lineCount(text: string): number {
  return text.split("\n").length;
}

describe("printable", () => {
  it("escapes control and bidi characters", () => {
    expect(printable("a\u001bb\rc\nd\te\u007ff\u009bg")).toBe(
      "a\\u001bb\\u000dc\\u000ad\\u0009e\\u007ff\\u009bg",
    );
    expect(printable("\u202a\u202e\u2066\u2069\u200e\u200f\u061c\u2028")).toBe(
      "\\u202a\\u202e\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028",
    );
  });

  it("keeps other characters unchanged", () => {
    const text = `${PLAIN} é ü 🚀 "quoted" <a> [x] \\ # ~`;
    expect(printable(text)).toBe(text);
  });
});

/** Reads printable's output back: an odd run of backslashes before `uXXXX` ends in an escape. */
function readPrintable(printed: string): string {
  return printed.replace(/(\\+)(u[0-9a-f]{4})?/g, (_, run: string, code: string | undefined) => {
    if (!code) return run;
    const backslashes = "\\".repeat(Math.floor(run.length / 2));
    return run.length % 2 === 1
      ? backslashes + String.fromCharCode(parseInt(code.slice(1), 16))
      : backslashes + code;
  });
}

describe("printable and backslashes", () => {
  it("doubles a backslash that would make text read as an escape", () => {
    expect(printable("tag \\u202e")).toBe("tag \\\\u202e");
    expect(printable("a\\\u202eb")).toBe("a\\\\\\u202eb");
    expect(printable("C:\\temp\\users")).toBe("C:\\temp\\users");
  });

  it("never shows two different texts alike", () => {
    const random = seededRandom(7);
    const alphabet = ["\\", "u", "2", "0", "e", "f", "\u202e", "\u0000", "a"];
    const seen = new Map<string, string>();
    for (let round = 0; round < 5000; round += 1) {
      const length = 1 + Math.floor(random() * 8);
      let text = "";
      for (let position = 0; position < length; position += 1) {
        text += alphabet[Math.floor(random() * alphabet.length)];
      }
      const printed = printable(text);
      expect(printed).not.toMatch(/[\u0000\u202e]/);
      expect(readPrintable(printed)).toBe(text);
      const earlier = seen.get(printed);
      if (earlier !== undefined) expect(earlier).toBe(text);
      seen.set(printed, text);
    }
  });
});

describe("printableJson", () => {
  it("keeps the escapes JSON writes and escapes what it leaves raw", () => {
    const json = JSON.stringify("a\u0001b \\u202e \u202e");
    expect(printableJson(json)).toBe('"a\\u0001b \\\\u202e \\u202e"');
  });
});

describe("Markdown escaping", () => {
  it("escapes heading and strike characters", () => {
    expect(markdownText("a # b ~~c~~ |d|")).toBe("a \\# b \\~\\~c\\~\\~ \\|d\\|");
    expect(markdownText(HOSTILE)).not.toMatch(RAW);
  });

  it("breaks mentions but not addresses", () => {
    expect(markdownText("owned by @org/team and (@ops)")).toBe(
      "owned by @\u200Borg/team and (@\u200Bops)",
    );
    expect(markdownText("ops@example.com, a @ b")).toBe("ops@example.com, a @ b");
  });

  it("fences code spans holding backticks", () => {
    expect(markdownCode("rtb-1")).toBe("`rtb-1`");
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("`a``b")).toBe("``` `a``b ```");
    expect(markdownCode("x\ny")).toBe("`x\\u000ay`");
  });
});

describe("text report escaping", () => {
  it("prints a hostile name as escapes", async () => {
    const result = await lintNamed(HOSTILE);
    const plain = formatText(result, { color: false });
    const normal = formatText(await lintNamed(PLAIN), { color: false });
    expect(plain).not.toMatch(RAW);
    expect(plain).toContain(`  route-table ${TABLE_ID} (${HOSTILE_SHOWN})`);
    expect(lineCount(plain)).toBe(lineCount(normal));
    const coloured = formatText(result, { color: true });
    expect(coloured.replace(TOOL_COLOURS, "")).toBe(plain);
  });

  it("prints a plain name unchanged", async () => {
    const text = formatText(await lintNamed(PLAIN), { color: false });
    expect(text).toContain(`  route-table ${TABLE_ID} (${PLAIN})\n`);
  });

  it("escapes skipped check reasons", () => {
    const skipped = formatSkipped([
      { ruleId: "nat64-route-missing", reason: "bad\u001b[2J", resourceIds: ["subnet-\u202ea"] },
    ]);
    expect(skipped).toBe(
      "Checks that did not run, so they did not pass either:\n" +
        "  nat64-route-missing for subnet-\\u202ea: bad\\u001b[2J\n",
    );
  });

  it("CLI escapes a hostile name", () => {
    const snapshot = JSON.parse(readFileSync(BROKEN, "utf8")) as Snapshot;
    rename(snapshot, HOSTILE);
    const file = join(mkdtempSync(join(tmpdir(), "vpc-lint-escape-")), "hostile.json");
    writeFileSync(file, JSON.stringify(snapshot));
    const run = runCli(["--snapshot", file, "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(HOSTILE_SHOWN);
    expect(run.stdout).not.toMatch(RAW);
  });
});

describe("Markdown report escaping", () => {
  it("keeps a hostile name inside its heading", async () => {
    const markdown = formatMarkdown(await lintNamed(HOSTILE));
    const normal = formatMarkdown(await lintNamed(PLAIN));
    expect(markdown).not.toMatch(RAW);
    expect(lineCount(markdown)).toBe(lineCount(normal));
    const heading = markdown.split("\n").find((line) => line.startsWith(`#### \`route-table`));
    expect(heading).toBe(
      `#### \`route-table ${TABLE_ID}\` (${markdownText(HOSTILE)}) in ${VPC_ID}`,
    );
    expect(heading).toContain("\\\\u001b\\[31mRED\\\\u000a0 errors");
  });

  it("prints a plain name unchanged", async () => {
    const markdown = formatMarkdown(await lintNamed(PLAIN));
    expect(markdown).toContain(`#### \`route-table ${TABLE_ID}\` (${PLAIN}) in ${VPC_ID}\n`);
  });
});

describe("Mermaid label escaping", () => {
  it("parses with a hostile name", async () => {
    const diagrams = diagramsOf(formatMarkdown(await lintNamed(HOSTILE)));
    expect(diagrams).toHaveLength(1);
    const [diagram = ""] = diagrams;
    expect(diagram).not.toMatch(RAW);
    expect(diagram).toContain("vpc-日本\\u202e-evil\\u001b[31mRED\\u000a0 errors");
    await expect(mermaid.parse(diagram)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });

  it("parses with Mermaid syntax in names", async () => {
    const name = 'a"]; end\n%% x #quot; & `b` <br/> {c} (d) |e|';
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintNamed(name)));
    expect(diagram).toContain(
      "a#quot;]; end\\u000a%% x #35;quot; #amp; #96;b#96; #lt;br/#gt; {c} (d) |e|",
    );
    await expect(mermaid.parse(diagram)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });

  it("prints a plain name unchanged", async () => {
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintNamed(PLAIN)));
    expect(diagram).toContain(`["${VPC_ID}<br/>${PLAIN}"]`);
  });
});

describe("explain escaping", () => {
  function pathWith(text: string): ServicePath {
    const hop = new Hop("route", "broken", TABLE_ID, `Route table ${text} drops it.`);
    hop.owner = "nat64-route-blackhole";
    return {
      vpcId: VPC_ID,
      subnetId: SUBNET_ID,
      service: "ssm",
      host: "ssm.us-east-1.amazonaws.com",
      required: true,
      mode: "public-nat64",
      verdict: "unreachable",
      hops: [hop],
    };
  }

  function findingWith(text: string): Finding {
    return {
      ruleId: "nat64-route-blackhole",
      resource: { type: "route-table", id: TABLE_ID },
      related: [],
      fix: `Fix ${text}.`,
    } as unknown as Finding;
  }

  it("prints a hostile name as escapes", () => {
    const output = formatExplain(pathWith(HOSTILE), [findingWith(HOSTILE)]);
    expect(output).not.toMatch(RAW);
    expect(lineCount(output)).toBe(4);
    expect(output).toContain(`Route table ${HOSTILE_SHOWN} drops it.`);
    expect(output).toContain(`        fix: Fix ${HOSTILE_SHOWN}.\n`);
  });

  it("prints a plain name unchanged", () => {
    const output = formatExplain(pathWith(PLAIN), [findingWith(PLAIN)]);
    expect(output).toContain(`Route table ${PLAIN} drops it.  [nat64-route-blackhole]\n`);
    expect(output).toContain(`        fix: Fix ${PLAIN}.\n`);
  });
});

describe("Mermaid node ids", () => {
  it("differ for different resource ids", () => {
    const ids = ["subnet-a", "subnet_a", "subnet a", "subnet-_a", "subnet_-a", "x_2d_", "subnet%a"];
    const nodes = ids.map(nodeId);

    expect(new Set(nodes).size).toBe(ids.length);
    expect(nodes.every((node) => /^[A-Za-z0-9_]+$/.test(node))).toBe(true);
  });

  it("keep AWS ids readable", () => {
    expect(nodeId("subnet-0a1b2c3d4e5f60032")).toBe("n_subnet_0a1b2c3d4e5f60032");
  });
});
