/** The hop of the internet gateway or egress-only internet gateway a route sends traffic to. */
import type { Evidence, ResourceRef } from "../engine/types.js";
import {
  describeAttachments,
  gatewayAttachment,
  gatewaySection,
  type GatewayKind,
} from "../index/gateways.js";
import type { RouteView } from "../index/routes.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import type { Trace } from "./context.js";
import type { HopGroup } from "./findings.js";
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

/** The parts of a finding about a broken gateway hop that both gateway rules report alike. */
export interface GatewayFindingParts {
  data: Record<string, string>;
  resource: ResourceRef;
  evidence: Evidence[];
  related: string[];
}

/**
 * Returns the route table a group's broken gateway hop is about, the message data naming the
 * gateway and its problem, and the evidence: the route to the gateway and its attachments. The
 * related resources are the gateway, `alsoRelated` and the affected subnets.
 */
export function gatewayFinding(
  index: SnapshotIndex,
  group: HopGroup,
  destination: string,
  alsoRelated: readonly string[] = [],
): GatewayFindingParts {
  const { hop } = group;
  const kind = gatewayKindOf(hop) ?? "internet-gateway";
  const gatewayId = hop.resourceId;
  const routeTableId = routeTableOfHop(hop);
  const table = index.routeTable(routeTableId);
  const attachments = index.gateway(kind, gatewayId)?.Attachments;
  return {
    data: {
      routeTableId,
      gatewayId,
      vpcId: String(hop.facts?.vpcId ?? ""),
      problem: String(hop.facts?.problem ?? ""),
      services: group.services,
      subnetIds: group.subnetIds,
    },
    resource: index.ref("route-table", routeTableId, table?.VpcId, table?.Tags),
    evidence: [
      { resourceId: routeTableId, attribute: `Routes[${destination}]`, value: gatewayId },
      {
        resourceId: gatewayId,
        attribute: "Attachments",
        value: attachments ? describeAttachments(attachments) : `not in ${gatewaySection(kind)}`,
      },
    ],
    related: [gatewayId, ...alsoRelated, ...group.paths.map((path) => path.subnetId)],
  };
}
