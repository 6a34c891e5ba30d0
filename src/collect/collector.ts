/**
 * Collects a snapshot of live VPCs through the AWS SDK: one account, one Region, read-only calls.
 * A failed call is recorded in `Errors` and its section left out, so the rules see it as unknown.
 */
import { paginateDescribeVpcs, type EC2Client, type Vpc } from "@aws-sdk/client-ec2";
import { InputError } from "../errors.js";
import { uniqueBy } from "../index/util.js";
import { iamActionOf, itemKeyOf, sectionInfo } from "../snapshot/sections.js";
import {
  SNAPSHOT_VERSION,
  type CollectionError,
  type SectionName,
  type Snapshot,
  type SnapshotSource,
} from "../snapshot/types.js";
import { chunk, EC2_FILTER_VALUES, joinChunks } from "./chunks.js";
import { createClients, destroyClients, type ClientOverrides } from "./clients.js";
import { collectDependent } from "./dependent.js";
import { mergeErrors } from "./errors.js";
import { Limiter } from "./limiter.js";
import { callOf, CallRunner } from "./runner.js";
import { collectScoped } from "./scoped.js";

/**
 * The sections the collector fills, in snapshot order. docs/iam-policy.md grants the IAM actions
 * of exactly these sections.
 */
export const COLLECTED_SECTIONS: readonly SectionName[] = [
  "Vpcs",
  "VpcAttributes",
  "Subnets",
  "RouteTables",
  "ManagedPrefixLists",
  "NatGateways",
  "InternetGateways",
  "EgressOnlyInternetGateways",
  "VpcEndpoints",
  "ServiceDetails",
  "SecurityGroups",
  "NetworkAcls",
  "DhcpOptions",
  "NetworkInterfaces",
  "Reservations",
  "InstanceTypes",
  "InstanceInformationList",
  "HostedZones",
  "ResolverRules",
  "ResolverRuleAssociations",
];

export interface CollectOptions {
  vpcIds: string[];
  /** Collects every VPC of the Region, found by an unfiltered DescribeVpcs, instead of `vpcIds`. */
  allVpcs?: boolean;
  /**
   * Looks `vpcIds` up with a DescribeVpcs first and collects those in the Region, possibly none,
   * so that one run can name VPCs of several Regions. Without it a VPC not in the Region fails.
   */
  locate?: boolean;
  /** AWS Region. Defaults to AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region. */
  region?: string;
  /** Named profile from the AWS config files. */
  profile?: string;
  /** Maximum AWS requests in flight at once, pages and retries of one call included. */
  concurrency: number;
  /** Receives progress lines: calls, pages, retries and failures. */
  log: (line: string) => void;
  /** Receives the count of finished calls and of calls planned so far, after each call. */
  progress?: (done: number, planned: number) => void;
  /** Attempts per request, the first included. Defaults to AWS_MAX_ATTEMPTS, else 6. */
  maxAttempts?: number;
  /** Milliseconds a request may wait on an idle socket before it fails; defaults to 30 s. */
  requestTimeoutMs?: number;
  /** Client settings to fix, such as a local transport and static credentials in tests. */
  clientOverrides?: ClientOverrides;
  /** Stops the collection: requests not yet sent fail, and the collection rejects. */
  signal?: AbortSignal;
}

/** Collects the requested VPCs, or throws InputError when nothing useful can be collected. */
export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  const requested = [...new Set(options.vpcIds)];
  if (requested.length === 0 && !options.allVpcs) {
    throw new InputError("no VPC to collect: pass --vpc VPC_ID or --all-vpcs");
  }
  const limiter = newLimiter(options.concurrency);
  const collectedAt = new Date().toISOString();
  const clients = await createClients({
    ...(options.region && { region: options.region }),
    ...(options.profile && { profile: options.profile }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.clientOverrides && { overrides: options.clientOverrides }),
  });
  const { region } = clients;

  try {
    const runner = new CallRunner(limiter, options.log, options.progress, options.signal);
    const knownVpcs =
      options.allVpcs || options.locate
        ? await discoverVpcs(clients.ec2, runner, region, options.allVpcs ? undefined : requested)
        : undefined;
    const vpcIds = knownVpcs ? knownVpcs.map((vpc) => vpc.VpcId as string) : requested;
    const profile = options.profile ? ` with profile ${options.profile}` : "";
    if (options.locate && vpcIds.length === 0) {
      options.log(`${describeVpcs(requested)}: not in ${region}${profile}`);
    } else {
      options.log(
        `collecting ${describeVpcs(vpcIds)} in ${region}${profile}, at most ${limiter.max} requests at once`,
      );
    }
    if (vpcIds.length === 0) {
      // Without VPCs every section is empty, so no check is left for missing data.
      const empty = Object.fromEntries(COLLECTED_SECTIONS.map((name) => [name, []]));
      return assemble({ Region: region, CollectedAt: collectedAt, VpcIds: [] }, empty, []);
    }
    const scoped = await collectScoped(clients, runner, vpcIds, knownVpcs);
    options.signal?.throwIfAborted();
    checkVpcsFound(vpcIds, scoped, runner.errors, region, options.log);
    checkSomeCallSucceeded(runner, region);
    const dependent = await collectDependent(clients, runner, scoped, options.log);
    options.signal?.throwIfAborted();

    const accountId = accountOf(scoped, options.log);
    const source: SnapshotSource = {
      ...(accountId && { AccountId: accountId }),
      Region: region,
      CollectedAt: collectedAt,
      VpcIds: vpcIds,
    };
    const errors = mergeErrors(runner.errors);
    options.log(summaryLine(runner.succeeded, errors));
    return assemble(source, { ...scoped, ...dependent }, errors, options.log);
  } finally {
    destroyClients(clients);
  }
}

/**
 * Lists the Region's VPCs with DescribeVpcs: every one, or those of `vpcIds` that exist there. The
 * VPC ids are needed before the first wave can start, so a failure here stops the collection.
 */
async function discoverVpcs(
  ec2: EC2Client,
  runner: CallRunner,
  region: string,
  vpcIds?: readonly string[],
): Promise<Vpc[]> {
  const requests = vpcIds
    ? chunk(vpcIds, EC2_FILTER_VALUES).map((values) => ({
        Filters: [{ Name: "vpc-id", Values: values }],
      }))
    : [{}];
  const pages = await Promise.all(
    requests.map((request) =>
      runner.paginate(
        callOf("Vpcs"),
        paginateDescribeVpcs({ client: ec2, stopOnSameToken: true }, request),
        (page) => page.Vpcs,
      ),
    ),
  );
  const vpcs = joinChunks(pages);
  if (vpcs) {
    const named = vpcs.filter((vpc) => typeof vpc.VpcId === "string");
    return uniqueBy(named, itemKeyOf("Vpcs"));
  }
  const failure = runner.errors.at(-1);
  const reason = failure ? ` with ${failure.Code}: ${withoutFullStop(failure.Message)}` : "";
  // The Lambda function looks named VPCs up too, so the message names no command-line flag.
  const purpose = vpcIds
    ? `so whether ${region} has ${describeVpcs(vpcIds)} is unknown`
    : "so --all-vpcs cannot list the VPCs";
  const alternative = vpcIds ? `leave ${region} out of the Regions` : "name the VPCs with --vpc";
  // Only a denied call is fixed by the grant. Expired keys or a network failure need another fix.
  const fix =
    failure && !isDenied(failure)
      ? fixFor(failure)
      : `Grant ${iamActionOf("DescribeVpcs")}, or ${alternative}.`;
  throw new InputError(`DescribeVpcs in ${region} failed${reason}, ${purpose}. ${fix}`);
}

/** Names up to five VPCs, then the count of the others, so a large collection logs one short line. */
function describeVpcs(vpcIds: readonly string[]): string {
  if (vpcIds.length === 0) return "no VPC";
  if (vpcIds.length <= 5) return vpcIds.join(", ");
  return `${vpcIds.slice(0, 5).join(", ")} and ${vpcIds.length - 5} other VPCs`;
}

function newLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InputError(
      `concurrency ${String(concurrency)} is invalid: use a whole number of 1 or more`,
    );
  }
  return new Limiter(concurrency);
}

/**
 * Throws when a requested VPC does not exist in the Region. The `vpc-id` filter returns only the
 * VPCs that exist, and AWS returns an InvalidVpcID.* error for a malformed id.
 */
function checkVpcsFound(
  requested: readonly string[],
  found: Snapshot,
  errors: readonly CollectionError[],
  region: string,
  log: (line: string) => void,
): void {
  const invalid = errors.find(
    (error) => error.Operation === "DescribeVpcs" && error.Code.startsWith("InvalidVpcID."),
  );
  if (invalid) {
    throw new InputError(
      `DescribeVpcs in ${region} rejected the VPC ids with ${invalid.Code}: ${invalid.Message}`,
    );
  }
  if (!found.Vpcs) {
    // DescribeVpcAttribute names each VPC it does not find, so those are known to be missing.
    const attributeMisses = errors.flatMap((error) =>
      error.Operation === "DescribeVpcAttribute" && error.Code === "InvalidVpcID.NotFound"
        ? [error.Scope?.split(" ")[0] ?? ""]
        : [],
    );
    const missing = requested.filter((id) => attributeMisses.includes(id));
    if (missing.length > 0) {
      throw vpcsNotFound(
        missing,
        `${region} (DescribeVpcAttribute failed with InvalidVpcID.NotFound)`,
      );
    }
    log(`the VPC ids are unverified because DescribeVpcs failed: ${requested.join(", ")}`);
    return;
  }
  const present = new Set(found.Vpcs.map((vpc) => vpc.VpcId));
  const missing = requested.filter((id) => !present.has(id));
  if (missing.length === 0) return;
  const owner = found.Vpcs[0]?.OwnerId;
  throw vpcsNotFound(missing, owner ? `${region} (account ${owner})` : region);
}

function vpcsNotFound(missing: readonly string[], where: string): InputError {
  const noun = missing.length === 1 ? "VPC" : "VPCs";
  return new InputError(
    `${noun} ${missing.join(", ")} not found in ${where}: check the id, the Region (--region, ` +
      "or regions in a Lambda event) and the account the credentials belong to",
  );
}

/**
 * Throws when every call of the first wave to the Region's endpoints failed, naming the first
 * failure and its fix. Route 53's global endpoint responds even for a Region the credentials may
 * not read, as under a policy that allows it only in us-east-1.
 */
function checkSomeCallSucceeded(runner: CallRunner, region: string): void {
  if (runner.succeededInRegion > 0) return;
  const first = mergeErrors(runner.errors)[0];
  if (!first) return;
  const scope = first.Scope ? ` for ${first.Scope}` : "";
  throw new InputError(
    `every AWS call in ${region} failed. The first, ${first.Operation}${scope}, failed with ` +
      `${first.Code}: ${withoutFullStop(first.Message)}. ${fixFor(first)}`,
  );
}

/** Drops the full stop that ends most AWS error messages, which are quoted inside a sentence. */
function withoutFullStop(message: string): string {
  return message.replace(/\.$/, "");
}

const CREDENTIAL_CODES = new Set([
  "AuthFailure",
  "ExpiredToken",
  "InvalidClientTokenId",
  "RequestExpired",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
]);

function isDenied(error: CollectionError): boolean {
  return /AccessDenied|Unauthorized/i.test(error.Code);
}

function fixFor(error: CollectionError): string {
  if (CREDENTIAL_CODES.has(error.Code)) {
    return "Check that the credentials are valid and not expired, and that the clock is correct.";
  }
  if (isDenied(error)) {
    return `Grant ${iamActionOf(error.Operation)} and the other actions in docs/iam-policy.md to the identity.`;
  }
  return "Check the network path to the AWS endpoints and any AWS_ENDPOINT_URL setting, then retry.";
}

/**
 * Returns the account from the VPCs' OwnerId, without an STS call. A VPC shared from another
 * account has that account as its owner, so several owners leave the account unset.
 */
function accountOf(found: Snapshot, log: (line: string) => void): string | undefined {
  const owners = [...new Set((found.Vpcs ?? []).map((vpc) => vpc.OwnerId).filter(Boolean))];
  if (owners.length > 1)
    log(`the VPCs belong to several accounts (${owners.join(", ")}); AccountId is left unset`);
  return owners.length === 1 ? owners[0] : undefined;
}

function summaryLine(succeeded: number, errors: readonly CollectionError[]): string {
  if (errors.length === 0) return `collection finished: ${succeeded} calls succeeded`;
  const failed = errors.map((error) => `${error.Operation} (${error.Code})`).join(", ");
  return `collection finished: ${succeeded} calls succeeded; failed: ${failed}`;
}

/**
 * Builds the snapshot with sections in COLLECTED_SECTIONS order. The JSON round trip turns Date
 * values into ISO strings and drops undefined fields, so the result equals the file `collect`
 * writes and linting it live gives the same findings as linting that file. An item that a
 * service returned on two pages is kept once, as the file loader keeps it.
 */
function assemble(
  source: SnapshotSource,
  sections: Snapshot,
  errors: CollectionError[],
  log: (line: string) => void = () => {},
): Snapshot {
  const snapshot: Record<string, unknown> = { SnapshotVersion: SNAPSHOT_VERSION, Source: source };
  for (const name of COLLECTED_SECTIONS) {
    const items = sections[name] as object[] | undefined;
    if (items === undefined) continue;
    const unique = uniqueBy(items, itemKeyOf(name));
    if (unique.length < items.length) {
      const repeats = items.length - unique.length;
      const noun = repeats === 1 ? "item" : "items";
      log(`${sectionInfo(name).operations[0]}: ${repeats} repeated ${noun} left out`);
    }
    snapshot[name] = unique;
  }
  if (errors.length > 0) snapshot.Errors = errors;
  return JSON.parse(JSON.stringify(snapshot)) as Snapshot;
}
