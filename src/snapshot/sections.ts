/** What each snapshot section is, which API call fills it and which IAM action that call needs. */
import type { SectionName, Snapshot } from "./types.js";

export interface SectionInfo {
  name: SectionName;
  /** The API operations that fill the section, in collection order. */
  operations: string[];
  /** The IAM actions those operations need, one per operation. */
  iamActions: string[];
  /** The field that identifies one item, which with keyFields drops repeats in merges and pages. */
  idField: string;
  /**
   * More fields that identify one item with idField, for a section that lists an id once per
   * pairing: a hosted zone once per VPC, an endpoint service once per service type.
   */
  keyFields?: readonly string[];
  /** The top-level key of the matching singular `Create*` output, when there is one. */
  singular?: string;
  /**
   * The assumption checks make without the section, for a section they read only when present.
   * Every other section is required by the rules that read it.
   */
  fallback?: string;
}

export const SECTIONS: readonly SectionInfo[] = [
  section("Vpcs", "DescribeVpcs", "VpcId", "Vpc"),
  section("VpcAttributes", "DescribeVpcAttribute", "VpcId"),
  section("Subnets", "DescribeSubnets", "SubnetId", "Subnet"),
  section("RouteTables", "DescribeRouteTables", "RouteTableId", "RouteTable"),
  {
    name: "ManagedPrefixLists",
    operations: ["DescribeManagedPrefixLists", "GetManagedPrefixListEntries"],
    iamActions: ["ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"],
    idField: "PrefixListId",
  },
  section("NatGateways", "DescribeNatGateways", "NatGatewayId", "NatGateway"),
  {
    ...section(
      "InternetGateways",
      "DescribeInternetGateways",
      "InternetGatewayId",
      "InternetGateway",
    ),
    fallback: "nothing about internet gateways and report the paths through one as unknown",
  },
  {
    ...section(
      "EgressOnlyInternetGateways",
      "DescribeEgressOnlyInternetGateways",
      "EgressOnlyInternetGatewayId",
      "EgressOnlyInternetGateway",
    ),
    fallback:
      "nothing about egress-only internet gateways and report the paths through one as unknown",
  },
  section("VpcEndpoints", "DescribeVpcEndpoints", "VpcEndpointId", "VpcEndpoint"),
  {
    ...section("ServiceDetails", "DescribeVpcEndpointServices", "ServiceName"),
    keyFields: ["ServiceType"],
    fallback:
      "that vpc-lint's own table of services with IPv6 over PrivateLink is current and that " +
      "every AWS service publishes a private DNS name",
  },
  section("SecurityGroups", "DescribeSecurityGroups", "GroupId", "SecurityGroup"),
  section("NetworkAcls", "DescribeNetworkAcls", "NetworkAclId", "NetworkAcl"),
  section("DhcpOptions", "DescribeDhcpOptions", "DhcpOptionsId", "DhcpOptions"),
  section(
    "NetworkInterfaces",
    "DescribeNetworkInterfaces",
    "NetworkInterfaceId",
    "NetworkInterface",
  ),
  section("Reservations", "DescribeInstances", "ReservationId"),
  section("InstanceTypes", "DescribeInstanceTypes", "InstanceType"),
  {
    name: "InstanceInformationList",
    operations: ["DescribeInstanceInformation"],
    iamActions: ["ssm:DescribeInstanceInformation"],
    idField: "InstanceId",
  },
  {
    name: "HostedZones",
    operations: ["ListHostedZonesByVPC"],
    iamActions: ["route53:ListHostedZonesByVPC"],
    idField: "HostedZoneId",
    keyFields: ["VpcId"],
    fallback: "that no private hosted zone answers for a service's name",
  },
  {
    name: "ResolverRules",
    operations: ["ListResolverRules"],
    iamActions: ["route53resolver:ListResolverRules"],
    idField: "Id",
    fallback: "that no Resolver rule forwards a service's name",
  },
  {
    name: "ResolverRuleAssociations",
    operations: ["ListResolverRuleAssociations"],
    iamActions: ["route53resolver:ListResolverRuleAssociations"],
    idField: "Id",
    fallback: "that no Resolver rule forwards a service's name",
  },
];

export const SECTION_NAMES: readonly SectionName[] = SECTIONS.map((info) => info.name);

/**
 * Calls `visit` with the id and the item of every resource in a snapshot: each section's items by
 * their id field, and the instances inside Reservations by their instance id. With `sections`,
 * visits only the items of those sections, and instances count as items of Reservations.
 */
export function forEachResource(
  snapshot: Snapshot,
  visit: (id: string, item: Record<string, unknown>) => void,
  sections?: ReadonlySet<SectionName>,
): void {
  for (const info of SECTIONS) {
    if (sections && !sections.has(info.name)) continue;
    const items = (snapshot[info.name] as Record<string, unknown>[] | undefined) ?? [];
    for (const item of items) {
      const id = item[info.idField];
      if (typeof id === "string") visit(id, item);
    }
  }
  if (sections && !sections.has("Reservations")) return;
  for (const reservation of snapshot.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      if (instance.InstanceId) visit(instance.InstanceId, instance as Record<string, unknown>);
    }
  }
}

/** The key functions of the sections, made on first request. */
const KEYS = new Map<SectionName, (item: object) => string | undefined>();

/**
 * Returns the function that gives the key identifying an item of a section when files merge or
 * pages repeat: its id, followed by its keyFields, or undefined for an item without an id.
 */
export function itemKeyOf(section: SectionName): (item: object) => string | undefined {
  let key = KEYS.get(section);
  if (key) return key;
  const { idField, keyFields } = sectionInfo(section);
  key = (item) => {
    const record = item as Record<string, unknown>;
    const id = record[idField];
    if (typeof id !== "string") return undefined;
    if (!keyFields) return id;
    const more = keyFields.map((field) => {
      const value = record[field];
      return typeof value === "string" ? value : JSON.stringify(value ?? null);
    });
    return [id, ...more].join(" ");
  };
  KEYS.set(section, key);
  return key;
}

const BY_NAME = new Map(SECTIONS.map((info) => [info.name, info]));
const BY_OPERATION = new Map(
  SECTIONS.flatMap((info) => info.operations.map((operation) => [operation, info] as const)),
);

export function sectionInfo(name: SectionName): SectionInfo {
  return BY_NAME.get(name) as SectionInfo;
}

/** Returns the section an API operation fills, or undefined for an operation no section needs. */
export function sectionOfOperation(operation: string): SectionInfo | undefined {
  return BY_OPERATION.get(operation);
}

/** Maps each section whose collection failed to the failed operation and error code. */
export function failedSections(snapshot: Snapshot): Map<SectionName, string> {
  const failed = new Map<SectionName, string>();
  for (const error of snapshot.Errors ?? []) {
    const section = sectionOfOperation(error.Operation);
    if (section && !failed.has(section.name)) {
      failed.set(section.name, `${error.Operation} failed with ${error.Code}`);
    }
  }
  return failed;
}

/** Returns the IAM action for an operation, such as `ec2:DescribeSubnets`. */
export function iamActionOf(operation: string): string {
  const info = BY_OPERATION.get(operation);
  const position = info?.operations.indexOf(operation) ?? -1;
  return info && position >= 0 ? (info.iamActions[position] as string) : `ec2:${operation}`;
}

function section(
  name: SectionName,
  operation: string,
  idField: string,
  singular?: string,
): SectionInfo {
  const info: SectionInfo = {
    name,
    operations: [operation],
    iamActions: [`ec2:${operation}`],
    idField,
  };
  if (singular) info.singular = singular;
  return info;
}
