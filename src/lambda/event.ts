/**
 * The Lambda event: validated against `lambda-event.schema.json`, then completed from the
 * function's environment. Validation runs before any AWS call, so a bad event writes nothing.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schema from "../schemas/lambda-event.schema.json" with { type: "json" };

/** The event as EventBridge Scheduler or a Step Functions Map state sends it. */
export interface LintEvent {
  regions?: string[];
  vpcIds?: string[];
  requiredServices?: string[];
  accountId?: string;
  roleName?: string;
  externalId?: string;
  organization?: boolean;
  securityHub?: boolean;
  output?: { bucket?: string; prefix?: string; topicArn?: string };
}

/** A complete request: the event's fields, else the environment's, else the defaults. */
export interface LintRequest {
  regions: string[];
  /** Undefined means every VPC of each Region. */
  vpcIds?: string[];
  requiredServices: string[];
  accountId?: string;
  roleName?: string;
  externalId?: string;
  organization: boolean;
  securityHub: boolean;
  bucket: string;
  prefix: string;
  topicArn?: string;
}

/** An event that cannot run; the message names the field and the fix. */
export class EventError extends Error {
  override name = "EventError";
}

export const DEFAULT_PREFIX = "vpc-lint";

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

/**
 * Validates an event and fills the missing fields from the environment. Throws EventError with
 * every problem found, each naming its field.
 */
export function parseEvent(event: unknown, env: NodeJS.ProcessEnv): LintRequest {
  const validate = validator();
  if (!validate(event)) {
    const problems = (validate.errors ?? []).map(describeError);
    throw new EventError(`invalid event: ${problems.join("; ")}`);
  }
  return complete(event as LintEvent, env);
}

function complete(event: LintEvent, env: NodeJS.ProcessEnv): LintRequest {
  const regions = event.regions ?? listOf(env.VPC_LINT_REGIONS) ?? listOf(env.AWS_REGION);
  if (!regions) {
    throw new EventError(
      "invalid event: /regions is missing; set it in the event or VPC_LINT_REGIONS",
    );
  }
  const bucket = event.output?.bucket ?? env.VPC_LINT_BUCKET;
  if (!bucket) {
    throw new EventError(
      "invalid event: /output/bucket is missing; set it in the event or VPC_LINT_BUCKET",
    );
  }
  const vpcIds = event.vpcIds ?? listOf(env.VPC_LINT_VPC_IDS);
  if (vpcIds && regions.length !== 1) {
    throw new EventError(
      `invalid event: /vpcIds names VPCs of one Region, but /regions lists ${regions.length} ` +
        `(${regions.join(", ")}); list one Region, or leave vpcIds out to lint every VPC`,
    );
  }
  if (vpcIds && event.organization) {
    throw new EventError(
      "invalid event: /vpcIds cannot be combined with /organization, which lints every VPC " +
        "of every account; remove one of them",
    );
  }
  const roleName = event.roleName ?? env.VPC_LINT_ROLE_NAME;
  if ((event.accountId || event.organization) && !roleName) {
    throw new EventError(
      `invalid event: ${event.accountId ? `/accountId ${event.accountId}` : "/organization"} needs a role to assume; ` +
        "set /roleName in the event or VPC_LINT_ROLE_NAME",
    );
  }

  const request: LintRequest = {
    regions,
    requiredServices: event.requiredServices ?? listOf(env.VPC_LINT_REQUIRED_SERVICES) ?? [],
    organization: event.organization ?? false,
    securityHub: event.securityHub ?? env.VPC_LINT_SECURITY_HUB !== "false",
    bucket,
    prefix: event.output?.prefix ?? env.VPC_LINT_PREFIX ?? DEFAULT_PREFIX,
  };
  if (vpcIds) request.vpcIds = vpcIds;
  if (event.accountId) request.accountId = event.accountId;
  if (roleName) request.roleName = roleName;
  const externalId = event.externalId ?? env.VPC_LINT_EXTERNAL_ID;
  if (externalId) request.externalId = externalId;
  const topicArn = event.output?.topicArn ?? env.VPC_LINT_TOPIC_ARN;
  if (topicArn) request.topicArn = topicArn;
  return request;
}

/** Splits a comma-separated environment value; empty means unset. */
function listOf(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** Phrases one ajv error as `/path: problem; fix`. */
function describeError(error: ErrorObject): string {
  const path = error.instancePath || "/";
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(error.params.additionalProperty);
      return `${joinPath(path, name)} is not a known field; remove it or check its spelling`;
    }
    case "pattern":
      return `${path} does not match ${String(error.params.pattern)}; ${hintFor(path)}`;
    case "type":
      return `${path} must be of type ${String(error.params.type)}`;
    case "minItems":
      return `${path} is empty; list at least one item or leave the field out`;
    case "uniqueItems":
      return `${path} lists an item twice; remove the repeat`;
    default:
      return `${path} ${error.message ?? "is invalid"}`;
  }
}

function joinPath(path: string, name: string): string {
  return path === "/" ? `/${name}` : `${path}/${name}`;
}

const HINTS: Array<[RegExp, string]> = [
  [/^\/regions\//, "use a Region code such as eu-west-1"],
  [/^\/vpcIds\//, "use a VPC id such as vpc-0a1b2c3d4e5f67890"],
  [/^\/accountId$/, "use the 12-digit account id"],
  [/^\/output\/bucket$/, "use an S3 bucket name, not an ARN or URL"],
  [
    /^\/output\/topicArn$/,
    "use an SNS topic ARN such as arn:aws:sns:eu-west-1:111122223333:vpc-lint",
  ],
  [/^\/requiredServices\//, "use a service short name such as kms"],
];

function hintFor(path: string): string {
  return HINTS.find(([pattern]) => pattern.test(path))?.[1] ?? "check the value";
}
