import { describe, expect, it } from "vitest";
import type { Route } from "@aws-sdk/client-ec2";
import type { Snapshot } from "../../src/snapshot/types.js";
import { nat, prefixList, route, routeTable, snapshot, subnet } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "nat64-route-target-invalid";

/** Builds one IPv6-only subnet with DNS64 on whose route table contains the given routes. */
function routing(routes: Route[], extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    Subnets: [
      subnet({ id: "subnet-nat", kind: "dual-stack", block: 0 }),
      subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true, block: 1 }),
    ],
    RouteTables: [
      routeTable({ id: "rtb-main", main: true }),
      routeTable({ id: "rtb-v6", subnets: ["subnet-v6"], routes }),
    ],
    NatGateways: [nat({ id: "nat-0a11", subnet: "subnet-nat" })],
    ...extra,
  });
}

/** Returns the finding for a NAT64 route to a target that forwards IPv6 unchanged. */
function noTranslation(
  target: string,
  name: string,
  shown = `64:ff9b::/96 -> ${target}`,
): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "noTranslation",
    severity: "error",
    message:
      `Route table rtb-v6 sends ${shown}, ${name} that does not perform NAT64, so DNS64 ` +
      "traffic from subnet-v6 is dropped.",
    resource: ref("route-table", "rtb-v6"),
    evidence: [{ resourceId: "rtb-v6", attribute: "Routes[64:ff9b::/96]", value: shown }],
    related: [target, "subnet-v6"],
  };
}

/** Returns the finding for a NAT64 route to an appliance or network vpc-lint cannot see into. */
function unverifiable(target: string, name: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "unverifiable",
    severity: "info",
    message:
      `Route table rtb-v6 sends 64:ff9b::/96 -> ${target}, ${name}; vpc-lint cannot verify ` +
      "that it performs NAT64 for subnet-v6.",
    resource: ref("route-table", "rtb-v6"),
    evidence: [
      {
        resourceId: "rtb-v6",
        attribute: "Routes[64:ff9b::/96]",
        value: `64:ff9b::/96 -> ${target}`,
      },
    ],
    related: [target, "subnet-v6"],
    fix:
      `Make sure the appliance or the VPC beyond ${target} translates 64:ff9b::/96, or route ` +
      "the prefix to a NAT gateway in this VPC.",
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "egress-only internet gateway target",
    input: routing([route("64:ff9b::/96", "eigw-0a11")]),
    findings: [
      {
        ...noTranslation("eigw-0a11", "an egress-only internet gateway"),
        fix:
          "Point 64:ff9b::/96 at a NAT gateway: aws ec2 replace-route --route-table-id rtb-v6 " +
          "--destination-ipv6-cidr-block 64:ff9b::/96 --nat-gateway-id <nat-id>.",
      },
    ],
  },
  {
    name: "internet gateway target",
    input: routing([route("64:ff9b::/96", "igw-0a11")]),
    findings: [noTranslation("igw-0a11", "an internet gateway")],
  },
  {
    name: "peering connection target",
    input: routing([route("64:ff9b::/96", "pcx-0a11")]),
    findings: [noTranslation("pcx-0a11", "a VPC peering connection")],
  },
  {
    name: "virtual private gateway target, which may lead to a NAT64 device on premises",
    input: routing([route("64:ff9b::/96", "vgw-0a11")]),
    findings: [unverifiable("vgw-0a11", "a virtual private gateway")],
  },
  {
    name: "local gateway target, which may lead to a NAT64 device on premises",
    input: routing([route("64:ff9b::/96", "lgw-0a11")]),
    findings: [unverifiable("lgw-0a11", "a local gateway")],
  },
  {
    name: "network interface target, which may be a NAT64 appliance",
    input: routing([route("64:ff9b::/96", "eni-appliance")]),
    findings: [unverifiable("eni-appliance", "a network interface")],
  },
  {
    name: "instance target, which may be a NAT64 appliance",
    input: routing([route("64:ff9b::/96", "i-appliance")]),
    findings: [unverifiable("i-appliance", "an instance")],
  },
  {
    name: "transit gateway target, which may lead to a NAT64 VPC",
    input: routing([route("64:ff9b::/96", "tgw-0a11")]),
    findings: [unverifiable("tgw-0a11", "a transit gateway")],
  },
  {
    name: "static route that beats a prefix-list route of equal length",
    input: routing([route("pl-nat64", "nat-0a11"), route("64:ff9b::/96", "eigw-0a11")], {
      ManagedPrefixLists: [prefixList("pl-nat64", ["64:ff9b::/96"])],
    }),
    findings: [noTranslation("eigw-0a11", "an egress-only internet gateway")],
  },
  {
    name: "prefix-list route whose entry is the NAT64 prefix",
    input: routing([route("pl-nat64", "eigw-0a11")], {
      ManagedPrefixLists: [prefixList("pl-nat64", ["2001:db8:ff::/48", "64:ff9b::/96"])],
    }),
    findings: [
      noTranslation(
        "eigw-0a11",
        "an egress-only internet gateway",
        "pl-nat64 (64:ff9b::/96) -> eigw-0a11",
      ),
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "NAT gateway target", input: routing([route("64:ff9b::/96", "nat-0a11")]) },
  {
    name: "static NAT route that beats a prefix-list route of equal length",
    input: routing([route("pl-nat64", "eigw-0a11"), route("64:ff9b::/96", "nat-0a11")], {
      ManagedPrefixLists: [prefixList("pl-nat64", ["64:ff9b::/96"])],
    }),
  },
  {
    name: "longer NAT route that beats a broader egress-only route",
    input: routing([route("64:ff9b::/64", "eigw-0a11"), route("64:ff9b::/96", "nat-0a11")]),
  },
  {
    name: "only an IPv6 default route, which the missing-route rule covers",
    input: routing([route("::/0", "eigw-0a11")]),
  },
  {
    name: "egress-only NAT64 route in a table no subnet uses",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true })],
      RouteTables: [
        routeTable({ id: "rtb-main", main: true, routes: [route("64:ff9b::/96", "nat-0a11")] }),
        routeTable({ id: "rtb-spare", routes: [route("64:ff9b::/96", "eigw-0a11")] }),
      ],
    }),
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

  it("skips a broader route that an unread prefix list may beat", () => {
    const input = routing([route("pl-unread", "nat-0a11"), route("64:ff9b::/64", "eigw-0a11")], {
      ManagedPrefixLists: [prefixList("pl-unread")],
    });
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["rtb-v6"],
      },
    ]);
  });

  it("trusts a static 64:ff9b::/96 route beside an unread prefix list", () => {
    const input = routing([route("pl-unread", "nat-0a11"), route("64:ff9b::/96", "eigw-0a11")], {
      ManagedPrefixLists: [prefixList("pl-unread")],
    });
    const result = lintRule(RULE, input);
    expect(result.skipped).toEqual([]);
    expectFindings(result.findings, [
      noTranslation("eigw-0a11", "an egress-only internet gateway"),
    ]);
  });

  it("skips a table whose prefix list entries were not collected", () => {
    const input = routing([route("pl-nat64", "eigw-0a11"), route("::/0", "eigw-0a11")], {
      ManagedPrefixLists: [prefixList("pl-nat64")],
    });
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: ["rtb-v6"],
      },
    ]);
  });
});
