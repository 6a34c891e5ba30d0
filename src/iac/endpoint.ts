/** VPC endpoints of a template or plan. */
import type * as EC2 from "@aws-sdk/client-ec2";

/**
 * Makes an endpoint whose type is unknown an interface endpoint of an unknown service, which the
 * index reads as making all of its VPC's endpoints unknown: it may be an interface endpoint of
 * any service, or no interface endpoint at all.
 */
export function leaveOutUnknownType(endpoint: EC2.VpcEndpoint): void {
  endpoint.VpcEndpointType = "Interface";
  delete endpoint.ServiceName;
}
