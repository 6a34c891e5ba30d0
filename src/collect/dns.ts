/**
 * The Route 53 sections of the first wave: the private hosted zones associated with each VPC and
 * the Resolver rules associated with the VPCs. They tell the rules when a hub VPC answers for a
 * service name.
 */
import {
  ListHostedZonesByVPCCommand,
  type ListHostedZonesByVPCCommandOutput,
  type Route53Client,
  type VPCRegion,
} from "@aws-sdk/client-route-53";
import {
  paginateListResolverRuleAssociations,
  paginateListResolverRules,
  type Route53ResolverClient,
} from "@aws-sdk/client-route53resolver";
import type {
  HostedZoneAssociation,
  ResolverRule,
  ResolverRuleAssociation,
} from "../snapshot/types.js";
import { chunk, joinChunks } from "./chunks.js";
import { Limiter } from "./limiter.js";
import { callOf, type CallId, type CallRunner } from "./runner.js";

/**
 * ListHostedZonesByVPC calls in flight at once. Route 53 allows five API requests per second per
 * account, so a larger share of the collector's limit would only earn throttling retries.
 */
const ROUTE53_CONCURRENCY = 4;

/** NOTE: VPC ids per Resolver `VPCId` filter. The AWS cap on filter values is undocumented. */
const RESOLVER_FILTER_VALUES = 100;

export interface DnsClients {
  route53: Route53Client;
  resolver: Route53ResolverClient;
}

/** Returns the calls of this module's part of the first wave, for the wave's log line. */
export function plannedDnsCalls(vpcIds: readonly string[]): CallId[] {
  return [
    ...vpcIds.map((vpcId) => callOf("HostedZones", vpcId)),
    callOf("ResolverRules"),
    ...chunk(vpcIds, RESOLVER_FILTER_VALUES).map(() => callOf("ResolverRuleAssociations")),
  ];
}

/**
 * Lists the private hosted zones associated with each VPC, one ListHostedZonesByVPC call per VPC
 * because the call takes a single VPC. Any failed call leaves the section out.
 */
export async function collectHostedZones(
  route53: Route53Client,
  runner: CallRunner,
  vpcIds: readonly string[],
  region: string,
): Promise<HostedZoneAssociation[] | undefined> {
  const limiter = new Limiter(ROUTE53_CONCURRENCY);
  const results = await Promise.all(
    vpcIds.map((vpcId) =>
      limiter.run(() =>
        runner.paginate(
          callOf("HostedZones", vpcId),
          hostedZonePages(route53, vpcId, region),
          (page) => page.HostedZoneSummaries?.map((zone) => hostedZoneOf(zone, vpcId)),
        ),
      ),
    ),
  );
  return joinChunks(results);
}

/** Lists the Resolver rules of the Region: a rule is shared across VPCs through associations. */
export async function collectResolverRules(
  resolver: Route53ResolverClient,
  runner: CallRunner,
): Promise<ResolverRule[] | undefined> {
  const rules = await runner.paginate(
    callOf("ResolverRules"),
    paginateListResolverRules({ client: resolver, stopOnSameToken: true }, {}),
    (page) => page.ResolverRules,
  );
  return rules?.flatMap((rule) => (rule.Id ? [{ ...rule, Id: rule.Id } as ResolverRule] : []));
}

/** Lists the Resolver rule associations of the requested VPCs, filtered by `VPCId`. */
export async function collectResolverRuleAssociations(
  resolver: Route53ResolverClient,
  runner: CallRunner,
  vpcIds: readonly string[],
): Promise<ResolverRuleAssociation[] | undefined> {
  const associations = await runner.paginateChunked(
    callOf("ResolverRuleAssociations"),
    vpcIds,
    RESOLVER_FILTER_VALUES,
    (values) =>
      paginateListResolverRuleAssociations(
        { client: resolver, stopOnSameToken: true },
        { Filters: [{ Name: "VPCId", Values: values }] },
      ),
    (page) => page.ResolverRuleAssociations,
  );
  return associations?.flatMap((association) => {
    const { ResolverRuleId, VPCId } = association;
    if (!ResolverRuleId || !VPCId) return [];
    return [{ ...association, ResolverRuleId, VPCId } as ResolverRuleAssociation];
  });
}

/** Follows NextToken itself, because the SDK has no paginator for ListHostedZonesByVPC. */
async function* hostedZonePages(
  route53: Route53Client,
  vpcId: string,
  region: string,
): AsyncGenerator<ListHostedZonesByVPCCommandOutput> {
  let token: string | undefined;
  do {
    const command = new ListHostedZonesByVPCCommand({
      VPCId: vpcId,
      VPCRegion: region as VPCRegion,
      ...(token && { NextToken: token }),
    });
    const page = await route53.send(command);
    yield page;
    token = page.NextToken && page.NextToken !== token ? page.NextToken : undefined;
  } while (token);
}

function hostedZoneOf(
  zone: { HostedZoneId?: string; Name?: string; Owner?: HostedZoneAssociation["Owner"] },
  vpcId: string,
): HostedZoneAssociation {
  const item: HostedZoneAssociation = {
    HostedZoneId: zone.HostedZoneId ?? "",
    Name: zone.Name ?? "",
    VpcId: vpcId,
  };
  if (zone.Owner) item.Owner = { ...zone.Owner };
  return item;
}
