/**
 * Builds the example VPC designs through EC2 Create* calls, the way a user's account would hold
 * them: the public NAT64 design, the private NAT64 design with Session Manager endpoints in two
 * Availability Zones, and a broken NAT64 design. Written for a local moto server, with steps
 * that work around moto 5.2 gaps described where they happen.
 */
import {
  AllocateAddressCommand,
  AssociateDhcpOptionsCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateDhcpOptionsCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteNatGatewayCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  RunInstancesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { assertLoopback, MOTO_CREDENTIALS, MOTO_REGION } from "./moto-server.js";

/** An AMI id that moto 5.2 ships in its default image list. */
export const IMAGE_ID = "ami-12c6146b";
const INSTANCE_TYPE = "t4g.small";
const NAT64_PREFIX = "64:ff9b::/96";

/** The ids of everything one design created, by resource kind. */
export interface BuiltDesign {
  vpcId: string;
  subnets: Record<string, string>;
  routeTables: Record<string, string>;
  natGateways: Record<string, string>;
  securityGroups: Record<string, string>;
  endpoints: Record<string, string>;
  instances: Record<string, string>;
  internetGatewayId?: string;
  egressOnlyInternetGatewayId?: string;
  dhcpOptionsId?: string;
  networkAclId: string;
}

/** Returns an EC2 client for a loopback endpoint, with moto's dummy keys and Region. */
export function motoEc2Client(endpoint: string, region = MOTO_REGION): EC2Client {
  assertLoopback(endpoint);
  return new EC2Client({
    endpoint,
    region,
    credentials: MOTO_CREDENTIALS,
    maxAttempts: 1,
  });
}

/**
 * Builds the design of examples/public-nat64.json: an IPv6-only subnet with NAT64 through a
 * public NAT gateway.
 */
export async function buildPublicNat64(ec2: EC2Client): Promise<BuiltDesign> {
  const vpc = await createVpc(ec2, "10.0.0.0/16", [{ Key: "Name", Value: "public-nat64" }]);
  const design = emptyDesign(vpc.vpcId, await allowIpv6InDefaultAcl(ec2, vpc.vpcId));
  const publicA = await createSubnet(ec2, vpc, "public-a", "us-east-1a", 0, "10.0.0.0/24");
  const appA = await createSubnet(ec2, vpc, "app-a", "us-east-1a", 1);
  design.subnets = { "public-a": publicA, "app-a": appA };
  await enableDns64(ec2, appA);

  const igw = await createInternetGateway(ec2, vpc.vpcId);
  const eigw = await createEgressOnlyGateway(ec2, vpc.vpcId);
  design.internetGatewayId = igw;
  design.egressOnlyInternetGatewayId = eigw;
  const nat = await createNatGateway(ec2, publicA, "public", "nat-a");
  design.natGateways = { "nat-a": nat };
  design.routeTables = {
    public: await createRouteTable(ec2, vpc.vpcId, "public", [publicA], internetRoutes(igw)),
    app: await createRouteTable(
      ec2,
      vpc.vpcId,
      "app",
      [appA],
      [nat64Route(nat), egressOnlyRoute(eigw)],
    ),
  };

  const app = await createSecurityGroup(ec2, vpc.vpcId, "app");
  design.securityGroups = { app };
  design.instances = { "app-a": await runInstance(ec2, appA, app, true) };
  await enableDnsHostnames(ec2, vpc.vpcId);
  return design;
}

/**
 * Builds the design of examples/private-nat64-endpoints.json: IPv6-only subnets in two AZs with
 * NAT64 through private NAT gateways, and the three Session Manager endpoints in both AZs.
 */
export async function buildPrivateNat64(ec2: EC2Client): Promise<BuiltDesign> {
  const vpc = await createVpc(ec2, "10.1.0.0/16", [
    { Key: "Name", Value: "private-nat64" },
    { Key: "vpc-lint:private-only", Value: "true" },
  ]);
  const design = emptyDesign(vpc.vpcId, await allowIpv6InDefaultAcl(ec2, vpc.vpcId));
  design.dhcpOptionsId = await associateDhcpOptions(ec2, vpc.vpcId, "AmazonProvidedDNS");
  const natA = await createSubnet(ec2, vpc, "private-nat-a", "us-east-1a", 0, "10.1.0.0/24");
  const natB = await createSubnet(ec2, vpc, "private-nat-b", "us-east-1b", 1, "10.1.1.0/24");
  const appA = await createSubnet(ec2, vpc, "app-a", "us-east-1a", 2);
  const appB = await createSubnet(ec2, vpc, "app-b", "us-east-1b", 3);
  design.subnets = { "private-nat-a": natA, "private-nat-b": natB, "app-a": appA, "app-b": appB };
  await enableDns64(ec2, appA);
  await enableDns64(ec2, appB);

  const gatewayA = await createNatGateway(ec2, natA, "private", "private-nat-a");
  const gatewayB = await createNatGateway(ec2, natB, "private", "private-nat-b");
  design.natGateways = { "private-nat-a": gatewayA, "private-nat-b": gatewayB };
  design.routeTables = {
    "app-a": await createRouteTable(ec2, vpc.vpcId, "app-a", [appA], [nat64Route(gatewayA)]),
    "app-b": await createRouteTable(ec2, vpc.vpcId, "app-b", [appB], [nat64Route(gatewayB)]),
  };

  const app = await createSecurityGroup(ec2, vpc.vpcId, "app");
  const endpointGroup = await createSecurityGroup(ec2, vpc.vpcId, "endpoints");
  await allowHttpsFrom(ec2, endpointGroup, ["10.1.0.0/24", "10.1.1.0/24"]);
  design.securityGroups = { app, endpoints: endpointGroup };
  for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
    design.endpoints[service] = await createInterfaceEndpoint(ec2, vpc.vpcId, service, {
      subnets: [natA, natB],
      group: endpointGroup,
      privateDns: true,
    });
  }
  design.instances = {
    "app-a": await runInstance(ec2, appA, app, true),
    "app-b": await runInstance(ec2, appB, app, true),
  };
  await enableDnsHostnames(ec2, vpc.vpcId);
  return design;
}

/**
 * Builds a design like examples/broken-nat64.json: DHCP options with IPv4 DNS servers only, a
 * 64:ff9b::/96 route to a deleted NAT gateway, an SSM endpoint with private DNS off, no
 * ssmmessages or ec2messages endpoint, and an instance with IMDS over IPv6 off.
 */
export async function buildBrokenNat64(ec2: EC2Client): Promise<BuiltDesign> {
  const vpc = await createVpc(ec2, "10.2.0.0/16", [{ Key: "Name", Value: "broken-nat64" }]);
  const design = emptyDesign(vpc.vpcId, await allowIpv6InDefaultAcl(ec2, vpc.vpcId));
  design.dhcpOptionsId = await associateDhcpOptions(ec2, vpc.vpcId, "10.2.0.53", "10.2.1.53");
  const publicA = await createSubnet(ec2, vpc, "public-a", "us-east-1a", 0, "10.2.0.0/24");
  const ipv6OnlyA = await createSubnet(ec2, vpc, "ipv6-only-a", "us-east-1a", 1);
  const dualStackA = await createSubnet(ec2, vpc, "dual-stack-a", "us-east-1a", 2, "10.2.1.0/24");
  const ipv6OnlyB = await createSubnet(ec2, vpc, "ipv6-only-b", "us-east-1b", 3);
  design.subnets = {
    "public-a": publicA,
    "ipv6-only-a": ipv6OnlyA,
    "dual-stack-a": dualStackA,
    "ipv6-only-b": ipv6OnlyB,
  };
  await enableDns64(ec2, ipv6OnlyA);
  await enableDns64(ec2, dualStackA);

  design.internetGatewayId = await createInternetGateway(ec2, vpc.vpcId);
  design.egressOnlyInternetGatewayId = await createEgressOnlyGateway(ec2, vpc.vpcId);
  design.natGateways = {
    "nat-old": await createNatGateway(ec2, publicA, "public", "nat-old"),
    "nat-a": await createNatGateway(ec2, publicA, "public", "nat-a"),
  };
  design.routeTables = await routeBrokenNat64(ec2, design);
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: design.natGateways["nat-old"] }));

  const app = await createSecurityGroup(ec2, vpc.vpcId, "app");
  const endpointGroup = await createSecurityGroup(ec2, vpc.vpcId, "endpoints");
  design.securityGroups = { app, endpoints: endpointGroup };
  design.endpoints.ssm = await createInterfaceEndpoint(ec2, vpc.vpcId, "ssm", {
    subnets: [publicA],
    group: endpointGroup,
    privateDns: false,
  });
  design.instances = {
    "ipv6-only-a": await runInstance(ec2, ipv6OnlyA, app, false),
    "dual-stack-a": await runInstance(ec2, dualStackA, app, true),
  };
  await enableDnsHostnames(ec2, vpc.vpcId);
  return design;
}

/**
 * Creates the broken design's route tables: ipv6-only-a routes 64:ff9b::/96 to the NAT gateway
 * that is deleted next, and dual-stack-a and ipv6-only-b have no 64:ff9b::/96 route.
 */
async function routeBrokenNat64(
  ec2: EC2Client,
  design: BuiltDesign,
): Promise<Record<string, string>> {
  const { vpcId, subnets, natGateways } = design;
  const igw = required(design.internetGatewayId, "internet gateway");
  const eigw = required(design.egressOnlyInternetGatewayId, "egress-only internet gateway");
  const table = (name: string, routes: RouteTarget[]) =>
    createRouteTable(ec2, vpcId, name, [required(subnets[name], `subnet ${name}`)], routes);
  return {
    public: await createRouteTable(
      ec2,
      vpcId,
      "public",
      [required(subnets["public-a"], "subnet public-a")],
      internetRoutes(igw),
    ),
    "ipv6-only-a": await table("ipv6-only-a", [
      nat64Route(required(natGateways["nat-old"], "NAT gateway nat-old")),
      egressOnlyRoute(eigw),
    ]),
    "dual-stack-a": await table("dual-stack-a", [
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natGateways["nat-a"] },
      egressOnlyRoute(eigw),
    ]),
    "ipv6-only-b": await table("ipv6-only-b", [egressOnlyRoute(eigw)]),
  };
}

interface CreatedVpc {
  vpcId: string;
  /** The VPC's Amazon-provided IPv6 /56, such as 2400:6500:25a5:2500::/56. */
  ipv6Block: string;
}

function emptyDesign(vpcId: string, networkAclId: string): BuiltDesign {
  return {
    vpcId,
    networkAclId,
    subnets: {},
    routeTables: {},
    natGateways: {},
    securityGroups: {},
    endpoints: {},
    instances: {},
  };
}

async function createVpc(ec2: EC2Client, cidr: string, tags: Tag[]): Promise<CreatedVpc> {
  const output = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      AmazonProvidedIpv6CidrBlock: true,
      TagSpecifications: [{ ResourceType: "vpc", Tags: tags }],
    }),
  );
  const vpcId = required(output.Vpc?.VpcId, "CreateVpc VpcId");
  const ipv6Block = required(
    output.Vpc?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock,
    "CreateVpc Ipv6CidrBlock",
  );
  return { vpcId, ipv6Block };
}

/**
 * Creates a subnet with the index-th /64 of the VPC's /56. A subnet without an IPv4 CIDR is
 * IPv6-only (Ipv6Native).
 */
async function createSubnet(
  ec2: EC2Client,
  vpc: CreatedVpc,
  name: string,
  zone: string,
  index: number,
  ipv4Cidr?: string,
): Promise<string> {
  const output = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpc.vpcId,
      AvailabilityZone: zone,
      Ipv6CidrBlock: nthSubnet64(vpc.ipv6Block, index),
      ...(ipv4Cidr ? { CidrBlock: ipv4Cidr } : { Ipv6Native: true }),
      TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Name", Value: name }] }],
    }),
  );
  return required(output.Subnet?.SubnetId, "CreateSubnet SubnetId");
}

/** Returns the index-th /64 of a /56 written with four groups, such as 2400:6500:25a5:2500::/56. */
export function nthSubnet64(block56: string, index: number): string {
  const [address] = block56.split("/");
  const groups = (address ?? "").replace(/::$/, "").split(":");
  const last = Number.parseInt(groups[3] ?? "", 16);
  if (groups.length !== 4 || Number.isNaN(last) || (last & 0xff) !== 0 || index > 0xff) {
    throw new Error(`cannot carve /64 number ${index} from ${block56}`);
  }
  groups[3] = (last + index).toString(16);
  return `${groups.join(":")}::/64`;
}

/** NOTE: moto 5.2 accepts EnableDns64 but never stores or returns it; AWS stores it. */
async function enableDns64(ec2: EC2Client, subnetId: string): Promise<void> {
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: subnetId, EnableDns64: { Value: true } }),
  );
}

/**
 * Adds the IPv6 allow-all entries that AWS puts in a default network ACL of a VPC with an IPv6
 * block, because moto 5.2 creates the default ACL with IPv4 entries only. Returns the ACL id.
 */
async function allowIpv6InDefaultAcl(ec2: EC2Client, vpcId: string): Promise<string> {
  const output = await ec2.send(
    new DescribeNetworkAclsCommand({
      Filters: [
        { Name: "vpc-id", Values: [vpcId] },
        { Name: "default", Values: ["true"] },
      ],
    }),
  );
  const aclId = required(output.NetworkAcls?.[0]?.NetworkAclId, "default NetworkAclId");
  for (const egress of [false, true]) {
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: aclId,
        RuleNumber: 101,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        Ipv6CidrBlock: "::/0",
      }),
    );
  }
  return aclId;
}

async function associateDhcpOptions(
  ec2: EC2Client,
  vpcId: string,
  ...servers: string[]
): Promise<string> {
  const domain = servers[0] === "AmazonProvidedDNS" ? "ec2.internal" : "corp.example.com";
  const output = await ec2.send(
    new CreateDhcpOptionsCommand({
      DhcpConfigurations: [
        { Key: "domain-name-servers", Values: servers },
        { Key: "domain-name", Values: [domain] },
      ],
    }),
  );
  const id = required(output.DhcpOptions?.DhcpOptionsId, "CreateDhcpOptions DhcpOptionsId");
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: id, VpcId: vpcId }));
  return id;
}

async function createInternetGateway(ec2: EC2Client, vpcId: string): Promise<string> {
  const output = await ec2.send(new CreateInternetGatewayCommand({}));
  const id = required(output.InternetGateway?.InternetGatewayId, "InternetGatewayId");
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
  return id;
}

async function createEgressOnlyGateway(ec2: EC2Client, vpcId: string): Promise<string> {
  const output = await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpcId }));
  return required(
    output.EgressOnlyInternetGateway?.EgressOnlyInternetGatewayId,
    "EgressOnlyInternetGatewayId",
  );
}

async function createNatGateway(
  ec2: EC2Client,
  subnetId: string,
  connectivity: "public" | "private",
  name: string,
): Promise<string> {
  let allocationId: string | undefined;
  if (connectivity === "public") {
    const address = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
    allocationId = required(address.AllocationId, "AllocateAddress AllocationId");
  }
  const output = await ec2.send(
    new CreateNatGatewayCommand({
      SubnetId: subnetId,
      ConnectivityType: connectivity,
      ...(allocationId && { AllocationId: allocationId }),
      TagSpecifications: [{ ResourceType: "natgateway", Tags: [{ Key: "Name", Value: name }] }],
    }),
  );
  return required(output.NatGateway?.NatGatewayId, "CreateNatGateway NatGatewayId");
}

async function createRouteTable(
  ec2: EC2Client,
  vpcId: string,
  name: string,
  subnetIds: string[],
  routes: RouteTarget[],
): Promise<string> {
  const output = await ec2.send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: "route-table", Tags: [{ Key: "Name", Value: name }] }],
    }),
  );
  const id = required(output.RouteTable?.RouteTableId, "CreateRouteTable RouteTableId");
  for (const subnetId of subnetIds) {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
  }
  for (const route of routes) {
    await ec2.send(new CreateRouteCommand({ RouteTableId: id, ...route }));
  }
  return id;
}

type RouteTarget = Omit<ConstructorParameters<typeof CreateRouteCommand>[0], "RouteTableId">;

function internetRoutes(igw: string): RouteTarget[] {
  return [
    { DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw },
    { DestinationIpv6CidrBlock: "::/0", GatewayId: igw },
  ];
}

function nat64Route(natGatewayId: string): RouteTarget {
  return { DestinationIpv6CidrBlock: NAT64_PREFIX, NatGatewayId: natGatewayId };
}

function egressOnlyRoute(eigw: string): RouteTarget {
  return { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw };
}

/**
 * Creates a security group. Its default egress rules allow all IPv4 and, in moto 5.2 as in AWS
 * for a VPC with an IPv6 block, all IPv6 traffic.
 */
async function createSecurityGroup(ec2: EC2Client, vpcId: string, name: string): Promise<string> {
  const output = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: name,
      Description: name,
      TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "Name", Value: name }] }],
    }),
  );
  return required(output.GroupId, "CreateSecurityGroup GroupId");
}

async function allowHttpsFrom(ec2: EC2Client, groupId: string, cidrs: string[]): Promise<void> {
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: cidrs.map((cidr) => ({
            CidrIp: cidr,
            Description: "NAT64 from the private NAT gateways",
          })),
        },
      ],
    }),
  );
}

async function createInterfaceEndpoint(
  ec2: EC2Client,
  vpcId: string,
  service: string,
  options: { subnets: string[]; group: string; privateDns: boolean },
): Promise<string> {
  const output = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: vpcId,
      VpcEndpointType: "Interface",
      ServiceName: `com.amazonaws.${MOTO_REGION}.${service}`,
      SubnetIds: options.subnets,
      SecurityGroupIds: [options.group],
      PrivateDnsEnabled: options.privateDns,
    }),
  );
  return required(output.VpcEndpoint?.VpcEndpointId, "CreateVpcEndpoint VpcEndpointId");
}

/**
 * Launches one instance with IMDSv2 and the given IPv6 metadata setting.
 * NOTE: moto 5.2 fails RunInstances into an IPv6-only subnet while the VPC has DNS hostnames on,
 * so the designs launch instances first and turn DNS hostnames on last.
 */
async function runInstance(
  ec2: EC2Client,
  subnetId: string,
  groupId: string,
  imdsIpv6: boolean,
): Promise<string> {
  const output = await ec2.send(
    new RunInstancesCommand({
      ImageId: IMAGE_ID,
      InstanceType: INSTANCE_TYPE,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: [groupId],
      MetadataOptions: {
        HttpTokens: "required",
        HttpEndpoint: "enabled",
        HttpProtocolIpv6: imdsIpv6 ? "enabled" : "disabled",
      },
    }),
  );
  const id = required(output.Instances?.[0]?.InstanceId, "RunInstances InstanceId");
  await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "Name", Value: "app" }] }));
  return id;
}

async function enableDnsHostnames(ec2: EC2Client, vpcId: string): Promise<void> {
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
  );
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the server returned no ${what}`);
  return value;
}
