import { describe, expect, it } from "vitest";
import type { SkippedCheck } from "../../src/engine/lint.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  IDS,
  nat,
  prefixList,
  privateNat64,
  publicNat64,
  route,
  routeTable,
  snapshot,
  subnet,
} from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "nat64-route-missing";

/** Builds a private dual-stack subnet with DNS64 on and the given routes in its own table. */
function privateSubnetRouting(routes: ReturnType<typeof route>[], dns64 = true): Snapshot {
  return snapshot({
    Subnets: [
      subnet({ id: "subnet-public", kind: "dual-stack", block: 0 }),
      subnet({ id: "subnet-private", kind: "dual-stack", dns64, block: 1, name: "private-a" }),
    ],
    RouteTables: [
      routeTable({ id: "rtb-main", main: true }),
      routeTable({ id: "rtb-private", subnets: ["subnet-private"], routes }),
    ],
    NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-public" })],
  });
}

interface Flagged {
  name: string;
  input: Snapshot;
  findings: ExpectedFinding[];
}

const flagged: Flagged[] = [
  {
    name: "dual-stack subnet whose IPv6 traffic leaves through an egress-only gateway",
    input: privateSubnetRouting([route("0.0.0.0/0", "nat-0a11"), route("::/0", "eigw-0a11")]),
    findings: [
      {
        ruleId: RULE,
        messageId: "otherRouteWins",
        severity: "error",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private has no route " +
          "for 64:ff9b::/96, so DNS64 addresses follow ::/0 -> eigw-0a11, which does not " +
          "translate them to IPv4.",
        resource: ref("subnet", "subnet-private", { name: "private-a" }),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          {
            resourceId: "rtb-private",
            attribute: "Routes[64:ff9b::/96]",
            value: "::/0 -> eigw-0a11",
          },
        ],
        related: ["rtb-private", "eigw-0a11"],
        fix:
          "Add a route 64:ff9b::/96 to a NAT gateway in a subnet with IPv4 addresses: aws ec2 " +
          "create-route --route-table-id rtb-private --destination-ipv6-cidr-block 64:ff9b::/96 " +
          "--nat-gateway-id <nat-id>.",
      },
    ],
  },
  {
    name: "IPv4 egress only through a NAT instance and no IPv6 route",
    input: snapshot({
      Subnets: [
        subnet({ id: "subnet-public", kind: "dual-stack", block: 0 }),
        subnet({ id: "subnet-private", kind: "dual-stack", dns64: true, block: 1 }),
      ],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true }),
        routeTable({
          id: "rtb-private",
          subnets: ["subnet-private"],
          routes: [route("0.0.0.0/0", "eni-natinstance")],
        }),
      ],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "noRoute",
        severity: "error",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private has no route " +
          "for 64:ff9b::/96, so connections to DNS64 addresses have no route.",
        resource: ref("subnet", "subnet-private"),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          { resourceId: "rtb-private", attribute: "Routes[64:ff9b::/96]", value: null },
        ],
        related: ["rtb-private"],
      },
    ],
  },
  {
    name: "subnet without association whose main table lacks the route",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("::/0", "eigw-0a11")] }),
        routeTable({ id: "rtb-other", routes: [route("64:ff9b::/96", "nat-0a11")] }),
      ],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "otherRouteWins",
        severity: "error",
        message:
          "Subnet subnet-v6 has EnableDns64 true, but route table rtb-main has no route for " +
          "64:ff9b::/96, so DNS64 addresses follow ::/0 -> eigw-0a11, which does not translate " +
          "them to IPv4.",
        resource: ref("subnet", "subnet-v6"),
        evidence: [
          { resourceId: "subnet-v6", attribute: "EnableDns64", value: true },
          { resourceId: "rtb-main", attribute: "Routes[64:ff9b::/96]", value: "::/0 -> eigw-0a11" },
        ],
        related: ["rtb-main", "eigw-0a11"],
      },
    ],
  },
  {
    name: "one /97 route to a NAT gateway",
    input: privateSubnetRouting([route("64:ff9b::/97", "nat-0a11"), route("::/0", "eigw-0a11")]),
    findings: [
      {
        ruleId: RULE,
        messageId: "partlyRouted",
        severity: "warning",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private routes only " +
          "part of 64:ff9b::/96 to NAT64, so DNS64 addresses in 64:ff9b::8000:0/97 follow " +
          "::/0 -> eigw-0a11 and connections to the IPv4 addresses they stand for fail.",
        resource: ref("subnet", "subnet-private", { name: "private-a" }),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          {
            resourceId: "rtb-private",
            attribute: "Routes[64:ff9b::8000:0/97]",
            value: "::/0 -> eigw-0a11",
          },
        ],
        related: ["rtb-private", "eigw-0a11"],
        fix:
          "Add a route for 64:ff9b::8000:0/97 to a NAT gateway, or one for all of " +
          "64:ff9b::/96: aws ec2 create-route --route-table-id rtb-private " +
          "--destination-ipv6-cidr-block 64:ff9b::/96 --nat-gateway-id <nat-id>.",
      },
    ],
  },
  {
    name: "/97 route without any other IPv6 route",
    input: privateSubnetRouting([route("64:ff9b::8000:0/97", "nat-0a11")]),
    findings: [
      {
        ruleId: RULE,
        messageId: "partlyRouted",
        severity: "warning",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private routes only " +
          "part of 64:ff9b::/96 to NAT64, so DNS64 addresses in 64:ff9b::/97 follow no route " +
          "and connections to the IPv4 addresses they stand for fail.",
        resource: ref("subnet", "subnet-private", { name: "private-a" }),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          { resourceId: "rtb-private", attribute: "Routes[64:ff9b::/97]", value: null },
        ],
        related: ["rtb-private"],
      },
    ],
  },
  {
    name: "two /97 routes that are both blackholes",
    input: privateSubnetRouting([
      route("64:ff9b::/97", "nat-0a11", "blackhole"),
      route("64:ff9b::8000:0/97", "nat-0a11", "blackhole"),
      route("::/0", "eigw-0a11"),
    ]),
    findings: [
      {
        ruleId: RULE,
        messageId: "otherRouteWins",
        severity: "error",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private has no route " +
          "for 64:ff9b::/96, so DNS64 addresses follow ::/0 -> eigw-0a11, which does not " +
          "translate them to IPv4.",
        resource: ref("subnet", "subnet-private", { name: "private-a" }),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          {
            resourceId: "rtb-private",
            attribute: "Routes[64:ff9b::/96]",
            value: "::/0 -> eigw-0a11",
          },
        ],
        related: ["rtb-private", "eigw-0a11"],
      },
    ],
  },
  {
    name: "IPv4 gateway endpoint prefix list whose entries were not collected",
    input: {
      ...privateSubnetRouting([route("pl-s3", "vpce-s3"), route("::/0", "eigw-0a11")]),
      ManagedPrefixLists: [prefixList("pl-s3", undefined, "IPv4")],
    },
    findings: [
      {
        ruleId: RULE,
        messageId: "otherRouteWins",
        severity: "error",
        message:
          "Subnet subnet-private has EnableDns64 true, but route table rtb-private has no route " +
          "for 64:ff9b::/96, so DNS64 addresses follow ::/0 -> eigw-0a11, which does not " +
          "translate them to IPv4.",
        resource: ref("subnet", "subnet-private", { name: "private-a" }),
        evidence: [
          { resourceId: "subnet-private", attribute: "EnableDns64", value: true },
          {
            resourceId: "rtb-private",
            attribute: "Routes[64:ff9b::/96]",
            value: "::/0 -> eigw-0a11",
          },
        ],
        related: ["rtb-private", "eigw-0a11"],
      },
    ],
  },
  {
    name: "IPv6-only subnet of the public design with its NAT64 route removed",
    input: snapshot(publicNat64({ nat64Route: null })),
    findings: [
      {
        ruleId: RULE,
        messageId: "otherRouteWins",
        severity: "error",
        message:
          "Subnet subnet-v6only has EnableDns64 true, but route table rtb-v6only has no route " +
          "for 64:ff9b::/96, so DNS64 addresses follow ::/0 -> eigw-0a11, which does not " +
          "translate them to IPv4.",
        resource: ref("subnet", IDS.v6Subnet),
        evidence: [
          { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: true },
          {
            resourceId: IDS.v6Table,
            attribute: "Routes[64:ff9b::/96]",
            value: "::/0 -> eigw-0a11",
          },
        ],
        related: [IDS.v6Table, IDS.eigw],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  {
    name: "dual-stack subnet with DNS64 off and no NAT64 route",
    input: privateSubnetRouting(
      [route("0.0.0.0/0", "nat-0a11"), route("::/0", "eigw-0a11")],
      false,
    ),
  },
  {
    name: "static 64:ff9b::/96 route to a NAT gateway",
    input: privateSubnetRouting([route("64:ff9b::/96", "nat-0a11"), route("::/0", "eigw-0a11")]),
  },
  {
    name: "NAT64 route through a prefix list entry",
    input: {
      ...privateSubnetRouting([route("pl-nat64", "nat-0a11"), route("::/0", "eigw-0a11")]),
      ManagedPrefixLists: [prefixList("pl-nat64", ["64:ff9b::/96"])],
    },
  },
  {
    name: "two /97 routes to NAT gateways",
    input: {
      ...privateSubnetRouting([
        route("64:ff9b::/97", "nat-0a11"),
        route("64:ff9b::8000:0/97", "nat-0b22"),
        route("::/0", "eigw-0a11"),
      ]),
      NatGateways: [
        nat({ id: "nat-0a11", subnet: "subnet-public" }),
        nat({ id: "nat-0b22", subnet: "subnet-public" }),
      ],
    },
  },
  {
    name: "four /98 routes without a default route",
    input: privateSubnetRouting([
      route("64:ff9b::/98", "nat-0a11"),
      route("64:ff9b::4000:0/98", "nat-0a11"),
      route("64:ff9b::8000:0/98", "nat-0a11"),
      route("64:ff9b::c000:0/98", "nat-0a11"),
    ]),
  },
  {
    name: "/97 route that is a blackhole beside a working one",
    input: privateSubnetRouting([
      route("64:ff9b::/97", "nat-0a11"),
      route("64:ff9b::8000:0/97", "nat-0a11", "blackhole"),
      route("::/0", "eigw-0a11"),
    ]),
  },
  {
    name: "broader 64:ff9b::/64 route covering the prefix",
    input: privateSubnetRouting([route("64:ff9b::/64", "nat-0a11")]),
  },
  {
    name: "NAT64 route in the main table of an unassociated subnet",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("64:ff9b::/96", "nat-0a11")] }),
      ],
    }),
  },
  {
    name: "NAT64 route to an egress-only gateway, left to the target rule",
    input: privateSubnetRouting([route("64:ff9b::/96", "eigw-0a11")]),
  },
  {
    name: "public NAT64 design",
    input: snapshot(publicNat64()),
  },
  {
    name: "subnet with EnableDns64 unknown that routes NAT64 anyway",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", omit: ["EnableDns64"] })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("64:ff9b::/96", "nat-0a11")] }),
      ],
    }),
  },
];

const unknown: { name: string; input: Snapshot; skipped: SkippedCheck[] }[] = [
  {
    name: "prefix list whose entries were not collected",
    input: {
      ...privateSubnetRouting([route("pl-nat64", "nat-0a11"), route("::/0", "eigw-0a11")]),
      ManagedPrefixLists: [prefixList("pl-nat64")],
    },
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["subnet-private"],
      },
    ],
  },
  {
    name: "prefix list missing from the snapshot",
    input: privateSubnetRouting([route("pl-elsewhere", "nat-0a11"), route("::/0", "eigw-0a11")]),
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["subnet-private"],
      },
    ],
  },
  {
    name: "/97 route beside a prefix list whose entries were not collected",
    input: {
      ...privateSubnetRouting([
        route("64:ff9b::/97", "nat-0a11"),
        route("pl-nat64", "nat-0a11"),
        route("::/0", "eigw-0a11"),
      ]),
      ManagedPrefixLists: [prefixList("pl-nat64")],
    },
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["subnet-private"],
      },
    ],
  },
  {
    name: "subnet without association and no main table",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true })],
      RouteTables: [routeTable({ id: "rtb-other", routes: [route("64:ff9b::/96", "nat-0a11")] })],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "neither a route table associated with the subnet nor the VPC's main table is in the snapshot",
        resourceIds: ["subnet-v6"],
      },
    ],
  },
  {
    name: "::/0 to a transit gateway, behind which a central egress VPC may translate",
    input: privateSubnetRouting([route("::/0", "tgw-0a11")]),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "64:ff9b::/96 follows ::/0 -> tgw-0a11 in rtb-private, beyond the VPC, where vpc-lint cannot tell whether it is translated",
        resourceIds: ["subnet-private"],
      },
    ],
  },
  {
    name: "subnet from an older DescribeSubnets output without EnableDns64",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", omit: ["EnableDns64"] })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("::/0", "eigw-0a11")] }),
      ],
    }),
    skipped: [
      { ruleId: RULE, reason: "EnableDns64 is not in the snapshot", resourceIds: ["subnet-v6"] },
    ],
  },
];

/** Builds the private design without a NAT64 route, its endpoints of the given address type. */
function endpointsWithoutNat64(ipAddressType: "ipv4" | "dualstack"): Snapshot {
  const input = snapshot(privateNat64({ endpoints: ["ssm", "ssmmessages"], nat64Route: null }));
  for (const item of input.VpcEndpoints ?? []) {
    item.IpAddressType = ipAddressType;
    item.DnsOptions = { DnsRecordIpType: ipAddressType };
  }
  return input;
}

describe(`${RULE} with services reached over IPv6`, () => {
  it("warns when every service is reached", () => {
    const findings = lintRule(RULE, endpointsWithoutNat64("dualstack")).findings;

    expectFindings(findings, [
      {
        ruleId: RULE,
        messageId: "servicesWithoutNat64",
        severity: "warning",
        message:
          `Subnet ${IDS.v6Subnet} has EnableDns64 true, but route table ${IDS.v6Table} has no ` +
          "route for 64:ff9b::/96, so connections to IPv4-only destinations fail. Its required " +
          "services ssm, ssmmessages are reached without NAT64.",
        resource: ref("subnet", IDS.v6Subnet),
        evidence: [
          { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: true },
          { resourceId: IDS.v6Table, attribute: "Routes[64:ff9b::/96]", value: null },
        ],
        related: [IDS.v6Table],
      },
    ]);
  });

  it("stays an error when kms needs a setting", () => {
    // kms has no endpoint, and its default public name has only A records.
    const input = endpointsWithoutNat64("dualstack");
    const findings = lintRule(RULE, input, { requiredServices: ["kms"] }).findings;

    expect(findings.map((finding) => [finding.messageId, finding.severity])).toEqual([
      ["noRoute", "error"],
    ]);
  });

  it("stays an error for IPv4-only endpoints", () => {
    const findings = lintRule(RULE, endpointsWithoutNat64("ipv4")).findings;

    expect(findings.map((finding) => [finding.messageId, finding.severity])).toEqual([
      ["noRoute", "error"],
    ]);
  });
});

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
    expect(result.executionErrors).toEqual([]);
  });

  it.each(unknown)("skips $name", ({ input, skipped }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual(skipped);
  });

  it("is skipped when route tables were not collected", () => {
    const result = lintRule(RULE, snapshot({ RouteTables: undefined }));
    expect(result.skipped).toEqual([{ ruleId: RULE, reason: "RouteTables was not collected" }]);
  });
});
