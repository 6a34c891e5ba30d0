/** Finds the line of each resource in a snapshot file, so reports can point at the file. */
import { relative, sep } from "node:path";
import type { SourceLocation } from "../run.js";
import { SECTIONS, sectionInfo } from "./sections.js";
import { ALIASES } from "./shape.js";

/** A location found in a file, marked when it is only a second choice for its resource. */
interface FoundLocation extends SourceLocation {
  /** Set for a mention outside the resource's own section, such as a VPC's attributes. */
  fallback?: true;
}

/** Sections whose id field names a resource that another section describes. */
const FALLBACK_SECTIONS = new Set(["VpcAttributes", "InstanceInformationList"]);
const BY_SECTION = new Map<string, { idField: string; fallback: boolean }>([
  ...SECTIONS.map(
    (info) =>
      [info.name, { idField: info.idField, fallback: FALLBACK_SECTIONS.has(info.name) }] as const,
  ),
  ...Object.entries(ALIASES).map(
    ([alias, name]) => [alias, { idField: sectionInfo(name).idField, fallback: false }] as const,
  ),
  // DescribeInstances nests instances in reservations; RunInstances returns them at the top.
  ["Instances", { idField: "InstanceId", fallback: false }],
]);
const BY_SINGULAR = new Map(
  SECTIONS.filter((info) => info.singular).map((info) => [info.singular as string, info.idField]),
);
const ID_FIELDS = new Set([...SECTIONS.map((info) => info.idField), "InstanceId"]);

/**
 * Maps each resource id in a snapshot file to the line of its id field inside the resource's own
 * entry: `"SubnetId": "subnet-0a1b"` directly in an item of `Subnets` (or of a singular `Subnet`
 * output), never a subnet id nested in a route table or an instance. Instances are found inside
 * `Reservations`. A VPC attribute output or an SSM registration counts only when the file has no
 * entry of the resource's own section. Files wrapped in `{"data": ...}` are read the same way.
 * With `scope`, the id that scopeId gives the file's account and Region, the first entry of
 * `Errors` locates that scope.
 */
export function locateResources(
  file: string,
  text: string,
  scope?: string,
): Map<string, FoundLocation> {
  const path = relative(process.cwd(), file).split(sep).join("/");
  const locations = new Map<string, FoundLocation>();
  scanMembers(text, (keys, value, line) => {
    const field = keys[keys.length - 1] as string;
    // A recording wraps the output in `data`.
    const inOutput = keys[0] === "data" ? keys.slice(1) : keys;
    // A failed call of the collection belongs to the snapshot's scope, found at its first error.
    if (scope && inOutput.length === 3 && inOutput[0] === "Errors" && field === "Operation") {
      if (!locations.has(scope)) locations.set(scope, { file: path, line });
      return;
    }
    if (!ID_FIELDS.has(field)) return;
    const rank = rankOf(inOutput, field);
    if (rank === undefined) return;
    const known = locations.get(value);
    if (known && (!known.fallback || rank === "fallback")) return;
    locations.set(
      value,
      rank === "fallback" ? { file: path, line, fallback: true } : { file: path, line },
    );
  });
  return locations;
}

/**
 * Returns the id that names a snapshot's account and Region as one resource, such as
 * `111122223333/us-east-1`, or `snapshot` when the snapshot names neither.
 */
export function scopeId(accountId: string | undefined, region: string | undefined): string {
  return [accountId, region].filter(Boolean).join("/") || "snapshot";
}

/** Tells whether a key path leads to a resource's own id field, or to a second-choice mention. */
function rankOf(keys: readonly string[], field: string): "own" | "fallback" | undefined {
  if (keys.length === 1) return field === "VpcId" ? "fallback" : undefined;
  if (keys.length === 2) return BY_SINGULAR.get(keys[0] as string) === field ? "own" : undefined;
  if (keys.length === 3 && keys[1] === ITEM) {
    const section = BY_SECTION.get(keys[0] as string);
    if (section?.idField !== field) return undefined;
    return section.fallback ? "fallback" : "own";
  }
  const instance =
    keys.length === 5 &&
    keys[0] === "Reservations" &&
    keys[1] === ITEM &&
    keys[2] === "Instances" &&
    keys[3] === ITEM &&
    field === "InstanceId";
  return instance ? "own" : undefined;
}

/** The path element that stands for any item of an array. */
const ITEM = "#";

const QUOTE = 34;
const BACKSLASH = 92;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;

/**
 * Walks a valid JSON text and calls `visit` for every string that is the value of an object
 * member, with the keys leading to it (array items as ITEM) and its line. Lines end at LF, CRLF
 * or a lone CR.
 */
function scanMembers(
  text: string,
  visit: (keys: readonly string[], value: string, line: number) => void,
): void {
  const keys: string[] = [];
  // For each open container: true for an object, false for an array.
  const objects: boolean[] = [];
  // For each open object: whether a member's key is on `keys`.
  const keyed: boolean[] = [];
  let expectKey = false;
  let line = 1;
  for (let position = 0; position < text.length; position += 1) {
    const code = text.charCodeAt(position);
    if (code === LINE_FEED) {
      line += 1;
    } else if (code === CARRIAGE_RETURN) {
      if (text.charCodeAt(position + 1) !== LINE_FEED) line += 1;
    } else if (code === QUOTE) {
      const end = closingQuote(text, position);
      const raw = text.slice(position + 1, end);
      const value = raw.includes("\\")
        ? (JSON.parse(text.slice(position, end + 1)) as string)
        : raw;
      if (expectKey) {
        keys.push(value);
        keyed[keyed.length - 1] = true;
        expectKey = false;
      } else if (objects[objects.length - 1] === true) {
        visit(keys, value, line);
      }
      position = end;
    } else if (code === 123 /* { */) {
      objects.push(true);
      keyed.push(false);
      expectKey = true;
    } else if (code === 125 /* } */) {
      objects.pop();
      if (keyed.pop()) keys.pop();
      expectKey = false;
    } else if (code === 91 /* [ */) {
      objects.push(false);
      keys.push(ITEM);
    } else if (code === 93 /* ] */) {
      objects.pop();
      keys.pop();
    } else if (code === 44 /* , */ && objects[objects.length - 1] === true) {
      if (keyed[keyed.length - 1]) keys.pop();
      keyed[keyed.length - 1] = false;
      expectKey = true;
    }
  }
}

function closingQuote(text: string, open: number): number {
  let position = open + 1;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === BACKSLASH) position += 2;
    else if (code === QUOTE) return position;
    else position += 1;
  }
  return text.length;
}

type LocationSource =
  ReadonlyMap<string, SourceLocation> | (() => ReadonlyMap<string, SourceLocation>);

/**
 * The locations of several inputs, merged on first use so that the first input with an entry of
 * the resource's own section wins, else the first that mentions it. Only reports that point at lines read them, so a run that prints text or JSON never scans
 * its files for lines. A source given as a function is called at the first read.
 */
export class MergedLocations implements ReadonlyMap<string, SourceLocation> {
  #sources: LocationSource[] = [];
  #merged: Map<string, SourceLocation> | undefined;

  /** Adds a source after the ones already added, whose locations win over its own. */
  add(source: LocationSource): void {
    this.#sources.push(source);
    this.#merged = undefined;
  }

  #map(): Map<string, SourceLocation> {
    if (this.#merged) return this.#merged;
    const merged = new Map<string, SourceLocation>();
    // Resources located only by a second-choice mention so far; a later own entry replaces it.
    const fallbacks = new Set<string>();
    for (const source of this.#sources) {
      const map = typeof source === "function" ? source() : source;
      for (const [id, location] of map as ReadonlyMap<string, FoundLocation>) {
        if (merged.has(id) && !(fallbacks.has(id) && !location.fallback)) continue;
        const { fallback, ...found } = location;
        merged.set(id, found);
        if (fallback) fallbacks.add(id);
        else fallbacks.delete(id);
      }
    }
    // A source built on demand is kept as its result, so it is never built twice.
    this.#sources = [merged];
    this.#merged = merged;
    return merged;
  }

  get size(): number {
    return this.#map().size;
  }
  get(id: string): SourceLocation | undefined {
    return this.#map().get(id);
  }
  has(id: string): boolean {
    return this.#map().has(id);
  }
  forEach(
    callback: (
      value: SourceLocation,
      key: string,
      map: ReadonlyMap<string, SourceLocation>,
    ) => void,
  ): void {
    this.#map().forEach((value, key) => callback(value, key, this));
  }
  entries(): MapIterator<[string, SourceLocation]> {
    return this.#map().entries();
  }
  keys(): MapIterator<string> {
    return this.#map().keys();
  }
  values(): MapIterator<SourceLocation> {
    return this.#map().values();
  }
  [Symbol.iterator](): MapIterator<[string, SourceLocation]> {
    return this.#map()[Symbol.iterator]();
  }
}
