import { defineRule } from "../engine/types.js";
import { lower } from "../index/util.js";

/** States in which the endpoint will work once AWS or the service owner finishes. */
const PENDING_STATES = new Set(["pending", "pendingacceptance", "partial"]);

/** States of an endpoint someone deleted on purpose; it no longer holds a DNS name. */
const REMOVED_STATES = new Set(["deleting", "deleted"]);

export default defineRule<"notAvailable" | "pending">({
  id: "endpoint-not-available",
  title: "VPC endpoint is not available",
  description:
    "Only an endpoint in state available carries traffic. A failed, rejected or expired endpoint " +
    "still occupies its private DNS name, so clients resolve addresses that do not answer.",
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
    for (const endpoint of index.endpoints()) {
      const state = lower(endpoint.State);
      const endpointId = endpoint.VpcEndpointId as string;
      if (state === "") context.unknown(endpointId, "State is not in the snapshot");
      if (state === "available" || state === "" || REMOVED_STATES.has(state)) continue;
      const failure = endpoint.LastError?.Message ? ` (${endpoint.LastError.Message})` : "";
      context.report({
        messageId: PENDING_STATES.has(state) ? "pending" : "notAvailable",
        data: {
          endpointId,
          serviceName: endpoint.ServiceName ?? "an unknown service",
          state: endpoint.State as string,
          failure,
        },
        resource: index.ref("vpc-endpoint", endpointId, endpoint.VpcId, endpoint.Tags),
        evidence: [{ resourceId: endpointId, attribute: "State", value: endpoint.State }],
        related: endpoint.VpcId ? [endpoint.VpcId] : [],
      });
    }
  },
});
