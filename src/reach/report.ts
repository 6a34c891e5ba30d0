/** The reachability section of the JSON report: one entry per subnet and service. */
import type { LintSettings } from "../engine/types.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { analyse } from "./analysis.js";
import type { HopKind, HopStatus, PathMode, PathVerdict } from "./types.js";

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
  hops: { kind: HopKind; status: HopStatus; resourceId: string; text: string; ruleId?: string }[];
}

export function toReachability(
  index: SnapshotIndex,
  settings: LintSettings,
  where: { accountId?: string; region?: string },
): ReachabilityEntry[] {
  return analyse(index, settings).paths.map((path) => {
    const entry: ReachabilityEntry = {
      ...where,
      vpcId: path.vpcId,
      subnetId: path.subnetId,
      service: path.service,
      host: path.host,
      required: path.required,
      mode: path.mode,
      verdict: path.verdict,
      hops: path.hops.map((hop) => ({
        kind: hop.kind,
        status: hop.status,
        resourceId: hop.resourceId,
        text: hop.text,
        ...(hop.owner && hop.status !== "ok" ? { ruleId: hop.owner } : {}),
      })),
    };
    if (path.endpoint?.VpcEndpointId) entry.endpointId = path.endpoint.VpcEndpointId;
    if (path.nat?.NatGatewayId) entry.natGatewayId = path.nat.NatGatewayId;
    return entry;
  });
}
