/**
 * Lints templates and plans of the two correct designs, each also broken at one link. Then it
 * gives them values that are unknown or mistyped. Such a value must give an input error or leave
 * the checks that read it skipped. It must never read as false, absent or a default.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Severity } from "../../src/engine/types.js";
import type { RunResult } from "../../src/run.js";
import { findingsOf, fixture, lintIac } from "./helpers.js";

const PUBLIC = "dualstack-public-nat64.json";
const PRIVATE = "private-nat64-minimal.yaml";
const PLAN = "plan-private-nat.json";

let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-unknown-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const ABOVE_INFO: readonly Severity[] = ["error", "warning"];

function serious(result: RunResult): string[] {
  return result.findings
    .filter((finding) => ABOVE_INFO.includes(finding.severity))
    .map((finding) => finding.ruleId);
}

function skippedRules(result: RunResult): string[] {
  return result.skipped.map((skip) => skip.ruleId);
}

/** Writes a copy of a fixture with one text replaced, and returns its path. */
async function templateWith(name: string, from: string, to: string): Promise<string> {
  const text = await readFile(fixture(name), "utf8");
  expect(text).toContain(from);
  const file = join(workspace, name);
  await writeFile(file, text.replace(from, to));
  return file;
}

async function parametersFile(values: Record<string, string>): Promise<string> {
  const file = join(workspace, "parameters.json");
  await writeFile(file, JSON.stringify(values));
  return file;
}

interface PlanResource {
  address: string;
  values: Record<string, unknown>;
}

interface PlanChange {
  address: string;
  change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
}

interface PlanConfiguration {
  address: string;
  expressions: Record<string, unknown>;
}

interface PlanJson {
  planned_values: { root_module: { resources: PlanResource[] } };
  resource_changes: PlanChange[];
  configuration: { root_module: { resources: PlanConfiguration[] } };
}

/**
 * Writes a copy of the private NAT plan in which an argument of one resource is known only after
 * apply, as the plan records it when the configuration sets it from a variable.
 */
async function planWithUnknown(address: string, argument: string): Promise<string> {
  const plan = JSON.parse(await readFile(fixture(PLAN), "utf8")) as PlanJson;
  const planned = plan.planned_values.root_module.resources.find(
    (item) => item.address === address,
  );
  const change = plan.resource_changes.find((item) => item.address === address);
  const configured = plan.configuration.root_module.resources.find(
    (item) => item.address === address.replace(/\[.*\]$/, ""),
  );
  if (!planned || !change || !configured) throw new Error(`no ${address} in ${PLAN}`);
  delete planned.values[argument];
  delete change.change.after[argument];
  change.change.after_unknown[argument] = true;
  configured.expressions[argument] = { references: [`var.${argument}`] };
  const file = join(workspace, PLAN);
  await writeFile(file, JSON.stringify(plan));
  return file;
}

describe("public NAT64 from a dual-stack subnet, JSON template", () => {
  it("lints with nothing at warning or above", async () => {
    const { result } = await lintIac({ template: fixture(PUBLIC) });

    expect(serious(result)).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it("flags DNS64 turned off by a parameter", async () => {
    const parameters = await parametersFile({ Dns64: "false" });
    const { result } = await lintIac({ template: fixture(PUBLIC), parameters });

    expect(findingsOf(result, "subnet-dns64-disabled")).toHaveLength(1);
  });

  it("flags the missing NAT64 route", async () => {
    const template = await templateWith(
      PUBLIC,
      '"DestinationIpv6CidrBlock": "64:ff9b::/96"',
      '"DestinationIpv6CidrBlock": "64:ff9b::/97"',
    );
    const { result } = await lintIac({ template });

    expect(findingsOf(result, "nat64-route-missing")).toHaveLength(1);
  });
});

describe("private NAT64 with Session Manager endpoints, YAML template", () => {
  it("lints with nothing at warning or above", async () => {
    const { result } = await lintIac({ template: fixture(PRIVATE) });

    expect(serious(result)).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it("flags private DNS turned off", async () => {
    const parameters = await parametersFile({ PrivateDns: "false" });
    const { result } = await lintIac({ template: fixture(PRIVATE), parameters });

    expect(findingsOf(result, "endpoint-private-dns-disabled")).toHaveLength(1);
    expect(findingsOf(result, "ssm-endpoint-missing")).toHaveLength(1);
  });

  it("flags an endpoint group that does not admit the NAT's address", async () => {
    const parameters = await parametersFile({ EndpointSource: "10.1.0.11/32" });
    const { result } = await lintIac({ template: fixture(PRIVATE), parameters });

    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toHaveLength(3);
  });
});

describe("CloudFormation values unknown before deployment", () => {
  it.each([
    [
      "ServiceName",
      "ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm\n",
      "ServiceName: !ImportValue svc\n",
    ],
    [
      "VpcEndpointType",
      "VpcEndpointType: Interface\n      PrivateDnsEnabled: !If",
      "VpcEndpointType: !ImportValue t\n      PrivateDnsEnabled: !If",
    ],
  ])("skip the endpoint checks for an unknown %s", async (property, from, to) => {
    const template = await templateWith(PRIVATE, from, to);
    const { result, warnings } = await lintIac({ template });
    const skip = result.skipped.find((item) => item.ruleId === "ssm-endpoint-missing");

    expect(warnings.some((line) => line.includes(`SsmEndpoint property ${property}:`))).toBe(true);
    expect(serious(result)).toEqual([]);
    expect(skip?.reason).toContain("is not in the snapshot, so it may serve any service");
  });

  it.each([
    ["an import", "MetadataOptions: !ImportValue md"],
    [
      "an imported field",
      "MetadataOptions: {HttpEndpoint: enabled, HttpProtocolIpv6: !ImportValue v6}",
    ],
  ])("skip the IMDS check for metadata options from %s", async (_name, to) => {
    const from =
      "MetadataOptions: {HttpEndpoint: enabled, HttpTokens: required, HttpProtocolIpv6: enabled}";
    const template = await templateWith(PRIVATE, from, to);
    const { input, result } = await lintIac({ template });
    const [instance] = input.snapshot.Reservations?.[0]?.Instances ?? [];

    expect(instance?.MetadataOptions).toBeUndefined();
    expect(findingsOf(result, "instance-imds-ipv6-disabled")).toEqual([]);
    expect(skippedRules(result)).toContain("instance-imds-ipv6-disabled");
  });

  it("keeps an imported launch template unknown", async () => {
    const from =
      "MetadataOptions: {HttpEndpoint: enabled, HttpTokens: required, HttpProtocolIpv6: enabled}";
    const template = await templateWith(PRIVATE, from, "LaunchTemplate: !ImportValue app-lt");
    const { result, warnings } = await lintIac({ template });

    expect(warnings).toContain(
      `${template}: App names a launch template that the template does not define; its ` +
        "security groups and metadata options are unknown, so the checks that need them are " +
        "reported as skipped",
    );
    expect(findingsOf(result, "instance-imds-ipv6-disabled")).toEqual([]);
  });

  it("matches an imported launch template to none of the template's", async () => {
    const from =
      "LaunchTemplate: {LaunchTemplateId: !Ref AppLt, Version: !GetAtt AppLt.LatestVersionNumber}";
    const template = await templateWith(
      "private-nat64-ssm.yaml",
      from,
      "LaunchTemplate: !ImportValue app-lt",
    );
    const { input } = await lintIac({ template });
    const instances = input.snapshot.Reservations?.flatMap((item) => item.Instances ?? []) ?? [];

    expect(instances).toHaveLength(2);
    expect(instances.map((instance) => instance.MetadataOptions)).toEqual([undefined, undefined]);
  });

  it("leaves out a metadata option that is neither enabled nor disabled", async () => {
    const template = await templateWith(
      PRIVATE,
      "HttpProtocolIpv6: enabled}",
      "HttpProtocolIpv6: true}",
    );
    const { result, warnings } = await lintIac({ template });

    expect(warnings).toContain(
      `${template}: resource App property MetadataOptions.HttpProtocolIpv6 is "true", not ` +
        "enabled or disabled; the property is left out, so the checks that need it are reported " +
        "as skipped",
    );
    expect(findingsOf(result, "instance-imds-ipv6-disabled")).toEqual([]);
  });

  it("rejects a parameter Default that is a map", async () => {
    const template = await templateWith(
      PRIVATE,
      'PrivateDns: {Type: String, Default: "true"}',
      "PrivateDns: {Type: String, Default: {Enabled: true}}",
    );
    const error = await lintIac({ template }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(
      'parameter PrivateDns: its Default is {"Enabled":true}; give a string',
    );
  });

  it.each([
    ["Fn::Join of a map", "!Join ['.', [com.amazonaws, {Region: x}, ssm]]"],
    ["Fn::Base64 of a list", "!Base64 [com.amazonaws.us-east-1.ssm]"],
    ["Ref of a list", "{Ref: [AWS::Region]}"],
  ])("leaves out a value from %s", async (_name, value) => {
    const template = await templateWith(
      PRIVATE,
      "ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm\n",
      `ServiceName: ${value}\n`,
    );
    const { result, warnings } = await lintIac({ template });

    expect(warnings.some((line) => line.includes("has invalid arguments"))).toBe(true);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
  });
});

describe("Terraform values known only after apply", () => {
  it("skips the endpoint checks for an unknown service_name", async () => {
    const plan = await planWithUnknown('aws_vpc_endpoint.svc["ssm"]', "service_name");
    const { result } = await lintIac({ terraformPlan: plan });

    expect(serious(result)).toEqual([]);
    expect(skippedRules(result)).toContain("ssm-endpoint-missing");
  });

  it("skips the endpoint checks for an unknown vpc_endpoint_type", async () => {
    const plan = await planWithUnknown('aws_vpc_endpoint.svc["ssm"]', "vpc_endpoint_type");
    const { result } = await lintIac({ terraformPlan: plan });

    expect(serious(result)).toEqual([]);
    expect(skippedRules(result)).toContain("ssm-endpoint-missing");
  });

  it("leaves out the rules of an unknown ingress list", async () => {
    const plan = await planWithUnknown("aws_security_group.endpoints", "ingress");
    const { input, result } = await lintIac({ terraformPlan: plan });
    const group = input.snapshot.SecurityGroups?.find((item) => item.Description === "endpoints");

    expect(group?.IpPermissions).toBeUndefined();
    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(skippedRules(result)).toContain("endpoint-sg-blocks-nat64-source");
  });

  it("skips the IMDS check for an unknown metadata_options block", async () => {
    const plan = await planWithUnknown("aws_instance.app", "metadata_options");
    const { input, result } = await lintIac({ terraformPlan: plan });
    const [instance] = input.snapshot.Reservations?.[0]?.Instances ?? [];

    expect(instance?.MetadataOptions).toBeUndefined();
    expect(findingsOf(result, "instance-imds-ipv6-disabled")).toEqual([]);
  });

  it("skips the routing checks of a table with unknown inline routes", async () => {
    const plan = await planWithUnknown("aws_route_table.app", "route");
    const { input, warnings } = await lintIac({ terraformPlan: plan });

    expect(input.snapshot.RouteTables).toEqual([]);
    expect(
      warnings.some((line) =>
        line.includes(
          "route table aws_route_table.app has routes that are known only after deployment",
        ),
      ),
    ).toBe(true);
  });
});
