/**
 * One Region of one account: collect, lint with the CLI's run function, compare with the
 * previous report, import into Security Hub, store the reports and notify.
 */
import { collectSnapshot } from "../collect/collector.js";
import { summarizeError } from "../collect/errors.js";
import { DEFAULT_CONCURRENCY } from "../collect/limiter.js";
import { listVpcIds } from "../collect/list-vpcs.js";
import type { Finding } from "../engine/types.js";
import { ruleTitles, toAsff, toResolvedAsff, type AsffContext } from "../report/asff.js";
import { formatJson } from "../report/json.js";
import { formatSarif } from "../report/sarif.js";
import { runLint, type RunResult, type Summary } from "../run.js";
import type { Snapshot } from "../snapshot/types.js";
import type { Credentials } from "./accounts.js";
import { compare } from "./changes.js";
import type { LintRequest } from "./event.js";
import type { Logger } from "./log.js";
import { metricLine } from "./metrics.js";
import { publishNewErrors } from "./notify.js";
import type { RetryOptions } from "./retry.js";
import { importFindings } from "./security-hub.js";
import {
  formatOpenFindings,
  openFindingsKey,
  ReportStore,
  regionPrefix,
  reportKeys,
  reportsClient,
  type ReportKeys,
} from "./storage.js";

export interface RegionContext {
  request: LintRequest;
  account: string;
  /** Member credentials; undefined means the function's own. */
  credentials?: Credentials;
  runId: string;
  /** Start of the run; its UTC day is part of the report keys. */
  startedAt: Date;
  /** The function's Region, where the bucket and the topic are. */
  homeRegion: string;
  now: () => Date;
  write: (line: string) => void;
  log: Logger;
  retry?: RetryOptions;
}

export interface RegionOutcome {
  region: string;
  status: "linted" | "no-vpcs" | "failed";
  vpcIds?: string[];
  summary?: Summary;
  collectionErrors?: number;
  reports?: ReportKeys;
  /** Findings imported into Security Hub, resolved ones included. */
  imported?: number;
  /** Open findings that this run could see and no longer reports, archived in Security Hub. */
  resolved?: number;
  /** Open findings that this run could not see, such as those of a skipped rule; they stay open. */
  carried?: number;
  importFailures?: string[];
  newErrors?: number;
  /** `Code: message` of the failure, for a failed Region. */
  error?: string;
}

/** Lints one Region. A failure is logged and returned as a `failed` outcome, so other Regions go on. */
export async function lintRegion(region: string, context: RegionContext): Promise<RegionOutcome> {
  const started = context.now().getTime();
  const log = context.log.child({ region });
  try {
    const outcome = await runRegion(region, context, log);
    emitMetrics(region, context, started, outcome);
    return outcome;
  } catch (error) {
    const { Code, Message } = summarizeError(error);
    log.error("linting the Region failed; the other Regions go on", { code: Code, error: Message });
    const outcome: RegionOutcome = { region, status: "failed", error: `${Code}: ${Message}` };
    emitMetrics(region, context, started, outcome);
    return outcome;
  }
}

async function runRegion(
  region: string,
  context: RegionContext,
  log: Logger,
): Promise<RegionOutcome> {
  const snapshot = await collectRegion(region, context, log);
  if (!snapshot) return { region, status: "no-vpcs", vpcIds: [] };

  // The stored JSON report lists every path in full, as `--every-path` does.
  const result = runLint([{ snapshot }], {
    settings: { requiredServices: context.request.requiredServices },
    everyPath: true,
  });
  const vpcIds = result.source[0]?.vpcIds ?? [];
  log.info("linted", {
    vpcs: vpcIds,
    findings: result.summary.total,
    errors: result.summary.error,
  });

  const s3 = reportsClient(context.homeRegion);
  try {
    return await publishRegion(region, context, log, {
      snapshot,
      result,
      vpcIds,
      store: new ReportStore(s3, context.request.bucket),
    });
  } finally {
    s3.destroy();
  }
}

interface Linted {
  snapshot: Snapshot;
  result: RunResult;
  vpcIds: string[];
  store: ReportStore;
}

/**
 * Compares with the previous run, stores the reports, imports the findings, notifies, and stores
 * the open findings last.
 */
async function publishRegion(
  region: string,
  context: RegionContext,
  log: Logger,
  linted: Linted,
): Promise<RegionOutcome> {
  const { request } = context;
  const { snapshot, result, vpcIds, store } = linted;
  const prefix = regionPrefix(request.prefix, context.account, region);
  const previous = await store.latest(prefix);
  const changes = compare(previous?.findings ?? [], result, {
    vpcIds,
    wholeRegion: request.vpcIds === undefined,
  });
  if (previous)
    log.info("compared with the previous run", {
      previousReport: previous.key,
      resolved: changes.resolved.length,
      carried: changes.carried.length,
      newErrors: changes.newErrors.length,
    });
  if (changes.carried.length > 0)
    log.info("carried forward the open findings this run could not see; they stay open", {
      carried: changes.carried.length,
      reasons: changes.carryReasons,
    });

  const outcome: RegionOutcome = {
    region,
    status: "linted",
    vpcIds,
    summary: result.summary,
    collectionErrors: snapshot.Errors?.length ?? 0,
    resolved: changes.resolved.length,
    carried: changes.carried.length,
    newErrors: changes.newErrors.length,
  };
  const day = context.startedAt.toISOString().slice(0, 10);
  const keys = reportKeys(request.prefix, context.account, region, context.runId, day);
  const openKey = openFindingsKey(keys.json);
  await store.put(keys.json, formatJson(result, { everyPath: true }), "application/json");
  await store.put(
    keys.sarif,
    formatSarif(result, { includeSuppressed: true }),
    "application/sarif+json",
  );
  log.info("stored the reports", { bucket: request.bucket, key: keys.json });

  // When the import or the notification fails, the previous open findings are stored instead,
  // so the next run archives the same resolved findings and announces the same new errors.
  try {
    if (request.securityHub)
      await publishFindings(region, context, result, changes.resolved, outcome, log);
    if (request.topicArn && changes.newErrors.length > 0) {
      await notify(region, context, changes.newErrors, keys.json, log);
    }
  } catch (error) {
    await store.put(openKey, formatOpenFindings(previous?.findings ?? []), "application/json");
    throw error;
  }
  await store.put(openKey, formatOpenFindings(changes.open), "application/json");
  outcome.reports = keys;
  return outcome;
}

/** Collects the Region's VPCs; returns undefined when the event names none and the Region has none. */
async function collectRegion(
  region: string,
  context: RegionContext,
  log: Logger,
): Promise<Snapshot | undefined> {
  const clientOverrides = context.credentials ? { credentials: context.credentials } : undefined;
  const named = context.request.vpcIds;
  const vpcIds =
    named ??
    (await listVpcIds({
      region,
      ownerId: context.account,
      ...(clientOverrides && { clientOverrides }),
    }));
  if (vpcIds.length === 0) {
    log.info("the Region has no VPC of the account; nothing to lint");
    return undefined;
  }

  // Named VPCs are looked up in each Region first, so a VPC that no longer exists is listed in
  // missingVpcIds while the others are still linted.
  const locate = named !== undefined;
  const snapshot = await collectSnapshot({
    vpcIds,
    region,
    concurrency: DEFAULT_CONCURRENCY,
    log: (line) => log.debug(line),
    ...(locate && { locate }),
    ...(clientOverrides && { clientOverrides }),
  });
  if (snapshot.Source?.VpcIds?.length === 0) {
    log.info("the Region has none of the VPCs in vpcIds; nothing to lint");
    return undefined;
  }
  for (const failure of snapshot.Errors ?? []) {
    log.warn("an AWS call failed during collection; its checks are skipped", {
      operation: failure.Operation,
      code: failure.Code,
      ...(failure.Scope && { vpc: failure.Scope }),
    });
  }
  return snapshot;
}

async function publishFindings(
  region: string,
  context: RegionContext,
  result: RunResult,
  resolved: readonly Finding[],
  outcome: RegionOutcome,
  log: Logger,
): Promise<void> {
  const asff: AsffContext = {
    accountId: context.account,
    region,
    now: context.now().toISOString(),
    titles: ruleTitles(result),
  };
  const findings = [
    ...result.findings.map((finding) => toAsff(finding, asff)),
    ...resolved.map((finding) => toResolvedAsff(finding, asff)),
  ];
  const imported = await importFindings(findings, {
    region,
    log,
    ...(context.credentials && { credentials: context.credentials }),
    ...(context.retry && { retry: context.retry }),
  });
  outcome.imported = imported.imported;
  if (imported.failed > 0) {
    outcome.importFailures = imported.failures;
    log.warn("Security Hub rejected some findings", {
      failed: imported.failed,
      failures: imported.failures,
    });
  }
  log.info("imported findings into Security Hub", {
    imported: imported.imported,
    archived: resolved.length,
  });
}

async function notify(
  region: string,
  context: RegionContext,
  findings: Finding[],
  reportKey: string,
  log: Logger,
): Promise<void> {
  const topicArn = context.request.topicArn as string;
  // An SNS topic is regional: the client must use the Region in the topic's ARN.
  const topicRegion = topicArn.split(":")[3] ?? context.homeRegion;
  const news = {
    account: context.account,
    region,
    findings,
    reportKey,
    bucket: context.request.bucket,
  };
  const messageId = await publishNewErrors(topicArn, topicRegion, news);
  log.info("notified the topic of new errors", {
    topic: topicArn,
    newErrors: findings.length,
    ...(messageId && { messageId }),
  });
}

/** Writes the Region's metric line; a failed outcome counts one failed run. */
export function emitMetrics(
  region: string,
  context: Pick<RegionContext, "account" | "now" | "write">,
  started: number,
  outcome: RegionOutcome,
): void {
  const ended = context.now().getTime();
  const summary = outcome.summary ?? { error: 0, warning: 0, info: 0 };
  const line = metricLine(
    {
      account: context.account,
      region,
      summary,
      collectionErrors: outcome.collectionErrors ?? 0,
      durationMs: Math.max(0, ended - started),
      failed: outcome.status === "failed" ? 1 : 0,
    },
    ended,
  );
  context.write(line);
}
