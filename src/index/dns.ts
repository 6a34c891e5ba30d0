/** The resolver a VPC uses, and what relies on the Amazon-provided one: DNS64 and private DNS. */
import type { Subnet, Vpc, VpcEndpoint } from "@aws-sdk/client-ec2";
import { parseCidr, parseIp } from "../net/cidr.js";
import { isInterfaceEndpoint, isLiveEndpoint } from "./endpoints.js";
import type { SnapshotIndex } from "./snapshot-index.js";

export interface ResolverDependents {
  dns64Subnets: Subnet[];
  privateDnsEndpoints: VpcEndpoint[];
}

/** Returns the subnets with DNS64 on and the live interface endpoints with private DNS on. */
export function resolverDependents(index: SnapshotIndex, vpcId: string): ResolverDependents {
  return {
    dns64Subnets: index.subnetsOf(vpcId).filter((subnet) => subnet.EnableDns64 === true),
    privateDnsEndpoints: liveInterfaceEndpoints(index, vpcId).filter(
      (endpoint) => endpoint.PrivateDnsEnabled === true,
    ),
  };
}

/** Returns the live interface endpoints of a VPC whose PrivateDnsEnabled is not in the snapshot. */
export function endpointsWithUnknownPrivateDns(index: SnapshotIndex, vpcId: string): VpcEndpoint[] {
  return liveInterfaceEndpoints(index, vpcId).filter(
    (endpoint) => endpoint.PrivateDnsEnabled === undefined,
  );
}

function liveInterfaceEndpoints(index: SnapshotIndex, vpcId: string): VpcEndpoint[] {
  return index
    .endpointsOf(vpcId)
    .filter((endpoint) => isInterfaceEndpoint(endpoint) && isLiveEndpoint(endpoint));
}

/** Formats resource ids for a message, naming at most five. */
export function listIds(ids: string[]): string {
  if (ids.length <= 5) return ids.join(", ");
  return `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`;
}

/** The addresses of the Amazon DNS server that every VPC has. */
const AMAZON_ADDRESSES = ["169.254.169.253", "fd00:ec2::253"].map((text) => {
  const address = parseIp(text);
  if (!address) throw new Error(`invalid built-in address ${text}`);
  return address;
});

/**
 * Returns the domain-name-servers of the VPC's DHCP options; `default` options have none. Returns
 * undefined when the snapshot lacks the VPC's DhcpOptionsId, its options, their
 * DhcpConfigurations or the Values of a domain-name-servers entry, which DescribeVpcs and
 * DescribeDhcpOptions always return.
 */
export function nameServersOf(index: SnapshotIndex, vpc: Vpc): string[] | undefined {
  const optionsId = vpc.DhcpOptionsId;
  if (optionsId === "default") return [];
  const configurations = optionsId ? index.dhcpOptions(optionsId)?.DhcpConfigurations : undefined;
  if (!configurations) return undefined;
  const entry = configurations.find((item) => item.Key === "domain-name-servers");
  if (entry && !entry.Values) return undefined;
  return (entry?.Values ?? []).map((value) => value.Value ?? "").filter(Boolean);
}

/** Returns why nameServersOf returns undefined for a VPC, as a clause. */
export function unknownNameServers(index: SnapshotIndex, vpc: Vpc): string {
  const optionsId = vpc.DhcpOptionsId;
  if (!optionsId) return `DhcpOptionsId of ${vpc.VpcId} is not in the snapshot`;
  const options = index.dhcpOptions(optionsId);
  if (!options) return `DHCP options ${optionsId} are not in the snapshot`;
  if (!options.DhcpConfigurations)
    return `DhcpConfigurations of ${optionsId} is not in the snapshot`;
  return `the Values of domain-name-servers in ${optionsId} are not in the snapshot`;
}

/**
 * Tells whether a name server is the Route 53 Resolver: `AmazonProvidedDNS`, its link-local
 * addresses, or the VPC's primary IPv4 block plus two, where AWS documents it.
 */
export function isAmazonResolver(server: string, vpc: Vpc): boolean {
  if (server === "AmazonProvidedDNS") return true;
  const address = parseIp(server);
  if (!address) return false;
  // Compared as addresses, since fd00:ec2:0:0:0:0:0:253 is written in more than one way.
  const amazon = AMAZON_ADDRESSES.some(
    (known) => known.family === address.family && known.value === address.value,
  );
  const primary = vpc.CidrBlock ? parseCidr(vpc.CidrBlock) : undefined;
  const baseTwo =
    address.family === 4 && primary !== undefined && primary.network + 2n === address.value;
  return amazon || baseTwo;
}

/**
 * Tells whether an IPv6-only subnet can reach a name server: `AmazonProvidedDNS` (served at
 * fd00:ec2::253 and, on Nitro instances, 169.254.169.253) or an IPv6 address.
 */
export function reachableFromIpv6Only(server: string): boolean {
  return server === "AmazonProvidedDNS" || parseIp(server)?.family === 6;
}

/**
 * Tells whether an IPv6-only subnet resolves through name servers of the user's own: the DHCP
 * options list none that is the Amazon resolver, and an IPv6 one it can reach.
 */
export function usesOwnNameServers(index: SnapshotIndex, vpcId: string): boolean {
  const vpc = index.vpc(vpcId);
  const servers = vpc ? nameServersOf(index, vpc) : undefined;
  if (!vpc || !servers || servers.some((server) => isAmazonResolver(server, vpc))) return false;
  return servers.some(reachableFromIpv6Only);
}
