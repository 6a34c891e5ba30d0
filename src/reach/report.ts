/** The reachability section of the JSON report: one entry per subnet and service. */
import type { LintSettings } from "../engine/types.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { analyse, isClean } from "./analysis.js";
import type { Hop, PathMode, PathVerdict } from "./types.js";

export interface ReachabilityEntry {
  accountId?: string;
  region?: string;
  vpcId: string;
  subnetId: string;
  service: string;
  host: string;
  required: boolean;
  mode: PathMode;
  verdict: PathVerdict;
  endpointId?: string;
  natGatewayId?: string;
  /**
   * The path's hops, shared with the analysis; each prints as a ReportHop. Undefined for a clean
   * path (reachable, every hop ok) unless every path was requested in full.
   */
  hops: readonly Hop[] | undefined;
}

/**
 * Returns one entry per required path, and clean paths carry no hops because in a large network
 * they would outweigh the rest of the JSON report. With `everyPath`, returns every path in full.
 */
export function toReachability(
  index: SnapshotIndex,
  settings: LintSettings,
  where: { accountId?: string; region?: string },
  everyPath: boolean,
): ReachabilityEntry[] {
  const analysis = analyse(index, settings);
  const paths = everyPath ? analysis.allPaths() : analysis.paths;
  // Every entry has every key, in the printed order; JSON leaves the undefined ones out.
  return paths.map((path) => ({
    accountId: where.accountId,
    region: where.region,
    vpcId: path.vpcId,
    subnetId: path.subnetId,
    service: path.service,
    host: path.host,
    required: path.required,
    mode: path.mode,
    verdict: path.verdict,
    endpointId: path.endpoint?.VpcEndpointId,
    natGatewayId: path.nat?.NatGatewayId,
    hops: everyPath || !isClean(path) ? analysis.withEveryHop(path).hops : undefined,
  }));
}
