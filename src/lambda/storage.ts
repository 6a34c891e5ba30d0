/**
 * Reports in S3, keyed `<prefix>/<account>/<region>/<YYYY-MM-DD>/<run-id>.json` (and `.sarif`).
 * Run ids start with the UTC time, so the greatest key under a Region is its latest run.
 */
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import type { Finding } from "../engine/types.js";

export interface ReportKeys {
  json: string;
  sarif: string;
}

/** The part of an earlier JSON report a run compares against. */
export interface PreviousReport {
  key: string;
  findings: Finding[];
}

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

export class ReportStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /** Returns the latest JSON report under the Region's prefix, or undefined on a first run. */
  async latest(prefix: string): Promise<PreviousReport | undefined> {
    let newest: string | undefined;
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key?.endsWith(".json") && (newest === undefined || key > newest)) newest = key;
      }
    }
    if (newest === undefined) return undefined;

    const output = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: newest }),
    );
    const text = (await output.Body?.transformToString("utf-8")) ?? "";
    const report = JSON.parse(text) as { findings?: Finding[] };
    return { key: newest, findings: Array.isArray(report.findings) ? report.findings : [] };
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
