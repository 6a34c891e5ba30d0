/**
 * Region lists for collection across several Regions. This module loads no AWS SDK code, so the
 * command line can parse flags without it.
 */
import { InputError } from "../errors.js";

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Splits `--region` values such as `eu-west-1,us-east-1` into distinct Regions, in their order.
 * Returns an empty list when no Region is given, so the SDK's own default applies.
 */
export function parseRegions(values: ReadonlyArray<string | undefined>): string[] {
  // A value of commas alone would otherwise fall back to the default Region without a word.
  const empty = values.find((value) => value?.trim() && /^[\s,]*$/.test(value));
  if (empty !== undefined) {
    throw new InputError(
      `--region ${empty} names no Region; give one such as eu-west-1, or several separated ` +
        "by commas",
    );
  }
  const regions = values
    .flatMap((value) => (value ?? "").split(","))
    .map((region) => region.trim())
    .filter((region) => region !== "");
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new InputError(
        `--region ${region} is not an AWS Region name; Regions look like eu-west-1, and ` +
          "several are separated by commas",
      );
    }
  }
  return [...new Set(regions)];
}

/**
 * Returns the requested VPC ids, each once, that none of the Regions' lists of found VPC ids
 * contains.
 */
export function vpcsInNoRegion(
  requested: readonly string[],
  foundByRegion: readonly (readonly string[])[],
): string[] {
  const found = new Set(foundByRegion.flat());
  return [...new Set(requested)].filter((id) => !found.has(id));
}

/**
 * Returns the snapshot file for one Region of a multi-Region `collect`: the Region goes before
 * the extension, so `snapshot.json` becomes `snapshot.eu-west-1.json`.
 */
export function regionFile(path: string, region: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dot = path.lastIndexOf(".");
  if (dot <= slash + 1) return `${path}.${region}`;
  return `${path.slice(0, dot)}.${region}${path.slice(dot)}`;
}
