/**
 * Reports in S3, keyed `<prefix>/<account>/<region>/<YYYY-MM-DD>/<run-id>.json` (and `.sarif`),
 * with the findings still open after the run in `<run-id>.open.json`. Run ids start with the UTC
 * time, so the greatest key under a Region is its latest run.
 */
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { withoutRepeats } from "../collect/runner.js";
import type { Finding } from "../engine/types.js";

export interface ReportKeys {
  json: string;
  sarif: string;
}

/**
 * Returns the S3 client for the reports. The bucket may be in another Region than the function.
 * S3 responds to a request sent to the wrong Region with a 301 that names the bucket's Region,
 * and the client then sends the request again there.
 */
export function reportsClient(region: string, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({ region, followRegionRedirects: true, ...overrides });
}

/** The findings open after an earlier run, which a run compares against. */
export interface PreviousReport {
  key: string;
  findings: Finding[];
}

const OPEN_SUFFIX = ".open.json";

export function regionPrefix(prefix: string, accountId: string, region: string): string {
  return `${prefix}/${accountId}/${region}/`;
}

export function reportKeys(
  prefix: string,
  accountId: string,
  region: string,
  runId: string,
  day: string,
): ReportKeys {
  const base = `${regionPrefix(prefix, accountId, region)}${day}/${runId}`;
  return { json: `${base}.json`, sarif: `${base}.sarif` };
}

/** Returns the key of the open findings written next to a JSON report. */
export function openFindingsKey(reportKey: string): string {
  return reportKey.replace(/\.json$/, OPEN_SUFFIX);
}

/** Serializes the findings open after a run: this run's findings and the carried ones. */
export function formatOpenFindings(findings: readonly Finding[]): string {
  return `${JSON.stringify({ findings }, null, 2)}\n`;
}

/** An error for a Region's latest stored report that is not valid JSON. */
export class PreviousReportError extends Error {
  override readonly name = "InvalidPreviousReport";
}

export class ReportStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Returns the open findings of the latest run under the Region's prefix, or undefined on a
   * first run. Without any open findings object, as after runs of versions that wrote none, it
   * falls back to the findings of the latest JSON report.
   */
  async latest(prefix: string): Promise<PreviousReport | undefined> {
    let newestOpen: string | undefined;
    let newestReport: string | undefined;
    const pages = paginateListObjectsV2(
      { client: this.client, stopOnSameToken: true },
      { Bucket: this.bucket, Prefix: prefix },
    );
    for await (const page of withoutRepeats(pages, { tokenField: "NextContinuationToken" })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? "";
        if (key.endsWith(OPEN_SUFFIX)) newestOpen = greater(newestOpen, key);
        else if (key.endsWith(".json")) newestReport = greater(newestReport, key);
      }
    }
    const newest = newestOpen ?? newestReport;
    if (newest === undefined) return undefined;

    const output = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: newest }),
    );
    const text = (await output.Body?.transformToString("utf-8")) ?? "";
    return { key: newest, findings: this.findingsOf(text, newest) };
  }

  /**
   * Reads the findings of a stored report. A report that is not JSON stays the latest and fails
   * every later run until someone removes it, so the error names its address.
   */
  private findingsOf(text: string, key: string): Finding[] {
    let report: { findings?: unknown } | null;
    try {
      report = JSON.parse(text) as { findings?: unknown } | null;
    } catch (error) {
      throw new PreviousReportError(
        `previous report s3://${this.bucket}/${key} is not valid JSON ` +
          `(${(error as Error).message}); delete or replace it, and the next run compares ` +
          "with the run before it",
      );
    }
    const findings = report?.findings;
    return Array.isArray(findings) ? (findings as Finding[]) : [];
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

function greater(current: string | undefined, key: string): string {
  return current === undefined || key > current ? key : current;
}
