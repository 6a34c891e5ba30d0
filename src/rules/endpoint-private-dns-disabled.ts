import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { defineRule } from "../engine/types.js";
import {
  isAwsServiceEndpoint,
  isInterfaceEndpoint,
  isLiveEndpoint,
  usableEndpointsFor,
} from "../index/endpoints.js";
import { shortServiceName } from "../index/snapshot-index.js";
import { defaultServiceName } from "../reach/catalog.js";
import { hostedZoneFor } from "../reach/resolver.js";

export default defineRule<"disabled">({
  id: "endpoint-private-dns-disabled",
  title: "Interface endpoint for an AWS service has private DNS disabled",
  description:
    "Without private DNS, the service's default name still resolves to its public addresses, so " +
    "SDKs and agents bypass the endpoint unless each client is configured with the endpoint's name.",
  severity: "warning",
  tags: ["privatelink", "dns"],
  references: [
    {
      title: "Access an AWS service using an interface VPC endpoint: DNS hostnames",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
    {
      title: "Private DNS names for interface endpoints",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
    },
    {
      title: "Centralized access to VPC private endpoints",
      url: "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html",
    },
  ],
  requires: ["VpcEndpoints"],
  messages: {
    disabled: {
      severity: "warning",
      text:
        "Interface endpoint {endpointId} for {serviceName} has PrivateDnsEnabled false, so " +
        "clients that use the service's default name reach its public addresses instead.",
      fix:
        "Turn private DNS on: aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpointId} " +
        "--private-dns-enabled (CloudFormation PrivateDnsEnabled, Terraform private_dns_enabled).",
    },
  },
  check(context) {
    const { index } = context;
    for (const endpoint of index.endpoints()) {
      if (!isInterfaceEndpoint(endpoint) || !isAwsServiceEndpoint(endpoint)) continue;
      if (!isLiveEndpoint(endpoint) || endpoint.PrivateDnsEnabled === true) continue;
      const endpointId = endpoint.VpcEndpointId as string;
      if (endpoint.PrivateDnsEnabled === undefined) {
        context.unknown(endpointId, "PrivateDnsEnabled is not in the snapshot");
        continue;
      }
      const serviceName = endpoint.ServiceName as string;
      const detail = index.serviceDetail(serviceName);
      // A service that publishes no private DNS name cannot be resolved through the endpoint.
      if (detail && !detail.PrivateDnsName && !(detail.PrivateDnsNames ?? []).length) continue;
      // Another endpoint's private DNS already resolves the service's name in this VPC, and
      // EC2 rejects private DNS on a second endpoint for the same service there.
      const vpcId = endpoint.VpcId as string;
      const service = shortServiceName(serviceName);
      if (usableEndpointsFor(index, vpcId, service).some(hasPrivateDns)) continue;
      // A private hosted zone of the VPC answers for the service's name in place of private DNS,
      // as in a hub VPC whose zone points the name at the endpoint and is shared with spokes.
      if (hostedZoneFor(index, vpcId, defaultServiceName(service, index.region))) continue;

      context.report({
        messageId: "disabled",
        data: { endpointId, serviceName },
        resource: index.ref("vpc-endpoint", endpointId, endpoint.VpcId, endpoint.Tags),
        evidence: [{ resourceId: endpointId, attribute: "PrivateDnsEnabled", value: false }],
        related: endpoint.VpcId ? [endpoint.VpcId] : [],
      });
    }
  },
});

function hasPrivateDns(endpoint: VpcEndpoint): boolean {
  return endpoint.PrivateDnsEnabled === true;
}
