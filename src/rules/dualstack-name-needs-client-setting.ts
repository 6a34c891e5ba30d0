import { defineRule } from "../engine/types.js";
import { hopsOwnedBy } from "../reach/findings.js";

export default defineRule<"clientSettingNeeded">({
  id: "dualstack-name-needs-client-setting",
  title: "IPv6-only subnets reach a service only at its dual-stack name",
  description:
    "Without DNS64 and NAT64 or an interface endpoint, an IPv6-only client reaches a service " +
    "over native IPv6 only at its dual-stack public name. AWS SDKs and the AWS CLI call the " +
    "IPv4-only default name unless told to use the dual-stack one, so clients left at their " +
    "defaults fail.",
  severity: "warning",
  tags: ["ipv6-only", "dns", "sdk"],
  references: [
    {
      title: "AWS SDKs and Tools: dual-stack and FIPS endpoints (use_dualstack_endpoint)",
      url: "https://docs.aws.amazon.com/sdkref/latest/guide/feature-endpoints.html",
    },
    {
      title: "AWS KMS: IPv6 and dual-stack endpoints",
      url: "https://docs.aws.amazon.com/kms/latest/developerguide/ipv6-kms.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "VpcEndpoints"],
  messages: {
    clientSettingNeeded: {
      severity: "warning",
      text:
        "IPv6-only subnets {subnetIds} reach {services} only at the dual-stack name {name}, " +
        "since they have no NAT64 path and no interface endpoint for it; clients that keep the " +
        "default name, whose records are A only, cannot connect.",
      fix:
        "Turn on the dual-stack endpoint option of the workloads' SDK clients for {services}, " +
        "or set use_dualstack_endpoint = true in their shared config (or " +
        "AWS_USE_DUALSTACK_ENDPOINT=true) if every service they call has a dual-stack endpoint; " +
        "or give the subnets an interface endpoint for {services} or a NAT64 path: DNS64 and " +
        "64:ff9b::/96 to a NAT gateway.",
    },
  },
  check(context) {
    const owner = "dualstack-name-needs-client-setting";
    const groups = hopsOwnedBy(context, owner, (hop) => `${hop.resourceId} ${hop.facts?.name}`);
    for (const group of groups) {
      const vpcId = group.hop.resourceId;
      const name = String(group.hop.facts?.name ?? "");
      const subnetIds = [...new Set(group.paths.map((path) => path.subnetId))].sort();
      context.report({
        messageId: "clientSettingNeeded",
        data: { subnetIds: group.subnetIds, services: group.services, name },
        resource: context.index.ref("vpc", vpcId, vpcId, context.index.vpc(vpcId)?.Tags),
        evidence: subnetIds.map((subnetId) => ({
          resourceId: subnetId,
          attribute: "EnableDns64",
          value: context.index.subnet(subnetId)?.EnableDns64 ?? null,
        })),
        related: subnetIds,
        discriminator: name,
      });
    }
  },
});
