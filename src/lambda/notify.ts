/** Tells an SNS topic about errors that a run found and the previous run of the Region did not. */
import { createHash } from "node:crypto";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Finding } from "../engine/types.js";

/** SNS subjects must be under 100 characters; messages list at most this many findings. */
const MAX_SUBJECT = 99;
const MAX_LISTED = 20;

export interface NewErrors {
  account: string;
  region: string;
  findings: Finding[];
  reportKey: string;
  bucket: string;
}

export function notificationOf(news: NewErrors): { subject: string; message: string } {
  const count = news.findings.length;
  const noun = count === 1 ? "error" : "errors";
  const subject = `vpc-lint: ${count} new ${noun} in ${news.account} ${news.region}`;
  const lines = news.findings
    .slice(0, MAX_LISTED)
    .map((finding) => `- ${finding.ruleId} on ${finding.resource.id}: ${finding.message}`);
  if (count > MAX_LISTED) lines.push(`- and ${count - MAX_LISTED} more`);
  const message = [
    `vpc-lint found ${count} new ${noun} in account ${news.account}, Region ${news.region}:`,
    "",
    ...lines,
    "",
    `Report: s3://${news.bucket}/${news.reportKey}`,
  ].join("\n");
  return { subject: subject.slice(0, MAX_SUBJECT), message };
}

const FIFO_SUFFIX = ".fifo";

/**
 * Returns the ids SNS requires of a FIFO topic's messages: one group per account and Region, and
 * the report key's hash as the deduplication id (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
function fifoFields(news: NewErrors): { MessageGroupId: string; MessageDeduplicationId: string } {
  return {
    MessageGroupId: `${news.account}-${news.region}`,
    MessageDeduplicationId: createHash("sha256").update(news.reportKey).digest("hex"),
  };
}

export async function publishNewErrors(
  topicArn: string,
  region: string,
  news: NewErrors,
): Promise<string | undefined> {
  const client = new SNSClient({ region });
  try {
    const { subject, message } = notificationOf(news);
    const output = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subject,
        Message: message,
        ...(topicArn.endsWith(FIFO_SUFFIX) && fifoFields(news)),
      }),
    );
    return output.MessageId;
  } finally {
    client.destroy();
  }
}
