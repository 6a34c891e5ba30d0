import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { implicitVpcIds } from "../../src/iac/builder.js";
import { placeholderId } from "../../src/iac/placeholders.js";
import { Plan } from "../../src/iac/terraform/plan.js";
import type { RunResult } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { findingsOf, fixture, lintIac, locationPath } from "./helpers.js";

const vpcId = placeholderId("vpc", "module.vpc.aws_vpc.this");
const privateIds = [0, 1].map((i) =>
  placeholderId("subnet", `module.vpc.aws_subnet.private[${i}]`),
);
const privateTables = [0, 1].map((i) =>
  placeholderId("rtb", `module.vpc.aws_route_table.private[${i}]`),
);
const natId = placeholderId("nat", "module.vpc.aws_nat_gateway.this[0]");

describe("Terraform plan: DNS64 without NAT64", () => {
  it("flags every private subnet", async () => {
    const { result } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const findings = findingsOf(result, "nat64-route-missing");
    const eigw = placeholderId("eigw", "module.vpc.aws_egress_only_internet_gateway.this");

    expect(findings.map((finding) => finding.resource.id).sort()).toEqual([...privateIds].sort());
    expect(findings.map((finding) => finding.data.routeTableId).sort()).toEqual(
      [...privateTables].sort(),
    );
    expect(findings[0]?.data.winningRoute).toBe(`::/0 -> ${eigw}`);
  });

  it("locates resources by address at line 1", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const file = locationPath("plan-dns64-missing.json");

    expect(input.locations?.get(privateIds[0] as string)).toEqual({
      file,
      line: 1,
      logicalName: "module.vpc.aws_subnet.private[0]",
    });
    expect(input.locations?.get(placeholderId("vpce", "aws_vpc_endpoint.ssm"))?.logicalName).toBe(
      "aws_vpc_endpoint.ssm",
    );
  });

  it("reads the Region from the provider configuration", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });

    expect(input.snapshot.Source?.Region).toBe("eu-west-1");
  });
});

describe("Terraform plan: DNS64 with NAT64", () => {
  it("passes the NAT64 check", async () => {
    const { result } = await lintIac({ terraformPlan: fixture("plan-dns64-fixed.json") });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).not.toContain("nat64-route-blackhole");
  });

  it("resolves unknown ids through references", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-fixed.json") });
    const tables = new Map(input.snapshot.RouteTables?.map((table) => [table.RouteTableId, table]));

    for (const tableId of privateTables) {
      const route = tables
        .get(tableId)
        ?.Routes?.find((item) => item.DestinationIpv6CidrBlock === "64:ff9b::/96");
      expect(route?.NatGatewayId).toBe(natId);
    }
    expect(input.snapshot.NatGateways?.map((nat) => nat.NatGatewayId)).toEqual([natId]);
  });
});

describe("Terraform plan: values known after apply", () => {
  it("links subnets and tables by count index", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const tables = new Map(input.snapshot.RouteTables?.map((table) => [table.RouteTableId, table]));

    privateIds.forEach((subnetId, i) => {
      const subnets = tables
        .get(privateTables[i] as string)
        ?.Associations?.map((item) => item.SubnetId);
      expect(subnets).toEqual([subnetId]);
    });
  });

  it("resolves VPC, subnet and address references", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const nat = input.snapshot.NatGateways?.[0];

    expect(input.snapshot.Subnets?.every((subnet) => subnet.VpcId === vpcId)).toBe(true);
    expect(nat?.SubnetId).toBe(placeholderId("subnet", "module.vpc.aws_subnet.public[0]"));
    expect(nat?.NatGatewayAddresses?.[0]?.AllocationId).toBe(
      placeholderId("eipalloc", "module.vpc.aws_eip.nat[0]"),
    );
    expect(nat?.VpcId).toBe(vpcId);
  });

  it("follows module outputs into the child module", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const endpoint = input.snapshot.VpcEndpoints?.[0];
    const instance = input.snapshot.Reservations?.[0]?.Instances?.[0];

    expect(instance?.InstanceId).toBe(placeholderId("i", "aws_instance.app"));
    expect(endpoint?.VpcId).toBe(vpcId);
    expect(endpoint?.SubnetIds).toEqual(privateIds);
    expect(endpoint?.Groups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "aws_security_group.endpoints"),
    ]);
    expect(instance?.SubnetId).toBe(privateIds[0]);
  });

  it("indexes a module output list by count index", async () => {
    // Terraform lists count instances by address, so private[10] comes before private[2].
    const plan = editedPlan("plan-dns64-missing.json", (document) => {
      const module = document.planned_values.root_module.child_modules[0];
      const template = module.resources.find(
        (item: { address: string }) => item.address === "module.vpc.aws_subnet.private[1]",
      );
      const change = document.resource_changes.find(
        (item: { address: string }) => item.address === "module.vpc.aws_subnet.private[1]",
      );
      for (let index = 2; index < 12; index += 1) {
        const address = `module.vpc.aws_subnet.private[${index}]`;
        module.resources.push({ ...structuredClone(template), address, index });
        document.resource_changes.push({ ...structuredClone(change), address, index });
      }
      module.resources.sort((a: { address: string }, b: { address: string }) =>
        a.address < b.address ? -1 : 1,
      );
      configResourceOf(document, "aws_instance.app").expressions.subnet_id = {
        references: ["module.vpc.private_subnets[2]", "module.vpc.private_subnets", "module.vpc"],
      };
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const instance = input.snapshot.Reservations?.[0]?.Instances?.[0];

    expect(instance?.SubnetId).toBe(placeholderId("subnet", "module.vpc.aws_subnet.private[2]"));
  });

  it("follows outputs of a module instance with a key", async () => {
    // module "vpc" { for_each = ... }, read as module.vpc["prod"].private_subnets[0]
    const plan = editedPlan("plan-dns64-missing.json", (document) => {
      const text = JSON.stringify(document)
        .replaceAll('"module.vpc"', '"module.vpc[\\"prod\\"]"')
        .replaceAll('"module.vpc.', '"module.vpc[\\"prod\\"].');
      Object.assign(document, JSON.parse(text));
    });
    const { input, warnings } = await lintIac({ terraformPlan: plan });
    const keyed = (prefix: string, address: string) =>
      placeholderId(prefix, `module.vpc["prod"].${address}`);
    const instance = input.snapshot.Reservations?.[0]?.Instances?.[0];

    expect(input.snapshot.VpcEndpoints?.[0]?.VpcId).toBe(keyed("vpc", "aws_vpc.this"));
    expect(instance?.SubnetId).toBe(keyed("subnet", "aws_subnet.private[0]"));
    expect(input.snapshot.Vpcs?.map((vpc) => vpc.VpcId)).toEqual([keyed("vpc", "aws_vpc.this")]);
    expect(warnings.filter((line) => line.includes("known only after apply"))).toEqual([]);
  });

  it("carves subnet prefixes from the VPC's placeholder block", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const prefixes = new Map(
      input.snapshot.Subnets?.map((subnet) => [
        subnet.SubnetId,
        subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock,
      ]),
    );

    expect(input.snapshot.Vpcs?.[0]?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe(
      "2001:db8:1::/56",
    );
    expect(prefixes.get(privateIds[0])).toBe("2001:db8:1::/64");
    expect(prefixes.get(privateIds[1])).toBe("2001:db8:1:1::/64");
    expect(prefixes.get(placeholderId("subnet", "module.vpc.aws_subnet.public[0]"))).toBe(
      "2001:db8:1:2::/64",
    );
  });

  it("maps group, endpoint and metadata options", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const groupId = placeholderId("sg", "aws_security_group.endpoints");
    const group = input.snapshot.SecurityGroups?.find((item) => item.GroupId === groupId);
    const endpoint = input.snapshot.VpcEndpoints?.[0];
    const instance = input.snapshot.Reservations?.[0]?.Instances?.[0];

    expect(instance?.InstanceId).toBe(placeholderId("i", "aws_instance.app"));
    expect(group?.IpPermissions?.[0]).toEqual({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [{ GroupId: groupId, Description: "clients in this group" }],
    });
    expect(group?.IpPermissionsEgress).toEqual([]);
    expect(endpoint?.IpAddressType).toBe("ipv6");
    expect(endpoint?.DnsOptions).toEqual({ DnsRecordIpType: "ipv6" });
    expect(instance?.MetadataOptions?.HttpProtocolIpv6).toBe("disabled");
  });
});

describe("Terraform plan: Auto Scaling group", () => {
  it("adds an instance per subnet with the launch template's options", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const instances =
      input.snapshot.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
    const scaled = instances.filter((instance) =>
      instance.Tags?.some((tag) => tag.Key === "aws:autoscaling:groupName"),
    );

    expect(scaled.map((instance) => instance.SubnetId)).toEqual(privateIds);
    expect(scaled.map((instance) => instance.InstanceId)).toEqual(
      privateIds.map((subnetId) => placeholderId("i", `aws_autoscaling_group.app/${subnetId}`)),
    );
    expect(scaled[0]?.MetadataOptions).toEqual({
      State: "applied",
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "enabled",
      HttpTokens: "required",
      InstanceMetadataTags: "disabled",
    });
    expect(scaled[0]?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "aws_security_group.endpoints"),
    ]);
    expect(scaled[0]?.InstanceType).toBe("t4g.small");
  });

  it("leaves an unknown launch template unknown", async () => {
    const address = "aws_autoscaling_group.app";
    const plan = editedPlan("plan-dns64-missing.json", (edited) => {
      const id = "lt-0a1b2c3d4e5f60001";
      configResourceOf(edited, address).expressions.launch_template[0].id = { constant_value: id };
      const planned = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      planned.values.launch_template[0].id = id;
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      change.change.after_unknown.launch_template = [{ name: true }];
    });
    const { input, result, warnings } = await lintIac({ terraformPlan: plan });
    const scaled = (input.snapshot.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .filter((instance) => instance.Tags?.some((tag) => tag.Key === "aws:autoscaling:groupName"));

    expect(scaled.map((instance) => instance.SubnetId)).toEqual(privateIds);
    expect(scaled.map((instance) => instance.SecurityGroups)).toEqual([[], []]);
    expect(scaled.map((instance) => instance.MetadataOptions)).toEqual([undefined, undefined]);
    expect(
      warnings.filter((line) => line.includes(`${address} names a launch template`)),
    ).toHaveLength(1);
    const flagged = [
      ...findingsOf(result, "instance-imds-ipv6-disabled"),
      ...findingsOf(result, "instance-sg-egress-blocks-nat64"),
    ].map((finding) => finding.resource.id);
    expect(flagged.filter((id) => scaled.some((instance) => instance.InstanceId === id))).toEqual(
      [],
    );
    const imds = result.skipped.find((skip) => skip.ruleId === "instance-imds-ipv6-disabled");
    expect(imds?.resourceIds).toEqual(scaled.map((instance) => instance.InstanceId).sort());
  });

  it("adds no instance at size 0", async () => {
    const address = "aws_autoscaling_group.app";
    const plan = editedPlan("plan-dns64-missing.json", (edited) => {
      const planned = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      planned.values.min_size = 0;
      // The provider computes desired_capacity when the configuration leaves it out.
      delete planned.values.desired_capacity;
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      change.change.after_unknown.desired_capacity = true;
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const scaled = (input.snapshot.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .filter((instance) => instance.Tags?.some((tag) => tag.Key === "aws:autoscaling:groupName"));

    expect(scaled).toEqual([]);
  });

  it("reads a mixed instances policy's template", async () => {
    const address = "aws_autoscaling_group.app";
    const plan = editedPlan("plan-dns64-missing.json", (edited) => {
      const config = configResourceOf(edited, address);
      const reference = config.expressions.launch_template[0].id;
      delete config.expressions.launch_template;
      config.expressions.mixed_instances_policy = [
        {
          launch_template: [{ launch_template_specification: [{ launch_template_id: reference }] }],
        },
      ];
      const planned = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      delete planned.values.launch_template;
      planned.values.mixed_instances_policy = [
        { launch_template: [{ launch_template_specification: [{}] }] },
      ];
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      delete change.change.after_unknown.launch_template;
      change.change.after_unknown.mixed_instances_policy = [
        { launch_template: [{ launch_template_specification: [{ launch_template_id: true }] }] },
      ];
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const scaled = (input.snapshot.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .filter((instance) => instance.Tags?.some((tag) => tag.Key === "aws:autoscaling:groupName"));

    expect(scaled).toHaveLength(2);
    expect(scaled[0]?.MetadataOptions?.HttpProtocolIpv6).toBe("enabled");
    expect(scaled[0]?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "aws_security_group.endpoints"),
    ]);
  });

  it("reads groups from the template's network interface", async () => {
    const address = "aws_launch_template.app";
    const plan = editedPlan("plan-dns64-missing.json", (edited) => {
      const config = configResourceOf(edited, address);
      config.expressions.network_interfaces = [
        {
          device_index: { constant_value: 0 },
          security_groups: config.expressions.vpc_security_group_ids,
        },
      ];
      delete config.expressions.vpc_security_group_ids;
      const planned = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      planned.values.network_interfaces = [{ device_index: 0 }];
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      delete change.change.after_unknown.vpc_security_group_ids;
      change.change.after_unknown.network_interfaces = [{ security_groups: true }];
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const instances =
      input.snapshot.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
    const scaled = instances.filter((instance) =>
      instance.Tags?.some((tag) => tag.Key === "aws:autoscaling:groupName"),
    );

    expect(scaled.length).toBeGreaterThan(0);
    expect(scaled[0]?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "aws_security_group.endpoints"),
    ]);
  });

  it("locates the instances at the group's address", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-dns64-missing.json") });
    const instanceId = placeholderId("i", `aws_autoscaling_group.app/${privateIds[0]}`);

    expect(input.locations?.get(instanceId)?.logicalName).toBe("aws_autoscaling_group.app");
  });
});

/** Writes a copy of a fixture plan after `change` edits its parsed JSON. */
function editedPlan(name: string, change: (plan: Record<string, any>) => void): string {
  const plan = JSON.parse(readFileSync(fixture(name), "utf8"));
  change(plan);
  const path = join(mkdtempSync(join(tmpdir(), "vpc-lint-plan-")), name);
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

function configResourceOf(plan: Record<string, any>, address: string): Record<string, any> {
  return plan.configuration.root_module.resources.find(
    (item: { address: string }) => item.address === address,
  );
}

describe("Terraform plan: for_each over resources", () => {
  const keys = ["eu-west-1a", "eu-west-1b"];
  const appTables = keys.map((key) => placeholderId("rtb", `aws_route_table.app["${key}"]`));
  const publicTable = placeholderId("rtb", "aws_route_table.public");

  it("passes the public NAT64 design", async () => {
    const { result, warnings } = await lintIac({ terraformPlan: fixture("plan-for-each.json") });

    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(warnings.filter((line) => line.includes("known only after apply"))).toEqual([]);
  });

  it("follows each.value to the instance with the same key", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-for-each.json") });
    const tables = new Map(input.snapshot.RouteTables?.map((table) => [table.RouteTableId, table]));

    keys.forEach((key, i) => {
      const table = tables.get(appTables[i] as string);
      const nat64 = table?.Routes?.find((item) => item.DestinationIpv6CidrBlock === "64:ff9b::/96");
      expect(nat64?.NatGatewayId).toBe(placeholderId("nat", `aws_nat_gateway.nat["${key}"]`));
      expect(table?.Associations?.map((item) => item.SubnetId)).toEqual([
        placeholderId("subnet", `aws_subnet.app["${key}"]`),
      ]);
    });
  });

  it("leaves each.value of another collection unresolved", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_route.app_nat64").for_each_expression = {
        references: ["local.route_tables"],
      };
    });
    const { result, warnings } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-missing");
    expect(
      warnings.some((line) =>
        line.includes('aws_route.app_nat64["eu-west-1a"] route_table_id is known only after apply'),
      ),
    ).toBe(true);
  });

  it("leaves a variable-keyed NAT id unknown", async () => {
    // nat_gateway_id = aws_nat_gateway.nat[var.nat_az].id
    const plan = editedPlan("plan-for-each.json", (document) => {
      document.variables.nat_az = { value: "eu-west-1b" };
      configResourceOf(document, "aws_route.app_nat64").expressions.nat_gateway_id = {
        references: ["aws_nat_gateway.nat", "var.nat_az"],
      };
    });
    const { result, warnings } = await lintIac({ terraformPlan: plan });
    const skipped = result.skipped
      .filter((item) => item.ruleId === "nat64-route-blackhole")
      .flatMap((item) => item.resourceIds ?? []);

    expect(findingsOf(result, "nat64-cross-az")).toEqual([]);
    expect(skipped.sort()).toEqual([...appTables].sort());
    expect(
      warnings.some((line) =>
        line.includes(
          'aws_route.app_nat64["eu-west-1b"] nat_gateway_id is known only after apply and refers to aws_nat_gateway.nat, var.nat_az',
        ),
      ),
    ).toBe(true);
  });

  it("never takes a variable as NAT id", async () => {
    // nat_gateway_id = aws_nat_gateway.nat[index(var.azs, each.key)].id, with count on the NAT
    // gateways, so no NAT gateway has the route's key.
    const plan = editedPlan("plan-for-each.json", (document) => {
      document.variables.azs = { value: ["eu-west-1a"] };
      configResourceOf(document, "aws_route.app_nat64").expressions.nat_gateway_id = {
        references: ["aws_nat_gateway.nat", "var.azs", "each.key"],
      };
      const text = JSON.stringify(document).replace(
        /aws_nat_gateway\.nat\[\\"eu-west-1([ab])\\"\]/g,
        (_, zone: string) => `aws_nat_gateway.nat[${zone === "a" ? 0 : 1}]`,
      );
      Object.assign(document, JSON.parse(text));
      for (const resource of document.planned_values.root_module.resources) {
        if (resource.type === "aws_nat_gateway")
          resource.index = Number(/\[(\d)\]/.exec(resource.address)?.[1]);
      }
    });
    const { input, result } = await lintIac({ terraformPlan: plan });
    const natIds = input.snapshot.RouteTables?.flatMap((table) =>
      (table.Routes ?? []).map((route) => route.NatGatewayId).filter(Boolean),
    );

    expect(natIds).not.toContain("eu-west-1a");
    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-blackhole");
  });

  it("leaves out a flag computed from another attribute", async () => {
    // enable_dns64 = aws_vpc.main.ipv6_cidr_block != "", known only after apply
    const plan = editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_subnet.app").expressions.enable_dns64 = {
        references: ["aws_vpc.main.ipv6_cidr_block", "aws_vpc.main"],
      };
      for (const resource of document.planned_values.root_module.resources) {
        if (resource.address.startsWith("aws_subnet.app")) delete resource.values.enable_dns64;
      }
      for (const change of document.resource_changes) {
        if (!change.address.startsWith("aws_subnet.app")) continue;
        delete change.change.after.enable_dns64;
        change.change.after_unknown.enable_dns64 = true;
      }
    });
    const { input, result } = await lintIac({ terraformPlan: plan });
    const skipped = result.skipped.find((item) => item.ruleId === "subnet-dns64-disabled");

    expect(findingsOf(result, "subnet-dns64-disabled")).toEqual([]);
    const appSubnets = keys.map((key) => placeholderId("subnet", `aws_subnet.app["${key}"]`));
    const subnets = input.snapshot.Subnets?.filter((subnet) =>
      appSubnets.includes(subnet.SubnetId as string),
    );
    expect(subnets?.map((subnet) => subnet.EnableDns64)).toEqual([undefined, undefined]);
    expect(skipped?.resourceIds?.sort()).toEqual([...appSubnets].sort());
  });

  it("reads an inline route target from one id reference", async () => {
    const { input } = await lintIac({ terraformPlan: fixture("plan-for-each.json") });
    const table = input.snapshot.RouteTables?.find((item) => item.RouteTableId === publicTable);
    const igwId = placeholderId("igw", "aws_internet_gateway.igw");

    expect(
      table?.Routes?.find((item) => item.DestinationCidrBlock === "0.0.0.0/0")?.GatewayId,
    ).toBe(igwId);
    expect(table?.Routes?.find((item) => item.DestinationIpv6CidrBlock === "::/0")?.GatewayId).toBe(
      igwId,
    );
  });

  it.each([
    ["each.key", ["aws_nat_gateway.nat", "each.key"], (key: string) => key],
    [
      "a fixed key",
      [
        'aws_nat_gateway.nat["eu-west-1a"].id',
        'aws_nat_gateway.nat["eu-west-1a"]',
        "aws_nat_gateway.nat",
      ],
      () => "eu-west-1a",
    ],
  ])("reads an inline route target indexed by %s", async (_, references, natKey) => {
    // route { ipv6_cidr_block = "64:ff9b::/96", nat_gateway_id = aws_nat_gateway.nat[KEY].id }
    const plan = editedPlan("plan-for-each.json", (document) => {
      const root = document.planned_values.root_module;
      root.resources = root.resources.filter(
        (item: { address: string }) => !item.address.startsWith("aws_route.app_nat64"),
      );
      document.resource_changes = document.resource_changes.filter(
        (item: { address: string }) => !item.address.startsWith("aws_route.app_nat64"),
      );
      for (const resource of root.resources) {
        if (resource.address.startsWith("aws_route_table.app"))
          resource.values.route = [{ ipv6_cidr_block: "64:ff9b::/96" }];
      }
      for (const change of document.resource_changes) {
        if (!change.address.startsWith("aws_route_table.app")) continue;
        change.change.after.route = [{ ipv6_cidr_block: "64:ff9b::/96" }];
        change.change.after_unknown.route = [{ nat_gateway_id: true }];
      }
      configResourceOf(document, "aws_route_table.app").expressions.route = { references };
    });
    const { input, warnings } = await lintIac({ terraformPlan: plan });
    const tables = new Map(input.snapshot.RouteTables?.map((table) => [table.RouteTableId, table]));

    keys.forEach((key, i) => {
      const nat64 = tables
        .get(appTables[i] as string)
        ?.Routes?.find((item) => item.DestinationIpv6CidrBlock === "64:ff9b::/96");
      expect(nat64?.NatGatewayId).toBe(
        placeholderId("nat", `aws_nat_gateway.nat["${natKey(key)}"]`),
      );
    });
    expect(warnings.filter((line) => line.includes("known only after apply"))).toEqual([]);
  });

  it("reads an inline route target from a variable", async () => {
    const igwId = "igw-0a1b2c3d4e5f60009";
    const plan = editedPlan("plan-for-each.json", (document) => {
      document.variables.igw_id = { value: igwId };
      document.configuration.root_module.variables.igw_id = {};
      configResourceOf(document, "aws_route_table.public").expressions.route = {
        references: ["var.igw_id"],
      };
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const table = input.snapshot.RouteTables?.find((item) => item.RouteTableId === publicTable);

    expect(table?.Routes?.filter((item) => item.GatewayId === igwId)).toHaveLength(2);
  });

  it("leaves an inline route target of several references unknown", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_route_table.public").expressions.route.references.push(
        "aws_egress_only_internet_gateway.eigw.id",
        "aws_egress_only_internet_gateway.eigw",
      );
    });
    const { result, warnings } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "public-nat-subnet-no-igw-route")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("public-nat-subnet-no-igw-route");
    expect(
      warnings.some((line) => line.includes("is set by one expression for all route blocks")),
    ).toBe(true);
  });
});

describe("Terraform plan: default route table, ACL and group", () => {
  const file = "plan-default-resources.json";

  /** Returns the plan with a block list of one resource emptied in its planned values. */
  function withoutBlocks(address: string, names: string[]): string {
    return editedPlan(file, (document) => {
      const resource = document.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      for (const name of names) resource.values[name] = [];
    });
  }

  it("passes the private NAT64 design", async () => {
    const { result, warnings } = await lintIac({ terraformPlan: fixture(file) });

    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toEqual(["ssm-instance-not-online"]);
    expect(warnings.filter((line) => line.includes("does not define"))).toEqual([]);
  });

  it("puts routes in the managed main table", async () => {
    const { input } = await lintIac({ terraformPlan: fixture(file) });
    const vpcId = placeholderId("vpc", "aws_vpc.main");
    const main = input.snapshot.RouteTables?.find((table) =>
      table.Associations?.some((association) => association.Main),
    );

    expect(main?.VpcId).toBe(vpcId);
    expect(main?.Routes?.map((route) => route.DestinationIpv6CidrBlock)).toContain("64:ff9b::/96");
  });

  it("flags a default group whose egress is removed", async () => {
    const plan = withoutBlocks("aws_default_security_group.default", ["egress"]);
    const { result } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "instance-sg-egress-blocks-nat64")).toHaveLength(1);
  });

  it("flags a default ACL whose rules are removed", async () => {
    const plan = withoutBlocks("aws_default_network_acl.default", ["ingress", "egress"]);
    const { result } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nacl-blocks-nat64").length).toBeGreaterThan(0);
  });
});

describe("Terraform plan: unresolved route tables", () => {
  const vpcId = placeholderId("vpc", "aws_vpc.main");

  /** Returns the plan with the NAT64 routes' table read from `references`. */
  function nat64TableFrom(references: string[]): string {
    return editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_route.app_nat64").expressions.route_table_id = {
        references,
      };
    });
  }

  it("skips routing checks for a local table", async () => {
    const plan = nat64TableFrom(["local.app_tables", "each.key"]);
    const { input, result, warnings } = await lintIac({ terraformPlan: plan });
    const skipped = result.skipped.find((item) => item.ruleId === "nat64-route-missing");

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(skipped?.resourceIds).toHaveLength(2);
    expect(input.snapshot.RouteTables?.filter((table) => table.VpcId === vpcId)).toEqual([]);
    expect(
      warnings.some((line) =>
        line.includes(
          `route_table_id names a route table of the plan that vpc-lint cannot resolve; the route tables of ${vpcId} are left out`,
        ),
      ),
    ).toBe(true);
  });

  it("skips routing checks for a local subnet", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_route_table_association.app").expressions.subnet_id = {
        references: ["local.app_subnets", "each.key"],
      };
    });
    const { result } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-missing");
  });

  it("skips routing checks for an unknown destination", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      const address = 'aws_route.app_nat64["eu-west-1a"]';
      const planned = document.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      const change = document.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      delete planned.values.destination_ipv6_cidr_block;
      change.change.after_unknown.destination_ipv6_cidr_block = true;
      configResourceOf(document, "aws_route.app_nat64").expressions.destination_ipv6_cidr_block = {
        references: ["local.nat64_prefix"],
      };
    });
    const { result, warnings } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-missing");
    expect(
      warnings.some((line) =>
        line.includes("has a destination_ipv6_cidr_block that is known only after deployment"),
      ),
    ).toBe(true);
  });

  it("keeps routing checks for a subnet on the main table", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      configResourceOf(document, "aws_route_table_association.app").expressions.route_table_id = {
        references: ["aws_vpc.main.main_route_table_id", "aws_vpc.main"],
      };
    });
    const { input, result } = await lintIac({ terraformPlan: plan });

    expect(input.snapshot.RouteTables?.some((table) => table.VpcId === vpcId)).toBe(true);
    expect(findingsOf(result, "nat64-route-missing")).toHaveLength(2);
  });

  it("skips routing checks for a data source read at apply", async () => {
    const plan = nat64TableFrom(["data.aws_route_table.shared.id", "data.aws_route_table.shared"]);
    const { input, result } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-missing");
    expect(input.snapshot.RouteTables?.filter((table) => table.VpcId === vpcId)).toEqual([]);
  });

  it("keeps routing checks for a data source read during planning", async () => {
    const plan = editedPlan("plan-for-each.json", (document) => {
      for (const zone of ["eu-west-1a", "eu-west-1b"]) {
        const address = `aws_route.app_nat64["${zone}"]`;
        const planned = document.planned_values.root_module.resources.find(
          (item: { address: string }) => item.address === address,
        );
        const change = document.resource_changes.find(
          (item: { address: string }) => item.address === address,
        );
        // The data source's id is known, and it names a table outside the plan.
        planned.values.route_table_id = "rtb-0fedcba9876543210";
        change.change.after.route_table_id = "rtb-0fedcba9876543210";
        delete change.change.after_unknown.route_table_id;
      }
      configResourceOf(document, "aws_route.app_nat64").expressions.route_table_id = {
        references: ["data.aws_route_table.shared.id", "data.aws_route_table.shared"],
      };
    });
    const { input, result } = await lintIac({ terraformPlan: plan });

    expect(input.snapshot.RouteTables?.some((table) => table.VpcId === vpcId)).toBe(true);
    expect(findingsOf(result, "nat64-route-missing").length).toBeGreaterThan(0);
  });
});

describe("Terraform plan: private NAT64 to endpoints", () => {
  /** Returns the planned values of one resource of a parsed plan. */
  function plannedValues(document: Record<string, any>, address: string): Record<string, any> {
    return document.planned_values.root_module.resources.find(
      (item: { address: string }) => item.address === address,
    ).values;
  }

  it("reads the NAT gateway's private IP", async () => {
    const { input, result } = await lintIac({ terraformPlan: fixture("plan-private-nat.json") });

    expect(input.snapshot.NatGateways?.[0]?.NatGatewayAddresses?.[0]?.PrivateIp).toBe("10.40.0.10");
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).not.toContain(
      "endpoint-sg-blocks-nat64-source",
    );
  });

  it("flags endpoints closed to the NAT address", async () => {
    const plan = editedPlan("plan-private-nat.json", (document) => {
      plannedValues(document, "aws_security_group.endpoints").ingress[0].cidr_blocks = [
        "10.40.9.0/24",
      ];
    });
    const { result } = await lintIac({ terraformPlan: plan });
    const findings = findingsOf(result, "endpoint-sg-blocks-nat64-source");

    expect(findings).toHaveLength(3);
    expect(findings.every((finding) => finding.severity === "error")).toBe(true);
  });

  it("skips the endpoint check for an unknown CIDR", async () => {
    const plan = editedPlan("plan-private-nat.json", (document) => {
      const address = "aws_security_group.endpoints";
      const change = document.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      delete plannedValues(document, address).ingress[0].cidr_blocks;
      change.change.after_unknown.ingress[0].cidr_blocks = true;
      configResourceOf(document, address).expressions.ingress = { references: ["local.nat_cidr"] };
    });
    const { input, result } = await lintIac({ terraformPlan: plan });
    const group = input.snapshot.SecurityGroups?.find(
      (item) => item.GroupId === placeholderId("sg", "aws_security_group.endpoints"),
    );

    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("endpoint-sg-blocks-nat64-source");
    expect(group?.IpPermissions).toBeUndefined();
  });

  it("skips ACL checks for an unknown CIDR", async () => {
    const address = "aws_network_acl.nat";
    const subnetIds = ["aws_subnet.nat.id", "aws_subnet.nat"];
    const plan = editedPlan("plan-private-nat.json", (document) => {
      const values = { ingress: [{ action: "allow", from_port: 0, to_port: 0, protocol: "-1" }] };
      document.planned_values.root_module.resources.push({
        address,
        mode: "managed",
        type: "aws_network_acl",
        name: "nat",
        values: { ...values, egress: [] },
      });
      document.resource_changes.push({
        address,
        change: {
          actions: ["create"],
          after: values,
          after_unknown: {
            id: true,
            vpc_id: true,
            subnet_ids: true,
            ingress: [{ cidr_block: true }],
          },
        },
      });
      document.configuration.root_module.resources.push({
        address,
        mode: "managed",
        type: "aws_network_acl",
        name: "nat",
        expressions: {
          vpc_id: { references: ["aws_vpc.main.id", "aws_vpc.main"] },
          subnet_ids: { references: subnetIds },
          ingress: { references: ["local.vpc_cidr"] },
        },
      });
    });
    const { input, result } = await lintIac({ terraformPlan: plan });

    expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nacl-blocks-nat64");
    expect(input.snapshot.NetworkAcls).toEqual([]);
  });

  describe("a NAT gateway without a private IP", () => {
    /** Lints the plan without the NAT gateway's private_ip, the endpoints admitting `cidrs`. */
    async function lintWithoutPrivateIp(cidrs: string[]) {
      const plan = editedPlan("plan-private-nat.json", (document) => {
        delete plannedValues(document, "aws_nat_gateway.nat").private_ip;
        delete configResourceOf(document, "aws_nat_gateway.nat").expressions.private_ip;
        plannedValues(document, "aws_security_group.endpoints").ingress[0].cidr_blocks = cidrs;
      });
      return (await lintIac({ terraformPlan: plan })).result;
    }
    const skippedRules = (result: RunResult) => result.skipped.map((item) => item.ruleId);

    it("flags endpoints that admit none of the NAT subnet's range", async () => {
      const result = await lintWithoutPrivateIp(["10.40.9.0/24"]);
      const findings = result.findings.filter(
        (item) => item.ruleId === "endpoint-sg-blocks-nat64-source",
      );

      expect(findings.map((item) => `${item.messageId} ${item.severity}`)).toContain(
        "blocksNatSubnet error",
      );
      expect(findings[0]?.data.sources).toBe("10.40.0.0/24");
      expect(findings[0]?.evidence).toContainEqual({
        resourceId: findings[0]?.data.natSubnetIds,
        attribute: "CidrBlock",
        value: "10.40.0.0/24",
      });
    });

    it("accepts endpoints that admit the NAT subnet's whole range", async () => {
      const result = await lintWithoutPrivateIp(["10.40.0.0/16"]);

      expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
      expect(skippedRules(result)).not.toContain("endpoint-sg-blocks-nat64-source");
      // The plan's network ACLs allow all of the NAT subnet's range, which contains the address.
      expect(skippedRules(result)).not.toContain("nacl-blocks-nat64");
    });

    it("skips endpoints that admit part of the NAT subnet's range", async () => {
      const result = await lintWithoutPrivateIp(["10.40.0.0/28"]);

      expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
      expect(skippedRules(result)).toContain("endpoint-sg-blocks-nat64-source");
    });
  });

  describe("a NAT gateway with secondary private IPs", () => {
    /**
     * Lints the plan with secondary addresses set by `natArguments` on the NAT gateway, the
     * endpoints admitting only its primary address.
     */
    async function lintWithSecondaryIps(natArguments: Record<string, unknown>) {
      const plan = editedPlan("plan-private-nat.json", (document) => {
        const expressions = configResourceOf(document, "aws_nat_gateway.nat").expressions;
        for (const [name, value] of Object.entries(natArguments)) {
          plannedValues(document, "aws_nat_gateway.nat")[name] = value;
          expressions[name] = { constant_value: value };
        }
        plannedValues(document, "aws_security_group.endpoints").ingress[0].cidr_blocks = [
          "10.40.0.10/32",
        ];
      });
      return lintIac({ terraformPlan: plan });
    }

    it("keeps the primary IP alone without secondary IPs", async () => {
      const { input, result } = await lintWithSecondaryIps({});

      expect(natAddressesOf(input.snapshot)).toEqual(["10.40.0.10"]);
      expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
      expect(result.skipped.map((item) => item.ruleId)).not.toContain(
        "endpoint-sg-blocks-nat64-source",
      );
    });

    it("warns on endpoints closed to a listed secondary IP", async () => {
      const { input, result } = await lintWithSecondaryIps({
        secondary_private_ip_addresses: ["10.40.0.11"],
      });
      const findings = result.findings.filter(
        (item) => item.ruleId === "endpoint-sg-blocks-nat64-source",
      );

      expect(natAddressesOf(input.snapshot)).toEqual(["10.40.0.10", "10.40.0.11"]);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((item) => item.messageId === "blocksSome")).toBe(true);
      expect(findings[0]?.data.sources).toBe("10.40.0.11");
    });

    it.each([
      ["an address count", { secondary_private_ip_address_count: 2 }],
      ["secondary Elastic IPs", { secondary_allocation_ids: ["eipalloc-0a1b2c3d4e5f60001"] }],
    ])("skips endpoints that admit the primary IP with %s", async (_, natArguments) => {
      const { input, result } = await lintWithSecondaryIps(natArguments);

      expect(natAddressesOf(input.snapshot)).toEqual([]);
      expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
      expect(result.skipped.map((item) => item.ruleId)).toContain(
        "endpoint-sg-blocks-nat64-source",
      );
    });
  });
});

/** Returns the private addresses of a snapshot's NAT gateways. */
function natAddressesOf(snapshot: Snapshot): string[] {
  return (snapshot.NatGateways ?? []).flatMap((nat) =>
    (nat.NatGatewayAddresses ?? []).flatMap((address) =>
      address.PrivateIp ? [address.PrivateIp] : [],
    ),
  );
}

/** Writes a plan whose DNS64 flag and NAT id come from local values, with an optional provider Region variable. */
/**
 * Writes a plan whose route reads its NAT gateway from `local.nat_id`, unknown before apply, or
 * names `natGatewayId` as a data source read during planning would.
 */
function planWithLocals(providerRegion?: string, natGatewayId?: string): string {
  const directory = mkdtempSync(join(tmpdir(), "vpc-lint-plan-"));
  const path = join(directory, "plan.json");
  const resource = (
    type: string,
    name: string,
    values: object,
    unknown: object,
    expressions: object,
  ) => ({
    planned: { address: `${type}.${name}`, mode: "managed", type, name, values },
    change: {
      address: `${type}.${name}`,
      change: { actions: ["create"], after: values, after_unknown: unknown },
    },
    config: { address: `${type}.${name}`, mode: "managed", type, name, expressions },
  });
  const resources = [
    resource(
      "aws_vpc",
      "main",
      { cidr_block: "10.9.0.0/16", assign_generated_ipv6_cidr_block: true },
      { id: true },
      {},
    ),
    resource(
      "aws_subnet",
      "app",
      { ipv6_native: true, ipv6_cidr_block: "2600:1f18:4c2:b200::/64" },
      { id: true, vpc_id: true, enable_dns64: true },
      {
        vpc_id: { references: ["aws_vpc.main.id", "aws_vpc.main"] },
        enable_dns64: { references: ["local.dns64"] },
      },
    ),
    resource(
      "aws_route_table",
      "app",
      {},
      { id: true, vpc_id: true },
      { vpc_id: { references: ["aws_vpc.main.id"] } },
    ),
    resource(
      "aws_route",
      "nat64",
      {
        destination_ipv6_cidr_block: "64:ff9b::/96",
        ...(natGatewayId && { nat_gateway_id: natGatewayId }),
      },
      { id: true, route_table_id: true, ...(!natGatewayId && { nat_gateway_id: true }) },
      {
        route_table_id: { references: ["aws_route_table.app.id"] },
        nat_gateway_id: {
          references: natGatewayId
            ? ["data.aws_nat_gateway.shared.id", "data.aws_nat_gateway.shared"]
            : ["local.nat_id"],
        },
      },
    ),
    resource(
      "aws_route_table_association",
      "app",
      {},
      { id: true, subnet_id: true, route_table_id: true },
      {
        subnet_id: { references: ["aws_subnet.app.id"] },
        route_table_id: { references: ["aws_route_table.app.id"] },
      },
    ),
  ];
  writeFileSync(
    path,
    JSON.stringify({
      format_version: "1.2",
      planned_values: { root_module: { resources: resources.map((item) => item.planned) } },
      resource_changes: resources.map((item) => item.change),
      configuration: {
        root_module: { resources: resources.map((item) => item.config) },
        ...(providerRegion && {
          provider_config: {
            aws: { name: "aws", expressions: { region: { references: ["var.aws_region"] } } },
          },
        }),
      },
      ...(providerRegion && { variables: { aws_region: { value: providerRegion } } }),
    }),
  );
  return path;
}

describe("Terraform plan: unresolvable references", () => {
  it("leaves out an unknown flag", async () => {
    const { input, result, warnings } = await lintIac({ terraformPlan: planWithLocals() });
    const subnetId = placeholderId("subnet", "aws_subnet.app");

    expect(input.snapshot.Subnets?.[0]?.EnableDns64).toBeUndefined();
    expect(
      result.skipped.find((item) => item.ruleId === "subnet-dns64-disabled")?.resourceIds,
    ).toEqual([subnetId]);
    expect(
      warnings.some((line) =>
        line.includes(
          "aws_subnet.app enable_dns64: aws_subnet.app enable_dns64 is known only after apply and refers to local.dns64",
        ),
      ),
    ).toBe(true);
  });

  it("falls back to --region without a provider Region", async () => {
    const given = await lintIac({ terraformPlan: planWithLocals(), region: "ap-south-1" });
    const fallback = await lintIac({ terraformPlan: planWithLocals() });

    expect(given.input.snapshot.Source?.Region).toBe("ap-south-1");
    expect(fallback.input.snapshot.Source?.Region).toBe("us-east-1");
  });

  it("reads the provider Region from a root variable", async () => {
    const { input } = await lintIac({
      terraformPlan: planWithLocals("sa-east-1"),
      region: "ap-south-1",
    });

    expect(input.snapshot.Source?.Region).toBe("sa-east-1");
  });

  it("skips the NAT check for an unknown NAT id", async () => {
    const { result, warnings } = await lintIac({ terraformPlan: planWithLocals() });
    const tableId = placeholderId("rtb", "aws_route_table.app");
    const skip = result.skipped.find((item) => item.ruleId === "nat64-route-blackhole");

    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(skip?.resourceIds).toEqual([tableId]);
    expect(warnings.some((line) => line.includes("aws_route.nat64 nat_gateway_id:"))).toBe(true);
  });

  it("skips the NAT check for a data source", async () => {
    const natGatewayId = "nat-0fedcba9876543210";
    const { result } = await lintIac({ terraformPlan: planWithLocals(undefined, natGatewayId) });
    const tableId = placeholderId("rtb", "aws_route_table.app");
    const skip = result.skipped.find((item) => item.ruleId === "nat64-route-blackhole");

    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(skip?.resourceIds).toEqual([tableId]);
    expect(skip?.reason).toBe(`State of ${natGatewayId} is not in the snapshot`);
  });
});

describe("Terraform plan: endpoint private DNS resource", () => {
  const endpointId = placeholderId("vpce", "aws_vpc_endpoint.ssm");

  /** Moves the endpoint's private DNS into an `aws_vpc_endpoint_private_dns` with `value`. */
  function privateDnsPlan(value: Record<string, unknown>): string {
    return editedPlan("plan-dns64-fixed.json", (plan) => {
      const address = "aws_vpc_endpoint_private_dns.ssm";
      const endpoint = plan.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === "aws_vpc_endpoint.ssm",
      );
      delete endpoint.values.private_dns_enabled;
      const change = plan.resource_changes.find(
        (item: { address: string }) => item.address === "aws_vpc_endpoint.ssm",
      );
      // The provider computes private_dns_enabled when the configuration leaves it out.
      change.change.after_unknown.private_dns_enabled = true;
      const constant = "constant_value" in value;
      const known = constant ? { private_dns_enabled: value.constant_value } : {};
      const unknown = { vpc_endpoint_id: true, ...(!constant && { private_dns_enabled: true }) };
      const resource = { address, mode: "managed", type: "aws_vpc_endpoint_private_dns" };
      plan.planned_values.root_module.resources.push({ ...resource, name: "ssm", values: known });
      plan.resource_changes.push({
        ...resource,
        name: "ssm",
        change: { actions: ["create"], after: known, after_unknown: unknown },
      });
      plan.configuration.root_module.resources.push({
        ...resource,
        name: "ssm",
        expressions: {
          vpc_endpoint_id: { references: ["aws_vpc_endpoint.ssm.id", "aws_vpc_endpoint.ssm"] },
          private_dns_enabled: value,
        },
      });
    });
  }

  it("takes PrivateDnsEnabled from the resource", async () => {
    const plan = privateDnsPlan({ constant_value: true });
    const { input, result } = await lintIac({ terraformPlan: plan });
    const endpoint = input.snapshot.VpcEndpoints?.find((item) => item.VpcEndpointId === endpointId);
    const privateDnsOff = result.findings.filter((finding) =>
      finding.evidence.some((item) => item.attribute === "PrivateDnsEnabled"),
    );

    expect(endpoint?.PrivateDnsEnabled).toBe(true);
    expect(findingsOf(result, "endpoint-private-dns-disabled")).toEqual([]);
    expect(privateDnsOff).toEqual([]);
  });

  it("leaves an unknown value unknown", async () => {
    const plan = privateDnsPlan({ references: ["var.private_dns"] });
    const { input, result } = await lintIac({ terraformPlan: plan });
    const endpoint = input.snapshot.VpcEndpoints?.find((item) => item.VpcEndpointId === endpointId);
    const skipped = result.skipped.find((item) => item.ruleId === "endpoint-private-dns-disabled");

    expect(endpoint?.PrivateDnsEnabled).toBeUndefined();
    expect(findingsOf(result, "endpoint-private-dns-disabled")).toEqual([]);
    expect(skipped?.resourceIds).toEqual([endpointId]);
  });
});

describe("Terraform plan: NAT gateway of unknown type", () => {
  /** Makes an argument of the module's NAT gateway known only after apply, set from a variable. */
  function unknownNatArgument(argument: string): string {
    return editedPlan("plan-dns64-fixed.json", (edited) => {
      const address = "module.vpc.aws_nat_gateway.this[0]";
      const planned = edited.planned_values.root_module.child_modules[0].resources.find(
        (item: { address: string }) => item.address === address,
      );
      delete planned.values[argument];
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      change.change.after_unknown[argument] = true;
      const config = edited.configuration.root_module.module_calls.vpc.module.resources.find(
        (item: { address: string }) => item.address === "aws_nat_gateway.this",
      );
      config.expressions[argument] = { references: [`var.${argument}`] };
    });
  }

  /** Lints the plan with the argument unknown, returning the NAT gateway and a rule's skips. */
  async function lintUnknownNat(argument: string) {
    const { input, result } = await lintIac({ terraformPlan: unknownNatArgument(argument) });
    return {
      nat: input.snapshot.NatGateways?.find((item) => item.NatGatewayId === natId),
      skipped: result.skipped.find((item) => item.ruleId === "nat64-route-blackhole"),
    };
  }

  it("skips the checks through it", async () => {
    const { nat, skipped } = await lintUnknownNat("connectivity_type");

    expect(nat?.ConnectivityType).toBeUndefined();
    expect(nat?.State).toBeUndefined();
    expect(skipped?.resourceIds).toEqual([...privateTables].sort());
  });

  it("skips them for an unknown mode", async () => {
    const { nat, skipped } = await lintUnknownNat("availability_mode");

    expect(nat?.State).toBeUndefined();
    expect(skipped?.resourceIds).toEqual([...privateTables].sort());
  });
});

describe("Terraform plan: endpoint group association", () => {
  /** Moves the endpoint's group into an association with the given constant arguments. */
  function associationPlan(values: Record<string, unknown>): string {
    return editedPlan("plan-dns64-fixed.json", (plan) => {
      const address = "aws_vpc_endpoint_security_group_association.ssm";
      delete configResourceOf(plan, "aws_vpc_endpoint.ssm").expressions.security_group_ids;
      const resource = {
        address,
        mode: "managed",
        type: "aws_vpc_endpoint_security_group_association",
        name: "ssm",
      };
      plan.planned_values.root_module.resources.push({ ...resource, values });
      plan.resource_changes.push({
        ...resource,
        change: {
          actions: ["create"],
          after: values,
          after_unknown: { id: true, vpc_endpoint_id: true, security_group_id: true },
        },
      });
      plan.configuration.root_module.resources.push({
        ...resource,
        expressions: {
          vpc_endpoint_id: { references: ["aws_vpc_endpoint.ssm.id", "aws_vpc_endpoint.ssm"] },
          security_group_id: {
            references: ["aws_security_group.endpoints.id", "aws_security_group.endpoints"],
          },
          ...Object.fromEntries(
            Object.entries(values).map(([name, value]) => [name, { constant_value: value }]),
          ),
        },
      });
    });
  }
  const groupsOf = async (plan: string) => {
    const { input } = await lintIac({ terraformPlan: plan });
    const endpoint = input.snapshot.VpcEndpoints?.find(
      (item) => item.VpcEndpointId === placeholderId("vpce", "aws_vpc_endpoint.ssm"),
    );
    return endpoint?.Groups?.map((group) => group.GroupId).sort();
  };
  const endpointGroup = placeholderId("sg", "aws_security_group.endpoints");

  it("keeps the VPC's default group", async () => {
    const groups = await groupsOf(associationPlan({}));

    expect(groups).toEqual([endpointGroup, implicitVpcIds(vpcId).defaultSecurityGroupId].sort());
  });

  it("replaces the default group when set", async () => {
    const groups = await groupsOf(associationPlan({ replace_default_association: true }));

    expect(groups).toEqual([endpointGroup]);
  });
});

describe("Terraform plan: private DNS for inbound resolvers only", () => {
  it("maps the dns_options flag", async () => {
    const plan = editedPlan("plan-dns64-fixed.json", (edited) => {
      const endpoint = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === "aws_vpc_endpoint.ssm",
      );
      endpoint.values.dns_options[0].private_dns_only_for_inbound_resolver_endpoint = true;
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const endpoint = input.snapshot.VpcEndpoints?.find(
      (item) => item.VpcEndpointId === placeholderId("vpce", "aws_vpc_endpoint.ssm"),
    );

    expect(endpoint?.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint).toBe(true);
  });
});

describe("Terraform plan: rule protocol unknown", () => {
  it("leaves the group's ingress out", async () => {
    const address = "aws_security_group.endpoints";
    const plan = editedPlan("plan-dns64-missing.json", (edited) => {
      const planned = edited.planned_values.root_module.resources.find(
        (item: { address: string }) => item.address === address,
      );
      delete planned.values.ingress[0].protocol;
      const change = edited.resource_changes.find(
        (item: { address: string }) => item.address === address,
      );
      change.change.after_unknown.ingress[0].protocol = true;
      configResourceOf(edited, address).expressions.ingress = [
        { protocol: { references: ["var.endpoint_protocol"] } },
      ];
    });
    const { input } = await lintIac({ terraformPlan: plan });
    const group = input.snapshot.SecurityGroups?.find(
      (item) => item.GroupId === placeholderId("sg", address),
    );

    expect(group).toBeDefined();
    expect(group?.IpPermissions).toBeUndefined();
  });
});

describe("Terraform plan: input errors", () => {
  it("rejects a CloudFormation template", async () => {
    const attempt = lintIac({ terraformPlan: fixture("dns64-missing.json") });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(/not a Terraform plan: expected a format_version field/);
  });

  it("rejects YAML", async () => {
    await expect(lintIac({ terraformPlan: fixture("ipv6-only-dns64.yaml") })).rejects.toThrow(
      /not valid JSON/,
    );
  });

  it("reads no expressions from a configuration of another shape", async () => {
    const plan = JSON.parse(readFileSync(fixture("plan-dns64-missing.json"), "utf8")) as {
      configuration: { root_module: { resources: unknown } };
    };
    plan.configuration.root_module.resources = "aws_vpc.this";
    const file = join(mkdtempSync(join(tmpdir(), "vpc-lint-plan-")), "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    const { result } = await lintIac({ terraformPlan: file });

    expect(findingsOf(result, "nat64-route-missing").length).toBeGreaterThan(0);
  });
});

describe("Terraform plan: references to many instances", () => {
  /** Returns a plan of one subnet resource with `count` instances and a module with one more. */
  function countedSubnets(count: number): Record<string, unknown> {
    const subnet = (address: string, index: number) => ({
      address,
      mode: "managed",
      type: "aws_subnet",
      name: "app",
      index,
      values: { id: `subnet-${index}` },
    });
    const resources = Array.from({ length: count }, (_, index) =>
      subnet(`aws_subnet.app[${index}]`, index),
    );
    const child = {
      address: 'module.edge["a"]',
      resources: [subnet('module.edge["a"].aws_subnet.app[0]', 0)],
    };
    return { planned_values: { root_module: { resources, child_modules: [child] } } };
  }

  it("groups the instances once", () => {
    const plan = new Plan("plan.json", countedSubnets(200));
    let reads = 0;
    plan.instances.forEach((instance, position) => {
      plan.instances[position] = new Proxy(instance, {
        get(target, key, receiver) {
          if (key === "address") reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    });

    for (let round = 0; round < 100; round += 1) plan.instancesOf("aws_subnet.app");
    const readsOfLookups = reads;
    const addresses = plan.instancesOf("aws_subnet.app")?.map((instance) => instance.address);
    const nested = plan.instancesOf('module.edge["a"].aws_subnet.app');

    expect(addresses).toHaveLength(200);
    expect(addresses?.[2]).toBe("aws_subnet.app[2]");
    expect(addresses?.[10]).toBe("aws_subnet.app[10]");
    expect(nested?.map((instance) => instance.address)).toEqual([
      'module.edge["a"].aws_subnet.app[0]',
    ]);
    // Filtering every instance for each reference would read about 20,000 addresses.
    expect(readsOfLookups).toBeLessThanOrEqual(plan.instances.length);
  });
});
