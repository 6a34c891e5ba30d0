import { defineRule } from "../engine/types.js";
import { isIpv6Only } from "../index/snapshot-index.js";
import { lower } from "../index/util.js";

export default defineRule<"ipv6Disabled" | "endpointDisabled">({
  id: "instance-imds-ipv6-disabled",
  title: "Instance in an IPv6-only subnet cannot reach IMDS over IPv6",
  description:
    "An instance in an IPv6-only subnet reaches the instance metadata service at fd00:ec2::254 " +
    "only when HttpProtocolIpv6 is enabled; SDKs and agents that try only that address get no " +
    "credentials.",
  severity: "error",
  tags: ["imds", "ipv6-only", "instance"],
  references: [
    {
      title: "Configure the instance metadata options",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
    },
    {
      title: "Access instance metadata for an EC2 instance",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html",
    },
  ],
  requires: ["Reservations", "Subnets"],
  messages: {
    ipv6Disabled: {
      severity: "warning",
      text:
        "Instance {instanceId} runs in IPv6-only subnet {subnetId} with HttpProtocolIpv6 " +
        "{protocolIpv6}, so tools that only try fd00:ec2::254 cannot read its credentials.",
      fix:
        "aws ec2 modify-instance-metadata-options --instance-id {instanceId} " +
        "--http-protocol-ipv6 enabled (in launch templates: MetadataOptions.HttpProtocolIpv6).",
    },
    endpointDisabled: {
      severity: "error",
      text:
        "Instance {instanceId} runs in IPv6-only subnet {subnetId} with HttpEndpoint disabled, " +
        "so it cannot read instance metadata or role credentials at all.",
      fix:
        "aws ec2 modify-instance-metadata-options --instance-id {instanceId} --http-endpoint " +
        "enabled --http-protocol-ipv6 enabled.",
    },
  },
  check(context) {
    const { index } = context;
    for (const instance of index.instances()) {
      if (lower(instance.State?.Name) !== "running" || !instance.SubnetId) continue;
      const subnet = index.subnet(instance.SubnetId);
      if (!subnet || !isIpv6Only(subnet)) continue;
      const instanceId = instance.InstanceId as string;
      const options = instance.MetadataOptions;
      if (!options?.HttpEndpoint && !options?.HttpProtocolIpv6) {
        context.unknown(instanceId, "MetadataOptions is not in the snapshot");
        continue;
      }

      const endpointDisabled = lower(options.HttpEndpoint) === "disabled";
      if (!endpointDisabled && lower(options.HttpProtocolIpv6) === "enabled") continue;
      context.report({
        messageId: endpointDisabled ? "endpointDisabled" : "ipv6Disabled",
        data: {
          instanceId,
          subnetId: instance.SubnetId,
          protocolIpv6: options.HttpProtocolIpv6 ?? "not set",
        },
        resource: index.ref("instance", instanceId, instance.VpcId ?? subnet.VpcId, instance.Tags),
        evidence: [
          {
            resourceId: instanceId,
            attribute: "MetadataOptions.HttpEndpoint",
            value: options.HttpEndpoint ?? null,
          },
          {
            resourceId: instanceId,
            attribute: "MetadataOptions.HttpProtocolIpv6",
            value: options.HttpProtocolIpv6 ?? null,
          },
        ],
        related: [instance.SubnetId],
      });
    }
  },
});
