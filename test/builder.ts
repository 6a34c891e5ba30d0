/**
 * Builds AWS-shaped resources and snapshots for tests, so each case states only the facts it needs.
 * Every builder returns the field names the EC2 and SSM APIs return; `omit` drops keys to model
 * older outputs that predate a field.
 */
import type {
  DhcpOptions,
  EgressOnlyInternetGateway,
  Instance,
  InternetGateway,
  InternetGatewayAttachment,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  Reservation,
  Route,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
} from "@aws-sdk/client-ec2";
import type { InstanceInformation } from "@aws-sdk/client-ssm";
import { SECTION_NAMES } from "../src/snapshot/sections.js";
import type { ManagedPrefixList, Snapshot, VpcAttributes } from "../src/snapshot/types.js";

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";
export const VPC_ID = "vpc-0a11";
export const VPC_IPV4 = "10.0.0.0/16";
export const VPC_IPV6 = "2001:db8:1a::/56";
/** An agent version that no longer needs the ec2messages service. */
export const CURRENT_AGENT = "3.3.1142.0";

/** Removes the named keys, for outputs collected before AWS added a field. */
function without<T extends object>(item: T, omit: readonly string[] = []): T {
  const copy = { ...item } as Record<string, unknown>;
  for (const key of omit) delete copy[key];
  return copy as T;
}

function tags(name: string | undefined): { Tags?: { Key: string; Value: string }[] } {
  return name ? { Tags: [{ Key: "Name", Value: name }] } : {};
}

export function vpc(options: { id?: string; dhcpOptionsId?: string; name?: string } = {}): Vpc {
  const id = options.id ?? VPC_ID;
  return {
    VpcId: id,
    OwnerId: ACCOUNT,
    State: "available",
    CidrBlock: VPC_IPV4,
    DhcpOptionsId: options.dhcpOptionsId ?? "dopt-amazon",
    CidrBlockAssociationSet: [{ CidrBlock: VPC_IPV4, CidrBlockState: { State: "associated" } }],
    Ipv6CidrBlockAssociationSet: [
      { Ipv6CidrBlock: VPC_IPV6, Ipv6CidrBlockState: { State: "associated" } },
    ],
    ...tags(options.name),
  };
}

/** Builds one VPC's DNS attributes, as two DescribeVpcAttribute calls return them. */
export function vpcAttributes(
  options: { vpcId?: string; dnsSupport?: boolean; dnsHostnames?: boolean } = {},
): VpcAttributes {
  const item: VpcAttributes = { VpcId: options.vpcId ?? VPC_ID };
  if (options.dnsSupport !== undefined) item.EnableDnsSupport = { Value: options.dnsSupport };
  if (options.dnsHostnames !== undefined) item.EnableDnsHostnames = { Value: options.dnsHostnames };
  return item;
}

export type SubnetKind = "ipv6-only" | "dual-stack" | "ipv4-only";

export interface SubnetOptions {
  id: string;
  kind: SubnetKind;
  dns64?: boolean;
  vpcId?: string;
  name?: string;
  /** The third hextet of the IPv6 /64 and the third octet of the IPv4 /24. */
  block?: number;
  omit?: readonly (keyof Subnet)[];
}

/** Builds a subnet. Distinct `block` numbers keep the ranges of several subnets apart. */
export function subnet(options: SubnetOptions): Subnet {
  const block = options.block ?? 1;
  const item: Subnet = {
    SubnetId: options.id,
    VpcId: options.vpcId ?? VPC_ID,
    OwnerId: ACCOUNT,
    AvailabilityZone: `${REGION}a`,
    State: "available",
    Ipv6Native: options.kind === "ipv6-only",
    EnableDns64: options.dns64 ?? false,
    ...tags(options.name),
  };
  if (options.kind !== "ipv6-only") item.CidrBlock = `10.0.${block}.0/24`;
  if (options.kind !== "ipv4-only") {
    item.Ipv6CidrBlockAssociationSet = [
      {
        AssociationId: `subnet-cidr-assoc-${options.id}`,
        Ipv6CidrBlock: `2001:db8:1a:${block.toString(16)}::/64`,
        Ipv6CidrBlockState: { State: "associated" },
      },
    ];
  }
  return without(item, options.omit);
}

/** Returns the target field that DescribeRouteTables uses for a target id of this kind. */
function targetFields(target: string): Partial<Route> {
  const [prefix] = target.split("-");
  switch (prefix) {
    case "nat":
      return { NatGatewayId: target };
    case "eigw":
      return { EgressOnlyInternetGatewayId: target };
    case "eni":
      return { NetworkInterfaceId: target };
    case "i":
      // A route to an instance lists the instance and its primary interface.
      return {
        InstanceId: target,
        InstanceOwnerId: ACCOUNT,
        NetworkInterfaceId: `eni-of-${target}`,
      };
    case "tgw":
      return { TransitGatewayId: target };
    case "pcx":
      return { VpcPeeringConnectionId: target };
    case "lgw":
      return { LocalGatewayId: target };
    default:
      return { GatewayId: target };
  }
}

/**
 * Builds a route for an IPv6 prefix, an IPv4 prefix or a prefix list id (`pl-`). The target id's
 * prefix picks the field it goes in: `nat-`, `eigw-`, `igw-`, `eni-`, `i-`, `tgw-`, `pcx-`, `lgw-`, `vgw-`.
 */
export function route(destination: string, target: string, state = "active"): Route {
  const where: Partial<Route> = destination.startsWith("pl-")
    ? { DestinationPrefixListId: destination }
    : destination.includes(":")
      ? { DestinationIpv6CidrBlock: destination }
      : { DestinationCidrBlock: destination };
  const origin = target === "local" ? "CreateRouteTable" : "CreateRoute";
  return { ...where, ...targetFields(target), Origin: origin, State: state as Route["State"] };
}

export interface RouteTableOptions {
  id: string;
  subnets?: string[];
  main?: boolean;
  routes?: Route[];
  vpcId?: string;
  name?: string;
}

/** Builds a route table with the VPC's two local routes, then the given routes. */
export function routeTable(options: RouteTableOptions): RouteTable {
  const associations: NonNullable<RouteTable["Associations"]> = (options.subnets ?? []).map(
    (subnetId) => ({
      Main: false,
      RouteTableAssociationId: `rtbassoc-${subnetId}`,
      RouteTableId: options.id,
      SubnetId: subnetId,
      AssociationState: { State: "associated" },
    }),
  );
  if (options.main) {
    associations.push({
      Main: true,
      RouteTableAssociationId: `rtbassoc-main-${options.id}`,
      RouteTableId: options.id,
      AssociationState: { State: "associated" },
    });
  }
  return {
    RouteTableId: options.id,
    VpcId: options.vpcId ?? VPC_ID,
    OwnerId: ACCOUNT,
    Associations: associations,
    Routes: [route(VPC_IPV4, "local"), route(VPC_IPV6, "local"), ...(options.routes ?? [])],
    ...tags(options.name),
  };
}

/**
 * Builds a managed prefix list. Without `entries`, its entries count as not collected, and the
 * address family defaults to IPv6, so the list may hold the NAT64 prefix.
 */
export function prefixList(
  id: string,
  entries?: string[],
  addressFamily?: string,
): ManagedPrefixList {
  const derived = !entries || entries.some((cidr) => cidr.includes(":")) ? "IPv6" : "IPv4";
  const list: ManagedPrefixList = {
    PrefixListId: id,
    AddressFamily: addressFamily ?? derived,
    State: "create-complete",
    OwnerId: ACCOUNT,
  };
  if (entries) list.Entries = entries.map((cidr) => ({ Cidr: cidr }));
  return list;
}

export interface NatOptions {
  id: string;
  subnet: string;
  state?: string;
  connectivity?: string;
  failureCode?: string;
  failureMessage?: string;
  vpcId?: string;
  name?: string;
  omit?: readonly (keyof NatGateway)[];
}

export function nat(options: NatOptions): NatGateway {
  const item: NatGateway = {
    NatGatewayId: options.id,
    SubnetId: options.subnet,
    VpcId: options.vpcId ?? VPC_ID,
    State: (options.state ?? "available") as NatGateway["State"],
    ConnectivityType: (options.connectivity ?? "public") as NatGateway["ConnectivityType"],
    NatGatewayAddresses: [{ PrivateIp: "10.0.0.10", NetworkInterfaceId: `eni-of-${options.id}` }],
    ...tags(options.name),
  };
  if (options.failureCode) item.FailureCode = options.failureCode;
  if (options.failureMessage) item.FailureMessage = options.failureMessage;
  return without(item, options.omit);
}

export interface EndpointOptions {
  id: string;
  /** A short AWS service name such as `ssm`, or a full service name with dots. */
  service: string;
  type?: string;
  state?: string;
  privateDns?: boolean;
  ipAddressType?: string;
  dnsRecordIpType?: string;
  lastError?: string;
  /** Subnets that hold the endpoint's network interfaces. */
  subnets?: string[];
  vpcId?: string;
  name?: string;
  omit?: readonly (keyof VpcEndpoint)[];
}

export function endpoint(options: EndpointOptions): VpcEndpoint {
  const serviceName = options.service.includes(".")
    ? options.service
    : `com.amazonaws.${REGION}.${options.service}`;
  const item: VpcEndpoint = {
    VpcEndpointId: options.id,
    VpcEndpointType: (options.type ?? "Interface") as VpcEndpoint["VpcEndpointType"],
    VpcId: options.vpcId ?? VPC_ID,
    ServiceName: serviceName,
    State: (options.state ?? "available") as VpcEndpoint["State"],
    PrivateDnsEnabled: options.privateDns ?? true,
    IpAddressType: (options.ipAddressType ?? "ipv4") as VpcEndpoint["IpAddressType"],
    DnsOptions: {
      DnsRecordIpType: (options.dnsRecordIpType ?? "ipv4") as never,
    },
    SubnetIds: options.subnets ?? [],
    NetworkInterfaceIds: (options.subnets ?? []).map((subnetId) => `eni-${options.id}-${subnetId}`),
    Groups: [{ GroupId: "sg-endpoints", GroupName: "endpoints" }],
    ...tags(options.name),
  };
  if (options.lastError) item.LastError = { Code: "Failed", Message: options.lastError };
  return without(item, options.omit);
}

export interface InstanceOptions {
  id: string;
  subnet: string;
  state?: string;
  httpEndpoint?: string;
  httpProtocolIpv6?: string;
  groupId?: string;
  vpcId?: string;
  name?: string;
  /** `windows` sets `Platform` and `PlatformDetails` as DescribeInstances does for Windows. */
  platform?: "windows";
  omit?: readonly (keyof Instance)[];
}

export function instance(options: InstanceOptions): Instance {
  const item: Instance = {
    InstanceId: options.id,
    SubnetId: options.subnet,
    VpcId: options.vpcId ?? VPC_ID,
    InstanceType: "t4g.small",
    State: { Name: (options.state ?? "running") as never },
    SecurityGroups: [{ GroupId: options.groupId ?? "sg-app", GroupName: "app" }],
    MetadataOptions: {
      State: "applied",
      HttpTokens: "required",
      HttpEndpoint: (options.httpEndpoint ?? "enabled") as never,
      HttpProtocolIpv6: (options.httpProtocolIpv6 ?? "enabled") as never,
    },
    ...tags(options.name),
  };
  if (options.platform === "windows") {
    item.Platform = "windows" as Instance["Platform"];
    item.PlatformDetails = "Windows";
  }
  return without(item, options.omit);
}

/** Wraps instances in one reservation each, as DescribeInstances returns them. */
export function reservations(...instances: Instance[]): Reservation[] {
  return instances.map((item) => ({
    ReservationId: `r-${item.InstanceId}`,
    OwnerId: ACCOUNT,
    Instances: [item],
  }));
}

/** Builds a network interface. Type `interface` is an instance's, and `nat_gateway` is AWS's. */
export function eni(options: {
  id: string;
  subnet: string;
  type?: string;
  instanceId?: string;
  groupId?: string;
  vpcId?: string;
}): NetworkInterface {
  const item: NetworkInterface = {
    NetworkInterfaceId: options.id,
    SubnetId: options.subnet,
    VpcId: options.vpcId ?? VPC_ID,
    InterfaceType: (options.type ?? "interface") as never,
    Status: "in-use",
    RequesterManaged: options.type !== undefined && options.type !== "interface",
    OwnerId: ACCOUNT,
    Groups: [{ GroupId: options.groupId ?? "sg-app", GroupName: "app" }],
  };
  if (options.instanceId) item.Attachment = { InstanceId: options.instanceId, Status: "attached" };
  return item;
}

/**
 * Builds a gateway attachment. DescribeInternetGateways returns `available` for an attached
 * internet gateway, which the SDK's AttachmentStatus type does not list, so the state is cast.
 */
export function attachment(vpcId: string, state?: string): InternetGatewayAttachment {
  return state === undefined ? { VpcId: vpcId } : { VpcId: vpcId, State: state as never };
}

export function internetGateway(
  id: string,
  attachments?: InternetGatewayAttachment[],
): InternetGateway {
  return attachments
    ? { InternetGatewayId: id, Attachments: attachments }
    : { InternetGatewayId: id };
}

export function egressOnlyGateway(
  id: string,
  attachments?: InternetGatewayAttachment[],
): EgressOnlyInternetGateway {
  return attachments
    ? { EgressOnlyInternetGatewayId: id, Attachments: attachments }
    : { EgressOnlyInternetGatewayId: id };
}

/** Builds a security group that, like every new group, allows all outbound traffic. */
export function securityGroup(
  id: string,
  ingress: { protocol: string; from?: number; to?: number; cidrs: string[] }[] = [],
): SecurityGroup {
  const permission = (rule: { protocol: string; from?: number; to?: number; cidrs: string[] }) => ({
    IpProtocol: rule.protocol,
    ...(rule.from !== undefined && { FromPort: rule.from, ToPort: rule.to ?? rule.from }),
    IpRanges: rule.cidrs.filter((cidr) => !cidr.includes(":")).map((cidr) => ({ CidrIp: cidr })),
    Ipv6Ranges: rule.cidrs.filter((cidr) => cidr.includes(":")).map((cidr) => ({ CidrIpv6: cidr })),
    PrefixListIds: [],
    UserIdGroupPairs: [],
  });
  return {
    GroupId: id,
    GroupName: id,
    VpcId: VPC_ID,
    OwnerId: ACCOUNT,
    IpPermissions: ingress.map(permission),
    IpPermissionsEgress: [permission({ protocol: "-1", cidrs: ["0.0.0.0/0", "::/0"] })],
  };
}

/** Builds the default network ACL, which allows all traffic both ways, for the given subnets. */
export function defaultNetworkAcl(subnetIds: string[]): NetworkAcl {
  const entries = [false, true].flatMap((egress) => [
    {
      RuleNumber: 100,
      Protocol: "-1",
      RuleAction: "allow",
      Egress: egress,
      CidrBlock: "0.0.0.0/0",
    },
    { RuleNumber: 101, Protocol: "-1", RuleAction: "allow", Egress: egress, Ipv6CidrBlock: "::/0" },
    ...finalAclRules(egress),
  ]);
  return networkAclOf("acl-default", true, subnetIds, entries);
}

/**
 * Builds a custom network ACL for the given subnets: the entries, then the final rules that deny
 * what no entry allowed.
 */
export function networkAcl(id: string, subnetIds: string[], entries: object[]): NetworkAcl {
  const final = [false, true].flatMap(finalAclRules);
  return networkAclOf(id, false, subnetIds, [...entries, ...final]);
}

/** Returns the rules that end every network ACL, numbered as DescribeNetworkAcls lists them. */
function finalAclRules(egress: boolean): object[] {
  return [
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
  ];
}

function networkAclOf(
  id: string,
  isDefault: boolean,
  subnetIds: string[],
  entries: object[],
): NetworkAcl {
  return {
    NetworkAclId: id,
    VpcId: VPC_ID,
    IsDefault: isDefault,
    OwnerId: ACCOUNT,
    Entries: entries as NetworkAcl["Entries"],
    Associations: subnetIds.map((subnetId) => ({
      NetworkAclAssociationId: `aclassoc-${subnetId}`,
      NetworkAclId: id,
      SubnetId: subnetId,
    })),
  };
}

/**
 * Builds what DescribeInstanceInformation returns for an instance. An undefined `version` is left
 * out.
 */
export function agent(instanceId: string, version: string | undefined): InstanceInformation {
  const item: InstanceInformation = {
    InstanceId: instanceId,
    PingStatus: "Online",
    PlatformType: "Linux",
    ResourceType: "EC2Instance",
  };
  if (version !== undefined) item.AgentVersion = version;
  return item;
}

/** Builds a DHCP option set with the given domain-name-servers. */
export function dhcpOptions(id: string, servers: string[]): DhcpOptions {
  return {
    DhcpOptionsId: id,
    OwnerId: ACCOUNT,
    DhcpConfigurations: [
      { Key: "domain-name", Values: [{ Value: `${REGION}.compute.internal` }] },
      { Key: "domain-name-servers", Values: servers.map((server) => ({ Value: server })) },
    ],
  };
}

/**
 * Builds a snapshot of one account and region. Every section not given is present and empty (collected,
 * nothing found). A section given as `undefined` is absent (not collected). Vpcs defaults to one
 * VPC, DhcpOptions to AmazonProvidedDNS and VpcAttributes to DNS support and hostnames on.
 */
export function snapshot(sections: Partial<Snapshot> = {}): Snapshot {
  const result: Record<string, unknown> = {
    SnapshotVersion: 1,
    Source: { AccountId: ACCOUNT, Region: REGION, CollectedAt: "2026-12-01T08:00:00.000Z" },
  };
  for (const name of SECTION_NAMES) result[name] = [];
  result.Vpcs = [vpc()];
  result.DhcpOptions = [dhcpOptions("dopt-amazon", ["AmazonProvidedDNS"])];
  const vpcs = (sections.Vpcs ?? (result.Vpcs as Vpc[])).map((item) => item.VpcId as string);
  result.VpcAttributes = vpcs.map((vpcId) =>
    vpcAttributes({ vpcId, dnsSupport: true, dnsHostnames: true }),
  );
  for (const [name, value] of Object.entries(sections)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result as Snapshot;
}

export interface Nat64Options {
  /** The 64:ff9b::/96 route of the IPv6-only subnet; `null` leaves it out. */
  nat64Route?: Route | null;
  dns64?: boolean;
  natState?: string;
  connectivity?: string;
  /** Short names of the interface endpoints to create, such as `ssm`. */
  endpoints?: string[];
  /** One running instance in the IPv6-only subnet per version; undefined means no agent data. */
  agentVersions?: (string | undefined)[];
}

/** Ids the NAT64 designs use. */
export const IDS = {
  natSubnet: "subnet-nat",
  v6Subnet: "subnet-v6only",
  natTable: "rtb-nat",
  v6Table: "rtb-v6only",
  mainTable: "rtb-main",
  nat: "nat-0a11",
  igw: "igw-0a11",
  eigw: "eigw-0a11",
} as const;

/**
 * Builds an IPv6-only subnet with DNS64 on that sends 64:ff9b::/96 to a public NAT gateway in a dual-stack
 * public subnet (0.0.0.0/0 to an internet gateway), with instances on current agents.
 */
export function publicNat64(options: Nat64Options = {}): Partial<Snapshot> {
  return nat64Design({ connectivity: "public", ...options }, true);
}

/**
 * Builds the private NAT design: an IPv6-only subnet with DNS64 on sends 64:ff9b::/96 to a private NAT
 * gateway in a dual-stack subnet without internet route, and reaches AWS through endpoints.
 */
export function privateNat64(options: Nat64Options = {}): Partial<Snapshot> {
  return nat64Design({ connectivity: "private", ...options }, false);
}

function nat64Design(options: Nat64Options, internet: boolean): Partial<Snapshot> {
  const nat64Route =
    options.nat64Route === undefined ? route("64:ff9b::/96", IDS.nat) : options.nat64Route;
  const versions = options.agentVersions ?? [CURRENT_AGENT];
  const instances = versions.map((_, position) =>
    instance({ id: `i-app${position + 1}`, subnet: IDS.v6Subnet }),
  );
  const natRoutes = internet ? [route("0.0.0.0/0", IDS.igw), route("::/0", IDS.igw)] : [];
  return {
    Subnets: [
      subnet({ id: IDS.natSubnet, kind: "dual-stack", block: 0 }),
      subnet({ id: IDS.v6Subnet, kind: "ipv6-only", dns64: options.dns64 ?? true, block: 1 }),
    ],
    RouteTables: [
      routeTable({ id: IDS.mainTable, main: true }),
      routeTable({ id: IDS.natTable, subnets: [IDS.natSubnet], routes: natRoutes }),
      routeTable({
        id: IDS.v6Table,
        subnets: [IDS.v6Subnet],
        routes: [
          ...(nat64Route ? [nat64Route] : []),
          ...(internet ? [route("::/0", IDS.eigw)] : []),
        ],
      }),
    ],
    NatGateways: [
      nat({
        id: IDS.nat,
        subnet: IDS.natSubnet,
        state: options.natState ?? "available",
        connectivity: options.connectivity ?? "public",
      }),
    ],
    InternetGateways: internet ? [internetGateway(IDS.igw, [attachment(VPC_ID, "available")])] : [],
    EgressOnlyInternetGateways: internet
      ? [egressOnlyGateway(IDS.eigw, [attachment(VPC_ID, "attached")])]
      : [],
    VpcEndpoints: (options.endpoints ?? []).map((service) =>
      endpoint({ id: `vpce-${service}`, service, subnets: [IDS.natSubnet] }),
    ),
    SecurityGroups: [
      securityGroup("sg-app"),
      securityGroup("sg-endpoints", [{ protocol: "tcp", from: 443, cidrs: [VPC_IPV4, VPC_IPV6] }]),
    ],
    NetworkAcls: [defaultNetworkAcl([IDS.natSubnet, IDS.v6Subnet])],
    NetworkInterfaces: [
      eni({ id: `eni-of-${IDS.nat}`, subnet: IDS.natSubnet, type: "nat_gateway" }),
      ...(options.endpoints ?? []).map((service) =>
        eni({
          id: `eni-vpce-${service}-${IDS.natSubnet}`,
          subnet: IDS.natSubnet,
          type: "vpc_endpoint",
          groupId: "sg-endpoints",
        }),
      ),
      ...instances.map((item) =>
        eni({ id: `eni-${item.InstanceId}`, subnet: IDS.v6Subnet, instanceId: item.InstanceId }),
      ),
    ],
    Reservations: reservations(...instances),
    InstanceInformationList: versions.flatMap((version, position) =>
      version === undefined ? [] : [agent(`i-app${position + 1}`, version)],
    ),
  };
}
