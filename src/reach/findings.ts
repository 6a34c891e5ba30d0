/** Groups the analysis's broken hops by the resource that breaks them, for the rules to report. */
import type { RuleContext } from "../engine/types.js";
import { compareText } from "../engine/lint.js";
import { listIds } from "../index/dns.js";
import { analyse } from "./analysis.js";
import type { Hop, ServicePath } from "./types.js";

/** One resource's broken link and every path that crosses it. */
export interface HopGroup {
  /** The first hop of the group; `hops` contains every hop, one per path. */
  hop: Hop;
  hops: Hop[];
  paths: ServicePath[];
  /** The affected subnets and services, formatted for a message. */
  subnetIds: string;
  services: string;
}

/**
 * Returns the hops a rule owns on required paths, one group per resource and discriminator, in
 * a stable order. Unknown hops become skipped entries instead of findings, and so do paths whose
 * trace stopped at an unknown hop before reaching the rule's link, and so do subnets the analysis
 * could not trace, unless `noteGaps` is false for a rule whose own check does not depend on the
 * paths.
 */
export function hopsOwnedBy(
  context: RuleContext,
  owner: string,
  keyOf: (hop: Hop) => string = (hop) => hop.resourceId,
  { noteGaps = true }: { noteGaps?: boolean } = {},
): HopGroup[] {
  const analysis = analyse(context.index, context.settings);
  const owned = analysis.ownedHops().get(owner) ?? [];
  const unknownPaths = analysis.unknownPaths();
  const groups = new Map<string, { hop: Hop; hops: Hop[]; paths: ServicePath[] }>();
  // Both lists are in path order; merging them reports each path's gaps in that order.
  let next = 0;
  const noteGapsBefore = (position: number): void => {
    if (!noteGaps) return;
    for (; next < unknownPaths.length && unknownPaths[next]!.position <= position; next += 1) {
      const { path, hop } = unknownPaths[next]!;
      if (!path.hops.some((candidate) => candidate.owner === owner)) {
        context.unknown(path.subnetId, `its path stops at an unknown hop: ${hop.text}`);
      }
    }
  };
  for (const { position, path, hop } of owned) {
    noteGapsBefore(position);
    if (hop.status === "unknown") {
      context.unknown(path.subnetId, hop.text);
      continue;
    }
    const key = keyOf(hop);
    const group = groups.get(key) ?? { hop, hops: [], paths: [] };
    group.hops.push(hop);
    group.paths.push(path);
    groups.set(key, group);
  }
  noteGapsBefore(Infinity);
  if (noteGaps) {
    for (const { subnetId, reason } of analysis.untraced) context.unknown(subnetId, reason);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, group]) => ({
      ...group,
      subnetIds: listIds([...new Set(group.paths.map((path) => path.subnetId))].sort()),
      services: [...new Set(group.paths.map((path) => path.service))].sort().join(", "),
    }));
}

/** Returns the distinct values of one fact across a group's hops, sorted and joined. */
export function factsOf(group: HopGroup, name: string): string {
  const values = group.hops.flatMap((hop) => String(hop.facts?.[name] ?? "").split(", "));
  return [...new Set(values.filter(Boolean))].sort().join(", ");
}
