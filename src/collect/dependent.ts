/**
 * The second wave: look-ups that need the first wave's results (option sets, prefix lists,
 * endpoint services, instance types, SSM registrations), all in parallel. A look-up whose source
 * section failed is skipped and its section left out, because its contents would be unknown.
 */
import {
  DescribeVpcEndpointServicesCommand,
  paginateDescribeDhcpOptions,
  paginateDescribeInstanceTypes,
  paginateDescribeManagedPrefixLists,
  paginateGetManagedPrefixListEntries,
  type DescribeVpcEndpointServicesCommandOutput,
  type EC2Client,
  type InstanceTypeInfo,
  type ServiceDetail,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import {
  paginateDescribeInstanceInformation,
  type InstanceInformation,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import type { ManagedPrefixList, SectionName, Snapshot } from "../snapshot/types.js";
import { chunk, EC2_FILTER_VALUES } from "./chunks.js";
import { callOf, type CallId, type CallRunner } from "./runner.js";
import { isLiveInstance } from "../index/util.js";

/** Instance ids per SSM `InstanceIds` filter, which is also the SSM page size cap. */
const SSM_BATCH = 50;

/** NOTE: a conservative DescribeInstanceTypes batch size. The AWS cap on the list is unverified. */
const INSTANCE_TYPE_BATCH = 100;

/** A DhcpOptionsId of `default` means the VPC has no option set and uses the Amazon DNS server. */
const NO_OPTION_SET = "default";

export interface Clients {
  ec2: EC2Client;
  ssm: SSMClient;
}

/** Collects the dependent sections from what the first wave found. */
export async function collectDependent(
  clients: Clients,
  runner: CallRunner,
  found: Snapshot,
  log: (line: string) => void,
): Promise<Snapshot> {
  const sections: Snapshot = {};
  const keep =
    <K extends SectionName>(key: K) =>
    (items: Snapshot[K] | undefined): void => {
      if (items !== undefined) sections[key] = items;
    };
  const lookups = planLookups(found);
  reportSkipped(found, log);
  runner.announce("wave 2", plannedCalls(lookups));

  await Promise.all([
    lookups.dhcpOptionsIds &&
      collectDhcpOptions(clients.ec2, runner, lookups.dhcpOptionsIds).then(keep("DhcpOptions")),
    lookups.prefixListIds &&
      collectPrefixLists(clients.ec2, runner, lookups.prefixListIds).then(
        keep("ManagedPrefixLists"),
      ),
    lookups.serviceNames &&
      collectServiceDetails(clients.ec2, runner, lookups.serviceNames).then(keep("ServiceDetails")),
    lookups.instanceTypes &&
      collectInstanceTypes(clients.ec2, runner, lookups.instanceTypes).then(keep("InstanceTypes")),
    lookups.instanceIds &&
      collectInstanceInformation(clients.ssm, runner, lookups.instanceIds).then(
        keep("InstanceInformationList"),
      ),
  ]);
  return sections;
}

/** The ids each look-up needs, or undefined where the section they come from failed. */
interface Lookups {
  dhcpOptionsIds?: string[];
  prefixListIds?: string[];
  serviceNames?: string[];
  instanceTypes?: string[];
  instanceIds?: string[];
}

function planLookups(found: Snapshot): Lookups {
  const lookups: Lookups = {};
  if (found.Vpcs) {
    lookups.dhcpOptionsIds = unique(found.Vpcs.map((vpc) => vpc.DhcpOptionsId)).filter(
      (id) => id !== NO_OPTION_SET,
    );
  }
  if (found.RouteTables || found.SecurityGroups)
    lookups.prefixListIds = referencedPrefixLists(found);
  if (found.VpcEndpoints)
    lookups.serviceNames = unique(found.VpcEndpoints.map((endpoint) => endpoint.ServiceName));
  if (found.Reservations) {
    const instances = found.Reservations.flatMap((reservation) => reservation.Instances ?? []);
    lookups.instanceTypes = unique(instances.map((instance) => instance.InstanceType));
    lookups.instanceIds = unique(
      instances.filter(isLiveInstance).map((instance) => instance.InstanceId),
    );
  }
  return lookups;
}

/**
 * Returns the prefix lists that routes (`DestinationPrefixListId`) and security group rules
 * (`PrefixListIds`) refer to. When only one of the two sections was collected, the lists the
 * other refers to are missing, but every rule that would read them needs that section too.
 */
function referencedPrefixLists(found: Snapshot): string[] {
  const fromRoutes = (found.RouteTables ?? []).flatMap((table) =>
    (table.Routes ?? []).map((route) => route.DestinationPrefixListId),
  );
  const fromRules = (found.SecurityGroups ?? []).flatMap((group) =>
    [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])].flatMap((permission) =>
      (permission.PrefixListIds ?? []).map((reference) => reference.PrefixListId),
    ),
  );
  return unique([...fromRoutes, ...fromRules]);
}

function reportSkipped(found: Snapshot, log: (line: string) => void): void {
  const skipped: Array<[SectionName, string]> = [];
  if (!found.Vpcs) skipped.push(["DhcpOptions", "DescribeVpcs"]);
  if (!found.RouteTables && !found.SecurityGroups) {
    skipped.push(["ManagedPrefixLists", "DescribeRouteTables and DescribeSecurityGroups"]);
  }
  if (!found.VpcEndpoints) skipped.push(["ServiceDetails", "DescribeVpcEndpoints"]);
  if (!found.Reservations) {
    skipped.push(
      ["InstanceTypes", "DescribeInstances"],
      ["InstanceInformationList", "DescribeInstances"],
    );
  }
  for (const [section, source] of skipped)
    log(`${section}: not collected because ${source} failed`);
}

function plannedCalls(lookups: Lookups): CallId[] {
  const calls: CallId[] = [];
  const filtered = (values: string[] | undefined) => chunk(values ?? [], EC2_FILTER_VALUES);
  calls.push(...filtered(lookups.dhcpOptionsIds).map(() => callOf("DhcpOptions")));
  calls.push(...filtered(lookups.prefixListIds).map(() => callOf("ManagedPrefixLists")));
  for (const id of lookups.prefixListIds ?? []) calls.push(callOf("ManagedPrefixLists", id, 1));
  calls.push(...filtered(lookups.serviceNames).map(() => callOf("ServiceDetails")));
  const typeBatches = chunk(lookups.instanceTypes ?? [], INSTANCE_TYPE_BATCH);
  const idBatches = chunk(lookups.instanceIds ?? [], SSM_BATCH);
  calls.push(...typeBatches.map(() => callOf("InstanceTypes")));
  calls.push(...idBatches.map(() => callOf("InstanceInformationList")));
  return calls;
}

/** Describes the DHCP option sets, one call per EC2_FILTER_VALUES ids. */
function collectDhcpOptions(ec2: EC2Client, runner: CallRunner, ids: string[]) {
  return runner.paginateChunked(
    callOf("DhcpOptions"),
    ids,
    EC2_FILTER_VALUES,
    (batch) =>
      paginateDescribeDhcpOptions(
        { client: ec2, stopOnSameToken: true },
        { Filters: [{ Name: "dhcp-options-id", Values: batch }] },
      ),
    (page) => page.DhcpOptions,
  );
}

/**
 * Describes the referenced prefix lists and fetches the entries of each, both at once. The
 * section is left out when any of these calls fails, so routes never resolve against a list
 * whose entries are unknown.
 */
async function collectPrefixLists(
  ec2: EC2Client,
  runner: CallRunner,
  ids: string[],
): Promise<ManagedPrefixList[] | undefined> {
  if (ids.length === 0) return [];
  const pager = { client: ec2, stopOnSameToken: true };
  const [lists, entries] = await Promise.all([
    runner.paginateChunked(
      callOf("ManagedPrefixLists"),
      ids,
      EC2_FILTER_VALUES,
      (batch) =>
        paginateDescribeManagedPrefixLists(pager, {
          Filters: [{ Name: "prefix-list-id", Values: batch }],
        }),
      (page) => page.PrefixLists,
    ),
    Promise.all(
      ids.map((id) =>
        runner.paginate(
          callOf("ManagedPrefixLists", id, 1),
          paginateGetManagedPrefixListEntries(pager, { PrefixListId: id }),
          (page) => page.Entries,
        ),
      ),
    ),
  ]);
  if (!lists || entries.some((list) => list === undefined)) return undefined;
  const entriesById = new Map(ids.map((id, position) => [id, entries[position] ?? []]));
  return lists.map((list) => ({
    ...list,
    Entries: entriesById.get(list.PrefixListId ?? "") ?? [],
  }));
}

/**
 * Describes the services the endpoints connect to, one call per EC2_FILTER_VALUES names. The
 * `service-name` filter, unlike the ServiceNames parameter, skips a name the Region no longer
 * offers instead of failing the call.
 * NOTE: the SDK has no paginator for DescribeVpcEndpointServices, so this follows NextToken itself.
 */
async function collectServiceDetails(
  ec2: EC2Client,
  runner: CallRunner,
  names: string[],
): Promise<ServiceDetail[] | undefined> {
  return runner.paginateChunked(
    callOf("ServiceDetails"),
    names,
    EC2_FILTER_VALUES,
    (batch) => endpointServicePages(ec2, batch),
    (page) => page.ServiceDetails,
  );
}

async function* endpointServicePages(
  ec2: EC2Client,
  names: string[],
): AsyncGenerator<DescribeVpcEndpointServicesCommandOutput> {
  let token: string | undefined;
  do {
    const command = new DescribeVpcEndpointServicesCommand({
      Filters: [{ Name: "service-name", Values: names }],
      ...(token && { NextToken: token }),
    });
    const page = await ec2.send(command);
    yield page;
    token = page.NextToken && page.NextToken !== token ? page.NextToken : undefined;
  } while (token);
}

async function collectInstanceTypes(
  ec2: EC2Client,
  runner: CallRunner,
  types: string[],
): Promise<InstanceTypeInfo[] | undefined> {
  return runner.paginateChunked(
    callOf("InstanceTypes"),
    types,
    INSTANCE_TYPE_BATCH,
    (batch) =>
      paginateDescribeInstanceTypes(
        { client: ec2, stopOnSameToken: true },
        { InstanceTypes: batch as _InstanceType[] },
      ),
    (page) => page.InstanceTypes,
  );
}

/** Reads the SSM registration of the instances, in batches of at most 50 instance ids. */
async function collectInstanceInformation(
  ssm: SSMClient,
  runner: CallRunner,
  instanceIds: string[],
): Promise<InstanceInformation[] | undefined> {
  return runner.paginateChunked(
    callOf("InstanceInformationList"),
    instanceIds,
    SSM_BATCH,
    (batch) =>
      paginateDescribeInstanceInformation(
        { client: ssm, pageSize: SSM_BATCH, stopOnSameToken: true },
        { Filters: [{ Key: "InstanceIds", Values: batch }] },
      ),
    (page) => page.InstanceInformationList,
  );
}

function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [
    ...new Set(
      values.filter((value): value is string => typeof value === "string" && value !== ""),
    ),
  ];
}
