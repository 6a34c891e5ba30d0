/** Builds a NAT gateway from the properties templates and plans set, under their own names. */
import type * as EC2 from "@aws-sdk/client-ec2";
import { firstUnresolved } from "./unresolved.js";

export interface NatGatewayProperties {
  id: string;
  tags: EC2.Tag[];
  connectivityType?: string | undefined;
  /** Whether the connectivity type is known only after deployment, so it may be either type. */
  connectivityTypeUnknown?: boolean | undefined;
  allocationId?: string | undefined;
  privateIp?: string | undefined;
  /** Secondary private IPv4 addresses, when the input lists all of them. */
  secondaryPrivateIps?: string[] | undefined;
  /**
   * Whether AWS assigns the gateway secondary private addresses that the input does not list,
   * such as for a secondary address count or for secondary Elastic IPs.
   */
  unlistedSecondaryIps?: boolean | undefined;
  subnetId?: string | undefined;
  availabilityMode?: string | undefined;
  vpcId?: string | undefined;
}

/** Returns the NAT gateway as DescribeNatGateways would show it once it is available. */
export function natGatewayOf(properties: NatGatewayProperties): EC2.NatGateway {
  const address: EC2.NatGatewayAddress = { IsPrimary: true, Status: "succeeded" };
  if (properties.allocationId) address.AllocationId = properties.allocationId;
  const addresses = [address];
  // The checks read the listed addresses as all of the gateway's. Unless every address is known,
  // none is given, so the checks judge the gateway by its subnet's range instead.
  if (properties.privateIp && !properties.unlistedSecondaryIps) {
    address.PrivateIp = properties.privateIp;
    for (const privateIp of properties.secondaryPrivateIps ?? []) {
      addresses.push({ IsPrimary: false, Status: "succeeded", PrivateIp: privateIp });
    }
  }
  const nat: EC2.NatGateway = {
    NatGatewayId: properties.id,
    NatGatewayAddresses: addresses,
    Tags: properties.tags,
  };
  // A NAT gateway is public unless its connectivity type is private.
  if (!properties.connectivityTypeUnknown)
    nat.ConnectivityType = (properties.connectivityType || "public") as EC2.ConnectivityType;
  if (properties.subnetId) nat.SubnetId = properties.subnetId;
  if (properties.availabilityMode) {
    nat.AvailabilityMode = properties.availabilityMode as EC2.AvailabilityMode;
  }
  if (properties.vpcId) nat.VpcId = properties.vpcId;
  return nat;
}

/**
 * Tells whether a NAT gateway gets secondary private addresses that its input does not list. That
 * is so when the list, the count or the secondary Elastic IPs are unknown before deployment. It is
 * also so when the count, or the number of secondary Elastic IPs, exceeds the listed addresses,
 * since each secondary Elastic IP takes a secondary private address.
 */
export function hasUnlistedSecondaryIps(
  listed: unknown,
  count: unknown,
  allocationIds: unknown,
): boolean {
  if ([listed, count, allocationIds].some((value) => firstUnresolved(value))) return true;
  const listedCount = Array.isArray(listed) ? listed.length : 0;
  if (Number(count ?? 0) > listedCount) return true;
  return Array.isArray(allocationIds) && allocationIds.length > listedCount;
}
