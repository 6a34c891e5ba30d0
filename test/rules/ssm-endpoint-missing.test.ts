import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  CURRENT_AGENT,
  IDS,
  REGION,
  endpoint,
  eni,
  privateNat64,
  publicNat64,
  securityGroup,
  snapshot,
  subnet,
  vpc,
} from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, lintRules, ref } from "./harness.js";

const RULE = "ssm-endpoint-missing";

function missing(service: string): ExpectedFinding {
  return {
    ruleId: RULE,
    messageId: "missing",
    severity: "error",
    message:
      `VPC vpc-0a11 has no usable interface endpoint for ${service}, and IPv6-only subnets ` +
      "subnet-v6only have no working public NAT64 path to it, so Session Manager cannot reach " +
      "their instances.",
    resource: ref("vpc", "vpc-0a11"),
    evidence: [
      {
        resourceId: "vpc-0a11",
        attribute: "VpcEndpoints[ServiceName]",
        value: `no ${service} endpoint`,
      },
      { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: true },
    ],
    related: [IDS.v6Subnet],
    fix:
      `Create an interface endpoint for com.amazonaws.${REGION}.${service} with private DNS ` +
      "enabled in a subnet of each AZ, or route 64:ff9b::/96 from these subnets to a public " +
      "NAT gateway.",
  };
}

/** Adds to a design an IPv6-only subnet whose only workload is a Lambda function. */
function withLambdaSubnet(base: Partial<Snapshot>, extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    ...base,
    Subnets: [
      ...(base.Subnets ?? []),
      subnet({ id: "subnet-lambda", kind: "ipv6-only", dns64: true, block: 2 }),
    ],
    NetworkInterfaces: [
      ...(base.NetworkInterfaces ?? []),
      eni({ id: "eni-lambda", subnet: "subnet-lambda", type: "lambda" }),
    ],
    ...extra,
  });
}

const privateDnsOff: ExpectedFinding = {
  ruleId: RULE,
  messageId: "privateDnsOff",
  severity: "error",
  message:
    "VPC vpc-0a11 has interface endpoint vpce-ssmmessages for ssmmessages, but its private DNS " +
    "is off, so clients resolve the service's public IPv4 name, and IPv6-only subnets " +
    "subnet-v6only have no working public NAT64 path to it: Session Manager cannot reach their " +
    "instances.",
  resource: ref("vpc", "vpc-0a11"),
  evidence: [
    { resourceId: "vpce-ssmmessages", attribute: "PrivateDnsEnabled", value: false },
    { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: true },
  ],
  related: ["vpce-ssmmessages", IDS.v6Subnet],
  fix:
    "Turn private DNS on: aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-ssmmessages " +
    "--private-dns-enabled (CloudFormation PrivateDnsEnabled, Terraform private_dns_enabled).",
};

/** Builds the finding for a subnet whose public path breaks first at a link `causes` reports. */
function pathBroken(service: string, causes: string): ExpectedFinding {
  return {
    ...missing(service),
    messageId: "pathBroken",
    message:
      `VPC vpc-0a11 has no usable interface endpoint for ${service}, and the paths of IPv6-only ` +
      `subnets subnet-v6only to its public name break, first at links that ${causes} reports, ` +
      "so Session Manager cannot reach their instances.",
    fix:
      `Fix the ${causes} findings and lint again, since a path is traced up to its first broken ` +
      `link; or create an interface endpoint for com.amazonaws.${REGION}.${service} with ` +
      "private DNS enabled in a subnet of each AZ.",
  };
}

const ec2messagesOptional: ExpectedFinding = {
  ruleId: RULE,
  messageId: "ec2messagesOptional",
  severity: "info",
  message:
    "VPC vpc-0a11 has no ec2messages endpoint; every SSM Agent in IPv6-only subnets " +
    "subnet-v6only is 3.3.40.0 or later and uses ssmmessages, so it is optional.",
  resource: ref("vpc", "vpc-0a11"),
  evidence: [
    {
      resourceId: "vpc-0a11",
      attribute: "VpcEndpoints[ServiceName]",
      value: "no ec2messages endpoint",
    },
    { resourceId: IDS.v6Subnet, attribute: "EnableDns64", value: true },
  ],
  related: [IDS.v6Subnet],
};

/** Builds the private NAT design with the given endpoints in place of the design's own. */
function privateWith(endpoints: ReturnType<typeof endpoint>[], agents = [CURRENT_AGENT]): Snapshot {
  return snapshot({ ...privateNat64({ agentVersions: agents }), VpcEndpoints: endpoints });
}

/** A case the rule flags; `withRules` names the other rules the lint runs beside it. */
const flagged: {
  name: string;
  input: Snapshot;
  findings: ExpectedFinding[];
  withRules?: string[];
}[] = [
  {
    name: "private NAT design without an ssmmessages endpoint",
    input: snapshot(privateNat64({ endpoints: ["ssm", "ec2messages"] })),
    findings: [missing("ssmmessages")],
  },
  {
    name: "private NAT design without endpoints and current agents",
    input: snapshot(privateNat64({ endpoints: [] })),
    findings: [missing("ssm"), missing("ssmmessages"), ec2messagesOptional],
  },
  {
    name: "private NAT design without endpoints and an agent before 3.3.40.0",
    input: snapshot(privateNat64({ agentVersions: [CURRENT_AGENT, "3.2.582.0"] })),
    findings: [missing("ssm"), missing("ssmmessages"), missing("ec2messages")],
  },
  {
    name: "agent 3.3.9.0, which sorts after 3.3.40.0 as text but is older",
    input: snapshot(
      privateNat64({ endpoints: ["ssm", "ssmmessages"], agentVersions: ["3.3.9.0"] }),
    ),
    findings: [missing("ec2messages")],
  },
  {
    name: "agent 3.3.100.0, which sorts before 3.3.40.0 as text but is newer",
    input: snapshot(
      privateNat64({ endpoints: ["ssm", "ssmmessages"], agentVersions: ["3.3.100.0"] }),
    ),
    findings: [ec2messagesOptional],
  },
  {
    name: "instance whose agent version is unknown",
    input: snapshot(
      privateNat64({
        endpoints: ["ssm", "ssmmessages"],
        agentVersions: [CURRENT_AGENT, undefined],
      }),
    ),
    findings: [missing("ec2messages")],
  },
  {
    name: "agent versions not collected",
    input: snapshot({
      ...privateNat64({ endpoints: ["ssm", "ssmmessages"] }),
      InstanceInformationList: undefined,
    }),
    findings: [missing("ec2messages")],
  },
  {
    name: "ssmmessages endpoint with private DNS disabled",
    input: privateWith([
      endpoint({ id: "vpce-ssm", service: "ssm" }),
      endpoint({ id: "vpce-ssmmessages", service: "ssmmessages", privateDns: false }),
      endpoint({ id: "vpce-ec2messages", service: "ec2messages" }),
    ]),
    findings: [privateDnsOff],
  },
  {
    name: "deleted ssm endpoint",
    input: privateWith([
      endpoint({ id: "vpce-ssm", service: "ssm", state: "Deleted" }),
      endpoint({ id: "vpce-ssmmessages", service: "ssmmessages" }),
      endpoint({ id: "vpce-ec2messages", service: "ec2messages" }),
    ]),
    findings: [missing("ssm")],
  },
  {
    name: "public NAT64 design whose NAT gateway is pending",
    input: snapshot(publicNat64({ natState: "pending", endpoints: ["ssm", "ec2messages"] })),
    findings: [pathBroken("ssmmessages", "nat64-route-blackhole")],
    withRules: ["nat64-route-blackhole"],
  },
  {
    name: "pending NAT gateway whose rule the config turns off",
    input: snapshot(publicNat64({ natState: "pending", endpoints: ["ssm", "ec2messages"] })),
    findings: [missing("ssmmessages")],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  {
    name: "private NAT design with all three endpoints",
    input: snapshot(privateNat64({ endpoints: ["ssm", "ssmmessages", "ec2messages"] })),
  },
  {
    name: "endpoints whose enum values are written in other cases",
    input: privateWith([
      endpoint({ id: "vpce-ssm", service: "ssm", state: "Available", type: "interface" }),
      endpoint({ id: "vpce-ssmmessages", service: "ssmmessages", state: "AVAILABLE" }),
      endpoint({ id: "vpce-ec2messages", service: "ec2messages", ipAddressType: "IPV4" }),
    ]),
  },
  {
    name: "public NAT64 design without endpoints",
    input: snapshot(publicNat64()),
  },
  {
    name: "IPv6-only subnet with only AWS-managed interfaces",
    input: snapshot({
      ...privateNat64({ endpoints: [], agentVersions: [] }),
      NetworkInterfaces: [eni({ id: "eni-endpoint", subnet: IDS.v6Subnet, type: "vpc_endpoint" })],
    }),
  },
  {
    name: "no ec2messages endpoint for subnets without instances",
    input: snapshot({
      ...privateNat64({ endpoints: ["ssm", "ssmmessages"], agentVersions: [] }),
      NetworkInterfaces: [eni({ id: "eni-lambda", subnet: IDS.v6Subnet, type: "lambda" })],
    }),
  },
  {
    name: "dual-stack workload subnets only",
    input: snapshot({
      Subnets: [subnet({ id: "subnet-app", kind: "dual-stack", dns64: true })],
      NetworkInterfaces: [eni({ id: "eni-app", subnet: "subnet-app" })],
    }),
  },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings, withRules = [] }) => {
    const result = lintRules([RULE, ...withRules], input);
    const own = result.findings.filter((finding) => finding.ruleId === RULE);
    expectFindings(own, findings, { anyOrder: true });
    expect(result.skipped).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("orders the findings of one VPC by severity", () => {
    const result = lintRule(RULE, snapshot(privateNat64({ endpoints: [] })));
    expect(result.findings.map((finding) => finding.severity)).toEqual(["error", "error", "info"]);
  });

  /** Returns the private design without endpoints whose IPv6-only subnet lacks EnableDns64. */
  function withoutDns64(): Snapshot {
    const input = snapshot(privateNat64({ endpoints: [] }));
    delete input.Subnets?.[1]?.EnableDns64;
    return input;
  }

  it.each([
    {
      name: "a subnet whose EnableDns64 is unknown",
      input: withoutDns64(),
      reason: "EnableDns64 is not in the snapshot",
    },
    {
      name: "an endpoint without PrivateDnsEnabled",
      input: privateWith([
        endpoint({ id: "vpce-ssm", service: "ssm", omit: ["PrivateDnsEnabled"] }),
        endpoint({ id: "vpce-ssmmessages", service: "ssmmessages" }),
        endpoint({ id: "vpce-ec2messages", service: "ec2messages" }),
      ]),
      reason:
        "whether private DNS of vpce-ssm is on is unknown because its PrivateDnsEnabled is " +
        "not in the snapshot",
    },
  ])("skips $name", ({ input, reason }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([{ ruleId: RULE, reason, resourceIds: [IDS.v6Subnet] }]);
  });

  /** Returns the private design whose IPv6-only subnet hosts one interface of this type alone. */
  function withoutInstances(type: string): Snapshot {
    const base = privateNat64({ endpoints: [] });
    return snapshot({
      ...base,
      NetworkInterfaces: [
        ...(base.NetworkInterfaces ?? []).filter((item) => item.SubnetId !== IDS.v6Subnet),
        eni({ id: "eni-workload", subnet: IDS.v6Subnet, type }),
      ],
      Reservations: [],
      InstanceInformationList: [],
    });
  }

  it("warns for subnets that host no instances", () => {
    // An interface of no instance, such as an ECS task's, whose ECS Exec uses ssmmessages.
    const findings = lintRule(RULE, withoutInstances("interface")).findings;

    expect(findings.map((item) => `${item.data.service} ${item.messageId}`).sort()).toEqual([
      "ssm noInstances",
      "ssmmessages noInstances",
    ]);
    expect(findings.map((item) => item.severity)).toEqual(["warning", "warning"]);
    expect(findings.find((item) => item.data.service === "ssm")?.message).toBe(
      "VPC vpc-0a11 has no usable interface endpoint for ssm, and IPv6-only subnets " +
        "subnet-v6only, which host no instances, have no working path to it. Session Manager " +
        "needs none there, but their other workloads, such as Lambda functions or ECS tasks, " +
        "cannot call ssm.",
    );
  });

  it("warns Lambda-only subnets about ssm alone", () => {
    const findings = lintRule(RULE, withoutInstances("lambda")).findings;

    expect(findings.map((item) => `${item.data.service} ${item.messageId}`)).toEqual([
      "ssm noInstances",
    ]);
  });

  it("judges a Lambda-only subnet by the function's own egress", () => {
    const base = publicNat64();
    const blocked = { ...securityGroup("sg-lambda"), IpPermissionsEgress: [] };
    const input = (group: ReturnType<typeof securityGroup>) =>
      snapshot({
        ...base,
        SecurityGroups: [...(base.SecurityGroups ?? []), group],
        NetworkInterfaces: [
          ...(base.NetworkInterfaces ?? []).filter((item) => item.SubnetId !== IDS.v6Subnet),
          eni({ id: "eni-lambda", subnet: IDS.v6Subnet, type: "lambda", groupId: "sg-lambda" }),
        ],
        Reservations: [],
        InstanceInformationList: [],
      });
    const findingsOf = (group: ReturnType<typeof securityGroup>) =>
      lintRule(RULE, input(group)).findings.map((item) => `${item.data.service} ${item.messageId}`);

    expect(findingsOf(securityGroup("sg-lambda"))).toEqual([]);
    expect(findingsOf(blocked)).toEqual(["ssm noInstances"]);
  });

  it("leaves the public NAT gateway out of a private-only VPC's fix", () => {
    const findings = lintRule(
      RULE,
      withLambdaSubnet(privateNat64({ endpoints: ["ssmmessages", "ec2messages"] }), {
        Vpcs: [{ ...vpc(), Tags: [{ Key: "vpc-lint:private-only", Value: "true" }] }],
      }),
    ).findings;
    const named = findings.map(
      (item) => `${item.data.service} ${item.messageId} ${item.data.subnetIds}`,
    );

    expect(named.sort()).toEqual([
      "ssm missingPrivateOnly subnet-v6only",
      "ssm noInstancesPrivateOnly subnet-lambda",
    ]);
    const missingFix = findings.find((item) => item.messageId === "missingPrivateOnly")?.fix;
    expect(missingFix).toBe(
      `Create an interface endpoint for com.amazonaws.${REGION}.ssm with private DNS enabled ` +
        "in a subnet of each AZ.",
    );
    const noInstancesFix = findings.find(
      (item) => item.messageId === "noInstancesPrivateOnly",
    )?.fix;
    expect(noInstancesFix).not.toContain("NAT gateway");
    expect(findings.map((item) => item.severity).sort()).toEqual(["error", "warning"]);
  });

  it("names subnets with and without instances apart", () => {
    const input = withLambdaSubnet(privateNat64({ endpoints: ["ec2messages"] }));
    const findings = lintRule(RULE, input).findings;
    const named = findings.map(
      (item) => `${item.data.service} ${item.messageId} ${item.data.subnetIds}`,
    );

    expect(named.sort()).toEqual([
      "ssm missing subnet-v6only",
      "ssm noInstances subnet-lambda",
      "ssmmessages missing subnet-v6only",
    ]);
  });

  it("judges workloads by instances when interfaces were not collected", () => {
    const input = snapshot({
      ...privateNat64({ endpoints: ["ssm", "ec2messages"] }),
      NetworkInterfaces: undefined,
    });
    expectFindings(lintRule(RULE, input).findings, [missing("ssmmessages")]);
  });

  it("is skipped when neither interfaces nor instances were collected", () => {
    const input = snapshot({
      ...privateNat64(),
      NetworkInterfaces: undefined,
      Reservations: undefined,
    });
    expect(lintRule(RULE, input).skipped).toEqual([
      {
        ruleId: RULE,
        reason: "neither NetworkInterfaces nor Reservations was collected",
      },
    ]);
  });
});
