import { DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { BatchImportFindingsCommand } from "@aws-sdk/client-securityhub";
import { PublishCommand } from "@aws-sdk/client-sns";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ListAccountsCommand } from "@aws-sdk/client-organizations";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventError } from "../../src/lambda/event.js";
import {
  FunctionArnError,
  handleEvent,
  STATE_OUTPUT_LIMIT_BYTES,
  type LintResponse,
  type TargetsResponse,
} from "../../src/lambda/handler.js";
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
  HOME_ACCOUNT,
  importedFindings,
  installFakes,
  invoke,
  logEntries as parseLogEntries,
  MEMBER_SECRET,
  MEMBER_TOKEN,
  REQUEST_ID,
  stubAwsEnvironment,
  throttlingError,
  TOPIC_ARN,
} from "./fakes.js";

const BROKEN_VPC = "vpc-0a1b2c3d4e5f60003";
const MEMBER_ACCOUNT = "999988887777";

let lines: string[];
let restores: Array<() => void>;

beforeEach(() => {
  isolateAwsEnvironment();
  stubAwsEnvironment(ACCESS_KEY, SECRET_KEY);
  lines = [];
  restores = [];
});

afterEach(() => {
  for (const restore of restores) restore();
  vi.unstubAllEnvs();
});

/** Installs every fake; the world is the EC2 and SSM side of the account. */
function install(world: World, objects = new Map<string, string>()) {
  return installFakes(world, restores, objects);
}

/** Replaces the fakes with new ones over the same bucket, as a later invocation finds them. */
function reinstall(world: World, objects: Map<string, string>) {
  for (const restore of restores.splice(0)) restore();
  return install(world, objects);
}

/** Runs the handler at 10:00 UTC on a later day of December 2026. */
function invokeOn(day: number, event: unknown): ReturnType<typeof invoke> {
  const date = `2026-12-${String(day).padStart(2, "0")}T10:00:00.000Z`;
  return invoke(event, lines, { now: () => new Date(date) });
}

function logEntries(): Array<Record<string, unknown>> {
  return parseLogEntries(lines);
}

function metricEntries(): Array<Record<string, unknown>> {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => "_aws" in entry);
}

const EVENT = { regions: ["us-east-1"], output: { bucket: BUCKET } };

describe("lint event", () => {
  it("writes the JSON and SARIF reports under account, Region and day", async () => {
    const fakes = install(brokenWorld());

    const response = (await invoke(EVENT, lines)) as LintResponse;

    const key = `vpc-lint/${HOME_ACCOUNT}/us-east-1/2026-12-04/20261204T100000Z-0f1e2d3c`;
    expect(response.status).toBe("succeeded");
    expect(response.regions[0]?.reports).toEqual({ json: `${key}.json`, sarif: `${key}.sarif` });
    expect([...fakes.objects.keys()].sort()).toEqual([
      `${key}.json`,
      `${key}.open.json`,
      `${key}.sarif`,
    ]);
    const report = JSON.parse(fakes.objects.get(`${key}.json`) ?? "{}") as {
      summary: { error: number };
    };
    expect(report.summary.error).toBe(7);
    const sarif = JSON.parse(fakes.objects.get(`${key}.sarif`) ?? "{}") as { version: string };
    expect(sarif.version).toBe("2.1.0");
  });

  it("imports every finding with its fingerprint as Id", async () => {
    const fakes = install(brokenWorld());

    const response = (await invoke(EVENT, lines)) as LintResponse;

    const findings = importedFindings(fakes.hub);
    expect(findings).toHaveLength(10);
    expect(response.regions[0]?.imported).toBe(10);
    for (const finding of findings) {
      expect(finding.Id).toMatch(/^vpc-lint\/[0-9a-f]{32}$/);
      expect(finding.ProductArn).toBe(
        `arn:aws:securityhub:us-east-1:${HOME_ACCOUNT}:product/${HOME_ACCOUNT}/default`,
      );
      expect(finding.RecordState).toBe("ACTIVE");
    }
  });

  it("gives repeated runs the same finding ids", async () => {
    const fakes = install(brokenWorld());

    await invoke(EVENT, lines);
    await invokeOn(5, EVENT);

    const calls = fakes.hub.commandCalls(BatchImportFindingsCommand);
    const first = (calls[0]?.args[0].input.Findings ?? []).map((f) => f.Id).sort();
    const second = (calls[1]?.args[0].input.Findings ?? []).map((f) => f.Id).sort();
    expect(calls).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it("lints every VPC of the Region when the event names none", async () => {
    const fakes = install(
      worldOf(readExample("broken-nat64.json"), readExample("public-nat64.json")),
    );

    const response = (await invoke(EVENT, lines)) as LintResponse;

    expect(response.regions[0]?.vpcIds).toEqual(["vpc-0a1b2c3d4e5f60001", BROKEN_VPC]);
    expect(fakes.ec2.commandCalls(DescribeVpcsCommand)[0]?.args[0].input.Filters).toBeUndefined();
  });

  it("lints only the VPCs the event names", async () => {
    install(worldOf(readExample("broken-nat64.json"), readExample("public-nat64.json")));

    const response = (await invoke({ ...EVENT, vpcIds: [BROKEN_VPC] }, lines)) as LintResponse;

    expect(response.regions[0]?.vpcIds).toEqual([BROKEN_VPC]);
  });

  it("lints the existing VPCs of one Region", async () => {
    install(brokenWorld());
    const missing = "vpc-0123456789abcdef0";

    const response = (await invoke(
      { ...EVENT, vpcIds: [BROKEN_VPC, missing] },
      lines,
    )) as LintResponse;

    expect(response.status).toBe("partial");
    expect(response.missingVpcIds).toEqual([missing]);
    expect(response.regions[0]?.status).toBe("linted");
    expect(response.regions[0]?.vpcIds).toEqual([BROKEN_VPC]);
  });

  it("throws when one Region lacks every VPC", async () => {
    const fakes = install(brokenWorld());
    const missing = "vpc-0123456789abcdef0";

    const run = invoke({ ...EVENT, vpcIds: [missing] }, lines);

    await expect(run).rejects.toThrow(
      `VPC ${missing} not found in us-east-1 of account ${HOME_ACCOUNT}: check vpcIds, regions ` +
        "and the account",
    );
    expect(fakes.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("reports a Region without VPCs as no-vpcs and writes nothing", async () => {
    const fakes = install(worldOf());

    const response = (await invoke(EVENT, lines)) as LintResponse;

    expect(response.regions[0]?.status).toBe("no-vpcs");
    expect(fakes.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

/** Returns a response's Region outcomes by Region. */
function outcomesByRegion(response: LintResponse) {
  return Object.fromEntries(response.regions.map((outcome) => [outcome.region, outcome]));
}

describe("several Regions", () => {
  it("completes the other Regions when one is denied", async () => {
    const fakes = install(brokenWorld());
    const denied = awsError(
      "UnauthorizedOperation",
      "You are not authorized to perform this operation.",
      403,
    );
    fakes.ec2.on(DescribeVpcsCommand).callsFake(async (input, getClient) => {
      const region = await getClient().config.region();
      if (region === "eu-west-1") throw denied;
      expect(input.Filters?.[0]?.Name ?? "vpc-id").toBe("vpc-id");
      return { Vpcs: brokenWorld().Vpcs };
    });
    const event = {
      regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
      output: { bucket: BUCKET },
    };

    const response = (await invoke(event, lines)) as LintResponse;

    expect(response.status).toBe("partial");
    const byRegion = outcomesByRegion(response);
    expect(byRegion["us-east-1"]?.status).toBe("linted");
    expect(byRegion["ap-southeast-2"]?.status).toBe("linted");
    expect(byRegion["eu-west-1"]?.status).toBe("failed");
    expect(byRegion["eu-west-1"]?.error).toMatch(/^UnauthorizedOperation: /);
    const keys = [...fakes.objects.keys()];
    expect(keys.filter((key) => key.includes("/eu-west-1/"))).toEqual([]);
    expect(keys.filter((key) => key.includes("/ap-southeast-2/"))).toHaveLength(3);
  });

  it("logs the denied Region as an error with its code", async () => {
    const fakes = install(brokenWorld());
    fakes.ec2.on(DescribeVpcsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === "eu-west-1") {
        throw awsError(
          "UnauthorizedOperation",
          "You are not authorized to perform this operation.",
          403,
        );
      }
      return { Vpcs: brokenWorld().Vpcs };
    });

    await invoke({ regions: ["us-east-1", "eu-west-1"], output: { bucket: BUCKET } }, lines);

    const failures = logEntries().filter((entry) => entry.level === "error");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      region: "eu-west-1",
      account: HOME_ACCOUNT,
      code: "UnauthorizedOperation",
    });
  });

  describe("with vpcIds", () => {
    const EVENT_WITH_VPC = {
      regions: ["us-east-1", "eu-west-1"],
      vpcIds: [BROKEN_VPC],
      output: { bucket: BUCKET },
    };
    /** Returns the broken VPC from DescribeVpcs in us-east-1 only. */
    const onlyInUsEast1 = (fakes: ReturnType<typeof install>) =>
      fakes.ec2.on(DescribeVpcsCommand).callsFake(async (input, getClient) => {
        const region = await getClient().config.region();
        const requested = input.Filters?.[0]?.Values ?? [];
        const vpcs = brokenWorld().Vpcs ?? [];
        return {
          Vpcs:
            region === "us-east-1" ? vpcs.filter((vpc) => requested.includes(vpc.VpcId ?? "")) : [],
        };
      });

    it("lints each VPC in the Region that has it", async () => {
      const fakes = install(brokenWorld());
      onlyInUsEast1(fakes);

      const response = (await invoke(EVENT_WITH_VPC, lines)) as LintResponse;

      expect(response.status).toBe("succeeded");
      const byRegion = outcomesByRegion(response);
      expect(byRegion["us-east-1"]?.status).toBe("linted");
      expect(byRegion["us-east-1"]?.vpcIds).toEqual([BROKEN_VPC]);
      expect(byRegion["eu-west-1"]?.status).toBe("no-vpcs");
      expect(response.missingVpcIds).toBeUndefined();
      const keys = [...fakes.objects.keys()];
      expect(keys.filter((key) => key.includes("/eu-west-1/"))).toEqual([]);
      expect(keys.filter((key) => key.includes("/us-east-1/"))).toHaveLength(3);
    });

    it("names the VPCs that no Region has", async () => {
      const fakes = install(brokenWorld());
      onlyInUsEast1(fakes);
      const missing = "vpc-0123456789abcdef0";
      const event = {
        regions: ["us-east-1", "eu-west-1"],
        vpcIds: [BROKEN_VPC, missing],
        output: { bucket: BUCKET },
      };

      const response = (await invoke(event, lines)) as LintResponse;

      expect(response.status).toBe("partial");
      expect(response.missingVpcIds).toEqual([missing]);
      const errors = logEntries().filter((entry) => entry.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ vpcIds: [missing], regions: ["us-east-1", "eu-west-1"] });
    });

    it("throws when no Region has any of them", async () => {
      const fakes = install(brokenWorld());
      fakes.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });

      const run = invoke(EVENT_WITH_VPC, lines);

      await expect(run).rejects.toThrow(
        `VPC ${BROKEN_VPC} not found in us-east-1, eu-west-1 of account ${HOME_ACCOUNT}: check`,
      );
      expect(fakes.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it("names no VPC missing when a Region failed", async () => {
      const fakes = install(brokenWorld());
      fakes.ec2.on(DescribeVpcsCommand).callsFake(async (_input, getClient) => {
        if ((await getClient().config.region()) === "eu-west-1") {
          throw awsError("UnauthorizedOperation", "denied", 403);
        }
        return { Vpcs: [] };
      });

      const response = (await invoke(EVENT_WITH_VPC, lines)) as LintResponse;

      expect(response.status).toBe("partial");
      expect(response.missingVpcIds).toBeUndefined();
      expect(outcomesByRegion(response)["eu-west-1"]?.error).toBe(
        "InputError: DescribeVpcs in eu-west-1 failed with UnauthorizedOperation: denied, so " +
          `whether eu-west-1 has ${BROKEN_VPC} is unknown. Grant ec2:DescribeVpcs, or leave ` +
          "eu-west-1 out of the Regions.",
      );
    });
  });

  it("throws when every Region fails", async () => {
    const fakes = install(brokenWorld());
    fakes.ec2.on(DescribeVpcsCommand).rejects(awsError("UnauthorizedOperation", "denied", 403));

    const run = invoke({ regions: ["us-east-1", "eu-west-1"], output: { bucket: BUCKET } }, lines);

    await expect(run).rejects.toThrow(
      /failed in every Region of 111122223333: us-east-1: UnauthorizedOperation/,
    );
    expect(fakes.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("emits one metric line per Region", async () => {
    const fakes = install(brokenWorld());
    fakes.ec2.on(DescribeVpcsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === "eu-west-1")
        throw awsError("UnauthorizedOperation", "denied", 403);
      return { Vpcs: brokenWorld().Vpcs };
    });

    await invoke({ regions: ["us-east-1", "eu-west-1"], output: { bucket: BUCKET } }, lines);

    const metrics = metricEntries();
    const byRegion = Object.fromEntries(metrics.map((entry) => [entry.Region, entry]));
    expect(metrics).toHaveLength(2);
    expect(byRegion["us-east-1"]).toMatchObject({
      ErrorFindings: 7,
      WarningFindings: 3,
      FailedRuns: 0,
    });
    expect(byRegion["eu-west-1"]).toMatchObject({ ErrorFindings: 0, FailedRuns: 1 });
  });
});

describe("Security Hub import", () => {
  it("retries a throttled import", async () => {
    const fakes = install(brokenWorld());
    fakes.hub
      .on(BatchImportFindingsCommand)
      .rejectsOnce(throttlingError())
      .rejectsOnce(throttlingError())
      .callsFake((input) => ({ SuccessCount: input.Findings?.length ?? 0, FailedCount: 0 }));

    const response = (await invoke(EVENT, lines)) as LintResponse;

    expect(fakes.hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
    expect(response.regions[0]?.imported).toBe(10);
    expect(logEntries().filter((entry) => /throttled/.test(String(entry.message)))).toHaveLength(2);
  });

  it("skips the import when securityHub is false", async () => {
    const fakes = install(brokenWorld());

    await invoke({ ...EVENT, securityHub: false }, lines);

    expect(fakes.hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });

  it("archives the findings a later run no longer has", async () => {
    const objects = new Map<string, string>();
    install(brokenWorld(), objects);
    await invoke(EVENT, lines);
    const fakes = reinstall(cleanWorld(), objects);

    const response = (await invokeOn(5, EVENT)) as LintResponse;

    const findings = importedFindings(fakes.hub);
    expect(response.regions[0]?.summary?.total).toBe(0);
    expect(response.regions[0]?.resolved).toBe(10);
    expect(findings).toHaveLength(10);
    for (const finding of findings) {
      expect(finding.RecordState).toBe("ARCHIVED");
      expect(finding.Workflow?.Status).toBe("RESOLVED");
      expect(finding.Compliance?.Status).toBe("PASSED");
    }
  });

  it("names a previous report that is not JSON", async () => {
    const key = `vpc-lint/${HOME_ACCOUNT}/us-east-1/2026-12-05/20261205T100000Z-a.open.json`;
    const objects = new Map([[key, "{truncated"]]);
    install(brokenWorld(), objects);

    const run = invokeOn(6, EVENT);

    await expect(run).rejects.toThrow(
      `us-east-1: InvalidPreviousReport: previous report s3://${BUCKET}/${key} is not valid JSON`,
    );
    await expect(run).rejects.toThrow("delete or replace it");
  });

  it("names report listings whose tokens repeat", async () => {
    const fakes = install(brokenWorld());
    fakes.s3.on(ListObjectsV2Command).callsFake((input: { ContinuationToken?: string }) => ({
      Contents: [],
      IsTruncated: true,
      NextContinuationToken: input.ContinuationToken === "token-a" ? "token-b" : "token-a",
    }));

    const run = invoke(EVENT, lines);

    await expect(run).rejects.toThrow(
      "us-east-1: InvalidResponse: page 3 returned a NextContinuationToken that an earlier " +
        "page returned, so the pages repeat",
    );
    expect(fakes.s3.commandCalls(ListObjectsV2Command)).toHaveLength(3);
    expect(fakes.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("archives a finding only once", async () => {
    const objects = new Map<string, string>();
    install(brokenWorld(), objects);
    await invoke(EVENT, lines);
    reinstall(cleanWorld(), objects);
    await invokeOn(5, EVENT);
    const fakes = reinstall(cleanWorld(), objects);

    await invokeOn(6, EVENT);

    expect(fakes.hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });
});

describe("notifications", () => {
  it("publishes new errors to the topic", async () => {
    const fakes = install(brokenWorld());

    const response = (await invoke(
      { ...EVENT, output: { bucket: BUCKET, topicArn: TOPIC_ARN } },
      lines,
    )) as LintResponse;

    const calls = fakes.sns.commandCalls(PublishCommand);
    expect(response.regions[0]?.newErrors).toBe(7);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.TopicArn).toBe(TOPIC_ARN);
    expect(calls[0]?.args[0].input.Subject).toBe(
      `vpc-lint: 7 new errors in ${HOME_ACCOUNT} us-east-1`,
    );
    expect(calls[0]?.args[0].input.Message).toContain(
      `s3://${BUCKET}/vpc-lint/${HOME_ACCOUNT}/us-east-1/`,
    );
  });

  it("sends FIFO topics a group and deduplication id", async () => {
    const fakes = install(brokenWorld());
    const topicArn = `${TOPIC_ARN}.fifo`;

    await invoke({ ...EVENT, output: { bucket: BUCKET, topicArn } }, lines);

    const input = fakes.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(topicArn);
    expect(input?.MessageGroupId).toBe(`${HOME_ACCOUNT}-us-east-1`);
    expect(input?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sends standard topics no FIFO fields", async () => {
    const fakes = install(brokenWorld());

    await invoke({ ...EVENT, output: { bucket: BUCKET, topicArn: TOPIC_ARN } }, lines);

    const input = fakes.sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.MessageGroupId).toBeUndefined();
    expect(input?.MessageDeduplicationId).toBeUndefined();
  });

  it("stays quiet when the errors are not new", async () => {
    const objects = new Map<string, string>();
    const event = { ...EVENT, output: { bucket: BUCKET, topicArn: TOPIC_ARN } };
    install(brokenWorld(), objects);
    await invoke(event, lines);
    const fakes = reinstall(brokenWorld(), objects);

    const response = (await invokeOn(5, event)) as LintResponse;

    expect(response.regions[0]?.newErrors).toBe(0);
    expect(fakes.sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe("failed publishing", () => {
  const event = { ...EVENT, output: { bucket: BUCKET, topicArn: TOPIC_ARN } };
  const keys = (objects: Map<string, string>) => [...objects.keys()].sort();
  const prefix = `vpc-lint/${HOME_ACCOUNT}/us-east-1/2026-12-04/20261204T100000Z-0f1e2d3c`;

  it("announces errors the topic rejected again", async () => {
    const objects = new Map<string, string>();
    const first = install(brokenWorld(), objects);
    first.sns.on(PublishCommand).rejects(new Error("topic unavailable"));
    await expect(invoke(event, lines)).rejects.toThrow(/topic unavailable/);
    const fakes = reinstall(brokenWorld(), objects);

    const response = (await invokeOn(5, event)) as LintResponse;

    expect(response.regions[0]?.newErrors).toBe(7);
    expect(fakes.sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("keeps previous open findings on SNS failure", async () => {
    const fakes = install(brokenWorld());
    fakes.sns.on(PublishCommand).rejects(new Error("topic unavailable"));

    await expect(invoke(event, lines)).rejects.toThrow(/topic unavailable/);

    expect(keys(fakes.objects)).toEqual([
      `${prefix}.json`,
      `${prefix}.open.json`,
      `${prefix}.sarif`,
    ]);
    expect(JSON.parse(fakes.objects.get(`${prefix}.open.json`) ?? "")).toEqual({ findings: [] });
  });

  it("stores reports when the import fails", async () => {
    const fakes = install(brokenWorld());
    fakes.hub
      .on(BatchImportFindingsCommand)
      .rejects(awsError("InvalidAccessException", "Security Hub is not enabled", 401));

    await expect(invoke(EVENT, lines)).rejects.toThrow(/InvalidAccessException/);

    const report = JSON.parse(fakes.objects.get(`${prefix}.json`) ?? "{}") as {
      summary: { error: number };
    };
    expect(report.summary.error).toBe(7);
    expect(fakes.objects.has(`${prefix}.sarif`)).toBe(true);
    expect(JSON.parse(fakes.objects.get(`${prefix}.open.json`) ?? "")).toEqual({ findings: [] });
  });

  it("archives again after a failed import", async () => {
    const objects = new Map<string, string>();
    install(brokenWorld(), objects);
    await invoke(EVENT, lines);
    const failing = reinstall(cleanWorld(), objects);
    failing.hub.on(BatchImportFindingsCommand).rejects(new Error("Security Hub unavailable"));
    await expect(invokeOn(5, EVENT)).rejects.toThrow(/Security Hub unavailable/);
    const fakes = reinstall(cleanWorld(), objects);

    const response = (await invokeOn(6, EVENT)) as LintResponse;

    expect(response.regions[0]?.resolved).toBeGreaterThan(0);
    const archived = importedFindings(fakes.hub).filter(
      (finding) => finding.RecordState === "ARCHIVED",
    );
    expect(archived).toHaveLength(response.regions[0]?.resolved ?? -1);
  });
});

describe("invalid event", () => {
  it.each([
    [
      { ...EVENT, vpcIds: ["vpc-XYZ"] },
      /\/vpcIds\/0 \("vpc-XYZ"\) does not match .*; use a VPC id such as vpc-0a1b2c3d4e5f67890/,
    ],
    [
      { ...EVENT, region: "us-east-1" },
      /\/region is not a known field; remove it or check its spelling/,
    ],
    [
      { ...EVENT, regions: ["Ireland"] },
      /\/regions\/0 \("Ireland"\) does not match .*; use a Region code such as eu-west-1/,
    ],
    [
      { regions: ["us-east-1"] },
      /\/output\/bucket is missing; set it in the event or VPC_LINT_BUCKET/,
    ],
    [
      { ...EVENT, accountId: MEMBER_ACCOUNT },
      /\/accountId 999988887777 needs a role to assume; set \/roleName/,
    ],
    [
      { ...EVENT, output: { bucket: "arn:aws:s3:::results" } },
      /\/output\/bucket \("arn:aws:s3:::results"\) does not match .*; use an S3 bucket name/,
    ],
  ])("rejects %j", async (event, message) => {
    const fakes = install(brokenWorld());

    const run = invoke(event, lines);

    await expect(run).rejects.toThrow(EventError);
    await expect(run).rejects.toThrow(message);
    expect(fakes.ec2.calls()).toHaveLength(0);
    expect(fakes.s3.calls()).toHaveLength(0);
    expect(fakes.hub.calls()).toHaveLength(0);
    expect(fakes.sns.calls()).toHaveLength(0);
  });

  it("logs the rejection as one error line", async () => {
    install(brokenWorld());

    await expect(invoke({ ...EVENT, vpcIds: ["vpc-XYZ"] }, lines)).rejects.toThrow(EventError);

    const entries = logEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: "error", requestId: REQUEST_ID });
    expect(String(entries[0]?.message)).toContain("/vpcIds/0");
  });
});

describe("invalid environment", () => {
  it.each([
    [{ VPC_LINT_REGIONS: "us-east-1,us-east-1" }, /\/regions \(from VPC_LINT_REGIONS\) lists/],
    [{ VPC_LINT_REGIONS: "not a region!!" }, /from VPC_LINT_REGIONS\) does not match/],
    [{ VPC_LINT_VPC_IDS: "subnet-123" }, /from VPC_LINT_VPC_IDS\) does not match/],
    [{ VPC_LINT_BUCKET: "arn:aws:s3:::my-bucket" }, /from VPC_LINT_BUCKET\) does not match/],
  ])("rejects %j before any AWS call", async (variables, message) => {
    const fakes = install(brokenWorld());
    const env = { AWS_REGION: "us-east-1", VPC_LINT_BUCKET: BUCKET, ...variables };

    const run = invoke({}, lines, { env });

    await expect(run).rejects.toThrow(EventError);
    await expect(run).rejects.toThrow(message);
    expect(fakes.ec2.calls()).toHaveLength(0);
    expect(fakes.s3.calls()).toHaveLength(0);
    expect(fakes.hub.calls()).toHaveLength(0);
    expect(logEntries().filter((entry) => entry.level === "error")).toHaveLength(1);
  });
});

describe("invocation context", () => {
  it.each([[""], ["arn:aws:lambda:us-east-1:function:vpc-lint"], ["not an arn"]])(
    "rejects the function ARN %j with a logged error",
    async (arn) => {
      const fakes = install(brokenWorld());

      const run = handleEvent(
        EVENT,
        { awsRequestId: REQUEST_ID, invokedFunctionArn: arn },
        { env: { AWS_REGION: "us-east-1" }, now: () => new Date(), write: (l) => lines.push(l) },
      );

      await expect(run).rejects.toThrow(FunctionArnError);
      await expect(run).rejects.toThrow(`invalid invokedFunctionArn ${JSON.stringify(arn)}`);
      const entries = logEntries();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ level: "error", requestId: REQUEST_ID });
      expect(fakes.ec2.calls()).toHaveLength(0);
    },
  );
});

describe("member accounts", () => {
  const ORGANIZATION_EVENT = {
    organization: true,
    regions: ["us-east-1", "eu-west-1"],
    roleName: "VpcLintReadOnly",
    output: { bucket: BUCKET },
  };
  const MEMBER_EVENT = {
    ...EVENT,
    accountId: HOME_ACCOUNT,
    roleName: "VpcLintReadOnly",
    externalId: "vpc-lint-external",
  };

  it("assumes the member role with the external id", async () => {
    const fakes = install(brokenWorld());

    await invoke({ ...MEMBER_EVENT, accountId: MEMBER_ACCOUNT }, lines);

    const input = fakes.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(input?.RoleArn).toBe(`arn:aws:iam::${MEMBER_ACCOUNT}:role/VpcLintReadOnly`);
    expect(input?.ExternalId).toBe("vpc-lint-external");
    expect(input?.RoleSessionName).toBe(`vpc-lint-${REQUEST_ID}`);
  });

  it("counts Regions failed when the role is denied", async () => {
    const fakes = install(brokenWorld());
    fakes.sts.on(AssumeRoleCommand).rejects(awsError("AccessDenied", "not authorized", 403));
    const event = {
      ...MEMBER_EVENT,
      accountId: MEMBER_ACCOUNT,
      regions: ["us-east-1", "eu-west-1"],
    };

    await expect(invoke(event, lines)).rejects.toThrow("not authorized");

    const metrics = metricEntries();
    expect(metrics.map((entry) => entry.Region)).toEqual(["us-east-1", "eu-west-1"]);
    for (const entry of metrics) {
      expect(entry).toMatchObject({ Account: MEMBER_ACCOUNT, FailedRuns: 1, ErrorFindings: 0 });
    }
  });

  it("imports member findings under the member account", async () => {
    const fakes = install(brokenWorld());
    // The member's VPCs carry the member account as owner.
    fakes.ec2.on(DescribeVpcsCommand).callsFake(() => ({
      Vpcs: brokenWorld().Vpcs.map((vpc) => ({ ...vpc, OwnerId: MEMBER_ACCOUNT })),
    }));

    const response = (await invoke(
      { ...MEMBER_EVENT, accountId: MEMBER_ACCOUNT },
      lines,
    )) as LintResponse;

    expect(response.account).toBe(MEMBER_ACCOUNT);
    expect(response.regions[0]?.reports?.json).toMatch(
      new RegExp(`^vpc-lint/${MEMBER_ACCOUNT}/us-east-1/`),
    );
    for (const finding of importedFindings(fakes.hub)) {
      expect(finding.AwsAccountId).toBe(MEMBER_ACCOUNT);
      expect(finding.ProductArn).toBe(
        `arn:aws:securityhub:us-east-1:${MEMBER_ACCOUNT}:product/${MEMBER_ACCOUNT}/default`,
      );
    }
  });

  it("uses its own role for its own account", async () => {
    const fakes = install(brokenWorld());

    await invoke(MEMBER_EVENT, lines);

    expect(fakes.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it("needs no role name for its own account", async () => {
    const fakes = install(brokenWorld());

    const response = (await invoke({ ...EVENT, accountId: HOME_ACCOUNT }, lines)) as LintResponse;

    expect(response.status).toBe("succeeded");
    expect(response.account).toBe(HOME_ACCOUNT);
    expect(fakes.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it("lists one event per active account and Region", async () => {
    const fakes = install(brokenWorld());
    const event = {
      organization: true,
      regions: ["us-east-1", "eu-west-1"],
      roleName: "VpcLintReadOnly",
      output: { bucket: BUCKET },
    };

    const response = (await invoke(event, lines)) as TargetsResponse;

    expect(fakes.organizations.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(response.events.map((item) => [item.accountId, item.regions])).toEqual([
      [undefined, ["us-east-1"]],
      [undefined, ["eu-west-1"]],
      ["777788889999", ["us-east-1"]],
      ["777788889999", ["eu-west-1"]],
    ]);
    expect(response.events[2]).toMatchObject({
      roleName: "VpcLintReadOnly",
      output: { bucket: BUCKET, prefix: "vpc-lint" },
    });
    expect(fakes.ec2.calls()).toHaveLength(0);
  });

  it("rejects account pages that repeat a token", async () => {
    const fakes = install(brokenWorld());
    fakes.organizations.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => ({
      Accounts: [{ Id: "777788889999", State: "ACTIVE" }],
      NextToken: input.NextToken === "token-a" ? "token-b" : "token-a",
    }));

    const listed = invoke(ORGANIZATION_EVENT, lines);

    await expect(listed).rejects.toThrow(
      "page 3 returned a NextToken that an earlier page returned, so the pages repeat",
    );
    expect(fakes.organizations.commandCalls(ListAccountsCommand)).toHaveLength(3);
  });

  it("rejects an account page without its list", async () => {
    const fakes = install(brokenWorld());
    fakes.organizations.on(ListAccountsCommand).resolves({});

    const listed = invoke(ORGANIZATION_EVENT, lines);

    await expect(listed).rejects.toThrow("ListAccounts returned a page without Accounts");
  });

  it("logs a denied ListAccounts with its fix", async () => {
    const fakes = install(brokenWorld());
    const denied = awsError("AccessDeniedException", "You don't have permissions", 400);
    fakes.organizations.on(ListAccountsCommand).rejects(denied);

    await expect(invoke(ORGANIZATION_EVENT, lines)).rejects.toThrow("You don't have permissions");

    const errors = logEntries().filter((entry) => entry.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "AccessDeniedException",
      error: "You don't have permissions",
    });
    expect(String(errors[0]?.message)).toContain("organizations:ListAccounts");
  });

  it("warns when the listed events exceed the state output limit", async () => {
    const fakes = install(brokenWorld());
    const accounts = Array.from({ length: 1500 }, (_, i) => ({
      Id: String(100000000000 + i),
      State: "ACTIVE" as const,
    }));
    fakes.organizations.on(ListAccountsCommand).resolves({ Accounts: accounts });
    const event = { ...ORGANIZATION_EVENT, regions: ["us-east-1"] };

    const response = (await invoke(event, lines)) as TargetsResponse;

    const bytes = Buffer.byteLength(JSON.stringify(response), "utf8");
    const warnings = logEntries().filter((entry) => entry.level === "warn");
    expect(bytes).toBeGreaterThan(STATE_OUTPUT_LIMIT_BYTES);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ bytes, limitBytes: 262144, events: 1500 });
  });

  it("does not warn about a list within the state output limit", async () => {
    install(brokenWorld());

    await invoke(ORGANIZATION_EVENT, lines);

    expect(logEntries().filter((entry) => entry.level === "warn")).toEqual([]);
  });

  it("answers each listed event as a valid event", async () => {
    install(brokenWorld());
    const event = {
      organization: true,
      regions: ["us-east-1"],
      roleName: "VpcLintReadOnly",
      output: { bucket: BUCKET },
    };
    const { events } = (await invoke(event, lines)) as TargetsResponse;

    const response = (await invoke(events[0], lines)) as LintResponse;

    expect(response.status).toBe("succeeded");
  });
});

describe("structured logs", () => {
  it("writes one JSON object per line with the ids", async () => {
    install(brokenWorld());

    await invoke(EVENT, lines);

    const entries = logEntries();
    expect(entries.length).toBeGreaterThan(3);
    for (const entry of entries) {
      expect(typeof entry.level).toBe("string");
      expect(typeof entry.message).toBe("string");
      expect(entry.requestId).toBe(REQUEST_ID);
      expect(entry.account).toBe(HOME_ACCOUNT);
    }
    const linted = entries.find((entry) => entry.message === "linted");
    expect(linted).toMatchObject({ region: "us-east-1", vpcs: [BROKEN_VPC] });
  });

  it("logs no credentials of either role", async () => {
    const fakes = install(brokenWorld());
    fakes.ec2.on(DescribeVpcsCommand).callsFake(() => ({
      Vpcs: brokenWorld().Vpcs.map((vpc) => ({ ...vpc, OwnerId: MEMBER_ACCOUNT })),
    }));

    await invoke({ ...EVENT, accountId: MEMBER_ACCOUNT, roleName: "VpcLintReadOnly" }, lines, {
      env: { AWS_REGION: "us-east-1", VPC_LINT_LOG_LEVEL: "debug" },
    });

    const text = lines.join("");
    expect(lines.some((line) => JSON.parse(line).level === "debug")).toBe(true);
    for (const secret of [SECRET_KEY, MEMBER_SECRET, MEMBER_TOKEN, ACCESS_KEY]) {
      expect(text).not.toContain(secret);
    }
  });
});
