import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { defineRule, type RuleContext } from "../engine/types.js";
import { isInterfaceEndpoint, usableEndpointsFor } from "../index/endpoints.js";
import { shortServiceName } from "../index/snapshot-index.js";
import { lower } from "../index/util.js";
import { analyse } from "../reach/analysis.js";
import { hopsOwnedBy } from "../reach/findings.js";

/** States in which the endpoint will work once AWS or the service owner finishes. */
const PENDING_STATES = new Set(["pending", "pendingacceptance", "partial"]);

/** States of an endpoint someone deleted on purpose; it no longer holds a DNS name. */
const REMOVED_STATES = new Set(["deleting", "deleted"]);

type MessageId = "notAvailable" | "notAvailableUnused" | "pending" | "pendingInUse";

export default defineRule<MessageId>({
  id: "endpoint-not-available",
  title: "VPC endpoint is not available",
  description:
    "Only an endpoint in state available carries traffic. A pending, failed, rejected or expired " +
    "endpoint leaves the clients that should use it without a path to the service.",
  severity: "error",
  tags: ["privatelink"],
  references: [
    {
      title: "VpcEndpoint data type: State",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html",
    },
    {
      title: "Accept and reject endpoint connection requests",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/accept-reject-endpoint-requests.html",
    },
  ],
  requires: ["VpcEndpoints"],
  messages: {
    notAvailable: {
      severity: "error",
      text:
        "VPC endpoint {endpointId} for {serviceName} is in state {state}{failure}, so it " +
        "carries no traffic.",
      fix:
        "Delete the endpoint and create it again, or accept the connection on the service side " +
        "if the service owner requires acceptance.",
    },
    notAvailableUnused: {
      severity: "warning",
      text:
        "VPC endpoint {endpointId} for {serviceName} is in state {state}{failure}, so it " +
        "carries no traffic. No required path needs it, but any client that uses it is cut off.",
      fix:
        "Delete the endpoint and create it again if clients need it, or delete it if nothing " +
        "does; if the service owner requires acceptance, accept the connection on the service " +
        "side.",
    },
    pendingInUse: {
      severity: "error",
      text:
        "VPC endpoint {endpointId} for {serviceName} is in state {state}, so {subnetIds} cannot " +
        "reach {services} through it until it becomes available.",
      fix:
        "Wait for the endpoint to become available; for pendingAcceptance, ask the service owner " +
        "to accept the connection.",
    },
    pending: {
      severity: "warning",
      text:
        "VPC endpoint {endpointId} for {serviceName} is in state {state}, so it carries no " +
        "traffic until it becomes available.",
      fix:
        "Wait for the endpoint to become available; for pendingAcceptance, ask the service owner " +
        "to accept the connection.",
    },
  },
  check(context) {
    const { index } = context;
    // A pending endpoint that required paths stop at breaks their traffic now, not only later.
    // Its state decides the finding, so paths that stop earlier are not noted as skipped.
    const users = new Map(
      hopsOwnedBy(context, "endpoint-not-available", undefined, { noteGaps: false }).map(
        (group) => [group.hop.resourceId, group],
      ),
    );
    for (const endpoint of index.endpoints()) {
      const state = lower(endpoint.State);
      const endpointId = endpoint.VpcEndpointId as string;
      if (state === "") context.unknown(endpointId, "State is not in the snapshot");
      if (state === "available" || state === "" || REMOVED_STATES.has(state)) continue;
      const failure = endpoint.LastError?.Message ? ` (${endpoint.LastError.Message})` : "";
      const inUse = users.get(endpointId);
      let messageId: MessageId;
      if (PENDING_STATES.has(state)) messageId = inUse ? "pendingInUse" : "pending";
      // An endpoint that no required path needs breaks only clients vpc-lint does not trace.
      else messageId = isNeeded(context, endpoint) ? "notAvailable" : "notAvailableUnused";
      context.report({
        messageId,
        data: {
          endpointId,
          serviceName: endpoint.ServiceName ?? "an unknown service",
          state: endpoint.State as string,
          failure,
          subnetIds: inUse?.subnetIds ?? "",
          services: inUse?.services ?? "",
        },
        resource: index.ref("vpc-endpoint", endpointId, endpoint.VpcId, endpoint.Tags),
        evidence: [{ resourceId: endpointId, attribute: "State", value: endpoint.State }],
        related: endpoint.VpcId ? [endpoint.VpcId] : [],
      });
    }
  },
});

/**
 * Tells whether a failed, rejected or expired endpoint is needed. It is when no other endpoint in
 * its VPC offers its service and a required path there to that service is not known to work, such
 * as one through a hosted zone. The traces pass over such an endpoint, so no hop names it. An
 * endpoint of another type counts as needed.
 */
function isNeeded(context: RuleContext<MessageId>, endpoint: VpcEndpoint): boolean {
  const { index } = context;
  if (!isInterfaceEndpoint(endpoint)) return true;
  const service = shortServiceName(endpoint.ServiceName);
  const { VpcId: vpcId } = endpoint;
  if (!vpcId || usableEndpointsFor(index, vpcId, service).length > 0) return false;
  return analyse(index, context.settings).paths.some(
    (path) =>
      path.required &&
      path.service === service &&
      path.verdict !== "reachable" &&
      path.vpcId === vpcId,
  );
}
