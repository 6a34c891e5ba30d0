import type { EgressOnlyInternetGateway, InternetGateway, Route } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { SkippedCheck } from "../../src/engine/lint.js";
import type { LintSettings } from "../../src/engine/types.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  IDS,
  VPC_ID,
  attachment,
  egressOnlyGateway,
  endpoint,
  internetGateway,
  publicNat64,
  route,
  routeTable,
  snapshot,
  subnet,
} from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "ipv6-default-route-missing";
/** kms has a dual-stack public name, so with DNS64 off the subnet reaches it over native IPv6. */
const KMS: LintSettings = { requiredServices: ["kms"] };

/** Builds the public design with DNS64 off and the given egress-only gateways. */
function egressOnly(gateways: EgressOnlyInternetGateway[] | undefined): Snapshot {
  return snapshot({ ...publicNat64({ dns64: false }), EgressOnlyInternetGateways: gateways });
}

/** Builds the design with DNS64 off whose IPv6-only subnet sends ::/0 to the internet gateway. */
function throughInternetGateway(gateways: InternetGateway[]): Snapshot {
  const base = publicNat64({ dns64: false });
  const tables = (base.RouteTables ?? []).filter((table) => table.RouteTableId !== IDS.v6Table);
  return snapshot({
    ...base,
    RouteTables: [
      ...tables,
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [route("64:ff9b::/96", IDS.nat), route("::/0", IDS.igw)],
      }),
    ],
    InternetGateways: gateways,
  });
}

/** Builds the design with DNS64 off whose IPv6-only subnet sends ::/0 to `target`. */
function throughTarget(target: string): Snapshot {
  const base = publicNat64({ dns64: false });
  const tables = (base.RouteTables ?? []).filter((table) => table.RouteTableId !== IDS.v6Table);
  const v6Table = routeTable({
    id: IDS.v6Table,
    subnets: [IDS.v6Subnet],
    routes: [route("::/0", target)],
  });
  return snapshot({ ...base, RouteTables: [...tables, v6Table] });
}

/**
 * Builds the design with DNS64 off whose IPv6-only subnet sends ::/0 to a Gateway Load Balancer
 * endpoint, as AWS Network Firewall creates, in a subnet whose route table has the given routes.
 */
function throughFirewall(firewallRoutes: Route[]): Snapshot {
  const base = publicNat64({ dns64: false });
  const tables = (base.RouteTables ?? []).filter((table) => table.RouteTableId !== IDS.v6Table);
  return snapshot({
    ...base,
    Subnets: [
      ...(base.Subnets ?? []),
      subnet({ id: "subnet-firewall", kind: "dual-stack", block: 9 }),
    ],
    RouteTables: [
      ...tables,
      routeTable({ id: "rtb-firewall", subnets: ["subnet-firewall"], routes: firewallRoutes }),
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [route("::/0", "vpce-firewall")],
      }),
    ],
    VpcEndpoints: [
      endpoint({
        id: "vpce-firewall",
        service: "com.amazonaws.vpce.us-east-1.vpce-svc-0firewall",
        type: "GatewayLoadBalancer",
        privateDns: false,
        subnets: ["subnet-firewall"],
      }),
    ],
  });
}

/** s3 has a dual-stack public name too, and gateway endpoints as well as interface endpoints. */
const S3: LintSettings = { requiredServices: ["s3"] };

/**
 * Builds the design with DNS64 off whose IPv6-only subnet has only local routes and an S3 gateway
 * endpoint with the given IP address type and state that routes the subnet's table.
 */
function s3Gateway(ipAddressType: string, state = "available"): Snapshot {
  const base = publicNat64({ dns64: false });
  const tables = (base.RouteTables ?? []).filter((table) => table.RouteTableId !== IDS.v6Table);
  const gateway = endpoint({
    id: "vpce-s3",
    service: "s3",
    type: "Gateway",
    state,
    privateDns: false,
    ipAddressType,
  });
  gateway.RouteTableIds = [IDS.v6Table];
  return snapshot({
    ...base,
    RouteTables: [...tables, routeTable({ id: IDS.v6Table, subnets: [IDS.v6Subnet] })],
    VpcEndpoints: [...(base.VpcEndpoints ?? []), gateway],
  });
}

function egressOnlyNotAttached(problem: string, attachments: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "egressOnlyGatewayNotAttached",
    severity: "error",
    message:
      "Route table rtb-v6only of subnet-v6only sends ::/0 to egress-only internet gateway " +
      `eigw-0a11, which ${problem}, and kms can only be reached over native IPv6 from there.`,
    resource: ref("route-table", IDS.v6Table),
    evidence: [
      { resourceId: IDS.v6Table, attribute: "Routes[::/0]", value: IDS.eigw },
      { resourceId: IDS.eigw, attribute: "Attachments", value: attachments },
    ],
    related: [IDS.eigw, IDS.v6Subnet],
    fix:
      "Point the route at an egress-only internet gateway of vpc-0a11, creating one if needed " +
      "(aws ec2 create-egress-only-internet-gateway --vpc-id vpc-0a11): aws ec2 replace-route " +
      "--route-table-id rtb-v6only --destination-ipv6-cidr-block ::/0 " +
      "--egress-only-internet-gateway-id <eigw-id>.",
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "route to an egress-only gateway missing from its section",
    input: egressOnly([]),
    findings: [
      egressOnlyNotAttached(
        "is missing from EgressOnlyInternetGateways (deleted, or attached to no VPC the " +
          "snapshot covers)",
        "not in EgressOnlyInternetGateways",
      ),
    ],
  },
  {
    name: "route to an egress-only gateway of another VPC",
    input: egressOnly([egressOnlyGateway(IDS.eigw, [attachment("vpc-other", "attached")])]),
    findings: [egressOnlyNotAttached("is attached to vpc-other instead", "vpc-other (attached)")],
  },
  {
    name: "route to a detached egress-only gateway",
    input: egressOnly([egressOnlyGateway(IDS.eigw, [attachment(VPC_ID, "detached")])]),
    findings: [
      egressOnlyNotAttached(
        "has its attachment to vpc-0a11 in state detached",
        "vpc-0a11 (detached)",
      ),
    ],
  },
  {
    name: "route to an internet gateway with no attachments",
    input: throughInternetGateway([internetGateway(IDS.igw, [])]),
    findings: [
      {
        ruleId: RULE,
        messageId: "internetGatewayNotAttached",
        severity: "error",
        message:
          "Route table rtb-v6only of subnet-v6only sends ::/0 to internet gateway igw-0a11, " +
          "which is attached to no VPC, and kms can only be reached over native IPv6 from there.",
        resource: ref("route-table", IDS.v6Table),
        evidence: [
          { resourceId: IDS.v6Table, attribute: "Routes[::/0]", value: IDS.igw },
          { resourceId: IDS.igw, attribute: "Attachments", value: "none" },
        ],
        related: [IDS.igw, IDS.v6Subnet],
        fix:
          "Attach igw-0a11 to vpc-0a11: aws ec2 attach-internet-gateway --internet-gateway-id " +
          "igw-0a11 --vpc-id vpc-0a11. Or point the route at a gateway of vpc-0a11: aws ec2 " +
          "replace-route --route-table-id rtb-v6only --destination-ipv6-cidr-block ::/0 " +
          "--egress-only-internet-gateway-id <eigw-id>.",
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  {
    name: "egress-only gateway attached with State attached",
    input: snapshot(publicNat64({ dns64: false })),
  },
  {
    name: "internet gateway attached with State available",
    input: throughInternetGateway([internetGateway(IDS.igw, [attachment(VPC_ID, "available")])]),
  },
  {
    name: "firewall endpoint whose subnet routes to the egress-only gateway",
    input: throughFirewall([route("::/0", IDS.eigw)]),
  },
];

const unknown: { name: string; input: Snapshot; skipped: SkippedCheck[] }[] = [
  {
    name: "EgressOnlyInternetGateways not collected",
    input: egressOnly(undefined),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "EgressOnlyInternetGateways is not in the snapshot, so whether eigw-0a11 is attached " +
          "to vpc-0a11 is unknown",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input, KMS);
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input, KMS);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("accepts a missing egress-only gateway when DNS64 leads to NAT64", () => {
    const input = snapshot({ ...publicNat64(), EgressOnlyInternetGateways: [] });
    const result = lintRule(RULE, input, KMS);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("flags firewall endpoint without onward route", () => {
    const result = lintRule(RULE, throughFirewall([]), KMS);
    expect(result.findings.map((finding) => finding.resource.id)).toEqual(["rtb-firewall"]);
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["noIpv6Route"]);
  });

  it("skips ::/0 to a transit gateway", () => {
    // AWS documents centralized IPv6 egress through another VPC, which the snapshot does not show.
    const result = lintRule(RULE, throughTarget("tgw-0a11"), KMS);
    expect(result.findings).toEqual([]);
    expect(result.skipped.map((check) => check.resourceIds)).toEqual([[IDS.v6Subnet]]);
    expect(result.skipped[0]?.reason).toContain("beyond the VPC");
  });

  it("checks egress before ::/0 to a transit gateway", () => {
    const input = throughTarget("tgw-0a11");
    const open = lintRule("instance-sg-egress-blocks-ipv6", input, KMS);
    expect(open.findings).toEqual([]);
    const app = input.SecurityGroups?.find((group) => group.GroupId === "sg-app");
    if (!app) throw new Error("the design has the app group");
    app.IpPermissionsEgress = [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];
    const result = lintRule("instance-sg-egress-blocks-ipv6", input, KMS);
    expect(result.findings.map((finding) => finding.resource.id)).toEqual(["sg-app"]);
    expect(lintRule(RULE, input, KMS).findings).toEqual([]);
  });

  it("flags ::/0 to a VPC peering connection", () => {
    const result = lintRule(RULE, throughTarget("pcx-0a11"), KMS);
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["noIpv6Route"]);
  });

  it("skips S3 behind a dual-stack gateway endpoint", () => {
    const result = lintRule(RULE, s3Gateway("dualstack"), S3);
    expect(result.findings).toEqual([]);
    expect(result.skipped.map((check) => check.resourceIds)).toEqual([[IDS.v6Subnet]]);
    expect(result.skipped[0]?.reason).toContain("S3 gateway endpoint vpce-s3");
  });

  it.each([
    ["an IPv4 gateway endpoint", s3Gateway("ipv4")],
    ["a deleted dual-stack gateway endpoint", s3Gateway("dualstack", "deleted")],
  ])("flags S3 behind %s", (_name, input) => {
    const result = lintRule(RULE, input, S3);
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["noIpv6Route"]);
    expect(result.skipped).toEqual([]);
  });

  it("flags kms beside a dual-stack S3 gateway", () => {
    const result = lintRule(RULE, s3Gateway("dualstack"), KMS);
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["noIpv6Route"]);
  });

  it.each(unknown)("skips $name", ({ input, skipped }) => {
    const result = lintRule(RULE, input, KMS);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual(skipped);
  });
});
