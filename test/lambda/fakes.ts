/**
 * Fakes for the Lambda tests: an in-memory S3 bucket, Security Hub, SNS, STS and Organizations,
 * each stubbing the real SDK client class through aws-sdk-client-mock, so no request leaves.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  SecurityHubServiceException,
} from "@aws-sdk/client-securityhub";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";
import type { AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { vi } from "vitest";
import { handleEvent, type HandlerDeps } from "../../src/lambda/handler.js";
import type { RetryOptions } from "../../src/lambda/retry.js";
import { mockWorld, readExample, worldOf, type World } from "../collect/world.js";

export const HOME_ACCOUNT = "111122223333";
export const HOME_REGION = "us-east-1";
export const FUNCTION_ARN = `arn:aws:lambda:${HOME_REGION}:${HOME_ACCOUNT}:function:vpc-lint`;
export const REQUEST_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
export const BUCKET = "vpc-lint-results-111122223333";
export const TOPIC_ARN = `arn:aws:sns:${HOME_REGION}:${HOME_ACCOUNT}:vpc-lint`;

/** The member role's dummy secret key and session token, which no log line may contain. */
export const MEMBER_SECRET = "memberSecretKeyEXAMPLEdoNotLogThis0000000";
export const MEMBER_TOKEN = "memberSessionTokenEXAMPLEdoNotLogThis";

/** A retry policy that waits for nothing, so throttling tests take no time. */
export const NO_WAIT_RETRY: RetryOptions = {
  attempts: 4,
  baseDelayMs: 1,
  maxDelayMs: 1,
  sleep: () => Promise.resolve(),
};

/** Stubs S3 with a bucket held in `objects`, by key. */
export function fakeS3(objects = new Map<string, string>()) {
  const s3 = mockClient(S3Client);
  s3.on(ListObjectsV2Command).callsFake((input) => ({
    Contents: [...objects.keys()]
      .filter((key) => key.startsWith(input.Prefix ?? ""))
      .sort()
      .map((key) => ({ Key: key })),
    IsTruncated: false,
  }));
  s3.on(GetObjectCommand).callsFake((input) => {
    const text = objects.get(input.Key ?? "");
    if (text === undefined) {
      throw new S3ServiceException({
        name: "NoSuchKey",
        $fault: "client",
        $metadata: {},
        message: "missing",
      });
    }
    return { Body: { transformToString: () => Promise.resolve(text) } };
  });
  s3.on(PutObjectCommand).callsFake((input) => {
    objects.set(input.Key ?? "", String(input.Body));
    return {};
  });
  return { s3, objects };
}

/** Stubs Security Hub so every finding imports. */
export function fakeSecurityHub() {
  const hub = mockClient(SecurityHubClient);
  hub.on(BatchImportFindingsCommand).callsFake((input) => ({
    SuccessCount: input.Findings?.length ?? 0,
    FailedCount: 0,
    FailedFindings: [],
  }));
  return hub;
}

export function throttlingError(): SecurityHubServiceException {
  return new SecurityHubServiceException({
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 429 },
    message: "Rate exceeded",
  });
}

export function fakeSns() {
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: "message-0001" });
  return sns;
}

export function fakeSts() {
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: "ASIAMEMBEREXAMPLE0001",
      SecretAccessKey: MEMBER_SECRET,
      SessionToken: MEMBER_TOKEN,
      Expiration: new Date("2030-01-01T00:00:00Z"),
    },
  });
  return sts;
}

export function fakeOrganizations() {
  const organizations = mockClient(OrganizationsClient);
  organizations
    .on(ListAccountsCommand, { NextToken: undefined })
    .resolves({
      Accounts: [
        { Id: HOME_ACCOUNT, State: "ACTIVE" },
        { Id: "444455556666", State: "SUSPENDED" },
      ],
      NextToken: "page-2",
    })
    .on(ListAccountsCommand, { NextToken: "page-2" })
    .resolves({ Accounts: [{ Id: "777788889999", Status: "ACTIVE" }] });
  return organizations;
}

/** Runs the handler with a fixed clock and collects every line it writes. */
export async function invoke(
  event: unknown,
  lines: string[],
  extra: Partial<HandlerDeps> = {},
): ReturnType<typeof handleEvent> {
  return handleEvent(
    event,
    { awsRequestId: REQUEST_ID, invokedFunctionArn: FUNCTION_ARN },
    {
      env: { AWS_REGION: HOME_REGION },
      now: () => new Date("2026-12-04T10:00:00.000Z"),
      write: (line) => lines.push(line),
      retry: NO_WAIT_RETRY,
      ...extra,
    },
  );
}

/** Stubs the AWS environment with dummy credentials and no metadata endpoint. */
export function stubAwsEnvironment(accessKey: string, secretKey: string): void {
  vi.stubEnv("AWS_ACCESS_KEY_ID", accessKey);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", secretKey);
  vi.stubEnv("AWS_REGION", HOME_REGION);
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
}

/**
 * Installs every fake and pushes its restore function onto `restores`. The world is the EC2 and
 * SSM side of the account; `objects` is the bucket, shared between runs.
 */
export function installFakes(
  world: World,
  restores: Array<() => void>,
  objects = new Map<string, string>(),
) {
  const aws = mockWorld(world);
  const s3 = fakeS3(objects);
  const hub = fakeSecurityHub();
  const sns = fakeSns();
  const sts = fakeSts();
  const organizations = fakeOrganizations();
  restores.push(
    aws.restore,
    () => s3.s3.restore(),
    () => hub.restore(),
    () => sns.restore(),
    () => sts.restore(),
    () => organizations.restore(),
  );
  return { ...aws, s3: s3.s3, objects, hub, sns, sts, organizations };
}

export type Fakes = ReturnType<typeof installFakes>;

export function brokenWorld(): World {
  return worldOf(readExample("broken-nat64.json"));
}

export function cleanWorld(): World {
  return worldOf(readExample("private-nat64-endpoints.json"));
}

/** Parses the log lines the handler wrote, leaving out the metric lines. */
export function logEntries(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => !("_aws" in entry));
}

/** Returns every finding sent to Security Hub, in the order of the calls. */
export function importedFindings(hub: Fakes["hub"]): AwsSecurityFinding[] {
  return hub
    .commandCalls(BatchImportFindingsCommand)
    .flatMap((call) => call.args[0].input.Findings ?? []);
}
