/** VPC endpoints of a template or plan. */
import type * as EC2 from "@aws-sdk/client-ec2";

/**
 * Turns an endpoint of unknown type into an interface endpoint of unknown service. Such an
 * endpoint may serve any service, or be no interface endpoint at all, so the index reads every
 * endpoint of its VPC as unknown.
 */
export function leaveOutUnknownType(endpoint: EC2.VpcEndpoint): void {
  endpoint.VpcEndpointType = "Interface";
  delete endpoint.ServiceName;
}
