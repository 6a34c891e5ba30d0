import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_MARKDOWN_CHARACTERS, formatMarkdown } from "../src/report/markdown.js";
import type { Finding } from "../src/engine/types.js";
import { DEFAULT_SETTINGS, runLint, type RunResult } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { SnapshotIndex } from "../src/index/snapshot-index.js";
import { nodeId, vpcFlowchart } from "../src/report/mermaid.js";
import { generateSnapshot } from "../scripts/bench/generate.js";
import { EXAMPLES, type Mermaid, MERMAID_LOAD_TIMEOUT_MS, loadMermaid, runCli } from "./helpers.js";

const BROKEN = join(EXAMPLES, "broken-nat64.json");
const EXAMPLE_FILES = readdirSync(EXAMPLES).filter((name) => name.endsWith(".json"));
let mermaid: Mermaid;

beforeAll(async () => {
  mermaid = await loadMermaid();
}, MERMAID_LOAD_TIMEOUT_MS);

async function lintFile(path: string, change?: (snapshot: Snapshot) => void): Promise<RunResult> {
  const { snapshot } = await loadSnapshotFiles([path]);
  change?.(snapshot);
  return runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
}

/** The account that shares the VPC of the broken example with its owner. */
const PARTICIPANT = "444455556666";

/**
 * Lints the broken example twice: as its owner's snapshot and as that of a participant account of
 * the shared VPC, which describes the owner's resources under the same ids.
 */
async function lintSharedVpc(): Promise<RunResult> {
  const { snapshot } = await loadSnapshotFiles([BROKEN]);
  const participant = structuredClone(snapshot);
  participant.Source = { ...participant.Source, AccountId: PARTICIPANT };
  return runLint([{ snapshot }, { snapshot: participant }], { settings: DEFAULT_SETTINGS });
}

function diagramsOf(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

describe("Markdown diagrams", () => {
  it.each(EXAMPLE_FILES)("%s gives diagrams that mermaid parses", async (file) => {
    const diagrams = diagramsOf(formatMarkdown(await lintFile(join(EXAMPLES, file))));
    expect(diagrams.length).toBeGreaterThan(0);
    for (const diagram of diagrams) {
      await expect(mermaid.parse(diagram)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
    }
  });

  it("parser rejects a broken diagram", async () => {
    const [diagram] = diagramsOf(formatMarkdown(await lintFile(BROKEN)));
    await expect(mermaid.parse(`${diagram}  n_a -->|"x| n_b\n`)).rejects.toThrow();
  });

  it("quotes names that would end a label", async () => {
    const result = await lintFile(BROKEN, (snapshot) => {
      const subnet = snapshot.Subnets?.[0];
      if (subnet) subnet.Tags = [{ Key: "Name", Value: 'db "primary" <a> [x] |y|' }];
    });
    const [diagram] = diagramsOf(formatMarkdown(result));
    expect(diagram).toContain("db #quot;primary#quot; #lt;a#gt; [x] |y|");
    await expect(mermaid.parse(diagram as string)).resolves.toBeTruthy();
  });

  it("leaves out a diagram Mermaid cannot draw", async () => {
    const snapshot = generateSnapshot({ seed: 1, vpcs: 1, subnetsPerVpc: 300 });
    const vpcId = snapshot.Vpcs?.[0]?.VpcId as string;
    const full = vpcFlowchart(new SnapshotIndex(snapshot), vpcId, new Set());
    const markdown = formatMarkdown(runLint([{ snapshot }], { settings: DEFAULT_SETTINGS }));

    await expect(mermaid.parse(full)).rejects.toThrow();
    expect(diagramsOf(markdown)).toEqual([]);
    expect(markdown).toContain(`### Network of ${vpcId}\n\nThe diagram of ${vpcId} is left out`);
  });

  it("orders subnets the same in every locale", async () => {
    const text = (await readFile(join(EXAMPLES, "public-nat64.json"), "utf8"))
      .replaceAll("subnet-0a1b2c3d4e5f60011", "subnet-0ab00000000000011")
      .replaceAll("subnet-0a1b2c3d4e5f60012", "subnet-0aa00000000000012");
    const dir = await mkdtemp(join(tmpdir(), "vpc-lint-markdown-"));
    const file = join(dir, "snapshot.json");
    await writeFile(file, text);
    const args = ["--snapshot", file, "--format", "markdown", "--fail-on", "never"];
    const plain = runCli(args, { LC_ALL: "C" });
    // Danish collation sorts "aa" after "z".
    const danish = runCli(args, { LC_ALL: "da_DK.UTF-8" });
    await rm(dir, { recursive: true, force: true });

    const [diagram = ""] = diagramsOf(plain.stdout);
    expect(diagram.indexOf("n_subnet_0aa00000000000012[")).toBeLessThan(
      diagram.indexOf("n_subnet_0ab00000000000011["),
    );
    expect(danish.stdout).toBe(plain.stdout);
  });

  it("groups subnets by Availability Zone", async () => {
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintFile(BROKEN)));
    const zoneA = diagram.indexOf('["us-east-1a"]');
    const zoneB = diagram.indexOf('["us-east-1b"]');
    expect(zoneA).toBeGreaterThan(0);
    expect(zoneB).toBeGreaterThan(zoneA);
    const between = diagram.slice(zoneA, zoneB);
    expect(between).toContain("n_subnet_0a1b2c3d4e5f60032[");
    expect(diagram.slice(zoneB)).toContain("n_subnet_0a1b2c3d4e5f60034[");
  });

  it("draws resources of error findings red", async () => {
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintFile(BROKEN)));
    const classLine = diagram.split("\n").find((line) => line.trim().startsWith("class ")) ?? "";
    expect(classLine).toContain("n_rtb_0a1b2c3d4e5f60033");
    expect(classLine).toContain("n_nat_0a1b2c3d4e5f60031");
    expect(classLine).not.toContain("n_subnet_0a1b2c3d4e5f60031");
    // The egress-only gateway works; only the route that sends NAT64 traffic to it is wrong.
    expect(classLine).not.toContain("n_eigw_");
  });

  it("labels a NAT gateway that is not available with its state", async () => {
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintFile(BROKEN)));
    const natLine =
      diagram.split("\n").find((line) => line.includes("n_nat_0a1b2c3d4e5f60031[")) ?? "";
    expect(natLine).toContain("NAT gateway, public, deleted");
    const [publicDiagram = ""] = diagramsOf(
      formatMarkdown(await lintFile(join(EXAMPLES, "public-nat64.json"))),
    );
    expect(publicDiagram).toContain("NAT gateway, public");
    expect(publicDiagram).not.toContain("available");
  });

  it.each([
    ["its state", ["State"], "NAT gateway, public, state unknown"],
    ["type and state", ["State", "ConnectivityType"], "NAT gateway, type unknown, state unknown"],
  ] as const)("labels a NAT gateway without %s", async (_name, fields, expected) => {
    const result = await lintFile(join(EXAMPLES, "public-nat64.json"), (snapshot) => {
      for (const nat of snapshot.NatGateways ?? []) for (const field of fields) delete nat[field];
    });
    const [diagram = ""] = diagramsOf(formatMarkdown(result));
    expect(diagram).toContain(expected);
  });

  it("draws the blackhole route red", async () => {
    const [diagram = ""] = diagramsOf(formatMarkdown(await lintFile(BROKEN)));
    const lines = diagram.split("\n");
    const links = lines.filter((line) => /-->|-\.-/.test(line));
    const blackhole = links.findIndex((line) =>
      line.includes(
        'n_rtb_0a1b2c3d4e5f60033 -->|"64:ff9b::/96, blackhole"| n_nat_0a1b2c3d4e5f60031',
      ),
    );
    const styled = lines.find((line) => line.trim().startsWith("linkStyle")) ?? "";
    expect(blackhole).toBeGreaterThanOrEqual(0);
    expect(styled.trim().split(/\s+/)[1]?.split(",")).toContain(String(blackhole));
  });
});

describe("Markdown report", () => {
  it("opens with the summary table", async () => {
    const result = await lintFile(BROKEN);
    const markdown = formatMarkdown(result);
    expect(markdown.startsWith("## vpc-lint\n\nScanned 111122223333 us-east-1.\n")).toBe(true);
    expect(markdown).toContain(`| Errors | ${result.summary.error} |`);
    expect(markdown).toContain(`| Warnings | ${result.summary.warning} |`);
  });

  it("groups findings by severity, then resource", async () => {
    const markdown = formatMarkdown(await lintFile(BROKEN));
    const errors = markdown.indexOf("### Errors (");
    const warnings = markdown.indexOf("### Warnings (");
    expect(errors).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(errors);
    const table = markdown.indexOf(
      "#### `route-table rtb-0a1b2c3d4e5f60033` (ipv6-only-a) in vpc-0a1b2c3d4e5f60003",
    );
    expect(table).toBeGreaterThan(errors);
    expect(table).toBeLessThan(warnings);
  });

  it("groups the same resource by account", async () => {
    const lines = formatMarkdown(await lintSharedVpc()).split("\n");
    const table = "#### `route-table rtb-0a1b2c3d4e5f60033` (ipv6-only-a) in vpc-0a1b2c3d4e5f60003";
    const headings = lines.filter((line) => line.startsWith(table));
    expect(headings).toEqual([
      `${table} (account 111122223333, us-east-1)`,
      `${table} (account 444455556666, us-east-1)`,
    ]);
    const networks = lines.filter((line) => line.startsWith("### Network of"));
    expect(networks).toEqual([
      "### Network of vpc-0a1b2c3d4e5f60003 (account 111122223333, us-east-1)",
      "### Network of vpc-0a1b2c3d4e5f60003 (account 444455556666, us-east-1)",
    ]);
  });

  it("draws each account's broken resources apart", async () => {
    const result = await lintSharedVpc();
    // Only the owner's snapshot keeps its findings, as if the participant's were fixed.
    result.findings = result.findings.filter(
      (finding) => finding.resource.accountId !== PARTICIPANT,
    );
    const [owner, other] = formatMarkdown(result).split("### Network of").slice(1);

    expect(owner).toMatch(/^ {2}class \S+ broken$/m);
    expect(other).not.toMatch(/^ {2}class \S+ broken$/m);
  });

  it("escapes Markdown in messages", async () => {
    const markdown = formatMarkdown(await lintFile(BROKEN));
    expect(markdown).toContain("--nat-gateway-id &lt;nat-id&gt;");
    expect(markdown).not.toContain("<nat-id>");
  });

  it("lists suppressed findings apart with their reason", async () => {
    const { snapshot } = await loadSnapshotFiles([BROKEN]);
    const suppressions = [
      {
        rule: "nat64-route-blackhole",
        reason: "NAT gateway swap in progress",
        origin: "c /suppressions/0",
      },
    ];
    const markdown = formatMarkdown(
      runLint([{ snapshot }], { settings: DEFAULT_SETTINGS, suppressions }),
    );
    expect(markdown).toContain("<details><summary>Suppressed findings (1)</summary>");
    expect(markdown).toContain(
      "- `nat64-route-blackhole` on `rtb-0a1b2c3d4e5f60033`: NAT gateway swap in progress",
    );
    expect(markdown).not.toContain("#### `route-table rtb-0a1b2c3d4e5f60033`");
  });

  it("fits a large network in a comment", () => {
    const snapshot = generateSnapshot({ seed: 7, vpcs: 3, subnetsPerVpc: 40 });
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const markdown = formatMarkdown(result);

    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARACTERS);
    expect(markdown).toContain(`### Errors (${result.summary.error})`);
    expect(markdown).toMatch(/Left out to keep the report within 65,536 characters/);
  });

  it("fits many findings in a comment", async () => {
    const result = await lintFile(BROKEN);
    const [finding] = result.findings.filter((item) => item.severity === "error");
    const copies = Array.from({ length: 2000 }, (_, position) => ({
      ...(finding as Finding),
      resource: {
        ...(finding as Finding).resource,
        id: `rtb-${String(position).padStart(17, "0")}`,
      },
    }));
    result.findings.push(...copies);
    const markdown = formatMarkdown(result);
    const listed = markdown.match(/^- \*\*/gm)?.length ?? 0;
    const left = Number(/(\d+) findings?/.exec(markdown.slice(-600))?.[1]);

    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARACTERS);
    expect(listed).toBeGreaterThan(0);
    expect(listed + left).toBe(result.findings.length);
    expect(diagramsOf(markdown)).toEqual([]);
  });

  it("renders only the findings it prints", async () => {
    const result = await lintFile(BROKEN);
    const [finding] = result.findings.filter((item) => item.severity === "error");
    let reads = 0;
    const copies = Array.from({ length: 2000 }, (_, position) => {
      const copy = {
        ...(finding as Finding),
        resource: {
          ...(finding as Finding).resource,
          id: `rtb-${String(position).padStart(17, "0")}`,
        },
      };
      return new Proxy(copy, {
        get(target, key, receiver) {
          if (key === "message") reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    });
    result.findings.push(...copies);
    const markdown = formatMarkdown(result);
    const listed = markdown.match(/^- \*\*/gm)?.length ?? 0;

    expect(markdown).toMatch(/Left out to keep the report within 65,536 characters/);
    // One finding past the limit is rendered to find that it does not fit.
    expect(reads).toBeLessThanOrEqual(listed + 1);
  });

  it("drops the problems heading with its list", async () => {
    const result = await lintFile(BROKEN);
    const skips = Array.from({ length: 1500 }, (_, position) => ({
      ruleId: "nat64-route-missing",
      resourceIds: [`subnet-${String(position).padStart(17, "0")}`],
      reason: "EnableDns64 is not in the snapshot",
    }));
    result.skipped.push(...skips);
    const markdown = formatMarkdown(result);

    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARACTERS);
    expect(markdown).toContain("the checks that did not run and the warnings");
    expect(markdown).not.toContain("### Checks that did not run and configuration warnings");
  });

  it("keeps a small report whole", async () => {
    const markdown = formatMarkdown(await lintFile(BROKEN));
    expect(markdown).not.toContain("Left out to keep the report");
  });

  it("CLI prints it for --format markdown", async () => {
    const run = runCli(["--snapshot", BROKEN, "--format", "markdown", "--fail-on", "never"]);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith("## vpc-lint\n")).toBe(true);
    expect(diagramsOf(run.stdout)).toHaveLength(1);
  });
});

describe("VPC flowcharts of many VPCs", () => {
  const snapshot = () => generateSnapshot({ seed: 2, vpcs: 6, subnetsPerVpc: 16 });

  it("draw each NAT gateway in its subnet", () => {
    const generated = snapshot();
    const index = new SnapshotIndex(generated);
    const nats = generated.NatGateways ?? [];

    expect(nats.length).toBeGreaterThan(6);
    for (const nat of nats) {
      const lines = vpcFlowchart(index, nat.VpcId as string, new Set()).split("\n");
      const subnetLine = lines.findIndex((line) =>
        line.includes(`${nodeId(nat.SubnetId as string)}[`),
      );

      expect(subnetLine).toBeGreaterThan(0);
      expect(lines[subnetLine + 1]).toContain(`${nodeId(nat.NatGatewayId as string)}[`);
    }
  });

  it("group NAT gateways by subnet once", () => {
    const generated = snapshot();
    let reads = 0;
    generated.NatGateways = generated.NatGateways?.map(
      (nat) =>
        new Proxy(nat, {
          get(target, key, receiver) {
            if (key === "SubnetId") reads += 1;
            return Reflect.get(target, key, receiver);
          },
        }),
    );
    const index = new SnapshotIndex(generated);
    for (const vpc of generated.Vpcs ?? []) vpcFlowchart(index, vpc.VpcId as string, new Set());

    expect(reads).toBe(generated.NatGateways?.length);
  });
});
