/** Lookups the rules need over one snapshot, built once per lint run. */
import type {
  DhcpOptions,
  EgressOnlyInternetGateway,
  Instance,
  InternetGateway,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  ServiceDetail,
  Subnet,
  SubnetIpv6CidrBlockAssociation,
  Tag,
  Vpc,
  VpcEndpoint,
} from "@aws-sdk/client-ec2";
import type { InstanceInformation } from "@aws-sdk/client-ssm";
import { parseCidr, type Cidr } from "../net/cidr.js";
import { PrefixSet } from "../net/prefix-set.js";
import type { ResourceRef } from "../engine/types.js";
import type {
  HostedZoneAssociation,
  ManagedPrefixList,
  ResolverRule,
  ResolverRuleAssociation,
  SectionName,
  Snapshot,
  VpcAttributes,
} from "../snapshot/types.js";
import { failedSections } from "../snapshot/sections.js";
import type { GatewayKind } from "./gateways.js";
import { routeParts, TableRoutes, type RouteLookup, type RoutePart } from "./routes.js";
import { groupBy, indexBy, innerMap, isLiveEndpoint, isLiveInstance, lower } from "./util.js";

/** Endpoint types that serve one endpoint service, which ServiceName names. */
const SERVICE_ENDPOINT_TYPES = new Set(["interface", "gateway"]);

export type Tristate = boolean | undefined;

/** The platforms a subnet's workloads run, which pick ephemeral ports from different ranges. */
/** A subnet's workloads as one reading of its interfaces or instances finds them. */
interface SubnetWorkloads {
  groupIds: string[][] | undefined;
  platforms: WorkloadPlatforms;
  hosts: Tristate;
  /** The same facts for the interfaces of instances alone, which Session Manager serves. */
  instances: { groupIds: string[][] | undefined; platforms: WorkloadPlatforms };
}

/**
 * The workloads a check speaks for: all of a subnet's workloads, or only its instances, the sole
 * workloads that Session Manager reaches.
 */
export type WorkloadAudience = "workloads" | "instances";

export interface WorkloadPlatforms {
  /** The first Windows instance found, if any. */
  windows: Instance | undefined;
  /** The first interface of a Lambda function found, if any. */
  lambda: NetworkInterface | undefined;
  /** Linux and other instances, and other interfaces of no instance, such as containers'. */
  other: boolean;
}

/**
 * Interface types that belong to AWS infrastructure rather than to workloads, from the
 * DescribeNetworkInterfaces `interface-type` values.
 */
const INFRASTRUCTURE_INTERFACES = new Set(
  [
    "nat_gateway",
    "vpc_endpoint",
    "gateway_load_balancer",
    "gateway_load_balancer_endpoint",
    "network_load_balancer",
    "load_balancer",
    "transit_gateway",
    "api_gateway_managed",
    "aws_codestar_connections_managed",
    "global_accelerator_managed",
    "iot_rules_managed",
    "quicksight",
  ].map(interfaceTypeKey),
);

/** Requesters whose interfaces serve load balancers and databases, not code that calls AWS. */
const INFRASTRUCTURE_REQUESTERS = new Set(["amazon-elb", "amazon-rds"]);

/**
 * The source of a snapshot: collected from AWS or read from snapshot files, or built from a
 * CloudFormation template or a Terraform plan, which define no running resources.
 */
export type InputOrigin = "snapshot" | "template" | "plan";

export class SnapshotIndex {
  readonly accountId: string | undefined;
  readonly region: string | undefined;

  /** Sections whose collection call failed, with the operation and error code. */
  private readonly failed: Map<SectionName, string>;
  private readonly subnetsById: Map<string, Subnet>;
  private readonly subnetsByVpc: Map<string, Subnet[]>;
  private readonly tablesById: Map<string, RouteTable>;
  private readonly tableBySubnet = new Map<string, RouteTable>();
  private readonly mainTableByVpc = new Map<string, RouteTable>();
  private readonly prefixLists: Map<string, ManagedPrefixList>;
  private readonly routeCache = new Map<string, TableRoutes>();
  /** Each prefix list's parsed entries, or null when they were not collected. */
  private readonly entrySets = new Map<string, PrefixSet | null>();
  private readonly natsById: Map<string, NatGateway>;
  private readonly endpointsByVpc: Map<string, VpcEndpoint[]>;
  /** The first live endpoint of each VPC that lacks a ServiceName, or null when none does. */
  private readonly unnamedEndpointByVpc = new Map<string, VpcEndpoint | null>();
  private readonly serviceDetails: Map<string, ServiceDetail>;
  private readonly groupsById: Map<string, SecurityGroup>;
  private readonly aclBySubnet = new Map<string, NetworkAcl>();
  private readonly defaultAclByVpc = new Map<string, NetworkAcl>();
  private readonly vpcsById: Map<string, Vpc>;
  private readonly dhcpById: Map<string, DhcpOptions>;
  private readonly attributesByVpc: Map<string, VpcAttributes>;
  private readonly liveInstances: Instance[];
  private readonly instancesBySubnet: Map<string, Instance[]>;
  private readonly interfacesBySubnet: Map<string, NetworkInterface[]>;
  private readonly ssmByInstance: Map<string, InstanceInformation>;
  private readonly zonesByVpc: Map<string, HostedZoneAssociation[]>;
  private readonly resolverRulesById: Map<string, ResolverRule>;
  private readonly ruleAssociationsByVpc: Map<string, ResolverRuleAssociation[]>;
  /** The workloads of each subnet read so far, read from its interfaces or instances once. */
  private readonly workloadsBySubnet = new Map<string, SubnetWorkloads>();
  private readonly groupSets = new Map<string, string[]>();
  private readonly singleGroupSets = new Map<string, string[]>();
  private readonly lookups = new Map<RouteTable, Map<Cidr, RouteLookup>>();
  private readonly partsByLookup = new WeakMap<RouteLookup, readonly RoutePart[]>();
  private readonly blocksBySubnet = new Map<Subnet, Cidr[]>();
  private interfacesById: Map<string, NetworkInterface> | undefined;
  private instancesById: Map<string, Instance> | undefined;
  /** The interfaces that NAT gateways and endpoints list, built on first use. */
  private serviceInterfaceIds: Set<string> | undefined;
  private endpointsById: Map<string, VpcEndpoint> | undefined;
  private natsBySubnet: Map<string, NatGateway[]> | undefined;
  private aclsById: Map<string, NetworkAcl> | undefined;
  private internetGatewaysById: Map<string, InternetGateway> | undefined;
  private egressOnlyGatewaysById: Map<string, EgressOnlyInternetGateway> | undefined;

  constructor(
    readonly snapshot: Snapshot,
    readonly origin: InputOrigin = "snapshot",
  ) {
    this.accountId = snapshot.Source?.AccountId ?? inferAccount(snapshot);
    this.region = snapshotRegion(snapshot);
    this.failed = failedSections(snapshot);
    const subnets = snapshot.Subnets ?? [];
    this.subnetsById = indexBy(subnets, (subnet) => subnet.SubnetId);
    this.subnetsByVpc = groupBy(subnets, (subnet) => subnet.VpcId);
    this.tablesById = indexBy(snapshot.RouteTables ?? [], (table) => table.RouteTableId);
    this.indexAssociations();
    this.prefixLists = indexBy(snapshot.ManagedPrefixLists ?? [], (list) => list.PrefixListId);
    this.natsById = indexBy(snapshot.NatGateways ?? [], (nat) => nat.NatGatewayId);
    this.endpointsByVpc = groupBy(snapshot.VpcEndpoints ?? [], (endpoint) => endpoint.VpcId);
    this.serviceDetails = indexBy(snapshot.ServiceDetails ?? [], (detail) => detail.ServiceName);
    this.groupsById = indexBy(snapshot.SecurityGroups ?? [], (group) => group.GroupId);
    this.vpcsById = indexBy(snapshot.Vpcs ?? [], (vpc) => vpc.VpcId);
    for (const acl of snapshot.NetworkAcls ?? []) {
      if (acl.IsDefault && acl.VpcId && !this.defaultAclByVpc.has(acl.VpcId)) {
        this.defaultAclByVpc.set(acl.VpcId, acl);
      }
      for (const association of acl.Associations ?? []) {
        if (association.SubnetId) this.aclBySubnet.set(association.SubnetId, acl);
      }
    }
    this.dhcpById = indexBy(snapshot.DhcpOptions ?? [], (options) => options.DhcpOptionsId);
    this.attributesByVpc = indexBy(snapshot.VpcAttributes ?? [], (item) => item.VpcId);
    this.liveInstances = (snapshot.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .filter(isLiveInstance);
    this.instancesBySubnet = groupBy(this.liveInstances, (instance) => instance.SubnetId);
    this.interfacesBySubnet = groupBy(snapshot.NetworkInterfaces ?? [], (eni) => eni.SubnetId);
    this.ssmByInstance = indexBy(snapshot.InstanceInformationList ?? [], (info) => info.InstanceId);
    this.zonesByVpc = groupBy(snapshot.HostedZones ?? [], (zone) => zone.VpcId);
    this.resolverRulesById = indexBy(snapshot.ResolverRules ?? [], (rule) => rule.Id);
    this.ruleAssociationsByVpc = groupBy(
      snapshot.ResolverRuleAssociations ?? [],
      (association) => association.VPCId,
    );
  }

  /**
   * Tells whether a section was collected whole. An absent section is unknown, not empty. So is a
   * section whose call `Errors` lists as failed, because merged files may carry items of other VPCs.
   */
  has(section: SectionName): boolean {
    return this.snapshot[section] !== undefined && !this.failed.has(section);
  }

  /**
   * Returns the failed call and its error code, such as "DescribeSubnets failed with
   * AccessDenied", when `Errors` lists the section's collection call, else undefined.
   */
  failure(section: SectionName): string | undefined {
    return this.failed.get(section);
  }

  /**
   * Returns why the snapshot lacks the sections, as a clause: "X was not collected", "DescribeX
   * failed with Code" when `Errors` lists the call, or for a template or plan "the template
   * defines nothing for X".
   */
  absent(...sections: SectionName[]): string {
    if (this.origin !== "snapshot") {
      return `the ${this.origin} defines nothing for ${sections.join(" or ")}`;
    }
    const failures = sections.flatMap((section) => this.failed.get(section) ?? []);
    const missing = sections.filter((section) => !this.failed.has(section));
    if (missing.length === 1) failures.push(`${missing[0]} was not collected`);
    if (missing.length > 1) failures.push(`neither ${missing.join(" nor ")} was collected`);
    return failures.join(" and ");
  }

  vpcs(): Vpc[] {
    return this.snapshot.Vpcs ?? [];
  }

  /** Returns the ids of every VPC the snapshot mentions, from any section. */
  vpcIds(): string[] {
    const ids = new Set<string>();
    for (const vpc of this.vpcs()) if (vpc.VpcId) ids.add(vpc.VpcId);
    for (const id of this.subnetsByVpc.keys()) ids.add(id);
    for (const id of this.endpointsByVpc.keys()) ids.add(id);
    return [...ids].sort();
  }

  vpc(vpcId: string): Vpc | undefined {
    return this.vpcsById.get(vpcId);
  }

  subnet(subnetId: string): Subnet | undefined {
    return this.subnetsById.get(subnetId);
  }

  subnets(): Subnet[] {
    return this.snapshot.Subnets ?? [];
  }

  subnetsOf(vpcId: string): Subnet[] {
    return this.subnetsByVpc.get(vpcId) ?? [];
  }

  /**
   * Returns the ids of subnets that host workloads, by the section hostsWorkloads reads, but are
   * missing from Subnets although their VPC has subnets there: the Subnets output is incomplete.
   */
  missingWorkloadSubnets(): string[] {
    if (!this.has("Subnets")) return [];
    const interfaces = this.has("NetworkInterfaces");
    const grouped: Map<string, (NetworkInterface | Instance)[]> = interfaces
      ? this.interfacesBySubnet
      : this.instancesBySubnet;
    const counts = (item: NetworkInterface | Instance) => {
      if (!item.VpcId || !this.subnetsByVpc.has(item.VpcId)) return false;
      return !interfaces || this.isWorkload(item as NetworkInterface);
    };
    // Only the workloads of subnets missing from Subnets are read.
    const missing: string[] = [];
    for (const [subnetId, items] of grouped) {
      if (subnetId && !this.subnetsById.has(subnetId) && items.some(counts)) missing.push(subnetId);
    }
    return missing.sort();
  }

  /** Returns the subnet's explicitly associated route table, else its VPC's main route table. */
  routeTableOf(subnet: Subnet): { table: RouteTable; explicit: boolean } | undefined {
    const explicit = subnet.SubnetId ? this.tableBySubnet.get(subnet.SubnetId) : undefined;
    if (explicit) return { table: explicit, explicit: true };
    const main = subnet.VpcId ? this.mainTableByVpc.get(subnet.VpcId) : undefined;
    return main ? { table: main, explicit: false } : undefined;
  }

  routeTable(routeTableId: string): RouteTable | undefined {
    return this.tablesById.get(routeTableId);
  }

  /** Returns the routes of a table, with prefix-list routes over their lists' entries. */
  routesOf(table: RouteTable): TableRoutes {
    const key = table.RouteTableId ?? "";
    let routes = this.routeCache.get(key);
    if (!routes) {
      routes = new TableRoutes(table, (listId) => this.prefixListEntries(listId));
      this.routeCache.set(key, routes);
    }
    return routes;
  }

  /**
   * Finds the route that wins for a destination prefix in a route table. Results are kept per
   * table and parsed prefix, since every subnet of a table looks up the same destinations.
   */
  lookupRoute(table: RouteTable, destination: Cidr): RouteLookup {
    const byDestination = innerMap(this.lookups, table);
    let lookup = byDestination.get(destination);
    if (!lookup) {
      lookup = this.findRoute(table, destination);
      byDestination.set(destination, lookup);
    }
    return lookup;
  }

  /**
   * Splits a destination prefix into the ranges that one route of the table wins for, kept with
   * the look-up of the same table and destination. The prefix lists of that look-up apply too.
   */
  lookupRouteParts(table: RouteTable, destination: Cidr): readonly RoutePart[] {
    const lookup = this.lookupRoute(table, destination);
    let parts = this.partsByLookup.get(lookup);
    if (!parts) {
      parts = routeParts(this.routesOf(table), destination, lookup.route);
      this.partsByLookup.set(lookup, parts);
    }
    return parts;
  }

  private findRoute(table: RouteTable, destination: Cidr): RouteLookup {
    const routes = this.routesOf(table);
    const route = routes.longestMatch(destination);
    // A list of the other address family cannot match, even when its entries are unknown.
    const family = destination.family === 4 ? "ipv4" : "ipv6";
    const relevant = routes.unresolved.filter((listId) => {
      const declared = lower(this.prefixLists.get(listId)?.AddressFamily);
      return declared === "" || declared === family;
    });
    return route ? { route, unresolvedPrefixLists: relevant } : { unresolvedPrefixLists: relevant };
  }

  prefixList(prefixListId: string): ManagedPrefixList | undefined {
    return this.prefixLists.get(prefixListId);
  }

  /**
   * Returns a prefix list's entries parsed and indexed once, for every route table and security
   * group rule that names the list. Entries that are not prefixes are left out. Returns
   * undefined when the list or its entries were not collected.
   */
  prefixListEntries(prefixListId: string): PrefixSet | undefined {
    let entries = this.entrySets.get(prefixListId);
    if (entries === undefined) {
      const listed = this.prefixLists.get(prefixListId)?.Entries;
      entries = listed
        ? new PrefixSet(
            listed.flatMap((entry) => (entry.Cidr ? parseCidr(entry.Cidr) : undefined) ?? []),
          )
        : null;
      this.entrySets.set(prefixListId, entries);
    }
    return entries ?? undefined;
  }

  natGateway(natGatewayId: string): NatGateway | undefined {
    return this.natsById.get(natGatewayId);
  }

  natGateways(): NatGateway[] {
    return this.snapshot.NatGateways ?? [];
  }

  /** Returns the NAT gateways in a subnet, in snapshot order, grouping them on first use. */
  natGatewaysIn(subnetId: string): NatGateway[] {
    this.natsBySubnet ??= groupBy(this.natGateways(), (nat) => nat.SubnetId);
    return this.natsBySubnet.get(subnetId) ?? [];
  }

  /** Returns an internet gateway or egress-only internet gateway by id, indexing them on first use. */
  gateway(
    kind: GatewayKind,
    gatewayId: string,
  ): InternetGateway | EgressOnlyInternetGateway | undefined {
    if (kind === "internet-gateway") {
      this.internetGatewaysById ??= indexBy(
        this.snapshot.InternetGateways ?? [],
        (gateway) => gateway.InternetGatewayId,
      );
      return this.internetGatewaysById.get(gatewayId);
    }
    this.egressOnlyGatewaysById ??= indexBy(
      this.snapshot.EgressOnlyInternetGateways ?? [],
      (gateway) => gateway.EgressOnlyInternetGatewayId,
    );
    return this.egressOnlyGatewaysById.get(gatewayId);
  }

  endpointsOf(vpcId: string): VpcEndpoint[] {
    return this.endpointsByVpc.get(vpcId) ?? [];
  }

  /**
   * Returns the owner of a VPC that another account shares with the collecting account through
   * AWS RAM, or undefined when the collecting account owns it or either account is unknown. A
   * participant account cannot describe the NAT gateways or VPC endpoints of the owner.
   */
  sharedVpcOwner(vpcId: string): string | undefined {
    const owner = this.vpc(vpcId)?.OwnerId;
    return owner && this.accountId && owner !== this.accountId ? owner : undefined;
  }

  /**
   * Returns why the VPC endpoints of a VPC are unknown, or undefined when they are known. They are
   * unknown when VpcEndpoints was not collected, or lists none for a VPC that another account
   * shares. They are also unknown when a live interface or gateway endpoint lacks its ServiceName,
   * as in a template or plan whose service or endpoint type is known only after deployment.
   */
  endpointsUnknown(vpcId: string): string | undefined {
    if (!this.has("VpcEndpoints")) return this.absent("VpcEndpoints");
    const endpoints = this.endpointsByVpc.get(vpcId);
    if (endpoints) {
      // Every path of every subnet in the VPC calls this, so the endpoints are read once.
      let unnamed = this.unnamedEndpointByVpc.get(vpcId);
      if (unnamed === undefined) {
        unnamed = endpoints.find(isUnnamedServiceEndpoint) ?? null;
        this.unnamedEndpointByVpc.set(vpcId, unnamed);
      }
      return unnamed
        ? `the ServiceName of endpoint ${unnamed.VpcEndpointId} is not in the snapshot, so it ` +
            "may serve any service"
        : undefined;
    }
    const owner = this.sharedVpcOwner(vpcId);
    return owner
      ? `VPC ${vpcId} belongs to account ${owner}, whose VPC endpoints account ${this.accountId} cannot describe`
      : undefined;
  }

  /** Returns the subnet's associated IPv6 prefixes as ipv6Blocks does, computed once per subnet. */
  ipv6BlocksOf(subnet: Subnet): Cidr[] {
    let blocks = this.blocksBySubnet.get(subnet);
    if (!blocks) {
      blocks = ipv6Blocks(subnet);
      this.blocksBySubnet.set(subnet, blocks);
    }
    return blocks;
  }

  endpoints(): VpcEndpoint[] {
    return this.snapshot.VpcEndpoints ?? [];
  }

  /** Returns a VPC endpoint by id, indexing them on first use. */
  endpoint(endpointId: string): VpcEndpoint | undefined {
    this.endpointsById ??= indexBy(this.endpoints(), (endpoint) => endpoint.VpcEndpointId);
    return this.endpointsById.get(endpointId);
  }

  /** Returns a network interface by id, indexing them on first use. */
  networkInterface(interfaceId: string): NetworkInterface | undefined {
    this.interfacesById ??= indexBy(
      this.snapshot.NetworkInterfaces ?? [],
      (eni) => eni.NetworkInterfaceId,
    );
    return this.interfacesById.get(interfaceId);
  }

  serviceDetail(serviceName: string): ServiceDetail | undefined {
    return this.serviceDetails.get(serviceName);
  }

  securityGroup(groupId: string): SecurityGroup | undefined {
    return this.groupsById.get(groupId);
  }

  /** Returns a network ACL by id, indexing them on first use. */
  networkAcl(aclId: string): NetworkAcl | undefined {
    this.aclsById ??= indexBy(this.snapshot.NetworkAcls ?? [], (acl) => acl.NetworkAclId);
    return this.aclsById.get(aclId);
  }

  networkAclOf(subnetId: string): NetworkAcl | undefined {
    return this.aclBySubnet.get(subnetId);
  }

  /** Returns the VPC's default network ACL, which covers subnets without an association. */
  defaultNetworkAcl(vpcId: string): NetworkAcl | undefined {
    return this.defaultAclByVpc.get(vpcId);
  }

  /** Returns the interfaces of a subnet, or undefined when interfaces were not collected. */
  interfacesIn(subnetId: string): NetworkInterface[] | undefined {
    if (!this.has("NetworkInterfaces")) return undefined;
    return this.interfacesBySubnet.get(subnetId) ?? [];
  }

  /**
   * Returns the distinct sets of security group ids on a subnet's workloads, or on its instances
   * alone for the audience `instances`. They come from the interfaces, else from the instances,
   * and are undefined when neither section was collected.
   */
  workloadGroupIds(
    subnetId: string,
    audience: WorkloadAudience = "workloads",
  ): readonly (readonly string[])[] | undefined {
    const workloads = this.workloadsOf(subnetId);
    return audience === "instances" ? workloads.instances.groupIds : workloads.groupIds;
  }

  /**
   * Reads a subnet's workloads once for workloadGroupIds, workloadPlatforms and hostsWorkloads:
   * from its interfaces when NetworkInterfaces was collected, else from its instances.
   */
  private workloadsOf(subnetId: string): SubnetWorkloads {
    let workloads = this.workloadsBySubnet.get(subnetId);
    if (workloads) return workloads;
    const sets: string[][] = [];
    const instanceSets: string[][] = [];
    let windows: Instance | undefined;
    let lambda: NetworkInterface | undefined;
    let other = false;
    let otherInstance = false;
    let hosts: Tristate;
    if (this.has("NetworkInterfaces")) {
      hosts = false;
      for (const eni of this.interfacesBySubnet.get(subnetId) ?? []) {
        if (!this.isWorkload(eni)) continue;
        hosts = true;
        const ids = this.internGroupSet((eni.Groups ?? []).map((group) => group.GroupId as string));
        sets.push(ids);
        if (lower(eni.InterfaceType) === "lambda") {
          lambda ??= eni;
          continue;
        }
        // NOTE: without Reservations an instance's platform is unknown, so it counts as Linux,
        // and so do interfaces of no instance, Windows containers on Fargate among them.
        const instanceId = eni.Attachment?.InstanceId;
        const instance = instanceId ? this.instance(instanceId) : undefined;
        if (instanceId) instanceSets.push(ids);
        if (instance && isWindows(instance)) windows ??= instance;
        else {
          other = true;
          if (instanceId) otherInstance = true;
        }
      }
    } else {
      const instances = this.instancesIn(subnetId);
      hosts = this.has("Reservations") && instances.length > 0 ? true : undefined;
      for (const instance of instances) {
        const ids = (instance.SecurityGroups ?? []).map((group) => group.GroupId as string);
        sets.push(this.internGroupSet(ids));
        if (isWindows(instance)) windows ??= instance;
        else other = true;
      }
      instanceSets.push(...sets);
      otherInstance = other;
    }
    const known = this.has("NetworkInterfaces") || this.has("Reservations");
    workloads = {
      groupIds: known ? [...new Set(sets)] : undefined,
      platforms: { windows, lambda, other },
      hosts,
      instances: {
        groupIds: known ? [...new Set(instanceSets)] : undefined,
        platforms: { windows, lambda: undefined, other: otherInstance },
      },
    };
    this.workloadsBySubnet.set(subnetId, workloads);
    return workloads;
  }

  /**
   * Returns one shared sorted array per distinct set of security group ids, so checks of a set
   * can be kept by the array and reused by every subnet whose workloads use the same groups.
   */
  private internGroupSet(ids: readonly string[]): string[] {
    // Most interfaces carry one group, whose id is its own key.
    const single = ids.length === 1;
    const sorted = single ? (ids as string[]) : [...ids].sort();
    const key = single ? (ids[0] as string) : JSON.stringify(sorted);
    const sets = single ? this.singleGroupSets : this.groupSets;
    let set = sets.get(key);
    if (!set) {
      set = single ? [...sorted] : sorted;
      sets.set(key, set);
    }
    return set;
  }

  /** Route 53 private hosted zones associated with a VPC. */
  hostedZonesOf(vpcId: string): HostedZoneAssociation[] {
    return this.zonesByVpc.get(vpcId) ?? [];
  }

  /**
   * Returns the Resolver rules associated with a VPC, in association order. Unknown and failed
   * rules and associations are left out. `unsettled` names a status that leaves open whether the
   * rule applies, such as an association still CREATING. A missing status counts as settled, as
   * in a snapshot written by hand.
   */
  resolverRulesOf(vpcId: string): { rule: ResolverRule; unsettled?: string }[] {
    const rules: { rule: ResolverRule; unsettled?: string }[] = [];
    for (const association of this.ruleAssociationsByVpc.get(vpcId) ?? []) {
      const rule = this.resolverRulesById.get(association.ResolverRuleId);
      const associationStatus = lower(association.Status);
      const ruleStatus = lower(rule?.Status);
      if (!rule || associationStatus === "failed" || ruleStatus === "failed") continue;
      if (!SETTLED_ASSOCIATION_STATES.has(associationStatus)) {
        rules.push({ rule, unsettled: `associated with status ${association.Status}` });
      } else if (!SETTLED_RULE_STATES.has(ruleStatus)) {
        rules.push({ rule, unsettled: `in status ${rule.Status}` });
      } else rules.push({ rule });
    }
    return rules;
  }

  dhcpOptions(dhcpOptionsId: string): DhcpOptions | undefined {
    return this.dhcpById.get(dhcpOptionsId);
  }

  vpcAttributes(vpcId: string): VpcAttributes | undefined {
    return this.attributesByVpc.get(vpcId);
  }

  /** Returns instances that still exist, in any state but terminated or shutting down. */
  instances(): readonly Instance[] {
    return this.liveInstances;
  }

  /** Returns a subnet's instances that still exist, as instances() does. */
  instancesIn(subnetId: string): readonly Instance[] {
    return this.instancesBySubnet.get(subnetId) ?? [];
  }

  /** Returns an instance that still exists by id, indexing them on first use. */
  instance(instanceId: string): Instance | undefined {
    this.instancesById ??= indexBy(this.liveInstances, (instance) => instance.InstanceId);
    return this.instancesById.get(instanceId);
  }

  /**
   * Tells which platforms the workloads of a subnet run, or its instances alone, from the same
   * section hostsWorkloads reads, computed once per subnet. An interface counts as Windows when it
   * is attached to a Windows instance, wherever that instance's primary interface is.
   */
  workloadPlatforms(subnetId: string, audience: WorkloadAudience = "workloads"): WorkloadPlatforms {
    const workloads = this.workloadsOf(subnetId);
    return audience === "instances" ? workloads.instances.platforms : workloads.platforms;
  }

  instanceInformation(instanceId: string): InstanceInformation | undefined {
    return this.ssmByInstance.get(instanceId);
  }

  /**
   * Tells whether a subnet hosts workloads: network interfaces of instances, Lambda functions,
   * containers and the like. Falls back to instances when interfaces were not collected. Then a
   * subnet without instances is unknown, because its other workloads are only in
   * NetworkInterfaces.
   */
  hostsWorkloads(subnetId: string): Tristate {
    return this.workloadsOf(subnetId).hosts;
  }

  /**
   * Tells whether an interface is a workload's: not of an infrastructure type or requester, and
   * not one that a NAT gateway or an endpoint lists. AWS marks those with their interface type,
   * but emulators and hand-written snapshots may leave it out.
   */
  private isWorkload(eni: NetworkInterface): boolean {
    if (!isWorkloadInterface(eni)) return false;
    if (!this.serviceInterfaceIds) {
      const ids = new Set<string>();
      for (const nat of this.snapshot.NatGateways ?? []) {
        for (const address of nat.NatGatewayAddresses ?? []) {
          if (address.NetworkInterfaceId) ids.add(address.NetworkInterfaceId);
        }
      }
      for (const endpoint of this.snapshot.VpcEndpoints ?? []) {
        for (const id of endpoint.NetworkInterfaceIds ?? []) ids.add(id);
      }
      this.serviceInterfaceIds = ids;
    }
    return !this.serviceInterfaceIds.has(eni.NetworkInterfaceId ?? "");
  }

  /** Builds a resource reference with the account, region, Name tag and ARN where known. */
  ref(type: ResourceType, id: string, vpcId?: string, tags?: Tag[]): ResourceRef {
    const ref: ResourceRef = { type, id };
    const name = tags?.find((tag) => tag.Key === "Name")?.Value;
    if (name) ref.name = name;
    if (vpcId) ref.vpcId = vpcId;
    if (this.accountId) ref.accountId = this.accountId;
    if (this.region) ref.region = this.region;
    const arn = this.arnOf(type, id);
    if (arn) ref.arn = arn;
    return ref;
  }

  /**
   * Returns the account that owns a resource when the snapshot records it. In a VPC shared through
   * AWS RAM, the VPC, its subnets and their route tables belong to the owner account, not to the
   * account that collected the snapshot.
   */
  private ownerOf(type: ResourceType, id: string): string | undefined {
    switch (type) {
      case "vpc":
        return this.vpc(id)?.OwnerId;
      case "subnet":
        return this.subnet(id)?.OwnerId;
      case "route-table":
        return this.routeTable(id)?.OwnerId;
      case "security-group":
        return this.securityGroup(id)?.OwnerId;
      case "dhcp-options":
        return this.dhcpOptions(id)?.OwnerId;
      default:
        return undefined;
    }
  }

  private arnOf(type: ResourceType, id: string): string | undefined {
    if (type === "subnet" && this.subnet(id)?.SubnetArn) return this.subnet(id)?.SubnetArn;
    const account = this.ownerOf(type, id) ?? this.accountId;
    if (!account || !this.region) return undefined;
    const partition = this.region.startsWith("cn-")
      ? "aws-cn"
      : this.region.startsWith("us-gov-")
        ? "aws-us-gov"
        : "aws";
    const service = type === "ssm-managed-instance" ? "ssm" : "ec2";
    const resource = ARN_RESOURCE[type];
    if (!resource) return undefined;
    return `arn:${partition}:${service}:${this.region}:${account}:${resource}/${id}`;
  }

  private indexAssociations(): void {
    for (const table of this.snapshot.RouteTables ?? []) {
      for (const association of table.Associations ?? []) {
        // An association that ended or failed no longer routes the subnet.
        if (ENDED_ASSOCIATION_STATES.has(lower(association.AssociationState?.State))) continue;
        if (association.SubnetId) this.tableBySubnet.set(association.SubnetId, table);
        if (association.Main && table.VpcId) this.mainTableByVpc.set(table.VpcId, table);
      }
    }
  }
}

const ENDED_ASSOCIATION_STATES = new Set(["disassociated", "failed"]);
/** Resolver rule and association statuses in which a rule applies; "" is a missing status. */
const SETTLED_ASSOCIATION_STATES = new Set(["", "complete"]);
const SETTLED_RULE_STATES = new Set(["", "complete", "updating"]);

export type ResourceType =
  | "vpc"
  | "subnet"
  | "route-table"
  | "nat-gateway"
  | "internet-gateway"
  | "egress-only-internet-gateway"
  | "vpc-endpoint"
  | "security-group"
  | "network-acl"
  | "dhcp-options"
  | "instance"
  | "ssm-managed-instance"
  | "snapshot";

const ARN_RESOURCE: Partial<Record<ResourceType, string>> = {
  vpc: "vpc",
  subnet: "subnet",
  "route-table": "route-table",
  "nat-gateway": "natgateway",
  "internet-gateway": "internet-gateway",
  "egress-only-internet-gateway": "egress-only-internet-gateway",
  "vpc-endpoint": "vpc-endpoint",
  "security-group": "security-group",
  "network-acl": "network-acl",
  "dhcp-options": "dhcp-options",
  instance: "instance",
};

/**
 * Returns an interface type without case or separators: the EC2 API reference spells the NAT
 * gateway's type `natGateway` while DescribeNetworkInterfaces returns `nat_gateway`.
 */
function interfaceTypeKey(type: string | undefined): string {
  return lower(type).replace(/[_-]/g, "");
}

/** Infrastructure verdicts by interface type as written, since a VPC uses only a few types. */
const INFRASTRUCTURE_TYPES = new Map<string | undefined, boolean>();

function isInfrastructureType(type: string | undefined): boolean {
  let infrastructure = INFRASTRUCTURE_TYPES.get(type);
  if (infrastructure === undefined) {
    infrastructure = INFRASTRUCTURE_INTERFACES.has(interfaceTypeKey(type));
    if (INFRASTRUCTURE_TYPES.size < 1000) INFRASTRUCTURE_TYPES.set(type, infrastructure);
  }
  return infrastructure;
}

function isWorkloadInterface(eni: NetworkInterface): boolean {
  if (isInfrastructureType(eni.InterfaceType)) return false;
  return !(eni.RequesterManaged && INFRASTRUCTURE_REQUESTERS.has(lower(eni.RequesterId)));
}

/**
 * Tells whether an instance runs Windows. DescribeInstances sets `Platform` to `windows` for
 * Windows instances and leaves it out otherwise. `PlatformDetails`, the billing platform of the
 * AMI, starts with `Windows` for them (`Windows`, `Windows BYOL`, `Windows with SQL Server Web`).
 */
export function isWindows(instance: Instance): boolean {
  return (
    lower(instance.Platform) === "windows" || lower(instance.PlatformDetails).startsWith("windows")
  );
}

/** Tells whether a subnet has no IPv4 range: `Ipv6Native`, or an IPv6 block and no IPv4 block. */
export function isIpv6Only(subnet: Subnet): boolean {
  if (subnet.Ipv6Native !== undefined) return subnet.Ipv6Native;
  return !subnet.CidrBlock && hasIpv6Block(subnet);
}

/** Tells whether a subnet has an IPv4 range. */
export function hasIpv4(subnet: Subnet): boolean {
  return Boolean(subnet.CidrBlock) && subnet.Ipv6Native !== true;
}

/** Returns a subnet's associated IPv6 prefixes. */
export function ipv6Blocks(subnet: Subnet): Cidr[] {
  const blocks: Cidr[] = [];
  for (const association of subnet.Ipv6CidrBlockAssociationSet ?? []) {
    const cidr = associatedIpv6(association);
    if (cidr) blocks.push(cidr);
  }
  return blocks;
}

/** Tells whether a subnet has an associated IPv6 prefix, as ipv6Blocks reads them. */
function hasIpv6Block(subnet: Subnet): boolean {
  return (subnet.Ipv6CidrBlockAssociationSet ?? []).some((association) =>
    Boolean(associatedIpv6(association)),
  );
}

function associatedIpv6(association: SubnetIpv6CidrBlockAssociation): Cidr | undefined {
  if (/disassociat|fail/i.test(association.Ipv6CidrBlockState?.State ?? "")) return undefined;
  return association.Ipv6CidrBlock ? parseCidr(association.Ipv6CidrBlock) : undefined;
}

/** Returns the short service name of an endpoint service: `com.amazonaws.eu-west-1.ssm` is `ssm`. */
export function shortServiceName(serviceName: string | undefined): string {
  if (!serviceName) return "";
  const match = /^com\.amazonaws\.(?:[a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$/.exec(serviceName);
  return match ? (match[1] as string) : serviceName;
}

/**
 * Returns the Region of a snapshot, which its findings name: `Source.Region`, else the Region of
 * its subnets' Availability Zones, as in a directory of AWS CLI outputs.
 */
export function snapshotRegion(snapshot: Snapshot): string | undefined {
  return snapshot.Source?.Region ?? inferRegion(snapshot);
}

function inferRegion(snapshot: Snapshot): string | undefined {
  const zone = snapshot.Subnets?.find((subnet) => subnet.AvailabilityZone)?.AvailabilityZone;
  if (zone && /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(zone)) return zone.slice(0, -1);
  return undefined;
}

/**
 * Infers the collecting account from the owners in the snapshot. DescribeInstances lists only
 * the caller's own reservations, so their owner is the caller even in a shared VPC, whose VPC
 * and subnets another account owns. Without reservations, one owner of the VPCs and subnets is.
 */
function inferAccount(snapshot: Snapshot): string | undefined {
  const single = (owners: (string | undefined)[]): string | undefined => {
    const valid = new Set(owners.filter((owner) => owner !== undefined && /^\d{12}$/.test(owner)));
    return valid.size === 1 ? [...valid][0] : undefined;
  };
  return (
    single((snapshot.Reservations ?? []).map((reservation) => reservation.OwnerId)) ??
    single([...(snapshot.Vpcs ?? []), ...(snapshot.Subnets ?? [])].map((item) => item.OwnerId))
  );
}

/** Tells whether an endpoint is a live interface or gateway endpoint without its ServiceName. */
function isUnnamedServiceEndpoint(endpoint: VpcEndpoint): boolean {
  return (
    !endpoint.ServiceName &&
    SERVICE_ENDPOINT_TYPES.has(lower(endpoint.VpcEndpointType)) &&
    isLiveEndpoint(endpoint)
  );
}
