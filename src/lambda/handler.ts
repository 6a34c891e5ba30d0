/**
 * The Lambda handler's work: validate the event, pick the account and its credentials, lint
 * each Region on its own, or list the organization's accounts for a Distributed Map.
 */
import type { Context } from "aws-lambda";
import { summarizeError } from "../collect/errors.js";
import { vpcsInNoRegion } from "../collect/regions.js";
import { assumeMemberRole, listActiveAccounts, type Credentials } from "./accounts.js";
import { EventError, parseEvent, type LintEvent, type LintRequest } from "./event.js";
import { levelOf, Logger } from "./log.js";
import { emitMetrics, lintRegion, type RegionOutcome } from "./region.js";
import type { RetryOptions } from "./retry.js";

/** Inputs from outside the event: environment, clock and output stream, which tests replace. */
export interface HandlerDeps {
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Receives log lines and metric lines; defaults to standard output. */
  write: (line: string) => void;
  retry?: RetryOptions;
}

export interface LintResponse {
  runId: string;
  account: string;
  /** `partial` when some Regions failed, or some VPCs of `vpcIds` are in none of the Regions. */
  status: "succeeded" | "partial";
  regions: RegionOutcome[];
  /** The VPCs of `vpcIds` that no Region has, when every Region was looked at. */
  missingVpcIds?: string[];
}

/** The organization mode's response: one complete lint event per active account and Region. */
export interface TargetsResponse {
  events: LintEvent[];
}

/** Raised when the invocation context has no usable function ARN, as only a local caller can. */
export class FunctionArnError extends Error {
  override name = "FunctionArnError";
}

/** Raised when every Region failed, so that a Map state counts the item as failed. */
export class RunFailedError extends Error {
  override name = "RunFailedError";
}

export async function handleEvent(
  event: unknown,
  context: Pick<Context, "awsRequestId" | "invokedFunctionArn">,
  deps: HandlerDeps,
): Promise<LintResponse | TargetsResponse> {
  const level = levelOf(deps.env.VPC_LINT_LOG_LEVEL);
  const base = new Logger({ requestId: context.awsRequestId }, deps.write, level);
  let home: Home;
  let request: LintRequest;
  try {
    home = homeOf(context);
    request = parseEvent(event, deps.env, home.account);
  } catch (error) {
    if (error instanceof EventError || error instanceof FunctionArnError) base.error(error.message);
    throw error;
  }
  if (request.organization) return listTargets(request, home, base);

  const account = request.accountId ?? home.account;
  const log = base.child({ account });
  const startedAt = deps.now();
  let credentials: Credentials | undefined;
  try {
    credentials = await credentialsFor(request, home, context.awsRequestId, log);
  } catch (error) {
    // No Region can run without the role, so each counts as a failed run in the metrics.
    for (const region of request.regions) {
      emitMetrics(region, { account, now: deps.now, write: deps.write }, startedAt.getTime(), {
        region,
        status: "failed",
      });
    }
    throw error;
  }
  const runId = runIdOf(startedAt, context.awsRequestId);
  log.info("run started", { runId, regions: request.regions });

  const regions = await Promise.all(
    request.regions.map((region) =>
      lintRegion(region, {
        request,
        account,
        ...(credentials && { credentials }),
        runId,
        startedAt,
        homeRegion: home.region,
        now: deps.now,
        write: deps.write,
        log,
        ...(deps.retry && { retry: deps.retry }),
      }),
    ),
  );
  return finish({ runId, account, regions }, request.vpcIds, log);
}

function finish(
  run: Omit<LintResponse, "status">,
  vpcIds: readonly string[] | undefined,
  log: Logger,
): LintResponse {
  const failed = run.regions.filter((outcome) => outcome.status === "failed");
  if (failed.length === run.regions.length) {
    const reasons = failed.map((outcome) => `${outcome.region}: ${outcome.error ?? "failed"}`);
    log.error("run failed in every Region", { failedRegions: failed.map((o) => o.region) });
    throw new RunFailedError(
      `vpc-lint failed in every Region of ${run.account}: ${reasons.join("; ")}`,
    );
  }
  const missing = missingVpcIds(run.regions, vpcIds);
  if (missing.length > 0) {
    const regions = run.regions.map((outcome) => outcome.region);
    log.error("VPCs in vpcIds not found in any Region", { vpcIds: missing, regions });
    if (run.regions.every((outcome) => outcome.status === "no-vpcs")) {
      const noun = missing.length === 1 ? "VPC" : "VPCs";
      throw new RunFailedError(
        `${noun} ${missing.join(", ")} not found in ${regions.join(", ")} of account ` +
          `${run.account}: check vpcIds, regions and the account`,
      );
    }
  }
  const status = failed.length > 0 || missing.length > 0 ? "partial" : "succeeded";
  log.info("run finished", { status, failedRegions: failed.map((outcome) => outcome.region) });
  return { ...run, status, ...(missing.length > 0 && { missingVpcIds: missing }) };
}

/**
 * Returns the VPCs of `vpcIds` that no Region's lint covered. A failed Region may contain them,
 * so then none counts as missing.
 */
function missingVpcIds(
  regions: readonly RegionOutcome[],
  vpcIds: readonly string[] | undefined,
): string[] {
  if (!vpcIds || regions.some((outcome) => outcome.status === "failed")) return [];
  return vpcsInNoRegion(
    vpcIds,
    regions.map((outcome) => outcome.vpcIds ?? []),
  );
}

interface Home {
  account: string;
  region: string;
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):function:[\w-]+/;

/** Reads the function's own account and Region from its ARN, which Lambda always sets. */
function homeOf(context: Pick<Context, "invokedFunctionArn">): Home {
  const arn = context.invokedFunctionArn;
  const match = FUNCTION_ARN.exec(arn ?? "");
  if (!match) {
    throw new FunctionArnError(
      `invalid invokedFunctionArn ${JSON.stringify(arn)}: expected ` +
        "arn:aws:lambda:<region>:<12-digit account>:function:<name>; a caller other than " +
        "Lambda must pass the function's ARN in the context",
    );
  }
  return { region: match[1] as string, account: match[2] as string };
}

async function credentialsFor(
  request: LintRequest,
  home: Home,
  requestId: string,
  log: Logger,
): Promise<Credentials | undefined> {
  if (!request.accountId || request.accountId === home.account) return undefined;
  try {
    const credentials = await assumeMemberRole({
      accountId: request.accountId,
      roleName: request.roleName as string,
      region: home.region,
      sessionName: `vpc-lint-${requestId}`,
      ...(request.externalId && { externalId: request.externalId }),
    });
    log.info("assumed the member role", { role: request.roleName });
    return credentials;
  } catch (error) {
    const { Code, Message } = summarizeError(error);
    log.error(
      "could not assume the member role; grant sts:AssumeRole on it and check its trust policy",
      {
        role: request.roleName,
        code: Code,
        error: Message,
      },
    );
    throw error;
  }
}

async function listTargets(
  request: LintRequest,
  home: Home,
  log: Logger,
): Promise<TargetsResponse> {
  let accounts: string[];
  try {
    accounts = await listActiveAccounts(home.region);
  } catch (error) {
    const { Code, Message } = summarizeError(error);
    log.error(
      "could not list the organization's accounts; run the function in the management account " +
        "or a delegated administrator account, and grant its role organizations:ListAccounts",
      { code: Code, error: Message },
    );
    throw error;
  }
  const events: LintEvent[] = [];
  for (const accountId of accounts) {
    for (const region of request.regions)
      events.push(targetEvent(request, accountId, region, home));
  }
  log.info("listed the organization's active accounts", {
    accounts: accounts.length,
    events: events.length,
  });
  warnIfTooLarge(events, log);
  return { events };
}

/**
 * Step Functions limits state input and output to 262,144 bytes of UTF-8 (256 KiB), as the
 * `output` length constraint in the API reference's TaskSubmittedEventDetails shows, so a Map
 * state cannot read a larger list of events from the ListAccounts output.
 */
export const STATE_OUTPUT_LIMIT_BYTES = 256 * 1024;

function warnIfTooLarge(events: readonly LintEvent[], log: Logger): void {
  const bytes = Buffer.byteLength(JSON.stringify({ events }), "utf8");
  if (bytes <= STATE_OUTPUT_LIMIT_BYTES) return;
  log.warn(
    "the list of events exceeds the Step Functions state output limit, so the state machine " +
      "fails at ListAccounts; write the events to S3 and read them with an ItemReader",
    { bytes, limitBytes: STATE_OUTPUT_LIMIT_BYTES, events: events.length },
  );
}

/** Builds one Map item: a complete event, so the item needs nothing from the environment. */
function targetEvent(
  request: LintRequest,
  accountId: string,
  region: string,
  home: Home,
): LintEvent {
  const event: LintEvent = {
    regions: [region],
    requiredServices: request.requiredServices,
    securityHub: request.securityHub,
    output: {
      bucket: request.bucket,
      prefix: request.prefix,
      ...(request.topicArn && { topicArn: request.topicArn }),
    },
  };
  // The function's own account is linted with its own role, which StackSets do not deploy to.
  if (accountId !== home.account) {
    event.accountId = accountId;
    event.roleName = request.roleName as string;
    if (request.externalId) event.externalId = request.externalId;
  }
  return event;
}

/** Returns a run id that sorts by time: `YYYYMMDDTHHMMSSZ-` and the request id's first block. */
export function runIdOf(now: Date, requestId: string): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  const suffix = (requestId.split("-")[0] ?? "") || "local";
  return `${time}-${suffix}`;
}
