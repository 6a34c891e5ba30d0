import { ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";
import {
  ListResolverRuleAssociationsCommand,
  ListResolverRulesCommand,
} from "@aws-sdk/client-route53resolver";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot } from "../../src/collect/collector.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { validateSnapshot } from "../../src/snapshot/validate.js";
import {
  awsError,
  CREDENTIALS,
  isolateAwsEnvironment,
  mockWorld,
  readExample,
  REGION,
  worldOf,
  type ResolverMock,
  type Route53Mock,
  type World,
} from "./world.js";

const PUBLIC_VPC = "vpc-0a1b2c3d4e5f60001";
const PRIVATE_VPC = "vpc-0a1b2c3d4e5f60002";
const OWNER = "111122223333";

let route53: Route53Mock;
let resolver: ResolverMock;
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

/** Both example VPCs, a hub zone for the private one and a forwarding rule for the public one. */
function dnsWorld(): World {
  const world = worldOf(
    readExample("public-nat64.json"),
    readExample("private-nat64-endpoints.json"),
  );
  world.HostedZones.push(
    { HostedZoneId: "Z0HUBSSM000001", Name: "ssm.us-east-1.amazonaws.com.", VpcId: PRIVATE_VPC },
    { HostedZoneId: "Z0OTHERVPC0001", Name: "internal.example.", VpcId: "vpc-0a1b2c3d4e5f6ffff" },
  );
  world.ResolverRules.push(
    { Id: "rslvr-rr-0a1b2c3d4e5f60001", DomainName: "amazonaws.com.", RuleType: "FORWARD" },
    { Id: "rslvr-autodefined-rr-internet-resolver", DomainName: ".", RuleType: "RECURSIVE" },
  );
  world.ResolverRuleAssociations.push(
    { Id: "rslvr-rrassoc-01", ResolverRuleId: "rslvr-rr-0a1b2c3d4e5f60001", VPCId: PUBLIC_VPC },
    { Id: "rslvr-rrassoc-02", ResolverRuleId: "rslvr-rr-0a1b2c3d4e5f60001", VPCId: "vpc-0ffff" },
  );
  return world;
}

function install(world: World): void {
  ({ route53, resolver, restore: restoreMocks } = mockWorld(world));
}

function collect(vpcIds: string[]): Promise<Snapshot> {
  return collectSnapshot({
    vpcIds,
    region: REGION,
    concurrency: 8,
    log: (line) => lines.push(line),
    clientOverrides: { credentials: CREDENTIALS },
  });
}

describe("collectSnapshot Route 53 sections", () => {
  it("lists each VPC's hosted zones with its VpcId", async () => {
    install(dnsWorld());

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    expect(snapshot.HostedZones).toEqual([
      { HostedZoneId: "Z0HUBSSM000001", Name: "ssm.us-east-1.amazonaws.com.", VpcId: PRIVATE_VPC },
    ]);
  });

  it("sends one ListHostedZonesByVPC per VPC with its Region", async () => {
    install(dnsWorld());

    await collect([PUBLIC_VPC, PRIVATE_VPC]);

    const inputs = route53
      .commandCalls(ListHostedZonesByVPCCommand)
      .map((call) => call.args[0].input);
    expect(inputs.map((input) => input.VPCId).sort()).toEqual([PUBLIC_VPC, PRIVATE_VPC]);
    expect(inputs.map((input) => input.VPCRegion)).toEqual([REGION, REGION]);
  });

  it("follows NextToken across hosted zone pages", async () => {
    install(dnsWorld());
    route53
      .on(ListHostedZonesByVPCCommand, { VPCId: PRIVATE_VPC })
      .resolvesOnce({
        HostedZoneSummaries: [
          { HostedZoneId: "Z0PAGEONE00001", Name: "one.example.", Owner: { OwningAccount: OWNER } },
        ],
        MaxItems: 1,
        NextToken: "page-2",
      })
      .resolvesOnce({
        HostedZoneSummaries: [
          { HostedZoneId: "Z0PAGETWO00001", Name: "two.example.", Owner: { OwningAccount: OWNER } },
        ],
        MaxItems: 1,
      });

    const snapshot = await collect([PRIVATE_VPC]);

    expect(snapshot.HostedZones).toEqual([
      {
        HostedZoneId: "Z0PAGEONE00001",
        Name: "one.example.",
        VpcId: PRIVATE_VPC,
        Owner: { OwningAccount: OWNER },
      },
      {
        HostedZoneId: "Z0PAGETWO00001",
        Name: "two.example.",
        VpcId: PRIVATE_VPC,
        Owner: { OwningAccount: OWNER },
      },
    ]);
    const tokens = route53
      .commandCalls(ListHostedZonesByVPCCommand)
      .map((call) => call.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, "page-2"]);
  });

  it("lists every Resolver rule of the Region", async () => {
    install(dnsWorld());

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.ResolverRules?.map((rule) => rule.Id)).toEqual([
      "rslvr-rr-0a1b2c3d4e5f60001",
      "rslvr-autodefined-rr-internet-resolver",
    ]);
  });

  it("filters rule associations by VPCId", async () => {
    install(dnsWorld());

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    expect(snapshot.ResolverRuleAssociations).toEqual([
      { Id: "rslvr-rrassoc-01", ResolverRuleId: "rslvr-rr-0a1b2c3d4e5f60001", VPCId: PUBLIC_VPC },
    ]);
    const calls = resolver.commandCalls(
      ListResolverRuleAssociationsCommand as unknown as Parameters<ResolverMock["commandCalls"]>[0],
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Filters: [{ Name: "VPCId", Values: [PUBLIC_VPC, PRIVATE_VPC] }],
    });
  });

  it("produces a snapshot that validates", async () => {
    install(dnsWorld());

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    expect(validateSnapshot(snapshot)).toEqual([]);
  });
});

describe("collectSnapshot Route 53 failures", () => {
  it("leaves HostedZones absent when one VPC's call fails", async () => {
    install(dnsWorld());
    route53
      .on(ListHostedZonesByVPCCommand, { VPCId: PUBLIC_VPC })
      .rejects(
        awsError(
          "AccessDenied",
          "User is not authorized to perform route53:ListHostedZonesByVPC",
          403,
        ),
      );

    const snapshot = await collect([PUBLIC_VPC, PRIVATE_VPC]);

    expect(snapshot.HostedZones).toBeUndefined();
    expect(snapshot.Errors).toContainEqual({
      Operation: "ListHostedZonesByVPC",
      Code: "AccessDenied",
      Message: "User is not authorized to perform route53:ListHostedZonesByVPC",
      Scope: PUBLIC_VPC,
    });
    expect(snapshot.Subnets).toBeDefined();
  });

  it("leaves ResolverRules absent when the call is denied", async () => {
    install(dnsWorld());
    resolver
      .on(ListResolverRulesCommand as unknown as Parameters<ResolverMock["on"]>[0])
      .rejects(awsError("AccessDeniedException", "not authorized", 400));

    const snapshot = await collect([PUBLIC_VPC]);

    expect(snapshot.ResolverRules).toBeUndefined();
    expect(snapshot.ResolverRuleAssociations).toHaveLength(1);
    expect(snapshot.Errors).toEqual([
      { Operation: "ListResolverRules", Code: "AccessDeniedException", Message: "not authorized" },
    ]);
  });

  it("logs the failed call with its VPC", async () => {
    install(dnsWorld());
    route53
      .on(ListHostedZonesByVPCCommand, { VPCId: PRIVATE_VPC })
      .rejects(awsError("ThrottlingException", "Rate exceeded", 400));

    await collect([PRIVATE_VPC]);

    expect(lines).toContain(
      `ListHostedZonesByVPC ${PRIVATE_VPC}: failed with ThrottlingException: Rate exceeded`,
    );
  });
});
