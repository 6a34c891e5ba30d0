/** Finds the line of each resource in a snapshot file, so reports can point at the file. */
import { relative, sep } from "node:path";
import type { SourceLocation } from "../run.js";
import { SECTIONS } from "./sections.js";
import type { Snapshot } from "./types.js";

/** Matches one `"Key": "value"` pair of a JSON text; values with escapes are never AWS ids. */
const STRING_MEMBER = /"(\w+)"\s*:\s*"([^"\\]*)"/g;

/**
 * Maps each resource id of a partial snapshot to the first line of the file where the resource's
 * id field has that id, such as `"SubnetId": "subnet-0a1b"`, at or after the line that opens the
 * resource's section. So a NAT gateway points at its NatGateways entry, not at a route to it.
 * Instances are found inside Reservations by `InstanceId`.
 */
export function locateResources(
  file: string,
  text: string,
  snapshot: Snapshot,
): Map<string, SourceLocation> {
  const lines = text.split(/\r?\n/);
  const members = linesOfMembers(lines);
  const path = relative(process.cwd(), file).split(sep).join("/");
  const locations = new Map<string, SourceLocation>();
  // Every resource of a section shares its start line, so each section is looked up once.
  const starts = new Map<string, number>();

  for (const resource of resourceIds(snapshot)) {
    const keys = resource.sectionKeys.join("|");
    let start = starts.get(keys);
    if (start === undefined) {
      start = sectionStart(lines, resource.sectionKeys);
      starts.set(keys, start);
    }
    const found = members.get(memberKey(resource.field, resource.id)) ?? [];
    const line = found.find((candidate) => candidate >= start) ?? found[0];
    if (line !== undefined && !locations.has(resource.id)) {
      locations.set(resource.id, { file: path, line });
    }
  }
  return locations;
}

/** The fields that identify a resource; other members are never looked up. */
const ID_FIELDS = new Set([...SECTIONS.map((info) => info.idField), "InstanceId"]);

/** Maps each `"Key": "value"` pair of an id field to the lines it appears on, in order. */
function linesOfMembers(lines: string[]): Map<string, number[]> {
  const members = new Map<string, number[]>();
  lines.forEach((content, position) => {
    for (const match of content.matchAll(STRING_MEMBER)) {
      if (!ID_FIELDS.has(match[1] as string)) continue;
      const key = memberKey(match[1] as string, match[2] as string);
      const found = members.get(key);
      if (found) found.push(position + 1);
      else members.set(key, [position + 1]);
    }
  });
  return members;
}

/** Returns the first line that opens one of the keys, or 1 when the file has none of them. */
function sectionStart(lines: string[], keys: string[]): number {
  const opening = new RegExp(`"(${keys.join("|")})"\\s*:`);
  const position = lines.findIndex((content) => opening.test(content));
  return position < 0 ? 1 : position + 1;
}

interface ResourceId {
  field: string;
  id: string;
  /** Keys that open the resource's section: the plural section and the singular output. */
  sectionKeys: string[];
}

/** Lists the id field and id of every resource in the snapshot's sections. */
function resourceIds(snapshot: Snapshot): ResourceId[] {
  const resources: ResourceId[] = [];
  for (const info of SECTIONS) {
    const items = (snapshot[info.name] as Record<string, unknown>[] | undefined) ?? [];
    const sectionKeys = info.singular ? [info.name, info.singular] : [info.name];
    for (const item of items) {
      const id = item[info.idField];
      if (typeof id === "string") resources.push({ field: info.idField, id, sectionKeys });
    }
  }
  for (const reservation of snapshot.Reservations ?? []) {
    for (const instance of reservation.Instances ?? []) {
      const id = instance.InstanceId;
      if (id)
        resources.push({ field: "InstanceId", id, sectionKeys: ["Reservations", "Instances"] });
    }
  }
  return resources;
}

function memberKey(field: string, id: string): string {
  return `${field}\u0000${id}`;
}

type LocationSource =
  ReadonlyMap<string, SourceLocation> | (() => ReadonlyMap<string, SourceLocation>);

/**
 * The locations of several inputs, merged on first use so that the first input to name a resource
 * wins. Only reports that point at lines read them, so a run that prints text or JSON never scans
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
    for (const source of this.#sources) {
      const map = typeof source === "function" ? source() : source;
      for (const [id, location] of map) if (!merged.has(id)) merged.set(id, location);
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
