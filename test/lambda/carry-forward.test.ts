import { DescribeRouteTablesCommand } from "@aws-sdk/client-ec2";
import { BatchImportFindingsCommand } from "@aws-sdk/client-securityhub";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Finding } from "../../src/engine/types.js";
import type { LintResponse } from "../../src/lambda/handler.js";
import {
  ACCESS_KEY,
  awsError,
  isolateAwsEnvironment,
  readExample,
  SECRET_KEY,
  worldOf,
  type World,
} from "../collect/world.js";
import {
  brokenWorld,
  BUCKET,
  cleanWorld,
  importedFindings,
  installFakes,
  invoke,
  logEntries,
  stubAwsEnvironment,
  TOPIC_ARN,
} from "./fakes.js";

const BROKEN_VPC = "vpc-0a1b2c3d4e5f60003";
const PUBLIC_VPC = "vpc-0a1b2c3d4e5f60001";
const EVENT = { regions: ["us-east-1"], output: { bucket: BUCKET } };
const WITH_TOPIC = { ...EVENT, output: { bucket: BUCKET, topicArn: TOPIC_ARN } };

let lines: string[];
let restores: Array<() => void>;
let objects: Map<string, string>;
let day: number;

beforeEach(() => {
  isolateAwsEnvironment();
  stubAwsEnvironment(ACCESS_KEY, SECRET_KEY);
  lines = [];
  restores = [];
  objects = new Map();
  day = 4;
});

afterEach(() => {
  for (const restore of restores.splice(0)) restore();
  vi.unstubAllEnvs();
});

/** Runs the handler once against `world`, one day after the previous run, sharing the bucket. */
async function run(world: World, event: object = EVENT, deny?: "DescribeRouteTables") {
  for (const restore of restores.splice(0)) restore();
  const fakes = installFakes(world, restores, objects);
  if (deny) {
    fakes.ec2
      .on(DescribeRouteTablesCommand)
      .rejects(awsError("UnauthorizedOperation", "You are not authorized.", 403));
  }
  const now = new Date(Date.UTC(2026, 11, day++, 10));
  lines.length = 0;
  const response = (await invoke(event, lines, { now: () => now })) as LintResponse;
  return { fakes, outcome: response.regions[0] };
}

/** Reads the findings of the JSON reports in the bucket, oldest run first. */
function reportFindings(): Finding[][] {
  return [...objects.keys()]
    .filter((key) => key.endsWith(".json") && !key.endsWith(".open.json"))
    .sort()
    .map((key) => (JSON.parse(objects.get(key) ?? "{}") as { findings: Finding[] }).findings);
}

function fingerprints(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.fingerprint).sort();
}

describe("a run with a failed describe call", () => {
  it("resolves none of the findings its skipped rules could not see", async () => {
    await run(brokenWorld());

    const { fakes, outcome } = await run(brokenWorld(), EVENT, "DescribeRouteTables");

    const [first = [], second = []] = reportFindings();
    const missing = first.filter((f) => !fingerprints(second).includes(f.fingerprint));
    expect(second.some((f) => f.ruleId === "snapshot-incomplete")).toBe(true);
    expect(missing.length).toBeGreaterThan(0);
    expect(outcome?.resolved).toBe(0);
    expect(outcome?.carried).toBe(missing.length);
    const states = importedFindings(fakes.hub).map((finding) => finding.RecordState);
    expect(states).not.toContain("ARCHIVED");
  });

  it("logs one line with the carried count and the reason", async () => {
    await run(brokenWorld());

    const { outcome } = await run(brokenWorld(), EVENT, "DescribeRouteTables");

    const entries = logEntries(lines).filter((e) => String(e.message).startsWith("carried"));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.level).toBe("info");
    expect(entries[0]?.carried).toBe(outcome?.carried);
    expect(entries[0]?.reasons).toContainEqual(
      expect.stringMatching(
        /^rule nat64-route-blackhole did not run: DescribeRouteTables failed with UnauthorizedOperation \(1\)$/,
      ),
    );
  });

  it("announces no carried error as new once the call works again", async () => {
    await run(brokenWorld(), WITH_TOPIC);
    await run(brokenWorld(), WITH_TOPIC, "DescribeRouteTables");

    const { fakes, outcome } = await run(brokenWorld(), WITH_TOPIC);

    expect(outcome?.newErrors).toBe(0);
    expect(fakes.sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("resolves carried findings in a later complete run that no longer has them", async () => {
    await run(brokenWorld());
    await run(brokenWorld(), EVENT, "DescribeRouteTables");

    const { fakes, outcome } = await run(cleanWorld());

    const [first = [], second = []] = reportFindings();
    const everOpen = new Set(fingerprints([...first, ...second]));
    const archived = importedFindings(fakes.hub);
    expect(outcome?.resolved).toBe(everOpen.size);
    expect(outcome?.carried).toBe(0);
    expect(archived.map((f) => f.Id?.replace("vpc-lint/", "")).sort()).toEqual(
      [...everOpen].sort(),
    );
    for (const finding of archived) expect(finding.RecordState).toBe("ARCHIVED");
  });

  it("still resolves the findings of a complete run that disappeared", async () => {
    await run(brokenWorld());

    const { fakes, outcome } = await run(cleanWorld());

    expect(outcome?.resolved).toBe(10);
    expect(outcome?.carried).toBe(0);
    expect(fakes.hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });
});

describe("a run scoped with vpcIds", () => {
  const bothVpcs = () =>
    worldOf(readExample("broken-nat64.json"), readExample("public-nat64.json"));

  it("keeps open the findings of the VPCs it did not lint", async () => {
    await run(bothVpcs());

    const { fakes, outcome } = await run(bothVpcs(), { ...EVENT, vpcIds: [PUBLIC_VPC] });

    expect(outcome?.resolved).toBe(0);
    expect(outcome?.carried).toBe(10);
    const states = importedFindings(fakes.hub).map((finding) => finding.RecordState);
    expect(states).not.toContain("ARCHIVED");
  });

  it("resolves the findings that disappeared from the VPC it linted", async () => {
    await run(bothVpcs());
    const fixed = bothVpcs();
    fixed.Reservations = [];
    fixed.NetworkInterfaces = fixed.NetworkInterfaces.filter((eni) => eni.VpcId !== BROKEN_VPC);

    const { fakes, outcome } = await run(fixed, { ...EVENT, vpcIds: [BROKEN_VPC] });

    const [first = [], second = []] = reportFindings();
    const missing = first.filter((f) => !fingerprints(second).includes(f.fingerprint));
    const missingInBroken = missing.filter((f) => f.resource.vpcId === BROKEN_VPC);
    expect(missingInBroken.length).toBeGreaterThan(0);
    expect(outcome?.resolved).toBe(missingInBroken.length);
    expect(outcome?.carried).toBe(missing.length - missingInBroken.length);
    const archived = importedFindings(fakes.hub).filter((f) => f.RecordState === "ARCHIVED");
    expect(archived.map((f) => f.Id?.replace("vpc-lint/", "")).sort()).toEqual(
      fingerprints(missingInBroken),
    );
  });

  it("lets a later run of every VPC resolve what a scoped run carried", async () => {
    await run(bothVpcs());
    await run(bothVpcs(), { ...EVENT, vpcIds: [PUBLIC_VPC] });

    const { outcome } = await run(worldOf(readExample("public-nat64.json")));

    expect(outcome?.resolved).toBe(10);
    expect(outcome?.carried).toBe(0);
  });

  it("still resolves across every VPC when the run is not scoped", async () => {
    await run(bothVpcs());

    const { outcome } = await run(worldOf(readExample("public-nat64.json")));

    expect(outcome?.resolved).toBe(10);
    expect(outcome?.carried).toBe(0);
  });
});

describe("the stored JSON report", () => {
  it("lists every path in full", async () => {
    await run(worldOf(readExample("public-nat64.json")));

    const key = [...objects.keys()].find((k) => k.endsWith(".json") && !k.endsWith(".open.json"));
    const report = JSON.parse(objects.get(key ?? "") ?? "{}") as {
      reachability: { service: string; required: boolean; hops?: unknown[] }[];
    };
    const optional = report.reachability.filter((entry) => !entry.required);

    expect(optional.map((entry) => entry.service)).toEqual(["ec2messages"]);
    expect(report.reachability.every((entry) => (entry.hops?.length ?? 0) > 0)).toBe(true);
  });
});
