import { describe, expect, it } from "vitest";
import type { SkippedCheck } from "../../src/engine/lint.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  IDS,
  nat,
  prefixList,
  publicNat64,
  route,
  routeTable,
  snapshot,
  subnet,
  vpc,
  VPC_ID,
} from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, lintRules, ref } from "./harness.js";

const RULE = "nat64-route-blackhole";
const NAT64_ROUTE = "64:ff9b::/96 -> nat-0a11";

/** Builds the public NAT64 design with the NAT gateway and its route in the given states. */
function design(natState: string, routeState = "active", extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    ...publicNat64({ natState, nat64Route: route("64:ff9b::/96", IDS.nat, routeState) }),
    ...extra,
  });
}

const routeEvidence = (state: string) => [
  { resourceId: IDS.v6Table, attribute: "Routes[64:ff9b::/96]", value: NAT64_ROUTE },
  { resourceId: IDS.v6Table, attribute: "Routes.State", value: state },
];

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "blackhole route to a deleted NAT gateway",
    input: design("deleted", "blackhole"),
    findings: [
      {
        ruleId: RULE,
        messageId: "blackhole",
        severity: "error",
        message:
          "Route table rtb-v6only has 64:ff9b::/96 -> nat-0a11 in state blackhole (nat-0a11 is " +
          "deleted), so DNS64 traffic from subnet-v6only is dropped.",
        resource: ref("route-table", IDS.v6Table),
        evidence: [
          ...routeEvidence("blackhole"),
          { resourceId: IDS.nat, attribute: "State", value: "deleted" },
        ],
        related: [IDS.nat, IDS.v6Subnet],
        fix:
          "Replace the route with an available NAT gateway: aws ec2 replace-route " +
          "--route-table-id rtb-v6only --destination-ipv6-cidr-block 64:ff9b::/96 " +
          "--nat-gateway-id <nat-id>.",
      },
    ],
  },
  {
    name: "blackhole route to a NAT gateway no longer listed",
    input: design("available", "blackhole", { NatGateways: [] }),
    findings: [
      {
        ruleId: RULE,
        messageId: "blackhole",
        severity: "error",
        message:
          "Route table rtb-v6only has 64:ff9b::/96 -> nat-0a11 in state blackhole, so DNS64 " +
          "traffic from subnet-v6only is dropped.",
        resource: ref("route-table", IDS.v6Table),
        evidence: routeEvidence("blackhole"),
        related: [IDS.nat, IDS.v6Subnet],
      },
    ],
  },
  {
    name: "pending NAT gateway",
    input: design("pending"),
    findings: [
      {
        ruleId: RULE,
        messageId: "natPending",
        severity: "error",
        message:
          "Route table rtb-v6only sends 64:ff9b::/96 -> nat-0a11, and NAT gateway nat-0a11 is " +
          "still pending, so DNS64 traffic from subnet-v6only is dropped until it becomes available.",
        resource: ref("route-table", IDS.v6Table),
        evidence: [
          ...routeEvidence("active"),
          { resourceId: IDS.nat, attribute: "State", value: "pending" },
        ],
        related: [IDS.nat, IDS.v6Subnet],
        fix: "Wait for NAT gateway nat-0a11 to become available, then lint again.",
      },
    ],
  },
  {
    name: "pending NAT gateway written as Pending",
    input: design("Pending"),
    findings: [
      {
        ruleId: RULE,
        messageId: "natPending",
        severity: "error",
        message:
          "Route table rtb-v6only sends 64:ff9b::/96 -> nat-0a11, and NAT gateway nat-0a11 is " +
          "still pending, so DNS64 traffic from subnet-v6only is dropped until it becomes available.",
        resource: ref("route-table", IDS.v6Table),
        evidence: [
          ...routeEvidence("active"),
          { resourceId: IDS.nat, attribute: "State", value: "Pending" },
        ],
        related: [IDS.nat, IDS.v6Subnet],
      },
    ],
  },
  {
    name: "failed NAT gateway behind an active route",
    input: design("failed", "active", {
      NatGateways: [
        nat({
          id: IDS.nat,
          subnet: IDS.natSubnet,
          state: "failed",
          failureCode: "Gateway.NotAttached",
          failureMessage: "Network vpc-0a11 has no Internet gateway attached",
        }),
      ],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "natNotAvailable",
        severity: "error",
        message:
          "Route table rtb-v6only sends 64:ff9b::/96 -> nat-0a11, but NAT gateway nat-0a11 is " +
          "failed (Gateway.NotAttached: Network vpc-0a11 has no Internet gateway attached), so " +
          "DNS64 traffic from subnet-v6only is dropped.",
        resource: ref("route-table", IDS.v6Table),
        evidence: [
          ...routeEvidence("active"),
          { resourceId: IDS.nat, attribute: "State", value: "failed" },
          { resourceId: IDS.nat, attribute: "FailureCode", value: "Gateway.NotAttached" },
          {
            resourceId: IDS.nat,
            attribute: "FailureMessage",
            value: "Network vpc-0a11 has no Internet gateway attached",
          },
        ],
        related: [IDS.nat, IDS.v6Subnet],
      },
    ],
  },
  {
    name: "active route to a NAT gateway that does not exist",
    input: design("available", "active", { NatGateways: [] }),
    findings: [
      {
        ruleId: RULE,
        messageId: "natNotFound",
        severity: "error",
        message:
          "Route table rtb-v6only sends 64:ff9b::/96 -> nat-0a11, but NAT gateway nat-0a11 does " +
          "not exist in this VPC, so DNS64 traffic from subnet-v6only is dropped.",
        resource: ref("route-table", IDS.v6Table),
        evidence: routeEvidence("active"),
        related: [IDS.nat, IDS.v6Subnet],
      },
    ],
  },
  {
    name: "blackhole route from a prefix list shared by two subnets",
    input: snapshot({
      Subnets: [
        subnet({ id: "subnet-a", kind: "ipv6-only", dns64: true, block: 1 }),
        subnet({ id: "subnet-b", kind: "ipv6-only", dns64: true, block: 2 }),
      ],
      RouteTables: [
        routeTable({
          id: "rtb-shared",
          main: true,
          routes: [route("pl-nat64", "nat-gone", "Blackhole")],
        }),
      ],
      ManagedPrefixLists: [prefixList("pl-nat64", ["64:ff9b::/96"])],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "blackhole",
        severity: "error",
        message:
          "Route table rtb-shared has pl-nat64 (64:ff9b::/96) -> nat-gone in state blackhole, so " +
          "DNS64 traffic from subnet-a, subnet-b is dropped.",
        resource: ref("route-table", "rtb-shared"),
        evidence: [
          {
            resourceId: "rtb-shared",
            attribute: "Routes[64:ff9b::/96]",
            value: "pl-nat64 (64:ff9b::/96) -> nat-gone",
          },
          { resourceId: "rtb-shared", attribute: "Routes.State", value: "Blackhole" },
        ],
        related: ["nat-gone", "subnet-a", "subnet-b"],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "available NAT gateway", input: design("available") },
  { name: "NAT gateway state written as Available", input: design("Available") },
  {
    name: "blackhole IPv4 default route, which is not a NAT64 route",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "dual-stack", dns64: true })],
      RouteTables: [
        routeTable({
          id: "rtb-main",
          main: true,
          routes: [route("0.0.0.0/0", "nat-gone", "blackhole"), route("64:ff9b::/96", "nat-0a11")],
        }),
      ],
      NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-a" })],
    }),
  },
  {
    name: "blackhole NAT64 route in a table no subnet uses",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true }),
        routeTable({ id: "rtb-spare", routes: [route("64:ff9b::/96", "nat-gone", "blackhole")] }),
      ],
    }),
  },
  {
    name: "NAT64 route to a transit gateway, which has no NAT gateway state",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("64:ff9b::/96", "tgw-0a11")] }),
      ],
    }),
  },
];

const unknown: { name: string; input: Snapshot; skipped: SkippedCheck[] }[] = [
  {
    name: "route to a NAT gateway whose VPC's call failed",
    // Merged files list another VPC's NAT gateway, and the call for this VPC was denied.
    input: design("available", "active", {
      NatGateways: [nat({ id: "nat-other", subnet: "subnet-other" })],
      Errors: [
        {
          Operation: "DescribeNatGateways",
          Code: "UnauthorizedOperation",
          Message: "You are not authorized to perform this operation.",
          Scope: VPC_ID,
        },
      ],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason: "DescribeNatGateways failed with UnauthorizedOperation",
        resourceIds: [IDS.v6Table],
      },
    ],
  },
  {
    name: "active route to a NAT gateway without State",
    input: design("available", "active", {
      NatGateways: [nat({ id: IDS.nat, subnet: IDS.natSubnet, omit: ["State"] })],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason: "State of nat-0a11 is not in the snapshot",
        resourceIds: [IDS.v6Table],
      },
    ],
  },
  {
    name: "broader blackhole route that an unread prefix list may beat",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({
          id: "rtb-main",
          main: true,
          routes: [route("pl-unread", "nat-0a11"), route("64:ff9b::/64", "nat-gone", "blackhole")],
        }),
      ],
      ManagedPrefixLists: [prefixList("pl-unread")],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["rtb-main"],
      },
    ],
  },
  {
    name: "active route in a VPC shared by another account",
    // A participant account describes only its own NAT gateways, not those of the VPC's owner.
    input: design("available", "active", {
      NatGateways: [],
      Vpcs: [{ ...vpc(), OwnerId: "444455556666" }],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "NAT gateway nat-0a11 is not in the snapshot, and VPC vpc-0a11 belongs to account " +
          "444455556666, whose NAT gateways account 111122223333 cannot describe",
        resourceIds: [IDS.v6Table],
      },
    ],
  },
  {
    name: "active route when NAT gateways were not collected",
    input: design("available", "active", { NatGateways: undefined }),
    skipped: [
      { ruleId: RULE, reason: "NatGateways was not collected", resourceIds: [IDS.v6Table] },
    ],
  },
  {
    name: "prefix list whose entries were not collected",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-a", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({
          id: "rtb-main",
          main: true,
          routes: [route("pl-nat64", "nat-0a11"), route("::/0", "eigw-0a11")],
        }),
      ],
      ManagedPrefixLists: [prefixList("pl-nat64")],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["rtb-main"],
      },
    ],
  },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
    expect(result.executionErrors).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it.each(unknown)("skips $name", ({ input, skipped }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual(skipped);
  });

  it("skips the table for both rules", () => {
    const rules = [RULE, "nat64-route-target-invalid"];
    const input = unknown.find((example) => example.name.includes("unread prefix list"))?.input;
    if (!input) throw new Error("no example with an unread prefix list");
    const result = lintRules(rules, input);
    expect(result.skipped.map((skip) => [skip.ruleId, skip.resourceIds])).toEqual(
      rules.map((ruleId) => [ruleId, ["rtb-main"]]),
    );
  });
});
