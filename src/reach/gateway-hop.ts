/** The hop of the internet gateway or egress-only internet gateway a route sends traffic to. */
import type { Evidence } from "../engine/types.js";
import {
  describeAttachments,
  gatewayAttachment,
  gatewaySection,
  type GatewayKind,
} from "../index/gateways.js";
import type { RouteView } from "../index/routes.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import type { Trace } from "./context.js";
import type { Hop, HopKind } from "./types.js";

const LABELS: Record<GatewayKind, string> = {
  "internet-gateway": "internet gateway",
  "egress-only-internet-gateway": "egress-only internet gateway",
};

/**
 * Checks the gateway a working route to the internet leads to, which carries traffic only while
 * attached to the route table's VPC. Unless the gateway is attached, adds a broken or unknown hop
 * owned by `owner`. Returns true when it is attached.
 */
export function checkGateway(
  trace: Trace,
  hopKind: HopKind,
  route: RouteView,
  owner: string,
): boolean {
  const kind = route.target.kind as GatewayKind;
  const gatewayId = route.target.id;
  const vpcId = trace.index.routeTable(route.routeTableId)?.VpcId ?? trace.vpcId;
  const judged = gatewayAttachment(trace.index, kind, gatewayId, vpcId);
  if (judged.status === "attached") return true;

  if (judged.status === "unknown") {
    trace.assumeMissing(gatewaySection(kind));
    trace.add(hopKind, "unknown", gatewayId, judged.reason, owner);
    return false;
  }
  trace.add(
    hopKind,
    "broken",
    gatewayId,
    `${LABELS[kind]} ${gatewayId} ${judged.problem}, so it carries no traffic from ${vpcId}`,
    owner,
    { gatewayKind: kind, vpcId, problem: judged.problem, routeTableId: route.routeTableId },
  );
  return false;
}

/** Returns the route table a hop is about: its own resource, or the table routing to its gateway. */
export function routeTableOfHop(hop: Hop): string {
  return String(hop.facts?.routeTableId ?? hop.resourceId);
}

/** Returns the kind of gateway a hop from checkGateway names, or undefined for any other hop. */
export function gatewayKindOf(hop: Hop): GatewayKind | undefined {
  return hop.facts?.gatewayKind as GatewayKind | undefined;
}

/** Returns the evidence of a broken gateway hop: the route to the gateway and its attachments. */
export function gatewayEvidence(index: SnapshotIndex, hop: Hop, destination: string): Evidence[] {
  const kind = gatewayKindOf(hop) ?? "internet-gateway";
  const gatewayId = hop.resourceId;
  const attachments = index.gateway(kind, gatewayId)?.Attachments;
  return [
    { resourceId: routeTableOfHop(hop), attribute: `Routes[${destination}]`, value: gatewayId },
    {
      resourceId: gatewayId,
      attribute: "Attachments",
      value: attachments ? describeAttachments(attachments) : `not in ${gatewaySection(kind)}`,
    },
  ];
}
