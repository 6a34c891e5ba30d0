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
/** The fields whose values locateResources reads: ids, and the operation of a failed call. */
const SCANNED_FIELDS: ReadonlySet<string> = new Set([...ID_FIELDS, "Operation"]);

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
  // The offset of each id field's value, turned into lines at the end in one pass.
  const found = new Map<string, { offset: number; fallback?: true }>();
  scanMembers(text, MAX_KEYS, SCANNED_FIELDS, (keys, open, close) => {
    const field = keys[keys.length - 1] as string;
    // A recording wraps the output in `data`.
    const inOutput = keys[0] === "data" ? keys.slice(1) : keys;
    // A failed call of the collection belongs to the snapshot's scope, found at its first error.
    if (scope && inOutput.length === 3 && inOutput[0] === "Errors" && field === "Operation") {
      if (!found.has(scope)) found.set(scope, { offset: open });
      return;
    }
    if (!ID_FIELDS.has(field)) return;
    const rank = rankOf(inOutput, field);
    if (rank === undefined) return;
    const value = stringAt(text, open, close);
    const known = found.get(value);
    if (known && (!known.fallback || rank === "fallback")) return;
    found.set(value, rank === "fallback" ? { offset: open, fallback: true } : { offset: open });
  });
  const lines = linesAt(
    text,
    [...found.values()].map((entry) => entry.offset),
  );
  const locations = new Map<string, FoundLocation>();
  for (const [id, { offset, fallback }] of found) {
    const line = lines.get(offset) as number;
    locations.set(id, fallback ? { file: path, line, fallback } : { file: path, line });
  }
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

const BACKSLASH = 92;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const COLON = 58;

/**
 * The maximum number of keys that lead to a value rankOf reads: an instance's id in
 * Reservations, inside the `data` of a recording.
 */
const MAX_KEYS = 6;

/**
 * Walks a valid JSON text and calls `visit` for every string that is the value of an object
 * member named in `fields`, with the keys leading to it (array items as ITEM) and the offsets of
 * its quotes. Containers reached by `maxKeys` keys or more are stepped over, and nothing inside
 * them is visited.
 *
 * The walk jumps from one quote or bracket to the next with indexOf, which finds a character
 * several times faster than a loop that reads each one, so blanks and numbers are never read.
 * Values are not copied out of the text unless the visitor reads them with stringAt.
 */
function scanMembers(
  text: string,
  maxKeys: number,
  fields: ReadonlySet<string>,
  visit: (keys: readonly string[], open: number, close: number) => void,
): void {
  // One entry per open container that is not stepped over: an object's current member key, ""
  // before its first one, or ITEM for an array.
  const keys: string[] = [];
  // For each of those containers: true for an object, false for an array.
  const objects: boolean[] = [];
  // The number of open containers that are stepped over.
  let skipped = 0;
  const end = text.length;
  const next = (character: string, from: number): number => {
    const found = text.indexOf(character, from);
    return found < 0 ? end : found;
  };
  let quote = next('"', 0);
  let openObject = next("{", 0);
  let closeObject = next("}", 0);
  let openArray = next("[", 0);
  let closeArray = next("]", 0);
  for (;;) {
    let position = quote < openObject ? quote : openObject;
    if (closeObject < position) position = closeObject;
    if (openArray < position) position = openArray;
    if (closeArray < position) position = closeArray;
    if (position >= end) return;
    if (position === quote) {
      const close = closingQuote(text, position);
      if (skipped === 0 && text.charCodeAt(afterBlanks(text, close + 1)) === COLON) {
        keys[keys.length - 1] = stringAt(text, position, close);
      } else if (
        skipped === 0 &&
        objects[objects.length - 1] === true &&
        fields.has(keys[keys.length - 1] as string)
      ) {
        visit(keys, position, close);
      }
      // Brackets inside the string are text, so the search for each starts again after it.
      quote = next('"', close + 1);
      if (openObject < close) openObject = next("{", close + 1);
      if (closeObject < close) closeObject = next("}", close + 1);
      if (openArray < close) openArray = next("[", close + 1);
      if (closeArray < close) closeArray = next("]", close + 1);
    } else if (position === openObject || position === openArray) {
      const object = position === openObject;
      if (object) openObject = next("{", position + 1);
      else openArray = next("[", position + 1);
      if (skipped > 0 || keys.length >= maxKeys) skipped += 1;
      else {
        objects.push(object);
        keys.push(object ? "" : ITEM);
      }
    } else {
      if (position === closeObject) closeObject = next("}", position + 1);
      else closeArray = next("]", position + 1);
      if (skipped > 0) skipped -= 1;
      else {
        objects.pop();
        keys.pop();
      }
    }
  }
}

/** Returns the offset of the first character from `from` on that is not JSON white space. */
function afterBlanks(text: string, from: number): number {
  let position = from;
  for (;;) {
    const code = text.charCodeAt(position);
    if (code !== 32 && code !== 9 && code !== LINE_FEED && code !== CARRIAGE_RETURN) {
      return position;
    }
    position += 1;
  }
}

/** Returns the offset of the quote that closes the string opened at `open`. */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote > 0) {
    // A quote after an odd number of backslashes is part of the string.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/** Returns the string between the quotes at `open` and `close`, with its escapes read. */
function stringAt(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  return raw.includes("\\") ? (JSON.parse(text.slice(open, close + 1)) as string) : raw;
}

/**
 * Returns the line of each offset, by offset. Lines end at LF, CRLF or a lone CR. One pass over
 * the text finds the line ends with indexOf.
 */
function linesAt(text: string, offsets: readonly number[]): Map<number, number> {
  const lines = new Map<number, number>();
  let line = 1;
  let feed = text.indexOf("\n");
  let carriage = text.indexOf("\r");
  for (const offset of [...offsets].sort((first, second) => first - second)) {
    while (feed >= 0 && feed < offset) {
      line += 1;
      feed = text.indexOf("\n", feed + 1);
    }
    // A CR ends a line of its own only when no LF follows it.
    while (carriage >= 0 && carriage < offset) {
      if (text.charCodeAt(carriage + 1) !== LINE_FEED) line += 1;
      carriage = text.indexOf("\r", carriage + 1);
    }
    lines.set(offset, line);
  }
  return lines;
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
