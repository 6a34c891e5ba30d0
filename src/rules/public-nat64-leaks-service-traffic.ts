import { defineRule } from "../engine/types.js";
import { isPrivateOnly } from "../reach/analysis.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"throughInternet" | "privateOnlyVpc">({
  id: "public-nat64-leaks-service-traffic",
  title: "AWS service traffic leaves through a public NAT gateway and the internet gateway",
  description:
    "Without a usable endpoint, NAT64 traffic to an AWS service crosses the NAT gateway (billed " +
    "per GB) and the internet gateway. That works by design; it is a cost and exposure choice.",
  severity: "warning",
  tags: ["nat64", "cost", "privatelink"],
  references: [
    {
      title: "NAT gateway pricing and data processing",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html",
    },
    {
      title: "AWS services that integrate with AWS PrivateLink",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NatGateways", "VpcEndpoints"],
  messages: {
    throughInternet: {
      severity: "info",
      text:
        "{service} traffic from {subnetIds} leaves through public NAT gateway {natGatewayId} and " +
        "the internet gateway because VPC {vpcId} has no usable {service} endpoint.",
      fix:
        "Create an interface endpoint for com.amazonaws.{region}.{service} to keep the traffic " +
        "private and avoid NAT data processing charges, if the volume justifies it.",
    },
    privateOnlyVpc: {
      severity: "warning",
      text:
        "VPC {vpcId} is marked private-only, yet {service} traffic from {subnetIds} leaves " +
        "through public NAT gateway {natGatewayId} and the internet gateway.",
      fix:
        "Create an interface endpoint for com.amazonaws.{region}.{service} with private DNS " +
        "enabled, then remove the public NAT64 route if nothing else needs it.",
    },
  },
  check(context) {
    const keyOf = (hop: { resourceId: string }) => hop.resourceId;
    for (const group of hopsOwnedBy(context, "public-nat64-leaks-service-traffic", keyOf)) {
      for (const service of group.services.split(", ")) {
        const paths = group.paths.filter((path) => path.service === service);
        const vpcId = paths[0]?.vpcId ?? "";
        const subnetIds = [...new Set(paths.map((path) => path.subnetId))];
        context.report({
          messageId: isPrivateOnly(context.index, context.settings, vpcId)
            ? "privateOnlyVpc"
            : "throughInternet",
          data: {
            service,
            subnetIds: subnetIds.join(", "),
            natGatewayId: group.hop.resourceId,
            vpcId,
            region: context.index.region ?? "<region>",
          },
          resource: context.index.ref("vpc", vpcId, vpcId, context.index.vpc(vpcId)?.Tags),
          evidence: [
            {
              resourceId: vpcId,
              attribute: "VpcEndpoints[ServiceName]",
              value: `no ${service} endpoint`,
            },
            { resourceId: group.hop.resourceId, attribute: "ConnectivityType", value: "public" },
          ],
          related: [group.hop.resourceId, ...subnetIds],
          discriminator: `${group.hop.resourceId}|${service}`,
        });
      }
    }
  },
});
