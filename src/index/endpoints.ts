/** Interface endpoints by service, and what their DNS records make reachable. */
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { type SnapshotIndex, shortServiceName } from "./snapshot-index.js";
import { innerMap, lower } from "./util.js";

/** The Session Manager services; `ec2messages` is needed only by agents before 3.3.40.0. */
export const SESSION_MANAGER_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

const DEAD_STATES = new Set(["deleting", "deleted", "rejected", "failed", "expired"]);

export function isInterfaceEndpoint(endpoint: VpcEndpoint): boolean {
  return lower(endpoint.VpcEndpointType) === "interface";
}

/**
 * Tells whether an endpoint serves an AWS service, as opposed to a partner or own service. Endpoint
 * services of other accounts are named `com.amazonaws.vpce.<region>.vpce-svc-...`.
 */
export function isAwsServiceEndpoint(endpoint: VpcEndpoint): boolean {
  const name = endpoint.ServiceName ?? "";
  return name.startsWith("com.amazonaws.") && !name.startsWith("com.amazonaws.vpce.");
}

/** Tells whether an endpoint exists or is on its way to existing. */
export function isLiveEndpoint(endpoint: VpcEndpoint): boolean {
  return !DEAD_STATES.has(lower(endpoint.State));
}

function isAvailable(endpoint: VpcEndpoint): boolean {
  return lower(endpoint.State) === "available";
}

/** Usable endpoints by VPC and service, since every subnet of a VPC looks up the same ones. */
const USABLE = new WeakMap<SnapshotIndex, Map<string, Map<string, VpcEndpoint[]>>>();

/**
 * Returns the VPC's interface endpoints for a service (short name such as `ssm`) that clients
 * reach by the service's own name: live, with private DNS on or not reported. Available ones come
 * first, so the order of the snapshot's list never puts a pending endpoint before a working one.
 */
export function usableEndpointsFor(
  index: SnapshotIndex,
  vpcId: string,
  service: string,
): VpcEndpoint[] {
  const byService = innerMap(innerMap(USABLE, index), vpcId);
  let usable = byService.get(service);
  if (!usable) {
    usable = liveInterfaceEndpointsFor(index, vpcId, service)
      .filter(
        (endpoint) => endpoint.PrivateDnsEnabled !== false && !answersOnlyInboundResolver(endpoint),
      )
      .sort((a, b) => Number(!isAvailable(a)) - Number(!isAvailable(b)));
    byService.set(service, usable);
  }
  return usable;
}

/** Returns the VPC's live interface endpoints for a service (short name such as `ssm`). */
export function liveInterfaceEndpointsFor(
  index: SnapshotIndex,
  vpcId: string,
  service: string,
): VpcEndpoint[] {
  return index
    .endpointsOf(vpcId)
    .filter(
      (endpoint) =>
        isInterfaceEndpoint(endpoint) &&
        isLiveEndpoint(endpoint) &&
        shortServiceName(endpoint.ServiceName) === service,
    );
}

/**
 * Tells whether an endpoint's private DNS answers only queries from an inbound Resolver endpoint,
 * an option of services with both gateway and interface endpoints (S3, DynamoDB). Clients in the
 * VPC then resolve the service's public addresses, which AWS routes through the gateway endpoint.
 */
function answersOnlyInboundResolver(endpoint: VpcEndpoint): boolean {
  return endpoint.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true;
}

/**
 * Tells whether clients resolve the service's own name to IPv6 addresses through an endpoint:
 * a dual-stack or IPv6 endpoint whose private DNS records include AAAA.
 */
export function hasIpv6EndpointFor(index: SnapshotIndex, vpcId: string, service: string): boolean {
  return usableEndpointsFor(index, vpcId, service).some((endpoint) => {
    const addressType = lower(endpoint.IpAddressType);
    const recordType = lower(endpoint.DnsOptions?.DnsRecordIpType);
    const ipv6Address = addressType === "dualstack" || addressType === "ipv6";
    const aaaaRecords = recordType === "dualstack" || recordType === "ipv6";
    return ipv6Address && aaaaRecords;
  });
}
