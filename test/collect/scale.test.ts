import {
  DescribeDhcpOptionsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot } from "../../src/collect/collector.js";
import { parseRegions, regionFile } from "../../src/collect/regions.js";
import { DEFAULT_SETTINGS, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  CREDENTIALS,
  emptyWorld,
  isolateAwsEnvironment,
  mockWorld,
  REGION,
  type Ec2Mock,
  type Route53Mock,
  type World,
} from "./world.js";

let ec2: Ec2Mock;
let route53: Route53Mock;
let restoreMocks: (() => void) | undefined;

beforeEach(() => isolateAwsEnvironment());

afterEach(() => {
  restoreMocks?.();
  restoreMocks = undefined;
  vi.unstubAllEnvs();
});

/** An account with `count` VPCs of one subnet each. */
function manyVpcs(count: number): World {
  const world = emptyWorld();
  for (let n = 0; n < count; n += 1) {
    const VpcId = `vpc-${n.toString(16).padStart(17, "0")}`;
    world.Vpcs.push({ VpcId, OwnerId: "111122223333", DhcpOptionsId: "default" });
    world.VpcAttributes.push({
      VpcId,
      EnableDnsSupport: { Value: true },
      EnableDnsHostnames: { Value: true },
    });
    world.Subnets.push({ SubnetId: `subnet-${n.toString(16).padStart(17, "0")}`, VpcId });
  }
  return world;
}

function install(world: World): void {
  ({ ec2, route53, restore: restoreMocks } = mockWorld(world));
}

function collect(options: { vpcIds?: string[]; allVpcs?: boolean }): Promise<Snapshot> {
  return collectSnapshot({
    vpcIds: options.vpcIds ?? [],
    ...(options.allVpcs && { allVpcs: true }),
    region: REGION,
    concurrency: 16,
    log: () => undefined,
    clientOverrides: { credentials: CREDENTIALS },
  });
}

describe("collectSnapshot with --all-vpcs", () => {
  it("collects every VPC of the Region", async () => {
    install(manyVpcs(3));

    const snapshot = await collect({ allVpcs: true });

    expect(snapshot.Source?.VpcIds).toHaveLength(3);
    expect(snapshot.Vpcs).toHaveLength(3);
    expect(snapshot.Subnets).toHaveLength(3);
    expect(snapshot.Errors).toBeUndefined();
  });

  it("describes the VPCs once, without a filter", async () => {
    install(manyVpcs(3));

    await collect({ allVpcs: true });

    const calls = ec2.commandCalls(DescribeVpcsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.Filters).toBeUndefined();
  });

  it("returns an empty snapshot for a Region without VPCs", async () => {
    install(emptyWorld());

    const snapshot = await collect({ allVpcs: true });

    expect(snapshot.Vpcs).toEqual([]);
    expect(snapshot.Source?.VpcIds).toEqual([]);
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
  });

  it("skips no check in an empty Region", async () => {
    install(emptyWorld());

    const snapshot = await collect({ allVpcs: true });
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });

    expect(result.skipped).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.findings).toEqual([]);
  });
});

describe("collectSnapshot of many VPCs", () => {
  it("splits vpc-id filters into chunks of 200", async () => {
    const world = manyVpcs(250);
    install(world);

    const snapshot = await collect({ vpcIds: world.Vpcs.map((vpc) => vpc.VpcId!) });

    const sizes = ec2
      .commandCalls(DescribeSubnetsCommand)
      .map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toEqual([200, 50]);
    expect(snapshot.Subnets).toHaveLength(250);
  });

  it("splits look-up filters into chunks of 200", async () => {
    const world = manyVpcs(250);
    world.Vpcs.forEach((vpc, n) => {
      vpc.DhcpOptionsId = `dopt-${n.toString(16).padStart(17, "0")}`;
      world.DhcpOptions.push({ DhcpOptionsId: vpc.DhcpOptionsId, DhcpConfigurations: [] });
      const PrefixListId = `pl-${n.toString(16).padStart(17, "0")}`;
      world.ManagedPrefixLists.push({ PrefixListId, AddressFamily: "IPv6", Entries: [] });
      world.RouteTables.push({
        RouteTableId: `rtb-${n.toString(16).padStart(17, "0")}`,
        VpcId: vpc.VpcId,
        Routes: [{ DestinationPrefixListId: PrefixListId, GatewayId: "local", State: "active" }],
        Associations: [],
      });
    });
    install(world);

    const snapshot = await collect({ vpcIds: world.Vpcs.map((vpc) => vpc.VpcId!) });

    const sizes = (
      command: typeof DescribeDhcpOptionsCommand | typeof DescribeManagedPrefixListsCommand,
    ) => ec2.commandCalls(command).map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes(DescribeDhcpOptionsCommand)).toEqual([200, 50]);
    expect(sizes(DescribeManagedPrefixListsCommand)).toEqual([200, 50]);
    expect(snapshot.DhcpOptions).toHaveLength(250);
    expect(snapshot.ManagedPrefixLists).toHaveLength(250);
    expect(snapshot.Errors).toBeUndefined();
  });

  it("sends one ListHostedZonesByVPC per VPC", async () => {
    const world = manyVpcs(12);
    install(world);

    await collect({ vpcIds: world.Vpcs.map((vpc) => vpc.VpcId!) });

    expect(route53.commandCalls(ListHostedZonesByVPCCommand)).toHaveLength(12);
  });
});

describe("parseRegions", () => {
  it("splits a comma-separated list", () => {
    expect(parseRegions(["eu-west-1, us-east-1"])).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("drops repeated Regions", () => {
    expect(parseRegions(["eu-west-1,eu-west-1"])).toEqual(["eu-west-1"]);
  });

  it("returns no Region for no value", () => {
    expect(parseRegions([undefined])).toEqual([]);
  });

  it("rejects commas without a Region", () => {
    expect(() => parseRegions([","])).toThrow("--region , names no Region");
  });

  it("rejects a name that is not a Region", () => {
    expect(() => parseRegions(["eu-west-1,west"])).toThrow("--region west is not an AWS Region");
  });
});

describe("regionFile", () => {
  it.each([
    ["snapshot.json", "snapshot.eu-west-1.json"],
    ["out/snap.v1.json", "out/snap.v1.eu-west-1.json"],
    ["snapshot", "snapshot.eu-west-1"],
    ["./dir.d/snapshot", "./dir.d/snapshot.eu-west-1"],
    [".snapshot", ".snapshot.eu-west-1"],
  ])("names %s as %s", (path, expected) => {
    expect(regionFile(path, "eu-west-1")).toBe(expected);
  });
});

describe("collectSnapshot progress", () => {
  it("reports every planned call as finished", async () => {
    install(manyVpcs(2));
    const updates: Array<[number, number]> = [];

    await collectSnapshot({
      vpcIds: ["vpc-00000000000000000", "vpc-00000000000000001"],
      region: REGION,
      concurrency: 4,
      log: () => undefined,
      progress: (done, planned) => updates.push([done, planned]),
      clientOverrides: { credentials: CREDENTIALS },
    });

    const [done, planned] = updates.at(-1)!;
    expect(done).toBe(planned);
    expect(planned).toBeGreaterThan(10);
  });
});
