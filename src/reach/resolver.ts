/** The resolver that serves a VPC's queries, and the hub zones that resolve service names for it. */
import type { Subnet, Vpc } from "@aws-sdk/client-ec2";
import {
  isAmazonResolver,
  nameServersOf,
  reachableFromIpv6Only,
  unknownNameServers,
} from "../index/dns.js";
import { isIpv6Only, type SnapshotIndex } from "../index/snapshot-index.js";
import { innerMap, lower } from "../index/util.js";
import type { HostedZoneAssociation, ResolverRule } from "../snapshot/types.js";
import type { HopStatus } from "./types.js";

export interface ResolverAnswer {
  status: HopStatus;
  resourceId: string;
  text: string;
  owner?: string;
}

/**
 * Returns the resolver hop of a subnet. Custom servers are assumed to forward to the Route 53
 * Resolver, except that an IPv6-only subnet cannot reach servers that are all IPv4 addresses.
 */
export function resolverOf(
  index: SnapshotIndex,
  vpc: Vpc | undefined,
  subnet: Subnet,
): ResolverAnswer {
  const vpcId = vpc?.VpcId ?? "";
  if (!vpc) return { status: "unknown", resourceId: vpcId, text: "the VPC is not in the snapshot" };
  const servers = nameServersOf(index, vpc);
  if (servers === undefined) {
    return {
      status: "unknown",
      resourceId: vpc.DhcpOptionsId ?? vpcId,
      text: unknownNameServers(index, vpc),
    };
  }
  const optionsId = vpc.DhcpOptionsId ?? vpcId;
  if (isIpv6Only(subnet) && servers.length > 0 && !servers.some(reachableFromIpv6Only)) {
    return {
      status: "broken",
      resourceId: optionsId,
      text: `name servers ${servers.join(", ")} include neither AmazonProvidedDNS nor an IPv6 address, so an IPv6-only subnet cannot reach them`,
      owner: "dhcp-custom-dns-servers",
    };
  }
  if (servers.length === 0 || servers.some((server) => isAmazonResolver(server, vpc))) {
    const support = index.vpcAttributes(vpcId)?.EnableDnsSupport?.Value;
    if (support === false) {
      return {
        status: "broken",
        resourceId: vpcId,
        text: "enableDnsSupport is false, so the Amazon-provided resolver does not answer",
        owner: "vpc-dns-support-disabled",
      };
    }
    if (support === undefined) {
      return {
        status: "unknown",
        resourceId: vpcId,
        text: `whether the Amazon-provided resolver answers is unknown because ${unknownDnsAttribute(index, vpcId, "enableDnsSupport")}`,
      };
    }
    return {
      status: "ok",
      resourceId: vpcId,
      text: "the Amazon-provided resolver (Route 53 Resolver) answers",
    };
  }
  return {
    status: "info",
    resourceId: optionsId,
    text: `custom DNS servers ${servers.join(", ")} answer; vpc-lint assumes they forward to the Route 53 Resolver`,
    owner: "dhcp-custom-dns-servers",
  };
}

/** A private hosted zone or a forwarding rule that resolves a name for the VPC. */
export interface SharedZone {
  id: string;
  text: string;
  /** The status or type that leaves open how the rule resolves the name, such as CREATING. */
  unsettled?: string;
}

/** The results of sharedZoneFor and hostedZoneFor by index, then by VPC and name, null for none. */
const SHARED_ZONES = new WeakMap<SnapshotIndex, Map<string, SharedZone | null>>();
const HOSTED_ZONES = new WeakMap<SnapshotIndex, Map<string, HostedZoneAssociation | null>>();

/**
 * Finds a Route 53 private hosted zone associated with the VPC, or a Resolver forwarding rule
 * associated with it, whose domain covers the name. Either means a hub VPC serves the endpoint.
 * The result is kept per VPC and name, since the paths of every subnet in the VPC resolve the
 * same names.
 */
export function sharedZoneFor(
  index: SnapshotIndex,
  vpcId: string,
  host: string,
): SharedZone | undefined {
  const byName = innerMap(SHARED_ZONES, index);
  const key = `${vpcId} ${host}`;
  let zone = byName.get(key);
  if (zone === undefined) {
    zone = findSharedZone(index, vpcId, host) ?? null;
    byName.set(key, zone);
  }
  return zone ?? undefined;
}

function findSharedZone(index: SnapshotIndex, vpcId: string, host: string): SharedZone | undefined {
  const zone = hostedZoneFor(index, vpcId, host);
  if (zone)
    return {
      id: zone.HostedZoneId,
      text: `private hosted zone ${zone.Name.replace(/\.$/, "")} (${zone.HostedZoneId})`,
    };
  // Resolver applies the rule with the most specific domain name, so a system rule for a longer
  // name keeps that name with the VPC's own resolver.
  let chosen: { rule: ResolverRule; unsettled?: string } | undefined;
  for (const entry of index.resolverRulesOf(vpcId)) {
    const domain = entry.rule.DomainName;
    if (!domain || !covers(domain, host)) continue;
    if (!chosen || labels(domain) > labels(chosen.rule.DomainName ?? "")) chosen = entry;
  }
  if (!chosen) return undefined;
  const { rule, unsettled } = chosen;
  const type = lower(rule.RuleType);
  const kind = type === "forward" ? "forwarding" : type || "untyped";
  const text = `Resolver ${kind} rule ${rule.Id} for ${(rule.DomainName ?? "").replace(/\.$/, "")}`;
  if (unsettled) return { id: rule.Id, text, unsettled };
  if (type === "forward") return { id: rule.Id, text };
  // System and recursive rules resolve with the VPC's own resolver. A rule of another type, such
  // as a delegation, resolves in a way vpc-lint does not model.
  if (LOCAL_RULE_TYPES.has(type)) return undefined;
  return { id: rule.Id, text, unsettled: `of type ${rule.RuleType ?? "unknown"}` };
}

/**
 * Returns a Route 53 private hosted zone associated with the VPC whose domain covers the name,
 * kept per VPC and name like sharedZoneFor.
 */
export function hostedZoneFor(
  index: SnapshotIndex,
  vpcId: string,
  host: string,
): HostedZoneAssociation | undefined {
  const byName = innerMap(HOSTED_ZONES, index);
  const key = `${vpcId} ${host}`;
  let zone = byName.get(key);
  if (zone === undefined) {
    zone = index.hostedZonesOf(vpcId).find((item) => covers(item.Name, host)) ?? null;
    byName.set(key, zone);
  }
  return zone ?? undefined;
}

const LOCAL_RULE_TYPES = new Set(["system", "recursive"]);

/** Counts a domain's labels; the root domain "." has none. */
function labels(domain: string): number {
  const name = domain.replace(/\.$/, "");
  return name === "" ? 0 : name.split(".").length;
}

/**
 * Tells whether a domain covers a host name. The root domain "." covers every name, as a
 * forwarding rule for "." sends all queries that no more specific rule matches.
 */
function covers(domain: string, host: string): boolean {
  const zone = domain.replace(/\.$/, "").toLowerCase();
  if (zone === "") return true;
  const name = host.toLowerCase();
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Returns why a VPC DNS attribute is unknown, as a clause: its section was not collected or its
 * call failed, or the VPC's entry lacks it.
 */
export function unknownDnsAttribute(
  index: SnapshotIndex,
  vpcId: string,
  attribute: "enableDnsSupport" | "enableDnsHostnames",
): string {
  if (!index.has("VpcAttributes") && !index.vpcAttributes(vpcId)) {
    return index.absent("VpcAttributes");
  }
  return `${attribute} of ${vpcId} is not in the snapshot`;
}
