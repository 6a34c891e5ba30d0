import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"publicNat" | "privateNat">({
  id: "s3-gateway-endpoint-not-on-nat-path",
  title: "S3 traffic through NAT64 bypasses the S3 gateway endpoint",
  description:
    "After NAT64 the traffic to S3 leaves from the NAT gateway's subnet, so only that route " +
    "table's gateway endpoint routes count. Without it a public NAT sends S3 traffic out of the " +
    "internet gateway, past the endpoint and its policy, and a private NAT cannot reach S3 at all.",
  severity: "error",
  tags: ["nat64", "s3", "gateway-endpoint"],
  references: [
    {
      title: "Gateway endpoints for Amazon S3",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
    },
    {
      title: "Controlling access from VPC endpoints with bucket policies",
      url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways", "VpcEndpoints"],
  messages: {
    publicNat: {
      severity: "warning",
      text:
        "S3 gateway endpoint {endpointId} is not associated with route table {routeTableId} of " +
        "NAT gateway {natGatewayId}, so S3 traffic from {subnetIds} goes out through the " +
        "internet gateway instead of the endpoint: the endpoint policy does not apply, and " +
        "bucket policies that require the endpoint (aws:SourceVpce) deny it.",
      fix:
        "Associate {endpointId} with {routeTableId}: aws ec2 modify-vpc-endpoint " +
        "--vpc-endpoint-id {endpointId} --add-route-table-ids {routeTableId}.",
    },
    privateNat: {
      severity: "error",
      text:
        "S3 gateway endpoint {endpointId} is not associated with route table {routeTableId} of " +
        "private NAT gateway {natGatewayId}, so S3 is unreachable from {subnetIds}.",
      fix:
        "Associate {endpointId} with {routeTableId}: aws ec2 modify-vpc-endpoint " +
        "--vpc-endpoint-id {endpointId} --add-route-table-ids {routeTableId}.",
    },
  },
  check(context) {
    const keyOf = (hop: { resourceId: string; facts?: Record<string, string | number> }) =>
      `${hop.resourceId}|${hop.facts?.routeTableId}`;
    for (const group of hopsOwnedBy(context, "s3-gateway-endpoint-not-on-nat-path", keyOf)) {
      const endpointId = group.hop.resourceId;
      const routeTableId = String(group.hop.facts?.routeTableId ?? "");
      const endpoint = context.index.endpoint(endpointId);
      context.report({
        messageId: group.hop.status === "broken" ? "privateNat" : "publicNat",
        data: {
          endpointId,
          routeTableId,
          natGatewayId: String(group.hop.facts?.natGatewayId ?? ""),
          subnetIds: group.subnetIds,
        },
        resource: context.index.ref("vpc-endpoint", endpointId, endpoint?.VpcId, endpoint?.Tags),
        evidence: [
          {
            resourceId: endpointId,
            attribute: "RouteTableIds",
            value: endpoint?.RouteTableIds ?? [],
          },
        ],
        related: [routeTableId, ...group.paths.map((path) => path.subnetId)],
        discriminator: routeTableId,
      });
    }
  },
});
