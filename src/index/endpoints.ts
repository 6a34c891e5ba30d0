/** Interface endpoints by service, and what their DNS records make reachable. */
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { type SnapshotIndex, shortServiceName } from "./snapshot-index.js";
import { innerMap, isLiveEndpoint, lower } from "./util.js";

export { isLiveEndpoint };

/** The Session Manager services; `ec2messages` is needed only by agents before 3.3.40.0. */
export const SESSION_MANAGER_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

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

function isAvailable(endpoint: VpcEndpoint): boolean {
  return lower(endpoint.State) === "available";
}

/** Usable endpoints by VPC and service, since every subnet of a VPC looks up the same ones. */
const USABLE = new WeakMap<SnapshotIndex, Map<string, Map<string, VpcEndpoint[]>>>();

/**
 * Returns the VPC's interface endpoints for a service (short name such as `ssm`) that clients
 * may reach by the service's own name: live, with private DNS on or not reported. Available ones
 * come first, so the order of the snapshot's list never puts a pending endpoint before a working
 * one. Among equals, those whose private DNS is known to be on come first.
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
      .sort(
        (a, b) =>
          Number(!isAvailable(a)) - Number(!isAvailable(b)) ||
          Number(a.PrivateDnsEnabled !== true) - Number(b.PrivateDnsEnabled !== true),
      );
    byService.set(service, usable);
  }
  return usable;
}

/**
 * Returns the reason a path through a usable endpoint without PrivateDnsEnabled is unknown: the
 * service's name may resolve to the endpoint or to the public addresses.
 */
export function unknownPrivateDnsReason(endpoint: VpcEndpoint): string {
  const endpointId = endpoint.VpcEndpointId as string;
  return `whether private DNS of ${endpointId} is on is unknown because its PrivateDnsEnabled is not in the snapshot`;
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

/** The record types of an endpoint's private DNS name for its service: A, AAAA or both. */
export interface EndpointRecordTypes {
  a: boolean;
  aaaa: boolean;
}

const A_ONLY: EndpointRecordTypes = Object.freeze({ a: true, aaaa: false });
const AAAA_ONLY: EndpointRecordTypes = Object.freeze({ a: false, aaaa: true });
const A_AND_AAAA: EndpointRecordTypes = Object.freeze({ a: true, aaaa: true });

/**
 * Returns the record types of the service's own name through an endpoint, or undefined when the
 * snapshot does not fix them. The address type limits the choice: an `ipv4` endpoint can publish
 * only A records and an `ipv6` endpoint only AAAA records. Otherwise `DnsOptions.DnsRecordIpType`
 * decides, and `service-defined` gives AAAA records only to the endpoint-specific names, so the
 * service's name gets A records. The EC2 API documents no default for a DnsRecordIpType that
 * DescribeVpcEndpoints leaves out, so a dual-stack endpoint without it is undefined.
 */
export function endpointRecordTypes(endpoint: VpcEndpoint): EndpointRecordTypes | undefined {
  const addressType = lower(endpoint.IpAddressType);
  if (addressType === "ipv4") return A_ONLY;
  if (addressType === "ipv6") return AAAA_ONLY;
  switch (lower(endpoint.DnsOptions?.DnsRecordIpType)) {
    case "dualstack":
      return A_AND_AAAA;
    case "ipv6":
      return AAAA_ONLY;
    case "ipv4":
    case "service-defined":
      return A_ONLY;
    default:
      return undefined;
  }
}

/**
 * Tells whether clients resolve the service's own name to IPv6 addresses through an endpoint
 * whose private DNS records include AAAA. Returns undefined when no endpoint is known to, but the
 * record types of one are not in the snapshot.
 */
export function hasIpv6EndpointFor(
  index: SnapshotIndex,
  vpcId: string,
  service: string,
): boolean | undefined {
  let unknown = false;
  for (const endpoint of usableEndpointsFor(index, vpcId, service)) {
    const records = endpointRecordTypes(endpoint);
    if (records?.aaaa) return true;
    if (!records) unknown = true;
  }
  return unknown ? undefined : false;
}
