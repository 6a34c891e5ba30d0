/**
 * The Lambda handler's work: validate the event, pick the account and its credentials, lint
 * each Region on its own, or list the organization's accounts for a Distributed Map.
 */
import type { Context } from "aws-lambda";
import { summarizeError } from "../collect/errors.js";
import { assumeMemberRole, listActiveAccounts, type Credentials } from "./accounts.js";
import { EventError, parseEvent, type LintEvent, type LintRequest } from "./event.js";
import { levelOf, Logger } from "./log.js";
import { lintRegion, type RegionOutcome } from "./region.js";
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
  /** `partial` when some Regions failed and others were linted. */
  status: "succeeded" | "partial";
  regions: RegionOutcome[];
}

/** The organization mode's response: one complete lint event per active account and Region. */
export interface TargetsResponse {
  events: LintEvent[];
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
  const home = homeOf(context, deps.env);
  let request: LintRequest;
  try {
    request = parseEvent(event, deps.env);
  } catch (error) {
    if (error instanceof EventError) base.error(error.message);
    throw error;
  }
  if (request.organization) return listTargets(request, home, base);

  const account = request.accountId ?? home.account;
  const log = base.child({ account });
  const credentials = await credentialsFor(request, home, context.awsRequestId, log);
  const startedAt = deps.now();
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
  return finish({ runId, account, regions }, log);
}

function finish(run: Omit<LintResponse, "status">, log: Logger): LintResponse {
  const failed = run.regions.filter((outcome) => outcome.status === "failed");
  if (failed.length === run.regions.length) {
    const reasons = failed.map((outcome) => `${outcome.region}: ${outcome.error ?? "failed"}`);
    log.error("run failed in every Region", { failedRegions: failed.map((o) => o.region) });
    throw new RunFailedError(
      `vpc-lint failed in every Region of ${run.account}: ${reasons.join("; ")}`,
    );
  }
  const status = failed.length > 0 ? "partial" : "succeeded";
  log.info("run finished", { status, failedRegions: failed.map((outcome) => outcome.region) });
  return { ...run, status };
}

interface Home {
  account: string;
  region: string;
}

/** Reads the function's own account and Region from its ARN, else from AWS_REGION. */
function homeOf(context: Pick<Context, "invokedFunctionArn">, env: NodeJS.ProcessEnv): Home {
  const parts = (context.invokedFunctionArn ?? "").split(":");
  const region = parts[3] || env.AWS_REGION || "us-east-1";
  const account = parts[4] ?? "";
  if (!/^\d{12}$/.test(account)) {
    throw new Error(`cannot read the account from the function ARN ${context.invokedFunctionArn}`);
  }
  return { account, region };
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
  const accounts = await listActiveAccounts(home.region);
  const events: LintEvent[] = [];
  for (const accountId of accounts) {
    for (const region of request.regions)
      events.push(targetEvent(request, accountId, region, home));
  }
  log.info("listed the organization's active accounts", {
    accounts: accounts.length,
    events: events.length,
  });
  return { events };
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
