/** Splits request values into chunks and joins the results of calls sent one per chunk. */

/**
 * Values per EC2 filter. EC2 accepts at most 200 values in one filter, so a call that filters by
 * more VPCs or ids is sent once per chunk.
 */
export const EC2_FILTER_VALUES = 200;

/** Splits items into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    groups.push(items.slice(start, start + size));
  return groups;
}

/** Joins the results of one section's chunks, or returns undefined when any chunk failed. */
export function joinChunks<T>(results: ReadonlyArray<T[] | undefined>): T[] | undefined {
  if (results.some((result) => result === undefined)) return undefined;
  return results.flatMap((result) => result ?? []);
}
