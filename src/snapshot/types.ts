/**
 * The snapshot: the contract between the collector and the rules. Each section keeps the AWS API's
 * own output shape, so `aws ec2 describe-* --output json` output is already a partial snapshot.
 * An absent section was not collected; an empty list means no such resource exists.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import type { InstanceInformation } from "@aws-sdk/client-ssm";

export const SNAPSHOT_VERSION = 1;

/** Where a snapshot came from. Both fields are optional for hand-assembled CLI outputs. */
export interface SnapshotSource {
  AccountId?: string;
  Region?: string;
  CollectedAt?: string;
  VpcIds?: string[];
}

/** One VPC's DNS attributes, as two DescribeVpcAttribute calls return them. */
export interface VpcAttributes {
  VpcId: string;
  EnableDnsSupport?: { Value?: boolean };
  EnableDnsHostnames?: { Value?: boolean };
}

/** A managed prefix list with the entries GetManagedPrefixListEntries returned for it. */
export type ManagedPrefixList = EC2.ManagedPrefixList & { Entries?: EC2.PrefixListEntry[] };

/** A Route 53 private hosted zone associated with a VPC (ListHostedZonesByVPC, plus the VPC id). */
export interface HostedZoneAssociation {
  HostedZoneId: string;
  Name: string;
  VpcId: string;
  Owner?: { OwningAccount?: string; OwningService?: string };
}

/** A Route 53 Resolver rule (ListResolverRules). */
export interface ResolverRule {
  Id: string;
  DomainName?: string;
  RuleType?: string;
  Status?: string;
  TargetIps?: { Ip?: string; Ipv6?: string; Port?: number }[];
}

/** A Resolver rule associated with a VPC (ListResolverRuleAssociations). */
export interface ResolverRuleAssociation {
  Id?: string;
  ResolverRuleId: string;
  VPCId: string;
  Status?: string;
}

/** A call that failed during collection. */
export interface CollectionError {
  Operation: string;
  Code: string;
  Message: string;
  /** The VPC or resource the call was scoped to, when it was scoped. */
  Scope?: string;
}

export interface Snapshot {
  SnapshotVersion?: number;
  Source?: SnapshotSource;
  Vpcs?: EC2.Vpc[];
  VpcAttributes?: VpcAttributes[];
  Subnets?: EC2.Subnet[];
  RouteTables?: EC2.RouteTable[];
  ManagedPrefixLists?: ManagedPrefixList[];
  NatGateways?: EC2.NatGateway[];
  InternetGateways?: EC2.InternetGateway[];
  EgressOnlyInternetGateways?: EC2.EgressOnlyInternetGateway[];
  VpcEndpoints?: EC2.VpcEndpoint[];
  ServiceDetails?: EC2.ServiceDetail[];
  SecurityGroups?: EC2.SecurityGroup[];
  NetworkAcls?: EC2.NetworkAcl[];
  DhcpOptions?: EC2.DhcpOptions[];
  NetworkInterfaces?: EC2.NetworkInterface[];
  Reservations?: EC2.Reservation[];
  InstanceTypes?: EC2.InstanceTypeInfo[];
  InstanceInformationList?: InstanceInformation[];
  HostedZones?: HostedZoneAssociation[];
  ResolverRules?: ResolverRule[];
  ResolverRuleAssociations?: ResolverRuleAssociation[];
  Errors?: CollectionError[];
}

export type SectionName = Exclude<keyof Snapshot, "SnapshotVersion" | "Source" | "Errors">;
