/**
 * The first wave: every call that can be filtered by VPC, each sent once for all requested VPCs
 * (the `vpc-id` filters accept several values), all in parallel.
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
  type EC2Client,
  type EgressOnlyInternetGateway,
  type Filter,
  type VpcAttributeName,
} from "@aws-sdk/client-ec2";
import type { SectionName, Snapshot, VpcAttributes } from "../snapshot/types.js";
import { callOf, type CallId, type CallRunner } from "./runner.js";

/** The two DescribeVpcAttribute attributes the rules read, with the output key each fills. */
const DNS_ATTRIBUTES = [
  { attribute: "enableDnsSupport", key: "EnableDnsSupport" },
  { attribute: "enableDnsHostnames", key: "EnableDnsHostnames" },
] as const satisfies ReadonlyArray<{ attribute: VpcAttributeName; key: keyof VpcAttributes }>;

/** Collects the VPC-scoped sections. A section whose call failed is left out. */
export async function collectScoped(
  ec2: EC2Client,
  runner: CallRunner,
  vpcIds: readonly string[],
): Promise<Snapshot> {
  const pager = { client: ec2, stopOnSameToken: true };
  const byVpc: Filter[] = [{ Name: "vpc-id", Values: [...vpcIds] }];
  const sections: Snapshot = {};
  const keep =
    <K extends SectionName>(key: K) =>
    (items: Snapshot[K] | undefined): void => {
      if (items !== undefined) sections[key] = items;
    };

  runner.announce("wave 1", plannedCalls(vpcIds));
  await Promise.all([
    runner
      .paginate(
        callOf("Vpcs"),
        paginateDescribeVpcs(pager, { Filters: byVpc }),
        (page) => page.Vpcs,
      )
      .then(keep("Vpcs")),
    collectVpcAttributes(ec2, runner, vpcIds).then(keep("VpcAttributes")),
    runner
      .paginate(
        callOf("Subnets"),
        paginateDescribeSubnets(pager, { Filters: byVpc }),
        (page) => page.Subnets,
      )
      .then(keep("Subnets")),
    runner
      .paginate(
        callOf("RouteTables"),
        paginateDescribeRouteTables(pager, { Filters: byVpc }),
        (page) => page.RouteTables,
      )
      .then(keep("RouteTables")),
    runner
      .paginate(
        callOf("NatGateways"),
        // DescribeNatGateways names its filter list `Filter`, not `Filters`.
        paginateDescribeNatGateways(pager, { Filter: byVpc }),
        (page) => page.NatGateways,
      )
      .then(keep("NatGateways")),
    runner
      .paginate(
        callOf("InternetGateways"),
        paginateDescribeInternetGateways(pager, {
          Filters: [{ Name: "attachment.vpc-id", Values: [...vpcIds] }],
        }),
        (page) => page.InternetGateways,
      )
      .then(keep("InternetGateways")),
    collectEgressOnlyGateways(ec2, runner, vpcIds).then(keep("EgressOnlyInternetGateways")),
    runner
      .paginate(
        callOf("VpcEndpoints"),
        paginateDescribeVpcEndpoints(pager, { Filters: byVpc }),
        (page) => page.VpcEndpoints,
      )
      .then(keep("VpcEndpoints")),
    runner
      .paginate(
        callOf("SecurityGroups"),
        paginateDescribeSecurityGroups(pager, { Filters: byVpc }),
        (page) => page.SecurityGroups,
      )
      .then(keep("SecurityGroups")),
    runner
      .paginate(
        callOf("NetworkAcls"),
        paginateDescribeNetworkAcls(pager, { Filters: byVpc }),
        (page) => page.NetworkAcls,
      )
      .then(keep("NetworkAcls")),
    runner
      .paginate(
        callOf("Reservations"),
        paginateDescribeInstances(pager, { Filters: byVpc }),
        (page) => page.Reservations,
      )
      .then(keep("Reservations")),
    runner
      .paginate(
        callOf("NetworkInterfaces"),
        paginateDescribeNetworkInterfaces(pager, { Filters: byVpc }),
        (page) => page.NetworkInterfaces,
      )
      .then(keep("NetworkInterfaces")),
  ]);
  return sections;
}

function plannedCalls(vpcIds: readonly string[]): CallId[] {
  const sections: SectionName[] = [
    "Vpcs",
    "Subnets",
    "RouteTables",
    "NatGateways",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "NetworkAcls",
    "Reservations",
    "NetworkInterfaces",
  ];
  const attributeCalls = vpcIds.flatMap((vpcId) =>
    DNS_ATTRIBUTES.map(({ attribute }) => callOf("VpcAttributes", `${vpcId} ${attribute}`)),
  );
  return [...sections.map((section) => callOf(section)), ...attributeCalls];
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
