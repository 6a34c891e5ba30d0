import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LineCounter, Scalar, parseDocument } from "yaml";
import { SnapshotBuilder, implicitVpcIds } from "../../src/iac/builder.js";
import { TemplateContext } from "../../src/iac/cloudformation/context.js";
import { IntrinsicResolver } from "../../src/iac/cloudformation/intrinsics.js";
import { parseTemplate, type Template } from "../../src/iac/cloudformation/parse.js";
import { MAPPERS } from "../../src/iac/cloudformation/resources.js";
import { placeholderId } from "../../src/iac/placeholders.js";
import { InputError } from "../../src/errors.js";
import { findingsOf, fixture, lintIac, locationPath, type Linted } from "./helpers.js";

const vpcId = placeholderId("vpc", "Vpc");
const appSubnetId = placeholderId("subnet", "AppSubnet");
const appTableId = placeholderId("rtb", "AppRouteTable");

describe("CloudFormation: IPv6-only tier with DNS64", () => {
  it("flags the missing NAT64 route", async () => {
    const { result } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const findings = findingsOf(result, "nat64-route-missing");

    expect(findings).toHaveLength(1);
    expect(findings[0]?.resource.id).toBe(appSubnetId);
    expect(findings[0]?.data).toEqual({
      subnetId: appSubnetId,
      routeTableId: appTableId,
      winningRoute: `::/0 -> ${placeholderId("eigw", "EgressOnlyGateway")}`,
    });
    expect(findings[0]?.resource.name).toBe("app-a");
  });

  it("locates the subnet at its logical id line", async () => {
    const { input } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const file = locationPath("ipv6-only-dns64.yaml");

    expect(input.locations?.get(appSubnetId)).toEqual({ file, line: 90, logicalName: "AppSubnet" });
    expect(input.locations?.get(appTableId)).toEqual({
      file,
      line: 107,
      logicalName: "AppRouteTable",
    });
    expect(input.locations?.get(vpcId)).toEqual({ file, line: 19, logicalName: "Vpc" });
  });

  it.each([
    "nat64-on.cli.json",
    "nat64-on.cli-input.json",
    "nat64-on.object.json",
    "nat64-on.configuration.json",
  ])("passes with the NAT64 route from %s", async (file) => {
    const { result, input } = await lintIac({
      template: fixture("ipv6-only-dns64.yaml"),
      parameters: fixture(file),
    });
    const table = input.snapshot.RouteTables?.find((item) => item.RouteTableId === appTableId);
    const nat64 = table?.Routes?.find((route) => route.DestinationIpv6CidrBlock === "64:ff9b::/96");

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(nat64?.NatGatewayId).toBe(placeholderId("nat", "NatGateway"));
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
  });

  it("carves placeholder prefixes from the VPC block", async () => {
    const { input } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const vpc = input.snapshot.Vpcs?.[0];
    const subnets = new Map(input.snapshot.Subnets?.map((subnet) => [subnet.SubnetId, subnet]));
    const publicSubnet = subnets.get(placeholderId("subnet", "PublicSubnet"));

    expect(vpc?.Ipv6CidrBlockAssociationSet?.map((item) => item.Ipv6CidrBlock)).toEqual([
      "2001:db8:1::/56",
    ]);
    expect(publicSubnet?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe("2001:db8:1::/64");
    expect(publicSubnet?.CidrBlock).toBe("10.20.0.0/24");
    expect(publicSubnet?.AvailabilityZone).toBe("us-east-1a");
    expect(subnets.get(appSubnetId)?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe(
      "2001:db8:1:1::/64",
    );
  });

  it("gives every route table the VPC's local routes", async () => {
    const { input } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const table = input.snapshot.RouteTables?.find((item) => item.RouteTableId === appTableId);
    const local = table?.Routes?.filter((route) => route.GatewayId === "local");

    expect(
      local?.map((route) => route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock),
    ).toEqual(["10.20.0.0/16", "2001:db8:1::/56"]);
  });

  it("resolves the stack name and Fn::Sub in tags", async () => {
    const { input } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });

    expect(input.snapshot.Vpcs?.[0]?.Tags).toEqual([{ Key: "Name", Value: "ipv6-only-dns64-vpc" }]);
  });

  it("reads VPC DNS attributes with their defaults", async () => {
    const set = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });
    const unset = await lintIac({ template: fixture("dns64-missing.json") });

    expect(set.input.snapshot.VpcAttributes).toEqual([
      { VpcId: vpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } },
    ]);
    expect(unset.input.snapshot.VpcAttributes).toEqual([
      { VpcId: vpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: false } },
    ]);
  });
});

describe("CloudFormation: JSON template and implicit resources", () => {
  it("routes unassociated subnets through the main table", async () => {
    const { result, input } = await lintIac({ template: fixture("dns64-missing.json") });
    const mainId = implicitVpcIds(vpcId).mainRouteTableId;
    const main = input.snapshot.RouteTables?.find((table) => table.RouteTableId === mainId);
    const findings = findingsOf(result, "nat64-route-missing");

    expect(main?.Associations).toEqual([
      expect.objectContaining({ Main: true, RouteTableId: mainId }),
    ]);
    expect(main?.Routes?.every((route) => route.GatewayId === "local")).toBe(true);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.data.routeTableId).toBe(mainId);
  });

  it("locates resources in a JSON template", async () => {
    const { input } = await lintIac({ template: fixture("dns64-missing.json") });

    expect(input.locations?.get(appSubnetId)).toEqual({
      file: locationPath("dns64-missing.json"),
      line: 12,
      logicalName: "AppSubnet",
    });
  });

  it("uses the Region's default DHCP options", async () => {
    const { input } = await lintIac({
      template: fixture("dns64-missing.json"),
      region: "eu-west-1",
    });
    const vpc = input.snapshot.Vpcs?.[0];
    const options = input.snapshot.DhcpOptions?.find(
      (item) => item.DhcpOptionsId === vpc?.DhcpOptionsId,
    );

    expect(options?.DhcpConfigurations).toEqual([
      { Key: "domain-name", Values: [{ Value: "eu-west-1.compute.internal" }] },
      { Key: "domain-name-servers", Values: [{ Value: "AmazonProvidedDNS" }] },
    ]);
  });

  it("keeps the sections the template is the whole truth for", async () => {
    const { input } = await lintIac({ template: fixture("dns64-missing.json") });
    const snapshot = input.snapshot;

    expect(snapshot.NatGateways).toEqual([]);
    expect(snapshot.InternetGateways).toEqual([]);
    expect(snapshot.VpcEndpoints).toEqual([]);
    expect(snapshot.NetworkAcls?.map((acl) => acl.IsDefault)).toEqual([true]);
    expect(snapshot.SecurityGroups?.map((group) => group.GroupName)).toEqual(["default"]);
  });

  it("leaves out the sections a template cannot know", async () => {
    const { input, result } = await lintIac({ template: fixture("dns64-missing.json") });
    const snapshot = input.snapshot;

    expect(snapshot.Reservations).toBeUndefined();
    expect(snapshot.NetworkInterfaces).toBeUndefined();
    expect(snapshot.ServiceDetails).toBeUndefined();
    expect(snapshot.InstanceInformationList).toBeUndefined();
    expect(snapshot.InstanceTypes).toBeUndefined();
    expect(result.skipped.map((skip) => skip.ruleId)).toContain("instance-imds-ipv6-disabled");
  });
});

describe("CloudFormation: private NAT with endpoints", () => {
  const options = {
    template: fixture("private-nat-endpoints.yaml"),
    region: "eu-west-1",
    accountId: "111122223333",
  };
  const endpointGroupId = placeholderId("sg", "EndpointGroup");

  it("gives an instance without groups the VPC's default group", async () => {
    const text = readFileSync(fixture("private-nat-endpoints.yaml"), "utf8");
    const groups = "SecurityGroupIds: [!Ref AppGroup]";
    expect(text.split(groups)).toHaveLength(3);
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "no-groups.yaml");
    writeFileSync(template, text.replaceAll(groups, "Tags: []"));
    const { input } = await lintIac({ ...options, template });
    const instance = input.snapshot.Reservations?.flatMap((item) => item.Instances ?? []).find(
      (item) => item.InstanceId === placeholderId("i", "AppInstance"),
    );

    expect(instance?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      implicitVpcIds(vpcId).defaultSecurityGroupId,
    ]);
  });

  it("reads an instance's groups from its network interface", async () => {
    const text = readFileSync(fixture("private-nat-endpoints.yaml"), "utf8");
    const instance = [
      "      SubnetId: !Ref AppSubnet",
      "      SecurityGroupIds: [!Ref AppGroup]",
      "      LaunchTemplate:",
    ].join("\n");
    const withInterface = [
      "      NetworkInterfaces:",
      '        - DeviceIndex: "0"',
      "          SubnetId: !Ref AppSubnet",
      "          GroupSet: [!Ref AppGroup]",
      "      LaunchTemplate:",
    ].join("\n");
    expect(text.split(instance)).toHaveLength(2);
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "interface.yaml");
    const groups = "SecurityGroupIds: [!Ref AppGroup]";
    writeFileSync(template, text.replace(instance, withInterface).replaceAll(groups, "Tags: []"));
    const { input } = await lintIac({ ...options, template });
    const mapped = input.snapshot.Reservations?.flatMap((item) => item.Instances ?? []).find(
      (item) => item.InstanceId === placeholderId("i", "AppInstance"),
    );

    expect(mapped?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "AppGroup"),
    ]);
  });

  /** Writes the template with its launch template imported from another stack. */
  function importedTemplate(edit: (text: string) => string = (text) => text): string {
    const text = readFileSync(fixture("private-nat-endpoints.yaml"), "utf8");
    const reference = "LaunchTemplateId: !Ref AppLaunchTemplate";
    expect(text.split(reference)).toHaveLength(3);
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "imported.yaml");
    const imported = "LaunchTemplateId: !ImportValue shared-app-template";
    writeFileSync(template, edit(text.replaceAll(reference, imported)));
    return template;
  }

  it("leaves an imported launch template unknown", async () => {
    const { input, result, warnings } = await lintIac({ ...options, template: importedTemplate() });
    const instances = input.snapshot.Reservations?.flatMap((item) => item.Instances ?? []);
    const scaled = instances?.find(
      (item) => item.InstanceId === placeholderId("i", `AppScalingGroup/${appSubnetId}`),
    );
    const single = instances?.find((item) => item.InstanceId === placeholderId("i", "AppInstance"));

    expect(scaled?.SecurityGroups).toEqual([]);
    expect(scaled?.MetadataOptions).toBeUndefined();
    expect(single?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "AppGroup"),
    ]);
    expect(single?.MetadataOptions).toBeUndefined();
    expect(warnings.filter((line) => line.includes("names a launch template"))).toHaveLength(2);
    expect(findingsOf(result, "instance-imds-ipv6-disabled")).toEqual([]);
    const imds = result.skipped.find((skip) => skip.ruleId === "instance-imds-ipv6-disabled");
    expect(imds?.resourceIds).toHaveLength(2);
  });

  it("flags an instance's own IMDS setting", async () => {
    const template = importedTemplate((text) =>
      text.replace(
        "Type: AWS::EC2::Instance\n    Properties:\n",
        "Type: AWS::EC2::Instance\n    Properties:\n      MetadataOptions: {HttpProtocolIpv6: disabled}\n",
      ),
    );
    const { result } = await lintIac({ ...options, template });
    const findings = findingsOf(result, "instance-imds-ipv6-disabled");

    expect(findings.map((finding) => finding.resource.id)).toEqual([
      placeholderId("i", "AppInstance"),
    ]);
  });

  it("builds the endpoint group that admits only itself", async () => {
    const { input } = await lintIac(options);
    const group = input.snapshot.SecurityGroups?.find((item) => item.GroupId === endpointGroupId);

    expect(group?.GroupName).toBe("endpoints");
    expect(group?.VpcId).toBe(vpcId);
    expect(group?.IpPermissions).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: endpointGroupId }],
      },
    ]);
    expect(group?.IpPermissionsEgress).toEqual([
      {
        IpProtocol: "-1",
        IpRanges: [],
        Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
  });

  it("keeps the default egress rule", async () => {
    const { input } = await lintIac(options);
    const group = input.snapshot.SecurityGroups?.find(
      (item) => item.GroupId === placeholderId("sg", "AppGroup"),
    );

    expect(group?.IpPermissionsEgress?.map((rule) => rule.IpRanges)).toEqual([
      [{ CidrIp: "0.0.0.0/0" }],
    ]);
    expect(group?.IpPermissions?.[0]?.IpProtocol).toBe("tcp");
    expect(group?.IpPermissions?.[0]?.Ipv6Ranges).toEqual([{ CidrIpv6: "2001:db8:1:1::/64" }]);
  });

  it("maps endpoint groups, address type and service", async () => {
    const { input } = await lintIac(options);
    const endpoints = new Map(
      input.snapshot.VpcEndpoints?.map((item) => [item.VpcEndpointId, item]),
    );
    const ssm = endpoints.get(placeholderId("vpce", "SsmEndpoint"));
    const messages = endpoints.get(placeholderId("vpce", "SsmMessagesEndpoint"));

    expect(ssm?.ServiceName).toBe("com.amazonaws.eu-west-1.ssm");
    expect(ssm?.VpcEndpointType).toBe("Interface");
    expect(ssm?.IpAddressType).toBe("dualstack");
    expect(ssm?.DnsOptions).toEqual({ DnsRecordIpType: "dualstack" });
    expect(ssm?.PrivateDnsEnabled).toBe(true);
    expect(ssm?.Groups?.map((group) => group.GroupId)).toEqual([endpointGroupId]);
    expect(messages?.ServiceName).toBe("com.amazonaws.eu-west-1.ssmmessages");
    expect(messages?.Groups?.map((group) => group.GroupId)).toEqual([
      implicitVpcIds(vpcId).defaultSecurityGroupId,
    ]);
    expect(messages?.IpAddressType).toBe("ipv6");
  });

  it("gives the default group a self rule", async () => {
    const { input } = await lintIac(options);
    const defaultId = implicitVpcIds(vpcId).defaultSecurityGroupId;
    const group = input.snapshot.SecurityGroups?.find((item) => item.GroupId === defaultId);

    expect(group?.IpPermissions?.map((rule) => rule.UserIdGroupPairs)).toEqual([
      [{ GroupId: defaultId }],
    ]);
  });

  it("maps the private NAT gateway and its route", async () => {
    const { input, result } = await lintIac(options);
    const nat = input.snapshot.NatGateways?.[0];

    expect(nat?.NatGatewayId).toBe(placeholderId("nat", "PrivateNat"));
    expect(nat?.ConnectivityType).toBe("private");
    expect(nat?.VpcId).toBe(vpcId);
    expect(nat?.State).toBe("available");
    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
  });

  it("maps the network ACL, its entry and association", async () => {
    const { input } = await lintIac(options);
    const acl = input.snapshot.NetworkAcls?.find(
      (item) => item.NetworkAclId === placeholderId("acl", "AppAcl"),
    );

    expect(acl?.Associations?.map((item) => item.SubnetId)).toEqual([appSubnetId]);
    expect(acl?.Entries?.[0]).toEqual({
      RuleNumber: 100,
      Protocol: "6",
      RuleAction: "allow",
      Egress: false,
      Ipv6CidrBlock: "::/0",
      PortRange: { From: 443, To: 443 },
    });
    expect(acl?.Entries?.map((entry) => entry.RuleNumber)).toEqual([
      100, 32767, 32768, 32767, 32768,
    ]);
  });

  it("associates the custom DHCP options", async () => {
    const { input } = await lintIac(options);

    expect(input.snapshot.Vpcs?.[0]?.DhcpOptionsId).toBe(placeholderId("dopt", "DhcpOptions"));
    expect(input.snapshot.DhcpOptions?.map((item) => item.DhcpOptionsId)).toEqual([
      placeholderId("dopt", "DhcpOptions"),
    ]);
  });

  it("takes metadata options from the launch template", async () => {
    const { input } = await lintIac(options);
    const instances = input.snapshot.Reservations?.flatMap(
      (reservation) => reservation.Instances ?? [],
    );
    const instance = instances?.find(
      (item) => item.InstanceId === placeholderId("i", "AppInstance"),
    );

    expect(instance?.SubnetId).toBe(appSubnetId);
    expect(instance?.VpcId).toBe(vpcId);
    expect(instance?.MetadataOptions).toEqual({
      State: "applied",
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "enabled",
      HttpTokens: "required",
    });
  });

  it("models the Auto Scaling group as an instance", async () => {
    const { input } = await lintIac(options);
    const instanceId = placeholderId("i", `AppScalingGroup/${appSubnetId}`);
    const instances = input.snapshot.Reservations?.flatMap(
      (reservation) => reservation.Instances ?? [],
    );
    const instance = instances?.find((item) => item.InstanceId === instanceId);

    expect(instances).toHaveLength(2);
    expect(instance?.SubnetId).toBe(appSubnetId);
    expect(instance?.InstanceType).toBe("t4g.small");
    expect(instance?.MetadataOptions?.HttpProtocolIpv6).toBe("enabled");
    expect(instance?.SecurityGroups?.map((group) => group.GroupId)).toEqual([
      placeholderId("sg", "AppGroup"),
    ]);
    expect(input.locations?.get(instanceId)?.logicalName).toBe("AppScalingGroup");
    expect(input.locations?.get(instanceId)?.line).toBe(177);
  });

  it("records the account and Region", async () => {
    const { input, result } = await lintIac(options);

    expect(input.snapshot.Source).toEqual({
      Region: "eu-west-1",
      AccountId: "111122223333",
      VpcIds: [vpcId],
    });
    expect(result.findings.every((finding) => finding.resource.accountId === "111122223333")).toBe(
      true,
    );
  });
});

describe("CloudFormation: unresolvable intrinsics", () => {
  it("names the resource and property of each unknown value", async () => {
    const { warnings } = await lintIac({ template: fixture("unresolved.yaml") });
    const file = fixture("unresolved.yaml");

    expect(warnings).toContain(
      `${file}: resource AppSubnet property EnableDns64: Fn::ImportValue "network-Dns64" reads another ` +
        "stack's export at deployment; the property is left out",
    );
    expect(warnings).toContain(
      `${file}: resource AppNat64Route property NatGatewayId: Fn::GetAtt AppRouteTable.NatGatewayAddress is ` +
        "an attribute of AWS::EC2::RouteTable that is known only after deployment; using placeholder " +
        placeholderId(
          "nat",
          JSON.stringify({ "Fn::GetAtt": ["AppRouteTable", "NatGatewayAddress"] }),
        ),
    );
    expect(
      warnings.some((line) =>
        line.includes("property RouteTableId: parameter SharedRouteTable has no Default"),
      ),
    ).toBe(true);
    expect(
      warnings.some((line) => line.includes("Ref UndefinedThing names no parameter or resource")),
    ).toBe(true);
  });

  it("shares one placeholder between equal imports", async () => {
    const { input } = await lintIac({ template: fixture("unresolved.yaml") });
    const subnet = input.snapshot.Subnets?.[0];
    const table = input.snapshot.RouteTables?.find((item) => item.RouteTableId === appTableId);

    expect(subnet?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(table?.VpcId).toBe(subnet?.VpcId);
    expect(subnet?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe("2001:db8:1::/64");
  });

  it("skips the checks that need the unknown flag", async () => {
    const { input, result } = await lintIac({ template: fixture("unresolved.yaml") });
    const skip = result.skipped.find((item) => item.ruleId === "subnet-dns64-disabled");

    expect(input.snapshot.Subnets?.[0]?.EnableDns64).toBeUndefined();
    expect(skip?.resourceIds).toEqual([appSubnetId]);
  });

  it("notes the placeholder in findings that rest on it", async () => {
    const { result } = await lintIac({ template: fixture("unresolved.yaml") });
    const batchSubnetId = placeholderId("subnet", "BatchSubnet");
    const notes = result.findings
      .filter((finding) => finding.resource.id === batchSubnetId)
      .flatMap((finding) => finding.evidence.filter((item) => item.attribute === "NOTE"));

    const texts = notes.map((note) => String(note.value));

    expect(
      texts.some((text) => text.startsWith("BatchSubnet VpcId is unknown before deployment")),
    ).toBe(true);
    expect(
      texts.some((text) => text.startsWith("BatchRouteTable VpcId is unknown before deployment")),
    ).toBe(true);
  });

  it("skips the NAT check for an unknown NAT id", async () => {
    const { result } = await lintIac({ template: fixture("unresolved.yaml") });
    const skip = result.skipped.find((item) => item.ruleId === "nat64-route-blackhole");

    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(skip?.resourceIds).toEqual([appTableId]);
  });
});

describe("CloudFormation: NAT gateways of another stack", () => {
  const tables = ["ImportRouteTable", "SsmRouteTable", "ParameterRouteTable"].map((name) =>
    placeholderId("rtb", name),
  );

  it("reports no blackhole for outside NAT ids", async () => {
    const { result } = await lintIac({ template: fixture("shared-vpc-nat.yaml") });

    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(result.summary.error).toBe(0);
  });

  it("lists the NAT check as skipped per table", async () => {
    const { result } = await lintIac({ template: fixture("shared-vpc-nat.yaml") });
    const skips = result.skipped.filter((item) => item.ruleId === "nat64-route-blackhole");

    expect(skips.flatMap((item) => item.resourceIds ?? []).sort()).toEqual([...tables].sort());
    expect(
      skips.every((item) => /^State of nat-\w+ is not in the snapshot$/.test(item.reason)),
    ).toBe(true);
  });

  it("keeps the NAT state out of the snapshot", async () => {
    const { input } = await lintIac({ template: fixture("shared-vpc-nat.yaml") });
    const parameterNat = input.snapshot.NatGateways?.find(
      (nat) => nat.NatGatewayId === "nat-0123456789abcdef0",
    );

    expect(input.snapshot.NatGateways).toHaveLength(3);
    expect(parameterNat?.State).toBeUndefined();
    expect(parameterNat?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
  });

  it("warns about each outside NAT gateway", async () => {
    const { warnings } = await lintIac({ template: fixture("shared-vpc-nat.yaml") });
    const table = placeholderId("rtb", "ParameterRouteTable");

    expect(warnings).toContain(
      `${fixture("shared-vpc-nat.yaml")}: route table ${table} routes to NAT gateway ` +
        "nat-0123456789abcdef0, which the input does not declare; its state is unknown, so the " +
        "checks that need it are reported as skipped",
    );
  });

  it("counts the imported VPC in the source", async () => {
    const { input, result } = await lintIac({ template: fixture("shared-vpc-nat.yaml") });
    const vpcId = input.snapshot.Subnets?.[0]?.VpcId;

    expect(input.snapshot.Source?.VpcIds).toEqual([vpcId]);
    expect(result.source[0]?.vpcIds).toEqual([vpcId]);
  });
});

describe("CloudFormation: conditional NAT gateways", () => {
  const natId = placeholderId("nat", "Nat");

  it("takes the true branch of the route's own condition", async () => {
    const { input } = await lintIac({ template: fixture("nat-conditions.yaml") });
    const table = input.snapshot.RouteTables?.find(
      (item) => item.RouteTableId === placeholderId("rtb", "AppRouteTable"),
    );
    const route = table?.Routes?.find((item) => item.DestinationIpv6CidrBlock === "64:ff9b::/96");

    expect(route?.NatGatewayId).toBe(natId);
  });

  it("judges the route to the conditional NAT", async () => {
    const { result } = await lintIac({ template: fixture("nat-conditions.yaml") });
    const tables = findingsOf(result, "nat64-route-blackhole").map((item) => item.resource.id);

    expect(tables).not.toContain(placeholderId("rtb", "AppRouteTable"));
    expect(
      result.skipped.some((item) =>
        item.resourceIds?.includes(placeholderId("rtb", "AppRouteTable")),
      ),
    ).toBe(false);
  });

  it("skips a route whose condition it does not carry", async () => {
    const { result } = await lintIac({ template: fixture("nat-conditions.yaml") });
    const batchTable = placeholderId("rtb", "BatchRouteTable");
    const skip = result.skipped.find((item) => item.ruleId === "nat64-route-blackhole");
    const tables = findingsOf(result, "nat64-route-blackhole").map((item) => item.resource.id);

    expect(tables).not.toContain(batchTable);
    expect(skip?.resourceIds).toEqual([batchTable]);
  });

  it("flags a route to a NAT it never creates", async () => {
    const { result } = await lintIac({ template: fixture("nat-conditions.yaml") });
    const findings = findingsOf(result, "nat64-route-blackhole");

    expect(findings).toHaveLength(1);
    expect(findings[0]?.messageId).toBe("natNotFound");
    expect(findings[0]?.resource.id).toBe(placeholderId("rtb", "LegacyRouteTable"));
    expect(findings[0]?.data.natGatewayId).toBe(placeholderId("nat", "RetiredNat"));
  });
});

describe("CloudFormation: nested stacks and transforms", () => {
  const subnetId = placeholderId("subnet", "AppSubnet");
  const otherSubnetId = placeholderId("subnet", "OtherSubnet");

  it("skips routing checks of a VPC it passes on", async () => {
    const { result } = await lintIac({ template: fixture("nested-stack.yaml") });
    const skip = result.skipped.find((item) => item.ruleId === "nat64-route-missing");
    const flagged = findingsOf(result, "nat64-route-missing").map((item) => item.resource.id);

    expect(flagged).not.toContain(subnetId);
    expect(skip?.resourceIds).toEqual([subnetId]);
  });

  it("still flags a VPC it keeps to itself", async () => {
    const { result } = await lintIac({ template: fixture("nested-stack.yaml") });
    const flagged = findingsOf(result, "nat64-route-missing").map((item) => item.resource.id);

    expect(flagged).toEqual([otherSubnetId]);
  });

  it("leaves out the passed VPC's route tables", async () => {
    const { input } = await lintIac({ template: fixture("nested-stack.yaml") });
    const vpcs = input.snapshot.RouteTables?.map((table) => table.VpcId);

    expect(vpcs).toEqual([placeholderId("vpc", "OtherVpc")]);
  });

  it("warns about each nested stack", async () => {
    const { warnings } = await lintIac({ template: fixture("nested-stack.yaml") });
    const file = fixture("nested-stack.yaml");

    for (const name of ["Egress", "Logging"]) {
      expect(warnings).toContain(
        `${file}: resource ${name}: nested stack (AWS::CloudFormation::Stack) is not expanded, ` +
          "so the resources it creates are not linted",
      );
    }
    expect(warnings).toContain(
      `${file}: nested stack Egress receives Vpc, AppSubnet; the route tables of ` +
        `${placeholderId("vpc", "Vpc")} are left out, so the checks that read them are ` +
        "reported as skipped",
    );
  });

  it("warns about each transform", async () => {
    const { warnings } = await lintIac({ template: fixture("transforms.yaml") });

    for (const name of ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]) {
      expect(
        warnings.some((line) =>
          line.startsWith(`${fixture("transforms.yaml")}: Transform ${name} is not expanded`),
        ),
      ).toBe(true);
    }
    expect(warnings.every((line) => !line.includes("Handler"))).toBe(true);
  });

  it("rejects a Fn::ForEach loop with a way out", async () => {
    const attempt = lintIac({ template: fixture("for-each.yaml") });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      /resource Fn::ForEach::Subnets is a loop of the AWS::LanguageExtensions transform/,
    );
    await expect(attempt).rejects.toThrow(/--template-stage Processed/);
  });
});

describe("CloudFormation: boolean strings", () => {
  it("reads true and false in any case", async () => {
    const { input } = await lintIac({ template: fixture("boolean-strings.yaml") });
    const subnet = input.snapshot.Subnets?.[0];

    expect(subnet?.Ipv6Native).toBe(true);
    expect(subnet?.EnableDns64).toBe(true);
    expect(subnet?.AssignIpv6AddressOnCreation).toBe(false);
    expect(input.snapshot.VpcAttributes?.[0]?.EnableDnsSupport).toEqual({ Value: false });
  });

  it("reads a string AmazonProvidedIpv6CidrBlock", async () => {
    const { input } = await lintIac({ template: fixture("boolean-strings.yaml") });
    const blocks = input.snapshot.Vpcs?.[0]?.Ipv6CidrBlockAssociationSet ?? [];

    expect(blocks.map((block) => block.Ipv6CidrBlock)).toEqual(["2001:db8:1::/56"]);
  });

  it("leaves out a value that is not boolean", async () => {
    const { input, warnings } = await lintIac({ template: fixture("boolean-strings.yaml") });

    expect(input.snapshot.VpcAttributes?.[0]?.EnableDnsHostnames).toBeUndefined();
    expect(warnings).toContain(
      `${fixture("boolean-strings.yaml")}: resource Vpc property EnableDnsHostnames is "yes", ` +
        "not true or false; the property is left out",
    );
  });
});

describe("CloudFormation: input errors", () => {
  it("rejects a file that is not a template", async () => {
    const attempt = lintIac({ template: fixture("not-cloudformation.yaml") });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      /not a CloudFormation template: expected a top-level Resources map/,
    );
  });

  it("rejects YAML that does not parse, with its line", async () => {
    const attempt = lintIac({ template: fixture("broken.yaml") });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(/broken\.yaml:4:1: not valid YAML or JSON/);
  });

  it.each([
    ["a repeated logical id", "Resources:\n  Vpc: {Type: AWS::EC2::VPC}\n  Vpc: [\n", "t.yaml:3:3"],
    [
      "a repeated property",
      "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: a, CidrBlock: b}\n",
      "t.yaml:4:32",
    ],
    [
      "a repeated key in JSON",
      '{"Resources": {"A": {"Type": "X"},\n "A": {"Type": "X"}}}',
      "t.yaml:2:2",
    ],
  ])("rejects %s, with its line", (_, text, place) => {
    expect(() => parseTemplate("t.yaml", text)).toThrow(
      `${place}: not valid YAML or JSON (Map keys must be unique)`,
    );
  });

  it.each([
    ["a key after an empty value", "Resources:\n  A:\n  A: {Type: X}\n", "t.yaml:2:5"],
    ["an empty key", "Resources:\n  : 1\n  : 2\n", "t.yaml:3:3"],
    [
      "a repeated key after an earlier syntax error",
      "Resources:\n  [x]: {B: 1}\r\n  A: {A: 1, A: 2}\n",
      "t.yaml:3:13",
    ],
    [
      "a syntax error the parser finds after a repeated key",
      "Resources:\n  &a A: *a\r\n  ~: !Ref X\r\n  [x]: {B: 1}\r\n  !!str A: {A: 1, A: 2}\n",
      "t.yaml:5:9",
    ],
  ])("places %s where the yaml parser does", (_, text, place) => {
    const parsed = parseDocument(text, { prettyErrors: false });
    const lines = new LineCounter();
    parseDocument(text, { lineCounter: lines });
    const { line, col } = lines.linePos(parsed.errors[0]?.pos[0] ?? -1);

    expect(`t.yaml:${line}:${col}`).toBe(place);
    expect(() => parseTemplate("t.yaml", text)).toThrow(`${place}: not valid YAML or JSON`);
  });

  it("accepts keys that differ in type", () => {
    const text = 'Resources:\n  A: {Type: X, Properties: {1: a, "1": b}}\n';
    expect(parseTemplate("t.yaml", text).template.Resources.A?.Properties).toEqual({ 1: "b" });
  });

  it("compares each key with few others", () => {
    const logicalIds = Array.from({ length: 400 }, (_, position) => `Subnet${position}`);
    const text = `Resources:\n${logicalIds.map((id) => `  ${id}: {Type: AWS::EC2::Subnet}\n`).join("")}`;
    let reads = 0;
    const value = Object.getOwnPropertyDescriptor(Scalar.prototype, "value");
    Object.defineProperty(Scalar.prototype, "value", {
      configurable: true,
      get(this: { counted?: unknown }) {
        reads += 1;
        return this.counted;
      },
      set(this: { counted?: unknown }, next: unknown) {
        this.counted = next;
      },
    });
    try {
      expect(Object.keys(parseTemplate("t.yaml", text).template.Resources)).toEqual(logicalIds);
    } finally {
      if (value) Object.defineProperty(Scalar.prototype, "value", value);
      else delete (Scalar.prototype as { value?: unknown }).value;
    }
    // Comparing each key with every earlier key of the map would read about 160,000 values.
    expect(reads).toBeLessThan(20 * logicalIds.length);
  });

  it.each([
    [
      "an alias without an anchor",
      "Resources:\n  Vpc:\n    Type: *vpcType\n",
      "t.yaml: line 3 has the alias *vpcType, but no anchor &vpcType comes before it; " +
        "define the anchor first or write the value out",
    ],
    [
      "an alias inside its anchor",
      "Resources:\n  Vpc: &vpc\n    Type: AWS::EC2::VPC\n    Properties:\n" +
        "      Tags: [*vpc]\n",
      "t.yaml: line 5 has the alias *vpc inside the value that &vpc names, so the value " +
        "would contain itself; write the repeated part out",
    ],
  ])("rejects %s", (_case, text, message) => {
    expect(() => parseTemplate("t.yaml", text)).toThrow(InputError);
    expect(() => parseTemplate("t.yaml", text)).toThrow(message);
  });

  it("reads an alias to an earlier anchor", () => {
    const text =
      "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n" +
      "      Tags: &tags [{Key: team, Value: net}]\n" +
      "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      Tags: *tags\n";
    const { template } = parseTemplate("t.yaml", text);
    expect(template.Resources.Subnet?.Properties?.Tags).toEqual([{ Key: "team", Value: "net" }]);
  });

  it("rejects an invalid CIDR, naming the resource", async () => {
    const attempt = lintIac({ template: fixture("invalid-cidr.yaml") });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      'resource Vpc (/Vpcs/0/CidrBlock): found "10.0.0.0/33", expected an IPv4 prefix',
    );
  });

  it("rejects a missing template file", async () => {
    await expect(lintIac({ template: fixture("absent.yaml") })).rejects.toThrow(
      /absent\.yaml: file not found/,
    );
  });

  it("warns about a template without a VPC", async () => {
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "queue.yaml");
    writeFileSync(template, "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n");
    const { warnings } = await lintIac({ template });

    expect(warnings).toContain(
      `${template}: the template defines no VPC and no subnet, so no rule has anything to ` +
        "check; check that this is the template of the network",
    );
  });

  it("keeps quiet about a template with a VPC", async () => {
    const { warnings } = await lintIac({ template: fixture("ipv6-only-dns64.yaml") });

    expect(warnings.filter((line) => line.includes("defines no VPC"))).toEqual([]);
  });

  it("rejects a value outside AllowedValues", async () => {
    const template = fixture("ipv6-only-dns64.yaml");
    const parameters = fixture("nat64-not-allowed.json");
    const attempt = lintIac({ template, parameters });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      `${template}: CloudFormation would reject these parameter values:\n` +
        `  parameter Nat64Route: "maybe", from ${parameters}, is not one of its AllowedValues ` +
        "(true, false)",
    );
  });

  /** Writes a template with the given parameter declarations and one VPC. */
  function withParameters(declarations: string): string {
    const directory = mkdtempSync(join(tmpdir(), "vpc-lint-template-"));
    const template = join(directory, "parameters.yaml");
    const text = [
      "Parameters:",
      declarations,
      "Resources:",
      "  Vpc:",
      "    Type: AWS::EC2::VPC",
      "    Properties: {CidrBlock: 10.0.0.0/16}",
    ].join("\n");
    writeFileSync(template, text);
    return template;
  }

  /** Writes a parameters file of names and values. */
  function parameterFile(values: Record<string, string>): string {
    const parameters = join(mkdtempSync(join(tmpdir(), "vpc-lint-parameters-")), "values.json");
    writeFileSync(parameters, JSON.stringify(values));
    return parameters;
  }

  it.each([
    ["  Count: {Type: Number}", { Count: "abc" }, '"abc", from FILE, is not a number'],
    ["  Count: {Type: Number, MinValue: 2}", { Count: "1" }, "is less than its MinValue 2"],
    ["  Count: {Type: Number, MaxValue: 2}", { Count: "3" }, "is greater than its MaxValue 2"],
    ["  Name: {Type: String, MinLength: 3}", { Name: "ab" }, "is shorter than its MinLength 3"],
    ["  Name: {Type: String, MaxLength: 2}", { Name: "abc" }, "is longer than its MaxLength 2"],
    [
      "  Zones: {Type: CommaDelimitedList, AllowedValues: [a, b]}",
      { Zones: "a,c" },
      '"c", from FILE, is not one of its AllowedValues (a, b)',
    ],
    ["  Count: {Type: Number, Default: x}", {}, '"x", its Default, is not a number'],
  ])("rejects %s with %j", async (declaration, values, expected) => {
    const parameters = parameterFile(values);
    const attempt = lintIac({ template: withParameters(declaration), parameters });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(expected.replace("FILE", parameters));
  });

  it.each([
    ["  Count: {Type: Number, MinValue: 2, MaxValue: 2}", { Count: "2" }],
    ["  Name: {Type: String, MinLength: 2, MaxLength: 2, AllowedValues: [ab]}", { Name: "ab" }],
    ["  Zones: {Type: CommaDelimitedList, AllowedValues: [a, b]}", { Zones: "b,a" }],
    ["  Count: {Type: Number, MinValue: 2}", {}],
    ["  Image: {Type: 'AWS::SSM::Parameter::Value<String>', AllowedValues: [x]}", { Image: "y" }],
  ])("accepts %s with %j", async (declaration, values) => {
    const parameters = parameterFile(values);

    await expect(
      lintIac({ template: withParameters(declaration), parameters }),
    ).resolves.toBeDefined();
  });

  it("warns about a value outside AllowedPattern", async () => {
    const template = withParameters("  Name: {Type: String, AllowedPattern: '[a-z]+'}");
    const { warnings } = await lintIac({ template, parameters: parameterFile({ Name: "a1" }) });

    expect(warnings).toContain(
      `${template}: parameter Name is "a1", which does not match its AllowedPattern [a-z]+, ` +
        "so CloudFormation may reject the stack",
    );
  });

  it("rejects parameters that are neither list nor object", async () => {
    const attempt = lintIac({
      template: fixture("ipv6-only-dns64.yaml"),
      parameters: fixture("parameters-string.json"),
    });

    await expect(attempt).rejects.toThrow(/expected a list of \{ParameterKey, ParameterValue\}/);
  });

  it.each([
    [`{"Parameters": {"VpcCidr": null}}`, "null"],
    [`[{"ParameterKey": "VpcCidr", "ParameterValue": {"Ref": "Cidr"}}]`, `{"Ref":"Cidr"}`],
    [`{"VpcCidr": ["10.0.0.0/16", null]}`, `["10.0.0.0/16",null]`],
  ])("rejects the parameter value in %s", async (text, shown) => {
    const parameters = join(mkdtempSync(join(tmpdir(), "vpc-lint-parameters-")), "values.json");
    writeFileSync(parameters, text);
    const attempt = lintIac({ template: fixture("ipv6-only-dns64.yaml"), parameters });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      `${parameters}: parameter VpcCidr has the value ${shown}; give a string, ` +
        "or a list of strings for a List or CommaDelimitedList parameter",
    );
  });

  it.each([
    [
      `[{"ParameterKey": "VpcCidr", "ParameterValue": "10.0.0.0/16"},
        {"ParameterKey": "VpcCidr", "ParameterValue": "10.1.0.0/16"}]`,
      "parameter VpcCidr is given in items 0 and 1; give each parameter once",
    ],
    [
      `{"Parameters": [{"ParameterKey": "VpcCidr", "ParameterValue": "10.0.0.0/16"},
        {"ParameterKey": "Other", "ParameterValue": "x"},
        {"ParameterKey": "VpcCidr", "ParameterValue": "10.1.0.0/16"}]}`,
      "parameter VpcCidr is given in items 0 and 2; give each parameter once",
    ],
    [
      `{"VpcCidr": "10.0.0.0/16", "VpcCidr": "10.1.0.0/16"}`,
      `/ has the key "VpcCidr" twice; JSON keeps only the last, so remove one`,
    ],
    [
      `{"Parameters": {"VpcCidr": "10.0.0.0/16", "VpcCidr": "10.1.0.0/16"}}`,
      `/Parameters has the key "VpcCidr" twice; JSON keeps only the last, so remove one`,
    ],
  ])("rejects a parameter given twice in %s", async (text, problem) => {
    // Which of two values a deployment would use is unknown, so neither is linted.
    const parameters = join(mkdtempSync(join(tmpdir(), "vpc-lint-parameters-")), "values.json");
    writeFileSync(parameters, text);
    const attempt = lintIac({ template: fixture("ipv6-only-dns64.yaml"), parameters });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(`${parameters}: ${problem}`);
  });

  it("rejects a parameters file that is not JSON", async () => {
    const attempt = lintIac({
      template: fixture("ipv6-only-dns64.yaml"),
      parameters: fixture("broken.yaml"),
    });

    await expect(attempt).rejects.toThrow(/broken\.yaml: not valid JSON/);
  });
});

/** Writes a copy of a fixture template with `from` replaced by `to`, which must occur once. */
function editedTemplate(name: string, from: string, to: string): string {
  const text = readFileSync(fixture(name), "utf8");
  expect(text.split(from)).toHaveLength(2);
  const path = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), name);
  writeFileSync(path, text.replace(from, to));
  return path;
}

/** Lints public-nat64.yaml with `from`, which must occur once, replaced by `to`. */
function lintEditedPublicNat64(from: string, to: string): Promise<Linted> {
  return lintIac({ template: editedTemplate("public-nat64.yaml", from, to) });
}

/** Returns the first IPv6 block of the VPC `Vpc` in a linted snapshot. */
function vpcIpv6Block({ input }: Linted): string | undefined {
  const vpc = input.snapshot.Vpcs?.find((item) => item.VpcId === vpcId);
  return vpc?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
}

describe("CloudFormation: NAT gateway of unknown type", () => {
  const natId = placeholderId("nat", "Nat");
  const lintUnknownType = () =>
    lintEditedPublicNat64(
      "      AllocationId: !GetAtt NatEip.AllocationId\n",
      "      ConnectivityType: !ImportValue network-NatType\n",
    );

  it("leaves the type and state out", async () => {
    const { input } = await lintUnknownType();
    const nat = input.snapshot.NatGateways?.find((item) => item.NatGatewayId === natId);

    expect(nat).toBeDefined();
    expect(nat?.ConnectivityType).toBeUndefined();
    expect(nat?.State).toBeUndefined();
  });

  it("skips the checks through it", async () => {
    const { result, warnings } = await lintUnknownType();
    const skipped = (ruleId: string) =>
      result.skipped.find((item) => item.ruleId === ruleId)?.resourceIds;

    expect(findingsOf(result, "public-nat64-leaks-service-traffic")).toEqual([]);
    expect(skipped("private-nat64-to-public-destination")).toEqual([
      placeholderId("subnet", "AppSubnet"),
    ]);
    const expected =
      `: the ConnectivityType of NAT gateway ${natId} is known only after deployment and ` +
      "decides where its traffic goes, so its State is left out and the checks that go through " +
      "it are reported as skipped";
    expect(warnings.some((line) => line.endsWith(expected))).toBe(true);
  });
});

describe("CloudFormation: NAT gateway of unknown availability mode", () => {
  const natId = placeholderId("nat", "Nat");
  const allocation = "      AllocationId: !GetAtt NatEip.AllocationId\n";

  it("leaves the state out", async () => {
    const { input, warnings } = await lintEditedPublicNat64(
      allocation,
      `${allocation}      AvailabilityMode: !ImportValue network-NatMode\n`,
    );
    const nat = input.snapshot.NatGateways?.find((item) => item.NatGatewayId === natId);

    expect(nat?.ConnectivityType).toBe("public");
    expect(nat?.State).toBeUndefined();
    const expected = `the AvailabilityMode of NAT gateway ${natId} is known only after deployment`;
    expect(warnings.some((line) => line.includes(expected))).toBe(true);
  });
});

describe("CloudFormation: IPv6 block from a pool", () => {
  const amazonProvided = "      AmazonProvidedIpv6CidrBlock: true\n";

  it("gives a BYOIP pool's VPC a block", async () => {
    const linted = await lintEditedPublicNat64(
      amazonProvided,
      "      Ipv6Pool: ipv6pool-ec2-0123456789abcdef0\n",
    );
    const subnet = linted.input.snapshot.Subnets?.find((item) => item.SubnetId === appSubnetId);

    expect(vpcIpv6Block(linted)).toBe("2001:db8:1::/56");
    expect(subnet?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe("2001:db8:1:1::/64");
    expect(findingsOf(linted.result, "nacl-blocks-nat64")).toEqual([]);
    expect(linted.result.summary.error).toBe(0);
  });

  it("uses /56 for an unknown IPAM length", async () => {
    const linted = await lintEditedPublicNat64(
      amazonProvided,
      "      Ipv6IpamPoolId: ipam-pool-0123456789abcdef0\n" +
        "      Ipv6NetmaskLength: !ImportValue network-Ipv6Length\n",
    );
    const noted = linted.warnings.some((line) =>
      line.includes("resource VpcV6 property Ipv6NetmaskLength"),
    );

    expect(vpcIpv6Block(linted)).toBe("2001:db8:1::/56");
    expect(noted).toBe(true);
  });
});

describe("CloudFormation: AZ of a subnet without one", () => {
  it("leaves the AZ it gives unknown", async () => {
    const text = readFileSync(fixture("public-nat64.yaml"), "utf8")
      .replace(
        '      AvailabilityZone: !Select [0, !GetAZs ""]\n      CidrBlock:',
        "      AvailabilityZone: !GetAtt AppSubnet.AvailabilityZone\n      CidrBlock:",
      )
      .replace(
        '      AvailabilityZone: !Select [0, !GetAZs ""]\n      Ipv6Native:',
        "      Ipv6Native:",
      );
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "az.yaml");
    writeFileSync(template, text);
    const { input, warnings } = await lintIac({ template });
    const publicSubnet = input.snapshot.Subnets?.find(
      (item) => item.SubnetId === placeholderId("subnet", "PublicSubnet"),
    );

    expect(publicSubnet).toBeDefined();
    expect(publicSubnet?.AvailabilityZone).toBeUndefined();
    expect(
      warnings.some((line) => line.includes("resource PublicSubnet property AvailabilityZone")),
    ).toBe(true);
  });
});

describe("CloudFormation: private DNS for inbound resolvers only", () => {
  const endpointId = placeholderId("vpce", "SsmMessagesEndpoint");
  const withDnsOptions = (value: string) =>
    editedTemplate(
      "private-nat64-ssm.yaml",
      "      SecurityGroupIds: [!GetAtt EndpointSg.GroupId]\n",
      "      SecurityGroupIds: [!GetAtt EndpointSg.GroupId]\n" +
        `      DnsOptions:\n        PrivateDnsOnlyForInboundResolverEndpoint: ${value}\n`,
    );
  const endpointOf = async (template: string) => {
    const { input } = await lintIac({ template });
    return input.snapshot.VpcEndpoints?.find((item) => item.VpcEndpointId === endpointId);
  };

  it("maps OnlyInboundResolver to the flag", async () => {
    const endpoint = await endpointOf(withDnsOptions("OnlyInboundResolver"));

    expect(endpoint?.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint).toBe(true);
    expect(endpoint?.PrivateDnsEnabled).toBe(true);
  });

  it("maps AllResolvers to false", async () => {
    const endpoint = await endpointOf(withDnsOptions("AllResolvers"));

    expect(endpoint?.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint).toBe(false);
  });

  it("leaves private DNS unknown for an import", async () => {
    const endpoint = await endpointOf(withDnsOptions("!ImportValue network-InboundOnly"));

    expect(endpoint).toBeDefined();
    expect(endpoint?.PrivateDnsEnabled).toBeUndefined();
  });
});

describe("CloudFormation: Auto Scaling group at size 0", () => {
  it("adds no instance without DesiredCapacity", async () => {
    const { input } = await lintEditedPublicNat64('      MinSize: "1"\n', '      MinSize: "0"\n');
    const instances = (input.snapshot.Reservations ?? []).flatMap((item) => item.Instances ?? []);

    expect(instances).toEqual([]);
  });
});

describe("CloudFormation: rule protocol unknown", () => {
  it("leaves the group's egress out", async () => {
    const { input, result } = await lintEditedPublicNat64(
      '        - IpProtocol: "-1"\n          CidrIpv6: ::/0\n',
      "        - IpProtocol: !ImportValue network-EgressProtocol\n" +
        "          FromPort: 22\n          ToPort: 22\n          CidrIpv6: ::/0\n",
    );
    const group = input.snapshot.SecurityGroups?.find(
      (item) => item.GroupId === placeholderId("sg", "AppSg"),
    );
    const skipped = result.skipped.find((item) => item.ruleId === "instance-sg-egress-blocks-ipv6");

    expect(group).toBeDefined();
    expect(group?.IpPermissionsEgress).toBeUndefined();
    expect(skipped).toBeDefined();
  });

  it("leaves an ACL with an unknown action out", async () => {
    const { input } = await lintEditedPublicNat64(
      "  AppSg:\n",
      [
        "  AppAcl:",
        "    Type: AWS::EC2::NetworkAcl",
        "    Properties:",
        "      VpcId: !Ref Vpc",
        "  AppAclOut:",
        "    Type: AWS::EC2::NetworkAclEntry",
        "    Properties:",
        "      NetworkAclId: !Ref AppAcl",
        "      RuleNumber: 100",
        "      Protocol: -1",
        "      Egress: true",
        "      RuleAction: !ImportValue network-AclAction",
        "      Ipv6CidrBlock: ::/0",
        "  AppAclAssoc:",
        "    Type: AWS::EC2::SubnetNetworkAclAssociation",
        "    Properties:",
        "      NetworkAclId: !Ref AppAcl",
        "      SubnetId: !Ref AppSubnet",
        "  AppSg:",
        "",
      ].join("\n"),
    );
    const aclIds = input.snapshot.NetworkAcls?.map((acl) => acl.NetworkAclId);

    expect(aclIds).not.toContain(placeholderId("acl", "AppAcl"));
  });
});

describe("CloudFormation: route tables outside the template", () => {
  const publicVpcId = placeholderId("vpc", "Vpc");
  const appAssociation = "      SubnetId: !Ref AppSubnet\n      RouteTableId: !Ref AppRt";

  it("passes the public NAT64 design", async () => {
    const { result } = await lintIac({ template: fixture("public-nat64.yaml") });

    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
  });

  it("skips a subnet on an imported table", async () => {
    const template = editedTemplate(
      "public-nat64.yaml",
      appAssociation,
      "      SubnetId: !Ref AppSubnet\n      RouteTableId: !ImportValue shared-AppRouteTable",
    );
    const { input, result, warnings } = await lintIac({ template });
    const skipped = result.skipped.find((item) => item.ruleId === "nat64-route-missing");

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(skipped?.resourceIds).toEqual([placeholderId("subnet", "AppSubnet")]);
    expect(input.snapshot.RouteTables?.some((table) => table.VpcId === publicVpcId)).toBe(false);
    expect(
      warnings.some((line) =>
        line.includes("which the input does not define; the route tables of"),
      ),
    ).toBe(true);
  });

  it("skips routing for an unknown route destination", async () => {
    const template = editedTemplate(
      "public-nat64.yaml",
      "      DestinationIpv6CidrBlock: 64:ff9b::/96",
      "      DestinationIpv6CidrBlock: !ImportValue shared-Nat64Prefix",
    );
    const { result, warnings } = await lintIac({ template });

    expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nat64-route-missing");
    expect(
      warnings.some((line) =>
        line.includes("route AppNat64 has a DestinationIpv6CidrBlock that is known only after"),
      ),
    ).toBe(true);
  });

  it("keeps a route into an imported table apart", async () => {
    const template = editedTemplate(
      "public-nat64.yaml",
      "      RouteTableId: !Ref AppRt\n      DestinationIpv6CidrBlock: 64:ff9b::/96",
      "      RouteTableId: !ImportValue shared-AppRouteTable\n      DestinationIpv6CidrBlock: 64:ff9b::/96",
    );
    const { result } = await lintIac({ template });

    // The template's own table AppRt has no NAT64 route, whatever the imported table holds.
    expect(findingsOf(result, "nat64-route-missing").map((item) => item.resource.id)).toEqual([
      placeholderId("subnet", "AppSubnet"),
    ]);
  });
});

describe("CloudFormation: private NAT64 to Session Manager endpoints", () => {
  const options = { region: "eu-west-1" };
  const endpointGroupId = placeholderId("sg", "EndpointSg");
  const natSubnetRule = "CidrIp: !GetAtt NatSubnetA.CidrBlock";

  it("passes the private NAT64 design", async () => {
    const { result } = await lintIac({ ...options, template: fixture("private-nat64-ssm.yaml") });

    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).not.toContain(
      "endpoint-sg-blocks-nat64-source",
    );
  });

  it.each([
    [
      "a rule under an unknown condition",
      `SecurityGroupIngress:
        - !If
          - OpenNat
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, ${natSubnetRule}}
          - !Ref AWS::NoValue`,
    ],
    [
      "rules under an unknown condition",
      `SecurityGroupIngress: !If
        - OpenNat
        - [{IpProtocol: tcp, FromPort: 443, ToPort: 443, ${natSubnetRule}}]
        - []`,
    ],
  ])("skips endpoints whose group has %s", async (_, ingress) => {
    const text = readFileSync(fixture("private-nat64-ssm.yaml"), "utf8");
    const inline = `SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          ${natSubnetRule}`;
    expect(text.split(inline)).toHaveLength(2);
    const edited = text
      .replace(inline, ingress)
      .replace("Parameters:\n", "Parameters:\n  NatAccess:\n    Type: String\n")
      .replace("Conditions:\n", 'Conditions:\n  OpenNat: !Equals [!Ref NatAccess, "open"]\n');
    const template = join(mkdtempSync(join(tmpdir(), "vpc-lint-template-")), "conditional.yaml");
    writeFileSync(template, edited);
    const { result, warnings } = await lintIac({ ...options, template });
    const skipped = result.skipped.filter(
      (item) => item.ruleId === "endpoint-sg-blocks-nat64-source",
    );

    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(skipped.length).toBeGreaterThan(0);
    expect(
      warnings.some((line) => line.includes("resource EndpointSg property SecurityGroupIngress")),
    ).toBe(true);
  });

  it("flags endpoints closed to the NAT address", async () => {
    const template = editedTemplate(
      "private-nat64-ssm.yaml",
      natSubnetRule,
      "CidrIp: 10.30.9.0/24",
    );
    const { result } = await lintIac({ ...options, template });
    const findings = findingsOf(result, "endpoint-sg-blocks-nat64-source");

    expect(findings).toHaveLength(3);
    expect(findings.every((finding) => finding.severity === "error")).toBe(true);
  });

  it("skips ACL checks for an imported CIDR", async () => {
    const acl = [
      "  NatAcl:",
      "    Type: AWS::EC2::NetworkAcl",
      "    Properties: {VpcId: !Ref Vpc}",
      "  NatAclAssociation:",
      "    Type: AWS::EC2::SubnetNetworkAclAssociation",
      "    Properties: {SubnetId: !Ref NatSubnetA, NetworkAclId: !Ref NatAcl}",
      "  NatAclIn:",
      "    Type: AWS::EC2::NetworkAclEntry",
      "    Properties:",
      "      NetworkAclId: !Ref NatAcl",
      "      RuleNumber: 100",
      "      Protocol: -1",
      "      RuleAction: allow",
      "      CidrBlock: !ImportValue shared-VpcCidr",
      "  AppSg:",
    ].join("\n");
    const template = editedTemplate("private-nat64-ssm.yaml", "  AppSg:", acl);
    const { input, result, warnings } = await lintIac({ ...options, template });
    const aclIds = input.snapshot.NetworkAcls?.map((item) => item.NetworkAclId);

    expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("nacl-blocks-nat64");
    expect(aclIds).toEqual([]);
    expect(
      warnings.some((line) =>
        line.includes(`network ACL ${placeholderId("acl", "NatAcl")} has an entry with a value`),
      ),
    ).toBe(true);
  });

  /**
   * Lints the design with `secondary` added to NAT gateway NatA, the endpoints admitting only its
   * primary address from that subnet.
   */
  async function lintWithSecondaryIps(secondary: string) {
    const primary = "PrivateIpAddress: 10.30.0.10";
    const withSecondary = editedTemplate(
      "private-nat64-ssm.yaml",
      primary,
      `${primary}\n${secondary}`,
    );
    const text = readFileSync(withSecondary, "utf8");
    expect(text.split(natSubnetRule)).toHaveLength(2);
    writeFileSync(withSecondary, text.replace(natSubnetRule, "CidrIp: 10.30.0.10/32"));
    return (await lintIac({ ...options, template: withSecondary })).result;
  }

  it("warns on endpoints closed to a listed secondary IP", async () => {
    const result = await lintWithSecondaryIps("      SecondaryPrivateIpAddresses: [10.30.0.11]");
    const findings = result.findings.filter(
      (item) => item.ruleId === "endpoint-sg-blocks-nat64-source",
    );

    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((item) => item.messageId === "blocksSome")).toBe(true);
    expect(findings[0]?.data.sources).toBe("10.30.0.11");
  });

  it("skips endpoints that admit the primary IP beside a secondary count", async () => {
    const result = await lintWithSecondaryIps("      SecondaryPrivateIpAddressCount: 2");

    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("endpoint-sg-blocks-nat64-source");
  });

  it("skips the endpoint check for an imported CIDR", async () => {
    const template = editedTemplate(
      "private-nat64-ssm.yaml",
      natSubnetRule,
      "CidrIp: !ImportValue shared-NatCidr",
    );
    const { input, result, warnings } = await lintIac({ ...options, template });
    const group = input.snapshot.SecurityGroups?.find((item) => item.GroupId === endpointGroupId);

    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(result.skipped.map((item) => item.ruleId)).toContain("endpoint-sg-blocks-nat64-source");
    expect(group?.IpPermissions).toBeUndefined();
    expect(group?.IpPermissionsEgress).toBeDefined();
    expect(
      warnings.some((line) =>
        line.includes(`security group ${endpointGroupId} has an ingress rule that is known only`),
      ),
    ).toBe(true);
  });
});

describe("CloudFormation: lookups in a large template", () => {
  /** Returns a template of one VPC, one launch template and many instances that use it. */
  function manyInstances(count: number): Template["Resources"] {
    const resources: Template["Resources"] = {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
      VpcV6: {
        Type: "AWS::EC2::VPCCidrBlock",
        Properties: { VpcId: { Ref: "Vpc" }, AmazonProvidedIpv6CidrBlock: true },
      },
      AppLt: {
        Type: "AWS::EC2::LaunchTemplate",
        Properties: { LaunchTemplateData: { ImageId: "ami-0123456789abcdef0" } },
      },
    };
    for (let position = 0; position < count; position += 1) {
      resources[`App${position}`] = {
        Type: "AWS::EC2::Instance",
        Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: "AppLt" }, Version: "1" } },
      };
    }
    return resources;
  }

  it("lists the resources once for all instances", () => {
    let listings = 0;
    const resources = new Proxy(manyInstances(50), {
      ownKeys(target) {
        listings += 1;
        return Reflect.ownKeys(target);
      },
    });
    const template = { Resources: resources } as Template;
    const pseudo = { region: "us-east-1", accountId: "123456789012", stackName: "app" };
    const resolver = new IntrinsicResolver(template, new Map(), pseudo);
    const builder = new SnapshotBuilder("us-east-1", undefined);
    const context = new TemplateContext(template, resolver, builder, "us-east-1");
    const mapInstance = MAPPERS["AWS::EC2::Instance"] as NonNullable<(typeof MAPPERS)[string]>;

    const blocks = [];
    for (let position = 0; position < 50; position += 1) {
      mapInstance(context.reader(`App${position}`), context);
      blocks.push(context.getAtt("Vpc", "Ipv6CidrBlocks"));
    }

    expect(builder.warnings).toEqual([]);
    expect(blocks[49]).toEqual(blocks[0]);
    expect((blocks[0] as unknown[]).length).toBe(1);
    expect(listings).toBe(1);
  });
});
