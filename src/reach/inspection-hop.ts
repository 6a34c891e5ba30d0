/** Routes through a Gateway Load Balancer endpoint, such as an AWS Network Firewall endpoint. */
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { describeRoute, type RouteView } from "../index/routes.js";
import { lower } from "../index/util.js";
import type { Cidr } from "../net/cidr.js";
import type { Trace } from "./context.js";
import type { HopKind } from "./types.js";

/** The outcome of following a route past a Gateway Load Balancer endpoint. */
export type InspectedRoute =
  /** The route leads through no Gateway Load Balancer endpoint, so there is nothing to pass. */
  | { kind: "direct" }
  /** The endpoint or its subnet's route table is not in the snapshot: an unknown hop was added. */
  | { kind: "unknown" }
  /**
   * A Gateway Load Balancer endpoint was passed. `route` is the route that wins for the destination
   * in its subnet's route table (undefined when none covers it), and `text` describes both steps.
   */
  | { kind: "followed"; route?: RouteView; tableId: string; text: string };

/**
 * Follows a route to a Gateway Load Balancer endpoint to the route that the endpoint's subnet uses
 * for the same destination. AWS Network Firewall and third-party appliances sit on the path this
 * way, because the NAT gateway's or workload's subnet sends the traffic to the endpoint and the
 * endpoint's subnet sends it on to the internet gateway. Adds an unknown hop, owned by `owner`,
 * when the endpoint or its route table is not in the snapshot.
 *
 * NOTE: the network ACL of the endpoint's subnet and the appliance's own rules are not checked.
 */
export function passInspectionEndpoint(
  trace: Trace,
  hopKind: HopKind,
  route: RouteView,
  destination: Cidr,
  owner: string,
): InspectedRoute {
  if (route.target.kind !== "vpc-endpoint" || route.blackhole) return { kind: "direct" };
  const { index } = trace;
  const endpointId = route.target.id;
  const endpoint = index.endpoint(endpointId);
  if (!endpoint) {
    trace.assumeMissing("VpcEndpoints");
    trace.add(
      hopKind,
      "unknown",
      route.routeTableId,
      `${route.routeTableId}: ${describeRoute(route)}, and ${endpointId} is not in VpcEndpoints, so vpc-lint cannot follow the traffic beyond it`,
      owner,
    );
    return { kind: "unknown" };
  }
  if (!isGatewayLoadBalancerEndpoint(endpoint)) return { kind: "direct" };

  const subnetId = endpoint.SubnetIds?.[0];
  const subnet = subnetId ? index.subnet(subnetId) : undefined;
  const table = subnet ? index.routeTableOf(subnet)?.table : undefined;
  if (!subnet || !table) {
    trace.add(
      hopKind,
      "unknown",
      route.routeTableId,
      `${route.routeTableId}: ${describeRoute(route)}, a Gateway Load Balancer endpoint whose subnet ${subnetId ?? "(none listed)"} or route table is not in the snapshot`,
      owner,
    );
    return { kind: "unknown" };
  }
  const tableId = table.RouteTableId as string;
  const onward = index.lookupRoute(table, destination).route;
  const text =
    `${route.routeTableId}: ${describeRoute(route)}, a Gateway Load Balancer endpoint in ` +
    `${subnetId}, whose route table ${tableId} has ` +
    (onward ? describeRoute(onward) : `no route for ${destination.text}`);
  return { kind: "followed", route: onward, tableId, text };
}

function isGatewayLoadBalancerEndpoint(endpoint: VpcEndpoint): boolean {
  return lower(endpoint.VpcEndpointType) === "gatewayloadbalancer";
}
