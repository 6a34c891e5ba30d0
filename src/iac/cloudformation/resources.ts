/** Maps CloudFormation EC2 resources onto the snapshot builder, one function per resource type. */
import type * as EC2 from "@aws-sdk/client-ec2";
import { isRecord } from "./parse.js";
import type { PropertyReader, TemplateContext } from "./context.js";
import { protocolName, protocolNumber } from "../protocols.js";
import { mapAutoScalingGroup, mapInstance } from "./instances.js";
import {
  hasUnlistedSecondaryIps,
  natGatewayOf,
  type NatGatewayProperties,
} from "../nat-gateway.js";
import { Unresolved, firstUnresolved } from "../unresolved.js";
import { leaveOutUnknownType } from "../endpoint.js";

/** Maps one resource; returns the ids of further snapshot resources it created, if any. */
type Mapper = (reader: PropertyReader, context: TemplateContext) => string[] | void;

/** The resource types vpc-lint reads from a template; other types are ignored. */
export const MAPPERS: Record<string, Mapper> = {
  "AWS::EC2::VPC": mapVpc,
  "AWS::EC2::VPCCidrBlock": mapVpcCidrBlock,
  "AWS::EC2::Subnet": mapSubnet,
  "AWS::EC2::SubnetCidrBlock": mapSubnetCidrBlock,
  "AWS::EC2::RouteTable": mapRouteTable,
  "AWS::EC2::Route": mapRoute,
  "AWS::EC2::SubnetRouteTableAssociation": mapRouteTableAssociation,
  "AWS::EC2::NatGateway": mapNatGateway,
  "AWS::EC2::InternetGateway": mapInternetGateway,
  "AWS::EC2::VPCGatewayAttachment": mapGatewayAttachment,
  "AWS::EC2::EgressOnlyInternetGateway": mapEgressOnlyInternetGateway,
  "AWS::EC2::VPCEndpoint": mapEndpoint,
  "AWS::EC2::SecurityGroup": mapSecurityGroup,
  "AWS::EC2::SecurityGroupIngress": (reader) => mapGroupRule(reader, "ingress"),
  "AWS::EC2::SecurityGroupEgress": (reader) => mapGroupRule(reader, "egress"),
  "AWS::EC2::NetworkAcl": mapNetworkAcl,
  "AWS::EC2::NetworkAclEntry": mapNetworkAclEntry,
  "AWS::EC2::SubnetNetworkAclAssociation": mapNetworkAclAssociation,
  "AWS::EC2::DHCPOptions": mapDhcpOptions,
  "AWS::EC2::VPCDHCPOptionsAssociation": mapDhcpAssociation,
  "AWS::EC2::Instance": mapInstance,
  "AWS::AutoScaling::AutoScalingGroup": mapAutoScalingGroup,
  "AWS::EC2::PrefixList": mapPrefixList,
};

function mapVpc(reader: PropertyReader): void {
  const vpc: EC2.Vpc = {
    VpcId: reader.id,
    InstanceTenancy: (reader.string("InstanceTenancy") ?? "default") as EC2.Tenancy,
    IsDefault: false,
    Tags: reader.tags(),
  };
  const cidr = reader.string("CidrBlock");
  if (cidr) vpc.CidrBlock = cidr;
  // EnableDnsSupport defaults to true and EnableDnsHostnames to false.
  reader.builder.addVpc(vpc, {
    support: reader.bool("EnableDnsSupport", true),
    hostnames: reader.bool("EnableDnsHostnames", false),
  });
}

function mapVpcCidrBlock(reader: PropertyReader, context: TemplateContext): void {
  const vpcId = reader.string("VpcId", "vpc");
  if (!vpcId) return;
  const ipv4 = reader.string("CidrBlock");
  if (ipv4) reader.builder.addVpcCidr(vpcId, ipv4);
  const ipv6 = reader.ipv6Cidr("Ipv6CidrBlock", 56, context.cidrBlockOf(reader.logicalId));
  if (ipv6) reader.builder.addVpcCidr(vpcId, ipv6);
  // Reading the length reports a value known only after deployment on standard error. The
  // placeholder block is then a /56.
  reader.number("Ipv6NetmaskLength");
}

function mapSubnet(reader: PropertyReader): void {
  const subnet: EC2.Subnet = {
    SubnetId: reader.id,
    VpcId: reader.string("VpcId", "vpc") as string,
    Ipv6Native: reader.bool("Ipv6Native", false) as boolean,
    EnableDns64: reader.bool("EnableDns64", false) as boolean,
    AssignIpv6AddressOnCreation: reader.bool("AssignIpv6AddressOnCreation", false) as boolean,
    MapPublicIpOnLaunch: reader.bool("MapPublicIpOnLaunch", false) as boolean,
    DefaultForAz: false,
    Tags: reader.tags(),
  };
  const cidr = reader.string("CidrBlock");
  if (cidr) subnet.CidrBlock = cidr;
  const zone = reader.string("AvailabilityZone");
  if (zone) subnet.AvailabilityZone = zone;
  const zoneId = reader.string("AvailabilityZoneId");
  if (zoneId) subnet.AvailabilityZoneId = zoneId;
  const ipv6 = reader.ipv6Cidr("Ipv6CidrBlock", 64);
  if (ipv6) subnet.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: ipv6 }];
  subnet.PrivateDnsNameOptionsOnLaunch = privateDnsNameOptions(reader);
  reader.builder.addSubnet(dropUndefined(subnet));
}

function privateDnsNameOptions(reader: PropertyReader): EC2.PrivateDnsNameOptionsOnLaunch {
  const options = isRecord(reader.properties.PrivateDnsNameOptionsOnLaunch)
    ? reader.properties.PrivateDnsNameOptionsOnLaunch
    : {};
  return {
    HostnameType: (reader.stringOf(
      options.HostnameType,
      "PrivateDnsNameOptionsOnLaunch.HostnameType",
    ) ?? "ip-name") as EC2.HostnameType,
    EnableResourceNameDnsARecord: reader.boolOf(
      options.EnableResourceNameDnsARecord,
      "PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord",
      false,
    ) as boolean,
    EnableResourceNameDnsAAAARecord: reader.boolOf(
      options.EnableResourceNameDnsAAAARecord,
      "PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord",
      false,
    ) as boolean,
  };
}

function mapSubnetCidrBlock(reader: PropertyReader): void {
  const subnetId = reader.string("SubnetId", "subnet");
  const ipv6 = reader.ipv6Cidr("Ipv6CidrBlock", 64);
  if (subnetId && ipv6) reader.builder.addSubnetIpv6Cidr(subnetId, ipv6);
}

function mapRouteTable(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  reader.builder.addRouteTable({
    RouteTableId: reader.id,
    ...(vpcId && { VpcId: vpcId }),
    Tags: reader.tags(),
  });
}

/** Route target properties, with the id prefix a placeholder gets and the snapshot field. */
const ROUTE_TARGETS: [string, string, keyof EC2.Route][] = [
  ["GatewayId", "igw", "GatewayId"],
  ["NatGatewayId", "nat", "NatGatewayId"],
  ["EgressOnlyInternetGatewayId", "eigw", "EgressOnlyInternetGatewayId"],
  ["InstanceId", "i", "InstanceId"],
  ["NetworkInterfaceId", "eni", "NetworkInterfaceId"],
  ["TransitGatewayId", "tgw", "TransitGatewayId"],
  ["VpcPeeringConnectionId", "pcx", "VpcPeeringConnectionId"],
  ["CarrierGatewayId", "cagw", "CarrierGatewayId"],
  ["LocalGatewayId", "lgw", "LocalGatewayId"],
  // DescribeRouteTables reports a route to a Gateway Load Balancer endpoint in GatewayId.
  ["VpcEndpointId", "vpce", "GatewayId"],
  ["CoreNetworkArn", "arn", "CoreNetworkArn"],
];

function mapRoute(reader: PropertyReader): void {
  const tableId = reader.string("RouteTableId", "rtb");
  if (!tableId) return;
  reader.attachNotesTo(tableId);
  const route: Record<string, string> = {};
  const ipv4 = reader.string("DestinationCidrBlock");
  if (ipv4) route.DestinationCidrBlock = ipv4;
  const ipv6 = reader.ipv6Cidr("DestinationIpv6CidrBlock", 64);
  if (ipv6) route.DestinationIpv6CidrBlock = ipv6;
  const prefixList = reader.string("DestinationPrefixListId", "pl");
  if (prefixList) route.DestinationPrefixListId = prefixList;
  for (const [property, prefix, field] of ROUTE_TARGETS) {
    const target = reader.string(property, prefix);
    if (target) route[field] = target;
  }
  const unknown = ["DestinationCidrBlock", "DestinationIpv6CidrBlock"].find((property) =>
    firstUnresolved(reader.properties[property]),
  );
  if (unknown) reader.builder.noteUnknownDestination(tableId, reader.logicalId, unknown);
  reader.builder.addRoute(tableId, route as EC2.Route);
}

function mapRouteTableAssociation(reader: PropertyReader): void {
  const subnetId = reader.string("SubnetId", "subnet");
  if (subnetId) reader.attachNotesTo(subnetId);
  const tableId = reader.string("RouteTableId", "rtb");
  if (tableId && subnetId) reader.builder.associateRouteTable(tableId, subnetId, reader.id);
}

function mapNatGateway(reader: PropertyReader): void {
  const listed = reader.properties.SecondaryPrivateIpAddresses;
  const properties: NatGatewayProperties = {
    id: reader.id,
    tags: reader.tags(),
    connectivityType: reader.string("ConnectivityType"),
    allocationId: reader.string("AllocationId", "eipalloc"),
    privateIp: reader.string("PrivateIpAddress"),
    secondaryPrivateIps: Array.isArray(listed)
      ? listed.filter((item): item is string => typeof item === "string")
      : undefined,
    unlistedSecondaryIps: hasUnlistedSecondaryIps(
      listed,
      reader.properties.SecondaryPrivateIpAddressCount,
      reader.properties.SecondaryAllocationIds,
    ),
    subnetId: reader.string("SubnetId", "subnet"),
    availabilityMode: reader.string("AvailabilityMode"),
    vpcId: reader.string("VpcId", "vpc"),
  };
  if (firstUnresolved(reader.properties.ConnectivityType)) {
    properties.connectivityTypeUnknown = true;
    reader.builder.noteUnknownNatProperty(reader.id, "ConnectivityType");
  }
  if (firstUnresolved(reader.properties.AvailabilityMode)) {
    reader.builder.noteUnknownNatProperty(reader.id, "AvailabilityMode");
  }
  reader.builder.addNatGateway(natGatewayOf(properties));
}

function mapInternetGateway(reader: PropertyReader): void {
  reader.builder.addInternetGateway({
    InternetGatewayId: reader.id,
    Attachments: [],
    Tags: reader.tags(),
  });
}

function mapGatewayAttachment(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  const gatewayId = reader.string("InternetGatewayId", "igw");
  if (vpcId && gatewayId) reader.builder.attachInternetGateway(gatewayId, vpcId);
}

function mapEgressOnlyInternetGateway(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  reader.builder.addEgressOnlyInternetGateway({
    EgressOnlyInternetGatewayId: reader.id,
    Attachments: vpcId ? [{ VpcId: vpcId, State: "attached" }] : [],
    Tags: reader.tags(),
  });
}

function mapEndpoint(reader: PropertyReader): void {
  const type = reader.string("VpcEndpointType");
  const endpoint: EC2.VpcEndpoint = {
    VpcEndpointId: reader.id,
    // CloudFormation creates a gateway endpoint when VpcEndpointType is left out.
    VpcEndpointType: (type ?? "Gateway") as EC2.VpcEndpointType,
    SubnetIds: reader.ids("SubnetIds", "subnet"),
    RouteTableIds: reader.ids("RouteTableIds", "rtb"),
    Groups: reader.ids("SecurityGroupIds", "sg").map((id) => ({ GroupId: id, GroupName: id })),
    PrivateDnsEnabled: reader.bool("PrivateDnsEnabled", false) as boolean,
    Tags: reader.tags(),
  };
  const vpcId = reader.string("VpcId", "vpc");
  if (vpcId) endpoint.VpcId = vpcId;
  const service = reader.string("ServiceName");
  if (service) endpoint.ServiceName = service;
  if (type === undefined && reader.properties.VpcEndpointType !== undefined)
    leaveOutUnknownType(endpoint);
  const addressType = reader.string("IpAddressType");
  if (addressType) endpoint.IpAddressType = addressType as EC2.IpAddressType;
  const dns = isRecord(reader.properties.DnsOptions) ? reader.properties.DnsOptions : undefined;
  const recordType = dns
    ? reader.stringOf(dns.DnsRecordIpType, "DnsOptions.DnsRecordIpType")
    : undefined;
  if (recordType) endpoint.DnsOptions = { DnsRecordIpType: recordType as EC2.DnsRecordIpType };
  if (dns) readInboundResolverOnly(reader, endpoint, dns.PrivateDnsOnlyForInboundResolverEndpoint);
  reader.builder.addEndpoint(endpoint);
}

/** Values of DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint and the flag EC2 reports for them. */
const INBOUND_RESOLVER_ONLY: Record<string, boolean> = {
  onlyinboundresolver: true,
  allresolvers: false,
};

/**
 * Sets PrivateDnsOnlyForInboundResolverEndpoint. With it, only queries through inbound Resolver
 * endpoints get the endpoint's addresses, and the VPC's own clients do not. When the value is
 * unknown, so is private DNS for those clients, and PrivateDnsEnabled is left out.
 */
function readInboundResolverOnly(
  reader: PropertyReader,
  endpoint: EC2.VpcEndpoint,
  value: unknown,
): void {
  if (value === undefined) return;
  const property = "DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint";
  const text = reader.stringOf(value, property);
  if (text === undefined) {
    delete endpoint.PrivateDnsEnabled;
    return;
  }
  const flag = INBOUND_RESOLVER_ONLY[text.toLowerCase()];
  if (flag === undefined) return;
  endpoint.DnsOptions = { ...endpoint.DnsOptions, PrivateDnsOnlyForInboundResolverEndpoint: flag };
}

function mapSecurityGroup(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  const egress = ruleList(reader, "egress", "SecurityGroupEgress");
  const group: EC2.SecurityGroup = {
    GroupId: reader.id,
    GroupName: reader.string("GroupName") ?? reader.logicalId,
    Description: reader.string("GroupDescription") ?? "",
    IpPermissions: [],
    IpPermissionsEgress: [],
    Tags: reader.tags(),
  };
  if (vpcId) group.VpcId = vpcId;
  // EC2 keeps its default egress rule unless SecurityGroupEgress lists at least one rule.
  reader.builder.addSecurityGroup(group, egress.length === 0);
  const ingress = ruleList(reader, "ingress", "SecurityGroupIngress");
  for (const rule of ingress) addRule(reader, reader.id, "ingress", rule, "SecurityGroupIngress");
  for (const rule of egress) addRule(reader, reader.id, "egress", rule, "SecurityGroupEgress");
}

/**
 * Returns the known rules of an inline rule list. An unknown list or item, such as an `Fn::If` on
 * a condition that reads a parameter without a value, may add any rule. The group's rules of that
 * direction are then left out, so the checks that read them are skipped.
 */
function ruleList(
  reader: PropertyReader,
  direction: "ingress" | "egress",
  property: string,
): unknown[] {
  const value = reader.properties[property];
  let items: unknown[] = [];
  if (Array.isArray(value)) items = value;
  else if (value instanceof Unresolved) items = [value];
  return items.filter((item) => {
    if (!(item instanceof Unresolved)) return true;
    reader.stringOf(item, property);
    reader.builder.noteUnknownPeer(reader.id, direction);
    return false;
  });
}

function mapGroupRule(reader: PropertyReader, direction: "ingress" | "egress"): void {
  const groupId = reader.string("GroupId", "sg");
  if (!groupId) return;
  reader.attachNotesTo(groupId);
  addRule(reader, groupId, direction, reader.properties, "GroupId");
}

/** Adds one ingress or egress rule, in the shape of an inline rule or a separate resource. */
function addRule(
  reader: PropertyReader,
  groupId: string,
  direction: "ingress" | "egress",
  rule: unknown,
  property: string,
): void {
  if (!isRecord(rule)) return;
  const text = (name: string, prefix?: string) =>
    reader.stringOf(rule[name], `${property}.${name}`, prefix);
  const protocol = protocolName(text("IpProtocol") ?? "-1");
  const permission: EC2.IpPermission = {
    IpProtocol: protocol,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  if (protocol !== "-1") {
    const from = reader.number(`${property}.FromPort`, rule.FromPort);
    const to = reader.number(`${property}.ToPort`, rule.ToPort);
    if (from !== undefined) permission.FromPort = from;
    if (to !== undefined) permission.ToPort = to;
  }
  const description = text("Description");
  const extra = description ? { Description: description } : {};
  const cidr = text("CidrIp");
  if (cidr) permission.IpRanges?.push({ CidrIp: cidr, ...extra });
  const cidrIpv6 = reader.ipv6Cidr(`${property}.CidrIpv6`, 64, rule.CidrIpv6);
  if (cidrIpv6) permission.Ipv6Ranges?.push({ CidrIpv6: cidrIpv6, ...extra });
  const side = direction === "ingress" ? "Source" : "Destination";
  const prefixList = text(`${side}PrefixListId`, "pl");
  if (prefixList) permission.PrefixListIds?.push({ PrefixListId: prefixList, ...extra });
  const peer = text(`${side}SecurityGroupId`, "sg");
  if (peer) permission.UserIdGroupPairs?.push({ GroupId: peer, ...extra });
  // A rule whose peer, protocol or ports are known only after deployment may admit any traffic.
  if (RULE_FIELDS.some((name) => firstUnresolved(rule[name])))
    reader.builder.noteUnknownPeer(groupId, direction);
  reader.builder.addPermission(groupId, direction, permission);
}

/** Security group rule properties that decide which traffic the rule admits. */
const RULE_FIELDS = ["CidrIp", "CidrIpv6", "IpProtocol", "FromPort", "ToPort"];

/** Network ACL entry properties that decide which traffic the entry matches and what it does. */
const ACL_ENTRY_FIELDS = [
  "CidrBlock",
  "Ipv6CidrBlock",
  "Protocol",
  "RuleAction",
  "RuleNumber",
  "Egress",
  "PortRange",
  "Icmp",
];

function mapNetworkAcl(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  reader.builder.addNetworkAcl({
    NetworkAclId: reader.id,
    ...(vpcId && { VpcId: vpcId }),
    IsDefault: false,
    Entries: [],
    Associations: [],
    Tags: reader.tags(),
  });
}

function mapNetworkAclEntry(reader: PropertyReader): void {
  const aclId = reader.string("NetworkAclId", "acl");
  if (!aclId) return;
  reader.attachNotesTo(aclId);
  const entry: EC2.NetworkAclEntry = {
    RuleNumber: reader.number("RuleNumber") as number,
    Protocol: protocolNumber(reader.string("Protocol") ?? "-1"),
    RuleAction: (reader.string("RuleAction") ?? "allow") as EC2.RuleAction,
    Egress: reader.bool("Egress", false) as boolean,
  };
  const cidr = reader.string("CidrBlock");
  if (cidr) entry.CidrBlock = cidr;
  const ipv6 = reader.ipv6Cidr("Ipv6CidrBlock", 64);
  if (ipv6) entry.Ipv6CidrBlock = ipv6;
  if (ACL_ENTRY_FIELDS.some((name) => firstUnresolved(reader.properties[name])))
    reader.builder.noteUnknownAclEntry(aclId);
  const ports = reader.properties.PortRange;
  if (isRecord(ports)) {
    entry.PortRange = dropUndefined({
      From: reader.number("PortRange.From", ports.From),
      To: reader.number("PortRange.To", ports.To),
    });
  }
  const icmp = reader.properties.Icmp;
  if (isRecord(icmp)) {
    entry.IcmpTypeCode = dropUndefined({
      Code: reader.number("Icmp.Code", icmp.Code),
      Type: reader.number("Icmp.Type", icmp.Type),
    });
  }
  reader.builder.addNetworkAclEntry(aclId, entry);
}

function mapNetworkAclAssociation(reader: PropertyReader): void {
  const aclId = reader.string("NetworkAclId", "acl");
  const subnetId = reader.string("SubnetId", "subnet");
  if (aclId && subnetId) reader.builder.associateNetworkAcl(aclId, subnetId, reader.id);
}

/** DHCP option properties and the keys DescribeDhcpOptions reports them under. */
const DHCP_KEYS: [string, string][] = [
  ["DomainName", "domain-name"],
  ["DomainNameServers", "domain-name-servers"],
  ["NtpServers", "ntp-servers"],
  ["NetbiosNameServers", "netbios-name-servers"],
  ["NetbiosNodeType", "netbios-node-type"],
  ["Ipv6AddressPreferredLeaseTime", "ipv6-address-preferred-lease-time"],
];

function mapDhcpOptions(reader: PropertyReader): void {
  const configurations: EC2.DhcpConfiguration[] = [];
  for (const [property, key] of DHCP_KEYS) {
    const raw = reader.properties[property];
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((item) =>
      reader.stringOf(item, property),
    );
    configurations.push({
      Key: key,
      Values: values.filter((v): v is string => v !== undefined).map((Value) => ({ Value })),
    });
  }
  reader.builder.addDhcpOptions({
    DhcpOptionsId: reader.id,
    DhcpConfigurations: configurations,
    Tags: reader.tags(),
  });
}

function mapDhcpAssociation(reader: PropertyReader): void {
  const vpcId = reader.string("VpcId", "vpc");
  const optionsId = reader.string("DhcpOptionsId", "dopt");
  if (vpcId && optionsId) reader.builder.associateDhcpOptions(vpcId, optionsId);
}

function mapPrefixList(reader: PropertyReader): void {
  const entries = Array.isArray(reader.properties.Entries) ? reader.properties.Entries : [];
  reader.builder.addPrefixList({
    PrefixListId: reader.id,
    PrefixListName: reader.string("PrefixListName") ?? reader.logicalId,
    AddressFamily: reader.string("AddressFamily") ?? "IPv4",
    State: "create-complete",
    Entries: entries
      .filter(isRecord)
      .map((entry) => ({ Cidr: reader.stringOf(entry.Cidr, "Entries.Cidr") ?? "" }))
      .filter((entry) => entry.Cidr !== ""),
  });
}

function dropUndefined<T extends object>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;
}
