/** Traces one subnet's path to one service: name resolution, routes, NAT64, filters, placement. */
import type {
  NatGateway,
  RouteTable,
  SecurityGroup,
  Subnet,
  VpcEndpoint,
} from "@aws-sdk/client-ec2";
import {
  isIpv6Only,
  hasIpv4,
  shortServiceName,
  type SnapshotIndex,
  type WorkloadAudience,
} from "../index/snapshot-index.js";
import {
  SESSION_MANAGER_SERVICES,
  unknownPrivateDnsReason,
  usableEndpointsFor,
  type EndpointRecordTypes,
} from "../index/endpoints.js";
import {
  isNat64Route,
  isPublicNat,
  mayTranslate,
  partsWithoutNat64,
  isRegionalNat,
  nat64RouteOf,
  NO_TRANSLATION,
  natTarget,
  leavesVpc,
  onwardRouteBeyondVpc,
  onwardTableOf,
  type Nat64Route,
} from "../index/nat64.js";
import { usesOwnNameServers } from "../index/dns.js";
import {
  describeParts,
  describeRoute,
  isBlackhole,
  routeTarget,
  type RouteLookup,
  type RoutePart,
  type RouteView,
} from "../index/routes.js";
import { isLiveEndpoint, lower } from "../index/util.js";
import { IPV4_DEFAULT, NAT64_PREFIX, nat64PrefixOf, parseCidr, type Cidr } from "../net/cidr.js";
import { defaultServiceName, dualStackName, supportsIpv6PrivateLink } from "./catalog.js";
import { HTTPS, NAT_PORTS, Trace, type Ipv6Source, type TraceMemo } from "./context.js";
import {
  ipv6Of,
  subnetPrefix,
  type EndpointAddresses,
  type EndpointView,
} from "./endpoint-view.js";
import { groupsAllow } from "./filters.js";
import {
  addClientEgressHops,
  addCrossingHops,
  checkClientEgress,
  checkCrossing,
  checkEndpointIngress,
} from "./filters-hops.js";
import { checkGateway } from "./gateway-hop.js";
import { passInspectionEndpoint } from "./inspection-hop.js";
import { resolverOf, sharedZoneFor, unknownDnsAttribute } from "./resolver.js";
import { Hop, type PathMode, type ServicePath } from "./types.js";

const SESSION_MANAGER: ReadonlySet<string> = new Set(SESSION_MANAGER_SERVICES);
/** Global unicast IPv6, where public service addresses live. */
const PUBLIC_IPV6 = parseCidr("2000::/3") as Cidr;

/**
 * Traces a subnet's path to a service. With `okHops` false the path lists only its hops that are
 * not ok, and its verdict, mode, endpoint and NAT gateway are those it has with every hop. The
 * filters check the groups and reply ports of the `audience`, the workloads that need the service.
 */
export function tracePath(
  index: SnapshotIndex,
  subnet: Subnet,
  service: string,
  required: boolean,
  memo?: TraceMemo,
  okHops = true,
  audience: WorkloadAudience = "workloads",
): ServicePath {
  const vpcId = subnet.VpcId as string;
  const trace = new Trace(index, index.vpc(vpcId), vpcId, subnet, memo, okHops, audience);
  const host = defaultServiceName(service, index.region);
  const path: ServicePath = {
    vpcId,
    subnetId: trace.subnetId,
    service,
    host,
    required,
    mode: "none",
    verdict: "unknown",
    hops: trace.hops,
  };
  path.mode = resolveAndRoute(trace, path);
  path.verdict = verdictOf(path);
  return path;
}

function verdictOf(path: ServicePath): ServicePath["verdict"] {
  if (path.hops.some((hop) => hop.status === "broken")) return "unreachable";
  if (path.mode === "shared-endpoint") return "depends-on-hub";
  if (path.hops.some((hop) => hop.status === "unknown") || path.mode === "none") return "unknown";
  return "reachable";
}

function resolveAndRoute(trace: Trace, path: ServicePath): PathMode {
  const { index, vpcId } = trace;
  // The resolver hop depends on the VPC and on whether the subnet has IPv4, never on the service.
  trace.once(
    trace.vpc ?? trace.subnet,
    isIpv6Only(trace.subnet) ? "resolver v6" : "resolver",
    () => {
      const resolver = resolverOf(index, trace.vpc, trace.subnet);
      trace.add("resolver", resolver.status, resolver.resourceId, resolver.text, resolver.owner);
    },
  );
  if (trace.hops.at(-1)?.status === "broken") return "none";

  // Without the VPC's endpoints the name may resolve to an endpoint or to the public service,
  // and the two paths share no hop past the resolver, so the trace cannot go on.
  const endpointsUnknown = index.endpointsUnknown(vpcId);
  if (endpointsUnknown) {
    trace.add(
      "dns",
      "unknown",
      vpcId,
      `whether an interface endpoint answers for ${path.host} is unknown because ${endpointsUnknown}`,
    );
    return "none";
  }
  const endpoint = activeEndpoint(trace, path.service);
  if (endpoint === "unknown") return "none";
  if (endpoint) {
    path.endpoint = endpoint;
    return throughEndpoint(trace, path, endpoint);
  }
  const zone = sharedZoneFor(index, vpcId, path.host);
  if (!zone) trace.assumeMissing("HostedZones", "ResolverRules", "ResolverRuleAssociations");
  if (zone?.unsettled) {
    trace.add(
      "dns",
      "unknown",
      zone.id,
      `${zone.text} is ${zone.unsettled}, so whether it answers for ${path.host} is unknown`,
    );
    return "none";
  }
  if (zone) {
    trace.add(
      "dns",
      "info",
      zone.id,
      `${path.host} resolves through ${zone.text}, so the hop beyond this VPC depends on the hub`,
    );
    return "shared-endpoint";
  }
  trace.add(
    "dns",
    "ok",
    vpcId,
    `${path.host} resolves to the service's public IPv4 addresses (A records only)`,
  );
  return throughPublicName(trace, path);
}

/**
 * Returns the endpoint that answers for the service name, after checking its DNS attributes.
 * Returns "unknown", after adding an unknown hop, when a VPC DNS attribute that decides whether
 * its private DNS is active is not in the snapshot.
 */
function activeEndpoint(trace: Trace, service: string): VpcEndpoint | "unknown" | undefined {
  const { index, vpcId } = trace;
  const endpoint = usableEndpointsFor(index, vpcId, service)[0];
  if (!endpoint) return endpoint;
  // Without PrivateDnsEnabled, the service's name may resolve to the endpoint or to the public
  // addresses, so the path stops here.
  if (endpoint.PrivateDnsEnabled === undefined) {
    trace.add(
      "dns",
      "unknown",
      endpoint.VpcEndpointId as string,
      unknownPrivateDnsReason(endpoint),
    );
    return "unknown";
  }
  const attributes = index.vpcAttributes(vpcId);
  const support = attributes?.EnableDnsSupport?.Value;
  const hostnames = attributes?.EnableDnsHostnames?.Value;
  let off: string | undefined;
  if (support === false) off = "vpc-dns-support-disabled";
  else if (hostnames === false) off = "vpc-dns-hostnames-disabled";
  if (!off && (support === undefined || hostnames === undefined)) {
    const attribute = support === undefined ? "enableDnsSupport" : "enableDnsHostnames";
    trace.add(
      "dns",
      "unknown",
      vpcId,
      `whether private DNS of ${endpoint.VpcEndpointId} is active is unknown because ${unknownDnsAttribute(index, vpcId, attribute)}`,
    );
    return "unknown";
  }
  if (!off) return endpoint;
  trace.add(
    "dns",
    "broken",
    vpcId,
    `private DNS of ${endpoint.VpcEndpointId} is inactive because a VPC DNS attribute is off`,
    off,
  );
  return undefined;
}

function throughEndpoint(trace: Trace, path: ServicePath, endpoint: VpcEndpoint): PathMode {
  const endpointId = endpoint.VpcEndpointId as string;
  if (endpoint.State === undefined) {
    trace.add(
      "dns",
      "unknown",
      endpointId,
      `the State of endpoint ${endpointId} is not in the snapshot`,
      "endpoint-not-available",
    );
    return "none";
  }
  if (lower(endpoint.State) !== "available") {
    trace.add(
      "dns",
      "broken",
      endpointId,
      `endpoint ${endpointId} is ${endpoint.State ?? "in an unknown state"}`,
      "endpoint-not-available",
    );
    return "endpoint-nat64";
  }
  const records = trace.endpointView(endpoint).records();
  if (!records) {
    unknownRecordTypes(trace, path, endpoint);
    return "none";
  }
  // An endpoint serves one service, so it also fixes the host name in the hop.
  trace.once(endpoint, "dns", () => {
    const kinds = [records.a ? "A" : "", records.aaaa ? "AAAA" : ""].filter(Boolean).join(" and ");
    trace.add(
      "dns",
      "ok",
      endpointId,
      `${path.host} resolves to endpoint ${endpointId} (${kinds} records)`,
    );
  });
  noteDualStack(trace, path, endpoint, records);
  if (records.aaaa) {
    endpointIpv6Leg(trace, endpoint);
    return "endpoint-ipv6";
  }
  if (!needsDns64(trace)) return "endpoint-nat64";
  const nat = nat64Leg(trace, path);
  // The leg from the NAT gateway to the endpoint reads nothing of the client subnet, so every
  // path through both shares its hops.
  if (nat) trace.once(nat, endpointId, () => endpointNat64Leg(trace, endpoint, nat));
  return "endpoint-nat64";
}

/**
 * Adds the unknown DNS hop of an endpoint whose record types the snapshot lacks. Whether clients
 * get AAAA records decides between the IPv6 and the NAT64 leg, so the path stops here. Only in
 * IPv6-only subnets, which endpoint-dns-records-ipv4-only checks, does that rule own the hop.
 */
function unknownRecordTypes(trace: Trace, path: ServicePath, endpoint: VpcEndpoint): void {
  const endpointId = endpoint.VpcEndpointId as string;
  const missing = endpoint.IpAddressType
    ? "DnsOptions.DnsRecordIpType is"
    : "IpAddressType and DnsOptions.DnsRecordIpType are";
  trace.add(
    "dns",
    "unknown",
    endpointId,
    `${missing} not in the snapshot for endpoint ${endpointId}, so whether ${path.host} has AAAA records is unknown`,
    isIpv6Only(trace.subnet) ? "endpoint-dns-records-ipv4-only" : undefined,
  );
}

function noteDualStack(
  trace: Trace,
  path: ServicePath,
  endpoint: VpcEndpoint,
  records: EndpointRecordTypes,
): void {
  if (records.aaaa || !isIpv6Only(trace.subnet)) return;
  const endpointId = endpoint.VpcEndpointId as string;
  const addressType = lower(endpoint.IpAddressType);
  if (addressType === "dualstack") {
    // endpointRecordTypes decides a dual-stack endpoint's records from this field alone.
    const recordType = endpoint.DnsOptions?.DnsRecordIpType as string;
    trace.add(
      "placement",
      "info",
      endpointId,
      `endpoint ${endpointId} is dual-stack but publishes ${recordType} records, so IPv6-only clients still depend on NAT64`,
      "endpoint-dns-records-ipv4-only",
      { recordType },
    );
  } else if (addressType === "ipv4") {
    trace.assumeMissing("ServiceDetails");
    if (!supportsIpv6PrivateLink(trace.index, endpoint.ServiceName ?? "", path.service)) return;
    trace.add(
      "placement",
      "info",
      endpointId,
      `the ${path.service} service supports IPv6 over PrivateLink, but endpoint ${endpointId} is IPv4-only`,
      "endpoint-could-be-dualstack",
    );
  }
}

/** Records the DNS64 hop; returns false when DNS64 does not synthesise for this subnet. */
function needsDns64(trace: Trace): boolean {
  const value = trace.subnet.EnableDns64;
  if (value === true) {
    trace.add(
      "dns",
      "ok",
      trace.subnetId,
      "DNS64 synthesises 64:ff9b::/96 addresses from the A records",
    );
    return true;
  }
  if (value === undefined) {
    trace.add("dns", "unknown", trace.subnetId, "EnableDns64 is not in the snapshot");
    return false;
  }
  // AWS supports NAT64 with a DNS64 server of the user's own, so the path is unknown, not broken.
  // The NAT64 rules check only subnets with DNS64 on, so the trace stops here.
  if (isIpv6Only(trace.subnet) && usesOwnNameServers(trace.index, trace.vpcId)) {
    trace.add(
      "dns",
      "unknown",
      trace.subnetId,
      "EnableDns64 is false and the VPC's DHCP options name only servers of the user's own, which may synthesise 64:ff9b::/96 addresses themselves",
      "subnet-dns64-disabled",
    );
    return false;
  }
  trace.add(
    "dns",
    "broken",
    trace.subnetId,
    "EnableDns64 is false, so the IPv6-only subnet gets A records it cannot use",
    "subnet-dns64-disabled",
  );
  return false;
}

function throughPublicName(trace: Trace, path: ServicePath): PathMode {
  const parts = nat64RouteOf(trace.index, trace.subnet)?.parts ?? [];
  const hasNat64 =
    trace.subnet.EnableDns64 === true && parts.some((part) => isNat64Route(part.route));
  const dualStack = dualStackName(path.service, trace.index.region);
  if (!hasNat64 && dualStack && trace.subnet.EnableDns64 !== undefined) {
    publicIpv6Leg(trace, path.service, dualStack);
    return "public-ipv6";
  }
  if (!needsDns64(trace)) return "public-nat64";
  const nat = nat64Leg(trace, path);
  if (nat) publicNat64Leg(trace, path, nat);
  return "public-nat64";
}

/** Follows the 64:ff9b::/96 route to its NAT gateway; returns the NAT when the leg works. */
function nat64Leg(trace: Trace, path: ServicePath): NatGateway | undefined {
  const { index } = trace;
  const route = nat64RouteOf(index, trace.subnet);
  if (!route) {
    trace.add(
      "route",
      "unknown",
      trace.subnetId,
      "the subnet's route table is not in the snapshot",
    );
    return undefined;
  }
  const tableId = route.table.RouteTableId as string;
  // The route followed depends on the table and the endpoint alone, so paths share it.
  const followed = trace.memo.value(route.table, path.endpoint?.VpcEndpointId ?? "", () =>
    followedNat64Route(trace, path, route),
  );
  const { winner, unrouted } = followed;
  if (winner && !isNat64Route(winner) && leavesVpc(winner)) {
    // A central egress VPC behind a transit gateway may translate 64:ff9b::/96 traffic that
    // follows ::/0 there, as it would for an explicit route to the same target.
    trace.add(
      "route",
      "unknown",
      tableId,
      `${tableId}: 64:ff9b::/96 follows ${describeRoute(winner)}, beyond the VPC, where vpc-lint cannot tell whether it is translated`,
      "nat64-route-missing",
    );
    checkClientSide(trace, path);
    return undefined;
  }
  if (!winner || !isNat64Route(winner)) {
    const text = winner
      ? `64:ff9b::/96 follows ${describeRoute(winner)}, which does not translate`
      : "no route covers 64:ff9b::/96";
    trace.add("route", "broken", tableId, `${tableId}: ${text}`, "nat64-route-missing");
    return undefined;
  }
  if (unrouted) {
    trace.add(
      "route",
      "warning",
      tableId,
      `${tableId}: no NAT64 route covers ${unrouted}, so DNS64 connections to those addresses fail`,
      "nat64-route-missing",
      { parts: unrouted },
    );
  }
  const routeText = `${tableId}: ${describeRoute(winner)}`;
  // route-overrides-nat64-prefix reports the routes inside 64:ff9b::/96 that do not translate.
  const inner = winner.destination.length > NAT64_PREFIX.length;
  const ownerOf = (wholePrefixOwner: string) =>
    inner ? "route-overrides-nat64-prefix" : wholePrefixOwner;
  if (winner.target.kind !== "nat-gateway") {
    const broken = NO_TRANSLATION.has(winner.target.kind);
    trace.add(
      "route",
      broken ? "broken" : "unknown",
      tableId,
      `${routeText}, which ${broken ? "does not perform NAT64" : "vpc-lint cannot verify"}`,
      ownerOf("nat64-route-target-invalid"),
    );
    if (!broken) checkClientSide(trace, path);
    return undefined;
  }
  const downOwner = ownerOf("nat64-route-blackhole");
  if (winner.blackhole) {
    trace.add("route", "broken", tableId, `${routeText} is a blackhole`, downOwner);
    return undefined;
  }
  trace.add("route", "ok", tableId, routeText);
  return natHop(trace, path, winner.target.id, downOwner);
}

/**
 * Picks the NAT64 route a path follows and names the parts of its destinations that no NAT64 route
 * covers. A VPC routes each destination address on its own. Toward a public name the destination
 * is all of 64:ff9b::/96, and toward an endpoint it is the DNS64 form of each endpoint address.
 * Where routes split a destination, the path follows a route that may translate if there is one.
 */
function followedNat64Route(
  trace: Trace,
  path: ServicePath,
  route: Readonly<Nat64Route>,
): { winner?: RouteView; unrouted?: string } {
  const { index } = trace;
  const endpointDestinations = path.endpoint
    ? trace.endpointView(path.endpoint).nat64Destinations().cidrs
    : [];
  if (endpointDestinations.length === 0 && isNat64Route(route.winner)) {
    // Routes inside 64:ff9b::/96 that bypass this one are route-overrides-nat64-prefix's findings.
    return route.winner ? { winner: route.winner } : {};
  }
  const destinations =
    endpointDestinations.length > 0
      ? endpointDestinations.map((cidr) => ({
          cidr,
          parts: index.lookupRouteParts(route.table, cidr),
        }))
      : [{ cidr: NAT64_PREFIX, parts: route.parts }];
  const parts = destinations.flatMap((destination) => destination.parts);
  const routed = parts.filter((part) => isNat64Route(part.route));
  // NOTE: the path follows one NAT gateway, so the others that routed parts reach are checked
  // only by the route table rules.
  const chosen = (routed.find((part) => mayTranslate(index, part.route)) ?? routed[0])?.route;
  if (!chosen) return parts[0]?.route ? { winner: parts[0].route } : {};
  const unrouted = destinations
    .map((destination) => describeParts(partsWithoutNat64(destination.parts), destination.cidr))
    .filter(Boolean)
    .join(", ");
  return unrouted ? { winner: chosen, unrouted } : { winner: chosen };
}

/**
 * Checks the NAT gateway a route leads to. `downOwner` is the rule that reports the route when
 * the gateway is down.
 */
function natHop(
  trace: Trace,
  path: ServicePath,
  natId: string,
  downOwner: string,
): NatGateway | undefined {
  const { index } = trace;
  const target = natTarget(index, natId, false, trace.vpcId);
  if (target.status === "unknown") {
    trace.add("nat-gateway", "unknown", natId, target.reason);
    return undefined;
  }
  if (target.status === "down") {
    trace.add("nat-gateway", "broken", natId, `NAT gateway ${natId} is ${target.state}`, downOwner);
    return undefined;
  }
  const nat = target.nat;
  path.nat = nat;

  const natSubnet = nat.SubnetId ? index.subnet(nat.SubnetId) : undefined;
  // A subnet that is not IPv6-only has an IPv4 range, so a missing CidrBlock is missing data.
  if (natSubnet && !hasIpv4(natSubnet) && !isIpv6Only(natSubnet)) {
    trace.add(
      "nat-gateway",
      "unknown",
      natId,
      `the CidrBlock of ${natSubnet.SubnetId}, the subnet of NAT gateway ${natId}, is not in the snapshot`,
    );
    return undefined;
  }
  if (natSubnet && !hasIpv4(natSubnet)) {
    trace.add(
      "nat-gateway",
      "broken",
      natId,
      `NAT gateway ${natId} is in ${natSubnet.SubnetId}, which has no IPv4 range`,
      "nat-gateway-in-ipv6-only-subnet",
    );
    return undefined;
  }
  const kind = isPublicNat(nat) ? "public" : "private";
  const where = isRegionalNat(nat)
    ? "regional"
    : `in ${nat.SubnetId} (${natSubnet?.AvailabilityZone ?? "unknown AZ"})`;

  trace.add(
    "nat-gateway",
    "ok",
    natId,
    `${kind} NAT gateway ${natId}, ${where}, translates to ${natAddresses(nat).join(", ") || "its private IPv4 address"}`,
  );
  const zone = natSubnet?.AvailabilityZone;
  if (
    !isRegionalNat(nat) &&
    zone &&
    trace.subnet.AvailabilityZone &&
    zone !== trace.subnet.AvailabilityZone
  ) {
    trace.add(
      "placement",
      "warning",
      natId,
      `NAT gateway ${natId} is in ${zone}, not in the subnet's ${trace.subnet.AvailabilityZone}`,
      "nat64-cross-az",
    );
  }

  const toEndpoint = path.endpoint && trace.endpointView(path.endpoint).nat64Destinations();
  // Subnets whose workloads share security groups pass the egress checks alike, and those that
  // share a network ACL and a class of prefix cross to the NAT gateway's subnet alike, as on the
  // IPv6 leg. The endpoint, or the public name, fixes the destinations of both.
  const scope = path.endpoint ? trace.endpointView(path.endpoint) : PUBLIC_NAME;
  trace.unlessClean(
    scope,
    "nat64 egress",
    () => trace.view.groupsClass(),
    () => checkNat64Egress(trace, path),
  );
  if (!natSubnet && !isRegionalNat(nat)) noteMissingNatSubnet(trace, nat);
  if (natSubnet) {
    const endpoint = toEndpoint && toEndpoint.cidrs.length > 0 ? path.endpoint : undefined;
    const keyOf = () => {
      const crossingClass = trace.view.crossingClass([natSubnet]);
      return crossingClass === undefined ? undefined : `${natSubnet.SubnetId} ${crossingClass}`;
    };
    // Without the endpoint's addresses, the crossings check 64:ff9b::/96 as for a public name.
    const name = endpoint ? "nat64 crossings" : "nat64 crossings to 64:ff9b::/96";
    trace.unlessClean(scope, name, keyOf, () => checkNat64Crossings(trace, natSubnet, endpoint));
  }
  return nat;
}

/** The scope of checks toward a service's public name, which no endpoint view stands for. */
const PUBLIC_NAME = {};

/**
 * Checks the workloads' egress toward a path's DNS64 destinations: the DNS64 forms of the
 * endpoint's addresses, else all of 64:ff9b::/96.
 */
function checkNat64Egress(trace: Trace, path: ServicePath): void {
  const owner = "instance-sg-egress-blocks-nat64";
  const toEndpoint = path.endpoint && trace.endpointView(path.endpoint).nat64Destinations();
  if (toEndpoint && toEndpoint.cidrs.length > 0) {
    const approximate = approximateNote(toEndpoint, path.endpoint?.VpcEndpointId);
    // DNS returns the endpoint's addresses in all its subnets, so a block of some breaks only
    // the connections to those.
    checkClientEgress(trace, toEndpoint.cidrs, owner, approximate, true);
  } else {
    checkClientEgress(trace, [NAT64_PREFIX], owner);
  }
}

/**
 * Checks the filters inside the client subnet on a path whose NAT64 route leads to a target
 * vpc-lint cannot verify, such as a transit gateway to a central egress VPC. The workloads'
 * egress and the subnet's own network ACL stop the traffic before it leaves, whatever lies beyond.
 */
function checkClientSide(trace: Trace, path: ServicePath): void {
  checkNat64Egress(trace, path);
  checkOwnAcl(trace, NAT64_PREFIX);
}

/** Checks the client subnet's own network ACL for the request to `destination` and its reply. */
function checkOwnAcl(trace: Trace, destination: Cidr): void {
  const source = trace.clientSource();
  if (!source) return;
  const replyPorts = trace.clientReplyPorts();
  checkCrossing(
    trace,
    { from: trace.subnet, destination, source, replyPorts },
    "nacl-blocks-nat64",
  );
}

/**
 * Checks the network ACLs between the client subnet and the NAT gateway's subnet. Toward a public
 * name the destination is 64:ff9b::/96. Toward an endpoint, the client's ACL matches the DNS64
 * form of the endpoint's address in each of its subnets, or of the subnet's IPv4 range when that
 * address is not in the snapshot. A block toward some of those subnets becomes a warning, as
 * checkEndpointSubnets explains.
 */
function checkNat64Crossings(trace: Trace, natSubnet: Subnet, endpoint?: VpcEndpoint): void {
  const source = trace.clientSource();
  if (!source) return;
  const cross = (destination: Cidr) =>
    checkCrossing(
      trace,
      {
        from: trace.subnet,
        to: natSubnet,
        destination,
        source,
        replyPorts: trace.clientReplyPorts(),
      },
      "nacl-blocks-nat64",
    );
  if (!endpoint) {
    cross(NAT64_PREFIX);
    return;
  }
  // The NAT gateway's ACL checks the same source for every destination, so once it blocks the
  // crossing, checking the other destinations would only repeat that block.
  let natAclBlocks = false;
  const view = trace.endpointView(endpoint);
  checkEndpointSubnets(trace, view.subnets(), (endpointSubnet) => {
    if (natAclBlocks) return false;
    const address = view.addressIn(endpointSubnet, 4);
    const ipv4 = address ?? subnetPrefix(endpointSubnet, 4);
    if (!ipv4) return false;
    const start = trace.hops.length;
    cross(nat64PrefixOf(ipv4));
    natAclBlocks = brokenSince(trace, start).some(
      (position) => trace.hops[position]?.facts?.subnetId === natSubnet.SubnetId,
    );
    return true;
  });
}

/** Returns the positions of the broken hops added to the trace since `start`. */
function brokenSince(trace: Trace, start: number): readonly number[] {
  let positions: number[] | undefined;
  for (let position = start; position < trace.hops.length; position += 1) {
    if (trace.hops[position]?.status === "broken") (positions ??= []).push(position);
  }
  return positions ?? NO_POSITIONS;
}

const NO_POSITIONS: readonly number[] = Object.freeze([]);

/**
 * Turns network ACL blocks of some of a NAT gateway's addresses into warnings in this trace only,
 * since kept hops are shared between traces. The address becomes the blocked part of the range.
 */
function softenBlocks(
  trace: Trace,
  positions: readonly number[],
  nat: NatGateway,
  addresses: readonly string[],
): void {
  const listed = addresses.join(", ");
  for (const position of positions) {
    const hop = trace.hops[position] as Hop;
    soften(trace, position, `while other addresses of ${nat.NatGatewayId} get through`, {
      range: String(hop.facts?.peer ?? ""),
      peer: `the addresses of NAT gateway ${nat.NatGatewayId} (${listed})`,
    });
  }
}

/**
 * Replaces the broken hop at `position` of this trace with a warning whose text adds `clause`
 * and whose facts add `facts`. Kept hops are shared between traces, so the hop is not changed.
 */
function soften(
  trace: Trace,
  position: number,
  clause: string,
  facts: Record<string, string>,
): void {
  const hop = trace.hops[position] as Hop;
  const softened = new Hop(hop.kind, "warning", hop.resourceId, `${hop.text}, ${clause}`);
  if (hop.owner) softened.owner = hop.owner;
  softened.facts = { ...hop.facts, ...facts };
  trace.hops[position] = softened;
}

/** The hops that block the way to one of an endpoint's subnets, by position in the trace. */
interface SubnetBlocks {
  subnetId: string;
  positions: readonly number[];
}

/**
 * Runs `check` for each of an endpoint's subnets; it returns false when it could not judge the
 * way to the subnet. When some subnet is reachable, turns the blocks toward the others into
 * warnings: private DNS answers with the endpoint's addresses in all its subnets, so clients
 * spread their connections over them and a block breaks only some. The hops change in this trace
 * only, or in the hops its caller keeps for the same endpoint subnets, and name no endpoint,
 * since endpoints of several services may share those hops.
 */
function checkEndpointSubnets(
  trace: Trace,
  subnets: readonly Subnet[],
  check: (subnet: Subnet) => boolean,
): void {
  const blocked: SubnetBlocks[] = [];
  let open = 0;
  for (const subnet of subnets) {
    const start = trace.hops.length;
    if (!check(subnet)) continue;
    const positions = brokenSince(trace, start);
    if (positions.length === 0) open += 1;
    else blocked.push({ subnetId: subnet.SubnetId as string, positions });
  }
  if (open === 0) return;
  for (const { subnetId, positions } of blocked) {
    const clause = `so only connections to the endpoint's network interface in ${subnetId} fail`;
    for (const position of positions) {
      soften(trace, position, clause, { endpointSubnetId: subnetId });
    }
  }
}

/** Returns the private addresses a NAT gateway translates to; a failed assignment is not one. */
export function natAddresses(nat: NatGateway): string[] {
  return (nat.NatGatewayAddresses ?? [])
    .filter((address) => lower(address.Status) !== "failed")
    .map((address) => address.PrivateIp)
    .filter((ip): ip is string => Boolean(ip));
}

/** Tells whether an address of a NAT gateway that did not fail lacks its PrivateIp. */
function lacksPrivateIp(nat: NatGateway): boolean {
  return (nat.NatGatewayAddresses ?? []).some(
    (address) => lower(address.Status) !== "failed" && !address.PrivateIp,
  );
}

function endpointNat64Leg(trace: Trace, endpoint: VpcEndpoint, nat: NatGateway): void {
  const { index } = trace;
  const endpointId = endpoint.VpcEndpointId as string;
  const natId = nat.NatGatewayId as string;
  const addresses = natAddresses(nat);
  const natSubnet = nat.SubnetId ? index.subnet(nat.SubnetId) : undefined;
  // After NAT64 the source is the NAT gateway's private IPv4 address. A template leaves it to AWS,
  // which takes it from the IPv4 range of the gateway's subnet, so the checks use that range. They
  // use it too when an address of the gateway lacks its PrivateIp, since traffic may leave from
  // that address as well.
  const missingAddress = addresses.length === 0 || lacksPrivateIp(nat);
  const natRange = missingAddress && natSubnet ? subnetPrefix(natSubnet, 4) : undefined;
  if (missingAddress && !natRange) {
    trace.add(
      "network-acl",
      "unknown",
      natId,
      `the private IPv4 address of NAT gateway ${natId} is not in the snapshot`,
      "nacl-blocks-nat64",
    );
    checkIngressFromNatSubnet(trace, endpoint, nat);
    return;
  }
  const onward = onwardTableOf(index, nat);
  const view = trace.endpointView(endpoint);
  noteMissingEndpointSubnets(trace, endpoint);
  checkEndpointSubnets(trace, view.subnets(), (endpointSubnet) => {
    const destination = subnetPrefix(endpointSubnet, 4);
    if (!destination) {
      noteMissingPrefix(trace, endpointSubnet, "IPv4");
      return false;
    }
    const route = onward ? index.lookupRoute(onward, destination).route : undefined;
    if (!route || route.target.kind !== "local") {
      trace.add(
        "onward-route",
        "unknown",
        onward?.RouteTableId ?? natId,
        onward
          ? `NAT traffic to ${destination.text} does not follow the local route`
          : `the route table of NAT gateway ${natId} is not in the snapshot`,
      );
      return false;
    }
    if (!natSubnet) return false;
    // The NAT gateway's network ACL matches the endpoint's own address when it is known.
    const target = view.addressIn(endpointSubnet, 4) ?? destination;
    if (natRange) {
      checkCrossingFromNatRange(trace, nat, natSubnet, natRange, endpointSubnet, target);
      return true;
    }
    const blocked: number[] = [];
    let passed = 0;
    for (const ip of addresses) {
      const start = trace.hops.length;
      checkCrossing(
        trace,
        {
          from: natSubnet,
          to: endpointSubnet,
          destination: target,
          source: parseCidr(ip) as Cidr,
          replyPorts: NAT_PORTS,
        },
        "nacl-blocks-nat64",
      );
      const broken = brokenSince(trace, start);
      if (broken.length === 0) passed += 1;
      else blocked.push(...broken);
    }
    // A NAT gateway spreads connections over its addresses, so blocking some breaks only some.
    if (passed > 0) softenBlocks(trace, blocked, nat, addresses);
    return true;
  });
  if (natRange) {
    checkIngressFromNatSubnet(trace, endpoint, nat);
    return;
  }
  const sources = addresses.map((ip) => ({ cidr: parseCidr(ip) as Cidr }));
  checkEndpointIngress(
    trace,
    endpointId,
    view.groups(),
    sources,
    "endpoint-sg-blocks-nat64-source",
    true,
  );
}

/**
 * Judges the network ACLs between a NAT gateway whose private address the snapshot lacks and an
 * endpoint subnet by the whole IPv4 range of the gateway's subnet. When they allow all of it, they
 * allow the address AWS assigns. Else that address may or may not be blocked, so the crossing is
 * unknown.
 */
function checkCrossingFromNatRange(
  trace: Trace,
  nat: NatGateway,
  natSubnet: Subnet,
  natRange: Cidr,
  endpointSubnet: Subnet,
  target: Cidr,
): void {
  const start = trace.hops.length;
  const crossing = {
    from: natSubnet,
    to: endpointSubnet,
    destination: target,
    source: natRange,
    replyPorts: NAT_PORTS,
  };
  checkCrossing(trace, crossing, "nacl-blocks-nat64");
  if (trace.hops.slice(start).every((hop) => hop.status === "ok")) return;
  trace.hops.length = start;
  trace.add(
    "network-acl",
    "unknown",
    nat.NatGatewayId as string,
    `the private IPv4 address of NAT gateway ${nat.NatGatewayId} is not in the snapshot, and the network ACLs between ${natSubnet.SubnetId} and ${endpointSubnet.SubnetId} do not allow all of ${natRange.text}, the range AWS takes it from`,
    "nacl-blocks-nat64",
  );
}

/**
 * Judges the endpoint's security groups for a NAT gateway whose private address the snapshot
 * lacks, as a template without PrivateIpAddress gives it. AWS assigns the address from the IPv4
 * range of the gateway's subnet, so a rule for all of that range admits it, and no rule for any
 * of it blocks it. A rule for part of the range leaves the check unknown.
 */
function checkIngressFromNatSubnet(trace: Trace, endpoint: VpcEndpoint, nat: NatGateway): void {
  const endpointId = endpoint.VpcEndpointId as string;
  const natId = nat.NatGatewayId as string;
  const owner = "endpoint-sg-blocks-nat64-source";
  const natSubnet = nat.SubnetId ? trace.index.subnet(nat.SubnetId) : undefined;
  const range = natSubnet && subnetPrefix(natSubnet, 4);
  if (!natSubnet || !range) {
    const text = `neither the private IPv4 address of NAT gateway ${natId} nor the range of its subnet is in the snapshot`;
    trace.add("endpoint-security-group", "unknown", natId, text, owner);
    return;
  }
  const natSubnetId = natSubnet.SubnetId as string;
  const groups = trace.endpointView(endpoint).groups();
  if (groups) {
    const source = { cidr: range };
    const whole = groupsAllow(trace.index, groups, "ingress", source, HTTPS);
    const part = groupsAllow(trace.index, groups, "ingress", source, HTTPS, true);
    if (whole.verdict !== "allow" && part.verdict === "allow") {
      trace.add(
        "endpoint-security-group",
        "unknown",
        endpointId,
        `security groups of ${endpointId} allow TCP 443 from part of ${range.text}, the range of ${natSubnetId}, and the private IPv4 address NAT gateway ${natId} takes from it is not in the snapshot`,
        owner,
      );
      return;
    }
  }
  checkEndpointIngress(trace, endpointId, groups, [{ cidr: range }], owner, false, {
    natSubnetIds: natSubnetId,
  });
}

function endpointIpv6Leg(trace: Trace, endpoint: VpcEndpoint): void {
  const { index } = trace;
  const endpointId = endpoint.VpcEndpointId as string;
  const endpointView = trace.endpointView(endpoint);
  // Endpoints of several services often share subnets; their routes and ACLs are checked once.
  // The scope, the client subnet, and the audience fix the groups and reply ports of its workloads.
  const legKey = `${endpointView.ipv6LegKey()} ${trace.view.audience}`;
  trace.once(trace.subnet, legKey, () => ipv6LegFilters(trace, endpointView));
  // Clients keep their IPv6 addresses and security groups all the way to the endpoint. Each
  // distinct set of workload groups is a client of its own, since a rule that references one
  // group admits only the workloads that carry it.
  trace.unlessClean(
    endpointView,
    "ingress",
    () => trace.view.sourcesClass(),
    () => {
      const groups = endpointView.groups();
      checkEndpointIngress(
        trace,
        endpointId,
        groups,
        leastAdmittedSources(index, groups, trace.view.ipv6Sources()),
        "endpoint-sg-blocks-ipv6-clients",
      );
    },
  );
}

/**
 * Picks the workload sources to check: the first set that the endpoint's groups deny, else the
 * first they may not admit, else the first set. The one check of the path then reports the worst.
 */
function leastAdmittedSources(
  index: SnapshotIndex,
  groups: SecurityGroup[] | undefined,
  sourceSets: Ipv6Source[][],
): Ipv6Source[] {
  const first = sourceSets[0] ?? [];
  if (!groups || sourceSets.length === 1) return first;
  let undecided: Ipv6Source[] | undefined;
  for (const sources of sourceSets) {
    const verdicts = sources.map(
      (source) => groupsAllow(index, groups, "ingress", source, HTTPS).verdict,
    );
    if (verdicts.includes("deny")) return sources;
    if (verdicts.includes("unknown")) undecided ??= sources;
  }
  return undecided ?? first;
}

/**
 * Adds the route, workload egress and network ACL hops from a subnet to an endpoint's subnets.
 * The caller keeps these hops per subnet and endpoint subnets, so the crossings are not kept again.
 */
function ipv6LegFilters(trace: Trace, view: EndpointView): void {
  const targets = view.subnets();
  trace.add(
    "route",
    "ok",
    trace.subnetId,
    `the endpoint's IPv6 addresses are in the VPC, reached by the local route`,
  );
  // Subnets whose workloads share security groups, or that share a network ACL and a class of
  // prefix, mostly pass these checks alike, so a trace without ok hops skips the checks that
  // added no hop for another subnet.
  trace.unlessClean(
    view,
    "egress",
    () => trace.view.groupsClass(),
    () => {
      // The endpoint's interfaces carry its security groups, so egress rules that reference them
      // admit the traffic. DNS returns the addresses in all the endpoint's subnets, so a block of
      // some breaks only the connections to those.
      const addresses = view.addresses(6);
      addClientEgressHops(
        trace,
        addresses.cidrs,
        "instance-sg-egress-blocks-ipv6",
        approximateNote(addresses),
        view.groupIds(),
        true,
      );
    },
  );
  noteMissingEndpointSubnets(trace, view.endpoint);
  const crossingKey = () => trace.view.crossingClass(targets);
  trace.unlessClean(view, "crossings", crossingKey, () => crossingsToEndpoint(trace, view));
}

/** Adds the network ACL hops from the traced subnet to each of an endpoint's subnets. */
function crossingsToEndpoint(trace: Trace, view: EndpointView): void {
  const source = trace.clientSource();
  if (!source) return;
  checkEndpointSubnets(trace, view.subnets(), (target) => {
    // The network ACLs match the endpoint's own address in the subnet when it is known.
    const destination = view.addressIn(target, 6) ?? ipv6Of(target);
    if (!destination) {
      noteMissingPrefix(trace, target, "IPv6");
      return false;
    }
    addCrossingHops(
      trace,
      {
        from: trace.subnet,
        to: target,
        destination,
        source,
        replyPorts: trace.clientReplyPorts(),
      },
      "nacl-blocks-nat64",
    );
    return true;
  });
}

/** IPv4 ranges without a public address: private, shared, loopback, link-local, multicast. */
const NON_PUBLIC_IPV4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/3",
].map((text) => parseCidr(text) as Cidr);

/** Tells whether a range of addresses contains a public one: one outside NON_PUBLIC_IPV4. */
function containsPublic(part: RoutePart): boolean {
  let ranges: { low: bigint; high: bigint }[] = [part];
  for (const range of NON_PUBLIC_IPV4) {
    ranges = ranges.flatMap(({ low, high }) => {
      if (high < range.network || low > range.last) return [{ low, high }];
      return [
        ...(low < range.network ? [{ low, high: range.network - 1n }] : []),
        ...(high > range.last ? [{ low: range.last + 1n, high }] : []),
      ];
    });
  }
  return ranges.length > 0;
}

/**
 * Returns the parts of 0.0.0.0/0 in a table that contain public addresses, with their routes. The
 * analysis memo keeps them, since every path through the table's NAT gateways reads them.
 */
function publicParts(trace: Trace, table: RouteTable): RoutePart[] {
  return trace.memo.value(table, "public parts", () =>
    trace.index.lookupRouteParts(table, IPV4_DEFAULT).filter(containsPublic),
  );
}

/**
 * Returns the route to an internet gateway that public IPv4 addresses take in a table without a
 * 0.0.0.0/0 route, such as routes for 0.0.0.0/1 and 128.0.0.0/1. A VPC picks the longest
 * matching prefix for each packet
 * (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html), so routes inside
 * 0.0.0.0/0 may carry the traffic of a public NAT gateway together. Returns undefined when no
 * public address reaches an internet gateway. The parts that go elsewhere are
 * misroutedPublicParts.
 */
function splitInternetRoute(
  trace: Trace,
  table: RouteTable,
): { route: RouteView; text: string } | undefined {
  const routes = publicParts(trace, table).flatMap((part) =>
    part.route && !part.route.blackhole && part.route.target.kind === "internet-gateway"
      ? [part.route]
      : [],
  );
  // A VPC has one internet gateway at most, so the one attached to it carries the traffic.
  const attached = (route: RouteView) => {
    const gateway = trace.index.gateway("internet-gateway", route.target.id);
    return (gateway?.Attachments ?? []).some((item) => item.VpcId === table.VpcId);
  };
  const first = routes.find(attached) ?? routes[0];
  if (!first) return undefined;
  const used = [...new Set(routes.filter((route) => route.target.id === first.target.id))];
  return { route: first, text: used.map(describeRoute).join(", ") };
}

/**
 * Tells whether a route drops the public traffic of a NAT gateway: a blackhole, or a target inside
 * the VPC that does not pass it to the internet, such as a peering connection or a network
 * interface. An internet gateway, a Gateway Load Balancer endpoint, a network beyond the VPC and
 * a target vpc-lint cannot read are not dead ends.
 */
function isDeadEnd(route: Pick<RouteView, "target" | "blackhole">): boolean {
  if (route.blackhole) return true;
  const { kind } = route.target;
  return !(
    kind === "internet-gateway" ||
    kind === "vpc-endpoint" ||
    kind === "unknown" ||
    leavesVpc(route)
  );
}

/**
 * Returns the public parts that a table drops: no route, a dead end, or an internet gateway other
 * than `gatewayId`, which is not attached to the VPC, since a VPC has one internet gateway at
 * most.
 */
function misroutedPublicParts(parts: readonly RoutePart[], gatewayId: string): RoutePart[] {
  return parts.filter(
    ({ route }) =>
      !route ||
      isDeadEnd(route) ||
      (route.target.kind === "internet-gateway" && route.target.id !== gatewayId),
  );
}

/**
 * Adds the unknown hop for the first public part whose route names a target vpc-lint cannot
 * read, and returns whether it did.
 */
function stopsAtUnreadable(trace: Trace, table: RouteTable, parts: readonly RoutePart[]): boolean {
  const unreadable = parts.find((part) => part.route?.target.kind === "unknown")?.route;
  const tableId = table.RouteTableId as string;
  return hasUnreadableTarget(trace, "onward-route", tableId, unreadable, PUBLIC_ROUTE_OWNER);
}

/** The rule that reports the routes of a public NAT gateway toward the internet. */
const PUBLIC_ROUTE_OWNER = "public-nat-subnet-no-igw-route";

/** Describes a route as describeRoute does, marking one in state blackhole. */
function routeWithState(route: RouteView): string {
  return route.blackhole ? `${describeRoute(route)} (blackhole)` : describeRoute(route);
}

/**
 * Checks the public addresses of a NAT gateway's table, whose route for them reaches the internet
 * gateway of `route`. Longer routes may send some elsewhere: all of them is a broken hop, some a
 * warning. A longer route whose target vpc-lint cannot read, or one of a prefix list whose
 * entries are unknown that may drop them, leaves the path unknown. Returns false when the path
 * stops here.
 */
function checkPublicParts(
  trace: Trace,
  table: RouteTable,
  route: RouteView,
  lookup: RouteLookup,
): boolean {
  const tableId = table.RouteTableId as string;
  const parts = publicParts(trace, table);
  if (stopsAtUnreadable(trace, table, parts)) return false;

  // A prefix list whose entries are unknown may contain public addresses: a dead end there, or a
  // gap in the routes that it may fill, leaves the path unknown.
  const unknownLists = lookup.unresolvedPrefixLists.filter((listId) =>
    (table.Routes ?? []).some(
      (item) =>
        item.DestinationPrefixListId === listId &&
        isDeadEnd({ target: routeTarget(item), blackhole: isBlackhole(item) }),
    ),
  );
  const misrouted = misroutedPublicParts(parts, route.target.id);
  // A list of unknown entries may also contain longer routes to the gateway for dropped ranges.
  if (
    unknownLists.length > 0 ||
    (misrouted.length > 0 && lookup.unresolvedPrefixLists.length > 0)
  ) {
    const named = unknownLists.length > 0 ? unknownLists : lookup.unresolvedPrefixLists;
    const lists = [...new Set(named)].join(", ");
    trace.add(
      "onward-route",
      "unknown",
      tableId,
      `the entries of prefix lists ${lists} of ${tableId} are not in the snapshot, so whether it sends every public address to the internet gateway is unknown`,
      PUBLIC_ROUTE_OWNER,
    );
    return false;
  }

  if (misrouted.length === 0) return true;
  const ranges = someParts(misrouted, parts);
  const routes = [
    ...new Set(misrouted.map((part) => (part.route ? routeWithState(part.route) : "no route"))),
  ].join(", ");
  if (misrouted.length === parts.length) {
    trace.add(
      "onward-route",
      "broken",
      tableId,
      `${tableId} has ${routes} for every public address, so no traffic of the NAT gateway reaches the internet`,
      PUBLIC_ROUTE_OWNER,
      { found: routes },
    );
    return false;
  }
  trace.add(
    "onward-route",
    "warning",
    tableId,
    `${tableId} has ${routes} for the public addresses in ${ranges}, not a route to the internet gateway`,
    PUBLIC_ROUTE_OWNER,
    { ranges, found: routes },
  );
  return true;
}

/**
 * Names the ranges of route parts: by the destination of their route when that route wins every
 * public address of it among `all`, the public parts of the table, else by their own prefixes.
 * Returns the first three names, and how many more there are.
 */
function someParts(parts: readonly RoutePart[], all: readonly RoutePart[]): string {
  const ownsDestination = (route: RouteView) =>
    all.every(
      (part) =>
        part.high < route.destination.network ||
        part.low > route.destination.last ||
        part.route === route,
    );
  const names = [
    ...new Set(
      parts.flatMap((part) =>
        part.route && ownsDestination(part.route)
          ? [part.route.destination.text]
          : describeParts([part], IPV4_DEFAULT).split(", "),
      ),
    ),
  ];
  const listed = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${listed} and ${names.length - 3} more` : listed;
}

function publicNat64Leg(trace: Trace, path: ServicePath, nat: NatGateway): void {
  const { index } = trace;
  const natId = nat.NatGatewayId as string;
  const onward = onwardTableOf(index, nat);
  if (s3ThroughGatewayEndpoint(trace, path, nat, onward?.RouteTableId)) return;
  if (!isPublicNat(nat)) {
    const owner = SESSION_MANAGER.has(path.service)
      ? "ssm-endpoint-missing"
      : "private-nat64-to-public-destination";
    // A private NAT gateway may send its traffic on through a transit gateway or a virtual
    // private gateway, and a network beyond them, such as a central egress VPC, may reach the
    // internet. vpc-lint cannot see that network, so such a route leaves the path unknown.
    const onwardRoute = onwardRouteBeyondVpc(index, nat);
    if (onward && onwardRoute) {
      trace.add(
        "onward-route",
        "unknown",
        onward.RouteTableId as string,
        `${onward.RouteTableId}: ${describeRoute(onwardRoute)} carries the traffic of private NAT gateway ${natId} beyond the VPC, where vpc-lint cannot follow it`,
        owner,
      );
      return;
    }
    trace.add(
      "nat-gateway",
      "broken",
      natId,
      `NAT gateway ${natId} is private, so it cannot reach ${path.host} on the internet`,
      owner,
    );
    return;
  }
  if (!onward) {
    trace.add(
      "onward-route",
      "unknown",
      natId,
      "the NAT gateway's route table is not in the snapshot",
    );
    return;
  }
  let tableId = onward.RouteTableId as string;
  const lookup = index.lookupRoute(onward, IPV4_DEFAULT);
  let route = lookup.route;
  let found = route ? describeRoute(route) : "no 0.0.0.0/0 route";
  if (!route || isDeadEnd(route)) {
    // Longer routes to an internet gateway may carry the public addresses that 0.0.0.0/0 does not.
    const split = splitInternetRoute(trace, onward);
    if (split) ({ route, text: found } = split);
    else {
      // A prefix list whose entries are unknown may contain such routes, and so may a route whose
      // target vpc-lint cannot read.
      const lists = [...new Set(lookup.unresolvedPrefixLists)].join(", ");
      if (lists) {
        trace.add(
          "onward-route",
          "unknown",
          tableId,
          `${tableId} has ${found}, and the entries of its prefix lists ${lists} are not in the snapshot`,
          PUBLIC_ROUTE_OWNER,
        );
        return;
      }
      if (stopsAtUnreadable(trace, onward, publicParts(trace, onward))) return;
      if (route) found = routeWithState(route);
    }
  }
  let routeText = `${tableId}: ${found}`;
  let brokenText = `${tableId} of NAT gateway ${natId} has ${found}, not 0.0.0.0/0 -> igw`;
  if (route) {
    // A firewall endpoint between the NAT gateway and the internet gateway passes the traffic on
    // through the route table of its own subnet.
    const inspected = passInspectionEndpoint(
      trace,
      "onward-route",
      route,
      IPV4_DEFAULT,
      "public-nat-subnet-no-igw-route",
    );
    if (inspected.kind === "unknown") return;
    if (inspected.kind === "followed") {
      route = inspected.route;
      tableId = inspected.tableId;
      found = inspected.text;
      routeText = inspected.text;
      brokenText = `${inspected.text}, not 0.0.0.0/0 -> igw, so the traffic of NAT gateway ${natId} does not reach the internet`;
    }
  }
  // A public NAT gateway may also send its traffic through a transit gateway or a virtual private
  // gateway, as a private one does, to a network such as a central egress VPC that vpc-lint
  // cannot see.
  if (leavesVpc(route)) {
    trace.add(
      "onward-route",
      "unknown",
      tableId,
      `${routeText} carries the traffic of public NAT gateway ${natId} beyond the VPC, where vpc-lint cannot follow it`,
      "public-nat-subnet-no-igw-route",
    );
    return;
  }
  if (
    hasUnreadableTarget(trace, "onward-route", tableId, route, "public-nat-subnet-no-igw-route")
  ) {
    return;
  }
  if (!route || route.target.kind !== "internet-gateway" || route.blackhole) {
    trace.add("onward-route", "broken", tableId, brokenText, "public-nat-subnet-no-igw-route", {
      found,
    });
    return;
  }
  trace.add("onward-route", "ok", tableId, routeText);
  if (!checkGateway(trace, "onward-route", route, "public-nat-subnet-no-igw-route")) return;
  if (tableId === onward.RouteTableId && !checkPublicParts(trace, onward, route, lookup)) return;
  const natSubnet = nat.SubnetId ? index.subnet(nat.SubnetId) : undefined;
  if (natSubnet) {
    // Toward the internet the NAT gateway is the client, so replies return to its ports.
    checkCrossing(
      trace,
      { from: natSubnet, destination: IPV4_DEFAULT, source: IPV4_DEFAULT, replyPorts: NAT_PORTS },
      "nacl-blocks-nat64",
    );
  }
  // Traffic stopped earlier on the path never leaves through the NAT gateway.
  if (trace.hops.some((hop) => hop.status === "broken")) return;
  trace.add(
    "placement",
    "info",
    natId,
    `${path.host} is reached through public NAT gateway ${natId} and the internet gateway`,
    "public-nat64-leaks-service-traffic",
  );
}

/**
 * Returns a live S3 gateway endpoint of the traced VPC that routes the table and takes IPv6
 * traffic, as one with IpAddressType dualstack does, or undefined when there is none.
 */
function ipv6S3GatewayOf(trace: Trace, table: RouteTable): VpcEndpoint | undefined {
  const tableId = table.RouteTableId ?? "";
  return s3GatewaysOf(trace).find(
    (endpoint) =>
      ["dualstack", "ipv6"].includes(lower(endpoint.IpAddressType)) &&
      (endpoint.RouteTableIds ?? []).includes(tableId),
  );
}

/** Returns the live S3 gateway endpoints of the traced VPC. */
function s3GatewaysOf(trace: Trace): VpcEndpoint[] {
  // A deleted or failed gateway endpoint routes nothing, whatever RouteTableIds it still lists.
  return trace.index
    .endpointsOf(trace.vpcId)
    .filter(
      (endpoint) =>
        lower(endpoint.VpcEndpointType) === "gateway" &&
        isLiveEndpoint(endpoint) &&
        shortServiceName(endpoint.ServiceName) === "s3",
    );
}

/** Handles S3 when the VPC has an S3 gateway endpoint; returns true when that settles the path. */
function s3ThroughGatewayEndpoint(
  trace: Trace,
  path: ServicePath,
  nat: NatGateway,
  onwardId: string | undefined,
): boolean {
  if (path.service !== "s3") return false;
  const gateways = s3GatewaysOf(trace);
  if (gateways.length === 0) return false;
  const onPath = gateways.find(
    (endpoint) => onwardId && (endpoint.RouteTableIds ?? []).includes(onwardId),
  );
  if (onPath) {
    trace.add(
      "onward-route",
      "ok",
      onwardId as string,
      `S3 traffic leaves the NAT gateway through gateway endpoint ${onPath.VpcEndpointId}`,
    );
    return true;
  }
  const gatewayId = gateways[0]?.VpcEndpointId as string;
  const status = isPublicNat(nat) ? "warning" : "broken";
  trace.add(
    "onward-route",
    status,
    gatewayId,
    `S3 gateway endpoint ${gatewayId} is not associated with route table ${onwardId ?? "of the NAT gateway"}`,
    "s3-gateway-endpoint-not-on-nat-path",
    { routeTableId: onwardId ?? "unknown", natGatewayId: nat.NatGatewayId as string },
  );
  return !isPublicNat(nat);
}

function publicIpv6Leg(trace: Trace, service: string, name: string): void {
  const { index } = trace;
  trace.add("dns", "ok", trace.subnetId, `the dual-stack name ${name} has AAAA records`);
  const table = index.routeTableOf(trace.subnet)?.table;
  if (!table) {
    trace.add(
      "route",
      "unknown",
      trace.subnetId,
      "the subnet's route table is not in the snapshot",
    );
    return;
  }
  let tableId = table.RouteTableId as string;
  let route = index.lookupRoute(table, PUBLIC_IPV6).route;
  let routeText = `${tableId}: ${route ? describeRoute(route) : "no ::/0 route"}`;
  let brokenText = `${tableId} has ${route ? describeRoute(route) : "no ::/0 route"}, not ::/0 to an egress-only or internet gateway`;
  if (route) {
    const inspected = passInspectionEndpoint(
      trace,
      "route",
      route,
      PUBLIC_IPV6,
      "ipv6-default-route-missing",
    );
    if (inspected.kind === "unknown") return;
    if (inspected.kind === "followed") {
      route = inspected.route;
      tableId = inspected.tableId;
      routeText = inspected.text;
      brokenText = `${inspected.text}, not ::/0 to an egress-only or internet gateway`;
    }
  }
  // AWS documents centralized IPv6 egress through a transit gateway to another VPC, which the
  // snapshot does not show.
  if (leavesVpc(route)) {
    trace.add(
      "route",
      "unknown",
      tableId,
      `${routeText} carries the subnet's IPv6 traffic beyond the VPC, where vpc-lint cannot follow it`,
      "ipv6-default-route-missing",
    );
    // The workloads' egress and the subnet's own network ACL stop the traffic before it leaves.
    checkPublicIpv6Filters(trace);
    return;
  }
  if (hasUnreadableTarget(trace, "route", tableId, route, "ipv6-default-route-missing")) return;
  const kinds = new Set(["egress-only-internet-gateway", "internet-gateway"]);
  if (!route || !kinds.has(route.target.kind) || route.blackhole) {
    const gateway = service === "s3" ? ipv6S3GatewayOf(trace, table) : undefined;
    if (gateway) {
      trace.add(
        "route",
        "unknown",
        tableId,
        `${tableId} has ${route ? describeRoute(route) : "no ::/0 route"}, but S3 gateway endpoint ${gateway.VpcEndpointId} with IpAddressType ${gateway.IpAddressType} routes ${table.RouteTableId} and may carry the IPv6 traffic to S3, which vpc-lint does not follow`,
        "ipv6-default-route-missing",
      );
      return;
    }
    trace.add("route", "broken", tableId, brokenText, "ipv6-default-route-missing");
    return;
  }
  trace.add("route", "ok", tableId, routeText);
  if (!checkGateway(trace, "route", route, "ipv6-default-route-missing")) return;
  checkPublicIpv6Filters(trace);
  // The path works only for clients set to use the dual-stack name. The default name has A
  // records only, and SDKs call it unless use_dualstack_endpoint is set.
  if (trace.hops.some((hop) => hop.status === "broken")) return;
  trace.add(
    "dns",
    "warning",
    trace.vpcId,
    `only clients set to use the dual-stack name ${name} reach the service; the default name has A records only`,
    "dualstack-name-needs-client-setting",
    { name },
  );
}

/** Checks the workloads' egress and the subnet's network ACL for traffic to public IPv6 addresses. */
function checkPublicIpv6Filters(trace: Trace): void {
  checkClientEgress(trace, [PUBLIC_IPV6], "instance-sg-egress-blocks-ipv6");
  checkOwnAcl(trace, PUBLIC_IPV6);
}

/**
 * Adds an unknown hop for a route whose target is in no field vpc-lint reads, such as a target
 * type newer than vpc-lint, and returns whether it did.
 */
function hasUnreadableTarget(
  trace: Trace,
  kind: "route" | "onward-route",
  tableId: string,
  route: RouteView | undefined,
  owner: string,
): boolean {
  if (!route || route.blackhole || route.target.kind !== "unknown") return false;
  const { id } = route.target;
  const target =
    id === "unknown"
      ? "names its target in no field vpc-lint reads"
      : `targets ${id}, of a type vpc-lint does not know`;
  trace.add(
    kind,
    "unknown",
    tableId,
    `the ${route.destination.text} route of ${tableId} ${target}, so where it sends the traffic is unknown`,
    owner,
  );
  return true;
}

/**
 * Returns the note for a check whose destinations stand in for an endpoint's addresses, or
 * undefined when they are its addresses. Without `endpointId`, the note names no endpoint, for
 * hops that endpoints in the same subnets share.
 */
function approximateNote(addresses: EndpointAddresses, endpointId?: string): string | undefined {
  if (addresses.exact) return undefined;
  const interfaces = endpointId
    ? `the network interfaces of ${endpointId} are`
    : "the endpoint's network interfaces are";
  return `${interfaces} not in the snapshot, so its subnets' ranges stand in for their addresses`;
}

/** Adds an unknown network ACL hop when some of an endpoint's subnets are not in the snapshot. */
function noteMissingEndpointSubnets(trace: Trace, endpoint: VpcEndpoint): void {
  if (!trace.endpointView(endpoint).lacksSubnets()) return;
  const endpointId = endpoint.VpcEndpointId as string;
  const missing = endpoint.SubnetIds?.filter((id) => !trace.index.subnet(id));
  const text = missing
    ? `subnets ${missing.join(", ")} of endpoint ${endpointId} are not in the snapshot`
    : `the SubnetIds of endpoint ${endpointId} are not in the snapshot`;
  trace.add("network-acl", "unknown", endpointId, text, "nacl-blocks-nat64");
}

/** Adds an unknown network ACL hop for a subnet on the path whose prefix the snapshot lacks. */
function noteMissingPrefix(trace: Trace, subnet: Subnet, family: "IPv4" | "IPv6"): void {
  trace.add(
    "network-acl",
    "unknown",
    subnet.SubnetId as string,
    `the ${family} prefix of ${subnet.SubnetId} is not in the snapshot`,
    "nacl-blocks-nat64",
  );
}

/** Adds an unknown network ACL hop for a NAT gateway in a subnet the snapshot lacks. */
function noteMissingNatSubnet(trace: Trace, nat: NatGateway): void {
  trace.add(
    "network-acl",
    "unknown",
    nat.NatGatewayId as string,
    `the subnet ${nat.SubnetId ?? "(none given)"} of NAT gateway ${nat.NatGatewayId} is not in the snapshot`,
    "nacl-blocks-nat64",
  );
}
