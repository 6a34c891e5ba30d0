/**
 * Imports ASFF findings with BatchImportFindings, at most 100 a request as the API allows:
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html
 */
import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from "@aws-sdk/client-securityhub";
import type { AsffFinding } from "../report/asff.js";
import type { Credentials } from "./accounts.js";
import type { Logger } from "./log.js";
import { DEFAULT_RETRY, withThrottlingRetry, type RetryOptions } from "./retry.js";

export const IMPORT_BATCH_SIZE = 100;

export interface ImportResult {
  imported: number;
  failed: number;
  /** The first few failures, as `Id: ErrorCode`, for the log and the response. */
  failures: string[];
}

export interface ImportOptions {
  region: string;
  /** Member credentials: findings of an account must be imported from that account. */
  credentials?: Credentials;
  log: Logger;
  retry?: RetryOptions;
}

const MAX_LISTED_FAILURES = 10;

/** Imports every finding in batches; a throttled batch is retried, a rejected finding counted. */
export async function importFindings(
  findings: readonly AsffFinding[],
  options: ImportOptions,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, failed: 0, failures: [] };
  if (findings.length === 0) return result;
  const client = new SecurityHubClient({
    region: options.region,
    ...(options.credentials && { credentials: options.credentials }),
  });
  const retry: RetryOptions = {
    ...(options.retry ?? DEFAULT_RETRY),
    onRetry: (attempt) =>
      options.log.warn("BatchImportFindings was throttled; retrying", { attempt }),
  };

  try {
    for (let start = 0; start < findings.length; start += IMPORT_BATCH_SIZE) {
      const batch = findings.slice(start, start + IMPORT_BATCH_SIZE) as AwsSecurityFinding[];
      const output = await withThrottlingRetry(
        () => client.send(new BatchImportFindingsCommand({ Findings: batch })),
        retry,
      );
      result.imported += output.SuccessCount ?? 0;
      result.failed += output.FailedCount ?? 0;
      for (const failure of output.FailedFindings ?? []) {
        if (result.failures.length >= MAX_LISTED_FAILURES) break;
        result.failures.push(`${failure.Id ?? "?"}: ${failure.ErrorCode ?? "?"}`);
      }
    }
  } finally {
    client.destroy();
  }
  return result;
}
