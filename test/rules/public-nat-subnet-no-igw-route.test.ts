import type {
  InternetGateway,
  InternetGatewayAttachment,
  Route,
  VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { SkippedCheck } from "../../src/engine/lint.js";
import { DEFAULT_SETTINGS, exitCodeOf, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  ACCOUNT,
  IDS,
  REGION,
  VPC_ID,
  attachment,
  endpoint,
  internetGateway,
  nat,
  privateNat64,
  publicNat64,
  route,
  routeTable,
  snapshot,
  subnet,
} from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "public-nat-subnet-no-igw-route";
const FIREWALL_SUBNET = "subnet-firewall";
const FIREWALL_TABLE = "rtb-firewall";
const FIREWALL_ENDPOINT = "vpce-firewall";

/** Builds the public NAT64 design with the internet gateway section given. */
function design(internetGateways: InternetGateway[] | undefined): Snapshot {
  return snapshot({ ...publicNat64(), InternetGateways: internetGateways });
}

/** Builds the public design whose NAT subnet's route table has only the given routes. */
function natRoutes(...routes: Route[]): Snapshot {
  return snapshot({
    ...publicNat64(),
    RouteTables: [
      routeTable({ id: IDS.mainTable, main: true }),
      routeTable({ id: IDS.natTable, subnets: [IDS.natSubnet], routes }),
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [route("64:ff9b::/96", IDS.nat)],
      }),
    ],
  });
}

/** Returns the finding for the NAT subnet's route table, whose 0.0.0.0/0 route is `found`. */
function noInternetRoute(found: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "noInternetRoute",
    severity: "error",
    message:
      "Route table rtb-nat of public NAT gateway nat-0a11 sends no 0.0.0.0/0 traffic to an " +
      `internet gateway (${found}), so ssm, ssmmessages are unreachable from subnet-v6only.`,
    resource: ref("route-table", IDS.natTable),
    evidence: [
      { resourceId: IDS.natTable, attribute: "Routes[0.0.0.0/0]", value: found },
      { resourceId: IDS.nat, attribute: "ConnectivityType", value: "public" },
    ],
    related: [IDS.nat, IDS.v6Subnet],
  };
}

/** Returns the warning for public addresses in `ranges` that the NAT subnet routes by `found`. */
function partlyRouted(ranges: string, found: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "partlyRouted",
    severity: "warning",
    message:
      `Route table rtb-nat of public NAT gateway nat-0a11 has ${found} for the public IPv4 ` +
      `addresses in ${ranges}, not a route to an internet gateway, so calls to ssm, ` +
      "ssmmessages from subnet-v6only fail where the service's address is in them.",
    resource: ref("route-table", IDS.natTable),
    evidence: [{ resourceId: IDS.natTable, attribute: `Routes[${ranges}]`, value: found }],
    related: [IDS.nat, IDS.v6Subnet],
  };
}

/** Builds the design whose one internet gateway has the given attachments. */
function attached(...attachments: InternetGatewayAttachment[]): Snapshot {
  return design([internetGateway(IDS.igw, attachments)]);
}

/** Returns the finding for the NAT subnet's route to an internet gateway that carries nothing. */
function notAttached(problem: string, attachments: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "gatewayNotAttached",
    severity: "error",
    message:
      "Route table rtb-nat of public NAT gateway nat-0a11 sends 0.0.0.0/0 to internet gateway " +
      `igw-0a11, which ${problem}, so ssm, ssmmessages are unreachable from subnet-v6only.`,
    resource: ref("route-table", IDS.natTable),
    evidence: [
      { resourceId: IDS.natTable, attribute: "Routes[0.0.0.0/0]", value: IDS.igw },
      { resourceId: IDS.igw, attribute: "Attachments", value: attachments },
    ],
    related: [IDS.igw, IDS.nat, IDS.v6Subnet],
    fix:
      "Attach igw-0a11 to vpc-0a11: aws ec2 attach-internet-gateway --internet-gateway-id " +
      "igw-0a11 --vpc-id vpc-0a11. Or point the route at the internet gateway attached to " +
      "vpc-0a11: aws ec2 replace-route --route-table-id rtb-nat --destination-cidr-block " +
      "0.0.0.0/0 --gateway-id <igw-id>.",
  };
}

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "route to a gateway missing from an empty InternetGateways",
    input: design([]),
    findings: [
      notAttached(
        "is missing from InternetGateways (deleted, or attached to no VPC the snapshot covers)",
        "not in InternetGateways",
      ),
    ],
  },
  {
    name: "route to a gateway with no attachments",
    input: attached(),
    findings: [notAttached("is attached to no VPC", "none")],
  },
  {
    name: "route to a gateway attached to another VPC",
    input: attached(attachment("vpc-other", "available")),
    findings: [notAttached("is attached to vpc-other instead", "vpc-other (available)")],
  },
  {
    name: "route to a gateway being detached",
    input: attached(attachment(VPC_ID, "detaching")),
    findings: [
      notAttached("has its attachment to vpc-0a11 in state detaching", "vpc-0a11 (detaching)"),
    ],
  },
  {
    name: "route to a detached gateway",
    input: attached(attachment(VPC_ID, "detached")),
    findings: [
      notAttached("has its attachment to vpc-0a11 in state detached", "vpc-0a11 (detached)"),
    ],
  },
  {
    name: "NAT subnet without a 0.0.0.0/0 route",
    input: natRoutes(),
    findings: [noInternetRoute("no 0.0.0.0/0 route")],
  },
  {
    // The other half of the address space still has no route.
    name: "one half of 0.0.0.0/0 to the gateway",
    input: natRoutes(route("10.0.0.0/16", "local"), route("0.0.0.0/1", IDS.igw)),
    findings: [partlyRouted("128.0.0.0/1", "no route")],
  },
  {
    name: "halves of 0.0.0.0/0 to two targets",
    input: natRoutes(route("0.0.0.0/1", IDS.igw), route("128.0.0.0/1", "pcx-0a11")),
    findings: [partlyRouted("128.0.0.0/1", "128.0.0.0/1 -> pcx-0a11")],
  },
  {
    // Longest-prefix match sends 52.0.0.0/8 to the blackhole, not along 0.0.0.0/0.
    name: "public range to a blackhole",
    input: natRoutes(route("0.0.0.0/0", IDS.igw), route("52.0.0.0/8", "nat-gone", "blackhole")),
    findings: [partlyRouted("52.0.0.0/8", "52.0.0.0/8 -> nat-gone (blackhole)")],
  },
  {
    // A VPC has one internet gateway at most, so another one drops what it is sent.
    name: "half of 0.0.0.0/0 to another gateway",
    input: natRoutes(route("0.0.0.0/1", IDS.igw), route("128.0.0.0/1", "igw-other")),
    findings: [partlyRouted("128.0.0.0/1", "128.0.0.0/1 -> igw-other")],
  },
  {
    // The gateway attached to the VPC carries its half, whichever route comes first.
    name: "other gateway listed before the VPC's",
    input: natRoutes(
      route("0.0.0.0/0", "pcx-0a11"),
      route("0.0.0.0/1", "igw-other"),
      route("128.0.0.0/1", IDS.igw),
    ),
    findings: [partlyRouted("0.0.0.0/1", "0.0.0.0/1 -> igw-other")],
  },
  {
    // The halves win over 0.0.0.0/0 for every address.
    name: "halves to blackholes beside 0.0.0.0/0",
    input: natRoutes(
      route("0.0.0.0/0", IDS.igw),
      route("0.0.0.0/1", "nat-gone", "blackhole"),
      route("128.0.0.0/1", "nat-gone", "blackhole"),
    ),
    findings: [
      noInternetRoute("0.0.0.0/1 -> nat-gone (blackhole), 128.0.0.0/1 -> nat-gone (blackhole)"),
    ],
  },
  {
    // A peer VPC's gateways do not carry the traffic of a peering connection.
    name: "route to a VPC peering connection",
    input: natRoutes(route("0.0.0.0/0", "pcx-0a11")),
    findings: [noInternetRoute("0.0.0.0/0 -> pcx-0a11")],
  },
  {
    name: "firewall endpoint whose subnet has no 0.0.0.0/0 route",
    input: inspected([]),
    findings: [
      {
        ruleId: RULE,
        messageId: "noInternetRoute",
        severity: "error",
        message:
          "Route table rtb-firewall of public NAT gateway nat-0a11 sends no 0.0.0.0/0 traffic to " +
          "an internet gateway (rtb-nat: 0.0.0.0/0 -> vpce-firewall, a Gateway Load Balancer " +
          "endpoint in subnet-firewall, whose route table rtb-firewall has no route for " +
          "0.0.0.0/0), so ssm, ssmmessages are unreachable from subnet-v6only.",
        resource: ref("route-table", FIREWALL_TABLE),
        evidence: [
          {
            resourceId: FIREWALL_TABLE,
            attribute: "Routes[0.0.0.0/0]",
            value:
              "rtb-nat: 0.0.0.0/0 -> vpce-firewall, a Gateway Load Balancer endpoint in " +
              "subnet-firewall, whose route table rtb-firewall has no route for 0.0.0.0/0",
          },
          { resourceId: IDS.nat, attribute: "ConnectivityType", value: "public" },
        ],
        related: [IDS.nat, IDS.v6Subnet],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "gateway attached with State available", input: publicNat64AsSnapshot() },
  {
    name: "gateway attached with State attached",
    input: attached(attachment(VPC_ID, "attached")),
  },
  {
    name: "gateway attached to this VPC and listed with another",
    input: design([
      internetGateway("igw-other", [attachment("vpc-other", "available")]),
      internetGateway(IDS.igw, [attachment(VPC_ID, "available")]),
    ]),
  },
  {
    name: "regional NAT gateway whose route table reaches an attached gateway",
    input: regionalNat([internetGateway(IDS.igw, [attachment(VPC_ID, "available")])]),
  },
  {
    name: "route through a firewall endpoint whose subnet reaches the gateway",
    input: inspected([route("0.0.0.0/0", IDS.igw)]),
  },
  {
    name: "0.0.0.0/0 to a blackhole under halves to the gateway",
    input: natRoutes(
      route("0.0.0.0/0", "nat-gone", "blackhole"),
      route("0.0.0.0/1", IDS.igw),
      route("128.0.0.0/1", IDS.igw),
    ),
  },
  {
    // A network beyond a transit gateway may reach the internet, as for 0.0.0.0/0.
    name: "public range to a transit gateway",
    input: natRoutes(route("0.0.0.0/0", IDS.igw), route("52.0.0.0/8", "tgw-0a11")),
  },
  {
    // Longest-prefix match sends every public address to the gateway, private ranges elsewhere.
    name: "halves of 0.0.0.0/0 to the gateway",
    input: natRoutes(
      route("10.0.0.0/16", "local"),
      route("10.0.0.0/8", "tgw-0a11"),
      route("0.0.0.0/1", IDS.igw),
      route("128.0.0.0/1", IDS.igw),
    ),
  },
  {
    name: "private NAT design without internet gateways",
    input: snapshot({ ...privateNat64({ endpoints: ["ssm", "ssmmessages"] }) }),
  },
];

/** Why the check is skipped when prefix list pl-0a11 of the NAT subnet's table is unknown. */
const UNKNOWN_LIST =
  "the entries of prefix lists pl-0a11 of rtb-nat are not in the snapshot, so whether it sends " +
  "every public address to the internet gateway is unknown";

const unknown: { name: string; input: Snapshot; skipped: SkippedCheck[] }[] = [
  {
    name: "route to an endpoint missing from VpcEndpoints",
    input: inspected([route("0.0.0.0/0", IDS.igw)], []),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "rtb-nat: 0.0.0.0/0 -> vpce-firewall, and vpce-firewall is not in VpcEndpoints, so " +
          "vpc-lint cannot follow the traffic beyond it",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    // AWS documents routing a public NAT gateway's traffic through a transit gateway, for example
    // to a central egress VPC, which the snapshot does not show.
    name: "route to a transit gateway",
    input: natRoutes(route("0.0.0.0/0", "tgw-0a11")),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "rtb-nat: 0.0.0.0/0 -> tgw-0a11 carries the traffic of public NAT gateway nat-0a11 " +
          "beyond the VPC, where vpc-lint cannot follow it",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "half of 0.0.0.0/0 in an unknown prefix list",
    input: {
      ...natRoutes(route("0.0.0.0/1", IDS.igw), route("pl-0a11", IDS.igw)),
      ManagedPrefixLists: [],
    },
    skipped: [
      {
        ruleId: RULE,
        reason: UNKNOWN_LIST,
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    // The list's entries may be public ranges that the peering connection drops.
    name: "unknown prefix list to a peering connection",
    input: {
      ...natRoutes(route("0.0.0.0/0", IDS.igw), route("pl-0a11", "pcx-0a11")),
      ManagedPrefixLists: [],
    },
    skipped: [
      {
        ruleId: RULE,
        reason: UNKNOWN_LIST,
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    // The list may contain longer routes to the gateway, which win over the blackhole.
    name: "0.0.0.0/0 blackhole beside an unknown list",
    input: {
      ...natRoutes(route("0.0.0.0/0", "nat-gone", "blackhole"), route("pl-0a11", IDS.igw)),
      ManagedPrefixLists: [],
    },
    skipped: [
      {
        ruleId: RULE,
        reason:
          "rtb-nat has 0.0.0.0/0 -> nat-gone, and the entries of its prefix lists pl-0a11 are " +
          "not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "InternetGateways not collected",
    input: design(undefined),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "InternetGateways is not in the snapshot, so whether igw-0a11 is attached to vpc-0a11 " +
          "is unknown",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "attachment without State",
    input: attached(attachment(VPC_ID)),
    skipped: [
      {
        ruleId: RULE,
        reason: "the State of the attachment of igw-0a11 to vpc-0a11 is not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "attachment still attaching",
    input: attached(attachment(VPC_ID, "attaching")),
    skipped: [
      {
        ruleId: RULE,
        reason: "igw-0a11 is still attaching to vpc-0a11, so whether it carries traffic is unknown",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "gateway without Attachments, as templates give an outside gateway",
    input: design([internetGateway(IDS.igw)]),
    skipped: [
      {
        ruleId: RULE,
        reason: "the attachments of igw-0a11 are not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
];

/**
 * Builds the public design with a Gateway Load Balancer endpoint, as AWS Network Firewall creates,
 * between the NAT gateway and the internet gateway: the NAT subnet sends 0.0.0.0/0 to the
 * endpoint, and the endpoint's subnet has the given routes.
 */
function inspected(firewallRoutes: Route[], endpoints?: VpcEndpoint[]): Snapshot {
  const design = publicNat64();
  return snapshot({
    ...design,
    Subnets: [
      ...(design.Subnets ?? []),
      subnet({ id: FIREWALL_SUBNET, kind: "ipv4-only", block: 9 }),
    ],
    RouteTables: [
      routeTable({ id: IDS.mainTable, main: true }),
      routeTable({
        id: IDS.natTable,
        subnets: [IDS.natSubnet],
        routes: [route("0.0.0.0/0", FIREWALL_ENDPOINT)],
      }),
      routeTable({ id: FIREWALL_TABLE, subnets: [FIREWALL_SUBNET], routes: firewallRoutes }),
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [route("64:ff9b::/96", IDS.nat), route("::/0", IDS.eigw)],
      }),
    ],
    VpcEndpoints: endpoints ?? [
      endpoint({
        id: FIREWALL_ENDPOINT,
        service: "com.amazonaws.vpce.us-east-1.vpce-svc-0firewall",
        type: "GatewayLoadBalancer",
        privateDns: false,
        subnets: [FIREWALL_SUBNET],
      }),
    ],
  });
}

function publicNat64AsSnapshot(): Snapshot {
  return snapshot(publicNat64());
}

/**
 * Builds the public design with a regional NAT gateway, which has no subnet and sends its
 * traffic on through its own route table.
 */
function regionalNat(internetGateways: InternetGateway[]): Snapshot {
  const regional = {
    ...nat({ id: IDS.nat, subnet: IDS.natSubnet, omit: ["SubnetId"] }),
    AvailabilityMode: "regional" as const,
    RouteTableId: "rtb-regional",
  };
  return snapshot({
    ...publicNat64(),
    Subnets: [subnet({ id: IDS.v6Subnet, kind: "ipv6-only", dns64: true, block: 1 })],
    RouteTables: [
      routeTable({ id: IDS.mainTable, main: true }),
      routeTable({ id: "rtb-regional", routes: [route("0.0.0.0/0", IDS.igw)] }),
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [route("64:ff9b::/96", IDS.nat)],
      }),
    ],
    NatGateways: [regional],
    InternetGateways: internetGateways,
  });
}

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
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

  it("flags regional NAT route to detached gateway", () => {
    const input = regionalNat([internetGateway(IDS.igw, [attachment(VPC_ID, "detached")])]);
    const messages = lintRule(RULE, input).findings.map((finding) => finding.message);
    expect(messages).toEqual([
      "Route table rtb-regional of public NAT gateway nat-0a11 sends 0.0.0.0/0 to internet " +
        "gateway igw-0a11, which has its attachment to vpc-0a11 in state detached, so ssm, " +
        "ssmmessages are unreachable from subnet-v6only.",
    ]);
  });

  it("leaves path unknown without InternetGateways", () => {
    const result = runLint([{ snapshot: design(undefined) }], { settings: DEFAULT_SETTINGS });
    const verdicts = result.reachability().map((path) => `${path.service} ${path.verdict}`);
    expect(verdicts).toEqual(["ssm unknown", "ssmmessages unknown"]);
    expect(result.warnings).toEqual([
      `InternetGateways is not in the snapshot for ${ACCOUNT}, ${REGION}, so the path checks ` +
        "assumed nothing about internet gateways and report the paths through one as unknown",
    ]);
    expect(exitCodeOf(result, "warning", true)).toBe(1);
  });

  it("marks path unreachable at gateway hop", () => {
    const result = runLint([{ snapshot: design([]) }], { settings: DEFAULT_SETTINGS });
    const ssm = result.reachability().find((path) => path.service === "ssm");
    expect(ssm?.verdict).toBe("unreachable");
    expect(ssm?.hops?.at(-1)).toMatchObject({
      kind: "onward-route",
      status: "broken",
      resourceId: IDS.igw,
      text:
        "internet gateway igw-0a11 is missing from InternetGateways (deleted, or attached to no " +
        "VPC the snapshot covers), so it carries no traffic from vpc-0a11",
      owner: RULE,
    });
  });
});
