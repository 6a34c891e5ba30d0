/** Maps Terraform AWS provider resources onto the snapshot builder, one function per type. */
import type * as EC2 from "@aws-sdk/client-ec2";
import { placeholderId } from "../placeholders.js";
import { protocolName, protocolNumber } from "../protocols.js";
import type { AttributeReader, PlanContext } from "./context.js";
import { mapAutoScalingGroup, mapInstance } from "./instances.js";
import {
  hasUnlistedSecondaryIps,
  natGatewayOf,
  type NatGatewayProperties,
} from "../nat-gateway.js";
import { firstUnresolved } from "../unresolved.js";
import { leaveOutUnknownType } from "../endpoint.js";

/** Maps one resource; returns the ids of further snapshot resources it created, if any. */
type Mapper = (reader: AttributeReader, context: PlanContext) => string[] | void;

/** The resource types vpc-lint reads from a plan; other types are ignored. */
export const MAPPERS: Record<string, Mapper> = {
  aws_vpc: mapVpc,
  aws_vpc_ipv6_cidr_block_association: mapIpv6Association,
  aws_vpc_ipv4_cidr_block_association: mapIpv4Association,
  aws_subnet: mapSubnet,
  aws_route_table: mapRouteTable,
  aws_default_route_table: mapDefaultRouteTable,
  aws_route: mapRoute,
  aws_route_table_association: mapRouteTableAssociation,
  aws_main_route_table_association: mapMainRouteTableAssociation,
  aws_nat_gateway: mapNatGateway,
  aws_internet_gateway: mapInternetGateway,
  aws_internet_gateway_attachment: mapInternetGatewayAttachment,
  aws_egress_only_internet_gateway: mapEgressOnlyInternetGateway,
  aws_vpc_endpoint: mapEndpoint,
  aws_vpc_endpoint_subnet_association: (reader) => linkEndpoint(reader, "subnet_id", "subnet"),
  aws_vpc_endpoint_security_group_association: (reader) =>
    linkEndpoint(reader, "security_group_id", "sg"),
  aws_vpc_endpoint_route_table_association: (reader) =>
    linkEndpoint(reader, "route_table_id", "rtb"),
  aws_vpc_endpoint_private_dns: mapEndpointPrivateDns,
  aws_security_group: mapSecurityGroup,
  aws_vpc_security_group_ingress_rule: (reader) => mapGroupRule(reader, "ingress"),
  aws_vpc_security_group_egress_rule: (reader) => mapGroupRule(reader, "egress"),
  aws_security_group_rule: mapLegacyGroupRule,
  aws_network_acl: (reader) => mapNetworkAcl(reader, reader.string("vpc_id", "vpc"), false),
  aws_default_network_acl: (reader, context) =>
    mapNetworkAcl(reader, context.vpcWithDefault("default_network_acl_id", reader.id), true),
  aws_default_security_group: mapSecurityGroup,
  aws_network_acl_rule: mapNetworkAclRule,
  aws_network_acl_association: mapNetworkAclAssociation,
  aws_vpc_dhcp_options: mapDhcpOptions,
  aws_vpc_dhcp_options_association: mapDhcpAssociation,
  aws_instance: mapInstance,
  aws_autoscaling_group: mapAutoScalingGroup,
};

function mapVpc(reader: AttributeReader, context: PlanContext): void {
  const vpc: EC2.Vpc = {
    VpcId: reader.id,
    InstanceTenancy: (reader.string("instance_tenancy") ?? "default") as EC2.Tenancy,
    IsDefault: false,
    Tags: reader.tags(),
  };
  const cidr = reader.string("cidr_block");
  if (cidr) vpc.CidrBlock = cidr;
  const ipv6 = context.vpcBlock(reader.instance);
  if (ipv6) reader.builder.addVpcCidr(reader.id, ipv6);
  const defaults = {
    mainRouteTableId: known(reader.instance.values.main_route_table_id),
    defaultNetworkAclId: known(reader.instance.values.default_network_acl_id),
    defaultSecurityGroupId: known(reader.instance.values.default_security_group_id),
  };
  reader.builder.addVpc(
    vpc,
    {
      support: reader.bool("enable_dns_support", true),
      hostnames: reader.bool("enable_dns_hostnames", false),
    },
    defaults,
  );
  const dhcp = known(reader.instance.values.dhcp_options_id);
  if (dhcp) reader.builder.associateDhcpOptions(reader.id, dhcp);
}

function mapIpv6Association(reader: AttributeReader, context: PlanContext): void {
  const vpcId = reader.string("vpc_id", "vpc");
  if (vpcId) reader.builder.addVpcCidr(vpcId, context.associationBlock(reader.instance));
}

function mapIpv4Association(reader: AttributeReader): void {
  const vpcId = reader.string("vpc_id", "vpc");
  const cidr = reader.string("cidr_block");
  if (vpcId && cidr) reader.builder.addVpcCidr(vpcId, cidr);
}

function mapSubnet(reader: AttributeReader, context: PlanContext): void {
  const subnet: EC2.Subnet = {
    SubnetId: reader.id,
    VpcId: reader.string("vpc_id", "vpc") as string,
    DefaultForAz: false,
    Tags: reader.tags(),
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: (reader.string("private_dns_hostname_type_on_launch") ??
        "ip-name") as EC2.HostnameType,
      EnableResourceNameDnsARecord: reader.bool(
        "enable_resource_name_dns_a_record_on_launch",
        false,
      ) as boolean,
      EnableResourceNameDnsAAAARecord: reader.bool(
        "enable_resource_name_dns_aaaa_record_on_launch",
        false,
      ) as boolean,
    },
  };
  const flags: [keyof EC2.Subnet, string][] = [
    ["Ipv6Native", "ipv6_native"],
    ["EnableDns64", "enable_dns64"],
    ["AssignIpv6AddressOnCreation", "assign_ipv6_address_on_creation"],
    ["MapPublicIpOnLaunch", "map_public_ip_on_launch"],
  ];
  for (const [field, name] of flags) {
    const value = reader.bool(name, false);
    if (value !== undefined) (subnet as Record<string, unknown>)[field] = value;
  }
  const cidr = reader.string("cidr_block");
  if (cidr) subnet.CidrBlock = cidr;
  const zone = reader.string("availability_zone");
  if (zone) subnet.AvailabilityZone = zone;
  const ipv6 = context.subnetBlock(reader.instance);
  if (ipv6) subnet.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: ipv6 }];
  reader.builder.addSubnet(subnet);
}

function mapRouteTable(reader: AttributeReader): void {
  const vpcId = reader.string("vpc_id", "vpc");
  reader.builder.addRouteTable({
    RouteTableId: reader.id,
    ...(vpcId && { VpcId: vpcId }),
    Tags: reader.tags(),
  });
  noteUnknownRoutes(reader, reader.id);
  for (const block of reader.blocks("route")) addRoute(block, reader.id, "");
}

/** Leaves out the routing of a route table's VPC when its inline routes are unknown. */
function noteUnknownRoutes(reader: AttributeReader, tableId: string): void {
  if (!reader.unknownBlocks("route")) return;
  reader.builder.noteUncertainRouting(
    [tableId],
    `route table ${reader.address} has routes that are known only after deployment`,
  );
}

/** `aws_default_route_table` manages the main route table that AWS created with the VPC. */
function mapDefaultRouteTable(reader: AttributeReader, context: PlanContext): void {
  const tableId = reader.string("default_route_table_id", "rtb") ?? reader.id;
  const vpcId =
    reader.string("vpc_id", "vpc") ?? context.vpcWithDefault("default_route_table_id", tableId);
  reader.builder.addRouteTable({
    RouteTableId: tableId,
    ...(vpcId && { VpcId: vpcId }),
    Tags: reader.tags(),
  });
  if (vpcId) reader.builder.setMainRouteTable(vpcId, tableId);
  noteUnknownRoutes(reader, tableId);
  for (const block of reader.blocks("route")) addRoute(block, tableId, "");
}

/** Route attributes: the inline block name, the `aws_route` name, the placeholder prefix and the snapshot field. */
const ROUTE_FIELDS: [string, string, string, keyof EC2.Route][] = [
  ["gateway_id", "gateway_id", "igw", "GatewayId"],
  ["nat_gateway_id", "nat_gateway_id", "nat", "NatGatewayId"],
  ["egress_only_gateway_id", "egress_only_gateway_id", "eigw", "EgressOnlyInternetGatewayId"],
  ["network_interface_id", "network_interface_id", "eni", "NetworkInterfaceId"],
  ["transit_gateway_id", "transit_gateway_id", "tgw", "TransitGatewayId"],
  ["vpc_peering_connection_id", "vpc_peering_connection_id", "pcx", "VpcPeeringConnectionId"],
  ["carrier_gateway_id", "carrier_gateway_id", "cagw", "CarrierGatewayId"],
  ["local_gateway_id", "local_gateway_id", "lgw", "LocalGatewayId"],
  // DescribeRouteTables reports a route to a Gateway Load Balancer endpoint in GatewayId.
  ["vpc_endpoint_id", "vpc_endpoint_id", "vpce", "GatewayId"],
  ["core_network_arn", "core_network_arn", "arn", "CoreNetworkArn"],
];

/** Adds one route; inline blocks name destinations `cidr_block`, `aws_route` names them `destination_cidr_block`. */
function addRoute(
  reader: AttributeReader,
  tableId: string,
  destinationPrefix: "" | "destination_",
): void {
  const route: Record<string, string> = {};
  const ipv4 = reader.string(`${destinationPrefix}cidr_block`);
  if (ipv4) route.DestinationCidrBlock = ipv4;
  const ipv6 = reader.ipv6Cidr(`${destinationPrefix}ipv6_cidr_block`, 64);
  if (ipv6) route.DestinationIpv6CidrBlock = ipv6;
  const prefixList = reader.string("destination_prefix_list_id", "pl");
  if (prefixList) route.DestinationPrefixListId = prefixList;
  for (const [name, , prefix, field] of ROUTE_FIELDS) {
    const target = reader.string(name, prefix);
    if (target && !route[field]) route[field] = target;
  }
  const unknown = [`${destinationPrefix}cidr_block`, `${destinationPrefix}ipv6_cidr_block`].find(
    (name) => firstUnresolved(reader.single(name)),
  );
  if (unknown) reader.builder.noteUnknownDestination(tableId, reader.address, unknown);
  if (
    !route.DestinationCidrBlock &&
    !route.DestinationIpv6CidrBlock &&
    !route.DestinationPrefixListId
  )
    return;
  reader.builder.addRoute(tableId, route as EC2.Route);
}

function mapRoute(reader: AttributeReader): void {
  const tableId = reader.string("route_table_id", "rtb");
  if (!tableId) return;
  noteUncertainRouting(reader, "route_table_id", "a route table");
  reader.attachNotesTo(tableId);
  addRoute(reader, tableId, "destination_");
}

function mapRouteTableAssociation(reader: AttributeReader): void {
  const subnetId = reader.string("subnet_id", "subnet");
  if (subnetId) reader.attachNotesTo(subnetId);
  const tableId = reader.string("route_table_id", "rtb");
  noteUncertainRouting(reader, "subnet_id", "a subnet");
  noteUncertainRouting(reader, "route_table_id", "a route table");
  if (tableId && subnetId) reader.builder.associateRouteTable(tableId, subnetId, reader.id);
}

/**
 * Marks the VPCs whose routing is uncertain when a route or association names a route table or
 * subnet that cannot be resolved. Its placeholder matches none of them, so without the mark the
 * route would be left out, or the subnet would stay on the main table.
 */
function noteUncertainRouting(reader: AttributeReader, name: string, kind: string): void {
  const candidates = reader.candidateIds(name);
  if (candidates === undefined) return;
  reader.builder.noteUncertainRouting(
    candidates,
    `${reader.address} ${name} names ${kind} of the plan that vpc-lint cannot resolve`,
  );
}

function mapMainRouteTableAssociation(reader: AttributeReader): void {
  const vpcId = reader.string("vpc_id", "vpc");
  const tableId = reader.string("route_table_id", "rtb");
  if (vpcId && tableId) reader.builder.setMainRouteTable(vpcId, tableId);
}

function mapNatGateway(reader: AttributeReader): void {
  const properties: NatGatewayProperties = {
    id: reader.id,
    tags: reader.tags(),
    connectivityType: reader.string("connectivity_type"),
    allocationId: reader.string("allocation_id", "eipalloc"),
    privateIp: reader.string("private_ip"),
    secondaryPrivateIps: reader.strings("secondary_private_ip_addresses"),
    unlistedSecondaryIps: hasUnlistedSecondaryIps(
      reader.raw("secondary_private_ip_addresses"),
      reader.raw("secondary_private_ip_address_count"),
      reader.raw("secondary_allocation_ids"),
    ),
    subnetId: reader.string("subnet_id", "subnet"),
    availabilityMode: reader.string("availability_mode"),
    vpcId: reader.string("vpc_id", "vpc"),
  };
  if (firstUnresolved(reader.single("connectivity_type"))) {
    properties.connectivityTypeUnknown = true;
    reader.builder.noteUnknownNatProperty(reader.id, "connectivity_type");
  }
  if (firstUnresolved(reader.single("availability_mode"))) {
    reader.builder.noteUnknownNatProperty(reader.id, "availability_mode");
  }
  reader.builder.addNatGateway(natGatewayOf(properties));
}

function mapInternetGateway(reader: AttributeReader): void {
  reader.builder.addInternetGateway({
    InternetGatewayId: reader.id,
    Attachments: [],
    Tags: reader.tags(),
  });
  const vpcId = reader.string("vpc_id", "vpc");
  if (vpcId) reader.builder.attachInternetGateway(reader.id, vpcId);
}

function mapInternetGatewayAttachment(reader: AttributeReader): void {
  const gatewayId = reader.string("internet_gateway_id", "igw");
  const vpcId = reader.string("vpc_id", "vpc");
  if (gatewayId && vpcId) reader.builder.attachInternetGateway(gatewayId, vpcId);
}

function mapEgressOnlyInternetGateway(reader: AttributeReader): void {
  const vpcId = reader.string("vpc_id", "vpc");
  reader.builder.addEgressOnlyInternetGateway({
    EgressOnlyInternetGatewayId: reader.id,
    Attachments: vpcId ? [{ VpcId: vpcId, State: "attached" }] : [],
    Tags: reader.tags(),
  });
}

function mapEndpoint(reader: AttributeReader): void {
  const type = reader.string("vpc_endpoint_type") ?? "Gateway";
  const endpoint: EC2.VpcEndpoint = {
    VpcEndpointId: reader.id,
    VpcEndpointType: type as EC2.VpcEndpointType,
    SubnetIds: reader.strings("subnet_ids", "subnet"),
    RouteTableIds: reader.strings("route_table_ids", "rtb"),
    Groups: reader
      .strings("security_group_ids", "sg")
      .map((id) => ({ GroupId: id, GroupName: id })),
    PrivateDnsEnabled: reader.bool("private_dns_enabled", false) as boolean,
    Tags: reader.tags(),
  };
  const vpcId = reader.string("vpc_id", "vpc");
  if (vpcId) endpoint.VpcId = vpcId;
  const service = reader.string("service_name");
  if (service) endpoint.ServiceName = service;
  if (firstUnresolved(reader.single("vpc_endpoint_type"))) leaveOutUnknownType(endpoint);
  const addressType = reader.string("ip_address_type");
  if (addressType) endpoint.IpAddressType = addressType as EC2.IpAddressType;
  const dns = reader.blocks("dns_options")[0];
  const recordType = dns?.string("dns_record_ip_type");
  if (recordType) endpoint.DnsOptions = { DnsRecordIpType: recordType as EC2.DnsRecordIpType };
  // With this flag only queries through inbound Resolver endpoints get the endpoint's addresses,
  // and the VPC's own clients do not. When it is unknown, so is private DNS for those clients.
  const inboundOnly = dns
    ? dns.bool("private_dns_only_for_inbound_resolver_endpoint", false)
    : false;
  if (inboundOnly === undefined) delete endpoint.PrivateDnsEnabled;
  else if (inboundOnly) {
    endpoint.DnsOptions = {
      ...endpoint.DnsOptions,
      PrivateDnsOnlyForInboundResolverEndpoint: true,
    };
  }
  reader.builder.addEndpoint(endpoint);
}

function linkEndpoint(reader: AttributeReader, name: string, prefix: string): void {
  const endpointId = reader.string("vpc_endpoint_id", "vpce");
  const linked = reader.string(name, prefix);
  if (!endpointId || !linked) return;
  if (prefix === "subnet") reader.builder.linkEndpoint(endpointId, { subnetId: linked });
  else if (prefix === "sg") linkEndpointGroup(reader, endpointId, linked);
  else reader.builder.linkEndpoint(endpointId, { tableId: linked });
}

/**
 * Links a group to an endpoint. The provider documents that the VPC's default group, which an
 * endpoint created without groups gets, stays unless `replace_default_association` is true.
 */
function linkEndpointGroup(reader: AttributeReader, endpointId: string, groupId: string): void {
  // NOTE: a replace_default_association known only after apply is read as false, its default.
  const replaces = reader.bool("replace_default_association", false) === true;
  reader.builder.linkEndpoint(endpointId, { groupId, replacesDefaultGroup: replaces });
}

/**
 * Maps `aws_vpc_endpoint_private_dns`, which turns an endpoint's private DNS on or off after the
 * endpoint is created. The provider documents it for endpoints that leave `private_dns_enabled`
 * out, so its value is the one the endpoint ends up with.
 */
function mapEndpointPrivateDns(reader: AttributeReader): void {
  const endpointId = reader.string("vpc_endpoint_id", "vpce");
  if (!endpointId) return;
  reader.attachNotesTo(endpointId);
  reader.builder.setEndpointPrivateDns(endpointId, reader.bool("private_dns_enabled"));
}

function mapSecurityGroup(reader: AttributeReader): void {
  const group: EC2.SecurityGroup = {
    GroupId: reader.id,
    GroupName: reader.string("name") ?? reader.address,
    Description: reader.string("description") ?? "",
    IpPermissions: [],
    IpPermissionsEgress: [],
    Tags: reader.tags(),
  };
  const vpcId = reader.string("vpc_id", "vpc");
  if (vpcId) group.VpcId = vpcId;
  // Terraform deletes the egress rule AWS adds to a new group, so only listed rules remain.
  reader.builder.addSecurityGroup(group, false);
  for (const direction of ["ingress", "egress"] as const) {
    if (reader.unknownBlocks(direction)) reader.builder.noteUnknownPeer(reader.id, direction);
    for (const block of reader.blocks(direction)) addInlineRule(block, reader.id, direction);
  }
}

/** Adds an inline `ingress` or `egress` block, or an `aws_security_group_rule`; they share attribute names. */
function addInlineRule(
  reader: AttributeReader,
  groupId: string,
  direction: "ingress" | "egress",
): void {
  const permission = basePermission(reader, "protocol");
  const description = reader.string("description");
  const extra = description ? { Description: description } : {};
  for (const cidr of reader.strings("cidr_blocks"))
    permission.IpRanges?.push({ CidrIp: cidr, ...extra });
  for (const cidr of reader.strings("ipv6_cidr_blocks"))
    permission.Ipv6Ranges?.push({ CidrIpv6: cidr, ...extra });
  for (const list of reader.strings("prefix_list_ids", "pl"))
    permission.PrefixListIds?.push({ PrefixListId: list, ...extra });
  const peers = [
    ...reader.strings("security_groups", "sg"),
    ...reader.strings("source_security_group_id", "sg"),
  ];
  if (reader.bool("self", false)) peers.push(groupId);
  for (const peer of new Set(peers)) permission.UserIdGroupPairs?.push({ GroupId: peer, ...extra });
  noteUnknownPeer(reader, groupId, direction, [
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "protocol",
    "from_port",
    "to_port",
  ]);
  reader.builder.addPermission(groupId, direction, permission);
}

/**
 * Marks the group's rules of a direction unknown when an attribute that decides which traffic a
 * rule admits, such as a CIDR or the protocol, is unresolved.
 */
function noteUnknownPeer(
  reader: AttributeReader,
  groupId: string,
  direction: "ingress" | "egress",
  names: string[],
): void {
  if (names.some((name) => firstUnresolved(reader.raw(name))))
    reader.builder.noteUnknownPeer(groupId, direction);
}

function mapLegacyGroupRule(reader: AttributeReader): void {
  const groupId = reader.string("security_group_id", "sg");
  const direction = reader.string("type") === "egress" ? "egress" : "ingress";
  if (!groupId) return;
  reader.attachNotesTo(groupId);
  addInlineRule(reader, groupId, direction);
}

function mapGroupRule(reader: AttributeReader, direction: "ingress" | "egress"): void {
  const groupId = reader.string("security_group_id", "sg");
  if (!groupId) return;
  reader.attachNotesTo(groupId);
  const permission = basePermission(reader, "ip_protocol");
  const description = reader.string("description");
  const extra = description ? { Description: description } : {};
  const cidr = reader.string("cidr_ipv4");
  if (cidr) permission.IpRanges?.push({ CidrIp: cidr, ...extra });
  const cidrIpv6 = reader.ipv6Cidr("cidr_ipv6", 64);
  if (cidrIpv6) permission.Ipv6Ranges?.push({ CidrIpv6: cidrIpv6, ...extra });
  const list = reader.string("prefix_list_id", "pl");
  if (list) permission.PrefixListIds?.push({ PrefixListId: list, ...extra });
  const peer = reader.string("referenced_security_group_id", "sg");
  if (peer) permission.UserIdGroupPairs?.push({ GroupId: peer, ...extra });
  noteUnknownPeer(reader, groupId, direction, [
    "cidr_ipv4",
    "cidr_ipv6",
    "ip_protocol",
    "from_port",
    "to_port",
  ]);
  reader.builder.addPermission(groupId, direction, permission);
}

function basePermission(reader: AttributeReader, protocolAttribute: string): EC2.IpPermission {
  const protocol = protocolName(reader.string(protocolAttribute) ?? "-1");
  const permission: EC2.IpPermission = {
    IpProtocol: protocol,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  if (protocol === "-1") return permission;
  const from = reader.number("from_port");
  const to = reader.number("to_port");
  if (from !== undefined) permission.FromPort = from;
  if (to !== undefined) permission.ToPort = to;
  return permission;
}

/**
 * Maps `aws_network_acl`, or `aws_default_network_acl`, which takes over the ACL AWS created with
 * the VPC and keeps only the rules it lists, as Terraform removes the others.
 */
function mapNetworkAcl(
  reader: AttributeReader,
  vpcId: string | undefined,
  isDefault: boolean,
): void {
  reader.builder.addNetworkAcl({
    NetworkAclId: reader.id,
    ...(vpcId && { VpcId: vpcId }),
    IsDefault: isDefault,
    Entries: [],
    Associations: [],
    Tags: reader.tags(),
  });
  for (const direction of ["ingress", "egress"] as const) {
    if (reader.unknownBlocks(direction)) reader.builder.noteUnknownAclEntry(reader.id);
    for (const block of reader.blocks(direction))
      addAclEntry(block, reader.id, direction === "egress", "rule_no", "action");
  }
  reader.strings("subnet_ids", "subnet").forEach((subnetId) => {
    reader.builder.associateNetworkAcl(
      reader.id,
      subnetId,
      placeholderId("aclassoc", `${reader.address}/${subnetId}`),
    );
  });
}

function mapNetworkAclRule(reader: AttributeReader): void {
  const aclId = reader.string("network_acl_id", "acl");
  if (!aclId) return;
  reader.attachNotesTo(aclId);
  addAclEntry(reader, aclId, reader.bool("egress", false) === true, "rule_number", "rule_action");
}

function addAclEntry(
  reader: AttributeReader,
  aclId: string,
  egress: boolean,
  numberName: string,
  actionName: string,
): void {
  const entry: EC2.NetworkAclEntry = {
    RuleNumber: reader.number(numberName) as number,
    Protocol: protocolNumber(reader.string("protocol") ?? "-1"),
    RuleAction: (reader.string(actionName) ?? "allow") as EC2.RuleAction,
    Egress: egress,
  };
  const cidr = reader.string("cidr_block");
  if (cidr) entry.CidrBlock = cidr;
  const ipv6 = reader.ipv6Cidr("ipv6_cidr_block", 64);
  if (ipv6) entry.Ipv6CidrBlock = ipv6;
  const decisive = ["cidr_block", "ipv6_cidr_block", "protocol", actionName, numberName, "egress"];
  const ports = ["from_port", "to_port", "icmp_type", "icmp_code"];
  if ([...decisive, ...ports].some((name) => firstUnresolved(reader.raw(name))))
    reader.builder.noteUnknownAclEntry(aclId);
  const from = reader.number("from_port");
  const to = reader.number("to_port");
  if (entry.Protocol !== "-1" && (from !== undefined || to !== undefined))
    entry.PortRange = { From: from, To: to };
  const icmpType = reader.number("icmp_type");
  const icmpCode = reader.number("icmp_code");
  if (icmpType !== undefined || icmpCode !== undefined)
    entry.IcmpTypeCode = { Type: icmpType, Code: icmpCode };
  reader.builder.addNetworkAclEntry(aclId, entry);
}

function mapNetworkAclAssociation(reader: AttributeReader): void {
  const aclId = reader.string("network_acl_id", "acl");
  const subnetId = reader.string("subnet_id", "subnet");
  if (aclId && subnetId) reader.builder.associateNetworkAcl(aclId, subnetId, reader.id);
}

/** DHCP option attributes and the keys DescribeDhcpOptions reports them under. */
const DHCP_KEYS: [string, string][] = [
  ["domain_name", "domain-name"],
  ["domain_name_servers", "domain-name-servers"],
  ["ntp_servers", "ntp-servers"],
  ["netbios_name_servers", "netbios-name-servers"],
  ["netbios_node_type", "netbios-node-type"],
  ["ipv6_address_preferred_lease_time", "ipv6-address-preferred-lease-time"],
];

function mapDhcpOptions(reader: AttributeReader): void {
  const configurations = DHCP_KEYS.map(([name, key]) => ({
    Key: key,
    Values: reader.strings(name).map((Value) => ({ Value })),
  }));
  reader.builder.addDhcpOptions({
    DhcpOptionsId: reader.id,
    DhcpConfigurations: configurations.filter((item) => item.Values.length > 0),
    Tags: reader.tags(),
  });
}

function mapDhcpAssociation(reader: AttributeReader): void {
  const vpcId = reader.string("vpc_id", "vpc");
  const optionsId = reader.string("dhcp_options_id", "dopt");
  if (vpcId && optionsId) reader.builder.associateDhcpOptions(vpcId, optionsId);
}

function known(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
