import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { docsUrl } from "../src/engine/docs.js";
import { placeholderId } from "../src/iac/placeholders.js";
import { defineRule, type Rule } from "../src/engine/types.js";
import { InputError } from "../src/errors.js";
import { formatMarkdown } from "../src/report/markdown.js";
import { CODE_SCANNING_MAX_RESULTS, formatSarif, sarifLimitWarning } from "../src/report/sarif.js";
import { formatText } from "../src/report/text.js";
import { RULES } from "../src/rules/index.js";
import { DEFAULT_SETTINGS, runLint, type RunOptions, type SnapshotInput } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { CORPUS, EXAMPLES, HAS_CORPUS, ROOT, runCli } from "./helpers.js";
import { fixture, lintIac } from "./iac/helpers.js";
import { githubProblems, schemaErrors } from "./sarif-validate.js";

type Json = Record<string, any>;

const BROKEN = join(EXAMPLES, "broken-nat64.json");
const EXAMPLE_FILES = readdirSync(EXAMPLES).filter((name) => name.endsWith(".json"));

async function inputOf(path: string): Promise<SnapshotInput> {
  const loaded = await loadSnapshotFiles([path]);
  return { snapshot: loaded.snapshot, files: loaded.files, locations: loaded.locations };
}

function sarifOf(
  inputs: SnapshotInput[],
  options: Partial<RunOptions> = {},
  includeSuppressed = false,
): Json {
  const result = runLint(inputs, { settings: DEFAULT_SETTINGS, ...options });
  return JSON.parse(formatSarif(result, { includeSuppressed })) as Json;
}

function resultOf(log: Json, ruleId: string): Json {
  const found = (log.runs[0].results as Json[]).find((result) => result.ruleId === ruleId);
  if (!found) throw new Error(`no ${ruleId} result`);
  return found;
}

/** Finds the line of `"Field": "id"` after the line that opens the section, as an editor would. */
function lineOf(file: string, section: string, field: string, id: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const start = lines.findIndex((line) => line.includes(`"${section}":`));
  const offset = lines.slice(start).findIndex((line) => line.includes(`"${field}": "${id}"`));
  return start + offset + 1;
}

function expectValid(log: Json): void {
  expect(schemaErrors(log)).toEqual([]);
  expect(githubProblems(log)).toEqual([]);
}

/** A rule whose check always throws, for the reports of a rule that failed to run. */
const THROWING = defineRule<"never">({
  ...(RULES[0] as Rule),
  id: "always-throws",
  requires: [],
  messages: { never: { severity: "error", text: "never", fix: "never" } },
  check() {
    throw new Error("index out of range");
  },
});
describe("SARIF of the bundled examples", () => {
  it.each(EXAMPLE_FILES)("%s is valid SARIF that GitHub accepts", (file) => {
    const run = runCli([
      "--snapshot",
      join(EXAMPLES, file),
      "--format",
      "sarif",
      "--fail-on",
      "never",
    ]);
    expect(run.stderr).toBe("");
    const log = JSON.parse(run.stdout) as Json;
    expectValid(log);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
  });

  it.each(EXAMPLE_FILES)("%s results carry the JSON report's fingerprints", (file) => {
    const path = join(EXAMPLES, file);
    const sarif = JSON.parse(runCli(["--snapshot", path, "--format", "sarif"]).stdout) as Json;
    const json = JSON.parse(runCli(["--snapshot", path, "--format", "json"]).stdout) as Json;
    const fromSarif = (sarif.runs[0].results as Json[]).map(
      (r) => r.partialFingerprints["vpcLint/v1"],
    );
    const fromJson = (json.findings as Json[]).map((finding) => finding.fingerprint);
    expect(fromSarif).toEqual(fromJson);
  });
});

describe("SARIF evidence", () => {
  it("states an absent value as absent", async () => {
    const file = join(ROOT, "docs", "rules", "examples", "nat-gateway-in-ipv6-only-subnet.json");
    const result = JSON.stringify(
      resultOf(sarifOf([await inputOf(file)]), "nat-gateway-in-ipv6-only-subnet"),
    );
    expect(result).toContain("CidrBlock is absent");
    expect(result).not.toContain("= null");
  });
});

describe("SARIF validators", () => {
  it("schema check rejects a result without a message", async () => {
    const log = sarifOf([await inputOf(BROKEN)]);
    delete log.runs[0].results[0].message;
    expect(schemaErrors(log).length).toBeGreaterThan(0);
  });

  it.each([
    ["an ARN", "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1"],
    ["a URL", "https://example.com/a.json"],
    ["an empty URI", ""],
    ["a space", "snap shots/a.json"],
  ])("GitHub check rejects %s as the URI", async (_, uri) => {
    const log = sarifOf([await inputOf(BROKEN)]);
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = uri;
    expect(githubProblems(log)).toHaveLength(1);
  });

  it("GitHub check rejects a result without a location", async () => {
    const log = sarifOf([await inputOf(BROKEN)]);
    delete log.runs[0].results[0].locations;
    expect(githubProblems(log)).toEqual(["runs[0].results[0] has no physical location"]);
  });
});

describe("SARIF driver", () => {
  it("lists every enabled rule with help and severity", async () => {
    const log = sarifOf([await inputOf(BROKEN)]);
    const rules = log.runs[0].tool.driver.rules as Json[];
    expect(rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    const missing = rules.find((rule) => rule.id === "nat64-route-missing") as Json;
    expect(missing.name).toBe("Nat64RouteMissing");
    expect(missing.helpUri).toBe(docsUrl("nat64-route-missing"));
    expect(missing.defaultConfiguration).toEqual({ enabled: true, level: "error" });
    expect(missing.properties["security-severity"]).toBe("8.0");
    expect(missing.properties.tags).toEqual(["dns64", "nat64", "routing"]);
    expect(missing.help.text).toContain("How to fix:");
    expect(missing.help.text).toContain("--route-table-id <routeTableId>");
    expect(missing.help.markdown).toContain("--route-table-id &lt;routeTableId&gt;");
    expect(missing.fullDescription.text).toMatch(/^With DNS64 on/);
  });

  it("names the tool, its version and home page", async () => {
    const driver = sarifOf([await inputOf(BROKEN)]).runs[0].tool.driver as Json;
    const pkg = JSON.parse(readFileSync(join(EXAMPLES, "..", "package.json"), "utf8")) as Json;
    expect(driver.name).toBe("vpc-lint");
    expect(driver.semanticVersion).toBe(pkg.version);
    expect(driver.informationUri).toBe("https://github.com/vpc-lint/vpc-lint");
  });

  it("drops disabled rules and applies severity overrides", async () => {
    const severities = new Map([
      ["nat64-route-missing", "off" as const],
      ["nat64-route-blackhole", "warning" as const],
    ]);
    const log = sarifOf([await inputOf(BROKEN)], { severities });
    expectValid(log);
    const rules = log.runs[0].tool.driver.rules as Json[];
    expect(rules.map((rule) => rule.id)).not.toContain("nat64-route-missing");
    const blackhole = rules.find((rule) => rule.id === "nat64-route-blackhole") as Json;
    expect(blackhole.defaultConfiguration.level).toBe("warning");
    expect(blackhole.properties["security-severity"]).toBe("5.0");
    expect(resultOf(log, "nat64-route-blackhole").level).toBe("warning");
  });
});

describe("SARIF results", () => {
  it("point at the resource's line in the snapshot file", async () => {
    const log = sarifOf([await inputOf(BROKEN)]);
    const result = resultOf(log, "nat64-route-blackhole");
    const [location] = result.locations as Json[];
    expect(location?.physicalLocation.artifactLocation.uri).toBe("examples/broken-nat64.json");
    expect(location?.physicalLocation.region.startLine).toBe(
      lineOf(BROKEN, "RouteTables", "RouteTableId", "rtb-0a1b2c3d4e5f60033"),
    );
    expect(location?.logicalLocations).toEqual([
      {
        name: "rtb-0a1b2c3d4e5f60033",
        fullyQualifiedName: "arn:aws:ec2:us-east-1:111122223333:route-table/rtb-0a1b2c3d4e5f60033",
        kind: "resource",
      },
    ]);
  });

  it("lead the message with the resource id", async () => {
    const result = resultOf(sarifOf([await inputOf(BROKEN)]), "nat64-route-blackhole");
    expect(result.message.text).toMatch(
      /^rtb-0a1b2c3d4e5f60033: Route table rtb-0a1b2c3d4e5f60033 /,
    );
    expect(result.message.text).toContain(" Fix: Replace the route");
  });

  it("carry the evidence chain as related locations and a code flow", async () => {
    const result = resultOf(sarifOf([await inputOf(BROKEN)]), "nat64-route-blackhole");
    const related = result.relatedLocations as Json[];
    const nat = related.find((entry) => entry.logicalLocations[0].name === "nat-0a1b2c3d4e5f60031");
    expect(nat?.message.text).toBe('nat-0a1b2c3d4e5f60031: State = "deleted"');
    expect(nat?.physicalLocation.region.startLine).toBe(
      lineOf(BROKEN, "NatGateways", "NatGatewayId", "nat-0a1b2c3d4e5f60031"),
    );
    const steps = result.codeFlows[0].threadFlows[0].locations as Json[];
    expect(steps.map((step) => step.location.logicalLocations[0].name)).toEqual([
      "rtb-0a1b2c3d4e5f60033",
      "rtb-0a1b2c3d4e5f60033",
      "nat-0a1b2c3d4e5f60031",
    ]);
  });

  it("key alerts by fingerprint and scope", async () => {
    const log = sarifOf([await inputOf(BROKEN)]);
    const result = resultOf(log, "nat64-route-blackhole");
    expect(result.partialFingerprints["vpcLint/v1"]).toMatch(/^[0-9a-f]{32}$/);
    expect(log.runs[0].automationDetails).toEqual({ id: "vpc-lint/111122223333/us-east-1/" });
  });

  it("use a resource path when no file location is known", async () => {
    const { snapshot } = await inputOf(BROKEN);
    const log = sarifOf([{ snapshot }]);
    expectValid(log);
    const location = resultOf(log, "nat64-route-blackhole").locations[0].physicalLocation;
    expect(location.artifactLocation.uri).toBe(
      "aws/111122223333/us-east-1/vpc-0a1b2c3d4e5f60003/route-table/rtb-0a1b2c3d4e5f60033",
    );
    expect(location.region.startLine).toBe(1);
  });

  it("name unknown accounts and regions in the path", async () => {
    const snapshot = anonymous((await inputOf(BROKEN)).snapshot);
    const log = sarifOf([{ snapshot }]);
    expectValid(log);
    const uri = resultOf(log, "nat64-route-blackhole").locations[0].physicalLocation
      .artifactLocation.uri;
    expect(uri).toBe(
      "aws/unknown-account/unknown-region/vpc-0a1b2c3d4e5f60003/route-table/rtb-0a1b2c3d4e5f60033",
    );
    expect(log.runs[0].automationDetails.id).toBe("vpc-lint/unknown-account/unknown-region/");
  });

  it("encode spaces and avoid paths outside the tree", async () => {
    const { snapshot } = await inputOf(BROKEN);
    const locations = new Map([
      ["rtb-0a1b2c3d4e5f60033", { file: "snap shots/vpc.json", line: 7 }],
      ["subnet-0a1b2c3d4e5f60033", { file: "../elsewhere/vpc.json", line: 9 }],
    ]);
    const log = sarifOf([{ snapshot, locations }]);
    expectValid(log);
    const uriOf = (ruleId: string) =>
      resultOf(log, ruleId).locations[0].physicalLocation.artifactLocation.uri as string;
    expect(uriOf("nat64-route-blackhole")).toBe("snap%20shots/vpc.json");
    expect(uriOf("nat64-route-missing")).toMatch(/^aws\/111122223333\/us-east-1\//);
  });
});

describe("SARIF of templates and plans", () => {
  it("name the template's logical id", async () => {
    const { result } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const log = JSON.parse(formatSarif(result)) as Json;
    expectValid(log);
    const subnetId = placeholderId("subnet", "AppSubnet");
    const finding = resultOf(log, "nat64-route-missing");
    expect(finding.message.text).toMatch(new RegExp(`^AppSubnet \\(${subnetId}\\): Subnet `));
    expect(finding.locations[0].logicalLocations).toEqual([
      expect.objectContaining({ name: subnetId, kind: "resource" }),
      { name: "AppSubnet", fullyQualifiedName: "AppSubnet", kind: "resource" },
    ]);
    const related = (finding.relatedLocations as Json[]).map((entry) => entry.message.text);
    expect(related[0]).toMatch(/^AppRouteTable \(rtb-[0-9a-f]{17}\): Routes/);
  });

  it("name the plan's resource addresses", async () => {
    const { result } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const log = JSON.parse(formatSarif(result)) as Json;
    expectValid(log);
    const findings = (log.runs[0].results as Json[]).filter(
      (entry) => entry.ruleId === "nat64-route-missing",
    );
    const names = findings.map((entry) => entry.locations[0].logicalLocations[1].name as string);
    expect(names.sort()).toEqual([
      "module.vpc.aws_subnet.private[0]",
      "module.vpc.aws_subnet.private[1]",
    ]);
    for (const entry of findings) {
      const address = entry.locations[0].logicalLocations[1].fullyQualifiedName as string;
      const id = entry.locations[0].logicalLocations[0].name as string;
      expect(entry.message.text.startsWith(`${address} (${id}): `)).toBe(true);
    }
  });
});

describe("SARIF notifications", () => {
  it("report a failed collection call as a result and a notification", async () => {
    const { snapshot } = await inputOf(BROKEN);
    snapshot.Errors = [
      {
        Operation: "DescribeNatGateways",
        Code: "UnauthorizedOperation",
        Message: "You are not authorized.",
      },
    ];
    const log = sarifOf([{ snapshot }]);
    expectValid(log);
    const result = resultOf(log, "snapshot-incomplete");
    expect(result.level).toBe("error");
    const notifications = log.runs[0].invocations[0].toolExecutionNotifications as Json[];
    const notice = notifications.find((entry) => entry.associatedRule.id === "snapshot-incomplete");
    expect(notice?.level).toBe("error");
    expect(notice?.message.text).toContain("UnauthorizedOperation");
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it("report a rule that threw as an unsuccessful execution", async () => {
    const log = sarifOf([await inputOf(BROKEN)], { rules: [...RULES, THROWING] });
    expectValid(log);
    const invocation = log.runs[0].invocations[0] as Json;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toContainEqual({
      level: "error",
      message: { text: "Rule always-throws failed to run: index out of range" },
      associatedRule: { id: "always-throws", index: RULES.length },
    });
  });
});

describe("Failures of several Regions", () => {
  it("name the Region of each failure", async () => {
    const { snapshot } = await inputOf(BROKEN);
    snapshot.Errors = [
      { Operation: "DescribeNatGateways", Code: "UnauthorizedOperation", Message: "Denied." },
    ];
    const inputs = ["us-east-1", "eu-west-1"].map((region) => {
      const copy = structuredClone(snapshot);
      copy.Source = { ...copy.Source, Region: region };
      return { snapshot: copy };
    });
    const result = runLint(inputs, { settings: DEFAULT_SETTINGS, rules: [...RULES, THROWING] });
    const log = JSON.parse(formatSarif(result)) as Json;
    expectValid(log);
    const textLines = formatText(result, { color: false }).split("\n");
    const markdownLines = formatMarkdown(result).split("\n");
    for (const region of ["us-east-1", "eu-west-1"]) {
      const line = `failed to run (account 111122223333, ${region}): index out of range`;
      expect(textLines).toContain(`rule always-throws ${line}`);
      expect(markdownLines).toContain(`- Rule \`always-throws\` ${line}`);
    }
    const notifications = log.runs[0].invocations[0].toolExecutionNotifications as Json[];
    const texts = notifications.map((entry) => entry.message.text as string);
    for (const region of ["us-east-1", "eu-west-1"]) {
      expect(texts).toContain(
        `Rule always-throws failed to run (account 111122223333, ${region}): index out of range`,
      );
      const failedCall = texts.filter((text) => text.startsWith(`111122223333/${region}: `));
      expect(failedCall).toHaveLength(1);
    }
  });
});

describe("SARIF suppressions and baselines", () => {
  const suppressions = [
    {
      rule: "nat64-route-blackhole",
      reason: "NAT gateway is being replaced",
      origin: ".vpc-lint.json /suppressions/0",
    },
  ];

  it("leaves suppressed findings out by default", async () => {
    const log = sarifOf([await inputOf(BROKEN)], { suppressions });
    expectValid(log);
    const ids = (log.runs[0].results as Json[]).map((result) => result.ruleId);
    expect(ids).not.toContain("nat64-route-blackhole");
    expect(ids).toContain("nat64-route-missing");
  });

  it("marks suppressed findings when asked to keep them", async () => {
    const log = sarifOf([await inputOf(BROKEN)], { suppressions }, true);
    expectValid(log);
    expect(resultOf(log, "nat64-route-blackhole").suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "NAT gateway is being replaced",
        properties: { origin: ".vpc-lint.json /suppressions/0" },
      },
    ]);
    expect(resultOf(log, "nat64-route-missing").suppressions).toBeUndefined();
  });

  it("sets baselineState when a baseline is given", async () => {
    const first = sarifOf([await inputOf(BROKEN)]);
    const known = resultOf(first, "nat64-route-missing").partialFingerprints[
      "vpcLint/v1"
    ] as string;
    const log = sarifOf([await inputOf(BROKEN)], { baseline: new Set([known]) });
    expectValid(log);
    expect(resultOf(log, "nat64-route-missing").baselineState).toBe("unchanged");
    expect(resultOf(log, "nat64-route-blackhole").baselineState).toBe("new");
  });
});

const corpusTitle = HAS_CORPUS
  ? "SARIF over the AWS example corpus"
  : `SARIF over the AWS example corpus (skipped: ${CORPUS} is absent)`;

describe.skipIf(!HAS_CORPUS)(corpusTitle, () => {
  const files = HAS_CORPUS ? readdirSync(CORPUS).filter((name) => name.endsWith(".json")) : [];

  it("every readable corpus file gives valid SARIF that GitHub accepts", async () => {
    let linted = 0;
    for (const file of files) {
      const input = await inputOf(join(CORPUS, file)).catch((error: unknown) => {
        if (error instanceof InputError) return undefined;
        throw error;
      });
      if (!input) continue;
      linted += 1;
      const log = sarifOf([input]);
      expect({ file, errors: schemaErrors(log) }).toEqual({ file, errors: [] });
      expect({ file, problems: githubProblems(log) }).toEqual({ file, problems: [] });
    }
    expect(linted).toBeGreaterThan(files.length / 2);
  });

  it("the whole corpus as one directory gives valid SARIF", () => {
    const run = runCli(["--snapshot", CORPUS, "--format", "sarif", "--fail-on", "never"]);
    expect(run.status).toBe(0);
    const log = JSON.parse(run.stdout) as Json;
    expectValid(log);
    expect((log.runs[0].results as Json[]).length).toBeGreaterThan(0);
  });
});

/** Removes what tells a snapshot's account and region, as in hand-assembled CLI outputs. */
function anonymous(snapshot: Snapshot): Snapshot {
  const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
  delete copy.Source;
  for (const vpc of copy.Vpcs ?? []) delete vpc.OwnerId;
  for (const reservation of copy.Reservations ?? []) delete reservation.OwnerId;
  for (const subnet of copy.Subnets ?? []) {
    delete subnet.OwnerId;
    delete subnet.AvailabilityZone;
  }
  return copy;
}

describe("resource locations from the loader", () => {
  it("maps ids to the file and line of each CLI output", async () => {
    const directory = await mkdtemp(join(tmpdir(), "vpc-lint-locations-"));
    try {
      const subnets = {
        Subnets: [
          { SubnetId: "subnet-0a1b2c3d4e5f60001", VpcId: "vpc-0a1b2c3d4e5f60001" },
          { SubnetId: "subnet-0a1b2c3d4e5f60002", VpcId: "vpc-0a1b2c3d4e5f60001" },
        ],
      };
      const tables = {
        RouteTables: [
          {
            Associations: [
              { RouteTableId: "rtb-0a1b2c3d4e5f60001", SubnetId: "subnet-0a1b2c3d4e5f60002" },
            ],
            RouteTableId: "rtb-0a1b2c3d4e5f60001",
            VpcId: "vpc-0a1b2c3d4e5f60001",
            Routes: [],
          },
        ],
      };
      await writeFile(join(directory, "route-tables.json"), JSON.stringify(tables, null, 2));
      await writeFile(join(directory, "subnets.json"), JSON.stringify(subnets, null, 2));

      const { locations } = await loadSnapshotFiles([directory]);
      const where = (id: string) => {
        const location = locations.get(id);
        return location && `${location.file.split("/").pop()}:${location.line}`;
      };
      expect(where("subnet-0a1b2c3d4e5f60001")).toBe("subnets.json:4");
      expect(where("subnet-0a1b2c3d4e5f60002")).toBe("subnets.json:8");
      // The table's own id field, not the copy inside its Associations on line 6.
      expect(where("rtb-0a1b2c3d4e5f60001")).toBe("route-tables.json:10");
      expect(locations.get("rtb-0a1b2c3d4e5f60001")?.file).toBe(
        relative(process.cwd(), join(directory, "route-tables.json")).split(sep).join("/"),
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("code scanning result limit", () => {
  /**
   * Lints the broken example and repeats its findings to `count` results, the first `suppressed`
   * of them suppressed.
   */
  async function withFindings(count: number, suppressed = 0) {
    const result = runLint([await inputOf(BROKEN)], {
      settings: DEFAULT_SETTINGS,
    });
    const found = result.findings;
    result.findings = Array.from({ length: count }, (_, position) => ({
      ...(found[position % found.length] as (typeof found)[number]),
      ...(position < suppressed && { suppressed: true }),
    }));
    return result;
  }

  it("passes a run at the limit", async () => {
    expect(sarifLimitWarning(await withFindings(CODE_SCANNING_MAX_RESULTS))).toBeUndefined();
  });

  it("warns past the limit, naming the rule", async () => {
    const result = await withFindings(CODE_SCANNING_MAX_RESULTS + 1);
    const counts = new Map<string, number>();
    for (const { ruleId } of result.findings) counts.set(ruleId, (counts.get(ruleId) ?? 0) + 1);
    const [top, count] = [...counts].sort((first, second) => second[1] - first[1])[0] ?? [];

    const warning = sarifLimitWarning(result);

    expect(warning).toContain("lists 25,001 results, more than the 25,000");
    expect(warning).toContain(`${(count ?? 0).toLocaleString("en-US")} of them come from ${top}.`);
  });

  it("counts suppressed results only when listed", async () => {
    const result = await withFindings(CODE_SCANNING_MAX_RESULTS + 1, 1);

    expect(sarifLimitWarning(result)).toBeUndefined();
    expect(sarifLimitWarning(result, { includeSuppressed: true })).toContain("25,001 results");
  });
});
