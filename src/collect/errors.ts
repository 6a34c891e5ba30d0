/** Turns a failed AWS call into the one-line `Code` and `Message` a snapshot records. */
import { SECTIONS } from "../snapshot/sections.js";
import type { CollectionError } from "../snapshot/types.js";

const MAX_MESSAGE_LENGTH = 300;

/** Error names the SDK gives a response that carried no AWS error code. */
const GENERIC_NAMES = new Set(["Error", "Unknown", "UnknownError"]);

interface SdkErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Returns the AWS error code and a readable one-line message. An error without an AWS code gets
 * `InvalidResponse` when the SDK could not read the service's response, the Node.js
 * error code (such as `ECONNREFUSED`) for a network failure, and `RequestFailed` otherwise.
 */
export function summarizeError(error: unknown): { Code: string; Message: string } {
  if (typeof error !== "object" || error === null) {
    return { Code: "RequestFailed", Message: oneLine(String(error)) || "the request failed" };
  }
  const fields = error as SdkErrorFields;
  const name = typeof fields.name === "string" ? fields.name : "";
  const message = typeof fields.message === "string" ? fields.message : "";
  const status = fields.$metadata?.httpStatusCode;

  if (message.includes("Deserialization error")) {
    const reason = oneLine(message) || "unreadable body";
    return {
      Code: "InvalidResponse",
      Message: `HTTP ${status ?? "?"} response could not be parsed: ${reason}`,
    };
  }
  if (fields.$fault !== undefined && name && !GENERIC_NAMES.has(name)) {
    return { Code: name, Message: oneLine(message) || name };
  }
  if (status !== undefined) {
    return {
      Code: "InvalidResponse",
      Message: `HTTP ${status} response carried no AWS error code`,
    };
  }
  if (typeof fields.code === "string" && fields.code) {
    return { Code: fields.code, Message: oneLine(message) || fields.code };
  }
  const code = name && !GENERIC_NAMES.has(name) ? name : "RequestFailed";
  return { Code: code, Message: oneLine(message) || "the request failed" };
}

/**
 * Fields of a signed request whose values are credentials or name them, which a proxy or another
 * server may echo in an error message that vpc-lint then logs and writes to reports.
 */
const SIGNED_FIELD =
  /\b(X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature|Credential|Signature)("?\s*[=:]\s*"?)[^\s&,;"']+/gi;

/** An access key id: AKIA for long-term keys, ASIA for temporary ones. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;

/**
 * Cuts a message to its first line, drops the encoded authorization blob that EC2 appends to
 * UnauthorizedOperation (it decodes with `aws sts decode-authorization-message`, not by reading),
 * removes echoed credentials, and caps the length.
 */
export function oneLine(message: string): string {
  const first = message.split("\n")[0] ?? "";
  const text = first
    .replace(/\s*Encoded authorization failure message:.*$/i, "")
    .replace(SIGNED_FIELD, "$1$2[removed]")
    .replace(ACCESS_KEY_ID, "[removed]")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

const OPERATION_ORDER = new Map(
  SECTIONS.flatMap((info) => info.operations).map((operation, position) => [operation, position]),
);

/**
 * Merges failures of one operation with one code into a single entry whose `Scope` lists every
 * resource it failed for, and sorts the entries by collection order.
 */
export function mergeErrors(errors: readonly CollectionError[]): CollectionError[] {
  const groups = new Map<string, { first: CollectionError; scopes: string[]; unscoped: boolean }>();
  for (const error of errors) {
    const key = `${error.Operation}\u0000${error.Code}`;
    const group = groups.get(key) ?? { first: error, scopes: [], unscoped: false };
    if (error.Scope === undefined) group.unscoped = true;
    else if (!group.scopes.includes(error.Scope)) group.scopes.push(error.Scope);
    groups.set(key, group);
  }
  const merged = [...groups.values()].map(({ first, scopes, unscoped }) => {
    const entry: CollectionError = {
      Operation: first.Operation,
      Code: first.Code,
      Message: first.Message,
    };
    if (!unscoped && scopes.length > 0) entry.Scope = scopes.sort().join(", ");
    return entry;
  });
  return merged.sort(
    (a, b) =>
      (OPERATION_ORDER.get(a.Operation) ?? Infinity) -
        (OPERATION_ORDER.get(b.Operation) ?? Infinity) || a.Code.localeCompare(b.Code),
  );
}
