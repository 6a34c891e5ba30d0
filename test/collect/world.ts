/**
 * A fake AWS account for collector tests: aws-sdk-client-mock stubs `send` of the real EC2Client
 * and SSMClient classes and serves each command from in-memory resources, applying the filters
 * the way EC2 and SSM document them. An unexpected filter name fails the call.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeDhcpOptionsCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
  type Filter,
} from "@aws-sdk/client-ec2";
import {
  DescribeInstanceInformationCommand,
  SSMClient,
  type InstanceInformationStringFilter,
} from "@aws-sdk/client-ssm";
import { ListHostedZonesByVPCCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  ListResolverRuleAssociationsCommand,
  ListResolverRulesCommand,
  Route53ResolverClient,
  type ListResolverRuleAssociationsRequest,
} from "@aws-sdk/client-route53resolver";
import { mockClient } from "aws-sdk-client-mock";
import { vi } from "vitest";
import { sectionInfo } from "../../src/snapshot/sections.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { EXAMPLES } from "../helpers.js";

export const REGION = "us-east-1";
export const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
/** The dummy secret key, which no log line or snapshot may contain. */
export const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY";
export const CREDENTIALS = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };

/** The sections the collector fills from EC2, SSM, Route 53 and Route 53 Resolver. */
type CollectedSection =
  | "Vpcs"
  | "VpcAttributes"
  | "Subnets"
  | "RouteTables"
  | "ManagedPrefixLists"
  | "NatGateways"
  | "InternetGateways"
  | "EgressOnlyInternetGateways"
  | "VpcEndpoints"
  | "ServiceDetails"
  | "SecurityGroups"
  | "NetworkAcls"
  | "DhcpOptions"
  | "NetworkInterfaces"
  | "Reservations"
  | "InstanceTypes"
  | "InstanceInformationList"
  | "HostedZones"
  | "ResolverRules"
  | "ResolverRuleAssociations";

/** The resources the fake account holds, in snapshot section shapes. */
export type World = Required<Pick<Snapshot, CollectedSection>>;

export type Ec2Mock = ReturnType<typeof mockWorld>["ec2"];
export type SsmMock = ReturnType<typeof mockWorld>["ssm"];
export type Route53Mock = ReturnType<typeof mockWorld>["route53"];
export type ResolverMock = ReturnType<typeof mockWorld>["resolver"];

/** Reads a bundled example snapshot, with timestamps turned back into the Date values the SDK returns. */
export function readExample(file: string): Snapshot {
  const text = readFileSync(join(EXAMPLES, file), "utf8");
  return JSON.parse(text, (key, value) =>
    typeof value === "string" &&
    /(Time|Timestamp|DateTime)$/.test(key) &&
    !Number.isNaN(Date.parse(value))
      ? new Date(value)
      : value,
  ) as Snapshot;
}

/** Returns an empty account. */
export function emptyWorld(): World {
  return {
    Vpcs: [],
    VpcAttributes: [],
    Subnets: [],
    RouteTables: [],
    ManagedPrefixLists: [],
    NatGateways: [],
    InternetGateways: [],
    EgressOnlyInternetGateways: [],
    VpcEndpoints: [],
    ServiceDetails: [],
    SecurityGroups: [],
    NetworkAcls: [],
    DhcpOptions: [],
    NetworkInterfaces: [],
    Reservations: [],
    InstanceTypes: [],
    InstanceInformationList: [],
    HostedZones: [],
    ResolverRules: [],
    ResolverRuleAssociations: [],
  };
}

/** Merges snapshots into one account. Items keep their order, and a shared resource appears once. */
export function worldOf(...snapshots: Snapshot[]): World {
  const world = emptyWorld();
  for (const snapshot of snapshots) {
    for (const key of Object.keys(world) as Array<keyof World>) {
      const idField = sectionInfo(key).idField;
      const target = world[key] as Array<Record<string, unknown>>;
      for (const item of (snapshot[key] ?? []) as Array<Record<string, unknown>>) {
        if (!target.some((existing) => existing[idField] === item[idField]))
          target.push(structuredClone(item));
      }
    }
  }
  return world;
}

/** Builds an AWS service error the way the SDK deserializer does. */
export function awsError(code: string, message: string, status = 400): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, requestId: "req-0001", attempts: 1 },
    message,
  });
}

/** Stubs the client classes so every instance, including the collector's own, reads from the world. */
export function mockWorld(world: World) {
  const ec2 = mockClient(EC2Client);
  const ssm = mockClient(SSMClient);
  const { route53, resolver } = mockDns(world);

  ec2.on(DescribeVpcsCommand).callsFake((input) => ({
    Vpcs: world.Vpcs.filter(matches(input.Filters, { "vpc-id": (vpc) => [vpc.VpcId] })),
  }));
  ec2.on(DescribeVpcAttributeCommand).callsFake((input) => {
    const attributes = world.VpcAttributes.find((item) => item.VpcId === input.VpcId);
    if (!attributes)
      throw awsError("InvalidVpcID.NotFound", `The vpc ID '${input.VpcId}' does not exist`);
    const key = input.Attribute === "enableDnsSupport" ? "EnableDnsSupport" : "EnableDnsHostnames";
    return { VpcId: input.VpcId, [key]: attributes[key] };
  });
  ec2.on(DescribeSubnetsCommand).callsFake((input) => ({
    Subnets: world.Subnets.filter(matches(input.Filters, { "vpc-id": (subnet) => [subnet.VpcId] })),
  }));
  ec2.on(DescribeRouteTablesCommand).callsFake((input) => ({
    RouteTables: world.RouteTables.filter(
      matches(input.Filters, { "vpc-id": (table) => [table.VpcId] }),
    ),
  }));
  ec2.on(DescribeNatGatewaysCommand).callsFake((input) => ({
    NatGateways: world.NatGateways.filter(
      matches(input.Filter, { "vpc-id": (nat) => [nat.VpcId] }),
    ),
  }));
  ec2.on(DescribeInternetGatewaysCommand).callsFake((input) => ({
    InternetGateways: world.InternetGateways.filter(
      matches(input.Filters, {
        "attachment.vpc-id": (igw) => (igw.Attachments ?? []).map((a) => a.VpcId),
      }),
    ),
  }));
  ec2.on(DescribeEgressOnlyInternetGatewaysCommand).callsFake((input) => ({
    EgressOnlyInternetGateways: world.EgressOnlyInternetGateways.filter(matches(input.Filters, {})),
  }));
  ec2.on(DescribeVpcEndpointsCommand).callsFake((input) => ({
    VpcEndpoints: world.VpcEndpoints.filter(
      matches(input.Filters, { "vpc-id": (endpoint) => [endpoint.VpcId] }),
    ),
  }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => ({
    SecurityGroups: world.SecurityGroups.filter(
      matches(input.Filters, { "vpc-id": (group) => [group.VpcId] }),
    ),
  }));
  ec2.on(DescribeNetworkAclsCommand).callsFake((input) => ({
    NetworkAcls: world.NetworkAcls.filter(
      matches(input.Filters, { "vpc-id": (acl) => [acl.VpcId] }),
    ),
  }));
  ec2.on(DescribeNetworkInterfacesCommand).callsFake((input) => ({
    NetworkInterfaces: world.NetworkInterfaces.filter(
      matches(input.Filters, { "vpc-id": (eni) => [eni.VpcId] }),
    ),
  }));
  ec2.on(DescribeInstancesCommand).callsFake((input) => {
    const keep = matches(input.Filters, {
      "vpc-id": (instance: { VpcId?: string }) => [instance.VpcId],
    });
    const reservations = world.Reservations.map((reservation) => ({
      ...reservation,
      Instances: (reservation.Instances ?? []).filter(keep),
    })).filter((reservation) => reservation.Instances.length > 0);
    return { Reservations: reservations };
  });
  ec2.on(DescribeDhcpOptionsCommand).callsFake((input) => ({
    DhcpOptions: world.DhcpOptions.filter(
      matches(input.Filters, { "dhcp-options-id": (options) => [options.DhcpOptionsId] }),
    ),
  }));
  ec2.on(DescribeManagedPrefixListsCommand).callsFake((input) => ({
    PrefixLists: world.ManagedPrefixLists.filter(
      matches(input.Filters, { "prefix-list-id": (list) => [list.PrefixListId] }),
    ).map(({ Entries: _entries, ...list }) => list),
  }));
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake((input) => {
    const list = world.ManagedPrefixLists.find((item) => item.PrefixListId === input.PrefixListId);
    if (!list)
      throw awsError(
        "InvalidPrefixListID.NotFound",
        `The prefix list ID '${input.PrefixListId}' does not exist`,
      );
    return { Entries: list.Entries ?? [] };
  });
  ec2.on(DescribeVpcEndpointServicesCommand).callsFake((input) => {
    const details = world.ServiceDetails.filter(
      matches(input.Filters, { "service-name": (detail) => [detail.ServiceName] }),
    );
    return { ServiceDetails: details, ServiceNames: details.map((detail) => detail.ServiceName) };
  });
  ec2.on(DescribeInstanceTypesCommand).callsFake((input) => ({
    InstanceTypes: world.InstanceTypes.filter((info) =>
      (input.InstanceTypes ?? []).includes(info.InstanceType!),
    ),
  }));
  ssm.on(DescribeInstanceInformationCommand).callsFake((input) => {
    const filters: InstanceInformationStringFilter[] = input.Filters ?? [];
    const ids = filters.find((filter) => filter.Key === "InstanceIds")?.Values;
    if (!ids || filters.length !== 1) throw new Error("expected exactly one InstanceIds filter");
    if (ids.length > 50)
      throw awsError("InvalidFilterValue", "too many instance ids in one filter");
    return {
      InstanceInformationList: world.InstanceInformationList.filter((info) =>
        ids.includes(info.InstanceId!),
      ),
    };
  });
  return { ec2, ssm, route53, resolver, restore: () => restoreAll(ec2, ssm, route53, resolver) };
}

function restoreAll(...mocks: Array<{ restore: () => void }>): void {
  for (const mock of mocks) mock.restore();
}

/**
 * Stubs the Route 53 and Resolver clients. ListHostedZonesByVPC takes one VPC and its Region, and
 * ListResolverRuleAssociations accepts only the `VPCId` filter here.
 */
function mockDns(world: World) {
  const route53 = mockClient(Route53Client);
  // The Resolver client comes from an older SDK release with its own @smithy/types, so its
  // classes pass through the EC2 client's types for aws-sdk-client-mock.
  const resolver = mockClient(Route53ResolverClient as unknown as typeof EC2Client);

  route53.on(ListHostedZonesByVPCCommand).callsFake((input) => {
    if (!input.VPCId || !input.VPCRegion)
      throw awsError("InvalidInput", "VPCId and VPCRegion are required");
    const zones = world.HostedZones.filter((zone) => zone.VpcId === input.VPCId);
    return {
      HostedZoneSummaries: zones.map(({ VpcId: _vpcId, ...zone }) => zone),
      MaxItems: 100,
    };
  });
  resolver
    .on(ListResolverRulesCommand as unknown as typeof DescribeVpcsCommand)
    .callsFake(() => ({ ResolverRules: world.ResolverRules }));
  resolver
    .on(ListResolverRuleAssociationsCommand as unknown as typeof DescribeVpcsCommand)
    .callsFake((input: ListResolverRuleAssociationsRequest) => {
      const filters = input.Filters ?? [];
      if (filters.some((filter) => filter.Name !== "VPCId")) {
        throw awsError("InvalidParameterException", "only the VPCId filter is supported");
      }
      const vpcIds = filters.flatMap((filter) => filter.Values ?? []);
      return {
        ResolverRuleAssociations: world.ResolverRuleAssociations.filter(
          (association) => filters.length === 0 || vpcIds.includes(association.VPCId),
        ),
      };
    });
  return { route53, resolver };
}

type Accessors<T> = Record<string, (item: T) => Array<string | undefined>>;

/**
 * Returns a predicate for EC2 filter semantics: values of one filter are ORed, filters are ANDed.
 * A filter name the fake does not support for the operation throws, as AWS rejects unknown names.
 */
function matches<T>(filters: Filter[] | undefined, accessors: Accessors<T>): (item: T) => boolean {
  for (const filter of filters ?? []) {
    if (!filter.Name || !accessors[filter.Name]) {
      throw awsError("InvalidParameterValue", `The filter '${filter.Name}' is invalid`);
    }
  }
  return (item) =>
    (filters ?? []).every((filter) => {
      const values = accessors[filter.Name!]!(item);
      return values.some((value) => value !== undefined && (filter.Values ?? []).includes(value));
    });
}

/** Isolates the AWS environment of a test: no real profile, credentials file or metadata endpoint. */
export function isolateAwsEnvironment(): void {
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/vpc-lint-test/config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/vpc-lint-test/credentials");
  for (const name of [
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
  ]) {
    vi.stubEnv(name, undefined);
  }
}
