/**
 * Live collection of the example designs from a moto server, through the built CLI with
 * AWS_ENDPOINT_URL, as a user runs it against an AWS account. Where moto 5.2 differs from AWS,
 * the tests pin what the collector and the rules make of the difference.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IMAGE_ID,
  buildBrokenNat64,
  buildPrivateNat64,
  buildPublicNat64,
  motoEc2Client,
  type BuiltDesign,
} from "../../scripts/moto-designs.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import type { CliRun } from "../helpers.js";
import { runLive, SETUP_TIMEOUT_MS, useMotoServer } from "./live.js";

/** Time for one test that runs the CLI a few times against moto, in milliseconds. */
const CLI_TIMEOUT_MS = 60_000;

const live = useMotoServer();
let workDir: string;
let publicDesign: BuiltDesign;
let privateDesign: BuiltDesign;
let brokenDesign: BuiltDesign;
let defaultVpcId: string;
let defaultInstanceId: string;
/** One `collect` run of all three designs with --region and no AWS_REGION. */
let collected: CliRun;
let snapshot: Snapshot;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "vpc-lint-live-"));
  publicDesign = await buildPublicNat64(live.ec2);
  privateDesign = await buildPrivateNat64(live.ec2);
  brokenDesign = await buildBrokenNat64(live.ec2);
  ({ defaultVpcId, defaultInstanceId } = await launchInDefaultVpc());

  const output = join(workDir, "three.json");
  const { AWS_REGION: _region, ...withoutRegion } = live.env;
  const vpcs = vpcFlags(publicDesign, privateDesign, brokenDesign);
  collected = await runLive(
    ["collect", ...vpcs, "--region", "us-east-1", "-o", output],
    withoutRegion,
  );
  snapshot = JSON.parse(readFileSync(output, "utf8")) as Snapshot;
}, SETUP_TIMEOUT_MS);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("collect of three VPCs", () => {
  it("exits 0 and names the failed calls", () => {
    expect(collected.status).toBe(0);
    expect(collected.stderr).toContain("(2 calls failed; see Errors)");
    expect(collected.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it("records the source of the run", () => {
    expect(snapshot.Source?.Region).toBe("us-east-1");
    expect(snapshot.Source?.AccountId).toBe("123456789012");
    expect(snapshot.Source?.VpcIds).toEqual([
      publicDesign.vpcId,
      privateDesign.vpcId,
      brokenDesign.vpcId,
    ]);
  });

  it.each([
    ["public NAT64", () => publicDesign],
    ["private NAT64", () => privateDesign],
    ["broken NAT64", () => brokenDesign],
  ])("contains every resource of the %s design", (_name, design) => {
    const present = resourceIds(snapshot);
    for (const id of createdIds(design())) expect(present).toContain(id);
  });

  it("contains nothing from the default VPC", () => {
    expect(resourceIds(snapshot)).not.toContain(defaultVpcId);
    expect(resourceIds(snapshot)).not.toContain(defaultInstanceId);
    for (const vpcId of vpcIdsIn(snapshot)) expect(vpcId).not.toBe(defaultVpcId);
  });

  it("records the SSM call that moto lacks as InvalidResponse", () => {
    const failure = snapshot.Errors?.find((e) => e.Operation === "DescribeInstanceInformation");
    expect(failure?.Code).toBe("InvalidResponse");
    expect(failure?.Message).toMatch(/^HTTP 500 response could not be parsed: /);
    expect(snapshot.InstanceInformationList).toBeUndefined();
    expect(collected.stderr).toMatch(
      /DescribeInstanceInformation: failed with InvalidResponse \(6 attempts\)/,
    );
  });

  it("records the service-name filter moto lacks as InvalidResponse", () => {
    // moto 5.2 responds to DescribeVpcEndpointServices with the documented `service-name` filter
    // with an HTML HTTP 500 page; the ServiceNames parameter works there.
    const failure = snapshot.Errors?.find((e) => e.Operation === "DescribeVpcEndpointServices");
    expect(failure?.Code).toBe("InvalidResponse");
    expect(failure?.Message).toMatch(/^HTTP 500 response could not be parsed: /);
    expect(snapshot.ServiceDetails).toBeUndefined();
  });

  it("lists exactly the two failed calls", () => {
    const failed = (snapshot.Errors ?? []).map((error) => error.Operation).sort();
    expect(failed).toEqual(["DescribeInstanceInformation", "DescribeVpcEndpointServices"]);
  });
});

describe("attributes moto returns unlike AWS", () => {
  it("leaves EnableDns64 out of every subnet", () => {
    // Each design turned DNS64 on in its IPv6-only subnets; moto 5.2 never stores it.
    expect(snapshot.Subnets?.length).toBe(10);
    for (const subnet of snapshot.Subnets ?? []) expect(subnet).not.toHaveProperty("EnableDns64");
  });

  it("returns a subnet's IPv6 block state as a string", () => {
    const subnet = snapshot.Subnets?.find((s) => s.SubnetId === publicDesign.subnets["app-a"]);
    const state = subnet?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlockState?.State;
    expect(state).toBe("{'State': 'associated'}");
  });

  it("returns endpoints without IpAddressType and DnsOptions", () => {
    const endpoint = snapshot.VpcEndpoints?.find(
      (e) => e.VpcEndpointId === privateDesign.endpoints.ssm,
    );
    expect(endpoint?.PrivateDnsEnabled).toBe(true);
    expect(endpoint).not.toHaveProperty("IpAddressType");
    expect(endpoint).not.toHaveProperty("DnsOptions");
    expect(endpoint?.DnsEntries?.[0]?.DnsName).toMatch(/\.com\.amazonaws\.us-east-1\.ssm$/);
  });

  it("keeps a new VPC on DhcpOptionsId default", () => {
    const vpc = snapshot.Vpcs?.find((v) => v.VpcId === publicDesign.vpcId);
    expect(vpc?.DhcpOptionsId).toBe("default");
    const setIds = (snapshot.DhcpOptions ?? []).map((options) => options.DhcpOptionsId).sort();
    expect(setIds).toEqual([privateDesign.dhcpOptionsId, brokenDesign.dhcpOptionsId].sort());
  });

  it("keeps a route to a deleted NAT gateway active", () => {
    const table = snapshot.RouteTables?.find(
      (t) => t.RouteTableId === brokenDesign.routeTables["ipv6-only-a"],
    );
    const route = table?.Routes?.find((r) => r.DestinationIpv6CidrBlock === "64:ff9b::/96");
    const deleted = snapshot.NatGateways?.find(
      (n) => n.NatGatewayId === brokenDesign.natGateways["nat-old"],
    );
    expect(deleted?.State).toBe("deleted");
    expect(route?.State).toBe("active");
  });

  it("has the IPv6 ACL entries the designs added", () => {
    const acl = snapshot.NetworkAcls?.find((a) => a.NetworkAclId === publicDesign.networkAclId);
    const ipv6 = (acl?.Entries ?? []).filter((entry) => entry.Ipv6CidrBlock === "::/0");
    expect(
      ipv6.map((entry) => `${entry.Egress} ${entry.RuleNumber} ${entry.RuleAction}`).sort(),
    ).toEqual(["false 101 allow", "true 101 allow"]);
  });
});

describe("lint --vpc --format json", () => {
  it(
    "flags only the failed calls in the public design",
    async () => {
      const run = await runLive(["--vpc", publicDesign.vpcId, "--format", "json"], live.env);
      const report = parseReport(run);
      expect(run.status).toBe(1);
      expect(findingKeys(report)).toEqual([
        "snapshot-incomplete 123456789012/us-east-1 DescribeInstanceInformation",
      ]);
      const app = publicDesign.subnets["app-a"];
      expect(skippedKeys(report)).toEqual(
        [
          `nat64-route-missing ${publicDesign.subnets["public-a"]}`,
          `ssm-endpoint-missing ${app}`,
          "ssm-instance-not-online",
          `subnet-dns64-disabled ${app}`,
          ...PATH_RULES.map((ruleId) => `${ruleId} ${app}`),
        ].sort(),
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "flags only the failed calls in the private design",
    async () => {
      const run = await runLive(["--vpc", privateDesign.vpcId, "--format", "json"], live.env);
      const report = parseReport(run);
      const apps = [privateDesign.subnets["app-a"], privateDesign.subnets["app-b"]].sort();
      const natSubnets = [
        privateDesign.subnets["private-nat-a"],
        privateDesign.subnets["private-nat-b"],
      ].sort();
      expect(run.status).toBe(1);
      expect(findingKeys(report)).toEqual([
        "snapshot-incomplete 123456789012/us-east-1 DescribeInstanceInformation",
        "snapshot-incomplete 123456789012/us-east-1 DescribeVpcEndpointServices",
      ]);
      // moto's endpoints have no IpAddressType or DnsOptions, so each path stops at its
      // endpoint's unknown record types, one skipped reason per endpoint of the three services.
      const endpointCount = Object.keys(privateDesign.endpoints).length;
      expect(endpointCount).toBe(3);
      expect(skippedKeys(report)).toEqual(
        [
          `nat64-route-missing ${natSubnets.join(",")}`,
          "ssm-instance-not-online",
          `subnet-dns64-disabled ${apps.join(",")}`,
          ...PATH_RULES.flatMap((ruleId) =>
            Array.from({ length: endpointCount }, () => `${ruleId} ${apps.join(",")}`),
          ),
        ].sort(),
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "flags every broken link moto can show in the broken design",
    async () => {
      const run = await runLive(["--vpc", brokenDesign.vpcId, "--format", "json"], live.env);
      const report = parseReport(run);
      const { vpcId, subnets, routeTables, endpoints, instances } = brokenDesign;
      expect(run.status).toBe(1);
      expect(findingKeys(report)).toEqual(
        [
          "snapshot-incomplete 123456789012/us-east-1 DescribeInstanceInformation",
          "snapshot-incomplete 123456789012/us-east-1 DescribeVpcEndpointServices",
          `instance-imds-ipv6-disabled ${instances["ipv6-only-a"]}`,
          `nat64-route-blackhole ${routeTables["ipv6-only-a"]}`,
          `dhcp-custom-dns-servers ${vpcId}`,
          `ssm-endpoint-missing ${vpcId} ssm`,
          `ssm-endpoint-missing ${vpcId} ssmmessages`,
          `ssm-endpoint-missing ${vpcId} ec2messages`,
          `endpoint-private-dns-disabled ${endpoints.ssm}`,
        ].sort(),
      );
      // ipv6-only-b hosts no workload here, and ipv6-only-a's IPv4-only name servers cut it off
      // before EnableDns64 matters, so their path rules have nothing unknown to skip. moto
      // leaves EnableDns64 out, so whether dual-stack-a's instance uses NAT64 is unknown.
      const endpointFindings = report.findings.filter((f) => f.ruleId === "ssm-endpoint-missing");
      for (const finding of endpointFindings) {
        expect(finding.data.subnetIds).toBe(subnets["ipv6-only-a"]);
      }
      const noNat64Route = [subnets["public-a"], subnets["dual-stack-a"], subnets["ipv6-only-b"]];
      const ipv6Only = [subnets["ipv6-only-a"], subnets["ipv6-only-b"]];
      expect(skippedKeys(report)).toEqual(
        [
          `nat64-route-missing ${noNat64Route.sort().join(",")}`,
          "ssm-instance-not-online",
          `subnet-dns64-disabled ${ipv6Only.sort().join(",")}`,
          ...PATH_RULES.map((ruleId) => `${ruleId} ${subnets["dual-stack-a"]}`),
        ].sort(),
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "gives the findings of the collected file",
    async () => {
      const file = await runLive(
        ["--snapshot", join(workDir, "three.json"), "--format", "json"],
        live.env,
      );
      const fromFile = findingKeys(parseReport(file));
      const liveRun = await runLive(
        ["--format", "json", ...vpcFlags(publicDesign, privateDesign, brokenDesign)],
        live.env,
      );
      expect(file.status).toBe(1);
      expect(liveRun.status).toBe(1);
      expect(findingKeys(parseReport(liveRun))).toEqual(fromFile);
    },
    CLI_TIMEOUT_MS,
  );
});

describe("collect output", () => {
  it(
    "leaves no temporary file when -o names a directory",
    async () => {
      const directory = join(workDir, "out");
      mkdirSync(directory);
      const args = ["collect", "--vpc", publicDesign.vpcId, "-o", directory];
      const run = await runLive(args, live.env);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`vpc-lint: ${directory}`);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(readdirSync(directory)).toEqual([]);
      expect(readdirSync(workDir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    },
    CLI_TIMEOUT_MS,
  );
});

describe("collection errors", () => {
  it(
    "names a VPC that does not exist",
    async () => {
      const missing = "vpc-0123456789abcdef0";
      const run = await runLive(["--vpc", publicDesign.vpcId, "--vpc", missing], live.env);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`vpc-lint: VPC ${missing} not found in us-east-1`);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "looks in the Region of --region",
    async () => {
      // The designs exist in us-east-1 only, so the flag must win over AWS_REGION.
      const output = join(workDir, "eu.json");
      const args = ["collect", "--vpc", publicDesign.vpcId, "--region", "eu-west-1", "-o", output];
      const run = await runLive(args, live.env);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`collecting ${publicDesign.vpcId} in eu-west-1`);
      expect(run.stderr).toContain(`VPC ${publicDesign.vpcId} not found in eu-west-1`);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "finds each VPC among several Regions",
    async () => {
      // The designs exist in us-east-1; one more VPC is made in eu-west-1, none in us-west-2.
      const europe = motoEc2Client(live.endpoint, "eu-west-1");
      const created = await europe.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
      europe.destroy();
      const europeVpcId = created.Vpc?.VpcId as string;
      const output = join(workDir, "regions.json");
      const vpcs = ["--vpc", publicDesign.vpcId, "--vpc", europeVpcId];
      const regions = ["--region", "us-west-2,eu-west-1,us-east-1"];
      const run = await runLive(["collect", ...vpcs, ...regions, "-o", output], live.env);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(`[us-west-2] ${publicDesign.vpcId}, ${europeVpcId}: not in`);
      expect(existsSync(join(workDir, "regions.us-west-2.json"))).toBe(false);
      const read = (region: string) =>
        JSON.parse(readFileSync(join(workDir, `regions.${region}.json`), "utf8")) as Snapshot;
      expect(read("us-east-1").Source?.VpcIds).toEqual([publicDesign.vpcId]);
      expect(read("us-east-1").Subnets?.length).toBeGreaterThan(0);
      expect(read("eu-west-1").Source?.VpcIds).toEqual([europeVpcId]);
      expect(read("eu-west-1").Source?.Region).toBe("eu-west-1");
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "names the VPC of --vpc when explain's subnet is in another one",
    async () => {
      const subnetId = Object.values(brokenDesign.subnets)[0] as string;
      const args = ["explain", "--vpc", publicDesign.vpcId, "--subnet", subnetId];
      const run = await runLive([...args, "--service", "ssm"], live.env);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(
        `vpc-lint: --subnet ${subnetId} is not in ${publicDesign.vpcId}, the VPC that --vpc ` +
          "names; pass the subnet's VPC with --vpc, or check the subnet id\n",
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "rejects a profile without credentials",
    async () => {
      const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = live.env;
      const run = await runLive(["--vpc", publicDesign.vpcId, "--profile", "nobody"], noKeys);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain('vpc-lint: could not load AWS credentials for profile "nobody"');
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    },
    CLI_TIMEOUT_MS,
  );
});

describe("paging over HTTP", () => {
  it(
    "collects every reservation across DescribeInstances pages",
    async () => {
      // moto 5.2 pages DescribeInstances at 100 reservations when the request has no
      // MaxResults, as the collector sends it; its other Describe calls return one page.
      const fleet = await buildFleet(105);
      const output = join(workDir, "fleet.json");
      const run = await runLive(["collect", "--vpc", fleet.vpcId, "-o", output], live.env);
      const fleetSnapshot = JSON.parse(readFileSync(output, "utf8")) as Snapshot;
      const ids = (fleetSnapshot.Reservations ?? []).flatMap((r) =>
        (r.Instances ?? []).map((instance) => instance.InstanceId),
      );
      expect(run.status).toBe(0);
      expect(run.stderr).toContain("DescribeInstances: 2 pages, 105 items");
      expect(new Set(ids)).toEqual(new Set(fleet.instanceIds));
      expect(ids).toHaveLength(105);
    },
    CLI_TIMEOUT_MS,
  );
});

function vpcFlags(...designs: BuiltDesign[]): string[] {
  return designs.flatMap((design) => ["--vpc", design.vpcId]);
}

function createdIds(design: BuiltDesign): string[] {
  return [
    design.vpcId,
    design.networkAclId,
    ...Object.values(design.subnets),
    ...Object.values(design.routeTables),
    ...Object.values(design.natGateways),
    ...Object.values(design.securityGroups),
    ...Object.values(design.endpoints),
    ...Object.values(design.instances),
    ...[design.internetGatewayId, design.egressOnlyInternetGatewayId, design.dhcpOptionsId].filter(
      (id): id is string => id !== undefined,
    ),
  ];
}

/** Returns every resource id in the snapshot, taken from each section's id field. */
function resourceIds(found: Snapshot): string[] {
  const instances = (found.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return [
    ...(found.Vpcs ?? []).map((x) => x.VpcId),
    ...(found.Subnets ?? []).map((x) => x.SubnetId),
    ...(found.RouteTables ?? []).map((x) => x.RouteTableId),
    ...(found.NatGateways ?? []).map((x) => x.NatGatewayId),
    ...(found.SecurityGroups ?? []).map((x) => x.GroupId),
    ...(found.VpcEndpoints ?? []).map((x) => x.VpcEndpointId),
    ...(found.NetworkAcls ?? []).map((x) => x.NetworkAclId),
    ...(found.InternetGateways ?? []).map((x) => x.InternetGatewayId),
    ...(found.EgressOnlyInternetGateways ?? []).map((x) => x.EgressOnlyInternetGatewayId),
    ...(found.DhcpOptions ?? []).map((x) => x.DhcpOptionsId),
    ...(found.NetworkInterfaces ?? []).map((x) => x.NetworkInterfaceId),
    ...instances.map((x) => x.InstanceId),
  ].filter((id): id is string => typeof id === "string");
}

/** Returns the VpcId of every resource that has one, gateway attachments included. */
function vpcIdsIn(found: Snapshot): string[] {
  const sections: Array<ReadonlyArray<{ VpcId?: string }> | undefined> = [
    found.Vpcs,
    found.Subnets,
    found.RouteTables,
    found.NatGateways,
    found.SecurityGroups,
    found.VpcEndpoints,
    found.NetworkAcls,
    found.NetworkInterfaces,
    (found.Reservations ?? []).flatMap((r) => r.Instances ?? []),
  ];
  const gateways = [...(found.InternetGateways ?? []), ...(found.EgressOnlyInternetGateways ?? [])];
  const attachments = gateways.flatMap((gateway) => gateway.Attachments ?? []);
  return [...sections.flatMap((items) => items ?? []), ...attachments]
    .map((item) => item.VpcId)
    .filter((id): id is string => typeof id === "string");
}

interface JsonReport {
  findings: Array<{
    ruleId: string;
    resource: { id: string };
    data: Record<string, string>;
  }>;
  skipped: Array<{ ruleId: string; resourceIds?: string[] }>;
}

function parseReport(run: CliRun): JsonReport {
  if (!run.stdout.startsWith("{")) throw new Error(`no JSON report; stderr:\n${run.stderr}`);
  return JSON.parse(run.stdout) as JsonReport;
}

/** Returns rule, resource, and the operation or service that tell apart findings of a resource. */
function findingKeys(report: JsonReport): string[] {
  const keyOf = (f: JsonReport["findings"][number]): string =>
    [f.ruleId, f.resource.id, f.data.operation ?? f.data.service].filter(Boolean).join(" ");
  return report.findings.map(keyOf).sort();
}

/**
 * The rules that judge a hop of a traced path. A path stops at the unknown EnableDns64 of this
 * server's subnets, so each lists the subnet as skipped.
 */
const PATH_RULES = [
  "dualstack-name-needs-client-setting",
  "endpoint-could-be-dualstack",
  "endpoint-dns-records-ipv4-only",
  "endpoint-sg-blocks-ipv6-clients",
  "endpoint-sg-blocks-nat64-source",
  "instance-sg-egress-blocks-ipv6",
  "instance-sg-egress-blocks-nat64",
  "ipv6-default-route-missing",
  "nacl-blocks-nat64",
  "private-nat64-to-public-destination",
  "public-nat-subnet-no-igw-route",
  "public-nat64-leaks-service-traffic",
  "s3-gateway-endpoint-not-on-nat-path",
];

function skippedKeys(report: JsonReport): string[] {
  return report.skipped
    .map((s) => [s.ruleId, [...(s.resourceIds ?? [])].sort().join(",")].filter(Boolean).join(" "))
    .sort();
}

/** Launches an instance into the server's default VPC, which no test collects. */
async function launchInDefaultVpc(): Promise<{ defaultVpcId: string; defaultInstanceId: string }> {
  const vpcs = await live.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }),
  );
  const vpcId = vpcs.Vpcs?.[0]?.VpcId;
  const subnets = await live.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId ?? ""] }] }),
  );
  const subnetId = subnets.Subnets?.[0]?.SubnetId;
  if (!vpcId || !subnetId) throw new Error("moto returned no default VPC with a subnet");
  const launched = await live.ec2.send(
    new RunInstancesCommand({ ImageId: IMAGE_ID, MinCount: 1, MaxCount: 1, SubnetId: subnetId }),
  );
  const instanceId = launched.Instances?.[0]?.InstanceId;
  if (!instanceId) throw new Error("moto returned no instance id");
  return { defaultVpcId: vpcId, defaultInstanceId: instanceId };
}

/** Builds a VPC with one reservation of one instance per launch, `count` times. */
async function buildFleet(count: number): Promise<{ vpcId: string; instanceIds: string[] }> {
  const vpc = await live.ec2.send(new CreateVpcCommand({ CidrBlock: "10.3.0.0/16" }));
  const vpcId = vpc.Vpc?.VpcId ?? "";
  const subnet = await live.ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.3.0.0/20" }),
  );
  // One launch at a time: on a busy machine moto returned an HTML error page for one of 105
  // concurrent RunInstances calls. Each launch makes a reservation of its own either way.
  const instanceIds: string[] = [];
  for (let launch = 0; launch < count; launch += 1) {
    const output = await live.ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE_ID,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.Subnet?.SubnetId ?? "",
      }),
    );
    instanceIds.push(output.Instances?.[0]?.InstanceId ?? "");
  }
  return { vpcId, instanceIds };
}
