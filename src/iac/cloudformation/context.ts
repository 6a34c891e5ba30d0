/**
 * The values `Ref` and `Fn::GetAtt` return for a template's resources before deployment, and a
 * reader for resolved properties that records every value it replaces with a placeholder.
 */
import { implicitVpcIds, type SnapshotBuilder } from "../builder.js";
import { groupBy } from "../../index/util.js";
import { Ipv6Placeholders, placeholderId } from "../placeholders.js";
import {
  IntrinsicResolver,
  Unresolved,
  firstUnresolved,
  type ResourceValues,
} from "./intrinsics.js";
import { isRecord, type Template } from "./parse.js";

/** Id prefixes of the resource types whose `Ref` returns an EC2 id. */
const ID_PREFIXES: Record<string, string> = {
  "AWS::EC2::VPC": "vpc",
  "AWS::EC2::Subnet": "subnet",
  "AWS::EC2::RouteTable": "rtb",
  "AWS::EC2::NatGateway": "nat",
  "AWS::EC2::InternetGateway": "igw",
  "AWS::EC2::EgressOnlyInternetGateway": "eigw",
  "AWS::EC2::VPCEndpoint": "vpce",
  "AWS::EC2::SecurityGroup": "sg",
  "AWS::EC2::SecurityGroupIngress": "sgr",
  "AWS::EC2::SecurityGroupEgress": "sgr",
  "AWS::EC2::NetworkAcl": "acl",
  "AWS::EC2::DHCPOptions": "dopt",
  "AWS::EC2::Instance": "i",
  "AWS::EC2::LaunchTemplate": "lt",
  "AWS::EC2::VPCCidrBlock": "vpc-cidr-assoc",
  "AWS::EC2::SubnetCidrBlock": "subnet-cidr-assoc",
  "AWS::EC2::SubnetRouteTableAssociation": "rtbassoc",
  "AWS::EC2::SubnetNetworkAclAssociation": "aclassoc",
  "AWS::EC2::TransitGateway": "tgw",
  "AWS::EC2::VPCPeeringConnection": "pcx",
  "AWS::EC2::NetworkInterface": "eni",
  "AWS::EC2::VPNGateway": "vgw",
  "AWS::EC2::CarrierGateway": "cagw",
  "AWS::EC2::PrefixList": "pl",
};

/** Attributes whose value is the resource's own id. */
const ID_ATTRIBUTES = new Set([
  "VpcId",
  "SubnetId",
  "RouteTableId",
  "NatGatewayId",
  "InternetGatewayId",
  "GroupId",
  "Id",
  "DhcpOptionsId",
  "LaunchTemplateId",
  "PrefixListId",
  "InstanceId",
]);

export class TemplateContext implements ResourceValues {
  readonly ipv6 = new Ipv6Placeholders();
  private readonly propertyCache = new Map<string, Record<string, unknown>>();
  /** The logical ids of each resource type, in template order, built on first use. */
  private idsByType?: Map<string, string[]>;

  constructor(
    readonly template: Template,
    readonly resolver: IntrinsicResolver,
    readonly builder: SnapshotBuilder,
    readonly region: string,
  ) {
    resolver.resources = this;
  }

  typeOf(logicalId: string): string {
    return this.template.Resources[logicalId]?.Type ?? "";
  }

  /**
   * Returns the logical ids of the resources of one type, in template order. Lookups that run
   * for each resource, such as a VPC's IPv6 blocks for each subnet, read these lists rather than
   * every resource of a large template.
   */
  logicalIdsOfType(type: string): readonly string[] {
    const resources = this.template.Resources;
    this.idsByType ??= groupBy(Object.keys(resources), (logicalId) => resources[logicalId]?.Type);
    return this.idsByType.get(type) ?? [];
  }

  /** Returns the placeholder id a resource gets, from its type and logical id. */
  idOf(logicalId: string): string {
    const type = this.typeOf(logicalId);
    const prefix = ID_PREFIXES[type] ?? type.split("::").pop()?.toLowerCase() ?? "resource";
    return placeholderId(prefix, logicalId);
  }

  ref(logicalId: string): unknown {
    if (this.typeOf(logicalId) === "AWS::EC2::EIP") return placeholderId("eip", logicalId);
    return this.idOf(logicalId);
  }

  /**
   * Returns a resource's resolved properties; an unresolvable value stays an Unresolved. They
   * matter only when the resource is created, so its own Condition counts as true in them.
   */
  properties(logicalId: string): Record<string, unknown> {
    const cached = this.propertyCache.get(logicalId);
    if (cached) return cached;
    const resource = this.template.Resources[logicalId];
    const condition = resource?.Condition === undefined ? [] : [resource.Condition];
    const resolved = this.resolver.resolveAssuming(condition, resource?.Properties ?? {});
    const properties = isRecord(resolved) ? resolved : {};
    this.propertyCache.set(logicalId, properties);
    return properties;
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const type = this.typeOf(logicalId);
    const id = this.idOf(logicalId);
    const properties = () => this.properties(logicalId);
    if (type === "AWS::EC2::VPC") {
      const defaults = implicitVpcIds(id);
      if (attribute === "Ipv6CidrBlocks") return this.vpcIpv6Blocks(id);
      if (attribute === "DefaultNetworkAcl") return defaults.defaultNetworkAclId;
      if (attribute === "DefaultSecurityGroup") return defaults.defaultSecurityGroupId;
      if (attribute === "CidrBlock")
        return properties().CidrBlock ?? this.unknownAttribute(logicalId, attribute);
    }
    if (type === "AWS::EC2::VPCCidrBlock" && attribute === "Ipv6CidrBlock")
      return this.cidrBlockOf(logicalId);
    if (type === "AWS::EC2::Subnet") {
      if (attribute === "VpcId") return properties().VpcId;
      if (attribute === "CidrBlock" && properties().CidrBlock) return properties().CidrBlock;
      if (attribute === "Ipv6CidrBlocks" && properties().Ipv6CidrBlock)
        return [properties().Ipv6CidrBlock];
      // EC2 picks the AZ of a subnet created without one, so it is known only after deployment.
      if (attribute === "AvailabilityZone" && properties().AvailabilityZone !== undefined)
        return properties().AvailabilityZone;
      if (attribute === "NetworkAclAssociationId")
        return placeholderId("aclassoc", `${id}/default`);
    }
    if (type === "AWS::EC2::SecurityGroup" && attribute === "VpcId") return properties().VpcId;
    if (type === "AWS::EC2::EIP" && attribute === "AllocationId")
      return placeholderId("eipalloc", logicalId);
    if (type === "AWS::EC2::LaunchTemplate" && /VersionNumber$/.test(attribute)) return "1";
    if (ID_ATTRIBUTES.has(attribute) && ID_PREFIXES[type]) return id;
    return this.unknownAttribute(logicalId, attribute);
  }

  private unknownAttribute(logicalId: string, attribute: string): Unresolved {
    const type = this.typeOf(logicalId);
    return new Unresolved(
      `Fn::GetAtt ${logicalId}.${attribute} is an attribute of ${type} that is known only after deployment`,
      JSON.stringify({ "Fn::GetAtt": [logicalId, attribute] }),
    );
  }

  /** Returns the IPv6 prefixes that VPCCidrBlock resources of the template give a VPC. */
  private vpcIpv6Blocks(vpcId: string): unknown[] {
    const blocks: unknown[] = [];
    for (const logicalId of this.logicalIdsOfType("AWS::EC2::VPCCidrBlock")) {
      if (!this.included(logicalId)) continue;
      if (this.properties(logicalId).VpcId !== vpcId) continue;
      const block = this.cidrBlockOf(logicalId);
      if (block !== undefined) blocks.push(block);
    }
    return blocks;
  }

  /**
   * Returns the IPv6 prefix of a VPCCidrBlock: the literal Ipv6CidrBlock, or a placeholder for
   * an Amazon-provided, BYOIP-pool or IPAM-allocated prefix. Returns undefined for an IPv4 block.
   */
  cidrBlockOf(logicalId: string): unknown {
    const properties = this.properties(logicalId);
    if (properties.Ipv6CidrBlock !== undefined) return properties.Ipv6CidrBlock;
    // Without Ipv6CidrBlock, EC2 picks a /56 from the Ipv6Pool, as for an Amazon-provided block.
    const pooled = properties.Ipv6Pool !== undefined;
    if (pooled || parseBoolean(properties.AmazonProvidedIpv6CidrBlock) === true) {
      return this.ipv6.prefixFor(logicalId, 56);
    }
    if (properties.Ipv6IpamPoolId !== undefined) {
      const length = Number(properties.Ipv6NetmaskLength ?? 56);
      // A length known only after deployment, such as a parameter without a value, is no number.
      return this.ipv6.prefixFor(logicalId, Number.isInteger(length) ? length : 56);
    }
    return undefined;
  }

  /** Tells whether a resource is created: it has no Condition, or its condition is true. */
  included(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    if (condition === undefined) return true;
    const value = this.resolver.condition(condition);
    return value instanceof Unresolved ? true : value;
  }

  reader(logicalId: string): PropertyReader {
    return new PropertyReader(this, logicalId, this.idOf(logicalId), this.properties(logicalId));
  }
}

/** Reads one resource's resolved properties, turning unknown values into placeholders. */
export class PropertyReader {
  /** The snapshot resource that notes about unresolved values attach to. */
  private subject: string;

  constructor(
    private readonly context: TemplateContext,
    readonly logicalId: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
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

  /** Reads a string; an unknown id gets a placeholder with the prefix, anything else is left out. */
  string(name: string, idPrefix?: string): string | undefined {
    return this.stringOf(this.properties[name], name, idPrefix);
  }

  stringOf(value: unknown, property: string, idPrefix?: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (value instanceof Unresolved || firstUnresolved(value)) {
      const problem = firstUnresolved(value) as Unresolved;
      const placeholder = idPrefix ? placeholderId(idPrefix, problem.key) : undefined;
      this.note(property, problem, placeholder);
      return placeholder;
    }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  /**
   * Reads a boolean. An unknown value, or one that is not a boolean, is left out so the rules
   * that read it report it unknown.
   */
  bool(name: string, fallback?: boolean): boolean | undefined {
    return this.boolOf(this.properties[name], name, fallback);
  }

  boolOf(value: unknown, property: string, fallback?: boolean): boolean | undefined {
    if (value === undefined) return fallback;
    if (value instanceof Unresolved) {
      this.note(property, value, undefined);
      return undefined;
    }
    const parsed = parseBoolean(value);
    if (parsed === undefined) {
      this.context.builder.warn(
        `resource ${this.logicalId} property ${property} is ${JSON.stringify(value)}, ` +
          "not true or false; the property is left out",
      );
    }
    return parsed;
  }

  /** Reads an IPv6 prefix; an unknown one gets a placeholder of the given length. */
  ipv6Cidr(
    name: string,
    length: number,
    value: unknown = this.properties[name],
  ): string | undefined {
    if (value === undefined) return undefined;
    const problem = firstUnresolved(value);
    if (!problem) return String(value);
    const placeholder = this.context.ipv6.prefixFor(problem.key, length);
    this.note(name, problem, placeholder);
    return placeholder;
  }

  /** Reads a list of ids; unknown items get placeholders with the prefix. */
  ids(name: string, idPrefix: string): string[] {
    const value = this.properties[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) return [this.stringOf(value, name, idPrefix)].filter(isString);
    return value.map((item) => this.stringOf(item, name, idPrefix)).filter(isString);
  }

  number(name: string, value: unknown = this.properties[name]): number | undefined {
    if (value === undefined || value instanceof Unresolved) {
      if (value instanceof Unresolved) this.note(name, value, undefined);
      return undefined;
    }
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }

  tags(): { Key: string; Value: string }[] {
    const value = this.properties.Tags;
    if (!Array.isArray(value)) return [];
    return value
      .filter((tag): tag is Record<string, unknown> => isRecord(tag) && typeof tag.Key === "string")
      .map((tag) => ({
        Key: tag.Key as string,
        Value: firstUnresolved(tag.Value) ? "" : String(tag.Value ?? ""),
      }));
  }

  private note(property: string, problem: Unresolved, placeholder: string | undefined): void {
    this.context.builder.noteUnresolved({
      resourceId: this.subject,
      logicalName: this.logicalId,
      property,
      reason: problem.reason,
      ...(placeholder && { placeholder }),
    });
  }
}

/**
 * Returns the boolean a template value stands for: a YAML or JSON boolean, or the string `true`
 * or `false` in any letter case, as parameters and `Fn::If` branches often give it. Returns
 * undefined for any other value.
 */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  // NOTE: AWS documents only true and false, not whether letter case matters. Any case is
  // accepted rather than read as false, and other values are reported.
  const text = value.toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  return undefined;
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
