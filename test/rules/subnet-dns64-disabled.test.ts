import { describe, expect, it } from "vitest";
import type { SkippedCheck } from "../../src/engine/lint.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  IDS,
  endpoint,
  eni,
  prefixList,
  privateNat64,
  publicNat64,
  route,
  snapshot,
  subnet,
  vpc,
} from "../builder.js";
import {
  type ExpectedFinding,
  type FlaggedCase,
  expectFindings,
  lintRule,
  ref,
} from "./harness.js";

const RULE = "subnet-dns64-disabled";

/** Builds an IPv6-only subnet with DNS64 off that hosts one instance and has no NAT64 route. */
function isolated(extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    ...privateNat64({ dns64: false, nat64Route: null }),
    ...extra,
  });
}

/** Builds the isolated subnet with a Lambda function's interface in place of the instance. */
function lambdaOnly(extra: Partial<Snapshot> = {}): Snapshot {
  return isolated({
    NetworkInterfaces: [eni({ id: "eni-lambda", subnet: IDS.v6Subnet, type: "lambda" })],
    Reservations: [],
    ...extra,
  });
}

/** Builds an interface endpoint of an address type whose DnsOptions are not in the snapshot. */
function endpointWithoutRecordType(service: string, addressType: string) {
  return endpoint({
    id: `vpce-${service}`,
    service,
    ipAddressType: addressType,
    omit: ["DnsOptions"],
  });
}

/** Builds an interface endpoint whose private DNS returns AAAA records, for IPv6-only clients. */
function ipv6Endpoint(service: string, addressType = "dualstack"): ReturnType<typeof endpoint> {
  return endpoint({
    id: `vpce-${service}`,
    service,
    ipAddressType: addressType,
    dnsRecordIpType: addressType,
  });
}

/**
 * Builds the public design with DNS64 off and no workloads, whose subnet's NAT64 routes are the
 * given ones, and a prefix list `pl-nat64` of the given family whose entries were not collected.
 */
function withUnreadPrefixList(nat64Routes: ReturnType<typeof route>[], family = "IPv6"): Snapshot {
  const input = snapshot({
    ...publicNat64({ dns64: false, nat64Route: null }),
    NetworkInterfaces: [],
    Reservations: [],
    ManagedPrefixLists: [prefixList("pl-nat64", undefined, family)],
  });
  const table = input.RouteTables?.find((item) => item.RouteTableId === IDS.v6Table);
  table?.Routes?.push(route("pl-nat64", IDS.nat), ...nat64Routes);
  return input;
}

/** Returns the routesNat64 finding for the design's subnet and one NAT64 route. */
function routesNat64(routeText: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "routesNat64",
    severity: "error",
    message:
      `Subnet subnet-v6only is IPv6-only and routes ${routeText}, but EnableDns64 is false, so ` +
      "no name resolves to a 64:ff9b:: address and the NAT64 route carries no traffic.",
    resource: ref("subnet", IDS.v6Subnet),
    evidence: [
      { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: false },
      { resourceId: IDS.v6Table, attribute: "Routes[64:ff9b::/96]", value: routeText },
    ],
    related: [IDS.v6Table],
  };
}

function needsIpv4Services(services: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "needsIpv4Services",
    severity: "error",
    message:
      "Subnet subnet-v6only is IPv6-only with EnableDns64 false, and its workloads need " +
      `${services}, which resolve only to IPv4 addresses here, so they cannot connect.`,
    resource: ref("subnet", IDS.v6Subnet),
    evidence: [{ resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: false }],
    related: ["vpc-0a11"],
  };
}

const flagged: FlaggedCase[] = [
  {
    name: "IPv6-only subnet that routes NAT64 with DNS64 off",
    input: snapshot(publicNat64({ dns64: false })),
    findings: [
      {
        ruleId: RULE,
        messageId: "routesNat64",
        severity: "error",
        message:
          "Subnet subnet-v6only is IPv6-only and routes 64:ff9b::/96 -> nat-0a11, but " +
          "EnableDns64 is false, so no name resolves to a 64:ff9b:: address and the NAT64 route " +
          "carries no traffic.",
        resource: ref("subnet", IDS.v6Subnet),
        evidence: [
          { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: false },
          {
            resourceId: IDS.v6Table,
            attribute: "Routes[64:ff9b::/96]",
            value: "64:ff9b::/96 -> nat-0a11",
          },
        ],
        related: [IDS.v6Table],
        fix:
          "Turn DNS64 on: aws ec2 modify-subnet-attribute --subnet-id subnet-v6only " +
          "--enable-dns64 (CloudFormation EnableDns64, Terraform enable_dns64).",
      },
    ],
  },
  {
    name: "IPv6-only workload subnet without DNS64 or endpoints",
    input: isolated(),
    findings: [needsIpv4Services("ssm, ssmmessages")],
  },
  {
    // Without DNS64 the workloads need the services whatever the prefix list routes.
    name: "workloads and a prefix list whose entries were not collected",
    input: (() => {
      const input = isolated({ ManagedPrefixLists: [prefixList("pl-nat64")] });
      const table = input.RouteTables?.find((item) => item.RouteTableId === IDS.v6Table);
      table?.Routes?.push(route("pl-nat64", IDS.nat));
      return input;
    })(),
    findings: [needsIpv4Services("ssm, ssmmessages")],
  },
  {
    name: "IPv4-only endpoints, which IPv6-only clients cannot use",
    input: isolated({
      VpcEndpoints: [
        endpoint({ id: "vpce-ssm", service: "ssm" }),
        endpoint({ id: "vpce-ssmmessages", service: "ssmmessages" }),
      ],
    }),
    findings: [needsIpv4Services("ssm, ssmmessages")],
  },
  {
    name: "configured service without an IPv6 endpoint",
    input: isolated({ VpcEndpoints: [ipv6Endpoint("ssm"), ipv6Endpoint("ssmmessages")] }),
    services: ["sqs"],
    findings: [needsIpv4Services("sqs")],
  },
  {
    name: "service the VPC's tag requires",
    input: isolated({
      Vpcs: [{ ...vpc(), Tags: [{ Key: "vpc-lint:services", Value: "sqs" }] }],
      VpcEndpoints: [ipv6Endpoint("ssm"), ipv6Endpoint("ssmmessages")],
    }),
    findings: [needsIpv4Services("sqs")],
  },
  {
    name: "Lambda subnet with a service the VPC's tag requires",
    input: lambdaOnly({
      Vpcs: [{ ...vpc(), Tags: [{ Key: "vpc-lint:services", Value: "sqs" }] }],
    }),
    findings: [needsIpv4Services("sqs")],
  },
  {
    name: "Lambda subnet whose instances were not collected",
    input: lambdaOnly({ Reservations: undefined }),
    findings: [needsIpv4Services("ssm, ssmmessages, ec2messages")],
  },
  {
    name: "NAT64 route beside a prefix list whose entries were not collected",
    input: withUnreadPrefixList([route("64:ff9b::/96", IDS.nat)]),
    findings: [routesNat64("64:ff9b::/96 -> nat-0a11")],
  },
  {
    name: "/97 NAT64 route without a route for all of 64:ff9b::/96",
    input: snapshot(publicNat64({ dns64: false, nat64Route: route("64:ff9b::/97", IDS.nat) })),
    findings: [routesNat64("64:ff9b::/97 -> nat-0a11")],
  },
  {
    name: "IPv4 endpoint without a DNS record type",
    input: isolated({
      VpcEndpoints: [
        endpointWithoutRecordType("ssm", "ipv4"),
        endpointWithoutRecordType("ssmmessages", "ipv4"),
      ],
    }),
    findings: [needsIpv4Services("ssm, ssmmessages")],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  {
    name: "service with a dual-stack public name",
    input: isolated({
      Vpcs: [{ ...vpc(), Tags: [{ Key: "vpc-lint:services", Value: "kms" }] }],
      VpcEndpoints: [ipv6Endpoint("ssm"), ipv6Endpoint("ssmmessages")],
    }),
  },
  { name: "IPv6-only subnet with DNS64 on", input: snapshot(publicNat64()) },
  {
    name: "dual-stack subnet with DNS64 off",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-app", kind: "dual-stack" })],
      NetworkInterfaces: [eni({ id: "eni-app", subnet: "subnet-app" })],
    }),
  },
  {
    name: "IPv6-only subnet without workloads",
    input: isolated({ NetworkInterfaces: [], Reservations: [] }),
  },
  {
    // Session Manager reaches instances only, and ssm-endpoint-missing warns about other callers.
    name: "Lambda subnet that needs only Session Manager's services",
    input: lambdaOnly(),
  },
  {
    name: "dual-stack endpoints with AAAA records for every needed service",
    input: isolated({ VpcEndpoints: [ipv6Endpoint("ssm"), ipv6Endpoint("ssmmessages")] }),
  },
  {
    name: "IPv6 endpoints whose enum values are upper case",
    input: isolated({
      VpcEndpoints: [ipv6Endpoint("ssm", "IPV6"), ipv6Endpoint("ssmmessages", "DUALSTACK")],
    }),
  },
  {
    name: "IPv4 prefix list whose entries were not collected",
    input: withUnreadPrefixList([], "IPv4"),
  },
  {
    name: "IPv6 endpoints without a DNS record type",
    input: isolated({
      VpcEndpoints: [
        endpointWithoutRecordType("ssm", "ipv6"),
        endpointWithoutRecordType("ssmmessages", "ipv6"),
      ],
    }),
  },
];

const unknown: { name: string; input: Snapshot; skipped: SkippedCheck[] }[] = [
  {
    name: "subnet without EnableDns64",
    input: isolated({
      Subnets: [subnet({ id: IDS.v6Subnet, kind: "ipv6-only", omit: ["EnableDns64"] })],
    }),
    skipped: [
      { ruleId: RULE, reason: "EnableDns64 is not in the snapshot", resourceIds: [IDS.v6Subnet] },
    ],
  },
  {
    name: "subnet from an output older than Ipv6Native and EnableDns64",
    input: isolated({
      Subnets: [
        subnet({ id: IDS.v6Subnet, kind: "ipv6-only", omit: ["EnableDns64", "Ipv6Native"] }),
      ],
    }),
    skipped: [
      { ruleId: RULE, reason: "EnableDns64 is not in the snapshot", resourceIds: [IDS.v6Subnet] },
    ],
  },
  {
    name: "workloads unknown because neither interfaces nor instances were collected",
    input: isolated({ NetworkInterfaces: undefined, Reservations: undefined }),
    skipped: [{ ruleId: RULE, reason: "its workloads are unknown", resourceIds: [IDS.v6Subnet] }],
  },
  {
    name: "prefix list whose entries were not collected",
    input: withUnreadPrefixList([]),
    skipped: [
      {
        ruleId: RULE,
        reason: "a route uses a prefix list whose entries are not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "dual-stack endpoints without a DNS record type",
    input: isolated({
      VpcEndpoints: [
        endpointWithoutRecordType("ssm", "dualstack"),
        endpointWithoutRecordType("ssmmessages", "dualstack"),
      ],
    }),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "the DNS record types of the endpoints for ssm, ssmmessages are not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "endpoints of a VPC shared by another account",
    // A participant account cannot describe the endpoints of the VPC's owner.
    input: isolated({ Vpcs: [{ ...vpc(), OwnerId: "444455556666" }] }),
    skipped: [
      {
        ruleId: RULE,
        reason:
          "VPC vpc-0a11 belongs to account 444455556666, whose VPC endpoints account " +
          "111122223333 cannot describe",
        resourceIds: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "endpoints not collected",
    input: isolated({ VpcEndpoints: undefined }),
    skipped: [
      { ruleId: RULE, reason: "VpcEndpoints was not collected", resourceIds: [IDS.v6Subnet] },
    ],
  },
];

describe(RULE, () => {
  it("reports the known service beside an undecided one", () => {
    const input = isolated({
      VpcEndpoints: [endpointWithoutRecordType("ssm", "dualstack")],
    });
    const result = lintRule(RULE, input);
    expectFindings(result.findings, [needsIpv4Services("ssmmessages")]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "the DNS record types of the endpoints for ssm are not in the snapshot",
        resourceIds: [IDS.v6Subnet],
      },
    ]);
  });

  it.each(flagged)("flags $name", ({ input, findings, services }) => {
    const result = lintRule(RULE, input, { requiredServices: services ?? [] });
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
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
});
