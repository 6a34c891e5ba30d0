/** Small collection and message helpers shared by the index, the rules and the commands. */

/** Maps items by a key, skipping items without one; the first item wins on a repeated key. */
export function indexBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const id = key(item);
    if (id !== undefined && !map.has(id)) map.set(id, item);
  }
  return map;
}

/** Groups items by a key, skipping items without one. */
export function groupBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const id = key(item);
    if (id === undefined) continue;
    const group = map.get(id);
    if (group) group.push(item);
    else map.set(id, [item]);
  }
  return map;
}

/** Returns the items without those whose key repeats an earlier item's; items without a key stay. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string | undefined): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = key(item);
    if (id === undefined) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A Map or WeakMap whose values are maps, as the memos of the index and the analysis are. */
interface MapOfMaps<K, K2, V> {
  get(key: K): Map<K2, V> | undefined;
  set(key: K, value: Map<K2, V>): unknown;
}

/** Returns the inner map stored under `key`, storing an empty one on first request. */
export function innerMap<K, K2, V>(outer: MapOfMaps<K, K2, V>, key: K): Map<K2, V> {
  let inner = outer.get(key);
  if (!inner) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

/** Lower-cases an AWS enum value; published outputs mix `available` and `Available`. */
export function lower(value: string | undefined | null): string {
  return (value ?? "").toLowerCase();
}

/** Instances in these states no longer run: no agent, no workload, and often no subnet. */
const GONE_INSTANCE_STATES = new Set(["shutting-down", "terminated"]);

/** Tells whether an instance still exists, in any state but terminated or shutting down. */
export function isLiveInstance(instance: { State?: { Name?: string } }): boolean {
  return !GONE_INSTANCE_STATES.has(lower(instance.State?.Name));
}

const ENDED_ENDPOINT_STATES = new Set(["deleting", "deleted", "rejected", "failed", "expired"]);

/** Tells whether a VPC endpoint exists or is on its way to existing. */
export function isLiveEndpoint(endpoint: { State?: string }): boolean {
  return !ENDED_ENDPOINT_STATES.has(lower(endpoint.State));
}

/** Joins names for a message as "a", "a and b" or "a, b and c". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
