/**
 * Collector tests through the SDK's whole middleware stack: real clients, real retry strategy and
 * endpoint resolution, with a fake transport in place of the network. Retry back-off runs on fake
 * timers, so these tests wait for no real delay.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot, type CollectOptions } from "../../src/collect/collector.js";
import { MAX_PAGES } from "../../src/collect/runner.js";
import { InputError } from "../../src/errors.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  ec2Body,
  ec2Error,
  FakeAws,
  OWNER_ID,
  ssmError,
  VPC_ID,
  type Override,
} from "./transport.js";
import { ACCESS_KEY, CREDENTIALS, isolateAwsEnvironment, SECRET_KEY } from "./world.js";

let lines: string[];
let home: string;

beforeEach(() => {
  isolateAwsEnvironment();
  lines = [];
  home = mkdtempSync(join(tmpdir(), "vpc-lint-collect-"));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

function options(fake: FakeAws, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    vpcIds: [VPC_ID],
    region: "us-east-1",
    concurrency: 16,
    log: (line) => lines.push(line),
    clientOverrides: { requestHandler: fake.handler, credentials: CREDENTIALS },
    ...extra,
  };
}

/** Runs a collection on fake timers, moving the clock on until it settles. */
async function collectOnFakeClock(collect: () => Promise<Snapshot>): Promise<Snapshot> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  let settled = false;
  const run = collect().finally(() => {
    settled = true;
  });
  run.catch(() => undefined);
  while (!settled) await vi.advanceTimersByTimeAsync(250);
  return run;
}

function throttleFirst(
  operation: string,
  response: ReturnType<typeof ec2Error>,
  times = 1,
): Override {
  return (name, attempt) => (name === operation && attempt <= times ? response : undefined);
}

describe("collectSnapshot retries", () => {
  it("retries RequestLimitExceeded and keeps the data", async () => {
    const fake = new FakeAws(
      throttleFirst(
        "DescribeSubnets",
        ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503),
        2,
      ),
    );

    const snapshot = await collectOnFakeClock(() => collectSnapshot(options(fake)));

    expect(fake.count("DescribeSubnets")).toBe(3);
    expect(snapshot.Subnets?.map((subnet) => subnet.SubnetId)).toEqual([
      "subnet-0a1b2c3d4e5f60001",
    ]);
    expect(snapshot.Errors).toBeUndefined();
    expect(lines).toContain("DescribeSubnets: 1 page, 1 item after 2 retries");
  });

  it("retries SSM ThrottlingException and keeps the data", async () => {
    const fake = new FakeAws(
      throttleFirst(
        "DescribeInstanceInformation",
        ssmError("ThrottlingException", "Rate exceeded"),
      ),
    );

    const snapshot = await collectOnFakeClock(() => collectSnapshot(options(fake)));

    expect(fake.count("DescribeInstanceInformation")).toBe(2);
    expect(snapshot.InstanceInformationList?.map((info) => info.InstanceId)).toEqual([
      "i-0a1b2c3d4e5f60001",
    ]);
    expect(snapshot.Errors).toBeUndefined();
  });

  it("records throttling that outlasts every attempt", async () => {
    const fake = new FakeAws(
      throttleFirst(
        "DescribeSubnets",
        ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503),
        99,
      ),
    );

    const snapshot = await collectOnFakeClock(() =>
      collectSnapshot(options(fake, { maxAttempts: 3 })),
    );

    expect(fake.count("DescribeSubnets")).toBe(3);
    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeSubnets",
        Code: "RequestLimitExceeded",
        Message: "Request limit exceeded.",
      },
    ]);
    expect(snapshot).not.toHaveProperty("Subnets");
  });

  it("does not retry UnauthorizedOperation", async () => {
    const denied = ec2Error(
      "UnauthorizedOperation",
      "You are not authorized to perform this operation.",
      403,
    );
    const fake = new FakeAws(throttleFirst("DescribeNetworkAcls", denied, 99));

    const snapshot = await collectOnFakeClock(() => collectSnapshot(options(fake)));

    expect(fake.count("DescribeNetworkAcls")).toBe(1);
    expect(snapshot.Errors?.[0]?.Code).toBe("UnauthorizedOperation");
  });
});

describe("collectSnapshot unreadable responses", () => {
  const html =
    "<html><head><title>500 Internal Server Error</title></head><body><h1>oops</h1></body></html>";

  it("records an HTML server error as InvalidResponse", async () => {
    const fake = new FakeAws((operation) =>
      operation === "DescribeRouteTables"
        ? { status: 500, body: html, contentType: "text/html" }
        : undefined,
    );

    const snapshot = await collectOnFakeClock(() =>
      collectSnapshot(options(fake, { maxAttempts: 2 })),
    );

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeRouteTables",
        Code: "InvalidResponse",
        Message: "HTTP 500 response carried no AWS error code",
      },
    ]);
    expect(fake.count("DescribeRouteTables")).toBe(2);
    expect(snapshot).not.toHaveProperty("RouteTables");
  });

  it("records a truncated success body as InvalidResponse", async () => {
    const fake = new FakeAws((operation) =>
      operation === "DescribeSecurityGroups"
        ? { status: 200, body: "<DescribeSecurityGroupsResponse><securityGroupInfo>" }
        : undefined,
    );

    const snapshot = await collectOnFakeClock(() => collectSnapshot(options(fake)));

    const error = snapshot.Errors?.[0];
    expect(error?.Operation).toBe("DescribeSecurityGroups");
    expect(error?.Code).toBe("InvalidResponse");
    expect(error?.Message).toMatch(/^HTTP 200 response could not be parsed: /);
    expect(error?.Message).not.toContain("\n");
    expect(error?.Message).not.toContain("$response");
  });

  it("records an HTML body from SSM as InvalidResponse", async () => {
    const fake = new FakeAws((operation) =>
      operation === "DescribeInstanceInformation"
        ? { status: 502, body: html, contentType: "text/html" }
        : undefined,
    );

    const snapshot = await collectOnFakeClock(() =>
      collectSnapshot(options(fake, { maxAttempts: 1 })),
    );

    expect(snapshot.Errors?.map((error) => [error.Operation, error.Code])).toEqual([
      ["DescribeInstanceInformation", "InvalidResponse"],
    ]);
  });
});

describe("collectSnapshot pagination over HTTP", () => {
  it("follows NextToken and joins the pages", async () => {
    const fake = new FakeAws((operation, _attempt, request) => {
      if (operation !== "DescribeSubnets") return undefined;
      const token = request.params.get("NextToken");
      const id = token === null ? "subnet-0a1b2c3d4e5f6000a" : "subnet-0a1b2c3d4e5f6000b";
      const next = token === null ? "<nextToken>page-2</nextToken>" : "";
      const body = `<subnetSet><item><subnetId>${id}</subnetId><vpcId>${VPC_ID}</vpcId></item></subnetSet>${next}`;
      return { status: 200, body: `<DescribeSubnetsResponse>${body}</DescribeSubnetsResponse>` };
    });

    const snapshot = await collectSnapshot(options(fake));

    expect(snapshot.Subnets?.map((subnet) => subnet.SubnetId)).toEqual([
      "subnet-0a1b2c3d4e5f6000a",
      "subnet-0a1b2c3d4e5f6000b",
    ]);
    const tokens = fake.requests
      .filter((request) => request.operation === "DescribeSubnets")
      .map((request) => request.params.get("NextToken"));
    expect(tokens).toEqual([null, "page-2"]);
  });

  it("records a page lacking its list", async () => {
    const fake = new FakeAws((operation) =>
      operation === "DescribeSubnets"
        ? { status: 200, body: "<html><body>Service temporarily unavailable</body></html>" }
        : undefined,
    );

    const snapshot = await collectSnapshot(options(fake));

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeSubnets",
        Code: "InvalidResponse",
        Message: "HTTP 200 response on page 1 had no list of items, which the API always returns",
      },
    ]);
    expect(snapshot).not.toHaveProperty("Subnets");
  });

  it("stops pages whose tokens cycle", async () => {
    const fake = new FakeAws((operation, _attempt, request) => {
      if (operation !== "DescribeNatGateways") return undefined;
      const next = request.params.get("NextToken") === "token-a" ? "token-b" : "token-a";
      const body = `<natGatewaySet/><nextToken>${next}</nextToken>`;
      return { status: 200, body: ec2Body("DescribeNatGateways", body) };
    });

    const snapshot = await collectSnapshot(options(fake));

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeNatGateways",
        Code: "InvalidResponse",
        Message: "page 3 returned a NextToken that an earlier page returned, so the pages repeat",
      },
    ]);
    expect(fake.count("DescribeNatGateways")).toBe(3);
  });

  it("stops pages whose tokens never end", async () => {
    const fake = new FakeAws((operation, attempt) => {
      if (operation !== "DescribeNatGateways") return undefined;
      const body = `<natGatewaySet/><nextToken>token-${attempt}</nextToken>`;
      return { status: 200, body: ec2Body("DescribeNatGateways", body) };
    });

    const snapshot = await collectSnapshot(options(fake));

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeNatGateways",
        Code: "InvalidResponse",
        Message:
          `page ${MAX_PAGES} still returned a NextToken, so the pages may never end; ` +
          `vpc-lint reads at most ${MAX_PAGES} pages of one call`,
      },
    ]);
    expect(snapshot).not.toHaveProperty("NatGateways");
    expect(fake.count("DescribeNatGateways")).toBe(MAX_PAGES);
  }, 60_000);

  it("keeps a repeated item once", async () => {
    const fake = new FakeAws((operation, _attempt, request) => {
      if (operation !== "DescribeSubnets") return undefined;
      const first = request.params.get("NextToken") === null;
      const ids = first ? ["a", "b"] : ["b", "c"];
      const items = ids.map(
        (id) =>
          `<item><subnetId>subnet-0a1b2c3d4e5f6000${id}</subnetId><vpcId>${VPC_ID}</vpcId></item>`,
      );
      const next = first ? "<nextToken>page-2</nextToken>" : "";
      return {
        status: 200,
        body: ec2Body("DescribeSubnets", `<subnetSet>${items.join("")}</subnetSet>${next}`),
      };
    });
    const lines: string[] = [];

    const snapshot = await collectSnapshot(options(fake, { log: (line) => lines.push(line) }));

    expect(snapshot.Subnets?.map((subnet) => subnet.SubnetId)).toEqual([
      "subnet-0a1b2c3d4e5f6000a",
      "subnet-0a1b2c3d4e5f6000b",
      "subnet-0a1b2c3d4e5f6000c",
    ]);
    expect(lines).toContain("DescribeSubnets: 1 repeated item left out");
  });

  it("records a Route 53 page without its list", async () => {
    const fake = new FakeAws((operation) =>
      operation === "ListHostedZonesByVPC"
        ? { status: 200, body: "<html><body>busy</body></html>" }
        : undefined,
    );

    const snapshot = await collectSnapshot(options(fake));

    expect(snapshot.Errors?.map((error) => [error.Operation, error.Code])).toEqual([
      ["ListHostedZonesByVPC", "InvalidResponse"],
    ]);
    expect(snapshot).not.toHaveProperty("HostedZones");
  });

  it("keeps a zone of two VPCs once per VPC", async () => {
    const second = "vpc-0a1b2c3d4e5f60002";
    const fake = new FakeAws((operation) => {
      if (operation === "DescribeVpcs") {
        const items = [VPC_ID, second].map(
          (id) => `<item><vpcId>${id}</vpcId><ownerId>${OWNER_ID}</ownerId></item>`,
        );
        return { status: 200, body: ec2Body(operation, `<vpcSet>${items.join("")}</vpcSet>`) };
      }
      if (operation !== "ListHostedZonesByVPC") return undefined;
      const summary =
        "<HostedZoneSummary><HostedZoneId>Z111</HostedZoneId><Name>ssm.us-east-1.amazonaws.com.</Name>" +
        "<Owner><OwningAccount>111122223333</OwningAccount></Owner></HostedZoneSummary>";
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><ListHostedZonesByVPCResponse ' +
        'xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
        `<HostedZoneSummaries>${summary}</HostedZoneSummaries><MaxItems>100</MaxItems>` +
        "</ListHostedZonesByVPCResponse>";
      return { status: 200, body };
    });

    const snapshot = await collectSnapshot(options(fake, { vpcIds: [VPC_ID, second] }));

    expect(snapshot.HostedZones?.map((zone) => `${zone.HostedZoneId} ${zone.VpcId}`)).toEqual([
      `Z111 ${VPC_ID}`,
      `Z111 ${second}`,
    ]);
  });

  it("puts both VPC ids in one filter", async () => {
    const second = "vpc-0a1b2c3d4e5f60002";
    const fake = new FakeAws((operation) => {
      if (operation !== "DescribeVpcs") return undefined;
      const items = [VPC_ID, second].map(
        (id) => `<item><vpcId>${id}</vpcId><ownerId>${OWNER_ID}</ownerId></item>`,
      );
      return { status: 200, body: ec2Body("DescribeVpcs", `<vpcSet>${items.join("")}</vpcSet>`) };
    });

    await collectSnapshot(options(fake, { vpcIds: [VPC_ID, second] }));

    const subnets = fake.requests.filter((request) => request.operation === "DescribeSubnets");
    expect(subnets).toHaveLength(1);
    expect(subnets[0]?.params.get("Filter.1.Name")).toBe("vpc-id");
    expect(subnets[0]?.params.getAll("Filter.1.Value.1")).toEqual([VPC_ID]);
    expect(subnets[0]?.params.get("Filter.1.Value.2")).toBe(second);
  });
});

describe("collectSnapshot endpoints", () => {
  it("sends EC2 calls to AWS_ENDPOINT_URL_EC2", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4566");
    const fake = new FakeAws();

    await collectSnapshot(options(fake));

    const ec2 = fake.requests.filter((request) => request.service === "ec2");
    expect(ec2.length).toBeGreaterThan(0);
    for (const request of ec2)
      expect(`${request.protocol}//${request.hostname}:${request.port}`).toBe(
        "http://127.0.0.1:4566",
      );
  });

  it("sends SSM calls to AWS_ENDPOINT_URL_SSM", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:4567");
    const fake = new FakeAws();

    await collectSnapshot(options(fake));

    const ssm = fake.requests.filter((request) => request.service === "ssm");
    expect(ssm).toHaveLength(1);
    expect(ssm[0]?.hostname).toBe("127.0.0.1");
    expect(ssm[0]?.port).toBe(4567);
    const ec2 = fake.requests.find((request) => request.service === "ec2");
    expect(ec2?.hostname).toBe("ec2.us-east-1.amazonaws.com");
  });

  it("sends every call to AWS_ENDPOINT_URL", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:4568");
    const fake = new FakeAws();

    await collectSnapshot(options(fake));

    const hosts = new Set(fake.requests.map((request) => `${request.hostname}:${request.port}`));
    expect(hosts).toEqual(new Set(["127.0.0.1:4568"]));
  });
});

describe("collectSnapshot configuration", () => {
  function writeProfile(region: string | undefined): void {
    const regionLine = region ? `region = ${region}\n` : "";
    writeFileSync(join(home, "config"), `[profile audit]\n${regionLine}`);
    writeFileSync(
      join(home, "credentials"),
      `[audit]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = ${SECRET_KEY}\n`,
    );
    vi.stubEnv("AWS_CONFIG_FILE", join(home, "config"));
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(home, "credentials"));
  }

  function withoutOverrides(fake: FakeAws, extra: Partial<CollectOptions>): CollectOptions {
    const { region: _region, ...rest } = options(fake, extra);
    return { ...rest, clientOverrides: { requestHandler: fake.handler } };
  }

  it("takes the Region and credentials from the profile", async () => {
    writeProfile("eu-north-1");
    const fake = new FakeAws();

    const snapshot = await collectSnapshot(withoutOverrides(fake, { profile: "audit" }));

    expect(snapshot.Source?.Region).toBe("eu-north-1");
    expect(snapshot.Source?.AccountId).toBe(OWNER_ID);
    expect(new Set(fake.requests.map((request) => request.hostname))).toEqual(
      new Set([
        "ec2.eu-north-1.amazonaws.com",
        "ssm.eu-north-1.amazonaws.com",
        "route53.amazonaws.com",
        "route53resolver.eu-north-1.amazonaws.com",
      ]),
    );
    expect(new Set(fake.requests.map((request) => request.accessKeyId))).toEqual(
      new Set(["AKIAPROFILEEXAMPLE01"]),
    );
  });

  it("prefers --region over the profile's region", async () => {
    writeProfile("eu-north-1");
    const fake = new FakeAws();

    const snapshot = await collectSnapshot({
      ...withoutOverrides(fake, { profile: "audit" }),
      region: "ap-south-2",
    });

    expect(snapshot.Source?.Region).toBe("ap-south-2");
  });

  it("reads AWS_REGION, then AWS_DEFAULT_REGION", async () => {
    vi.stubEnv("AWS_DEFAULT_REGION", "eu-west-3");
    const fake = new FakeAws();
    const withRegion = { ...options(fake), region: undefined };

    expect((await collectSnapshot(withRegion)).Source?.Region).toBe("eu-west-3");
    vi.stubEnv("AWS_REGION", "sa-east-1");
    expect((await collectSnapshot(withRegion)).Source?.Region).toBe("sa-east-1");
  });

  it("rejects a run without a Region", async () => {
    const fake = new FakeAws();

    const run = collectSnapshot({ ...options(fake), region: undefined });

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      "no AWS Region to collect from: pass --region, set AWS_REGION",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects a profile that does not exist", async () => {
    writeProfile("eu-north-1");
    const fake = new FakeAws();

    const run = collectSnapshot({
      ...withoutOverrides(fake, { profile: "missing" }),
      region: "eu-north-1",
    });

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow('could not load AWS credentials for profile "missing"');
    await expect(run).rejects.toThrow("aws sso login --profile missing");
    expect(fake.requests).toHaveLength(0);
  });

  it("names a profile that does not exist, not the Region it would give", async () => {
    // A mistyped --profile gives neither a Region nor credentials; the profile is the cause.
    writeProfile("eu-north-1");
    const fake = new FakeAws();

    const run = collectSnapshot(withoutOverrides(fake, { profile: "adit" }));

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow('could not load AWS credentials for profile "adit"');
    await expect(run).rejects.not.toThrow("no AWS Region");
    expect(fake.requests).toHaveLength(0);
  });

  it("asks for the Region of a profile that gives credentials but no Region", async () => {
    writeProfile(undefined);
    const fake = new FakeAws();

    const run = collectSnapshot(withoutOverrides(fake, { profile: "audit" }));

    await expect(run).rejects.toThrow(
      'no AWS Region to collect from: pass --region, set AWS_REGION, or set region in the profile "audit"',
    );
    await expect(run).rejects.toThrow(`of the AWS config file ${join(home, "config")}`);
    expect(fake.requests).toHaveLength(0);
  });

  describe("with a profile that gives no credentials", () => {
    function writeConfig(text: string): void {
      writeFileSync(join(home, "config"), text);
      vi.stubEnv("AWS_CONFIG_FILE", join(home, "config"));
      vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(home, "credentials"));
    }

    function collectWith(profile: string): Promise<Snapshot> {
      return collectSnapshot({
        ...withoutOverrides(new FakeAws(), { profile }),
        region: "eu-north-1",
      });
    }

    it("names expired process credentials", async () => {
      const output = JSON.stringify({
        Version: 1,
        AccessKeyId: "AKIAPROCESSEXAMPLE01",
        SecretAccessKey: SECRET_KEY,
        SessionToken: "token",
        Expiration: "2020-01-01T00:00:00Z",
      });
      writeConfig(`[profile stale]\ncredential_process = echo '${output}'\n`);

      const run = collectWith("stale");

      await expect(run).rejects.toThrow(
        'could not load AWS credentials for profile "stale" (Profile stale ' +
          "credential_process returned expired credentials)",
      );
      await expect(run).rejects.not.toThrow(SECRET_KEY);
    });

    it("names a source_profile cycle", async () => {
      writeConfig(
        "[profile loop]\nsource_profile = loop\nrole_arn = arn:aws:iam::111122223333:role/x\n",
      );

      await expect(collectWith("loop")).rejects.toThrow(
        "Detected a cycle attempting to resolve credentials for profile loop",
      );
    });

    it("names a failed process without its output", async () => {
      writeConfig(
        `[profile broken]\ncredential_process = sh -c "echo ${SECRET_KEY} >&2; exit 3"\n`,
      );

      const run = collectWith("broken");

      await expect(run).rejects.toThrow(
        'for profile "broken" (its credential_process command failed)',
      );
      await expect(run).rejects.not.toThrow(SECRET_KEY);
    });
  });

  it("rejects a run without any credentials", async () => {
    const fake = new FakeAws();

    const run = collectSnapshot({ ...withoutOverrides(fake, {}), region: "eu-north-1" });

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow("could not load AWS credentials");
    await expect(run).rejects.toThrow("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  });

  it("signs with environment credentials and never logs the secret", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    const fake = new FakeAws(
      throttleFirst("DescribeVpcEndpoints", ec2Error("UnauthorizedOperation", "denied", 403), 9),
    );

    const snapshot = await collectSnapshot({ ...withoutOverrides(fake, {}), region: "us-east-1" });

    expect(new Set(fake.requests.map((request) => request.accessKeyId))).toEqual(
      new Set([ACCESS_KEY]),
    );
    expect(lines.join("\n")).not.toContain(SECRET_KEY);
    expect(JSON.stringify(snapshot)).not.toContain(SECRET_KEY);
  });
});
