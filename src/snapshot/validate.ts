/** Validates snapshot input against the bundled JSON schema and phrases each error for a user. */
import type { ErrorObject, ValidateFunction } from "ajv";
import { isLiveInstance } from "../index/util.js";
import { compileSnapshotValidator } from "./compile-validator.js";
import type { Snapshot } from "./types.js";

let compiled: ValidateFunction | undefined;

/** Returns the validator, building it on first use so lint runs pay for it once. */
function validator(): ValidateFunction {
  compiled ??= compileSnapshotValidator();
  return compiled;
}

/** One problem in the input, with the JSON pointer into the snapshot it was found at. */
export interface SchemaProblem {
  pointer: string;
  value: unknown;
  expected: string;
}

/** Validates a partial snapshot; returns no problems when it is valid. */
export function validateSnapshot(snapshot: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(snapshot)) return [];
  // An `if` error only repeats that its `then` failed, whose own errors name the problem.
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== "if");
  // Each branch of an `anyOf` of required fields names one field, and one problem names them all.
  const alternatives = new Map<string, string[]>();
  for (const error of errors) {
    if (!isAlternative(error)) continue;
    const fields = alternatives.get(error.instancePath) ?? [];
    fields.push(String(error.params.missingProperty));
    alternatives.set(error.instancePath, fields);
  }
  return errors
    .filter((error) => !isAlternative(error))
    .map((error) => {
      const fields = error.keyword === "anyOf" ? alternatives.get(error.instancePath) : undefined;
      if (!fields) return toProblem(snapshot, error);
      const pointer = error.instancePath;
      return {
        pointer,
        value: valueAt(snapshot, pointer),
        expected: `one of the fields ${fields.join(", ")}`,
      };
    });
}

/**
 * Returns a problem for each instance that still exists but names no subnet. AWS returns SubnetId
 * for every instance that is not terminated, and read as absent, the instance would leave its
 * subnet looking empty of instances. A template may leave it out, so only snapshots are checked.
 */
export function instancesWithoutSubnet(snapshot: Snapshot): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  (snapshot.Reservations ?? []).forEach((reservation, position) => {
    (reservation.Instances ?? []).forEach((instance, at) => {
      if (instance.SubnetId || !isLiveInstance(instance)) return;
      problems.push({
        pointer: `/Reservations/${position}/Instances/${at}/SubnetId`,
        value: instance.SubnetId,
        expected: `the id of the subnet of this ${instance.State?.Name ?? ""} instance`,
      });
    });
  });
  return problems;
}

function isAlternative(error: ErrorObject): boolean {
  return error.keyword === "required" && error.schemaPath.includes("/anyOf/");
}

function toProblem(root: unknown, error: ErrorObject): SchemaProblem {
  const pointer =
    error.keyword === "required"
      ? `${error.instancePath}/${String(error.params.missingProperty)}`
      : error.instancePath;
  // For a missing property the pointer names the property, so the value found there is nothing.
  return { pointer, value: valueAt(root, pointer), expected: expectation(error) };
}

/** Descriptions of the text each schema format accepts, for error messages. */
export const FORMAT_EXPECTATIONS: Record<string, string> = {
  id: "a non-empty string",
  "date-time": "an ISO 8601 time with a time zone, such as 2026-12-01T08:15:00Z",
  ipv4: "an IPv4 address such as 10.0.0.1",
  cidr: "an IPv4 or IPv6 prefix such as 10.0.0.0/16 or 2001:db8::/56",
  "ipv4-cidr": "an IPv4 prefix such as 10.0.0.0/16",
  "ipv6-cidr": "an IPv6 prefix such as 2001:db8::/56",
  "ipv4-cidr-or-empty": "an IPv4 prefix such as 10.0.0.0/16, or an empty string",
  "ipv6-cidr-or-empty": "an IPv6 prefix such as 2001:db8::/56, or an empty string",
};

/** Descriptions of the values each schema pattern accepts, by the pointer of the value. */
const PATTERN_EXPECTATIONS: Record<string, string> = {
  "/Source/AccountId": "a 12-digit AWS account id such as 111122223333",
  "/Source/Region": "an AWS Region code such as us-east-1",
};

function expectation(error: ErrorObject): string {
  switch (error.keyword) {
    case "required":
      return `the field ${String(error.params.missingProperty)}`;
    case "type":
      return `a value of type ${String(error.params.type)}`;
    case "format":
      return FORMAT_EXPECTATIONS[String(error.params.format)] ?? `a ${String(error.params.format)}`;
    case "pattern":
      return (
        PATTERN_EXPECTATIONS[error.instancePath] ??
        `a value that matches ${String(error.params.pattern)}`
      );
    // The snapshot schema bounds only ports. A network ACL's start at 0 and a security group
    // rule's at -1, which means every ICMP type or code.
    case "minimum":
    case "maximum":
      return /\/PortRange\/(From|To)$/.test(error.instancePath)
        ? "a port from 0 to 65535"
        : "a port, or an ICMP type or code, from -1 to 65535";
    case "const":
      return `the value ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return error.message ?? error.keyword;
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const token of pointer.split("/").slice(1)) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The maximum length of an invalid value quoted in an error line. */
const MAX_FOUND_LENGTH = 200;

/** Quotes an invalid value for an error line, cut short when long. */
export function foundText(value: unknown): string {
  if (value === undefined) return "nothing";
  // JSON.parse reads a number beyond the range of a double, such as 1e400, as Infinity, which
  // JSON.stringify would print as null.
  if (typeof value === "number" && !Number.isFinite(value)) {
    return `a number too large to read (${value})`;
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // JSON.parse accepts nesting deeper than JSON.stringify can recurse.
    return "a value nested too deeply to print";
  }
  return text.length > MAX_FOUND_LENGTH ? `${text.slice(0, MAX_FOUND_LENGTH)}...` : text;
}
