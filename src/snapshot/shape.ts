/**
 * Recognises the shape of one JSON file and turns it into a partial snapshot: a whole snapshot, a
 * plural `Describe*` output, a singular `Create*` output, a DescribeVpcAttribute output, or any of
 * these wrapped in a recording's `data` member.
 */
import { SECTIONS, SECTION_NAMES } from "./sections.js";
import type { SectionName, Snapshot } from "./types.js";

/** A partial snapshot and how to turn a JSON pointer into it back into the file's own pointer. */
export interface ShapedInput {
  snapshot: Snapshot;
  shape: string;
  /** Top-level keys that name no section and were left out. */
  unusedKeys: string[];
  toFilePointer(pointer: string): string;
}

/** The file is JSON but not in a shape vpc-lint reads. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** An AWS CLI output that contains only one page of its sections, since it still has a NextToken. */
export class TruncatedOutputError extends ShapeError {
  override name = "TruncatedOutputError";

  constructor(
    message: string,
    /** The snapshot sections of which the output contains one page. */
    readonly sections: SectionName[],
  ) {
    super(message);
  }
}

const SNAPSHOT_ONLY_KEYS = ["SnapshotVersion", "Source", "Errors", "VpcAttributes"];
const IGNORED_KEYS = new Set(["NextToken", "ResponseMetadata", "ServiceNames"]);
/** Top-level keys that some AWS CLI outputs use for a section. */
export const ALIASES: Record<string, SectionName> = { PrefixLists: "ManagedPrefixLists" };
const SINGULAR = new Map(
  SECTIONS.filter((info) => info.singular).map((info) => [info.singular as string, info.name]),
);
const SECTION_SET = new Set<string>(SECTION_NAMES);

/** Classifies a parsed file and returns its partial snapshot, or throws ShapeError. */
export function shapeInput(value: unknown): ShapedInput {
  if (Array.isArray(value)) {
    throw new ShapeError(
      "found a JSON array; expected an object such as the output of `aws ec2 describe-subnets` " +
        "(a `--query` expression that returns a list loses the section name)",
    );
  }
  if (!isObject(value)) {
    throw new ShapeError(
      `found a JSON ${value === null ? "null" : typeof value}; expected an object`,
    );
  }
  if (isRecording(value)) {
    const inner = shapeInput(reviveDatetimes(value.data));
    return {
      ...inner,
      shape: `recorded ${inner.shape}`,
      toFilePointer: (pointer) => `/data${inner.toFilePointer(pointer)}`,
    };
  }
  return shapeObject(value);
}

function shapeObject(value: Record<string, unknown>): ShapedInput {
  const keys = Object.keys(value);
  if (SNAPSHOT_ONLY_KEYS.some((key) => key in value) && !isVpcAttributeOutput(value)) {
    return {
      snapshot: value as Snapshot,
      shape: "snapshot",
      unusedKeys: keys.filter(
        (key) =>
          !SECTION_SET.has(key) && !SNAPSHOT_ONLY_KEYS.includes(key) && !IGNORED_KEYS.has(key),
      ),
      toFilePointer: (pointer) => pointer,
    };
  }
  if (isVpcAttributeOutput(value)) return shapeVpcAttribute(value);

  const plural = keys.filter((key) => SECTION_SET.has(key) || key in ALIASES);
  if (plural.length > 0) return shapePlural(value, plural);

  const singular = keys.filter((key) => SINGULAR.has(key));
  if (singular.length === 1) return shapeSingular(value, singular[0] as string);
  if (Array.isArray(value.Instances) && typeof value.ReservationId === "string") {
    return {
      snapshot: { Reservations: [value as never] },
      shape: "RunInstances output",
      unusedKeys: [],
      toFilePointer: (pointer) => pointer.replace(/^\/Reservations\/0/, ""),
    };
  }
  throw new ShapeError(describeUnknownShape(keys));
}

function shapePlural(value: Record<string, unknown>, keys: string[]): ShapedInput {
  if (typeof value.NextToken === "string" && value.NextToken !== "") {
    // The AWS CLI prints NextToken only when it stopped early, with --max-items or --no-paginate.
    throw new TruncatedOutputError(
      `${keys.join(", ")} output is truncated: it has a NextToken, so later pages are missing; ` +
        "run the AWS CLI command again without --max-items or --no-paginate",
      keys.map((key) => ALIASES[key] ?? (key as SectionName)),
    );
  }
  const snapshot: Record<string, unknown> = {};
  const renamed = new Map<string, string>();
  for (const key of keys) {
    const section = ALIASES[key] ?? key;
    snapshot[section] = value[key];
    if (section !== key) renamed.set(section, key);
  }
  return {
    snapshot: snapshot as Snapshot,
    shape: `${keys.join(", ")} output`,
    unusedKeys: Object.keys(value).filter((key) => !keys.includes(key) && !IGNORED_KEYS.has(key)),
    toFilePointer: (pointer) => {
      const [, head = "", ...rest] = pointer.split("/");
      const original = renamed.get(head) ?? head;
      return ["", original, ...rest].join("/");
    },
  };
}

function shapeSingular(value: Record<string, unknown>, key: string): ShapedInput {
  const section = SINGULAR.get(key) as SectionName;
  return {
    snapshot: { [section]: [value[key]] } as Snapshot,
    shape: `${key} output`,
    unusedKeys: [],
    toFilePointer: (pointer) => pointer.replace(new RegExp(`^/${section}/0`), `/${key}`),
  };
}

function isVpcAttributeOutput(value: Record<string, unknown>): boolean {
  return (
    typeof value.VpcId === "string" &&
    ("EnableDnsSupport" in value || "EnableDnsHostnames" in value) &&
    !("SnapshotVersion" in value)
  );
}

function shapeVpcAttribute(value: Record<string, unknown>): ShapedInput {
  return {
    snapshot: { VpcAttributes: [value as never] },
    shape: "DescribeVpcAttribute output",
    unusedKeys: [],
    toFilePointer: (pointer) => pointer.replace(/^\/VpcAttributes\/0/, ""),
  };
}

function describeUnknownShape(keys: string[]): string {
  const found = keys.length > 0 ? `an object with keys ${keys.join(", ")}` : "an empty object";
  return (
    `found ${found}; expected a vpc-lint snapshot (SnapshotVersion), a Describe* output ` +
    `with a key such as Subnets or RouteTables, or a Create* output such as Subnet or NatGateway`
  );
}

function isRecording(value: Record<string, unknown>): value is { data: unknown } {
  if (!isObject(value.data)) return false;
  return Object.keys(value).every((key) => key === "data" || key === "status_code");
}

/** Replaces `{"__class__": "datetime", ...}` objects of recordings with ISO 8601 strings. */
function reviveDatetimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDatetimes);
  if (!isObject(value)) return value;
  if (value.__class__ === "datetime") return datetimeToIso(value);
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) result[key] = reviveDatetimes(inner);
  return result;
}

function datetimeToIso(value: Record<string, unknown>): string {
  const part = (key: string) => (typeof value[key] === "number" ? (value[key] as number) : 0);
  const milliseconds = Math.floor(part("microsecond") / 1000);
  const date = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day") || 1,
    part("hour"),
    part("minute"),
    part("second"),
    milliseconds,
  );
  return Number.isNaN(date) ? String(value.year) : new Date(date).toISOString();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
