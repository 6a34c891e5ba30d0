/**
 * A seeded generator of synthetic snapshots for the benchmarks. Each VPC has public, dual-stack
 * private and IPv6-only subnets over 3 to 6 Availability Zones. It also has the route tables, NAT
 * gateways, endpoints, security groups, network ACLs, instances and SSM registrations such a VPC
 * has. The same seed always gives the same snapshot.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import type { InstanceInformation } from "@aws-sdk/client-ssm";
import type { ManagedPrefixList, Snapshot, VpcAttributes } from "../../src/snapshot/types.js";

export interface GenerateOptions {
  seed: number;
  vpcs: number;
  subnetsPerVpc: number;
  region?: string;
}

const ACCOUNT = "111122223333";
const SUBNETS_PER_ROUTE_TABLE = 8;
const SUBNETS_PER_SECURITY_GROUP = 10;
const SUBNETS_PER_NETWORK_ACL = 16;
const ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "kms", "logs"];
const INSTANCE_TYPES = ["t4g.small", "m7g.large", "c7i.xlarge"];
const S3_PREFIX_LIST = "pl-00000000000000063";
const ZONES = ["a", "b", "c", "d", "e", "f"];
const TEAMS = ["payments", "search", "identity", "platform", "data"];
const LAUNCHED = "2026-11-02T08:14:31+00:00";

/** Returns a pseudo-random generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds one snapshot of `vpcs` VPCs of `subnetsPerVpc` subnets each, in one account and Region. */
export function generateSnapshot(options: GenerateOptions): Snapshot {
  if (!Number.isInteger(options.subnetsPerVpc) || options.subnetsPerVpc < 1) {
    throw new RangeError(
      `invalid subnetsPerVpc ${options.subnetsPerVpc}: expected a whole number of 1 or more`,
    );
  }
  const region = options.region ?? "us-east-1";
  const random = seededRandom(options.seed);
  const snapshot = emptySnapshot(region);
  for (let index = 0; index < options.vpcs; index += 1) {
    addVpc(snapshot, { random, region, index, subnets: options.subnetsPerVpc });
  }
  snapshot.Source!.VpcIds = snapshot.Vpcs!.map((vpc) => vpc.VpcId!);
  snapshot.ManagedPrefixLists!.push(s3PrefixList(region));
  snapshot.InstanceTypes!.push(...INSTANCE_TYPES.map(instanceType));
  snapshot.ServiceDetails!.push(
    ...ENDPOINT_SERVICES.map((service) => serviceDetail(region, service)),
  );
  return snapshot;
}

function emptySnapshot(region: string): Snapshot {
  return {
    SnapshotVersion: 1,
    Source: { AccountId: ACCOUNT, Region: region, CollectedAt: "2026-12-01T00:00:00.000Z" },
    Vpcs: [],
    VpcAttributes: [],
    Subnets: [],
    RouteTables: [],
    ManagedPrefixLists: [],
    NatGateways: [],
    InternetGateways: [],
    EgressOnlyInternetGateways: [],
    VpcEndpoints: [],
    ServiceDetails: [],
    SecurityGroups: [],
    NetworkAcls: [],
    DhcpOptions: [
      {
        DhcpOptionsId: "dopt-00000000000000001",
        OwnerId: ACCOUNT,
        DhcpConfigurations: [
          { Key: "domain-name-servers", Values: [{ Value: "AmazonProvidedDNS" }] },
        ],
      },
    ],
    NetworkInterfaces: [],
    Reservations: [],
    InstanceTypes: [],
    InstanceInformationList: [],
    HostedZones: [],
    ResolverRules: [],
    ResolverRuleAssociations: [],
  };
}

interface VpcPlan {
  random: () => number;
  region: string;
  index: number;
  subnets: number;
}

type SubnetKind = "public" | "dual-stack" | "ipv6-only";

interface SubnetFacts {
  id: string;
  kind: SubnetKind;
  zone: string;
}

/** Returns an id of the given prefix with 17 hex digits, unique per VPC and number. */
function idOf(prefix: string, vpc: number, n: number): string {
  return `${prefix}-${vpc.toString(16).padStart(5, "0")}${n.toString(16).padStart(12, "0")}`;
}

function addVpc(snapshot: Snapshot, plan: VpcPlan): void {
  const { random, region, index } = plan;
  const vpcId = idOf("vpc", index, 0);
  // Each zone needs a subnet of its own, for its NAT gateway.
  const zones = ZONES.slice(0, Math.min(3 + Math.floor(random() * 4), plan.subnets));
  const ipv6Block = `2600:1f18:${(index % 65536).toString(16)}`;
  const subnets = planSubnets(plan, zones);

  snapshot.Vpcs!.push(vpcOf(vpcId, index, ipv6Block, Math.ceil(plan.subnets / 1024)));
  snapshot.VpcAttributes!.push(attributesOf(vpcId));
  snapshot.Subnets!.push(
    ...subnets.map((facts, n) => subnetOf(vpcId, facts, n, region, index, ipv6Block)),
  );
  const igw = idOf("igw", index, 0);
  const eigw = idOf("eigw", index, 0);
  snapshot.InternetGateways!.push({
    InternetGatewayId: igw,
    OwnerId: ACCOUNT,
    Attachments: [{ VpcId: vpcId, State: "available" as EC2.AttachmentStatus }],
  });
  snapshot.EgressOnlyInternetGateways!.push({
    EgressOnlyInternetGatewayId: eigw,
    Attachments: [{ VpcId: vpcId, State: "attached" }],
  });

  const nats = addNatGateways(snapshot, vpcId, index, zones, subnets);
  addRouteTables(snapshot, { vpcId, index, subnets, nats, igw, eigw, random });
  const groups = addSecurityGroups(snapshot, vpcId, index, subnets.length, random);
  addEndpoints(snapshot, { vpcId, index, region, zones, subnets, group: groups[0]! });
  addNetworkAcls(snapshot, vpcId, index, subnets);
  addInstances(snapshot, { vpcId, index, region, ipv6Block, subnets, groups, random });
}

function planSubnets(plan: VpcPlan, zones: string[]): SubnetFacts[] {
  const subnets: SubnetFacts[] = [];
  for (let n = 0; n < plan.subnets; n += 1) {
    const roll = plan.random();
    // At least one public subnet per zone, for its NAT gateway.
    let kind: SubnetKind = "ipv6-only";
    if (n < zones.length || roll < 0.1) kind = "public";
    else if (roll < 0.4) kind = "dual-stack";
    subnets.push({ id: idOf("subnet", plan.index, n), kind, zone: zones[n % zones.length]! });
  }
  return subnets;
}

function vpcOf(vpcId: string, index: number, ipv6Block: string, ipv4Blocks: number): EC2.Vpc {
  const second = index % 256;
  const blocks = Array.from({ length: ipv4Blocks }, (_, n) => `10.${(second + n) % 256}.0.0/16`);
  return {
    VpcId: vpcId,
    OwnerId: ACCOUNT,
    State: "available",
    CidrBlock: blocks[0],
    DhcpOptionsId: "dopt-00000000000000001",
    CidrBlockAssociationSet: blocks.map((CidrBlock) => ({
      CidrBlock,
      CidrBlockState: { State: "associated" },
    })),
    Ipv6CidrBlockAssociationSet: [
      { Ipv6CidrBlock: `${ipv6Block}::/48`, Ipv6CidrBlockState: { State: "associated" } },
    ],
    Tags: [{ Key: "Name", Value: `bench-${index}` }],
  };
}

function attributesOf(vpcId: string): VpcAttributes {
  return { VpcId: vpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } };
}

function subnetOf(
  vpcId: string,
  facts: SubnetFacts,
  n: number,
  region: string,
  index: number,
  ipv6Block: string,
): EC2.Subnet {
  const ipv6Only = facts.kind === "ipv6-only";
  const subnet: EC2.Subnet = {
    AvailabilityZoneId: `use1-az${ZONES.indexOf(facts.zone) + 1}`,
    MapCustomerOwnedIpOnLaunch: false,
    OwnerId: ACCOUNT,
    AssignIpv6AddressOnCreation: true,
    Ipv6CidrBlockAssociationSet: [
      {
        AssociationId: idOf("subnet-cidr-assoc", index, n),
        Ipv6CidrBlock: ipv6SubnetBlock(ipv6Block, n),
        Ipv6CidrBlockState: { State: "associated" },
        Ipv6AddressAttribute: "public",
        IpSource: "amazon",
      },
    ],
    Tags: [
      { Key: "Name", Value: `${facts.kind}-${n}` },
      { Key: "team", Value: TEAMS[n % TEAMS.length]! },
      { Key: "cost-center", Value: `cc-${1000 + (n % 37)}` },
    ],
    SubnetArn: `arn:aws:ec2:${region}:${ACCOUNT}:subnet/${facts.id}`,
    EnableDns64: facts.kind !== "public",
    Ipv6Native: ipv6Only,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: ipv6Only ? "resource-name" : "ip-name",
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: ipv6Only,
    },
    BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
    SubnetId: facts.id,
    State: "available",
    VpcId: vpcId,
    AvailableIpAddressCount: ipv6Only ? 0 : 58,
    AvailabilityZone: `${region}${facts.zone}`,
    DefaultForAz: false,
    MapPublicIpOnLaunch: facts.kind === "public",
  };
  if (!ipv6Only) subnet.CidrBlock = ipv4SubnetBlock(index, n);
  return subnet;
}

function ipv6SubnetBlock(ipv6Block: string, n: number): string {
  return `${ipv6Block}:${n.toString(16)}::/64`;
}

function ipv4SubnetBlock(index: number, n: number): string {
  const second = (index % 256) + Math.floor(n / 1024);
  const third = Math.floor((n % 1024) / 4);
  return `10.${second % 256}.${third}.${(n % 4) * 64}/26`;
}

/** Returns an address in a subnet's IPv4 block, or undefined for an IPv6-only subnet. */
function ipv4In(subnet: SubnetFacts, index: number, n: number, host: number): string | undefined {
  if (subnet.kind === "ipv6-only") return undefined;
  const [address] = ipv4SubnetBlock(index, n).split("/");
  const [a, b, c, d] = address!.split(".").map(Number);
  return `${a}.${b}.${c}.${d! + host}`;
}

function addNatGateways(
  snapshot: Snapshot,
  vpcId: string,
  index: number,
  zones: string[],
  subnets: SubnetFacts[],
): Map<string, string> {
  const byZone = new Map<string, string>();
  zones.forEach((zone, n) => {
    const host = subnets.find((subnet) => subnet.kind === "public" && subnet.zone === zone)!;
    const natId = idOf("nat", index, n);
    byZone.set(zone, natId);
    snapshot.NatGateways!.push({
      NatGatewayId: natId,
      VpcId: vpcId,
      SubnetId: host.id,
      State: "available",
      ConnectivityType: "public",
      NatGatewayAddresses: [
        { PrivateIp: `10.${index % 256}.0.${10 + n}`, PublicIp: `198.51.100.${n}` },
      ],
    });
  });
  return byZone;
}

interface RoutePlan {
  vpcId: string;
  index: number;
  subnets: SubnetFacts[];
  nats: Map<string, string>;
  igw: string;
  eigw: string;
  random: () => number;
}

/** Adds one route table per zone, kind and group of 8 subnets, plus the main table. */
function addRouteTables(snapshot: Snapshot, plan: RoutePlan): void {
  const groups = new Map<string, SubnetFacts[]>();
  for (const subnet of plan.subnets) {
    const key = `${subnet.zone}/${subnet.kind}`;
    const group = groups.get(key) ?? [];
    group.push(subnet);
    groups.set(key, group);
  }
  let count = 0;
  for (const members of groups.values()) {
    for (let start = 0; start < members.length; start += SUBNETS_PER_ROUTE_TABLE) {
      const chunk = members.slice(start, start + SUBNETS_PER_ROUTE_TABLE);
      snapshot.RouteTables!.push(routeTableOf(plan, idOf("rtb", plan.index, (count += 1)), chunk));
    }
  }
  snapshot.RouteTables!.push({
    RouteTableId: idOf("rtb", plan.index, 0),
    VpcId: plan.vpcId,
    OwnerId: ACCOUNT,
    Associations: [{ Main: true, RouteTableId: idOf("rtb", plan.index, 0) }],
    Routes: [
      {
        DestinationCidrBlock: `10.${plan.index % 256}.0.0/16`,
        GatewayId: "local",
        State: "active",
      },
    ],
  });
}

function routeTableOf(plan: RoutePlan, tableId: string, members: SubnetFacts[]): EC2.RouteTable {
  const first = members[0]!;
  const nat = plan.nats.get(first.zone)!;
  const routes: EC2.Route[] = [
    { DestinationCidrBlock: `10.${plan.index % 256}.0.0/16`, GatewayId: "local", State: "active" },
    { DestinationIpv6CidrBlock: "2600:1f18::/32", GatewayId: "local", State: "active" },
  ];
  if (first.kind === "public") {
    routes.push(
      { DestinationCidrBlock: "0.0.0.0/0", GatewayId: plan.igw, State: "active" },
      { DestinationIpv6CidrBlock: "::/0", GatewayId: plan.igw, State: "active" },
    );
  } else {
    routes.push(
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat, State: "active" },
      { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: plan.eigw, State: "active" },
      { DestinationIpv6CidrBlock: "64:ff9b::/96", NatGatewayId: nat, State: "active" },
      { DestinationPrefixListId: S3_PREFIX_LIST, NatGatewayId: nat, State: "active" },
    );
  }
  // Routes to on-premises networks through a transit gateway, as hub-and-spoke designs have.
  const extra = 4 + Math.floor(plan.random() * 12);
  for (let n = 0; n < extra; n += 1) {
    routes.push({
      DestinationCidrBlock: `172.${16 + (n % 16)}.${n}.0/24`,
      TransitGatewayId: "tgw-00000000000000001",
      State: "active",
    });
  }
  return {
    RouteTableId: tableId,
    VpcId: plan.vpcId,
    OwnerId: ACCOUNT,
    Associations: members.map((subnet, n) => ({
      Main: false,
      RouteTableAssociationId: idOf(
        "rtbassoc",
        plan.index,
        Number.parseInt(tableId.slice(-8), 16) * 16 + n,
      ),
      RouteTableId: tableId,
      SubnetId: subnet.id,
      AssociationState: { State: "associated" },
    })),
    PropagatingVgws: [],
    Routes: routes.map((route) => ({
      ...route,
      Origin: route.GatewayId === "local" ? "CreateRouteTable" : "CreateRoute",
    })),
    Tags: [{ Key: "Name", Value: `${first.zone}-${first.kind}` }],
  };
}

/** Adds one security group per 10 subnets; each refers to two others and to the S3 list. */
function addSecurityGroups(
  snapshot: Snapshot,
  vpcId: string,
  index: number,
  subnetCount: number,
  random: () => number,
): string[] {
  const count = Math.max(2, Math.ceil(subnetCount / SUBNETS_PER_SECURITY_GROUP));
  const ids = Array.from({ length: count }, (_, n) => idOf("sg", index, n));
  ids.forEach((groupId, n) => {
    const peers = [ids[(n + 1) % count]!, ids[Math.floor(random() * count)]!];
    snapshot.SecurityGroups!.push({
      GroupId: groupId,
      GroupName: n === 0 ? "endpoints" : `app-${n}`,
      Description: "bench",
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      IpPermissions: ingressRules(peers),
      IpPermissionsEgress: [
        {
          IpProtocol: "-1",
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        },
      ],
    });
  });
  return ids;
}

function ingressRules(peers: string[]): EC2.IpPermission[] {
  const ports = [22, 80, 443, 5432, 6379, 8080, 8443, 9090];
  return [
    ...ports.map((port) => ({
      IpProtocol: "tcp",
      FromPort: port,
      ToPort: port,
      IpRanges: [{ CidrIp: "10.0.0.0/8" }, { CidrIp: "172.16.0.0/12" }],
      Ipv6Ranges: [{ CidrIpv6: "2600:1f18::/32" }],
    })),
    {
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: peers.map((GroupId) => ({ GroupId, UserId: ACCOUNT })),
      PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }],
    },
  ];
}

interface EndpointPlan {
  vpcId: string;
  index: number;
  region: string;
  zones: string[];
  subnets: SubnetFacts[];
  group: string;
}

/** Adds the interface endpoints, each in one dual-stack or public subnet per zone. */
function addEndpoints(snapshot: Snapshot, plan: EndpointPlan): void {
  const hosts = plan.zones.map((zone) =>
    plan.subnets.find((subnet) => subnet.zone === zone && subnet.kind !== "ipv6-only")!,
  );
  ENDPOINT_SERVICES.forEach((service, n) => {
    const endpointId = idOf("vpce", plan.index, n);
    snapshot.VpcEndpoints!.push({
      VpcEndpointId: endpointId,
      VpcEndpointType: "Interface",
      VpcId: plan.vpcId,
      ServiceName: `com.amazonaws.${plan.region}.${service}`,
      State: "available" as EC2.State,
      SubnetIds: hosts.map((subnet) => subnet.id),
      Groups: [{ GroupId: plan.group, GroupName: "endpoints" }],
      IpAddressType: "dualstack",
      DnsOptions: { DnsRecordIpType: "dualstack" },
      PrivateDnsEnabled: true,
      NetworkInterfaceIds: hosts.map((_, h) => idOf("eni", plan.index, 1_000_000 + n * 10 + h)),
    });
    hosts.forEach((subnet, h) => {
      snapshot.NetworkInterfaces!.push({
        NetworkInterfaceId: idOf("eni", plan.index, 1_000_000 + n * 10 + h),
        SubnetId: subnet.id,
        VpcId: plan.vpcId,
        InterfaceType: "vpc_endpoint",
        RequesterManaged: true,
        Status: "in-use",
        Groups: [{ GroupId: plan.group, GroupName: "endpoints" }],
      });
    });
  });
  snapshot.VpcEndpoints!.push({
    VpcEndpointId: idOf("vpce", plan.index, 99),
    VpcEndpointType: "Gateway",
    VpcId: plan.vpcId,
    ServiceName: `com.amazonaws.${plan.region}.s3`,
    State: "available" as EC2.State,
    RouteTableIds: [idOf("rtb", plan.index, 1)],
  });
}

/** Adds the default ACL and one custom ACL per 16 subnets, which takes those subnets over. */
function addNetworkAcls(
  snapshot: Snapshot,
  vpcId: string,
  index: number,
  subnets: SubnetFacts[],
): void {
  const entries: EC2.NetworkAclEntry[] = [];
  for (const egress of [false, true]) {
    entries.push(
      {
        RuleNumber: 100,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        CidrBlock: "0.0.0.0/0",
      },
      {
        RuleNumber: 101,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        Ipv6CidrBlock: "::/0",
      },
      {
        RuleNumber: 200,
        Protocol: "6",
        RuleAction: "deny",
        Egress: egress,
        CidrBlock: "192.0.2.0/24",
        PortRange: { From: 23, To: 23 },
      },
      {
        RuleNumber: 32767,
        Protocol: "-1",
        RuleAction: "deny",
        Egress: egress,
        CidrBlock: "0.0.0.0/0",
      },
      {
        RuleNumber: 32768,
        Protocol: "-1",
        RuleAction: "deny",
        Egress: egress,
        Ipv6CidrBlock: "::/0",
      },
    );
  }
  const custom = subnets.filter((_, n) => Math.floor(n / SUBNETS_PER_NETWORK_ACL) % 2 === 1);
  const defaults = subnets.filter((_, n) => Math.floor(n / SUBNETS_PER_NETWORK_ACL) % 2 === 0);
  snapshot.NetworkAcls!.push({
    NetworkAclId: idOf("acl", index, 0),
    VpcId: vpcId,
    IsDefault: true,
    OwnerId: ACCOUNT,
    Entries: entries,
    Associations: defaults.map((subnet) => ({
      SubnetId: subnet.id,
      NetworkAclId: idOf("acl", index, 0),
    })),
  });
  for (let start = 0; start < custom.length; start += SUBNETS_PER_NETWORK_ACL) {
    const aclId = idOf("acl", index, 1 + start / SUBNETS_PER_NETWORK_ACL);
    snapshot.NetworkAcls!.push({
      NetworkAclId: aclId,
      VpcId: vpcId,
      IsDefault: false,
      OwnerId: ACCOUNT,
      Entries: entries,
      Associations: custom
        .slice(start, start + SUBNETS_PER_NETWORK_ACL)
        .map((subnet) => ({ SubnetId: subnet.id, NetworkAclId: aclId })),
    });
  }
}

interface InstancePlan {
  vpcId: string;
  index: number;
  region: string;
  ipv6Block: string;
  subnets: SubnetFacts[];
  groups: string[];
  random: () => number;
}

/**
 * Adds one instance to each non-public subnet, nine in ten of them registered with SSM. Instances,
 * interfaces and registrations carry the fields DescribeInstances, DescribeNetworkInterfaces and
 * DescribeInstanceInformation return, so the file is as large as a collected one.
 */
function addInstances(snapshot: Snapshot, plan: InstancePlan): void {
  plan.subnets.forEach((subnet, n) => {
    if (subnet.kind === "public") return;
    const instanceId = idOf("i", plan.index, n);
    const group = plan.groups[1 + (n % (plan.groups.length - 1))]!;
    const eni = interfaceOf(plan, subnet, n, instanceId, group);
    const { Attachment, ...attached } = eni;
    const ipv6 = eni.Ipv6Address!;
    const ipv4 = eni.PrivateIpAddress;
    const arm = n % 3 !== 2;
    const instance: EC2.Instance = {
      Architecture: arm ? "arm64" : "x86_64",
      BlockDeviceMappings: [
        {
          DeviceName: "/dev/xvda",
          Ebs: {
            AttachTime: new Date(LAUNCHED),
            DeleteOnTermination: true,
            Status: "attached",
            VolumeId: idOf("vol", plan.index, n),
          },
        },
      ],
      ClientToken: `terraform-${idOf("", plan.index, n).slice(1)}`,
      EbsOptimized: true,
      EnaSupport: true,
      Hypervisor: "xen",
      IamInstanceProfile: {
        Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/app-${n % 7}`,
        Id: `AIPA${idOf("", plan.index, n).slice(1).toUpperCase()}`,
      },
      NetworkInterfaces: [
        {
          ...attached,
          Attachment: {
            AttachTime: Attachment!.AttachTime,
            AttachmentId: Attachment!.AttachmentId,
            DeleteOnTermination: true,
            DeviceIndex: 0,
            Status: "attached",
            NetworkCardIndex: 0,
          },
        } as EC2.InstanceNetworkInterface,
      ],
      RootDeviceName: "/dev/xvda",
      RootDeviceType: "ebs",
      SecurityGroups: [{ GroupId: group, GroupName: "app" }],
      SourceDestCheck: true,
      Tags: [
        { Key: "Name", Value: `app-${n}` },
        { Key: "team", Value: TEAMS[n % TEAMS.length]! },
        { Key: "aws:autoscaling:groupName", Value: `app-${n % 11}` },
      ],
      VirtualizationType: "hvm",
      CpuOptions: { CoreCount: 1, ThreadsPerCore: arm ? 1 : 2 },
      CapacityReservationSpecification: { CapacityReservationPreference: "open" },
      HibernationOptions: { Configured: false },
      MetadataOptions: {
        State: "applied",
        HttpTokens: "required",
        HttpPutResponseHopLimit: 2,
        HttpEndpoint: "enabled",
        HttpProtocolIpv6: plan.random() < 0.9 ? "enabled" : "disabled",
        InstanceMetadataTags: "disabled",
      },
      EnclaveOptions: { Enabled: false },
      BootMode: "uefi-preferred",
      PlatformDetails: "Linux/UNIX",
      UsageOperation: "RunInstances",
      UsageOperationUpdateTime: new Date(LAUNCHED),
      PrivateDnsNameOptions: eni.PrivateDnsName?.startsWith("i-")
        ? {
            HostnameType: "resource-name",
            EnableResourceNameDnsARecord: false,
            EnableResourceNameDnsAAAARecord: true,
          }
        : { HostnameType: "ip-name" },
      Ipv6Address: ipv6,
      MaintenanceOptions: { AutoRecovery: "default" },
      CurrentInstanceBootMode: "uefi",
      InstanceId: instanceId,
      ImageId: arm ? "ami-0a1b2c3d4e5f60701" : "ami-0a1b2c3d4e5f60702",
      State: { Code: 16, Name: "running" },
      PrivateDnsName: eni.PrivateDnsName,
      PublicDnsName: "",
      StateTransitionReason: "",
      AmiLaunchIndex: 0,
      ProductCodes: [],
      InstanceType: INSTANCE_TYPES[n % INSTANCE_TYPES.length] as EC2._InstanceType,
      LaunchTime: new Date(LAUNCHED),
      Placement: {
        GroupName: "",
        Tenancy: "default",
        AvailabilityZone: eni.AvailabilityZone,
      },
      Monitoring: { State: "disabled" },
      SubnetId: subnet.id,
      VpcId: plan.vpcId,
    };
    if (ipv4) instance.PrivateIpAddress = ipv4;
    snapshot.Reservations!.push({
      ReservationId: idOf("r", plan.index, n),
      OwnerId: ACCOUNT,
      RequesterId: "940372691376",
      Groups: [],
      Instances: [instance],
    });
    snapshot.NetworkInterfaces!.push(eni);
    if (plan.random() < 0.9) {
      snapshot.InstanceInformationList!.push(registrationOf(instanceId, ipv4 ?? ipv6, n));
    }
  });
}

/** The instance's primary network interface as DescribeNetworkInterfaces returns it. */
function interfaceOf(
  plan: InstancePlan,
  subnet: SubnetFacts,
  n: number,
  instanceId: string,
  group: string,
): EC2.NetworkInterface {
  const eniId = idOf("eni", plan.index, n);
  const ipv6 = `${ipv6SubnetBlock(plan.ipv6Block, n).split("::")[0]}:${(0x1000 + n).toString(16)}:${(n % 65536).toString(16)}:1:a`;
  const ipv4 = ipv4In(subnet, plan.index, n, 10);
  const dnsName = ipv4
    ? `ip-${ipv4.replaceAll(".", "-")}.ec2.internal`
    : `${instanceId}.${plan.region}.compute.internal`;
  const mac = `0e:${[plan.index >> 8, plan.index & 255, n >> 16, (n >> 8) & 255, n & 255]
    .map((byte) => (byte & 255).toString(16).padStart(2, "0"))
    .join(":")}`;
  const eni: EC2.NetworkInterface = {
    Attachment: {
      AttachTime: new Date(LAUNCHED),
      AttachmentId: idOf("eni-attach", plan.index, n),
      DeleteOnTermination: true,
      DeviceIndex: 0,
      NetworkCardIndex: 0,
      InstanceId: instanceId,
      InstanceOwnerId: ACCOUNT,
      Status: "attached",
    },
    AvailabilityZone: `${plan.region}${subnet.zone}`,
    Description: "",
    Groups: [{ GroupId: group, GroupName: "app" }],
    InterfaceType: "interface",
    Ipv6Addresses: [{ Ipv6Address: ipv6, IsPrimaryIpv6: true }],
    MacAddress: mac,
    NetworkInterfaceId: eniId,
    OwnerId: ACCOUNT,
    PrivateDnsName: dnsName,
    PrivateIpAddresses: ipv4
      ? [{ Primary: true, PrivateDnsName: dnsName, PrivateIpAddress: ipv4 }]
      : [],
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: "in-use",
    SubnetId: subnet.id,
    TagSet: [],
    VpcId: plan.vpcId,
    Ipv6Native: subnet.kind === "ipv6-only",
    Ipv6Address: ipv6,
    Operator: { Managed: false },
  };
  if (ipv4) eni.PrivateIpAddress = ipv4;
  return eni;
}

function registrationOf(instanceId: string, address: string, n: number): InstanceInformation {
  return {
    InstanceId: instanceId,
    PingStatus: "Online",
    LastPingDateTime: new Date("2026-12-01T00:00:00Z"),
    AgentVersion: "3.3.1142.0",
    IsLatestVersion: false,
    PlatformType: "Linux",
    PlatformName: "Amazon Linux",
    PlatformVersion: "2023",
    ResourceType: "EC2Instance",
    IPAddress: address,
    ComputerName: `${instanceId}.ec2.internal`,
    AssociationStatus: n % 5 === 0 ? "Pending" : "Success",
    LastAssociationExecutionDate: new Date("2026-11-30T22:00:00Z"),
    LastSuccessfulAssociationExecutionDate: new Date("2026-11-30T22:00:00Z"),
    SourceId: instanceId,
    SourceType: "AWS::EC2::Instance",
  };
}

function s3PrefixList(region: string): ManagedPrefixList {
  return {
    PrefixListId: S3_PREFIX_LIST,
    PrefixListName: `com.amazonaws.${region}.s3`,
    AddressFamily: "IPv4",
    State: "create-complete",
    OwnerId: "AWS",
    Entries: [{ Cidr: "52.216.0.0/15" }, { Cidr: "3.5.0.0/19" }, { Cidr: "54.231.0.0/16" }],
  };
}

function instanceType(type: string): EC2.InstanceTypeInfo {
  return {
    InstanceType: type as EC2._InstanceType,
    Hypervisor: "nitro",
    NetworkInfo: { Ipv6Supported: true },
  };
}

function serviceDetail(region: string, service: string): EC2.ServiceDetail {
  return {
    ServiceName: `com.amazonaws.${region}.${service}`,
    ServiceType: [{ ServiceType: "Interface" }],
    Owner: "amazon",
    PrivateDnsName: `${service}.${region}.amazonaws.com`,
    SupportedIpAddressTypes: ["ipv4", "ipv6"],
    AvailabilityZones: ["a", "b", "c", "d", "e", "f"].map((zone) => `${region}${zone}`),
  };
}
