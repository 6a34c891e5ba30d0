import {
  DescribeDhcpOptionsCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInstanceTypesCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  GetManagedPrefixListEntriesCommand,
  type ManagedPrefixList as SdkPrefixList,
} from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot, type CollectOptions } from "../../src/collect/collector.js";
import { SECTION_NAMES } from "../../src/snapshot/sections.js";
import type { ManagedPrefixList, Snapshot } from "../../src/snapshot/types.js";
import { validateSnapshot } from "../../src/snapshot/validate.js";
import {
  CREDENTIALS,
  isolateAwsEnvironment,
  mockWorld,
  readExample,
  REGION,
  worldOf,
  type Ec2Mock,
  type SsmMock,
  type World,
} from "./world.js";

const DNS_SECTIONS = new Set(["HostedZones", "ResolverRules", "ResolverRuleAssociations"]);

const PUBLIC_VPC = "vpc-0a1b2c3d4e5f60001";
const PRIVATE_VPC = "vpc-0a1b2c3d4e5f60002";
const OTHER_VPC = "vpc-0a1b2c3d4e5f6ffff";

let ec2: Ec2Mock;
let ssm: SsmMock;
let restoreMocks: (() => void) | undefined;
let lines: string[];

beforeEach(() => {
  isolateAwsEnvironment();
  lines = [];
});

afterEach(() => {
  restoreMocks?.();
  restoreMocks = undefined;
  vi.unstubAllEnvs();
});

function install(world: World): void {
  ({ ec2, ssm, restore: restoreMocks } = mockWorld(world));
}

function collect(vpcIds: string[], extra: Partial<CollectOptions> = {}): Promise<Snapshot> {
  return collectSnapshot({
    vpcIds,
    region: REGION,
    concurrency: 16,
    log: (line) => lines.push(line),
    clientOverrides: { credentials: CREDENTIALS },
    ...extra,
  });
}

/** Both bundled example VPCs, plus resources of other VPCs and lists nothing refers to. */
function exampleWorld(): World {
  const world = worldOf(
    readExample("public-nat64.json"),
    readExample("private-nat64-endpoints.json"),
  );
  world.EgressOnlyInternetGateways.push({
    EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f6ffff",
    Attachments: [{ State: "attached", VpcId: OTHER_VPC }],
  });
  world.ServiceDetails.push({
    ServiceName: "com.amazonaws.us-east-1.kms",
    ServiceType: [{ ServiceType: "Interface" }],
  });
  return world;
}

function prefixList(id: string, name: string, cidr: string): ManagedPrefixList {
  const list: SdkPrefixList = {
    PrefixListId: id,
    PrefixListName: name,
    AddressFamily: cidr.includes(":") ? "IPv6" : "IPv4",
    State: "create-complete",
    OwnerId: "AWS",
    MaxEntries: 10,
    Version: 1,
  };
  return { ...list, Entries: [{ Cidr: cidr, Description: `${name} range` }] };
}

describe("collectSnapshot with one VPC", () => {
  it("reproduces the bundled example snapshot", async () => {
    install(exampleWorld());
    const example = JSON.parse(JSON.stringify(readExample("public-nat64.json"))) as Snapshot;

    const snapshot = await collect([PUBLIC_VPC]);

    for (const name of SECTION_NAMES) {
      // The example has no Route 53 sections, and the fake account has no zone or rule.
      expect(snapshot[name], name).toEqual(
        example[name] ?? (DNS_SECTIONS.has(name) ? [] : undefined),
      );
    }
    expect(snapshot.Errors).toBeUndefined();
  });

  it("fills the source from the VPC owner and the Region", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.SnapshotVersion).toBe(1);
    expect(snapshot.Source?.AccountId).toBe("111122223333");
    expect(snapshot.Source?.Region).toBe(REGION);
    expect(snapshot.Source?.VpcIds).toEqual([PUBLIC_VPC]);
    expect(snapshot.Source?.CollectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("serialises dates as ISO strings", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.NatGateways?.[0]?.CreateTime).toBe("2026-10-01T09:00:00.000Z");
    expect(snapshot.InstanceInformationList?.[0]?.LastPingDateTime).toBe(
      "2026-12-01T08:00:00.000Z",
    );
  });

  it("passes the snapshot schema", async () => {
    install(exampleWorld());

    const snapshot = await collect([PRIVATE_VPC]);

    expect(validateSnapshot(snapshot)).toEqual([]);
  });

  it("keeps only egress-only gateways of the requested VPC", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC]);

    const ids = snapshot.EgressOnlyInternetGateways?.map(
      (gateway) => gateway.EgressOnlyInternetGatewayId,
    );
    expect(ids).toEqual(["eigw-0a1b2c3d4e5f60001"]);
    const call = ec2.commandCalls(DescribeEgressOnlyInternetGatewaysCommand)[0];
    expect(call?.args[0].input.Filters).toBeUndefined();
  });

  it("returns an empty egress-only list when none is attached", async () => {
    install(exampleWorld());

    const snapshot = await collect([PRIVATE_VPC]);

    expect(snapshot.EgressOnlyInternetGateways).toEqual([]);
  });

  it("describes only the endpoint services of the endpoints", async () => {
    install(exampleWorld());

    const snapshot = await collect([PRIVATE_VPC]);

    const names = snapshot.ServiceDetails?.map((detail) => detail.ServiceName);
    expect(names).toEqual([
      "com.amazonaws.us-east-1.ssm",
      "com.amazonaws.us-east-1.ssmmessages",
      "com.amazonaws.us-east-1.ec2messages",
    ]);
    const calls = ec2.commandCalls(DescribeVpcEndpointServicesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.Filters).toEqual([{ Name: "service-name", Values: names }]);
    expect(calls[0]?.args[0].input.ServiceNames).toBeUndefined();
  });

  it("skips endpoint services when the VPC has no endpoint", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.ServiceDetails).toEqual([]);
    expect(ec2.commandCalls(DescribeVpcEndpointServicesCommand)).toHaveLength(0);
  });

  it("calls DescribeVpcAttribute twice per VPC", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    const calls = ec2.commandCalls(DescribeVpcAttributeCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(4);
    expect(calls).toEqual(
      expect.arrayContaining([
        { VpcId: PUBLIC_VPC, Attribute: "enableDnsSupport" },
        { VpcId: PUBLIC_VPC, Attribute: "enableDnsHostnames" },
        { VpcId: PRIVATE_VPC, Attribute: "enableDnsSupport" },
        { VpcId: PRIVATE_VPC, Attribute: "enableDnsHostnames" },
      ]),
    );
    expect(snapshot.VpcAttributes).toEqual([
      { VpcId: PUBLIC_VPC, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } },
      {
        VpcId: PRIVATE_VPC,
        EnableDnsSupport: { Value: true },
        EnableDnsHostnames: { Value: true },
      },
    ]);
  });

  it("looks up instance types and SSM registrations of the instances only", async () => {
    install(exampleWorld());

    await collect([PUBLIC_VPC]);

    const types = ec2.commandCalls(DescribeInstanceTypesCommand);
    expect(types.map((call) => call.args[0].input.InstanceTypes)).toEqual([["t4g.small"]]);
    const registrations = ssm.commandCalls(DescribeInstanceInformationCommand);
    expect(registrations.map((call) => call.args[0].input.Filters)).toEqual([
      [{ Key: "InstanceIds", Values: ["i-0a1b2c3d4e5f60001"] }],
    ]);
  });

  it("describes only the DHCP option set the VPC uses", async () => {
    install(exampleWorld());

    await collect([PUBLIC_VPC]);

    const calls = ec2.commandCalls(DescribeDhcpOptionsCommand);
    expect(calls.map((call) => call.args[0].input.Filters)).toEqual([
      [{ Name: "dhcp-options-id", Values: ["dopt-0a1b2c3d4e5f60001"] }],
    ]);
  });

  it("skips DescribeDhcpOptions for a VPC without an option set", async () => {
    const world = exampleWorld();
    world.Vpcs[0]!.DhcpOptionsId = "default";
    install(world);

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.DhcpOptions).toEqual([]);
    expect(ec2.commandCalls(DescribeDhcpOptionsCommand)).toHaveLength(0);
  });
});

describe("collectSnapshot prefix lists", () => {
  function worldWithPrefixLists(): World {
    const world = exampleWorld();
    const table = world.RouteTables.find((item) => item.VpcId === PRIVATE_VPC)!;
    table.Routes!.push({
      DestinationPrefixListId: "pl-0a1b2c3d4e5f60s3",
      GatewayId: "vpce-0a1b2c3d4e5f600s3",
      Origin: "CreateRoute",
      State: "active",
    });
    const group = world.SecurityGroups.find((item) => item.VpcId === PRIVATE_VPC)!;
    group.IpPermissionsEgress!.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f6corp", Description: "corporate proxies" }],
    });
    world.ManagedPrefixLists.push(
      prefixList("pl-0a1b2c3d4e5f60s3", "com.amazonaws.us-east-1.s3", "16.15.192.0/18"),
      prefixList("pl-0a1b2c3d4e5f6corp", "corporate-proxies", "2001:db8:100::/48"),
      prefixList("pl-0a1b2c3d4e5f6none", "unused", "2001:db8:200::/48"),
    );
    return world;
  }

  it("fetches entries only for lists that routes or rules reference", async () => {
    install(worldWithPrefixLists());

    const snapshot = await collect([PRIVATE_VPC]);

    const entryCalls = ec2.commandCalls(GetManagedPrefixListEntriesCommand);
    expect(entryCalls.map((call) => call.args[0].input.PrefixListId).sort()).toEqual([
      "pl-0a1b2c3d4e5f60s3",
      "pl-0a1b2c3d4e5f6corp",
    ]);
    const describeCalls = ec2.commandCalls(DescribeManagedPrefixListsCommand);
    expect(describeCalls).toHaveLength(1);
    expect(snapshot.ManagedPrefixLists?.map((list) => list.PrefixListId)).toEqual([
      "pl-0a1b2c3d4e5f60s3",
      "pl-0a1b2c3d4e5f6corp",
    ]);
  });

  it("stores the entries with each list", async () => {
    install(worldWithPrefixLists());

    const snapshot = await collect([PRIVATE_VPC]);

    const s3 = snapshot.ManagedPrefixLists?.find(
      (list) => list.PrefixListId === "pl-0a1b2c3d4e5f60s3",
    );
    expect(s3?.Entries).toEqual([
      { Cidr: "16.15.192.0/18", Description: "com.amazonaws.us-east-1.s3 range" },
    ]);
    expect(s3?.PrefixListName).toBe("com.amazonaws.us-east-1.s3");
  });

  it("makes no prefix-list call when nothing refers to one", async () => {
    install(worldWithPrefixLists());

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.ManagedPrefixLists).toEqual([]);
    expect(ec2.commandCalls(DescribeManagedPrefixListsCommand)).toHaveLength(0);
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(0);
  });
});

describe("collectSnapshot with several VPCs", () => {
  it("sends one DescribeSubnets call filtered by both ids", async () => {
    install(exampleWorld());

    await collect([PUBLIC_VPC, PRIVATE_VPC]);

    const calls = ec2.commandCalls(DescribeSubnetsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.Filters).toEqual([
      { Name: "vpc-id", Values: [PUBLIC_VPC, PRIVATE_VPC] },
    ]);
  });

  it("collects the resources of both VPCs", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    const vpcsOfSubnets = new Set(snapshot.Subnets?.map((subnet) => subnet.VpcId));
    expect(vpcsOfSubnets).toEqual(new Set([PUBLIC_VPC, PRIVATE_VPC]));
    expect(snapshot.Subnets).toHaveLength(6);
    expect(snapshot.Source?.VpcIds).toEqual([PUBLIC_VPC, PRIVATE_VPC]);
  });

  it("collects a VPC named twice once", async () => {
    install(exampleWorld());

    const snapshot = await collect([PUBLIC_VPC, PUBLIC_VPC]);

    expect(snapshot.Source?.VpcIds).toEqual([PUBLIC_VPC]);
    expect(ec2.commandCalls(DescribeVpcAttributeCommand)).toHaveLength(2);
  });
});

describe("collectSnapshot pagination", () => {
  it("joins three pages of network interfaces", async () => {
    const world = exampleWorld();
    install(world);
    const interfaces = world.NetworkInterfaces.filter((eni) => eni.VpcId === PRIVATE_VPC);
    const tokens: Array<string | undefined> = [];
    ec2.on(DescribeNetworkInterfacesCommand).callsFake((input) => {
      tokens.push(input.NextToken);
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const next = start + 4 < interfaces.length ? { NextToken: String(start + 4) } : {};
      return { NetworkInterfaces: interfaces.slice(start, start + 4), ...next };
    });

    const snapshot = await collect([PRIVATE_VPC]);

    expect(tokens).toEqual([undefined, "4", "8"]);
    expect(snapshot.NetworkInterfaces).toEqual(JSON.parse(JSON.stringify(interfaces)));
    expect(lines).toContain(`DescribeNetworkInterfaces: 3 pages, ${interfaces.length} items`);
  });

  it("stops when a page repeats its token", async () => {
    install(exampleWorld());
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [], NextToken: "same" });

    await collect([PRIVATE_VPC]);

    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(2);
  });
});

describe("collectSnapshot batching", () => {
  it("asks SSM about at most 50 instances per call", async () => {
    const world = exampleWorld();
    const reservation = world.Reservations.find(
      (item) => item.Instances?.[0]?.VpcId === PUBLIC_VPC,
    )!;
    const template = reservation.Instances![0]!;
    reservation.Instances = Array.from({ length: 120 }, (_, n) => ({
      ...template,
      InstanceId: `i-0a1b2c3d4e5f7${String(n).padStart(4, "0")}`,
    }));
    install(world);

    await collect([PUBLIC_VPC]);

    const sizes = ssm
      .commandCalls(DescribeInstanceInformationCommand)
      .map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toEqual([50, 50, 20]);
  });

  it("leaves terminated instances out of the SSM look-up", async () => {
    const world = exampleWorld();
    const reservation = world.Reservations.find(
      (item) => item.Instances?.[0]?.VpcId === PUBLIC_VPC,
    )!;
    reservation.Instances!.push({
      ...reservation.Instances![0]!,
      InstanceId: "i-0a1b2c3d4e5f6dead",
      State: { Code: 48, Name: "terminated" },
    });
    install(world);

    await collect([PUBLIC_VPC]);

    const ids = ssm.commandCalls(DescribeInstanceInformationCommand)[0]?.args[0].input.Filters?.[0]
      ?.Values;
    expect(ids).toEqual(["i-0a1b2c3d4e5f60001"]);
  });
});
