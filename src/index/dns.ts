/** What relies on the Amazon-provided resolver in a VPC: DNS64 subnets and private DNS endpoints. */
import type { Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
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
    privateDnsEndpoints: index
      .endpointsOf(vpcId)
      .filter(
        (endpoint) =>
          isInterfaceEndpoint(endpoint) && isLiveEndpoint(endpoint) && endpoint.PrivateDnsEnabled === true,
      ),
  };
}

/** Formats resource ids for a message, naming at most five. */
export function listIds(ids: string[]): string {
  if (ids.length <= 5) return ids.join(", ");
  return `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`;
}
