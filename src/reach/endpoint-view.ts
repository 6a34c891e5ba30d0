/**
 * The view one analysis has of an interface endpoint: its subnets, addresses, security groups and
 * DNS record types. Each is derived on first request and kept, since every path through the
 * endpoint reads the same values.
 */
import type { NetworkInterface, SecurityGroup, Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import { endpointRecordTypes, type EndpointRecordTypes } from "../index/endpoints.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { nat64PrefixOf, parseCidr, type Cidr, type IpFamily } from "../net/cidr.js";

/**
 * An endpoint's addresses of one family: those of its network interfaces, or, when one of them
 * is not in the snapshot or has no address of the family, its subnets' ranges of that family,
 * which are then not `exact`.
 */
export interface EndpointAddresses {
  cidrs: Cidr[];
  exact: boolean;
}

/** Marks a value not derived yet, since `undefined` is a value some getters return. */
const UNSET = Symbol("unset");

export class EndpointView {
  private recordTypes: EndpointRecordTypes | undefined | typeof UNSET = UNSET;
  private subnetList?: Subnet[];
  private readonly addressSets: { 4?: EndpointAddresses; 6?: EndpointAddresses } = {};
  private nat64Addresses?: EndpointAddresses;
  private readonly addressBySubnet: { 4?: Map<string, Cidr>; 6?: Map<string, Cidr> } = {};
  private groupIdList?: string[];
  private groupList: SecurityGroup[] | undefined | typeof UNSET = UNSET;
  private legKey?: string;

  constructor(
    private readonly index: SnapshotIndex,
    readonly endpoint: VpcEndpoint,
  ) {}

  /** Returns the DNS record types clients get, or undefined when the snapshot lacks them. */
  records(): EndpointRecordTypes | undefined {
    if (this.recordTypes === UNSET) this.recordTypes = endpointRecordTypes(this.endpoint);
    return this.recordTypes;
  }

  /** Returns the endpoint's subnets that are in the snapshot. */
  subnets(): Subnet[] {
    this.subnetList ??= (this.endpoint.SubnetIds ?? [])
      .map((id) => this.index.subnet(id))
      .filter((subnet): subnet is Subnet => Boolean(subnet));
    return this.subnetList;
  }

  /**
   * Tells whether some of the endpoint's subnets are not in the snapshot, or all of them when it
   * lacks SubnetIds, which DescribeVpcEndpoints returns for every endpoint.
   */
  lacksSubnets(): boolean {
    const ids = this.endpoint.SubnetIds;
    return ids === undefined || this.subnets().length !== ids.length;
  }

  /** Returns the endpoint's addresses of a family. */
  addresses(family: IpFamily): EndpointAddresses {
    let found = this.addressSets[family];
    if (!found) {
      const addresses = (this.endpoint.NetworkInterfaceIds ?? []).map((id) =>
        interfaceAddress(this.index.networkInterface(id), family),
      );
      const exact = addresses.length > 0 && addresses.every(Boolean);
      const cidrs = exact
        ? (addresses as Cidr[])
        : this.subnets()
            .map((subnet) => subnetPrefix(subnet, family))
            .filter((cidr): cidr is Cidr => cidr !== undefined);
      found = { cidrs, exact };
      this.addressSets[family] = found;
    }
    return found;
  }

  /**
   * Returns the addresses DNS64 gives clients for the endpoint's IPv4 addresses, or for its
   * subnets' IPv4 ranges when those addresses are not `exact`.
   */
  nat64Destinations(): EndpointAddresses {
    if (!this.nat64Addresses) {
      const { cidrs, exact } = this.addresses(4);
      this.nat64Addresses = { cidrs: cidrs.map(nat64PrefixOf), exact };
    }
    return this.nat64Addresses;
  }

  /**
   * Returns the address of a family of the endpoint's network interface in a subnet, if the
   * snapshot has it: that of the first interface listed there that has one.
   */
  addressIn(subnet: Subnet, family: IpFamily): Cidr | undefined {
    let bySubnet = this.addressBySubnet[family];
    if (!bySubnet) {
      bySubnet = new Map();
      for (const interfaceId of this.endpoint.NetworkInterfaceIds ?? []) {
        const eni = this.index.networkInterface(interfaceId);
        const address = interfaceAddress(eni, family);
        if (eni?.SubnetId && address && !bySubnet.has(eni.SubnetId)) {
          bySubnet.set(eni.SubnetId, address);
        }
      }
      this.addressBySubnet[family] = bySubnet;
    }
    return bySubnet.get(subnet.SubnetId as string);
  }

  /** Returns the ids of the security groups on the endpoint's network interfaces. */
  groupIds(): readonly string[] {
    this.groupIdList ??= (this.endpoint.Groups ?? [])
      .map((group) => group.GroupId)
      .filter((id): id is string => Boolean(id));
    return this.groupIdList;
  }

  /** Returns the endpoint's security groups, or undefined when some are not in the snapshot. */
  groups(): SecurityGroup[] | undefined {
    if (!this.index.has("SecurityGroups")) return undefined;
    if (this.groupList === UNSET) {
      // AWS gives every interface endpoint a security group, so an empty list means missing data.
      const listed = this.endpoint.Groups ?? [];
      const groups = listed.map((group) => this.index.securityGroup(group.GroupId ?? ""));
      this.groupList =
        listed.length > 0 && groups.every(Boolean) ? (groups as SecurityGroup[]) : undefined;
    }
    return this.groupList;
  }

  /**
   * Returns the memo key of the endpoint's subnets, IPv6 addresses and security groups, the inputs
   * of its IPv6 leg besides the client subnet, and of the endpoint itself when the leg's hops
   * name it.
   */
  ipv6LegKey(): string {
    if (this.legKey === undefined) {
      const subnets = (this.endpoint.SubnetIds ?? []).join(",");
      const addresses = this.addresses(6);
      // Endpoints whose interfaces are not all in the snapshot share their subnets' ranges, but
      // the network ACLs still match the address of each interface that the snapshot has.
      const known = this.subnets().map((subnet) => this.addressIn(subnet, 6)?.text ?? "");
      const destinations = addresses.exact
        ? `exact ${addresses.cidrs.map((cidr) => cidr.text).join(",")}`
        : `ranges ${known.join(",")}`;
      // The hop about subnets missing from the snapshot names the endpoint.
      const named = this.lacksSubnets() ? ` of ${this.endpoint.VpcEndpointId}` : "";
      const groups = this.groupIds().join(",");
      this.legKey = `ipv6 leg${named} ${subnets} to ${destinations} groups ${groups}`;
    }
    return this.legKey;
  }
}

/**
 * Returns a network interface's address of a family as a host prefix: its primary private IPv4
 * address, or its primary IPv6 address, else the first it lists.
 */
function interfaceAddress(eni: NetworkInterface | undefined, family: IpFamily): Cidr | undefined {
  const text =
    family === 4
      ? eni?.PrivateIpAddress
      : (eni?.Ipv6Addresses?.find((address) => address.IsPrimaryIpv6)?.Ipv6Address ??
        eni?.Ipv6Address ??
        eni?.Ipv6Addresses?.[0]?.Ipv6Address);
  const address = text ? parseCidr(text) : undefined;
  return address?.family === family ? address : undefined;
}

/** Returns a subnet's first prefix of a family. */
export function subnetPrefix(subnet: Subnet, family: IpFamily): Cidr | undefined {
  if (family === 6) return ipv6Of(subnet);
  return subnet.CidrBlock ? parseCidr(subnet.CidrBlock) : undefined;
}

export function ipv6Of(subnet: Subnet): Cidr | undefined {
  const block = subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  return block ? parseCidr(block) : undefined;
}
