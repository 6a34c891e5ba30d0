/**
 * The Lambda event: validated against `lambda-event.schema.json`, then completed from the
 * function's environment. Validation runs before any AWS call, so a bad event writes nothing.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schema from "../schemas/lambda-event.schema.json" with { type: "json" };
import { serviceNameProblem } from "../config/service-names.js";
import { isLogLevel } from "./log.js";

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
  /**
   * Undefined means every VPC of each Region. Each VPC is looked up in every Region and linted
   * in the Region that has it.
   */
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
 * Validates an event, fills the missing fields from the environment, and validates the result
 * again, so that values from the environment meet the event's schema too. Throws EventError with
 * every problem found, each naming its field and, for a value from the environment, the variable.
 * `homeAccount` is the function's own account, which needs no role to lint.
 */
export function parseEvent(
  event: unknown,
  env: NodeJS.ProcessEnv,
  homeAccount?: string,
): LintRequest {
  const validate = validator();
  if (!validate(event)) {
    const problems = (validate.errors ?? []).map((error) => describeError(error, event));
    throw new EventError(`invalid event: ${problems.join("; ")}`);
  }
  const eventProblems = serviceProblems(event as LintEvent);
  if (eventProblems.length > 0) {
    throw new EventError(`invalid event: ${eventProblems.join("; ")}`);
  }

  const merged = withEnvironment(event as LintEvent, env);
  const problems = validate(merged.event)
    ? serviceProblems(merged.event, merged)
    : (validate.errors ?? []).map((error) => describeError(error, merged.event, merged));
  const level = env.VPC_LINT_LOG_LEVEL;
  if (level && !isLogLevel(level)) {
    problems.push(`VPC_LINT_LOG_LEVEL is ${JSON.stringify(level)}; use debug, info, warn or error`);
  }
  if (problems.length > 0) {
    throw new EventError(`invalid environment: ${problems.join("; ")}`);
  }
  return complete(merged, homeAccount);
}

/** Describes each required service that is not a short name, such as a full endpoint name. */
function serviceProblems(event: LintEvent, merged?: MergedEvent): string[] {
  return (event.requiredServices ?? []).flatMap((name, position) => {
    const problem = serviceNameProblem(name);
    if (!problem) return [];
    const path = `/requiredServices/${position}`;
    const origin = merged && originOf(path, merged);
    const subject = origin ? `${path} (${origin})` : `${path} ${JSON.stringify(name)}`;
    return [`${subject} is ${problem.kind}; ${problem.advice}`];
  });
}

/** An event completed from the environment, with the variable each filled field came from. */
interface MergedEvent {
  event: LintEvent;
  /** Environment variable by JSON path of the field it filled, such as `/output/bucket`. */
  origins: Map<string, string>;
}

/**
 * The fields the environment may fill, in order of precedence, with the variable and how its
 * text is read. `/regions` falls back to the function's own Region in AWS_REGION.
 */
const FROM_ENVIRONMENT: ReadonlyArray<[string, string, (text?: string) => unknown]> = [
  ["/regions", "VPC_LINT_REGIONS", listOf],
  ["/regions", "AWS_REGION", listOf],
  ["/vpcIds", "VPC_LINT_VPC_IDS", listOf],
  ["/requiredServices", "VPC_LINT_REQUIRED_SERVICES", listOf],
  ["/roleName", "VPC_LINT_ROLE_NAME", textOf],
  ["/externalId", "VPC_LINT_EXTERNAL_ID", textOf],
  ["/securityHub", "VPC_LINT_SECURITY_HUB", flagOf],
  ["/output/bucket", "VPC_LINT_BUCKET", textOf],
  ["/output/prefix", "VPC_LINT_PREFIX", textOf],
  ["/output/topicArn", "VPC_LINT_TOPIC_ARN", textOf],
];

/** Fills each field the event leaves out from its environment variable, if that is set. */
function withEnvironment(event: LintEvent, env: NodeJS.ProcessEnv): MergedEvent {
  const merged = structuredClone(event) as Record<string, unknown>;
  const origins = new Map<string, string>();
  for (const [path, variable, read] of FROM_ENVIRONMENT) {
    if (valueAt(merged, path) !== undefined) continue;
    const value = read(env[variable]);
    if (value === undefined) continue;
    setAt(merged, path, value);
    origins.set(path, variable);
  }
  return { event: merged as LintEvent, origins };
}

/** Builds the request from a valid event that the environment has completed. */
function complete(merged: MergedEvent, homeAccount: string | undefined): LintRequest {
  const event = merged.event;
  const regions = event.regions;
  if (!regions) {
    throw new EventError(
      "invalid event: /regions is missing; set it in the event or VPC_LINT_REGIONS",
    );
  }
  const bucket = event.output?.bucket;
  if (!bucket) {
    throw new EventError(
      "invalid event: /output/bucket is missing; set it in the event or VPC_LINT_BUCKET",
    );
  }
  const vpcIds = event.vpcIds;
  if (vpcIds && event.organization) {
    throw new EventError(
      "invalid event: /vpcIds cannot be combined with /organization, which lints every VPC " +
        "of every account; remove one of them",
    );
  }
  // The function lints its own account with its own role, so only other accounts need one.
  const member = event.accountId !== undefined && event.accountId !== homeAccount;
  if ((member || event.organization) && !event.roleName) {
    throw new EventError(
      `invalid event: ${member ? `/accountId ${event.accountId}` : "/organization"} needs a role to assume; ` +
        "set /roleName in the event or VPC_LINT_ROLE_NAME",
    );
  }

  const request: LintRequest = {
    regions,
    requiredServices: event.requiredServices ?? [],
    organization: event.organization ?? false,
    securityHub: event.securityHub ?? true,
    bucket,
    prefix: event.output?.prefix ?? DEFAULT_PREFIX,
  };
  if (vpcIds) request.vpcIds = vpcIds;
  if (event.accountId) request.accountId = event.accountId;
  if (event.roleName) request.roleName = event.roleName;
  if (event.externalId) request.externalId = event.externalId;
  if (event.output?.topicArn) request.topicArn = event.output.topicArn;
  return request;
}

/** Returns an environment value, or undefined when it is unset or empty. */
function textOf(value: string | undefined): string | undefined {
  return value ? value : undefined;
}

/**
 * Reads `true` or `false` in any case; another value stays a string, so that validation rejects
 * it instead of reading it as either.
 */
function flagOf(value: string | undefined): boolean | string | undefined {
  if (!value) return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return value;
}

/** Splits a comma-separated environment value; empty means unset. */
function listOf(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/**
 * Phrases one ajv error as `/path: problem; fix`. For a value that came from the environment,
 * the path is followed by the value and the variable's name.
 */
function describeError(error: ErrorObject, event: unknown, merged?: MergedEvent): string {
  const path = error.instancePath || "/";
  const origin = merged && originOf(path, merged);
  const subject = origin ? `${path} (${origin})` : path;
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(error.params.additionalProperty);
      return `${joinPath(path, name)} is not a known field; remove it or check its spelling`;
    }
    case "pattern": {
      const named = origin ? subject : eventValue(path, event);
      return `${named} does not match ${String(error.params.pattern)}; ${hintFor(path)}`;
    }
    case "type":
      // Only a flag such as VPC_LINT_SECURITY_HUB can give a value of the wrong type.
      if (origin) return `${subject} must be true or false`;
      return typeProblem(path, valueAt(event, path), String(error.params.type));
    case "minItems":
      return `${subject} is empty; list at least one item or leave the field out`;
    case "uniqueItems":
      return `${subject} lists an item twice; remove the repeat`;
    default:
      return `${subject} ${error.message ?? "is invalid"}`;
  }
}

/**
 * Describes a value of the wrong type with its fix. The external id is printed as its type only,
 * so it stays out of logs.
 */
function typeProblem(path: string, value: unknown, type: string): string {
  let printed = JSON.stringify(value) ?? String(value);
  if (printed.length > 60) printed = `${printed.slice(0, 57)}...`;
  if (path === "/externalId") printed = `a ${typeof value}`;
  if (path === "/") {
    return `the event is ${printed}; send a JSON object such as {"regions": ["eu-west-1"]}, or {}`;
  }
  const expected: Record<string, string> = {
    array: 'an array, such as ["item"], even for one item',
    boolean: "true or false, without quotes",
    object: "an object",
    string: "a string",
  };
  return `${path} is ${printed}; expected ${expected[type] ?? `a value of type ${type}`}`;
}

/**
 * Names a field of the event with its value, such as `/regions/0 ("Ireland")`. The external id
 * is named without its value, so it stays out of logs.
 */
function eventValue(path: string, event: unknown): string {
  const value = valueAt(event, path);
  if (path === "/externalId" || typeof value !== "string") return path;
  return `${path} (${JSON.stringify(value)})`;
}

/** Names the variable a field came from, with the value when it is a string and not secret. */
function originOf(path: string, merged: MergedEvent): string | undefined {
  const field = [...merged.origins.keys()].find(
    (key) => path === key || path.startsWith(`${key}/`),
  );
  if (field === undefined) return undefined;
  const name = merged.origins.get(field) as string;
  const value = valueAt(merged.event, path);
  if (typeof value !== "string" || field === "/externalId") return `from ${name}`;
  return `${JSON.stringify(value)}, from ${name}`;
}

/**
 * Reads the value at a JSON path such as `/output/bucket`, or the whole event at `/`; undefined
 * when any step is missing.
 */
function valueAt(event: unknown, path: string): unknown {
  let value: unknown = event;
  if (path === "/") return value;
  for (const key of path.split("/").slice(1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Sets the value at a JSON path, creating the objects on the way. */
function setAt(event: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split("/").slice(1);
  const last = keys.pop() as string;
  let parent = event;
  for (const key of keys) {
    parent[key] ??= {};
    parent = parent[key] as Record<string, unknown>;
  }
  parent[last] = value;
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
    /^\/output\/prefix$/,
    "use key name parts joined by single slashes, with no slash at either end, such as " +
      "reports/vpc-lint",
  ],
  [/^\/roleName$/, "use the role's name, such as VpcLintReadOnly, not its ARN"],
  [
    /^\/output\/topicArn$/,
    "use an SNS topic ARN such as arn:aws:sns:eu-west-1:111122223333:vpc-lint",
  ],
  [/^\/requiredServices\//, "use a service short name such as kms"],
];

function hintFor(path: string): string {
  return HINTS.find(([pattern]) => pattern.test(path))?.[1] ?? "check the value";
}
