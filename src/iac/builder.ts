/**
 * Assembles a snapshot from infrastructure-as-code resources. Mappers add resources and links in
 * any order. Then `build` adds the resources AWS creates with every VPC: the main route table,
 * local routes, the default network ACL and security group, and the default DHCP options.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import { parseCidr } from "../net/cidr.js";
import type { ManagedPrefixList, Snapshot } from "../snapshot/types.js";
import { SNAPSHOT_VERSION } from "../snapshot/types.js";
import { placeholderId } from "./placeholders.js";

/** A value the input does not determine before deployment, and the stand-in used for it. */
export interface UnresolvedValue {
  /** The snapshot id of the resource whose property it is. */
  resourceId: string;
  /** The template's logical id or the plan's resource address. */
  logicalName: string;
  property: string;
  reason: string;
  /** The stand-in used in the snapshot; absent when the property was left out. */
  placeholder?: string;
}

/** Ids of what AWS creates with a VPC; each defaults to a placeholder derived from the VPC id. */
export interface VpcDefaults {
  mainRouteTableId?: string;
  defaultNetworkAclId?: string;
  defaultSecurityGroupId?: string;
}

interface VpcDraft {
  vpc: EC2.Vpc;
  enableDnsSupport: boolean | undefined;
  enableDnsHostnames: boolean | undefined;
  defaults: Required<VpcDefaults>;
}

type Direction = "ingress" | "egress";

/** The route table association id AWS reports for the main table of a VPC. */
const MAIN = "main";

export class SnapshotBuilder {
  readonly unresolved: UnresolvedValue[] = [];
  readonly warnings: string[] = [];

  private readonly vpcs = new Map<string, VpcDraft>();
  private readonly vpcIpv4 = new Map<string, string[]>();
  private readonly vpcIpv6 = new Map<string, string[]>();
  private readonly dhcpAssociations = new Map<string, string>();
  private readonly subnets = new Map<string, EC2.Subnet>();
  private readonly subnetIpv6 = new Map<string, string[]>();
  private readonly tables = new Map<string, EC2.RouteTable>();
  private readonly routes: { tableId: string; route: EC2.Route }[] = [];
  private readonly tableAssociations: { tableId: string; subnetId: string; id: string }[] = [];
  private readonly mainTables = new Map<string, string>();
  private readonly nats: EC2.NatGateway[] = [];
  /**
   * The NAT gateways with a property that decides where their traffic goes but is known only
   * after deployment, by id, with the names of those properties.
   */
  private readonly unknownNatProperties = new Map<string, string[]>();
  /** Ids of the NAT gateways the input declares, including those it does not create. */
  private readonly declaredNats = new Set<string>();
  /** VPCs whose route tables another stack may change, with the reason. */
  private readonly sharedVpcs = new Map<string, string>();
  private readonly uncertainRouting: { candidates: string[] | "any"; reason: string }[] = [];
  /** `groupId direction` of the security group rules with a CIDR unknown before deployment. */
  private readonly unknownPeers = new Set<string>();
  /** Network ACLs with an entry whose CIDR is unknown before deployment. */
  private readonly unknownAcls = new Set<string>();
  private readonly internetGateways = new Map<string, EC2.InternetGateway>();
  private readonly gatewayAttachments: { gatewayId: string; vpcId: string }[] = [];
  private readonly egressOnlyGateways: EC2.EgressOnlyInternetGateway[] = [];
  private readonly endpoints = new Map<string, EC2.VpcEndpoint>();
  private readonly endpointLinks: {
    endpointId: string;
    subnetId?: string;
    groupId?: string;
    tableId?: string;
    replacesDefaultGroup?: boolean;
  }[] = [];
  /** PrivateDnsEnabled by endpoint id, set by a resource apart from the endpoint. */
  private readonly endpointPrivateDns = new Map<string, boolean | undefined>();
  private readonly groups = new Map<string, { group: EC2.SecurityGroup; defaultEgress: boolean }>();
  private readonly permissions: {
    groupId: string;
    direction: Direction;
    permission: EC2.IpPermission;
  }[] = [];
  private readonly acls = new Map<string, EC2.NetworkAcl>();
  private readonly aclEntries: { aclId: string; entry: EC2.NetworkAclEntry }[] = [];
  private readonly aclAssociations: { aclId: string; subnetId: string; id: string }[] = [];
  private readonly dhcpOptions: EC2.DhcpOptions[] = [];
  private readonly instances: EC2.Instance[] = [];
  private readonly prefixLists: ManagedPrefixList[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string | undefined,
  ) {}

  /** Adds a line for standard error. */
  warn(line: string): void {
    this.warnings.push(line);
  }

  /** Records a value that is unknown before deployment, and returns its placeholder. */
  noteUnresolved(value: UnresolvedValue): string | undefined {
    this.unresolved.push(value);
    return value.placeholder;
  }

  addVpc(
    vpc: EC2.Vpc,
    dns: { support?: boolean; hostnames?: boolean },
    defaults: VpcDefaults = {},
  ): void {
    const vpcId = vpc.VpcId as string;
    this.vpcs.set(vpcId, {
      vpc,
      enableDnsSupport: dns.support,
      enableDnsHostnames: dns.hostnames,
      defaults: { ...implicitVpcIds(vpcId), ...dropUndefined(defaults) },
    });
  }

  /** Returns the ids of the resources AWS creates with a VPC the input defines. */
  vpcDefaults(vpcId: string): Required<VpcDefaults> | undefined {
    return this.vpcs.get(vpcId)?.defaults;
  }

  addVpcCidr(vpcId: string, cidr: string): void {
    const family = parseCidr(cidr)?.family;
    const map = family === 6 ? this.vpcIpv6 : this.vpcIpv4;
    map.set(vpcId, [...(map.get(vpcId) ?? []), cidr]);
  }

  associateDhcpOptions(vpcId: string, dhcpOptionsId: string): void {
    this.dhcpAssociations.set(vpcId, dhcpOptionsId);
  }

  addSubnet(subnet: EC2.Subnet): void {
    this.subnets.set(subnet.SubnetId as string, subnet);
  }

  addSubnetIpv6Cidr(subnetId: string, cidr: string): void {
    this.subnetIpv6.set(subnetId, [...(this.subnetIpv6.get(subnetId) ?? []), cidr]);
  }

  /** Returns the VPC of a subnet the input defines. */
  vpcOfSubnet(subnetId: string | undefined): string | undefined {
    return subnetId ? this.subnets.get(subnetId)?.VpcId : undefined;
  }

  addRouteTable(table: EC2.RouteTable): void {
    this.tables.set(table.RouteTableId as string, table);
  }

  addRoute(tableId: string, route: EC2.Route): void {
    this.routes.push({ tableId, route });
  }

  associateRouteTable(tableId: string, subnetId: string, associationId: string): void {
    this.tableAssociations.push({ tableId, subnetId, id: associationId });
  }

  /** Makes a table the main route table of its VPC in place of the implicit one. */
  setMainRouteTable(vpcId: string, tableId: string): void {
    this.mainTables.set(vpcId, tableId);
  }

  addNatGateway(nat: EC2.NatGateway): void {
    this.nats.push(nat);
  }

  /**
   * Records a NAT gateway property that is known only after deployment and decides where the
   * gateway's traffic goes. A private and a public NAT gateway reach different destinations. A
   * zonal one sends traffic through its subnet's route table, a regional one through its own.
   * The gateway gets no State, so the checks that go through it report unknown, as for a gateway
   * outside the input.
   */
  noteUnknownNatProperty(natGatewayId: string, property: string): void {
    const properties = this.unknownNatProperties.get(natGatewayId);
    if (properties) properties.push(property);
    else this.unknownNatProperties.set(natGatewayId, [property]);
  }

  /**
   * Records the id of a NAT gateway the input declares, whether or not it is created. A route to
   * a declared NAT gateway that is not created names a gateway known not to exist.
   */
  declareNatGateway(natGatewayId: string): void {
    this.declaredNats.add(natGatewayId);
  }

  /**
   * Marks a VPC whose routing another stack may change, such as a nested stack that receives
   * its id. Its route tables are left out of the snapshot, so the checks that read them are
   * reported as skipped instead of judged on part of the routes.
   */
  shareVpc(vpcId: string, reason: string): void {
    if (!this.sharedVpcs.has(vpcId)) this.sharedVpcs.set(vpcId, reason);
  }

  /**
   * Records a route or association that names one of `candidates` (route table or subnet ids),
   * or any resource of the input, without telling which. At build time the VPCs of the
   * candidates are marked as with shareVpc, so their route tables are left out.
   */
  noteUncertainRouting(candidates: string[] | "any", reason: string): void {
    this.uncertainRouting.push({ candidates, reason });
  }

  /**
   * Records a route whose destination is unknown before deployment. Its placeholder prefix
   * matches no real address, but the route may carry or override the traffic that the checks
   * follow. So the VPC of its table is marked as with shareVpc.
   */
  noteUnknownDestination(tableId: string, resourceName: string, property: string): void {
    this.noteUncertainRouting(
      [tableId],
      `route ${resourceName} has a ${property} that is known only after deployment`,
    );
  }

  /** Returns the VPC of a route table the input defines. */
  vpcOfRouteTable(tableId: string): string | undefined {
    return this.tables.get(tableId)?.VpcId;
  }

  addInternetGateway(gateway: EC2.InternetGateway): void {
    this.internetGateways.set(gateway.InternetGatewayId as string, gateway);
  }

  attachInternetGateway(gatewayId: string, vpcId: string): void {
    this.gatewayAttachments.push({ gatewayId, vpcId });
  }

  addEgressOnlyInternetGateway(gateway: EC2.EgressOnlyInternetGateway): void {
    this.egressOnlyGateways.push(gateway);
  }

  addEndpoint(endpoint: EC2.VpcEndpoint): void {
    this.endpoints.set(endpoint.VpcEndpointId as string, endpoint);
  }

  /**
   * Adds a subnet, security group or route table to an endpoint. A group replaces the VPC's
   * default group only with `replacesDefaultGroup`.
   */
  linkEndpoint(
    endpointId: string,
    link: { subnetId?: string; groupId?: string; tableId?: string; replacesDefaultGroup?: boolean },
  ): void {
    this.endpointLinks.push({ endpointId, ...link });
  }

  /**
   * Sets an endpoint's PrivateDnsEnabled from a resource apart from the endpoint, in place of the
   * endpoint's own value. An undefined value is unknown before deployment, so it is left out.
   */
  setEndpointPrivateDns(endpointId: string, enabled: boolean | undefined): void {
    this.endpointPrivateDns.set(endpointId, enabled);
  }

  /**
   * Adds a security group. With `defaultEgress`, the group keeps the rule AWS adds on creation,
   * all traffic to 0.0.0.0/0, beside any egress rule added for it.
   */
  addSecurityGroup(group: EC2.SecurityGroup, defaultEgress: boolean): void {
    this.groups.set(group.GroupId as string, { group, defaultEgress });
  }

  addPermission(groupId: string, direction: Direction, permission: EC2.IpPermission): void {
    this.permissions.push({ groupId, direction, permission });
  }

  /**
   * Records a rule, or a rule's CIDR, known only after deployment. Without it the group would
   * seem to admit less than it may, so the group's rules of that direction are left out and the
   * checks that read them report unknown.
   */
  noteUnknownPeer(groupId: string, direction: Direction): void {
    this.unknownPeers.add(`${groupId} ${direction}`);
  }

  addNetworkAcl(acl: EC2.NetworkAcl): void {
    this.acls.set(acl.NetworkAclId as string, acl);
  }

  addNetworkAclEntry(aclId: string, entry: EC2.NetworkAclEntry): void {
    this.aclEntries.push({ aclId, entry });
  }

  associateNetworkAcl(aclId: string, subnetId: string, associationId: string): void {
    this.aclAssociations.push({ aclId, subnetId, id: associationId });
  }

  addDhcpOptions(options: EC2.DhcpOptions): void {
    this.dhcpOptions.push(options);
  }

  addInstance(instance: EC2.Instance): void {
    this.instances.push(instance);
  }

  addPrefixList(list: ManagedPrefixList): void {
    this.prefixLists.push(list);
  }

  /** Builds the snapshot. Reservations is present only when the input declares instances. */
  build(): Snapshot {
    this.shareUncertainVpcs();
    this.warnSharedVpcs();
    const snapshot: Snapshot = {
      SnapshotVersion: SNAPSHOT_VERSION,
      Source: this.source(),
      Vpcs: this.buildVpcs(),
      VpcAttributes: [...this.vpcs.values()].map((draft) => this.attributesOf(draft)),
      Subnets: this.buildSubnets(),
      RouteTables: this.buildRouteTables(),
      ManagedPrefixLists: this.prefixLists,
      NatGateways: this.buildNats(),
      InternetGateways: this.buildInternetGateways(),
      EgressOnlyInternetGateways: this.buildEgressOnlyGateways(),
      VpcEndpoints: this.buildEndpoints(),
      SecurityGroups: this.buildSecurityGroups(),
      NetworkAcls: this.buildNetworkAcls(),
      DhcpOptions: this.buildDhcpOptions(),
    };
    if (this.instances.length > 0) snapshot.Reservations = this.buildReservations();
    return snapshot;
  }

  private source(): NonNullable<Snapshot["Source"]> {
    const source: NonNullable<Snapshot["Source"]> = { Region: this.region };
    if (this.accountId) source.AccountId = this.accountId;
    source.VpcIds = this.vpcIds();
    return source;
  }

  /**
   * Returns the VPCs the input creates or adds resources to. A VPC named only through an import
   * or a parameter counts too, since findings are reported under it.
   */
  vpcIds(): string[] {
    const ids = new Set(this.vpcs.keys());
    const items: { VpcId?: string | undefined }[] = [
      ...this.subnets.values(),
      ...this.tables.values(),
      ...this.endpoints.values(),
      ...[...this.groups.values()].map((item) => item.group),
      ...this.acls.values(),
      ...this.nats,
    ];
    for (const item of items) if (item.VpcId) ids.add(item.VpcId);
    return [...ids].sort();
  }

  private owned<T extends object>(item: T): T {
    return this.accountId ? { ...item, OwnerId: this.accountId } : item;
  }

  private buildVpcs(): EC2.Vpc[] {
    return [...this.vpcs.entries()].map(([vpcId, draft]) => {
      const vpc: EC2.Vpc = this.owned({ ...draft.vpc, State: "available" });
      const ipv4 = this.vpcIpv4.get(vpcId) ?? [];
      if (!vpc.CidrBlock && ipv4[0]) vpc.CidrBlock = ipv4[0];
      const allIpv4 = [...new Set([vpc.CidrBlock, ...ipv4].filter((c): c is string => Boolean(c)))];
      vpc.CidrBlockAssociationSet = allIpv4.map((cidr) => ({
        AssociationId: placeholderId("vpc-cidr-assoc", `${vpcId}/${cidr}`),
        CidrBlock: cidr,
        CidrBlockState: { State: "associated" },
      }));
      const ipv6 = this.vpcIpv6.get(vpcId) ?? [];
      if (ipv6.length > 0) {
        vpc.Ipv6CidrBlockAssociationSet = ipv6.map((cidr) => ({
          AssociationId: placeholderId("vpc-cidr-assoc", `${vpcId}/${cidr}`),
          Ipv6CidrBlock: cidr,
          Ipv6CidrBlockState: { State: "associated" },
        }));
      }
      vpc.DhcpOptionsId = this.dhcpAssociations.get(vpcId) ?? this.defaultDhcpOptionsId();
      return vpc;
    });
  }

  private attributesOf(draft: VpcDraft): NonNullable<Snapshot["VpcAttributes"]>[number] {
    const attributes: NonNullable<Snapshot["VpcAttributes"]>[number] = {
      VpcId: draft.vpc.VpcId as string,
    };
    if (draft.enableDnsSupport !== undefined)
      attributes.EnableDnsSupport = { Value: draft.enableDnsSupport };
    if (draft.enableDnsHostnames !== undefined) {
      attributes.EnableDnsHostnames = { Value: draft.enableDnsHostnames };
    }
    return attributes;
  }

  private buildSubnets(): EC2.Subnet[] {
    return [...this.subnets.values()].map((original) => {
      const subnet: EC2.Subnet = this.owned({ ...original, State: "available" });
      const extra = this.subnetIpv6.get(subnet.SubnetId as string) ?? [];
      const blocks = [
        ...(subnet.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock as string),
        ...extra,
      ];
      if (blocks.length > 0) {
        subnet.Ipv6CidrBlockAssociationSet = blocks.map((cidr) => ({
          AssociationId: placeholderId("subnet-cidr-assoc", `${subnet.SubnetId}/${cidr}`),
          Ipv6CidrBlock: cidr,
          Ipv6CidrBlockState: { State: "associated" },
        }));
      }
      return subnet;
    });
  }

  /** Returns the local routes AWS puts in every route table of a VPC, one per VPC prefix. */
  private localRoutes(vpcId: string | undefined): EC2.Route[] {
    if (!vpcId || !this.vpcs.has(vpcId)) return [];
    const vpc = this.vpcs.get(vpcId) as VpcDraft;
    const ipv4 = [...new Set([vpc.vpc.CidrBlock, ...(this.vpcIpv4.get(vpcId) ?? [])])];
    const routes: EC2.Route[] = ipv4
      .filter((cidr): cidr is string => Boolean(cidr))
      .map((cidr) => ({
        DestinationCidrBlock: cidr,
        GatewayId: "local",
        Origin: "CreateRouteTable",
        State: "active",
      }));
    for (const cidr of this.vpcIpv6.get(vpcId) ?? []) {
      routes.push({
        DestinationIpv6CidrBlock: cidr,
        GatewayId: "local",
        Origin: "CreateRouteTable",
        State: "active",
      });
    }
    return routes;
  }

  private buildRouteTables(): EC2.RouteTable[] {
    const tables = new Map<string, EC2.RouteTable>();
    for (const [id, table] of this.tables) {
      tables.set(
        id,
        this.owned({ ...table, Routes: this.localRoutes(table.VpcId), Associations: [] }),
      );
    }
    for (const [vpcId, draft] of this.vpcs) {
      const mainId = this.mainTables.get(vpcId) ?? draft.defaults.mainRouteTableId;
      let main = tables.get(mainId);
      if (!main) {
        main = this.owned({
          RouteTableId: mainId,
          VpcId: vpcId,
          Routes: this.localRoutes(vpcId),
          Associations: [],
          Tags: [],
        });
        tables.set(mainId, main);
      }
      main.Associations?.push({
        Main: true,
        RouteTableId: mainId,
        RouteTableAssociationId: placeholderId("rtbassoc", `${vpcId}/${MAIN}`),
        AssociationState: { State: "associated" },
      });
    }
    for (const { tableId, route } of this.routes) {
      const table = tables.get(tableId);
      if (table) table.Routes?.push({ Origin: "CreateRoute", State: "active", ...route });
      else
        this.warnings.push(
          `a route refers to route table ${tableId}, which the input does not define; the route was left out`,
        );
    }
    for (const association of this.tableAssociations) {
      const table = tables.get(association.tableId);
      if (!table) continue;
      table.Associations?.push({
        Main: false,
        RouteTableAssociationId: association.id,
        RouteTableId: association.tableId,
        SubnetId: association.subnetId,
        AssociationState: { State: "associated" },
      });
    }
    return [...tables.values()].filter((table) => !this.isShared(table.VpcId));
  }

  private isShared(vpcId: string | undefined): boolean {
    return vpcId !== undefined && this.sharedVpcs.has(vpcId);
  }

  private shareUncertainVpcs(): void {
    // A subnet associated with a route table the input does not define, such as an imported one,
    // uses routes that are not known. Without this mark it would be judged on the main table.
    for (const { tableId, subnetId } of this.tableAssociations) {
      if (this.definesRouteTable(tableId)) continue;
      const reason = `subnet ${subnetId} is associated with route table ${tableId}, which the input does not define`;
      const vpcId = this.subnets.get(subnetId)?.VpcId;
      if (vpcId === undefined) this.warnings.push(reason);
      else this.shareVpc(vpcId, reason);
    }
    for (const { candidates, reason } of this.uncertainRouting) {
      const vpcIds =
        candidates === "any"
          ? [...this.vpcs.keys()]
          : candidates.map((id) => this.tables.get(id)?.VpcId ?? this.subnets.get(id)?.VpcId);
      for (const vpcId of vpcIds) if (vpcId) this.shareVpc(vpcId, reason);
    }
  }

  /** Tells whether a route table is in the input, or is the main table AWS creates with a VPC. */
  private definesRouteTable(tableId: string): boolean {
    if (this.tables.has(tableId)) return true;
    return [...this.vpcs].some(
      ([vpcId, draft]) =>
        (this.mainTables.get(vpcId) ?? draft.defaults.mainRouteTableId) === tableId,
    );
  }

  /** Warns once for each VPC whose route tables are left out, with the reason. */
  private warnSharedVpcs(): void {
    for (const [vpcId, reason] of this.sharedVpcs) {
      this.warnings.push(
        `${reason}; the route tables of ${vpcId} are left out, so the checks that read them ` +
          "are reported as skipped",
      );
    }
  }

  /**
   * Builds the NAT gateways the input creates, and one for each NAT gateway that a route names
   * but the input does not declare, such as an import or a parameter holding an id.
   */
  private buildNats(): EC2.NatGateway[] {
    const nats = this.nats.map((nat): EC2.NatGateway => {
      const vpcId = nat.VpcId ?? this.vpcOfSubnet(nat.SubnetId);
      const built: EC2.NatGateway = { ...nat, ...(vpcId && { VpcId: vpcId }) };
      const unknown = this.unknownNatProperties.get(nat.NatGatewayId as string);
      if (!unknown) return { State: "available", ...built };
      const [verb, decides] = unknown.length > 1 ? ["are", "decide"] : ["is", "decides"];
      this.warnings.push(
        `the ${unknown.join(" and ")} of NAT gateway ${nat.NatGatewayId} ${verb} known only ` +
          `after deployment and ${decides} where its traffic goes, so its State is left out and ` +
          "the checks that go through it are reported as skipped",
      );
      return built;
    });
    const known = new Set(nats.map((nat) => nat.NatGatewayId));
    for (const { tableId, route } of this.routes) {
      const natGatewayId = route.NatGatewayId;
      const vpcId = this.tables.get(tableId)?.VpcId;
      if (!natGatewayId || known.has(natGatewayId) || this.declaredNats.has(natGatewayId)) continue;
      if (this.isShared(vpcId)) continue;
      known.add(natGatewayId);
      nats.push(this.outsideNat(natGatewayId, tableId, vpcId));
    }
    return nats;
  }

  /**
   * Returns a NAT gateway that exists outside the input. Its State is left out, because only
   * the deployed gateway has one, so checks that need the state report it unknown.
   */
  private outsideNat(natGatewayId: string, tableId: string, vpcId: string | undefined) {
    this.warnings.push(
      `route table ${tableId} routes to NAT gateway ${natGatewayId}, which the input does not ` +
        "declare; its state is unknown, so the checks that need it are reported as skipped",
    );
    return { NatGatewayId: natGatewayId, ...(vpcId && { VpcId: vpcId }) };
  }

  /**
   * Builds the internet gateways the input creates, each with its attachments, and one for each
   * internet gateway that a route or an attachment names but the input does not declare.
   */
  private buildInternetGateways(): EC2.InternetGateway[] {
    const attachmentsOf = (gatewayId: string): EC2.InternetGatewayAttachment[] =>
      this.gatewayAttachments
        .filter((item) => item.gatewayId === gatewayId)
        // DescribeInternetGateways reports an attached internet gateway as `available`.
        .map((item) => ({ VpcId: item.vpcId, State: "available" as EC2.AttachmentStatus }));
    const gateways = [...this.internetGateways.values()].map((gateway): EC2.InternetGateway =>
      this.owned({
        ...gateway,
        Attachments: [
          ...(gateway.Attachments ?? []),
          ...attachmentsOf(gateway.InternetGatewayId as string),
        ],
      }),
    );
    const known = new Set(this.internetGateways.keys());
    for (const { gatewayId } of this.gatewayAttachments) {
      if (known.has(gatewayId)) continue;
      known.add(gatewayId);
      gateways.push({ InternetGatewayId: gatewayId, Attachments: attachmentsOf(gatewayId) });
    }
    for (const { gatewayId, tableId } of this.routedGateways("GatewayId", "igw-")) {
      if (known.has(gatewayId)) continue;
      known.add(gatewayId);
      gateways.push({ InternetGatewayId: gatewayId });
      this.warnOutsideGateway("internet gateway", gatewayId, tableId);
    }
    return gateways;
  }

  /**
   * Builds the egress-only internet gateways the input creates, and one for each that a route
   * names but the input does not declare.
   */
  private buildEgressOnlyGateways(): EC2.EgressOnlyInternetGateway[] {
    const gateways = [...this.egressOnlyGateways];
    const known = new Set(gateways.map((gateway) => gateway.EgressOnlyInternetGatewayId));
    const routed = this.routedGateways("EgressOnlyInternetGatewayId", "eigw-");
    for (const { gatewayId, tableId } of routed) {
      if (known.has(gatewayId)) continue;
      known.add(gatewayId);
      gateways.push({ EgressOnlyInternetGatewayId: gatewayId });
      this.warnOutsideGateway("egress-only internet gateway", gatewayId, tableId);
    }
    return gateways;
  }

  /** Lists the gateways that routes name in a field, leaving out the tables of shared VPCs. */
  private routedGateways(
    field: "GatewayId" | "EgressOnlyInternetGatewayId",
    prefix: string,
  ): { gatewayId: string; tableId: string }[] {
    const found: { gatewayId: string; tableId: string }[] = [];
    for (const { tableId, route } of this.routes) {
      const gatewayId = route[field];
      if (!gatewayId?.startsWith(prefix)) continue;
      if (this.isShared(this.tables.get(tableId)?.VpcId)) continue;
      found.push({ gatewayId, tableId });
    }
    return found;
  }

  /**
   * Warns about a gateway that exists outside the input. Its Attachments are left out, because
   * only the deployed gateway has them, so checks that need them report it unknown.
   */
  private warnOutsideGateway(label: string, gatewayId: string, tableId: string): void {
    this.warnings.push(
      `route table ${tableId} routes to ${label} ${gatewayId}, which the input does not ` +
        "declare; its attachment is unknown, so the checks that need it are reported as skipped",
    );
  }

  private buildEndpoints(): EC2.VpcEndpoint[] {
    return [...this.endpoints.values()].map((original) => {
      const endpoint: EC2.VpcEndpoint = this.owned({
        State: "available" as EC2.State,
        ...original,
      });
      const id = endpoint.VpcEndpointId as string;
      if (this.endpointPrivateDns.has(id)) {
        const enabled = this.endpointPrivateDns.get(id);
        if (enabled === undefined) delete endpoint.PrivateDnsEnabled;
        else endpoint.PrivateDnsEnabled = enabled;
      }
      const links = this.endpointLinks.filter((link) => link.endpointId === id);
      endpoint.SubnetIds = unique([...(endpoint.SubnetIds ?? []), ...links.map((l) => l.subnetId)]);
      endpoint.RouteTableIds = unique([
        ...(endpoint.RouteTableIds ?? []),
        ...links.map((l) => l.tableId),
      ]);
      const interfaceLike = (endpoint.VpcEndpointType ?? "").toLowerCase() === "interface";
      const groupIds = this.endpointGroupIds(endpoint, links, interfaceLike);
      endpoint.Groups = groupIds.map((groupId) => ({
        GroupId: groupId,
        GroupName: this.groups.get(groupId)?.group.GroupName ?? groupId,
      }));
      if (interfaceLike) this.fillEndpointAddressType(endpoint);
      return endpoint;
    });
  }

  /**
   * Returns the security groups of an endpoint: its own and those linked to it. An interface
   * endpoint created without security groups gets the VPC's default group, and keeps it beside
   * linked groups unless a link replaces it.
   */
  private endpointGroupIds(
    endpoint: EC2.VpcEndpoint,
    links: { groupId?: string; replacesDefaultGroup?: boolean }[],
    interfaceLike: boolean,
  ): string[] {
    const own = (endpoint.Groups ?? []).map((group) => group.GroupId);
    const groupIds = unique([...own, ...links.map((link) => link.groupId)]);
    const defaultGroup = endpoint.VpcId
      ? this.vpcs.get(endpoint.VpcId)?.defaults.defaultSecurityGroupId
      : undefined;
    const keepsDefault = own.length === 0 && !links.some((link) => link.replacesDefaultGroup);
    if (interfaceLike && keepsDefault && defaultGroup && !groupIds.includes(defaultGroup))
      groupIds.push(defaultGroup);
    return groupIds;
  }

  /**
   * Fills IpAddressType and DnsRecordIpType when the input leaves them out. EC2 picks `ipv6` for
   * endpoints whose subnets are all IPv6-only and `ipv4` otherwise, and DNS records follow the
   * address type.
   */
  private fillEndpointAddressType(endpoint: EC2.VpcEndpoint): void {
    if (!endpoint.IpAddressType) {
      const subnets = (endpoint.SubnetIds ?? []).map((id) => this.subnets.get(id));
      const allIpv6Only = subnets.length > 0 && subnets.every((s) => s?.Ipv6Native === true);
      endpoint.IpAddressType = allIpv6Only ? "ipv6" : "ipv4";
    }
    endpoint.DnsOptions = { DnsRecordIpType: endpoint.IpAddressType, ...endpoint.DnsOptions };
  }

  private buildSecurityGroups(): EC2.SecurityGroup[] {
    const groups = new Map(this.groups);
    for (const [vpcId, draft] of this.vpcs) {
      const id = draft.defaults.defaultSecurityGroupId;
      if (groups.has(id)) continue;
      groups.set(id, { group: this.defaultSecurityGroup(vpcId, id), defaultEgress: false });
    }
    return [...groups.entries()].map(([groupId, { group, defaultEgress }]) => {
      const ingress = this.permissions.filter(
        (p) => p.groupId === groupId && p.direction === "ingress",
      );
      const egress = this.permissions.filter(
        (p) => p.groupId === groupId && p.direction === "egress",
      );
      const result: EC2.SecurityGroup = this.owned({ ...group });
      result.IpPermissions = [...(group.IpPermissions ?? []), ...ingress.map((p) => p.permission)];
      result.IpPermissionsEgress = [
        ...(group.IpPermissionsEgress ?? []),
        ...egress.map((p) => p.permission),
      ];
      // NOTE: AWS adds only the IPv4 rule to a new group; the VPC's default group also gets ::/0.
      if (defaultEgress)
        result.IpPermissionsEgress.unshift(allTraffic({ IpRanges: [{ CidrIp: "0.0.0.0/0" }] }));
      this.leaveOutUnknownRules(result);
      return result;
    });
  }

  private leaveOutUnknownRules(group: EC2.SecurityGroup): void {
    for (const direction of ["ingress", "egress"] as const) {
      if (!this.unknownPeers.has(`${group.GroupId} ${direction}`)) continue;
      if (direction === "ingress") delete group.IpPermissions;
      else delete group.IpPermissionsEgress;
      this.warnings.push(
        `security group ${group.GroupId} has an ${direction} rule that is known only after ` +
          `deployment; its ${direction} rules are left out, so the checks that read them are ` +
          "reported as skipped",
      );
    }
  }

  private defaultSecurityGroup(vpcId: string, groupId: string): EC2.SecurityGroup {
    const ipv6 = (this.vpcIpv6.get(vpcId) ?? []).length > 0;
    return {
      GroupId: groupId,
      GroupName: "default",
      Description: "default VPC security group",
      VpcId: vpcId,
      IpPermissions: [allTraffic({ UserIdGroupPairs: [{ GroupId: groupId }] })],
      IpPermissionsEgress: [
        allTraffic({
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          ...(ipv6 && { Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
        }),
      ],
      Tags: [],
    };
  }

  private buildNetworkAcls(): EC2.NetworkAcl[] {
    const acls = new Map<string, EC2.NetworkAcl>();
    for (const [id, acl] of this.acls) {
      acls.set(
        id,
        this.owned({
          IsDefault: false,
          ...acl,
          Entries: [...(acl.Entries ?? [])],
          Associations: [],
        }),
      );
    }
    for (const [vpcId, draft] of this.vpcs) {
      const id = draft.defaults.defaultNetworkAclId;
      if (acls.has(id)) continue;
      const entries = [false, true].flatMap((egress) => this.allowAllEntries(vpcId, egress));
      acls.set(
        id,
        this.owned({
          NetworkAclId: id,
          VpcId: vpcId,
          IsDefault: true,
          Entries: entries,
          Associations: [],
          Tags: [],
        }),
      );
    }
    for (const { aclId, entry } of this.aclEntries) {
      const acl = acls.get(aclId);
      if (acl) acl.Entries?.push(entry);
      else
        this.warnings.push(
          `a network ACL entry refers to ${aclId}, which the input does not define; it was left out`,
        );
    }
    for (const acl of acls.values()) acl.Entries?.push(...this.denyAllEntries(acl.VpcId));
    this.associateAcls(acls);
    return this.leaveOutUnknownAcls([...acls.values()]);
  }

  /**
   * Records a network ACL entry whose CIDR, protocol, port, action, rule number or direction is
   * known only after deployment. Read without it, the ACL would deny what the entry may allow,
   * or allow what it may deny.
   */
  noteUnknownAclEntry(aclId: string): void {
    this.unknownAcls.add(aclId);
  }

  /**
   * Leaves out the ACLs with an unknown entry, and the default ACL of their VPCs, which their
   * subnets would otherwise seem to use, so the checks that cross them report unknown.
   */
  private leaveOutUnknownAcls(acls: EC2.NetworkAcl[]): EC2.NetworkAcl[] {
    const unknown = acls.filter((acl) => this.unknownAcls.has(acl.NetworkAclId as string));
    const vpcIds = new Set(unknown.map((acl) => acl.VpcId));
    for (const acl of unknown) {
      this.warnings.push(
        `network ACL ${acl.NetworkAclId} has an entry with a value known only after deployment; ` +
          `it and the default ACL of ${acl.VpcId ?? "its VPC"} are left out, so the checks ` +
          "that cross them are reported as skipped",
      );
    }
    return acls.filter(
      (acl) =>
        !this.unknownAcls.has(acl.NetworkAclId as string) &&
        !(acl.IsDefault && vpcIds.has(acl.VpcId)),
    );
  }

  /** Associates each subnet with its explicit network ACL, else with its VPC's default ACL. */
  private associateAcls(acls: Map<string, EC2.NetworkAcl>): void {
    const explicit = new Map(this.aclAssociations.map((a) => [a.subnetId, a]));
    for (const subnet of this.subnets.values()) {
      const subnetId = subnet.SubnetId as string;
      const association = explicit.get(subnetId);
      const fallback = subnet.VpcId
        ? this.vpcs.get(subnet.VpcId)?.defaults.defaultNetworkAclId
        : undefined;
      const aclId = association?.aclId ?? fallback;
      const acl = aclId ? acls.get(aclId) : undefined;
      if (!acl) continue;
      acl.Associations?.push({
        NetworkAclAssociationId:
          association?.id ?? placeholderId("aclassoc", `${subnetId}/default`),
        NetworkAclId: aclId,
        SubnetId: subnetId,
      });
    }
  }

  private allowAllEntries(vpcId: string, egress: boolean): EC2.NetworkAclEntry[] {
    const entries: EC2.NetworkAclEntry[] = [
      {
        RuleNumber: 100,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        CidrBlock: "0.0.0.0/0",
      },
    ];
    if ((this.vpcIpv6.get(vpcId) ?? []).length > 0) {
      entries.push({
        RuleNumber: 101,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        Ipv6CidrBlock: "::/0",
      });
    }
    return entries;
  }

  /** Returns the catch-all deny entries every network ACL ends with, as DescribeNetworkAcls lists them. */
  private denyAllEntries(vpcId: string | undefined): EC2.NetworkAclEntry[] {
    const ipv6 = vpcId !== undefined && (this.vpcIpv6.get(vpcId) ?? []).length > 0;
    return [false, true].flatMap((egress): EC2.NetworkAclEntry[] => [
      {
        RuleNumber: 32767,
        Protocol: "-1",
        RuleAction: "deny" as const,
        Egress: egress,
        CidrBlock: "0.0.0.0/0",
      },
      ...(ipv6
        ? [
            {
              RuleNumber: 32768,
              Protocol: "-1",
              RuleAction: "deny" as const,
              Egress: egress,
              Ipv6CidrBlock: "::/0",
            },
          ]
        : []),
    ]);
  }

  private defaultDhcpOptionsId(): string {
    return placeholderId("dopt", `${this.region}/default`);
  }

  /** Adds the Region's default DHCP options when a VPC of the input has no other options. */
  private buildDhcpOptions(): EC2.DhcpOptions[] {
    const options = this.dhcpOptions.map((item) => this.owned({ ...item }));
    const usesDefault = [...this.vpcs.keys()].some((vpcId) => !this.dhcpAssociations.has(vpcId));
    if (!usesDefault) return options;
    const domain = this.region === "us-east-1" ? "ec2.internal" : `${this.region}.compute.internal`;
    options.push(
      this.owned({
        DhcpOptionsId: this.defaultDhcpOptionsId(),
        DhcpConfigurations: [
          { Key: "domain-name", Values: [{ Value: domain }] },
          { Key: "domain-name-servers", Values: [{ Value: "AmazonProvidedDNS" }] },
        ],
        Tags: [],
      }),
    );
    return options;
  }

  private buildReservations(): EC2.Reservation[] {
    return this.instances.map((instance) => {
      const vpcId = instance.VpcId ?? this.vpcOfSubnet(instance.SubnetId);
      const full: EC2.Instance = { ...instance, ...(vpcId && { VpcId: vpcId }) };
      // EC2 gives an instance launched without security groups its VPC's default group. An empty
      // list stands for groups that a launch template outside the input sets, which are unknown.
      const defaultGroup = vpcId
        ? this.vpcs.get(vpcId)?.defaults.defaultSecurityGroupId
        : undefined;
      if (full.SecurityGroups === undefined && defaultGroup) {
        const name = this.groups.get(defaultGroup)?.group.GroupName ?? "default";
        full.SecurityGroups = [{ GroupId: defaultGroup, GroupName: name }];
      }
      return this.owned({
        ReservationId: placeholderId("r", instance.InstanceId as string),
        Groups: [],
        Instances: [full],
      });
    });
  }
}

/** Returns placeholder ids for the main route table, default network ACL and default security group. */
export function implicitVpcIds(vpcId: string): Required<VpcDefaults> {
  return {
    mainRouteTableId: placeholderId("rtb", `${vpcId}/main`),
    defaultNetworkAclId: placeholderId("acl", `${vpcId}/default-acl`),
    defaultSecurityGroupId: placeholderId("sg", `${vpcId}/default-sg`),
  };
}

function dropUndefined<T extends object>(item: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(item).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function allTraffic(fields: Partial<EC2.IpPermission>): EC2.IpPermission {
  return {
    IpProtocol: "-1",
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
    ...fields,
  };
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))];
}
