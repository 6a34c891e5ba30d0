/** Shared state while tracing one subnet's path to one service. */
import type { NetworkAcl, SecurityGroup, Subnet, Vpc, VpcEndpoint } from "@aws-sdk/client-ec2";
import type { SnapshotIndex, WorkloadAudience } from "../index/snapshot-index.js";
import { innerMap } from "../index/util.js";
import type { Cidr } from "../net/cidr.js";
import type { SectionName } from "../snapshot/types.js";
import { EndpointView } from "./endpoint-view.js";
import { SourceClasses, ipv6RuleRanges } from "./source-classes.js";
import { Hop, type HopKind, type HopStatus } from "./types.js";

/**
 * Destination ports of one direction of a flow. For a reply, `clients` names the workloads whose
 * ephemeral ports these are, such as "Windows instances", and is empty when one range serves all.
 */
export interface ClientPorts {
  clients: string;
  low: number;
  high: number;
  /**
   * Set for the range of Windows instances or of Lambda functions, so findings can cite the
   * instance's `Platform` or the interface's `InterfaceType`.
   */
  platform?: "windows" | "lambda";
}

/** The ranges replies return to, each of which must get through, and a memo key naming them. */
export interface ReplyPorts {
  key: string;
  ranges: readonly ClientPorts[];
}

function replyPorts(...ranges: ClientPorts[]): ReplyPorts {
  const key = ranges.map(({ clients, low, high }) => `${clients}:${low}-${high}`).join(",");
  // The ranges stay a plain array, because V8 iterates a frozen array with for-of more slowly
  // and allocates at every step. Every network ACL check loops over them.
  return Object.freeze({ key, ranges });
}

/*
 * Ephemeral ports (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html):
 * Windows Server 2008 and later use 49152-65535, and NAT gateways and AWS Lambda functions use
 * 1024-65535. That page gives 32768-61000 for many Linux kernels, but the kernel's own default
 * is 32768-60999 (ip_local_port_range in
 * https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html), so an ACL that allows
 * exactly that range passes.
 */
const LINUX = { low: 32768, high: 60999 };
const WINDOWS = { low: 49152, high: 65535, platform: "windows" } as const;
const LAMBDA = { low: 1024, high: 65535, platform: "lambda" } as const;
/** The reply ports of each mix of platforms, built on first use: at most eight. */
const PORTS_BY_MIX = new Map<number, ReplyPorts>();

/**
 * Returns the ranges replies return to in a subnet whose workloads run on these platforms. Linux
 * and other workloads, and a subnet without workloads, use the Linux range, which findings name
 * only beside another range.
 */
function portsOf(platforms: { windows: boolean; lambda: boolean; other: boolean }): ReplyPorts {
  const { windows, lambda } = platforms;
  const linux = platforms.other || (!windows && !lambda);
  const mix = Number(linux) + 2 * Number(windows) + 4 * Number(lambda);
  let ports = PORTS_BY_MIX.get(mix);
  if (!ports) {
    const ranges: ClientPorts[] = [];
    const alone = !windows && !lambda;
    if (linux) ranges.push({ clients: alone ? "" : "Linux and other workloads", ...LINUX });
    if (windows) ranges.push({ clients: "Windows instances", ...WINDOWS });
    if (lambda) ranges.push({ clients: "Lambda functions", ...LAMBDA });
    ports = replyPorts(...ranges);
    PORTS_BY_MIX.set(mix, ports);
  }
  return ports;
}
export const NAT_PORTS = replyPorts({ clients: "", low: 1024, high: 65535 });
export const HTTPS = 443;

/**
 * The memo the traces of one analysis share. It keeps the hops of checks already made and values
 * derived from one resource, by that resource (subnet, VPC, endpoint) and then by a key naming the
 * other inputs. Callers reuse key strings where they can, so lookups rarely hash a new string.
 */
export class TraceMemo {
  /**
   * The hops of checks already made, by scope and key: those of traces that keep ok hops, and
   * those of traces that leave them out. The second kind lacks the ok hops, so they are kept apart.
   */
  private readonly hopsWithOk = new Map<object, Map<string, readonly Hop[]>>();
  private readonly hopsWithoutOk = new Map<object, Map<string, readonly Hop[]>>();
  /** Sections that were missing when a check read them, so the check used their fallback. */
  readonly assumed = new Set<SectionName>();
  /** The view of each endpoint the traces pass, by endpoint. */
  readonly endpoints = new Map<VpcEndpoint, EndpointView>();
  private readonly values = new Map<object, Map<string, unknown>>();
  /**
   * The views of the subnet traced last, by audience, since the analysis traces a subnet's paths
   * together.
   */
  private lastSubnet?: { subnet: Subnet; views: Partial<Record<WorkloadAudience, SubnetView>> };
  /** The network ACL of each subnet a crossing met, by subnet. */
  private readonly acls = new Map<Subnet, NetworkAcl | undefined>();
  /** The groups of each distinct set of workload group ids, undefined when one is missing. */
  private readonly groupsBySet = new Map<readonly string[], SecurityGroup[] | undefined>();
  /** Numbers that stand for objects in keys, such as a network ACL or a set of group ids. */
  private readonly numbers = new Map<object, number>();
  /** The classes of IPv6 sources and the index whose snapshot they were built from. */
  private classes?: { index: SnapshotIndex; classes: SourceClasses };
  /** The keys of checks that added no hop, by scope and check name, for Trace.unlessClean. */
  private readonly cleanChecks = new Map<object, Map<string, Set<string>>>();

  /** Drops what was kept for a scope that no later trace will meet, such as a traced subnet. */
  forget(scope: object): void {
    this.hopsWithOk.delete(scope);
    this.hopsWithoutOk.delete(scope);
    this.values.delete(scope);
    if (this.lastSubnet?.subnet === scope) this.lastSubnet = undefined;
  }

  /** Returns the hops kept for traces that keep ok hops, or for those that leave them out. */
  keptHops(okHops: boolean): Map<object, Map<string, readonly Hop[]>> {
    return okHops ? this.hopsWithOk : this.hopsWithoutOk;
  }

  /** Returns the view of a subnet that the traces from it for the same audience share. */
  subnetView(index: SnapshotIndex, subnet: Subnet, audience: WorkloadAudience): SubnetView {
    if (this.lastSubnet?.subnet !== subnet) this.lastSubnet = { subnet, views: {} };
    const views = this.lastSubnet.views;
    return (views[audience] ??= new SubnetView(index, subnet, this, audience));
  }

  /** Returns the network ACL of a subnet: its association, else the VPC's default ACL. */
  aclOf(index: SnapshotIndex, subnet: Subnet): NetworkAcl | undefined {
    if (this.acls.has(subnet)) return this.acls.get(subnet);
    const acl = aclOf(index, subnet);
    this.acls.set(subnet, acl);
    return acl;
  }

  /** Returns the groups of a set of ids the index hands out, or undefined when some are missing. */
  groupsOf(index: SnapshotIndex, ids: readonly string[]): SecurityGroup[] | undefined {
    if (this.groupsBySet.has(ids)) return this.groupsBySet.get(ids);
    const found = ids.map((id) => index.securityGroup(id));
    const groups = found.every(Boolean) ? (found as SecurityGroup[]) : undefined;
    this.groupsBySet.set(ids, groups);
    return groups;
  }

  /** Returns a number that stands for the object in keys, the same for every request. */
  numberOf(object: object): number {
    let number = this.numbers.get(object);
    if (number === undefined) {
      number = this.numbers.size;
      this.numbers.set(object, number);
    }
    return number;
  }

  /**
   * Returns the keys with which the named check added no hop in a scope, for callers to add to.
   * Each check has keys of its own, so keys written alike for two checks never mix.
   */
  cleanKeys(scope: object, check: string): Set<string> {
    const byCheck = innerMap(this.cleanChecks, scope);
    let keys = byCheck.get(check);
    if (!keys) {
      keys = new Set();
      byCheck.set(check, keys);
    }
    return keys;
  }

  /** Returns the classes of IPv6 sources in the index's snapshot, built on first request. */
  sourceClasses(index: SnapshotIndex): SourceClasses {
    if (this.classes?.index !== index) {
      this.classes = { index, classes: new SourceClasses(ipv6RuleRanges(index.snapshot)) };
    }
    return this.classes.classes;
  }

  /** Returns the value `compute` gives for `scope` and `key`, computing it on first request. */
  value<T>(scope: object, key: string, compute: () => T): T {
    const byKey = innerMap(this.values, scope);
    if (byKey.has(key)) return byKey.get(key) as T;
    const value = compute();
    byKey.set(key, value);
    return value;
  }
}

/** A distinct set of workload security groups: the ids as the index hands them out, and groups. */
export interface GroupSet {
  ids: readonly string[];
  groups: SecurityGroup[];
}

/** A workload source on the IPv6 leg: one of the subnet's prefixes and one set of its groups. */
export interface Ipv6Source {
  cidr: Cidr;
  groupIds: string[];
}

/**
 * The facts about a client subnet that each of its traces reads, several times per trace: its
 * workloads' reply ports and security groups, and its IPv6 prefixes.
 */
export class SubnetView {
  private replyPorts?: ReplyPorts;
  private blocks?: Cidr[];
  private groupSets?: GroupSet[] | null;
  private sources?: Ipv6Source[][];
  /** The keys the class methods below return, null when the subnet has none. */
  private crossingKey?: string | null;
  private sourcesKey?: string | null;
  private groupsKey?: string;
  /** The class of each IPv6 prefix of the subnet, undefined for a prefix without one. */
  private classes?: (string | undefined)[];

  constructor(
    private readonly index: SnapshotIndex,
    readonly subnet: Subnet,
    private readonly memo: TraceMemo,
    /** The workloads whose groups and ports the view reads. */
    readonly audience: WorkloadAudience,
  ) {}

  /** Returns the ephemeral port ranges of the platforms the subnet's workloads run. */
  clientReplyPorts(): ReplyPorts {
    if (!this.replyPorts) {
      const platforms = this.index.workloadPlatforms(this.subnet.SubnetId as string, this.audience);
      const { windows, lambda, other } = platforms;
      this.replyPorts = portsOf({
        windows: windows !== undefined,
        lambda: lambda !== undefined,
        other,
      });
    }
    return this.replyPorts;
  }

  /** Returns the subnet's associated IPv6 prefixes. */
  clientBlocks(): Cidr[] {
    this.blocks ??= this.index.ipv6BlocksOf(this.subnet);
    return this.blocks;
  }

  /**
   * Returns the distinct security group sets of the subnet's workloads, or undefined when the
   * workloads are unknown or a group is not in the snapshot.
   */
  workloadGroupSets(): GroupSet[] | undefined {
    if (this.groupSets === undefined) {
      const sets = this.index.workloadGroupIds(this.subnet.SubnetId as string, this.audience);
      let result: GroupSet[] | null = sets ? [] : null;
      for (const ids of sets ?? []) {
        const groups = this.memo.groupsOf(this.index, ids);
        if (!groups) {
          result = null;
          break;
        }
        result?.push({ ids, groups });
      }
      this.groupSets = result;
    }
    return this.groupSets ?? undefined;
  }

  /**
   * Returns a key naming what the subnet's network ACL crossings into the targets read besides
   * its id. That is the network ACL, the reply ports and the class of the first IPv6 prefix, the
   * source the ACLs see. Returns undefined when that prefix is missing or has no class, and when
   * the subnet is one of the targets, since traffic inside a subnet crosses no ACL.
   */
  crossingClass(targets: readonly Subnet[]): string | undefined {
    const subnetId = this.subnet.SubnetId;
    if (targets.some((target) => target.SubnetId === subnetId)) return undefined;
    if (this.crossingKey === undefined) {
      const source = this.prefixClasses()[0];
      const acl = this.memo.aclOf(this.index, this.subnet);
      const aclNumber = acl ? this.memo.numberOf(acl) : "none";
      this.crossingKey =
        source === undefined ? null : `${aclNumber} ${this.clientReplyPorts().key} ${source}`;
    }
    return this.crossingKey ?? undefined;
  }

  /** Returns a key naming the distinct sets of security groups on the subnet's workloads. */
  groupsClass(): string {
    if (this.groupsKey === undefined) {
      const sets = this.index.workloadGroupIds(this.subnet.SubnetId as string, this.audience);
      this.groupsKey = sets ? sets.map((ids) => this.memo.numberOf(ids)).join(",") : "unknown";
    }
    return this.groupsKey;
  }

  /**
   * Returns a key naming the workload sources of the IPv6 leg: the sets of security groups and
   * the class of each IPv6 prefix. Returns undefined when a prefix has no class.
   */
  sourcesClass(): string | undefined {
    if (this.sourcesKey === undefined) {
      const prefixes = this.prefixClasses();
      this.sourcesKey = prefixes.includes(undefined)
        ? null
        : `${this.groupsClass()} ${prefixes.join("| ")}`;
    }
    return this.sourcesKey ?? undefined;
  }

  private prefixClasses(): (string | undefined)[] {
    const classes = this.memo.sourceClasses(this.index);
    this.classes ??= this.clientBlocks().map((cidr) => classes.classOf(cidr));
    return this.classes;
  }

  /**
   * Returns the workload sources of the IPv6 leg: one list of the subnet's prefixes per distinct
   * set of workload groups, or a single list without groups when no set is known.
   */
  ipv6Sources(): Ipv6Source[][] {
    if (!this.sources) {
      const blocks = this.clientBlocks();
      const sets = (
        this.index.workloadGroupIds(this.subnet.SubnetId as string, this.audience) ?? []
      ).filter((ids) => ids.length > 0);
      this.sources =
        sets.length === 0
          ? [blocks.map((cidr) => ({ cidr, groupIds: [] }))]
          : sets.map((ids) => blocks.map((cidr) => ({ cidr, groupIds: [...ids] })));
    }
    return this.sources;
  }
}

export class Trace {
  readonly hops: Hop[] = [];
  /** The facts about the traced subnet, shared with the other traces from it. */
  readonly view: SubnetView;

  constructor(
    readonly index: SnapshotIndex,
    readonly vpc: Vpc | undefined,
    readonly vpcId: string,
    readonly subnet: Subnet,
    /** The analysis's memo. Hops never change once made, so paths can share them. */
    readonly memo: TraceMemo = new TraceMemo(),
    /**
     * False when the trace leaves ok hops out, so that its path lists only the other hops. Those
     * tell whether the path is clean, and the rules read only them on a path that is not unknown.
     */
    readonly okHops = true,
    /** The workloads that need the traced service, whose groups and ports the filters check. */
    audience: WorkloadAudience = "workloads",
  ) {
    this.view = memo.subnetView(index, subnet, audience);
  }

  /**
   * Appends the hops `check` appends, running it only the first time the analysis meets `scope`
   * and `key` together. The scope and key must name every input of the check.
   */
  once(scope: object, key: string, check: () => void): void {
    const byKey = innerMap(this.memo.keptHops(this.okHops), scope);
    const known = byKey.get(key);
    if (known) {
      for (const hop of known) this.hops.push(hop);
      return;
    }
    const start = this.hops.length;
    check();
    byKey.set(key, this.hops.slice(start));
  }

  /**
   * Runs `check` unless the check of that name added no hop in an earlier trace with the same
   * scope and key. The key must name every input of the check but the traced subnet, which only
   * the words of its hops name, and undefined runs the check. Traces that keep ok hops always run
   * it without reading the key, since those hops name the subnet.
   */
  unlessClean(
    scope: object,
    name: string,
    keyOf: () => string | undefined,
    check: () => void,
  ): void {
    const key = this.okHops ? undefined : keyOf();
    if (key === undefined) {
      check();
      return;
    }
    const clean = this.memo.cleanKeys(scope, name);
    if (clean.has(key)) return;
    const start = this.hops.length;
    check();
    if (this.hops.length === start) clean.add(key);
  }

  /** Returns the view of an endpoint, kept for every trace through it. */
  endpointView(endpoint: VpcEndpoint): EndpointView {
    let view = this.memo.endpoints.get(endpoint);
    if (!view) {
      view = new EndpointView(this.index, endpoint);
      this.memo.endpoints.set(endpoint, view);
    }
    return view;
  }

  get subnetId(): string {
    return this.subnet.SubnetId as string;
  }

  add(
    kind: HopKind,
    status: HopStatus,
    resourceId: string,
    text: string | (() => string),
    owner?: string,
    facts?: Record<string, string | number>,
  ): HopStatus {
    if (status === "ok" && !this.okHops) return status;
    const hop = new Hop(kind, status, resourceId, text);
    if (owner) hop.owner = owner;
    if (facts) hop.facts = facts;
    this.hops.push(hop);
    return status;
  }

  /** Notes each section the check read that the snapshot lacks. */
  assumeMissing(...sections: SectionName[]): void {
    for (const section of sections) {
      if (!this.index.has(section)) this.memo.assumed.add(section);
    }
  }

  /**
   * Returns the ephemeral port ranges the subnet's workloads use, to which their replies return:
   * the Linux, Windows and Lambda ranges of the platforms the subnet hosts.
   */
  clientReplyPorts(): ReplyPorts {
    return this.view.clientReplyPorts();
  }

  /** Returns the subnet's associated IPv6 prefixes, the sources of its clients' traffic. */
  clientBlocks(): Cidr[] {
    return this.view.clientBlocks();
  }

  /**
   * Returns the subnet's first IPv6 prefix, which network ACLs see as the clients' source, or adds
   * an unknown network ACL hop when the snapshot lacks it.
   */
  clientSource(): Cidr | undefined {
    const source = this.clientBlocks()[0];
    if (!source) {
      this.add(
        "network-acl",
        "unknown",
        this.subnetId,
        `the IPv6 prefix of ${this.subnetId} is not in the snapshot`,
        "nacl-blocks-nat64",
      );
    }
    return source;
  }
}

/** Returns the network ACL of a subnet: its association, else the VPC's default ACL. */
function aclOf(index: SnapshotIndex, subnet: Subnet): NetworkAcl | undefined {
  return (
    index.networkAclOf(subnet.SubnetId as string) ?? index.defaultNetworkAcl(subnet.VpcId ?? "")
  );
}
