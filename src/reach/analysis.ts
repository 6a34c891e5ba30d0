/**
 * Reachability of the required services from every subnet that hosts workloads and depends on
 * IPv6: IPv6-only subnets, and dual-stack subnets with DNS64. Computed once per snapshot.
 */
import type { Subnet, Tag } from "@aws-sdk/client-ec2";
import type { LintSettings } from "../engine/types.js";
import { SnapshotIndex, isIpv6Only, type WorkloadAudience } from "../index/snapshot-index.js";
import type { SectionName, Snapshot } from "../snapshot/types.js";
import { SESSION_MANAGER_SERVICES } from "../index/endpoints.js";
import { EC2MESSAGES_OPTIONAL_FROM, agentNeedsEc2messages } from "../index/ssm-agent.js";
import { innerMap } from "../index/util.js";
import { TraceMemo } from "./context.js";
import { SERVICE_NAME } from "./catalog.js";
import { tracePath } from "./trace.js";
import type { Hop, ServicePath } from "./types.js";

export const SERVICES_TAG = "vpc-lint:services";
export const PRIVATE_ONLY_TAG = "vpc-lint:private-only";

/**
 * The paths of one snapshot. Each path lists every hop that is not ok, in order, and a path whose
 * verdict is unknown lists every hop. Unless the analysis was computed with `everyPath`, other
 * paths may lack their ok hops, which `withEveryHop` restores for outputs that print them.
 */
export interface Analysis {
  /** Each consumer subnet's paths to the services it requires, subnet by subnet. */
  paths: ServicePath[];
  /** The required paths by subnet id, then by service. */
  bySubnet: Map<string, Map<string, ServicePath>>;
  /**
   * A subnet's path to a service. A path to a Session Manager service that the subnet does not
   * require, such as ec2messages for recent agents, is traced on first request, since only
   * reports that list every path, `explain` and ssm-endpoint-missing read it.
   */
  path(subnetId: string, service: string): ServicePath | undefined;
  /** Returns a path of this analysis after tracing it again with every hop if it lacks some. */
  withEveryHop(path: ServicePath): ServicePath;
  /**
   * Every path, each with every hop: each subnet's required ones, then its optional Session
   * Manager paths.
   */
  allPaths(): ServicePath[];
  /**
   * The hops of required paths that are not ok, by the rule that owns them, in path order. Built
   * on first use.
   */
  ownedHops(): ReadonlyMap<string, readonly OwnedHop[]>;
  /** Required paths whose verdict is unknown, in path order, with their first unknown hop. */
  unknownPaths(): readonly OwnedHop[];
  /** Sections the traces read but the snapshot lacks, so they used each section's fallback. */
  assumed: ReadonlySet<SectionName>;
  /** Subnets that may host workloads on IPv6 paths but were not traced, and why. */
  untraced: readonly { subnetId: string; reason: string }[];
}

/**
 * The Session Manager services, typed for lookups by any service name. Every consumer subnet gets
 * a path to each, required or not, because agents before 3.3.40.0 use ec2messages, and workloads
 * without an instance may still call ssm.
 */
const SESSION_MANAGER: readonly string[] = SESSION_MANAGER_SERVICES;

/** A hop with the path it lies on and that path's position in `paths`. */
export interface OwnedHop {
  position: number;
  path: ServicePath;
  hop: Hop;
}

const CACHE = new WeakMap<SnapshotIndex, Map<string, Analysis>>();

/**
 * Returns the analysis for a snapshot and settings, computing it on first use. With `everyPath`,
 * that computation keeps every hop of every path and also traces the paths subnets do not
 * require, because each subnet's checks are still kept then. Otherwise those paths are traced
 * when first requested.
 */
export function analyse(
  index: SnapshotIndex,
  settings: LintSettings,
  options: { everyPath?: boolean } = {},
): Analysis {
  const key = JSON.stringify(settings);
  const byKey = innerMap(CACHE, index);
  const cached = byKey.get(key);
  if (cached) return cached;
  const analysis = compute(index, settings, options.everyPath === true);
  byKey.set(key, analysis);
  return analysis;
}

/** Returns the analysis for a snapshot and settings if some rule has computed it. */
export function computedAnalysis(
  index: SnapshotIndex,
  settings: LintSettings,
): Analysis | undefined {
  return CACHE.get(index)?.get(JSON.stringify(settings));
}

function compute(index: SnapshotIndex, settings: LintSettings, everyPath: boolean): Analysis {
  const paths: ServicePath[] = [];
  const bySubnet = new Map<string, Map<string, ServicePath>>();
  /** Optional paths by subnet id, then by service. */
  const optional = new Map<string, Map<string, ServicePath>>();
  const memo = new TraceMemo();
  /**
   * Traces a path. Without `everyPath`, the path lacks its ok hops, since the rules read the
   * others, and the outputs that print a path's hops trace it again with withEveryHop. A path
   * whose verdict is unknown is traced again with them at once: an ok hop with an owner tells the
   * rules that its check was made on a path that stops at an unknown hop.
   */
  /** The audience of each path traced without its ok hops, for withEveryHop. */
  const trimmed = new Map<ServicePath, WorkloadAudience>();
  function trace(
    subnet: Subnet,
    service: string,
    required: boolean,
    audience: WorkloadAudience,
  ): ServicePath {
    const full = () => tracePath(index, subnet, service, required, memo, true, audience);
    if (everyPath) return full();
    const path = tracePath(index, subnet, service, required, memo, false, audience);
    if (path.verdict === "unknown") return full();
    trimmed.set(path, audience);
    return path;
  }
  function withEveryHop(path: ServicePath): ServicePath {
    const audience = trimmed.get(path);
    if (audience) {
      trimmed.delete(path);
      const subnet = index.subnet(path.subnetId) as Subnet;
      const { service, required } = path;
      path.hops = tracePath(index, subnet, service, required, memo, true, audience).hops;
    }
    return path;
  }
  const { consumers: subnets, untraced } = sortSubnets(index);
  for (const subnet of subnets) {
    const subnetId = subnet.SubnetId as string;
    const services = new Map<string, ServicePath>();
    for (const [service, audience] of requiredServiceAudiences(index, settings, subnet)) {
      const path = trace(subnet, service, true, audience);
      services.set(service, path);
      paths.push(path);
    }
    bySubnet.set(subnetId, services);
    if (everyPath) optionalPaths(subnet);
    // Checks scoped to this subnet never recur, so their memos need not outlive its paths.
    memo.forget(subnet);
  }
  /** Returns the subnet's path to a Session Manager service it does not require, tracing it once. */
  function optionalPath(subnet: Subnet, service: string): ServicePath {
    const subnetId = subnet.SubnetId as string;
    const traced = innerMap(optional, subnetId);
    let path = traced.get(service);
    if (!path) {
      // Without instances, the path speaks for the other workloads, such as Lambda functions
      // that call ssm, for which ssm-endpoint-missing warns.
      const audience = mayHostInstances(index, subnetId) ? "instances" : "workloads";
      path = trace(subnet, service, false, audience);
      traced.set(service, path);
    }
    return path;
  }
  function optionalPaths(subnet: Subnet): ServicePath[] {
    const required = bySubnet.get(subnet.SubnetId as string);
    return SESSION_MANAGER.filter((service) => !required?.has(service)).map((service) =>
      optionalPath(subnet, service),
    );
  }
  let all: ServicePath[] | undefined;
  let owned: Map<string, OwnedHop[]> | undefined;
  let unknown: OwnedHop[] | undefined;
  return {
    paths,
    bySubnet,
    path: (subnetId, service) => {
      const found = bySubnet.get(subnetId)?.get(service);
      if (found || !SESSION_MANAGER.includes(service) || !bySubnet.has(subnetId)) return found;
      return optionalPath(index.subnet(subnetId) as Subnet, service);
    },
    withEveryHop,
    allPaths: () =>
      (all ??= subnets.flatMap((subnet) => {
        const required = bySubnet.get(subnet.SubnetId as string)?.values() ?? [];
        const paths = [...required, ...optionalPaths(subnet)].map(withEveryHop);
        memo.forget(subnet);
        return paths;
      })),
    ownedHops: () => (owned ??= hopsByOwner(paths)),
    assumed: memo.assumed,
    unknownPaths: () => (unknown ??= unknownPathsOf(paths)),
    untraced,
  };
}

function hopsByOwner(paths: readonly ServicePath[]): Map<string, OwnedHop[]> {
  const owned = new Map<string, OwnedHop[]>();
  paths.forEach((path, position) => {
    if (!path.required) return;
    for (const hop of path.hops) {
      if (!hop.owner || hop.status === "ok") continue;
      const list = owned.get(hop.owner);
      if (list) list.push({ position, path, hop });
      else owned.set(hop.owner, [{ position, path, hop }]);
    }
  });
  return owned;
}

/** Tells whether a path is clean: reachable, with every hop ok. */
export function isClean(path: ServicePath): boolean {
  return path.verdict === "reachable" && path.hops.every((hop) => hop.status === "ok");
}

function unknownPathsOf(paths: readonly ServicePath[]): OwnedHop[] {
  const unknown: OwnedHop[] = [];
  paths.forEach((path, position) => {
    if (!path.required || path.verdict !== "unknown") return;
    const hop = path.hops.find((candidate) => candidate.status === "unknown");
    if (hop) unknown.push({ position, path, hop });
  });
  return unknown;
}

/** Subnets that host workloads and reach services over IPv6: IPv6-only, or dual-stack with DNS64. */
export function consumerSubnets(index: SnapshotIndex): Subnet[] {
  return sortSubnets(index).consumers;
}

/**
 * Sorts the subnets into the consumers and those the analysis cannot trace, calling whyNotTraced
 * once per subnet. Each untraced entry gives the reason the path rules list it as skipped: first
 * the subnets left out for missing data, then those that host workloads but are missing from
 * Subnets.
 */
function sortSubnets(index: SnapshotIndex): {
  consumers: Subnet[];
  untraced: { subnetId: string; reason: string }[];
} {
  const consumers: Subnet[] = [];
  const untraced: { subnetId: string; reason: string }[] = [];
  for (const subnet of index.subnets()) {
    const notTraced = whyNotTraced(index, subnet);
    if (!notTraced) consumers.push(subnet);
    else if (notTraced.skipped) {
      untraced.push({ subnetId: subnet.SubnetId as string, reason: notTraced.skipped });
    }
  }
  for (const subnetId of index.missingWorkloadSubnets()) {
    const reason = "it hosts workloads but is not in Subnets, so that output is incomplete";
    untraced.push({ subnetId, reason });
  }
  return { consumers, untraced };
}

/**
 * Tells whether a subnet with IPv4 addresses lacks EnableDns64 while it has, or may have, an IPv6
 * prefix, so whether its workloads use NAT64 is unknown. A subnet without an IPv6 prefix cannot
 * use DNS64 answers, so there it does not matter, but a missing Ipv6CidrBlockAssociationSet
 * leaves the prefix unknown.
 */
function dns64Unknown(index: SnapshotIndex, subnet: Subnet): boolean {
  if (subnet.EnableDns64 !== undefined || isIpv6Only(subnet)) return false;
  return subnet.Ipv6CidrBlockAssociationSet === undefined || index.ipv6BlocksOf(subnet).length > 0;
}

/** Returns why the workloads of a subnet that hostsWorkloads reads as unknown are not known. */
function unknownWorkloadsCause(index: SnapshotIndex): string {
  if (!index.has("Reservations")) return index.absent("NetworkInterfaces", "Reservations");
  // Instances alone do not show Lambda functions, containers and other workloads.
  return `it runs no instance and ${index.absent("NetworkInterfaces")}`;
}

/** Tells whether a subnet's workloads reach services over IPv6: IPv6-only, or with DNS64. */
function usesIpv6Paths(subnet: Subnet): boolean {
  return isIpv6Only(subnet) || subnet.EnableDns64 === true;
}

/**
 * Why the analysis traces no path from a subnet: the reason `explain` prints, and, when the subnet
 * is left out for missing data, the reason the path rules list it as skipped.
 */
interface NotTraced {
  reason: string;
  skipped?: string;
}

/** Returns why the analysis traces no path from a subnet, or undefined when it traces them. */
function whyNotTraced(index: SnapshotIndex, subnet: Subnet): NotTraced | undefined {
  const dns64 = dns64Unknown(index, subnet);
  if (!usesIpv6Paths(subnet) && !dns64) {
    const reason =
      subnet.Ipv6CidrBlockAssociationSet !== undefined && index.ipv6BlocksOf(subnet).length === 0
        ? "the subnet has no IPv6 prefix, so its workloads reach services over IPv4"
        : "the subnet has IPv4 addresses and DNS64 is not enabled, so its workloads reach services over IPv4";
    return { reason };
  }
  const workloads = index.hostsWorkloads(subnet.SubnetId as string);
  if (workloads === false) {
    return {
      reason:
        "the subnet hosts no instance or other workload yet; the path matters once one is launched",
    };
  }
  if (workloads === undefined) {
    const cause = unknownWorkloadsCause(index);
    return {
      reason: `${cause}, so its workloads are unknown`,
      skipped: `its workloads are unknown because ${cause}`,
    };
  }
  if (dns64) {
    const missing =
      subnet.Ipv6CidrBlockAssociationSet === undefined
        ? "EnableDns64 and Ipv6CidrBlockAssociationSet are"
        : "EnableDns64 is";
    return {
      reason:
        `the subnet has IPv4 addresses and ${missing} not in the snapshot, so it is unknown ` +
        "whether its workloads use DNS64 and NAT64; a lint lists its paths as skipped",
      skipped: `${missing} not in the snapshot, so whether its workloads use NAT64 is unknown`,
    };
  }
  return undefined;
}

/**
 * The services a subnet must reach: Session Manager's where it may hold instances (`ec2messages`
 * only for agents before 3.3.40.0 or of unknown version), the flags', the config's, and the
 * `vpc-lint:services` tags.
 */
export function requiredServicesOf(
  index: SnapshotIndex,
  settings: LintSettings,
  subnet: Subnet,
): string[] {
  return [...requiredServiceAudiences(index, settings, subnet).keys()];
}

/**
 * Returns the services a subnet must reach, as requiredServicesOf lists them, each with the
 * workloads that need it. A service only Session Manager requires is needed by the instances
 * alone, and a service the flags, the config or a tag names by every workload.
 */
export function requiredServiceAudiences(
  index: SnapshotIndex,
  settings: LintSettings,
  subnet: Subnet,
): Map<string, WorkloadAudience> {
  const vpcId = subnet.VpcId as string;
  const services = new Map<string, WorkloadAudience>();
  // Session Manager reaches instances only. Lambda functions and other workloads without an
  // instance run no SSM Agent, and ssm-endpoint-missing warns when they cannot reach ssm.
  if (mayHostInstances(index, subnet.SubnetId as string)) {
    services.set("ssm", "instances");
    services.set("ssmmessages", "instances");
  }
  if (needsEc2messages(index, subnet)) services.set("ec2messages", "instances");
  const add = (names: readonly string[] | undefined): void => {
    for (const name of names ?? []) {
      // Names are lower-cased like endpoint service names. Invalid tag values are skipped.
      const service = name.trim().toLowerCase();
      if (SERVICE_NAME.test(service)) services.set(service, "workloads");
    }
  };
  add(settings.requiredServices);
  add(settings.requiredServicesByVpc?.[vpcId]);
  const byTag = settings.requiredServicesBySubnetTag;
  if (byTag) for (const tag of subnet.Tags ?? []) add(byTag[`${tag.Key}=${tag.Value}`]);
  add(vpcServiceTag(index, vpcId));
  add(tagList(subnet.Tags, SERVICES_TAG));
  return services;
}

/** The services each VPC's own tag names, by index, since every subnet of a VPC reads them. */
const VPC_SERVICE_TAGS = new WeakMap<SnapshotIndex, Map<string, string[]>>();

function vpcServiceTag(index: SnapshotIndex, vpcId: string): string[] {
  const byVpc = innerMap(VPC_SERVICE_TAGS, index);
  let names = byVpc.get(vpcId);
  if (!names) {
    names = tagList(index.vpc(vpcId)?.Tags, SERVICES_TAG);
    byVpc.set(vpcId, names);
  }
  return names;
}

/**
 * Tells whether a subnet may hold instances, and so SSM Agents. It may when it runs one or when
 * instances were not collected. Lambda functions and other workloads without an instance run no
 * SSM Agent.
 */
export function mayHostInstances(index: SnapshotIndex, subnetId: string): boolean {
  if (!index.has("Reservations")) return true;
  return index.instancesIn(subnetId).length > 0;
}

/**
 * Tells whether a subnet's instances need ec2messages, as agents before 3.3.40.0 or of unknown
 * version do. When instances or agents were not collected, a subnet that may hold instances does.
 */
export function needsEc2messages(index: SnapshotIndex, subnet: Subnet): boolean {
  const instances = index.instancesIn(subnet.SubnetId as string);
  if (!index.has("Reservations") || !index.has("InstanceInformationList"))
    return instances.length > 0 || !index.has("Reservations");
  return instances.some((instance) =>
    agentNeedsEc2messages(index.instanceInformation(instance.InstanceId as string)?.AgentVersion),
  );
}

/** Tells whether a VPC must not reach the internet, by tag or by setting. */
export function isPrivateOnly(
  index: SnapshotIndex,
  settings: LintSettings,
  vpcId: string,
): boolean {
  if (settings.privateOnlyVpcs?.includes(vpcId)) return true;
  return tagValue(index.vpc(vpcId)?.Tags, PRIVATE_ONLY_TAG)?.toLowerCase() === "true";
}

function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

function tagList(tags: Tag[] | undefined, key: string): string[] {
  const value = tagValue(tags, key);
  return value ? value.split(",") : [];
}

/**
 * Traces one subnet's path to one service, whether or not the subnet is a consumer. `untraced`
 * is the reason a lint leaves the subnet out, when it does.
 */
export function explainPath(
  snapshot: Snapshot,
  settings: LintSettings,
  subnetId: string,
  service: string,
): { path?: ServicePath; untraced?: string; notRequired?: string } {
  const index = new SnapshotIndex(snapshot);
  const subnet = index.subnet(subnetId) as Subnet;
  const untraced = whyNotTraced(index, subnet)?.reason;
  // A dual-stack subnet without DNS64 reaches services over IPv4, which vpc-lint does not trace.
  // One whose EnableDns64 is unknown gets the path DNS64 would give, stopped at that unknown.
  if (!usesIpv6Paths(subnet) && !dns64Unknown(index, subnet)) return { untraced };
  const analysis = analyse(index, settings);
  const traced = analysis.path(subnetId, service);
  const path = traced ? analysis.withEveryHop(traced) : tracePath(index, subnet, service, true);
  const result: { path: ServicePath; untraced?: string; notRequired?: string } = { path };
  if (untraced !== undefined) result.untraced = untraced;
  if (!path.required) result.notRequired = whyNotRequired(index, subnetId);
  // A subnet a lint traces that lacks this path does not require the service.
  else if (!traced && untraced === undefined) {
    result.notRequired =
      `${service} is not among the services this subnet requires, so a lint reports no break on ` +
      "this path; name it with --require-service, the config file or the vpc-lint:services tag";
  }
  return result;
}

/**
 * Returns why a subnet does not require the path to a Session Manager service that the analysis
 * traced as optional: it contains no instance, or every SSM Agent in it is recent.
 */
function whyNotRequired(index: SnapshotIndex, subnetId: string): string {
  if (!mayHostInstances(index, subnetId)) {
    return "the subnet hosts no instance, and Session Manager reaches instances only, so a lint reports no break on this path";
  }
  return (
    `every SSM Agent in the subnet is ${EC2MESSAGES_OPTIONAL_FROM} or later and connects ` +
    "through ssmmessages, so a lint reports no break on this path"
  );
}
