/** Builds a NAT gateway from the properties templates and plans set, under their own names. */
import type * as EC2 from "@aws-sdk/client-ec2";

export interface NatGatewayProperties {
  id: string;
  tags: EC2.Tag[];
  connectivityType?: string | undefined;
  allocationId?: string | undefined;
  privateIp?: string | undefined;
  subnetId?: string | undefined;
  availabilityMode?: string | undefined;
  vpcId?: string | undefined;
}

/** Returns the NAT gateway as DescribeNatGateways would show it once it is available. */
export function natGatewayOf(properties: NatGatewayProperties): EC2.NatGateway {
  const address: EC2.NatGatewayAddress = { IsPrimary: true, Status: "succeeded" };
  if (properties.allocationId) address.AllocationId = properties.allocationId;
  if (properties.privateIp) address.PrivateIp = properties.privateIp;
  const nat: EC2.NatGateway = {
    NatGatewayId: properties.id,
    // A NAT gateway is public unless its connectivity type is private.
    ConnectivityType: (properties.connectivityType || "public") as EC2.ConnectivityType,
    NatGatewayAddresses: [address],
    Tags: properties.tags,
  };
  if (properties.subnetId) nat.SubnetId = properties.subnetId;
  if (properties.availabilityMode) {
    nat.AvailabilityMode = properties.availabilityMode as EC2.AvailabilityMode;
  }
  if (properties.vpcId) nat.VpcId = properties.vpcId;
  return nat;
}
