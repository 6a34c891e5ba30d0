import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  CURRENT_AGENT,
  IDS,
  agent,
  defaultNetworkAcl,
  endpoint,
  eni,
  instance,
  networkAcl,
  privateNat64,
  publicNat64,
  reservations,
  snapshot,
  subnet,
} from "../builder.js";
import {
  type ExpectedFinding,
  type FlaggedCase,
  expectFindings,
  lintRule,
  ref,
} from "./harness.js";

const RULE = "nacl-blocks-nat64";
const ACL = "acl-v6only";
/** The IPv6 prefix of the endpoints' subnet, as the findings print it. */
const ENDPOINT_BLOCK = "2001:db8:1a:0::/64";

type Workload = "linux" | "windows" | "lambda";

/**
 * Builds an IPv6-only subnet whose workloads reach dual-stack ssm and ssmmessages endpoints over
 * IPv6. The subnet's own ACL allows all outbound traffic and, inbound, TCP on `replyPorts` from
 * the endpoints' subnet, or nothing when `replyPorts` is undefined.
 */
function design(workloads: Workload[], replyPorts?: [number, number]): Snapshot {
  const base = privateNat64({ endpoints: ["ssm", "ssmmessages"] });
  const instances = workloads.flatMap((workload, position) =>
    workload === "lambda"
      ? []
      : [
          instance({
            id: `i-app${position + 1}`,
            subnet: IDS.v6Subnet,
            ...(workload === "windows" && { platform: "windows" as const }),
          }),
        ],
  );
  const interfaces = workloads.map((workload, position) =>
    workload === "lambda"
      ? eni({ id: `eni-lambda${position + 1}`, subnet: IDS.v6Subnet, type: "lambda" })
      : eni({
          id: `eni-i-app${position + 1}`,
          subnet: IDS.v6Subnet,
          instanceId: `i-app${position + 1}`,
        }),
  );
  const inbound = replyPorts
    ? [
        {
          RuleNumber: 100,
          Protocol: "6",
          RuleAction: "allow",
          Egress: false,
          Ipv6CidrBlock: ENDPOINT_BLOCK,
          PortRange: { From: replyPorts[0], To: replyPorts[1] },
        },
      ]
    : [];
  const outbound = {
    RuleNumber: 100,
    Protocol: "-1",
    RuleAction: "allow",
    Egress: true,
    Ipv6CidrBlock: "::/0",
  };
  return snapshot({
    ...base,
    VpcEndpoints: ["ssm", "ssmmessages"].map((service) =>
      endpoint({
        id: `vpce-${service}`,
        service,
        subnets: [IDS.natSubnet],
        ipAddressType: "dualstack",
        dnsRecordIpType: "dualstack",
      }),
    ),
    NetworkAcls: [
      defaultNetworkAcl([IDS.natSubnet]),
      networkAcl(ACL, [IDS.v6Subnet], [...inbound, outbound]),
    ],
    NetworkInterfaces: [
      ...(base.NetworkInterfaces ?? []).filter((item) => item.SubnetId !== IDS.v6Subnet),
      ...interfaces,
    ],
    Reservations: reservations(...instances),
    // Current agents leave ec2messages, whose path would take NAT64, out of the required services.
    InstanceInformationList: instances.map((item) => agent(item.InstanceId!, CURRENT_AGENT)),
  });
}

const aclEvidence = (ruleNumber: number) => [
  { resourceId: ACL, attribute: "Entries.RuleNumber", value: String(ruleNumber) },
  { resourceId: ACL, attribute: "Associations.SubnetId", value: IDS.v6Subnet },
];
const windowsEvidence = (instanceId: string) => ({
  resourceId: instanceId,
  attribute: "Platform",
  value: "windows",
});

const lambdaEvidence = (interfaceId: string) => ({
  resourceId: interfaceId,
  attribute: "InterfaceType",
  value: "lambda",
});

/**
 * Returns the warning for the replies of `clients`, whose ephemeral ports are `range`, that the
 * subnet's ACL drops on `ports`, with the evidence of the platform.
 */
function portsDenied(
  clients: string,
  range: string,
  ports: string,
  platform: { resourceId: string; attribute: string; value: string },
): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "deniesSomePorts",
    severity: "warning",
    message:
      `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to ${clients} ` +
      `(TCP ports ${ports} of ${range} from ${ENDPOINT_BLOCK}) by rule 32768, so ` +
      `connections from ${IDS.v6Subnet} to ssm, ssmmessages whose ephemeral port is in ` +
      `ports ${ports} are dropped.`,
    resource: ref("network-acl", ACL),
    evidence: [...aclEvidence(32768), platform],
    related: [IDS.v6Subnet],
    fix:
      `Add a rule numbered below 32768 to ${ACL} that allows the inbound reply to ${clients}: ` +
      `TCP ports ${range} from ${ENDPOINT_BLOCK}.`,
  };
}

/** Returns the warning for the Windows replies on `ports` that the subnet's ACL drops. */
function windowsPortsDenied(instanceId: string, ports: string): ExpectedFinding {
  return portsDenied("Windows instances", "49152-65535", ports, windowsEvidence(instanceId));
}

/** Returns the warning for the Lambda replies outside 32768-61000 that the subnet's ACL drops. */
function lambdaPortsDenied(interfaceId: string): ExpectedFinding {
  const ports = "1024-32767, 61001-65535";
  return portsDenied("Lambda functions", "1024-65535", ports, lambdaEvidence(interfaceId));
}

/**
 * Lambda functions run no SSM Agent, so a subnet with no instance requires Session Manager's
 * services only when the settings name them, as these do for functions that call them.
 */
const SESSION_MANAGER = ["ssm", "ssmmessages"];

const flagged: FlaggedCase[] = [
  {
    name: "Windows replies allowed only on the Linux range",
    input: design(["windows", "windows"], [32768, 61000]),
    findings: [windowsPortsDenied("i-app1", "61001-65535")],
  },
  {
    name: "mixed subnet with replies allowed only on the Linux range",
    input: design(["linux", "windows"], [32768, 61000]),
    findings: [windowsPortsDenied("i-app2", "61001-65535")],
  },
  {
    name: "mixed subnet with replies allowed only on the Windows range",
    input: design(["windows", "linux"], [49152, 65535]),
    findings: [
      {
        ruleId: RULE,
        messageId: "deniesSomePorts",
        severity: "warning",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Linux and other ` +
          `workloads (TCP ports 32768-49151 of 32768-60999 from ${ENDPOINT_BLOCK}) by rule ` +
          `32768, so connections from ${IDS.v6Subnet} to ssm, ssmmessages whose ephemeral port ` +
          "is in ports 32768-49151 are dropped.",
        resource: ref("network-acl", ACL),
        evidence: aclEvidence(32768),
        related: [IDS.v6Subnet],
        fix:
          `Add a rule numbered below 32768 to ${ACL} that allows the inbound reply to Linux and ` +
          `other workloads: TCP ports 32768-60999 from ${ENDPOINT_BLOCK}.`,
      },
    ],
  },
  {
    name: "mixed subnet whose ACL admits no Windows reply port",
    input: design(["linux", "windows"], [32768, 48000]),
    findings: [
      {
        ruleId: RULE,
        messageId: "deniesSomeClients",
        severity: "error",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Windows instances ` +
          `(TCP ports 49152-65535 from ${ENDPOINT_BLOCK}) by rule 32768, so Windows instances ` +
          `in ${IDS.v6Subnet} cannot reach ssm, ssmmessages.`,
        resource: ref("network-acl", ACL),
        evidence: [...aclEvidence(32768), windowsEvidence("i-app2")],
        related: [IDS.v6Subnet],
        fix:
          `Add a rule numbered below 32768 to ${ACL} that allows the inbound reply to Windows ` +
          `instances: TCP ports 49152-65535 from ${ENDPOINT_BLOCK}.`,
      },
      {
        ruleId: RULE,
        messageId: "deniesSomePorts",
        severity: "warning",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Linux and other ` +
          `workloads (TCP ports 48001-60999 of 32768-60999 from ${ENDPOINT_BLOCK}) by rule ` +
          `32768, so connections from ${IDS.v6Subnet} to ssm, ssmmessages whose ephemeral port ` +
          "is in ports 48001-60999 are dropped.",
        resource: ref("network-acl", ACL),
        evidence: aclEvidence(32768),
        related: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "mixed subnet whose ACL admits no Linux reply port",
    input: design(["windows", "linux"], [61001, 65535]),
    findings: [
      {
        ruleId: RULE,
        messageId: "deniesSomeClients",
        severity: "error",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Linux and other ` +
          `workloads (TCP ports 32768-60999 from ${ENDPOINT_BLOCK}) by rule 32768, so Linux and ` +
          `other workloads in ${IDS.v6Subnet} cannot reach ssm, ssmmessages.`,
        resource: ref("network-acl", ACL),
        evidence: aclEvidence(32768),
        related: [IDS.v6Subnet],
      },
      windowsPortsDenied("i-app1", "49152-61000"),
    ],
  },
  {
    name: "Windows subnet whose ACL admits no reply port",
    input: design(["windows", "windows"]),
    findings: [
      {
        ruleId: RULE,
        messageId: "denies",
        severity: "error",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Windows instances ` +
          `(TCP ports 49152-65535 from ${ENDPOINT_BLOCK}) by rule 32768, so ssm, ssmmessages ` +
          `cannot be reached from ${IDS.v6Subnet}.`,
        resource: ref("network-acl", ACL),
        evidence: [...aclEvidence(32768), windowsEvidence("i-app1")],
        related: [IDS.v6Subnet],
        fix:
          `Add a rule numbered below 32768 to ${ACL} that allows the inbound reply to Windows ` +
          `instances: TCP ports 49152-65535 from ${ENDPOINT_BLOCK}.`,
      },
    ],
  },
  {
    name: "Linux subnet whose ACL admits no reply port",
    input: design(["linux"]),
    findings: [
      {
        ruleId: RULE,
        messageId: "denies",
        severity: "error",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply (TCP ports ` +
          `32768-60999 from ${ENDPOINT_BLOCK}) by rule 32768, so ssm, ssmmessages cannot be ` +
          `reached from ${IDS.v6Subnet}.`,
        resource: ref("network-acl", ACL),
        evidence: aclEvidence(32768),
        related: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "Lambda subnet with replies allowed only on the Linux range",
    input: design(["lambda"], [32768, 61000]),
    services: SESSION_MANAGER,
    findings: [lambdaPortsDenied("eni-lambda1")],
  },
  {
    name: "Linux and Lambda subnet with the Linux range and services named",
    input: design(["linux", "lambda"], [32768, 61000]),
    services: SESSION_MANAGER,
    findings: [lambdaPortsDenied("eni-lambda2")],
  },
  {
    name: "Lambda subnet whose ACL admits no reply port",
    input: design(["lambda"]),
    services: SESSION_MANAGER,
    findings: [
      {
        ruleId: RULE,
        messageId: "denies",
        severity: "error",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply to Lambda functions ` +
          `(TCP ports 1024-65535 from ${ENDPOINT_BLOCK}) by rule 32768, so ssm, ssmmessages ` +
          `cannot be reached from ${IDS.v6Subnet}.`,
        resource: ref("network-acl", ACL),
        evidence: [...aclEvidence(32768), lambdaEvidence("eni-lambda1")],
        related: [IDS.v6Subnet],
      },
    ],
  },
  {
    name: "Linux subnet whose ACL admits part of the Linux range",
    input: design(["linux"], [40000, 61000]),
    findings: [
      {
        ruleId: RULE,
        messageId: "deniesSomePorts",
        severity: "warning",
        message:
          `Network ACL ${ACL} of ${IDS.v6Subnet} denies the inbound reply (TCP ports ` +
          `32768-39999 of 32768-60999 from ${ENDPOINT_BLOCK}) by rule 32768, so connections ` +
          `from ${IDS.v6Subnet} to ssm, ssmmessages whose ephemeral port is in ports ` +
          "32768-39999 are dropped.",
        resource: ref("network-acl", ACL),
        evidence: aclEvidence(32768),
        related: [IDS.v6Subnet],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot; services?: string[] }[] = [
  { name: "Windows subnet with replies on 1024-65535", input: design(["windows"], [1024, 65535]) },
  {
    name: "Windows subnet with replies on 49152-65535",
    input: design(["windows", "windows"], [49152, 65535]),
  },
  { name: "Linux subnet with replies on 32768-61000", input: design(["linux"], [32768, 61000]) },
  // The kernel's default ip_local_port_range ends at 60999.
  { name: "Linux subnet with replies on 32768-60999", input: design(["linux"], [32768, 60999]) },
  {
    name: "Lambda subnet with replies on 1024-65535",
    input: design(["lambda"], [1024, 65535]),
    services: SESSION_MANAGER,
  },
  { name: "Lambda subnet that requires no service", input: design(["lambda"]) },
  // Session Manager reaches the instance alone, so the Lambda function's ports do not count.
  {
    name: "Linux and Lambda subnet with replies on 32768-61000",
    input: design(["linux", "lambda"], [32768, 61000]),
  },
  {
    name: "Linux and Windows subnet with replies on 32768-65535",
    input: design(["linux", "windows"], [32768, 65535]),
  },
  {
    name: "mixed subnet with Lambda and replies on 1024-65535",
    input: design(["linux", "windows", "lambda"], [1024, 65535]),
  },
];

const SECOND_ENDPOINT_SUBNET = "subnet-endpoints-b";

/**
 * Builds the private NAT design with ssm and ssmmessages endpoints in the NAT gateway's subnet and
 * in a second subnet, whose own ACL denies inbound traffic from the NAT gateway's subnet.
 */
function endpointsInTwoSubnets(): Snapshot {
  const base = privateNat64({ endpoints: ["ssm", "ssmmessages"] });
  return snapshot({
    ...base,
    Subnets: [
      ...(base.Subnets ?? []),
      subnet({ id: SECOND_ENDPOINT_SUBNET, kind: "dual-stack", block: 5 }),
    ],
    VpcEndpoints: ["ssm", "ssmmessages"].map((service) =>
      endpoint({
        id: `vpce-${service}`,
        service,
        subnets: [IDS.natSubnet, SECOND_ENDPOINT_SUBNET],
      }),
    ),
    NetworkAcls: [
      defaultNetworkAcl([IDS.natSubnet, IDS.v6Subnet]),
      networkAcl(
        "acl-endpoints-b",
        [SECOND_ENDPOINT_SUBNET],
        [
          {
            RuleNumber: 50,
            Protocol: "-1",
            RuleAction: "deny",
            Egress: false,
            CidrBlock: "10.0.0.0/24",
          },
          {
            RuleNumber: 100,
            Protocol: "-1",
            RuleAction: "allow",
            Egress: false,
            CidrBlock: "0.0.0.0/0",
          },
          {
            RuleNumber: 100,
            Protocol: "-1",
            RuleAction: "allow",
            Egress: true,
            CidrBlock: "0.0.0.0/0",
          },
        ],
      ),
    ],
  });
}

/**
 * Builds the IPv6 design of `design` with the dual-stack endpoints in a second subnet too, whose
 * own ACL denies all inbound IPv6 traffic.
 */
function dualStackEndpointsInTwoSubnets(): Snapshot {
  const base = design(["linux"], [32768, 61000]);
  const second = subnet({ id: SECOND_ENDPOINT_SUBNET, kind: "dual-stack", block: 5 });
  const allow = { Protocol: "-1", RuleAction: "allow", CidrBlock: "0.0.0.0/0" };
  return snapshot({
    ...base,
    Subnets: [...(base.Subnets ?? []), second],
    VpcEndpoints: (base.VpcEndpoints ?? []).map((item) => ({
      ...item,
      SubnetIds: [IDS.natSubnet, SECOND_ENDPOINT_SUBNET],
    })),
    NetworkAcls: [
      ...(base.NetworkAcls ?? []),
      networkAcl(
        "acl-endpoints-b",
        [SECOND_ENDPOINT_SUBNET],
        [
          {
            RuleNumber: 50,
            Protocol: "-1",
            RuleAction: "deny",
            Egress: false,
            Ipv6CidrBlock: "::/0",
          },
          { RuleNumber: 100, Egress: false, ...allow },
          { RuleNumber: 100, Egress: true, ...allow },
          {
            RuleNumber: 101,
            Protocol: "-1",
            RuleAction: "allow",
            Egress: true,
            Ipv6CidrBlock: "::/0",
          },
        ],
      ),
    ],
  });
}

/**
 * Builds the public NAT64 design whose IPv6-only subnet's ACL allows outbound traffic to the
 * first `halves` of the two /97 halves of 64:ff9b::/96, and all inbound IPv6 traffic.
 */
function nat64PrefixInHalves(halves: 1 | 2): Snapshot {
  const ranges = ["64:ff9b::/97", "64:ff9b::8000:0/97"].slice(0, halves);
  const outbound = ranges.map((range, position) => ({
    RuleNumber: 100 + 10 * position,
    Protocol: "-1",
    RuleAction: "allow",
    Egress: true,
    Ipv6CidrBlock: range,
  }));
  const inbound = {
    RuleNumber: 100,
    Protocol: "-1",
    RuleAction: "allow",
    Egress: false,
    Ipv6CidrBlock: "::/0",
  };
  return snapshot({
    ...publicNat64(),
    NetworkAcls: [
      defaultNetworkAcl([IDS.natSubnet]),
      networkAcl(ACL, [IDS.v6Subnet], [...outbound, inbound]),
    ],
  });
}

describe(RULE, () => {
  it("warns on block toward one endpoint subnet", () => {
    const findings = lintRule(RULE, endpointsInTwoSubnets()).findings;
    expect(findings.map((finding) => finding.severity)).toEqual(["warning"]);
    expect(findings.map((finding) => finding.messageId)).toEqual(["deniesSomeEndpointSubnets"]);
    expect(findings.map((finding) => finding.message)).toEqual([
      "Network ACL acl-endpoints-b of subnet-endpoints-b denies the inbound request (TCP port 443 " +
        "from 10.0.0.10) by rule 50, so connections from subnet-v6only to ssm, ssmmessages " +
        "through the endpoint network interfaces in subnet-endpoints-b are dropped, while those " +
        "through the interfaces in other subnets get through.",
    ]);
  });

  it("errs on block toward the only endpoint subnet", () => {
    const input = endpointsInTwoSubnets();
    for (const item of input.VpcEndpoints ?? []) item.SubnetIds = [SECOND_ENDPOINT_SUBNET];
    const findings = lintRule(RULE, input).findings;
    expect(findings.map((finding) => finding.severity)).toEqual(["error"]);
    expect(findings.map((finding) => finding.messageId)).toEqual(["denies"]);
  });

  it("warns on IPv6 block toward one endpoint subnet", () => {
    const input = dualStackEndpointsInTwoSubnets();
    const findings = lintRule(RULE, input).findings;

    expect(findings.map((finding) => finding.messageId)).toEqual(["deniesSomeEndpointSubnets"]);
    expect(findings.map((finding) => finding.severity)).toEqual(["warning"]);
    expect(findings[0]?.data.endpointSubnetId).toBe(SECOND_ENDPOINT_SUBNET);
  });

  it("errs on IPv6 block toward the only endpoint subnet", () => {
    const input = dualStackEndpointsInTwoSubnets();
    for (const item of input.VpcEndpoints ?? []) item.SubnetIds = [SECOND_ENDPOINT_SUBNET];
    const findings = lintRule(RULE, input).findings;

    expect(findings.map((finding) => finding.messageId)).toEqual(["denies"]);
    expect(findings.map((finding) => finding.severity)).toEqual(["error"]);
  });

  it.each(flagged)("flags $name", ({ input, findings, services }) => {
    expectFindings(lintRule(RULE, input, { requiredServices: services ?? [] }).findings, findings);
  });

  it.each(accepted)("accepts $name", ({ input, services }) => {
    const result = lintRule(RULE, input, { requiredServices: services ?? [] });
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("reports a partial deny of the request together with a blocked reply", () => {
    const input = design(["linux"]);
    const acl = input.NetworkAcls!.find((item) => item.NetworkAclId === ACL)!;
    acl.Entries = [
      {
        RuleNumber: 50,
        Protocol: "6",
        RuleAction: "deny",
        Egress: true,
        Ipv6CidrBlock: "2001:db8:1a::/65",
        PortRange: { From: 443, To: 443 },
      },
      ...(acl.Entries ?? []),
    ];

    const findings = lintRule(RULE, input).findings;

    expect(findings.map((item) => `${item.messageId} ${item.severity}`).sort()).toEqual([
      "denies error",
      "deniesPart warning",
    ]);
  });

  /**
   * Puts inbound TCP deny rules numbered from 50, each for a range and ports, before the rule
   * that admits the Linux replies from the endpoints' subnet.
   */
  function denyReplies(...rules: [string, number, number][]): Snapshot {
    const input = design(["linux"], [32768, 61000]);
    const acl = input.NetworkAcls!.find((item) => item.NetworkAclId === ACL)!;
    const entries = rules.map(([range, from, to], position) => ({
      RuleNumber: 50 + 10 * position,
      Protocol: "6",
      RuleAction: "deny" as const,
      Egress: false,
      Ipv6CidrBlock: range,
      PortRange: { From: from, To: to },
    }));
    acl.Entries = [...entries, ...(acl.Entries ?? [])];
    return input;
  }

  /** The halves of the endpoints' subnet. */
  const LOW_HALF = "2001:db8:1a::/65";
  const HIGH_HALF = "2001:db8:1a:0:8000::/65";

  // In the second case a rule numbered below both deny rules lets the replies through, so the
  // finding names the first.
  it.each([
    {
      name: "one rule denies",
      rules: [["::/0", 40000, 50000]] as [string, number, number][],
      expected: ["deniesSomePorts warning", "ports 40000-50000", ENDPOINT_BLOCK, "50"],
    },
    {
      name: "two halves deny",
      rules: [
        [LOW_HALF, 40000, 50000],
        [HIGH_HALF, 40000, 50000],
      ] as [string, number, number][],
      expected: ["deniesSomePorts warning", "ports 40000-50000", ENDPOINT_BLOCK, "50"],
    },
    {
      name: "halves deny apart",
      rules: [
        [LOW_HALF, 40000, 45000],
        [HIGH_HALF, 50000, 55000],
      ] as [string, number, number][],
      expected: ["deniesPart warning", "ports 40000-45000", ENDPOINT_BLOCK, "50", LOW_HALF],
    },
  ])("reports reply ports $name", ({ rules, expected }) => {
    const findings = lintRule(RULE, denyReplies(...rules)).findings;
    const [finding] = findings;

    expect(findings).toHaveLength(1);
    expect([
      `${finding?.messageId} ${finding?.severity}`,
      finding?.data.ports,
      finding?.data.peer,
      finding?.data.ruleNumber,
      ...(finding?.data.range ? [finding.data.range] : []),
    ]).toEqual(expected);
  });

  it("accepts the NAT64 prefix allowed in two halves", () => {
    const findings = lintRule(RULE, nat64PrefixInHalves(2)).findings;

    expect(findings).toEqual([]);
  });

  it("warns on the NAT64 half no rule allows", () => {
    const findings = lintRule(RULE, nat64PrefixInHalves(1)).findings;

    expect(findings.map((item) => `${item.messageId} ${item.severity}`)).toEqual([
      "deniesPart warning",
    ]);
    expect(findings[0]?.data.range).toBe("64:ff9b::8000:0/97");
    expect(findings[0]?.data.ruleNumber).toBe("32768");
    // The final rule cannot be changed, so the fix adds an allow rule for the denied half.
    expect(findings[0]?.fix).toBe(
      "Add a rule numbered below 32768 to acl-v6only that allows the outbound request: TCP port " +
        "443 to 64:ff9b::8000:0/97.",
    );
  });

  it("reads a Windows platform from PlatformDetails alone", () => {
    const input = design(["windows"], [32768, 61000]);
    const windows = input.Reservations![0]!.Instances![0]!;
    delete windows.Platform;
    windows.PlatformDetails = "Windows with SQL Server Standard";

    const [finding] = lintRule(RULE, input).findings;

    expect(finding?.messageId).toBe("deniesSomePorts");
    expect(finding?.data.ports).toBe("ports 61001-65535");
    expect(finding?.evidence).toContainEqual({
      resourceId: "i-app1",
      attribute: "PlatformDetails",
      value: "Windows with SQL Server Standard",
    });
  });

  it("counts interfaces of Windows instances elsewhere", () => {
    const input = design(["linux"], [32768, 61000]);
    const elsewhere = instance({ id: "i-other", subnet: IDS.natSubnet, platform: "windows" });
    input.Reservations!.push(...reservations(elsewhere));
    input.NetworkInterfaces!.push(
      eni({ id: "eni-i-other-2", subnet: IDS.v6Subnet, instanceId: "i-other" }),
    );

    const [finding] = lintRule(RULE, input).findings;

    expect(finding?.data.direction).toBe("inbound reply to Windows instances");
    expect(finding?.evidence).toContainEqual(windowsEvidence("i-other"));
  });

  it("reads platforms from Reservations without interfaces", () => {
    const input = design(["windows"], [32768, 61000]);
    delete input.NetworkInterfaces;

    const [finding] = lintRule(RULE, input).findings;

    expect(finding?.messageId).toBe("deniesSomePorts");
    expect(finding?.data.direction).toBe("inbound reply to Windows instances");
  });
});
