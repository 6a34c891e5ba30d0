import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot, type CollectOptions } from "../../src/collect/collector.js";
import { InputError } from "../../src/errors.js";
import { DEFAULT_SETTINGS, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  awsError,
  CREDENTIALS,
  isolateAwsEnvironment,
  mockWorld,
  type ResolverMock,
  type Route53Mock,
  readExample,
  REGION,
  SECRET_KEY,
  worldOf,
  type Ec2Mock,
  type SsmMock,
} from "./world.js";

const VPC = "vpc-0a1b2c3d4e5f60001";
const DENIED =
  "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/linter " +
  "is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the " +
  "ec2:DescribeInstances action. Encoded authorization failure message: Qm9ndXNCbG9iRm9yVGVzdHM";

let ec2: Ec2Mock;
let ssm: SsmMock;
let route53: Route53Mock;
let resolver: ResolverMock;
let dns: Array<Route53Mock | ResolverMock>;
let restoreMocks: () => void;
let lines: string[];

beforeEach(() => {
  isolateAwsEnvironment();
  lines = [];
  ({
    ec2,
    ssm,
    route53,
    resolver,
    restore: restoreMocks,
  } = mockWorld(worldOf(readExample("public-nat64.json"))));
  dns = [route53, resolver];
});

afterEach(() => {
  restoreMocks();
  vi.unstubAllEnvs();
});

function collect(vpcIds: string[] = [VPC], extra: Partial<CollectOptions> = {}): Promise<Snapshot> {
  return collectSnapshot({
    vpcIds,
    region: REGION,
    concurrency: 16,
    log: (line) => lines.push(line),
    clientOverrides: { credentials: CREDENTIALS },
    ...extra,
  });
}

describe("collectSnapshot with a denied DescribeInstances", () => {
  beforeEach(() => {
    ec2.on(DescribeInstancesCommand).rejects(awsError("UnauthorizedOperation", DENIED, 403));
  });

  it("records the failure in Errors", async () => {
    const snapshot = await collect();

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeInstances",
        Code: "UnauthorizedOperation",
        Message:
          "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/linter " +
          "is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows " +
          "the ec2:DescribeInstances action.",
      },
    ]);
  });

  it("leaves Reservations and what depends on it absent", async () => {
    const snapshot = await collect();

    expect(snapshot).not.toHaveProperty("Reservations");
    expect(snapshot).not.toHaveProperty("InstanceTypes");
    expect(snapshot).not.toHaveProperty("InstanceInformationList");
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(0);
  });

  it("keeps every other section", async () => {
    const snapshot = await collect();

    expect(snapshot.Subnets).toHaveLength(2);
    expect(snapshot.NetworkInterfaces).toHaveLength(2);
    expect(snapshot.VpcAttributes).toHaveLength(1);
    expect(snapshot.DhcpOptions).toHaveLength(1);
    expect(snapshot.EgressOnlyInternetGateways).toHaveLength(1);
  });

  it("makes the linter report snapshot-incomplete", async () => {
    const snapshot = await collect();

    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });

    const incomplete = result.findings.filter(
      (finding) => finding.ruleId === "snapshot-incomplete",
    );
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]?.message).toContain("DescribeInstances failed with UnauthorizedOperation");
    expect(incomplete[0]?.fix).toContain("ec2:DescribeInstances");
    expect(incomplete[0]?.severity).toBe("error");
  });

  it("logs the failure", async () => {
    await collect();

    expect(lines).toContain(
      "DescribeInstances: failed with UnauthorizedOperation: You are not authorized to perform this " +
        "operation. User: arn:aws:iam::111122223333:user/linter is not authorized to perform: " +
        "ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action.",
    );
    expect(lines).toContain("InstanceTypes: not collected because DescribeInstances failed");
  });
});

describe("collectSnapshot with other failures", () => {
  it("records AccessDenied from SSM", async () => {
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejects(awsError("AccessDeniedException", "User is not authorized", 400));

    const snapshot = await collect();

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeInstanceInformation",
        Code: "AccessDeniedException",
        Message: "User is not authorized",
      },
    ]);
    expect(snapshot).not.toHaveProperty("InstanceInformationList");
    expect(snapshot.Reservations).toHaveLength(1);
  });

  it("records a plain Error as RequestFailed", async () => {
    ec2.on(DescribeSubnetsCommand).rejects(new Error("socket hang up\n    at TLSSocket.onclose"));

    const snapshot = await collect();

    expect(snapshot.Errors).toEqual([
      { Operation: "DescribeSubnets", Code: "RequestFailed", Message: "socket hang up" },
    ]);
    expect(snapshot).not.toHaveProperty("Subnets");
  });

  it("removes credentials a server echoed", async () => {
    const echoed =
      "proxy refused https://ec2.us-east-1.amazonaws.com/?X-Amz-Security-Token=IQoJb3JpZ2luX2Vj" +
      "&X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20261206 for AKIAIOSFODNN7EXAMPLE";
    ec2.on(DescribeSubnetsCommand).rejects(new Error(echoed));

    const snapshot = await collect();

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeSubnets",
        Code: "RequestFailed",
        Message:
          "proxy refused https://ec2.us-east-1.amazonaws.com/?X-Amz-Security-Token=[removed]" +
          "&X-Amz-Credential=[removed] for [removed]",
      },
    ]);
  });

  it.each([
    [
      "header X-Amz-Security-Token: IQoJb3JpZ2luX2Vj was rejected",
      "header X-Amz-Security-Token: [removed] was rejected",
    ],
    [
      'body {"X-Amz-Security-Token":"IQoJb3JpZ2luX2Vj"} was rejected',
      'body {"X-Amz-Security-Token":"[removed]"} was rejected',
    ],
  ])("removes an echoed token from %s", async (echoed, kept) => {
    ec2.on(DescribeSubnetsCommand).rejects(new Error(echoed));

    const snapshot = await collect();

    expect(snapshot.Errors?.[0]?.Message).toBe(kept);
  });

  it("records a network error by its code", async () => {
    const connectionError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), {
      code: "ECONNREFUSED",
    });
    ec2.on(DescribeSubnetsCommand).rejects(connectionError);

    const snapshot = await collect();

    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeSubnets",
        Code: "ECONNREFUSED",
        Message: "connect ECONNREFUSED 127.0.0.1:4566",
      },
    ]);
  });

  it("leaves VpcAttributes absent when one attribute call fails", async () => {
    ec2
      .on(DescribeVpcAttributeCommand, { Attribute: "enableDnsHostnames" })
      .rejects(
        awsError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403),
      );

    const snapshot = await collect();

    expect(snapshot).not.toHaveProperty("VpcAttributes");
    expect(snapshot.Errors).toEqual([
      {
        Operation: "DescribeVpcAttribute",
        Code: "UnauthorizedOperation",
        Message: "You are not authorized to perform this operation.",
        Scope: `${VPC} enableDnsHostnames`,
      },
    ]);
  });

  it("merges the same failure of several VPCs into one entry", async () => {
    ({ ec2, ssm } = remock(
      worldOf(readExample("public-nat64.json"), readExample("private-nat64-endpoints.json")),
    ));
    ec2
      .on(DescribeVpcAttributeCommand)
      .rejects(
        awsError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403),
      );

    const snapshot = await collect([VPC, "vpc-0a1b2c3d4e5f60002"]);

    expect(snapshot.Errors).toHaveLength(1);
    expect(snapshot.Errors?.[0]?.Scope).toBe(
      `${VPC} enableDnsHostnames, ${VPC} enableDnsSupport, ` +
        "vpc-0a1b2c3d4e5f60002 enableDnsHostnames, vpc-0a1b2c3d4e5f60002 enableDnsSupport",
    );
  });

  it("leaves prefix lists absent when an entry look-up fails", async () => {
    const world = worldOf(readExample("public-nat64.json"));
    world.RouteTables[0]!.Routes!.push({
      DestinationPrefixListId: "pl-0a1b2c3d4e5f6gone",
      GatewayId: "vpce-0a1b2c3d4e5f600s3",
    });
    ({ ec2, ssm } = remock(world));

    const snapshot = await collect();

    expect(snapshot).not.toHaveProperty("ManagedPrefixLists");
    expect(snapshot.Errors?.map((error) => [error.Operation, error.Code, error.Scope])).toEqual([
      ["GetManagedPrefixListEntries", "InvalidPrefixListID.NotFound", "pl-0a1b2c3d4e5f6gone"],
    ]);
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(1);
  });
});

describe("collectSnapshot with a denied DescribeVpcs", () => {
  beforeEach(() => {
    const denied = awsError("UnauthorizedOperation", "You are not authorized.", 403);
    ec2.on(DescribeVpcsCommand).rejects(denied);
  });

  it("continues without Vpcs and DhcpOptions", async () => {
    const snapshot = await collect();

    expect(snapshot).not.toHaveProperty("Vpcs");
    expect(snapshot).not.toHaveProperty("DhcpOptions");
    expect(snapshot.Subnets).toHaveLength(2);
    expect(snapshot.Errors?.map((error) => error.Operation)).toEqual(["DescribeVpcs"]);
  });

  it("leaves the account unset", async () => {
    const snapshot = await collect();

    expect(snapshot.Source).not.toHaveProperty("AccountId");
    expect(snapshot.Source?.VpcIds).toEqual([VPC]);
  });

  it("logs that the VPC ids are unverified", async () => {
    await collect();

    expect(lines).toContain(`the VPC ids are unverified because DescribeVpcs failed: ${VPC}`);
    expect(lines).toContain("DhcpOptions: not collected because DescribeVpcs failed");
  });

  it("rejects a VPC that DescribeVpcAttribute does not find", async () => {
    const run = collect([VPC, "vpc-0000000000000dead"]);

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      "VPC vpc-0000000000000dead not found in us-east-1 (DescribeVpcAttribute failed with " +
        "InvalidVpcID.NotFound): check the id, the Region",
    );
  });
});

describe("collectSnapshot input errors", () => {
  it("rejects a VPC that does not exist, naming it", async () => {
    const run = collect([VPC, "vpc-0000000000000dead"]);

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      "VPC vpc-0000000000000dead not found in us-east-1 (account 111122223333): check the id, " +
        "the Region (--region, or regions in a Lambda event) and the account the credentials " +
        "belong to",
    );
  });

  it("rejects a malformed VPC id AWS reports", async () => {
    ec2
      .on(DescribeVpcsCommand)
      .rejects(awsError("InvalidVpcID.Malformed", 'Invalid id: "vpc-xyz"'));

    const run = collect(["vpc-xyz"]);

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow("InvalidVpcID.Malformed");
  });

  /** Makes every call of the mocks fail with UnauthorizedOperation. */
  function denyAll(mocks: ReadonlyArray<Ec2Mock | Route53Mock | ResolverMock>): void {
    for (const mock of mocks) {
      mock.callsFake(() => {
        throw awsError(
          "UnauthorizedOperation",
          "You are not authorized to perform this operation.",
          403,
        );
      });
    }
  }

  it("rejects a run in which every call is denied", async () => {
    denyAll([ec2, ...dns]);

    const run = collect();

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      "every AWS call in us-east-1 failed. The first, DescribeVpcs, failed with UnauthorizedOperation",
    );
    await expect(run).rejects.toThrow("perform this operation. Grant ec2:DescribeVpcs");
  });

  it("rejects a Region denied all but Route 53", async () => {
    // Route 53 responds on its global endpoint, which a policy may allow outside the Region.
    denyAll([ec2, resolver]);

    const run = collect();

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow("every AWS call in us-east-1 failed");
    expect(route53.commandCalls(ListHostedZonesByVPCCommand).length).toBeGreaterThan(0);
  });

  it("names the credentials when every call fails authentication", async () => {
    for (const mock of [ec2, ...dns]) {
      mock.callsFake(() => {
        throw awsError(
          "AuthFailure",
          "AWS was not able to validate the provided access credentials",
          401,
        );
      });
    }

    await expect(collect()).rejects.toThrow("Check that the credentials are valid");
  });

  it("names the credentials when --all-vpcs cannot list", async () => {
    ec2.on(DescribeVpcsCommand).rejects(awsError("ExpiredToken", "The token has expired.", 400));

    const run = collect([], { allVpcs: true });

    await expect(run).rejects.toThrow(
      "DescribeVpcs in us-east-1 failed with ExpiredToken: The token has expired, so " +
        "--all-vpcs cannot list the VPCs. Check that the credentials are valid and not " +
        "expired, and that the clock is correct.",
    );
  });

  it("names the network when a lookup cannot connect", async () => {
    const connectionError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    ec2.on(DescribeVpcsCommand).rejects(connectionError);

    const run = collect([VPC], { locate: true });

    await expect(run).rejects.toThrow(
      `DescribeVpcs in us-east-1 failed with ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1, so ` +
        `whether us-east-1 has ${VPC} is unknown. Check the network path to the AWS endpoints ` +
        "and any AWS_ENDPOINT_URL setting, then retry.",
    );
  });

  it("rejects an empty VPC list", async () => {
    await expect(collect([])).rejects.toThrow("no VPC to collect");
  });

  it("rejects a concurrency of zero", async () => {
    await expect(collect([VPC], { concurrency: 0 })).rejects.toThrow(InputError);
  });
});

describe("collectSnapshot concurrency", () => {
  it.each([1, 4, 8])("keeps at most %i requests in flight", async (cap) => {
    ({ ec2, ssm } = remock(
      worldOf(readExample("public-nat64.json"), readExample("private-nat64-endpoints.json")),
    ));
    let inFlight = 0;
    let peak = 0;
    const original = EC2Client.prototype.send;
    const slowSend = async function (this: EC2Client, ...args: Parameters<EC2Client["send"]>) {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await (original as (...rest: unknown[]) => Promise<unknown>).apply(this, args);
      } finally {
        inFlight -= 1;
      }
    };
    EC2Client.prototype.send = slowSend as EC2Client["send"];
    try {
      await collect([VPC, "vpc-0a1b2c3d4e5f60002"], { concurrency: cap });
    } finally {
      EC2Client.prototype.send = original;
    }

    expect(peak).toBeLessThanOrEqual(cap);
    expect(peak).toBe(cap);
  });
});

describe("collectSnapshot logging", () => {
  it("never logs the secret key", async () => {
    ec2.on(DescribeInstancesCommand).rejects(awsError("UnauthorizedOperation", DENIED, 403));

    const snapshot = await collect();

    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).not.toContain(SECRET_KEY);
    expect(JSON.stringify(snapshot)).not.toContain(SECRET_KEY);
  });

  it("logs each call with its pages", async () => {
    await collect();

    expect(lines).toContain("DescribeSubnets: 1 page, 2 items");
    expect(lines.some((line) => line.startsWith("wave 1: 16 calls (DescribeVpcs,"))).toBe(true);
    expect(lines.some((line) => line.startsWith("wave 2: "))).toBe(true);
  });

  it("logs a wave without calls as such", async () => {
    const example = readExample("public-nat64.json");
    const vpcs = (example.Vpcs ?? []).map((vpc) => ({ ...vpc, DhcpOptionsId: "default" }));
    remock(worldOf({ ...example, Vpcs: vpcs, Reservations: [], VpcEndpoints: [] }));

    await collect();

    expect(lines).toContain("wave 2: no calls");
  });
});

/** Replaces the mocks with ones serving another world. */
function remock(world: ReturnType<typeof worldOf>) {
  restoreMocks();
  const mocks = mockWorld(world);
  restoreMocks = mocks.restore;
  return mocks;
}
