/**
 * The first wave: every call that can be filtered by VPC, each sent once for up to 200 requested
 * VPCs (the `vpc-id` filters accept several values), plus the per-VPC DescribeVpcAttribute and
 * Route 53 calls, all in parallel.
 */
import {
  DescribeVpcAttributeCommand,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  type DescribeInstancesCommandOutput,
  type DescribeInternetGatewaysCommandOutput,
  type DescribeNatGatewaysCommandOutput,
  type DescribeNetworkAclsCommandOutput,
  type DescribeNetworkInterfacesCommandOutput,
  type DescribeRouteTablesCommandOutput,
  type DescribeSecurityGroupsCommandOutput,
  type DescribeSubnetsCommandOutput,
  type DescribeVpcEndpointsCommandOutput,
  type DescribeVpcsCommandOutput,
  type EC2Client,
  type EgressOnlyInternetGateway,
  type Filter,
  type Vpc,
  type VpcAttributeName,
} from "@aws-sdk/client-ec2";
import type { SectionName, Snapshot, VpcAttributes } from "../snapshot/types.js";
import { chunk, EC2_FILTER_VALUES } from "./chunks.js";
import {
  collectHostedZones,
  collectResolverRuleAssociations,
  collectResolverRules,
  plannedDnsCalls,
  type DnsClients,
} from "./dns.js";
import { callOf, type CallId, type CallRunner, type PageMetadata } from "./runner.js";

/** The two DescribeVpcAttribute attributes the rules read, with the output key each fills. */
const DNS_ATTRIBUTES = [
  { attribute: "enableDnsSupport", key: "EnableDnsSupport" },
  { attribute: "enableDnsHostnames", key: "EnableDnsHostnames" },
] as const satisfies ReadonlyArray<{ attribute: VpcAttributeName; key: keyof VpcAttributes }>;

/** The clients of the first wave. */
export interface ScopedClients extends DnsClients {
  ec2: EC2Client;
  region: string;
}

/**
 * Collects the VPC-scoped sections. `knownVpcs` is the DescribeVpcs output of a discovery call
 * that listed every VPC of the Region, which the wave then reuses instead of describing the VPCs
 * again. A section whose call failed is left out.
 */
export async function collectScoped(
  clients: ScopedClients,
  runner: CallRunner,
  vpcIds: readonly string[],
  knownVpcs?: Vpc[],
): Promise<Snapshot> {
  const { ec2 } = clients;
  const sections: Snapshot = knownVpcs ? { Vpcs: knownVpcs } : {};
  const keep =
    <K extends SectionName>(key: K) =>
    (items: Snapshot[K] | undefined): void => {
      if (items !== undefined) sections[key] = items;
    };
  const byVpc = <P extends PageMetadata, T>(
    section: SectionName,
    pages: (filters: Filter[]) => AsyncIterable<P>,
    itemsOf: (page: P) => T[] | undefined,
    filterName = "vpc-id",
  ) =>
    runner.paginateChunked(
      callOf(section),
      vpcIds,
      EC2_FILTER_VALUES,
      (values) => pages([{ Name: filterName, Values: values }]),
      itemsOf,
    );
  const pager = { client: ec2, stopOnSameToken: true };

  runner.announce("wave 1", plannedCalls(vpcIds, knownVpcs === undefined));
  await Promise.all([
    knownVpcs === undefined &&
      byVpc(
        "Vpcs",
        (Filters) => paginateDescribeVpcs(pager, { Filters }),
        (page: DescribeVpcsCommandOutput) => page.Vpcs,
      ).then(keep("Vpcs")),
    collectVpcAttributes(ec2, runner, vpcIds).then(keep("VpcAttributes")),
    byVpc(
      "Subnets",
      (Filters) => paginateDescribeSubnets(pager, { Filters }),
      (page: DescribeSubnetsCommandOutput) => page.Subnets,
    ).then(keep("Subnets")),
    byVpc(
      "RouteTables",
      (Filters) => paginateDescribeRouteTables(pager, { Filters }),
      (page: DescribeRouteTablesCommandOutput) => page.RouteTables,
    ).then(keep("RouteTables")),
    byVpc(
      "NatGateways",
      // DescribeNatGateways names its filter list `Filter`, not `Filters`.
      (Filter) => paginateDescribeNatGateways(pager, { Filter }),
      (page: DescribeNatGatewaysCommandOutput) => page.NatGateways,
    ).then(keep("NatGateways")),
    byVpc(
      "InternetGateways",
      (Filters) => paginateDescribeInternetGateways(pager, { Filters }),
      (page: DescribeInternetGatewaysCommandOutput) => page.InternetGateways,
      "attachment.vpc-id",
    ).then(keep("InternetGateways")),
    collectEgressOnlyGateways(ec2, runner, vpcIds).then(keep("EgressOnlyInternetGateways")),
    byVpc(
      "VpcEndpoints",
      (Filters) => paginateDescribeVpcEndpoints(pager, { Filters }),
      (page: DescribeVpcEndpointsCommandOutput) => page.VpcEndpoints,
    ).then(keep("VpcEndpoints")),
    byVpc(
      "SecurityGroups",
      (Filters) => paginateDescribeSecurityGroups(pager, { Filters }),
      (page: DescribeSecurityGroupsCommandOutput) => page.SecurityGroups,
    ).then(keep("SecurityGroups")),
    byVpc(
      "NetworkAcls",
      (Filters) => paginateDescribeNetworkAcls(pager, { Filters }),
      (page: DescribeNetworkAclsCommandOutput) => page.NetworkAcls,
    ).then(keep("NetworkAcls")),
    byVpc(
      "Reservations",
      (Filters) => paginateDescribeInstances(pager, { Filters }),
      (page: DescribeInstancesCommandOutput) => page.Reservations,
    ).then(keep("Reservations")),
    byVpc(
      "NetworkInterfaces",
      (Filters) => paginateDescribeNetworkInterfaces(pager, { Filters }),
      (page: DescribeNetworkInterfacesCommandOutput) => page.NetworkInterfaces,
    ).then(keep("NetworkInterfaces")),
    collectHostedZones(clients.route53, runner, vpcIds, clients.region).then(keep("HostedZones")),
    collectResolverRules(clients.resolver, runner).then(keep("ResolverRules")),
    collectResolverRuleAssociations(clients.resolver, runner, vpcIds).then(
      keep("ResolverRuleAssociations"),
    ),
  ]);
  return sections;
}

function plannedCalls(vpcIds: readonly string[], describeVpcs: boolean): CallId[] {
  const filtered: SectionName[] = [
    ...(describeVpcs ? (["Vpcs"] as const) : []),
    "Subnets",
    "RouteTables",
    "NatGateways",
    "InternetGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "NetworkAcls",
    "Reservations",
    "NetworkInterfaces",
  ];
  const chunks = chunk(vpcIds, EC2_FILTER_VALUES).length;
  const filteredCalls = filtered.flatMap((section) =>
    Array.from({ length: chunks }, () => callOf(section)),
  );
  const attributeCalls = vpcIds.flatMap((vpcId) =>
    DNS_ATTRIBUTES.map(({ attribute }) => callOf("VpcAttributes", `${vpcId} ${attribute}`)),
  );
  return [
    ...filteredCalls,
    callOf("EgressOnlyInternetGateways"),
    ...attributeCalls,
    ...plannedDnsCalls(vpcIds),
  ];
}

/**
 * Reads enableDnsSupport and enableDnsHostnames of each VPC, one call per VPC and attribute,
 * because DescribeVpcAttribute takes one of each. Any failed call leaves the section out.
 */
async function collectVpcAttributes(
  ec2: EC2Client,
  runner: CallRunner,
  vpcIds: readonly string[],
): Promise<VpcAttributes[] | undefined> {
  const items: VpcAttributes[] = vpcIds.map((VpcId) => ({ VpcId }));
  const calls = items.flatMap((item) =>
    DNS_ATTRIBUTES.map(async ({ attribute, key }) => {
      const call = callOf("VpcAttributes", `${item.VpcId} ${attribute}`);
      const command = new DescribeVpcAttributeCommand({ VpcId: item.VpcId, Attribute: attribute });
      const output = await runner.send(call, () => ec2.send(command));
      if (!output) return false;
      item[key] = { ...output[key] };
      return true;
    }),
  );
  const results = await Promise.all(calls);
  return results.every(Boolean) ? items : undefined;
}

/**
 * Lists egress-only internet gateways and keeps those attached to a requested VPC, because
 * DescribeEgressOnlyInternetGateways has only tag filters and no VPC filter.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeEgressOnlyInternetGateways.html
 */
async function collectEgressOnlyGateways(
  ec2: EC2Client,
  runner: CallRunner,
  vpcIds: readonly string[],
): Promise<EgressOnlyInternetGateway[] | undefined> {
  const wanted = new Set(vpcIds);
  const gateways = await runner.paginate(
    callOf("EgressOnlyInternetGateways"),
    paginateDescribeEgressOnlyInternetGateways({ client: ec2, stopOnSameToken: true }, {}),
    (page) => page.EgressOnlyInternetGateways,
  );
  return gateways?.filter((gateway) =>
    (gateway.Attachments ?? []).some(
      (attachment) => attachment.VpcId && wanted.has(attachment.VpcId),
    ),
  );
}
