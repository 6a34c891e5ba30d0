/**
 * Ids and IPv6 prefixes of plan resources before apply, and a reader for one resource's
 * attributes that records every value it has to replace with a placeholder.
 */
import { implicitVpcIds, type SnapshotBuilder } from "../builder.js";
import { Ipv6Placeholders, placeholderId, splitCidr } from "../placeholders.js";
import { Unresolved, firstUnresolved, isRecord } from "../unresolved.js";
import type { Plan, PlanInstance } from "./plan.js";

/** Id prefixes of the resource types whose `id` is an EC2 id. */
const ID_PREFIXES: Record<string, string> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_route_table: "rtb",
  aws_default_route_table: "rtb",
  aws_nat_gateway: "nat",
  aws_internet_gateway: "igw",
  aws_egress_only_internet_gateway: "eigw",
  aws_vpc_endpoint: "vpce",
  aws_security_group: "sg",
  aws_network_acl: "acl",
  aws_vpc_dhcp_options: "dopt",
  aws_instance: "i",
  aws_launch_template: "lt",
  aws_eip: "eipalloc",
  aws_ec2_transit_gateway: "tgw",
  aws_vpc_peering_connection: "pcx",
  aws_network_interface: "eni",
  aws_vpn_gateway: "vgw",
  aws_ec2_managed_prefix_list: "pl",
  aws_route_table_association: "rtbassoc",
  aws_network_acl_association: "aclassoc",
  aws_vpc_ipv6_cidr_block_association: "vpc-cidr-assoc",
  aws_vpc_security_group_ingress_rule: "sgr",
  aws_vpc_security_group_egress_rule: "sgr",
};

/** The argument that names the VPC default resource each `aws_default_*` type takes over. */
const MANAGED_DEFAULTS: Record<string, string> = {
  aws_default_route_table: "default_route_table_id",
  aws_default_network_acl: "default_network_acl_id",
  aws_default_security_group: "vpc_id",
};

/** Attributes of other resources that hold an EC2 id, with the prefix a placeholder gets. */
const ID_ATTRIBUTES: Record<string, string> = {
  vpc_id: "vpc",
  subnet_id: "subnet",
  route_table_id: "rtb",
  allocation_id: "eipalloc",
};

export class PlanContext {
  readonly ipv6 = new Ipv6Placeholders();
  private subnetBlocks: Map<string, string> | undefined;

  constructor(
    readonly plan: Plan,
    readonly builder: SnapshotBuilder,
  ) {
    plan.attribute = (instance, attribute) => this.attribute(instance, attribute);
  }

  /**
   * Returns a resource's id: the planned one, that of the VPC's default resource that an
   * `aws_default_*` resource manages, or a placeholder derived from its address.
   */
  idOf(instance: PlanInstance): string {
    const known = instance.values.id;
    if (typeof known === "string" && known !== "") return known;
    const managed = this.managedDefaultId(instance);
    if (managed) return managed;
    return placeholderId(
      ID_PREFIXES[instance.type] ?? instance.type.replace(/^aws_/, ""),
      instance.address,
    );
  }

  /**
   * Returns the id of the route table, network ACL or security group that AWS created with a VPC
   * and that an `aws_default_*` resource takes over, so references to the resource's `id` and
   * to the VPC's `default_*_id` name one resource.
   */
  private managedDefaultId(instance: PlanInstance): string | undefined {
    const argument = MANAGED_DEFAULTS[instance.type];
    if (!argument) return undefined;
    const value = this.plan.single(instance, [argument]);
    if (typeof value !== "string" || value === "") return undefined;
    if (argument !== "vpc_id") return value;
    const vpc = this.plan.instances.find(
      (item) => item.type === "aws_vpc" && this.idOf(item) === value,
    );
    const id = vpc && this.attribute(vpc, "default_security_group_id");
    return typeof id === "string" ? id : implicitVpcIds(value).defaultSecurityGroupId;
  }

  /** Returns the id of the plan's VPC whose default route table or network ACL has an id. */
  vpcWithDefault(
    attribute: "default_route_table_id" | "default_network_acl_id",
    id: string,
  ): string | undefined {
    const vpc = this.plan.instances.find(
      (item) => item.type === "aws_vpc" && this.attribute(item, attribute) === id,
    );
    return vpc && this.idOf(vpc);
  }

  /** Returns what a reference to `instance.attribute` evaluates to before apply. */
  attribute(instance: PlanInstance, attribute: string): unknown {
    if (attribute === "id") return this.idOf(instance);
    const known = instance.values[attribute];
    if (known !== undefined && known !== null && known !== "") return known;
    if (instance.type === "aws_vpc") {
      const vpcId = this.idOf(instance);
      if (attribute === "ipv6_cidr_block") return this.vpcBlock(instance);
      if (attribute === "main_route_table_id") return implicitVpcIds(vpcId).mainRouteTableId;
      if (attribute === "default_route_table_id") return implicitVpcIds(vpcId).mainRouteTableId;
      if (attribute === "default_network_acl_id") return implicitVpcIds(vpcId).defaultNetworkAclId;
      if (attribute === "default_security_group_id")
        return implicitVpcIds(vpcId).defaultSecurityGroupId;
    }
    if (instance.type === "aws_subnet" && attribute === "ipv6_cidr_block")
      return this.subnetBlock(instance);
    if (
      instance.type === "aws_vpc_ipv6_cidr_block_association" &&
      attribute === "ipv6_cidr_block"
    ) {
      return this.associationBlock(instance);
    }
    if (instance.type === "aws_eip" && attribute === "allocation_id") return this.idOf(instance);
    const prefix = ID_ATTRIBUTES[attribute];
    if (prefix) {
      const value = this.plan.value(instance, [attribute]);
      if (value !== undefined) return value;
    }
    return new Unresolved(
      `${instance.address}.${attribute} is known only after apply`,
      `${instance.address}.${attribute}`,
    );
  }

  /** Returns a VPC's IPv6 prefix: the planned one, or a placeholder /56 when the VPC requests one. */
  vpcBlock(vpc: PlanInstance): string | undefined {
    const known = vpc.values.ipv6_cidr_block;
    if (typeof known === "string" && known !== "") return known;
    const wantsBlock =
      vpc.values.assign_generated_ipv6_cidr_block === true ||
      this.plan.configures(vpc, "ipv6_ipam_pool_id") ||
      this.plan.configures(vpc, "ipv6_cidr_block");
    if (!wantsBlock) return undefined;
    return this.ipv6.prefixFor(vpc.address, Number(vpc.values.ipv6_netmask_length ?? 56) || 56);
  }

  associationBlock(association: PlanInstance): string {
    const known = association.values.ipv6_cidr_block;
    if (typeof known === "string" && known !== "") return known;
    return this.ipv6.prefixFor(
      association.address,
      Number(association.values.ipv6_netmask_length ?? 56) || 56,
    );
  }

  /**
   * Returns a subnet's IPv6 prefix. A prefix known only after apply (typically `cidrsubnet` over
   * the VPC's generated block) becomes the n-th /64 of its VPC's placeholder, n counting the
   * VPC's subnets in address order.
   */
  subnetBlock(subnet: PlanInstance): string | undefined {
    const known = subnet.values.ipv6_cidr_block;
    if (typeof known === "string" && known !== "") return known;
    this.subnetBlocks ??= this.carveSubnetBlocks();
    return this.subnetBlocks.get(subnet.address);
  }

  private carveSubnetBlocks(): Map<string, string> {
    const blocks = new Map<string, string>();
    const byVpc = new Map<string, PlanInstance[]>();
    const wanting = this.plan.instances
      .filter(
        (item) =>
          item.type === "aws_subnet" &&
          !item.values.ipv6_cidr_block &&
          this.plan.configures(item, "ipv6_cidr_block"),
      )
      .sort((a, b) => (a.address < b.address ? -1 : 1));
    for (const subnet of wanting) {
      const vpcId = String(this.plan.value(subnet, ["vpc_id"]));
      byVpc.set(vpcId, [...(byVpc.get(vpcId) ?? []), subnet]);
    }
    for (const [vpcId, subnets] of byVpc) {
      const vpc = this.plan.instances.find(
        (item) => item.type === "aws_vpc" && this.idOf(item) === vpcId,
      );
      const vpcBlock = vpc ? this.vpcBlock(vpc) : undefined;
      const carved = vpcBlock ? splitCidr(vpcBlock, subnets.length, 64) : undefined;
      subnets.forEach((subnet, position) => {
        blocks.set(subnet.address, carved?.[position] ?? this.ipv6.prefixFor(subnet.address, 64));
      });
    }
    return blocks;
  }

  reader(instance: PlanInstance): AttributeReader {
    return new AttributeReader(this, instance, this.idOf(instance), []);
  }
}

/** Reads one resource's attributes, or one nested block of them, resolving unknown values. */
export class AttributeReader {
  /** The snapshot resource that notes about unresolved values attach to. */
  private subject: string;

  constructor(
    private readonly context: PlanContext,
    readonly instance: PlanInstance,
    readonly id: string,
    private readonly path: (string | number)[],
  ) {
    this.subject = id;
  }

  get builder(): SnapshotBuilder {
    return this.context.builder;
  }

  /**
   * Attaches later notes to another resource: a route's to its route table, a rule's to its
   * group, since findings name those and never the route or rule resource.
   */
  attachNotesTo(resourceId: string): void {
    this.subject = resourceId;
  }

  get address(): string {
    return this.instance.address;
  }

  raw(name: string): unknown {
    return this.context.plan.value(this.instance, [...this.path, name]);
  }

  /** Reads an argument that takes one value, as `Plan.single` does. */
  single(name: string): unknown {
    return this.context.plan.single(this.instance, [...this.path, name]);
  }

  /** Reads a string; an unknown id gets a placeholder with the prefix, anything else is left out. */
  string(name: string, idPrefix?: string): string | undefined {
    const value = this.single(name);
    if (value === undefined || value === null || value === "") return undefined;
    const problem = firstUnresolved(value);
    if (!problem) return String(value);
    const placeholder = idPrefix ? placeholderId(idPrefix, problem.key) : undefined;
    this.note(name, problem, placeholder);
    return placeholder;
  }

  /** Reads a boolean; an unknown value is left out so the rules that read it report it unknown. */
  bool(name: string, fallback?: boolean): boolean | undefined {
    let value = this.single(name);
    if (value === undefined || value === null) return fallback;
    // A reference to an attribute that is no boolean, such as `aws_vpc.main.ipv6_cidr_block` in
    // `enable_dns64 = aws_vpc.main.ipv6_cidr_block != ""`, is an operand, not the value.
    if (!(value instanceof Unresolved) && ![true, false, "true", "false"].includes(value as never))
      value = this.context.plan.unevaluated(this.instance, [...this.path, name]);
    if (value instanceof Unresolved) {
      this.note(name, value, undefined);
      return undefined;
    }
    return value === true || value === "true";
  }

  number(name: string): number | undefined {
    const value = this.single(name);
    if (value instanceof Unresolved) this.note(name, value, undefined);
    const number = Number(value);
    return value === undefined ||
      value === null ||
      value instanceof Unresolved ||
      !Number.isFinite(number)
      ? undefined
      : number;
  }

  /** Reads an IPv6 prefix; an unknown one gets a placeholder of the given length. */
  ipv6Cidr(name: string, length: number): string | undefined {
    const value = this.single(name);
    if (value === undefined || value === null || value === "") return undefined;
    const problem = firstUnresolved(value);
    if (!problem) return String(value);
    const placeholder = this.context.ipv6.prefixFor(problem.key, length);
    this.note(name, problem, placeholder);
    return placeholder;
  }

  /** Reads a list of strings; unknown items get placeholders with the prefix. */
  strings(name: string, idPrefix?: string): string[] {
    const value = this.raw(name);
    if (value === undefined || value === null) return [];
    const items = Array.isArray(value) ? value : [value];
    const result: string[] = [];
    for (const item of items) {
      const problem = firstUnresolved(item);
      if (!problem) {
        if (item !== null && item !== "") result.push(String(item));
        continue;
      }
      const placeholder = idPrefix ? placeholderId(idPrefix, problem.key) : undefined;
      this.note(name, problem, placeholder);
      if (placeholder) result.push(placeholder);
    }
    return result;
  }

  /**
   * Returns the ids of the plan's resources that an argument known only after apply may name,
   * such as every instance of `aws_route_table.app` for
   * `aws_route_table.app[local.azs[count.index]].id`. Returns "any" when a reference, such as a
   * `local` value, may name any resource, and undefined when the argument is resolved.
   */
  candidateIds(name: string): string[] | "any" | undefined {
    const problem = firstUnresolved(this.single(name));
    if (!problem) return undefined;
    if (problem.references.length === 0) return "any";
    const ids: string[] = [];
    for (const reference of problem.references) {
      // An index selects among the instances.
      if (reference === "count.index" || reference === "each.key") continue;
      // A data source read during planning gives a known value. One whose reading waits for the
      // apply depends on the plan's own resources, so it may name a resource of any VPC.
      if (/^(module\.[^.]+\.)*data\./.test(reference)) return "any";
      const instances = this.context.plan.instancesOf(reference);
      if (!instances) return "any";
      ids.push(...instances.map((instance) => this.context.idOf(instance)));
    }
    return ids;
  }

  /**
   * Tells whether a list of nested blocks that the configuration sets is known only after apply
   * as a whole, as a `dynamic` block over an unknown collection is, and notes it.
   */
  unknownBlocks(name: string): boolean {
    const value = this.raw(name);
    if (!(value instanceof Unresolved)) return false;
    this.note(name, value, undefined);
    return true;
  }

  /** Returns a reader for each nested block, such as each inline `route` of a route table. */
  blocks(name: string): AttributeReader[] {
    const value = this.raw(name);
    if (!Array.isArray(value)) return [];
    return value.map((_, position) => {
      const block = new AttributeReader(this.context, this.instance, this.id, [
        ...this.path,
        name,
        position,
      ]);
      block.attachNotesTo(this.subject);
      return block;
    });
  }

  tags(): { Key: string; Value: string }[] {
    const tags = this.raw("tags");
    if (!isRecord(tags)) return [];
    return Object.entries(tags).map(([Key, Value]) => ({
      Key,
      Value: typeof Value === "string" ? Value : "",
    }));
  }

  private note(name: string, problem: Unresolved, placeholder: string | undefined): void {
    this.context.builder.noteUnresolved({
      resourceId: this.subject,
      logicalName: this.instance.address,
      property: [...this.path, name].join("."),
      reason: problem.reason,
      ...(placeholder && { placeholder }),
    });
  }
}
