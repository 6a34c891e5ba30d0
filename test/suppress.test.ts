import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../src/engine/types.js";
import { formatJson } from "../src/report/json.js";
import { DEFAULT_SETTINGS, exitCodeOf, runLint, type RunResult } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import type { Snapshot } from "../src/snapshot/types.js";
import {
  applySuppressions,
  globMatches,
  type SuppressionEntry,
} from "../src/suppress/suppressions.js";
import { EXAMPLES, ROOT, runCli } from "./helpers.js";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const BROKEN = join(EXAMPLES, "broken-nat64.json");
const TODAY = "2027-01-15";
const BLACKHOLE_TABLE = "rtb-0a1b2c3d4e5f60033";
const DNS64_SUBNET = "subnet-0a1b2c3d4e5f60033";
const INSTANCE = "i-0a1b2c3d4e5f60031";

let workspace = "";
let snapshot: Snapshot;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-suppress-"));
  snapshot = (await loadSnapshotFiles([BROKEN])).snapshot;
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function entry(fields: Partial<SuppressionEntry>): SuppressionEntry {
  return { reason: "accepted for the test", origin: "cfg.json /suppressions/0", ...fields };
}

function lint(suppressions: SuppressionEntry[], input: Snapshot = snapshot): RunResult {
  return runLint([{ snapshot: input }], { settings: DEFAULT_SETTINGS, suppressions, today: TODAY });
}

function suppressedIds(result: RunResult): string[] {
  return result.findings.filter((f) => f.suppressed).map((f) => `${f.ruleId} ${f.resource.id}`);
}

/** Returns a copy of the snapshot with tags added to one resource of a section. */
function withTags(
  section: "RouteTables" | "Subnets",
  id: string,
  tags: Record<string, string>,
): Snapshot {
  const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
  const items = copy[section] as { RouteTableId?: string; SubnetId?: string; Tags?: object[] }[];
  const item = items.find((candidate) => (candidate.RouteTableId ?? candidate.SubnetId) === id);
  if (!item) throw new Error(`${id} is not in ${section}`);
  item.Tags = [
    ...(item.Tags ?? []),
    ...Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  ];
  return copy;
}

describe("glob patterns", () => {
  it.each([
    ["subnet-*", "subnet-0a1b", true],
    ["subnet-*", "vpc-0a1b", false],
    ["eu-*-1", "eu-west-1", true],
    ["eu-*-1", "eu-west-2", false],
    ["rtb-????", "rtb-0a1b", true],
    ["rtb-????", "rtb-0a1b2", false],
    ["nat64-route-missing", "nat64-route-missing", true],
    ["a.b", "axb", false],
    ["arn:aws:ec2:*:subnet/*", "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1", true],
  ])("%s against %s is %s", (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });
});

describe("config suppressions", () => {
  it.each([
    ["rule id", { rule: "nat64-route-blackhole" }],
    ["rule glob", { rule: "nat64-route-b*" }],
    ["resource id", { resource: BLACKHOLE_TABLE, rule: "nat64-*" }],
    ["resource ARN glob", { resource: "arn:aws:ec2:*:route-table/rtb-0a1b2c3d4e5f60033" }],
    ["account and rule", { account: "111122223333", rule: "nat64-route-blackhole" }],
    ["region glob and rule", { region: "us-*", rule: "nat64-route-blackhole" }],
    ["tag", { tag: "Name=ipv6-only-a", rule: "nat64-route-blackhole" }],
    ["tag value glob", { tag: "Name=ipv6-only-*", rule: "nat64-route-blackhole" }],
  ])("match by %s", (_, fields) => {
    const result = lint([entry(fields)]);
    expect(suppressedIds(result)).toEqual([`nat64-route-blackhole ${BLACKHOLE_TABLE}`]);
    const finding = result.findings.find((f) => f.suppressed) as Finding;
    expect(finding.suppression).toEqual({
      kind: "config",
      reason: "accepted for the test",
      origin: "cfg.json /suppressions/0",
    });
  });

  it.each([
    ["other account", { account: "999999999999", rule: "nat64-route-blackhole" }],
    ["other region", { region: "eu-*", rule: "nat64-route-blackhole" }],
    ["other tag value", { tag: "Name=public-a", rule: "nat64-route-blackhole" }],
    ["other resource", { resource: "rtb-ffffffffffffffff", rule: "nat64-route-blackhole" }],
  ])("skip a finding with an %s", (_, fields) => {
    expect(suppressedIds(lint([entry(fields)]))).toEqual([]);
  });

  it("keeps suppressed findings out of the counts and the exit code", () => {
    const plain = lint([]);
    const result = lint([entry({ rule: "nat64-route-blackhole" })]);
    expect(result.findings).toHaveLength(plain.findings.length);
    expect(result.summary.error).toBe(plain.summary.error - 1);
    expect(result.summary.total).toBe(plain.summary.total - 1);
    expect(result.summary.suppressed).toBe(1);

    const errorsOnly = lint([entry({ rule: "*", resource: "*" })]);
    expect(exitCodeOf(plain, "info", false)).toBe(1);
    expect(exitCodeOf(errorsOnly, "info", false)).toBe(0);
  });

  it("applies on the expiry day and stops the day after", () => {
    const lastDay = lint([entry({ rule: "nat64-route-blackhole", expires: TODAY })]);
    expect(suppressedIds(lastDay)).toHaveLength(1);
    expect(lastDay.warnings).toEqual([]);

    const expired = lint([entry({ rule: "nat64-route-blackhole", expires: "2027-01-14" })]);
    expect(suppressedIds(expired)).toEqual([]);
    expect(expired.warnings).toEqual([
      'suppression cfg.json /suppressions/0 ("accepted for the test") expired after 2027-01-14, ' +
        'so the 1 finding it matched counts again; fix it or extend "expires"',
    ]);
  });

  it("counts several expired matches in the plural", () => {
    const result = lint([entry({ rule: "nat64-*", expires: "2027-01-14" })]);
    expect(result.warnings).toEqual([
      'suppression cfg.json /suppressions/0 ("accepted for the test") expired after 2027-01-14, ' +
        'so the 2 findings it matched count again; fix them or extend "expires"',
    ]);
  });

  it("counts only findings no other suppression hides", () => {
    const old = entry({ rule: "nat64-*", expires: "2027-01-14" });
    const current = {
      ...entry({ rule: "nat64-route-blackhole", expires: "2027-06-30" }),
      origin: "cfg.json /suppressions/1",
    };
    const result = lint([old, current]);
    expect(suppressedIds(result)).toEqual([`nat64-route-blackhole ${BLACKHOLE_TABLE}`]);
    expect(result.warnings).toEqual([
      'suppression cfg.json /suppressions/0 ("accepted for the test") expired after 2027-01-14, ' +
        'so the 1 finding it matched counts again; fix it or extend "expires"',
    ]);
    const plain = lint([]);
    expect(plain.findings.filter((f) => f.ruleId.startsWith("nat64-"))).toHaveLength(2);
  });

  it("says when other suppressions still hide every match", () => {
    const old = entry({ rule: "nat64-route-blackhole", expires: "2027-01-14" });
    const tagged = withTags("RouteTables", BLACKHOLE_TABLE, {
      "vpc-lint:ignore": "nat64-route-blackhole",
      "vpc-lint:ignore-reason": "NAT gateway replaced",
    });
    const result = lint([old], tagged);
    expect(suppressedIds(result)).toEqual([`nat64-route-blackhole ${BLACKHOLE_TABLE}`]);
    expect(result.warnings).toEqual([
      'suppression cfg.json /suppressions/0 ("accepted for the test") expired after 2027-01-14, ' +
        "and the 1 finding it matched stays suppressed by another suppression, so remove the entry",
    ]);
  });

  it("never suppresses snapshot-incomplete", () => {
    const failed = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
    failed.Errors = [
      { Operation: "DescribeNatGateways", Code: "UnauthorizedOperation", Message: "Denied." },
    ];
    const result = lint([entry({ rule: "*" })], failed);
    const incomplete = result.findings.find((f) => f.ruleId === "snapshot-incomplete");
    expect(incomplete?.suppressed).toBeUndefined();
    expect(exitCodeOf(result, "error", false)).toBe(1);
  });
});

describe("long lists of config suppressions", () => {
  /** Entries for resources outside the snapshot, each counting the reads of its selectors. */
  function countingEntries(count: number): { entries: SuppressionEntry[]; reads: () => number } {
    let reads = 0;
    const entries = Array.from({ length: count }, (_, position) => {
      const fields = entry({
        rule: "nat64-*",
        resource: `rtb-${position.toString(16).padStart(17, "0")}`,
        origin: `cfg.json /suppressions/${position}`,
      });
      return new Proxy(fields, {
        get(target, key, receiver) {
          if (key === "rule" || key === "region" || key === "account") reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    });
    return { entries, reads: () => reads };
  }

  it("try only the entries of each finding's resource", () => {
    const { entries, reads } = countingEntries(300);
    const result = lint([...entries, entry({ resource: BLACKHOLE_TABLE })]);

    expect(suppressedIds(result)).toEqual([`nat64-route-blackhole ${BLACKHOLE_TABLE}`]);
    expect(result.findings.length).toBeGreaterThan(5);
    // Each finding tried against every entry would read each entry's selectors once per finding.
    expect(reads()).toBeLessThan(entries.length);
  });

  it("keep config order between exact and pattern entries", () => {
    const exact = { ...entry({ resource: BLACKHOLE_TABLE }), origin: "cfg.json /suppressions/1" };
    const pattern = entry({ resource: "rtb-0a1b2c3d4e5f6003*", rule: "nat64-route-blackhole" });
    const first = (result: RunResult) => result.findings.find((f) => f.suppressed)?.suppression;

    expect(first(lint([pattern, exact]))?.origin).toBe("cfg.json /suppressions/0");
    expect(first(lint([exact, pattern]))?.origin).toBe("cfg.json /suppressions/1");
  });
});

describe("config suppressions that match nothing", () => {
  const blackhole = entry({ rule: "nat64-route-blackhole", resource: BLACKHOLE_TABLE });

  /** Returns a copy of the snapshot whose blackhole route and NAT gateway work again. */
  function fixed(): Snapshot {
    const copy = structuredClone(snapshot);
    for (const table of copy.RouteTables ?? []) {
      for (const route of table.Routes ?? []) {
        if (route.State === "blackhole") route.State = "active";
      }
    }
    for (const nat of copy.NatGateways ?? []) nat.State = "available";
    return copy;
  }

  const unused = (result: RunResult) =>
    result.warnings.filter((warning) => warning.includes("matches no finding"));

  it("warns about an entry whose finding was fixed", () => {
    expect(unused(lint([blackhole], fixed()))).toEqual([
      `suppression cfg.json /suppressions/0 ("accepted for the test") matches no finding, ` +
        `although this run checked ${BLACKHOLE_TABLE} with the rules it selects, so it ` +
        "suppresses nothing; remove it if its finding was fixed, or correct its selectors",
    ]);
  });

  it("warns once for a resource in two snapshots", () => {
    const other = fixed();
    other.Source = { ...other.Source, AccountId: "444455556666" };
    const result = runLint([{ snapshot: fixed() }, { snapshot: other }], {
      settings: DEFAULT_SETTINGS,
      suppressions: [blackhole],
      today: TODAY,
    });
    expect(unused(result)).toHaveLength(1);
  });

  it("stays quiet while the finding remains", () => {
    expect(unused(lint([blackhole]))).toEqual([]);
  });

  it.each([
    ["a resource outside the run", { resource: "rtb-0000000000000beef" }],
    ["a resource pattern", { resource: "rtb-0a1b2c3d4e5f6003*" }],
    ["another Region", { region: "eu-*" }],
    ["another account", { account: "999999999999" }],
    ["a tag selector", { tag: "team=network" }],
    ["an expired entry", { expires: "2027-01-01" }],
  ])("stays quiet for %s", (_, fields) => {
    expect(unused(lint([{ ...blackhole, ...fields }], fixed()))).toEqual([]);
  });

  describe("in a participant account of a shared VPC", () => {
    const OWNER = "444455556666";

    /** Returns the fixed snapshot with its route tables owned by another account. */
    function shared(): Snapshot {
      const copy = fixed();
      for (const table of copy.RouteTables ?? []) table.OwnerId = OWNER;
      return copy;
    }

    it("stays quiet for an entry without account", () => {
      expect(unused(lint([blackhole], shared()))).toEqual([]);
    });

    it("warns for an entry of its own account", () => {
      const own = { ...blackhole, account: snapshot.Source?.AccountId as string };
      expect(unused(lint([own], shared()))).toHaveLength(1);
    });

    it("stays quiet for a subnet whose ARN names the owner", () => {
      const dns64 = entry({ rule: "subnet-dns64-disabled", resource: DNS64_SUBNET });
      expect(unused(lint([dns64], fixed()))).toHaveLength(1);

      const copy = fixed();
      const subnet = copy.Subnets?.find((item) => item.SubnetId === DNS64_SUBNET);
      expect(subnet).toBeDefined();
      delete subnet?.OwnerId;
      if (subnet) subnet.SubnetArn = `arn:aws:ec2:us-east-1:${OWNER}:subnet/${DNS64_SUBNET}`;
      expect(unused(lint([dns64], copy))).toEqual([]);
    });
  });

  it("stays quiet when a rule it selects skipped a check", () => {
    const partial = fixed();
    delete partial.NatGateways;
    const result = lint([entry({ resource: BLACKHOLE_TABLE })], partial);
    expect(result.skipped.length).toBeGreaterThan(0);
    expect(unused(result)).toEqual([]);
  });
});

const IGNORE_OFFLINE = [
  { Key: "vpc-lint:ignore", Value: "ssm-instance-not-online" },
  { Key: "vpc-lint:ignore-reason", Value: "Decommissioned this week" },
];

/** Returns an ssm-instance-not-online finding on a resource of the given type and id. */
function offlineFinding(type: string, id: string): Finding {
  return {
    ruleId: "ssm-instance-not-online",
    messageId: "offline",
    severity: "warning",
    message: "",
    data: {},
    resource: { type, id },
    evidence: [],
    related: [],
    fix: "",
    docsUrl: "",
    fingerprint: "",
  };
}

describe("resource tag suppressions", () => {
  it("suppress the rules the vpc-lint:ignore tag lists", () => {
    const tagged = withTags("Subnets", DNS64_SUBNET, {
      "vpc-lint:ignore": "nat64-route-missing, subnet-dns64-disabled",
      "vpc-lint:ignore-reason": "Test subnet, torn down nightly",
    });
    const result = lint([], tagged);
    expect(suppressedIds(result)).toEqual([`nat64-route-missing ${DNS64_SUBNET}`]);
    expect(result.findings.find((f) => f.suppressed)?.suppression).toEqual({
      kind: "tag",
      reason: "Test subnet, torn down nightly",
      origin: `tag vpc-lint:ignore on ${DNS64_SUBNET}`,
    });
  });

  it("ignore a tag without a reason and warn", () => {
    const tagged = withTags("Subnets", DNS64_SUBNET, { "vpc-lint:ignore": "nat64-route-missing" });
    const result = lint([], tagged);
    expect(suppressedIds(result)).toEqual([]);
    expect(result.warnings).toEqual([
      `${DNS64_SUBNET} has the tag vpc-lint:ignore but no vpc-lint:ignore-reason tag, or an ` +
        "empty one, so it suppresses nothing; set vpc-lint:ignore-reason to the reason",
    ]);
  });

  it("warn that snapshot-incomplete in the tag suppresses nothing", () => {
    const tagged = withTags("Subnets", DNS64_SUBNET, {
      "vpc-lint:ignore": "snapshot-incomplete",
      "vpc-lint:ignore-reason": "known gap",
    });
    expect(lint([], tagged).warnings).toEqual([
      `${DNS64_SUBNET} has the tag vpc-lint:ignore with a rule id, snapshot-incomplete (a rule ` +
        "that is never suppressed), which suppresses nothing; fix what the rule reports instead",
    ]);
  });

  it("warn about a misspelt rule id", () => {
    const tagged = withTags("Subnets", DNS64_SUBNET, {
      "vpc-lint:ignore": "nat64-route-mising",
      "vpc-lint:ignore-reason": "Test subnet",
    });
    const result = lint([], tagged);
    expect(suppressedIds(result)).toEqual([]);
    expect(result.warnings).toEqual([
      `${DNS64_SUBNET} has the tag vpc-lint:ignore with an unknown rule id, nat64-route-mising ` +
        "(did you mean nat64-route-missing?), which suppresses nothing; run vpc-lint rules for the " +
        "list of rule ids",
    ]);
  });

  it("leave rules the tag does not list", () => {
    const tagged = withTags("RouteTables", BLACKHOLE_TABLE, {
      "vpc-lint:ignore": "nat64-route-missing",
      "vpc-lint:ignore-reason": "wrong rule on purpose",
    });
    expect(suppressedIds(lint([], tagged))).toEqual([]);
  });

  it("read tags of instances inside reservations", () => {
    const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
    const instance = copy.Reservations?.flatMap((r) => r.Instances ?? []).find(
      (i) => i.InstanceId === INSTANCE,
    );
    if (!instance) throw new Error(`${INSTANCE} is not in the example`);
    instance.Tags = [
      { Key: "vpc-lint:ignore", Value: "instance-imds-ipv6-disabled" },
      { Key: "vpc-lint:ignore-reason", Value: "Uses the IPv4 IMDS endpoint only" },
    ];
    expect(suppressedIds(lint([], copy))).toEqual([`instance-imds-ipv6-disabled ${INSTANCE}`]);
  });

  it.each([
    ["ssm-managed-instance", INSTANCE, "Reservations"],
    ["custom-resource", DNS64_SUBNET, "Subnets"],
    ["constructor", DNS64_SUBNET, "Subnets"],
  ])("read tags for findings of type %s", (type, id, section) => {
    const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
    const items =
      section === "Reservations"
        ? (copy.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])
        : (copy.Subnets ?? []);
    const item = items.find(
      (candidate) => ("InstanceId" in candidate ? candidate.InstanceId : candidate.SubnetId) === id,
    );
    if (!item) throw new Error(`${id} is not in ${section}`);
    item.Tags = IGNORE_OFFLINE;
    const tagged = offlineFinding(type, id);
    expect(applySuppressions([tagged], copy, [], TODAY)).toEqual([]);
    expect(tagged.suppression?.origin).toBe(`tag vpc-lint:ignore on ${id}`);
    const untagged = offlineFinding(type, id);
    applySuppressions([untagged], snapshot, [], TODAY);
    expect(untagged.suppressed).toBeUndefined();
  });

  it("ignore tags of SSM registrations", () => {
    const copy = JSON.parse(JSON.stringify(snapshot)) as Snapshot;
    for (const instance of (copy.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      delete instance.Tags;
    }
    const registration = { InstanceId: INSTANCE, Tags: IGNORE_OFFLINE };
    copy.InstanceInformationList = [...(copy.InstanceInformationList ?? []), registration];
    const finding = offlineFinding("instance", INSTANCE);
    applySuppressions([finding], copy, [], TODAY);
    expect(finding.suppressed).toBeUndefined();
  });
});

describe("suppressions in reports", () => {
  it("JSON report marks them and matches its schema", () => {
    const result = lint([entry({ rule: "nat64-route-blackhole", expires: "2027-12-31" })]);
    const report = JSON.parse(formatJson(result)) as { findings: Finding[]; summary: object };
    const schema = JSON.parse(
      readFileSync(join(ROOT, "src", "schemas", "report.schema.json"), "utf8"),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const suppressed = report.findings.find((f) => f.suppressed);
    expect(suppressed?.suppression?.reason).toBe("accepted for the test");
    expect(suppressed?.suppression?.expires).toBe("2027-12-31");
  });

  it("CLI keeps them in JSON and out of text", async () => {
    const cwd = await mkdtemp(join(workspace, "cli-"));
    const config = { suppressions: [{ rule: "*", reason: "Whole VPC is being rebuilt" }] };
    await writeFile(join(cwd, ".vpc-lint.json"), JSON.stringify(config));

    const json = runCli(["--snapshot", BROKEN, "--format", "json"], {}, cwd);
    const report = JSON.parse(json.stdout) as {
      findings: Finding[];
      summary: { total: number; suppressed: number };
    };
    expect(json.status).toBe(0);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.suppressed)).toBe(true);
    expect(report.summary.total).toBe(0);
    expect(report.summary.suppressed).toBe(report.findings.length);

    const text = runCli(["--snapshot", BROKEN], {}, cwd);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toContain(BLACKHOLE_TABLE);
    expect(text.stdout).toContain(
      `0 errors, 0 warnings, 0 info in 1 VPC; ${report.findings.length} suppressed`,
    );
  });
});
