import { describe, expect, it } from "vitest";
import type { HostedZoneAssociation, Snapshot } from "../../src/snapshot/types.js";
import { REGION, VPC_ID, endpoint, snapshot } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "endpoint-private-dns-disabled";
const SSM = `com.amazonaws.${REGION}.ssm`;
/** An endpoint service of another account, which AWS names under com.amazonaws.vpce. */
const PARTNER = `com.amazonaws.vpce.${REGION}.vpce-svc-0a1b2c3d4e5f60001`;

/** Builds a private hosted zone for a domain, associated with the endpoints' VPC or another. */
function hostedZone(name: string, vpcId = VPC_ID): HostedZoneAssociation {
  return { HostedZoneId: "Z0HUB", Name: `${name}.`, VpcId: vpcId };
}

function withEndpoints(...endpoints: ReturnType<typeof endpoint>[]): Snapshot {
  return snapshot({ VpcEndpoints: endpoints });
}

const disabled: ExpectedFinding = {
  ruleId: RULE,
  messageId: "disabled",
  severity: "warning",
  message:
    `Interface endpoint vpce-ssm for ${SSM} has PrivateDnsEnabled false, so clients that use ` +
    "the service's default name reach its public addresses instead.",
  resource: ref("vpc-endpoint", "vpce-ssm", { name: "ssm" }),
  evidence: [{ resourceId: "vpce-ssm", attribute: "PrivateDnsEnabled", value: false }],
  related: ["vpc-0a11"],
  fix:
    "Turn private DNS on: aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-ssm " +
    "--private-dns-enabled (CloudFormation PrivateDnsEnabled, Terraform private_dns_enabled).",
};

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "ssm interface endpoint without private DNS",
    input: withEndpoints(
      endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false, name: "ssm" }),
    ),
    findings: [disabled],
  },
  {
    name: "endpoint beside a deleted one with private DNS",
    input: withEndpoints(
      endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false, name: "ssm" }),
      endpoint({ id: "vpce-old", service: "ssm", state: "deleted" }),
    ),
    findings: [disabled],
  },
  {
    name: "endpoint whose service publishes a private DNS name",
    input: {
      ...withEndpoints(
        endpoint({
          id: "vpce-ssm",
          service: "ssm",
          privateDns: false,
          name: "ssm",
          type: "interface",
        }),
      ),
      ServiceDetails: [{ ServiceName: SSM, PrivateDnsName: `ssm.${REGION}.amazonaws.com` }],
    },
    findings: [disabled],
  },
  {
    name: "endpoint whose private hosted zone is another VPC's",
    input: {
      ...withEndpoints(
        endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false, name: "ssm" }),
      ),
      HostedZones: [hostedZone(`ssm.${REGION}.amazonaws.com`, "vpc-spoke")],
    },
    findings: [disabled],
  },
  {
    name: "endpoint whose VPC has a private hosted zone for another service",
    input: {
      ...withEndpoints(
        endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false, name: "ssm" }),
      ),
      HostedZones: [hostedZone(`ssmmessages.${REGION}.amazonaws.com`)],
    },
    findings: [disabled],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  {
    name: "second endpoint beside one with private DNS",
    input: withEndpoints(
      endpoint({ id: "vpce-ssm", service: "ssm", name: "ssm" }),
      endpoint({ id: "vpce-ssm-2", service: "ssm", privateDns: false }),
    ),
  },
  {
    name: "interface endpoint with private DNS",
    input: withEndpoints(endpoint({ id: "vpce-ssm", service: "ssm" })),
  },
  {
    name: "gateway endpoint, which has no private DNS",
    input: withEndpoints(
      endpoint({ id: "vpce-s3", service: "s3", type: "Gateway", privateDns: false }),
    ),
  },
  {
    name: "endpoint to another account's endpoint service",
    input: withEndpoints(endpoint({ id: "vpce-partner", service: PARTNER, privateDns: false })),
  },
  {
    name: "deleted endpoint without private DNS",
    input: withEndpoints(
      endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false, state: "deleted" }),
    ),
  },
  {
    // A hub VPC shares its endpoints through a private hosted zone for the service's name.
    name: "endpoint whose VPC has a private hosted zone for the service",
    input: {
      ...withEndpoints(endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false })),
      HostedZones: [hostedZone(`ssm.${REGION}.amazonaws.com`)],
    },
  },
  {
    name: "service that publishes no private DNS name",
    input: {
      ...withEndpoints(endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false })),
      ServiceDetails: [{ ServiceName: SSM }],
    },
  },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("skips an interface endpoint without PrivateDnsEnabled", () => {
    const input = withEndpoints(
      endpoint({ id: "vpce-ssm", service: "ssm", omit: ["PrivateDnsEnabled"] }),
    );
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "PrivateDnsEnabled is not in the snapshot",
        resourceIds: ["vpce-ssm"],
      },
    ]);
  });
});
