/**
 * Collector benchmarks against mocked AWS clients that add a fixed latency to every call and
 * return results in pages, so the figures show round trips and call counts, not CPU.
 */
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
  GetManagedPrefixListEntriesCommand,
  type Filter,
} from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand, Route53Client } from "@aws-sdk/client-route-53";
import {
  ListResolverRuleAssociationsCommand,
  ListResolverRulesCommand,
  Route53ResolverClient,
} from "@aws-sdk/client-route53resolver";
import { DescribeInstanceInformationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { collectSnapshot } from "../../src/collect/collector.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  ec2Error,
  FakeAws,
  ssmError,
  type FakeResponse,
  type Service,
} from "../../test/collect/transport.js";
import { generateSnapshot } from "./generate.js";

/**
 * NOTE: page sizes are estimates of AWS's defaults: the collector sets no MaxResults, and EC2
 * caps most Describe pages at 1,000 items. SSM pages hold 50 registrations, Route 53 and the
 * Resolver 100 items.
 */
const EC2_PAGE = 1000;
const SSM_PAGE = 50;
const LIST_PAGE = 100;

const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "bench-secret" };

export interface CollectMeasurement {
  vpcs: number;
  calls: number;
  wallMs: number;
  errors: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects `vpcs` generated VPCs of 20 subnets through mocks that wait `latencyMs` per call. */
export async function benchCollect(vpcs: number, latencyMs: number): Promise<CollectMeasurement> {
  const world = generateSnapshot({ seed: 11, vpcs, subnetsPerVpc: 20 });
  let calls = 0;
  const serve =
    <I>(answer: (input: I) => object) =>
    async (input: I) => {
      calls += 1;
      await sleep(latencyMs);
      return answer(input);
    };
  const restore = installMocks(world, serve);
  try {
    const start = performance.now();
    const snapshot = await collectSnapshot({
      vpcIds: world.Vpcs!.map((vpc) => vpc.VpcId!),
      region: "us-east-1",
      concurrency: 16,
      log: () => undefined,
      clientOverrides: { credentials: CREDENTIALS },
    });
    const wallMs = performance.now() - start;
    return { vpcs, calls, wallMs, errors: snapshot.Errors?.length ?? 0 };
  } finally {
    restore();
  }
}

type Serve = <I>(answer: (input: I) => object) => (input: I) => Promise<object>;

function installMocks(world: Snapshot, serve: Serve): () => void {
  const ec2 = mockClient(EC2Client);
  const ssm = mockClient(SSMClient);
  const route53 = mockClient(Route53Client);
  const resolver = mockClient(Route53ResolverClient as unknown as typeof EC2Client);
  const byVpc = (
    filters: Filter[] | undefined,
    vpcIdsOf: (item: never) => Array<string | undefined>,
  ) => {
    const values = new Set(filters?.[0]?.Values ?? []);
    return (item: unknown) =>
      vpcIdsOf(item as never).some((id) => id !== undefined && values.has(id));
  };
  const vpcOf = (item: { VpcId?: string }) => [item.VpcId];
  const attachedTo = (item: { Attachments?: Array<{ VpcId?: string }> }) =>
    (item.Attachments ?? []).map((attachment) => attachment.VpcId);

  const ec2Pages = <I extends { NextToken?: string; Filters?: Filter[]; Filter?: Filter[] }>(
    key: string,
    items: unknown[],
    keep?: (item: never) => Array<string | undefined>,
  ) =>
    serve<I>((input) => {
      const filters = input.Filters ?? input.Filter;
      const kept = keep ? items.filter(byVpc(filters, keep)) : items;
      return page(key, kept, input.NextToken, EC2_PAGE);
    });

  ec2.on(DescribeVpcsCommand).callsFake(ec2Pages("Vpcs", world.Vpcs!, vpcOf));
  ec2.on(DescribeSubnetsCommand).callsFake(ec2Pages("Subnets", world.Subnets!, vpcOf));
  ec2.on(DescribeRouteTablesCommand).callsFake(ec2Pages("RouteTables", world.RouteTables!, vpcOf));
  ec2.on(DescribeNatGatewaysCommand).callsFake(ec2Pages("NatGateways", world.NatGateways!, vpcOf));
  ec2
    .on(DescribeInternetGatewaysCommand)
    .callsFake(ec2Pages("InternetGateways", world.InternetGateways!, attachedTo));
  ec2
    .on(DescribeEgressOnlyInternetGatewaysCommand)
    .callsFake(ec2Pages("EgressOnlyInternetGateways", world.EgressOnlyInternetGateways!));
  ec2
    .on(DescribeVpcEndpointsCommand)
    .callsFake(ec2Pages("VpcEndpoints", world.VpcEndpoints!, vpcOf));
  ec2
    .on(DescribeSecurityGroupsCommand)
    .callsFake(ec2Pages("SecurityGroups", world.SecurityGroups!, vpcOf));
  ec2.on(DescribeNetworkAclsCommand).callsFake(ec2Pages("NetworkAcls", world.NetworkAcls!, vpcOf));
  ec2
    .on(DescribeNetworkInterfacesCommand)
    .callsFake(ec2Pages("NetworkInterfaces", world.NetworkInterfaces!, vpcOf));
  ec2
    .on(DescribeInstancesCommand)
    .callsFake(
      ec2Pages(
        "Reservations",
        world.Reservations!,
        (reservation: { Instances?: Array<{ VpcId?: string }> }) =>
          (reservation.Instances ?? []).map((instance) => instance.VpcId),
      ),
    );
  ec2.on(DescribeVpcAttributeCommand).callsFake(
    serve((input: { VpcId?: string; Attribute?: string }) => {
      const attributes = world.VpcAttributes!.find((item) => item.VpcId === input.VpcId);
      const key =
        input.Attribute === "enableDnsSupport" ? "EnableDnsSupport" : "EnableDnsHostnames";
      return { VpcId: input.VpcId, [key]: attributes?.[key] };
    }),
  );
  ec2.on(DescribeDhcpOptionsCommand).callsFake(ec2Pages("DhcpOptions", world.DhcpOptions!));
  ec2.on(DescribeManagedPrefixListsCommand).callsFake(
    ec2Pages(
      "PrefixLists",
      world.ManagedPrefixLists!.map(({ Entries: _entries, ...list }) => list),
    ),
  );
  ec2
    .on(GetManagedPrefixListEntriesCommand)
    .callsFake(ec2Pages("Entries", world.ManagedPrefixLists![0]!.Entries ?? []));
  ec2
    .on(DescribeVpcEndpointServicesCommand)
    .callsFake(ec2Pages("ServiceDetails", world.ServiceDetails!));
  ec2.on(DescribeInstanceTypesCommand).callsFake(ec2Pages("InstanceTypes", world.InstanceTypes!));
  ssm.on(DescribeInstanceInformationCommand).callsFake(
    serve((input: { Filters?: Array<{ Values?: string[] }>; NextToken?: string }) => {
      const ids = new Set(input.Filters?.[0]?.Values ?? []);
      const items = world.InstanceInformationList!.filter((info) => ids.has(info.InstanceId!));
      return page("InstanceInformationList", items, input.NextToken, SSM_PAGE);
    }),
  );
  route53
    .on(ListHostedZonesByVPCCommand)
    .callsFake(serve(() => ({ HostedZoneSummaries: [], MaxItems: LIST_PAGE })));
  resolver
    .on(ListResolverRulesCommand as unknown as typeof DescribeVpcsCommand)
    .callsFake(serve(() => ({ ResolverRules: [] })));
  resolver
    .on(ListResolverRuleAssociationsCommand as unknown as typeof DescribeVpcsCommand)
    .callsFake(serve(() => ({ ResolverRuleAssociations: [] })));

  return () => {
    for (const mock of [ec2, ssm, route53, resolver]) mock.restore();
  };
}

/** Returns one page of items and the token of the next page, as the list APIs do. */
function page(key: string, items: unknown[], token: string | undefined, size: number): object {
  const start = token ? Number(token) : 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { [key]: items.slice(start, start + size), ...(next && { NextToken: next }) };
}

export interface ThrottleMeasurement {
  requests: number;
  throttled: number;
  wallMs: number;
  errors: number;
  complete: boolean;
}

/**
 * Collects the fake transport's one VPC while every fifth HTTP request is throttled with each
 * service's own throttling error. The SDK's adaptive retry runs for real, with its real back-off delays.
 */
export async function benchThrottled(latencyMs: number): Promise<ThrottleMeasurement> {
  let throttled = 0;
  let count = 0;
  const fake = new FakeAws((_operation, _attempt, request) => {
    count += 1;
    if (count % 5 !== 0) return undefined;
    throttled += 1;
    return throttlingError(request.service);
  });
  const handler = {
    handle: async (request: Parameters<FakeAws["handler"]["handle"]>[0]) => {
      await sleep(latencyMs);
      return fake.handler.handle(request);
    },
  };
  const start = performance.now();
  const snapshot = await collectSnapshot({
    vpcIds: ["vpc-0a1b2c3d4e5f60001"],
    region: "us-east-1",
    concurrency: 16,
    log: () => undefined,
    clientOverrides: { credentials: CREDENTIALS, requestHandler: handler },
  });
  const wallMs = performance.now() - start;
  const errors = snapshot.Errors?.length ?? 0;
  return { requests: fake.requests.length, throttled, wallMs, errors, complete: errors === 0 };
}

function throttlingError(service: Service): FakeResponse {
  if (service === "ec2") return ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503);
  if (service === "route53") {
    const body =
      '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
      "<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>" +
      "<RequestId>bench</RequestId></ErrorResponse>";
    return { status: 400, body };
  }
  return ssmError("ThrottlingException", "Rate exceeded");
}
