import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"unreachable">({
  id: "private-nat64-to-public-destination",
  title: "Required service resolves to public addresses, but the only NAT64 path is a private NAT",
  description:
    "A private NAT gateway translates to a private IPv4 address and cannot reach the internet. A " +
    "service without a usable endpoint resolves to public addresses, which it never reaches.",
  severity: "error",
  tags: ["nat64", "nat-gateway", "privatelink"],
  references: [
    {
      title: "NAT gateways: connectivity types",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
    },
    {
      title: "AWS services that integrate with AWS PrivateLink",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
    },
    {
      title: "VPC peering limitations: edge to edge routing",
      url: "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways", "VpcEndpoints"],
  messages: {
    unreachable: {
      severity: "error",
      text:
        "Workloads in {subnetIds} need {service}, which resolves to public addresses here, but " +
        "their only NAT64 path is private NAT gateway {natGatewayId}, which cannot reach the " +
        "internet.",
      fix:
        "Create an interface endpoint for com.amazonaws.{region}.{service} with private DNS " +
        "enabled, or route 64:ff9b::/96 to a public NAT gateway.",
    },
  },
  check(context) {
    const keyOf = (hop: { resourceId: string }) => hop.resourceId;
    const groups = hopsOwnedBy(context, "private-nat64-to-public-destination", keyOf);
    for (const group of groups) {
      for (const service of group.services.split(", ")) {
        const paths = group.paths.filter((path) => path.service === service);
        const natGatewayId = group.hop.resourceId;
        const nat = context.index.natGateway(natGatewayId);
        const subnetIds = [...new Set(paths.map((path) => path.subnetId))];
        context.report({
          messageId: "unreachable",
          data: {
            subnetIds: subnetIds.join(", "),
            service,
            natGatewayId,
            region: context.index.region ?? "<region>",
          },
          resource: context.index.ref("nat-gateway", natGatewayId, nat?.VpcId, nat?.Tags),
          evidence: [
            {
              resourceId: natGatewayId,
              attribute: "ConnectivityType",
              value: nat?.ConnectivityType ?? "private",
            },
            {
              resourceId: nat?.VpcId ?? "",
              attribute: "VpcEndpoints[ServiceName]",
              value: `no ${service} endpoint`,
            },
          ],
          related: subnetIds,
          discriminator: service,
        });
      }
    }
  },
});
