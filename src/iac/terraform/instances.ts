/**
 * Maps `aws_instance` and `aws_autoscaling_group`, with the metadata options and security groups
 * of their `aws_launch_template`, into the snapshot's reservations.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import { placeholderId } from "../placeholders.js";
import type { AttributeReader, PlanContext } from "./context.js";

/** EC2's metadata options for an instance that sets none. */
const DEFAULT_METADATA_OPTIONS = {
  State: "applied",
  HttpEndpoint: "enabled",
  HttpProtocolIpv6: "disabled",
};

/** `metadata_options` attributes and the fields DescribeInstances reports them in. */
const METADATA_FIELDS: [string, string][] = [
  ["http_endpoint", "HttpEndpoint"],
  ["http_protocol_ipv6", "HttpProtocolIpv6"],
  ["http_tokens", "HttpTokens"],
  ["instance_metadata_tags", "InstanceMetadataTags"],
];

export function mapInstance(reader: AttributeReader, context: PlanContext): void {
  const template = launchTemplateOf(reader, context);
  const groups = reader.strings("vpc_security_group_ids", "sg");
  const instance: EC2.Instance = {
    InstanceId: reader.id,
    InstanceType: (reader.string("instance_type") ??
      template?.string("instance_type") ??
      "t3.micro") as EC2._InstanceType,
    State: { Code: 16, Name: "running" },
    MetadataOptions: metadataOptions([template, reader]),
    SecurityGroups: (groups.length > 0 ? groups : templateGroups(template)).map(groupRef),
    Tags: reader.tags(),
  };
  const subnetId = reader.string("subnet_id", "subnet");
  if (subnetId) instance.SubnetId = subnetId;
  const imageId = reader.string("ami");
  if (imageId) instance.ImageId = imageId;
  reader.builder.addInstance(instance);
}

/**
 * Models an Auto Scaling group as one running instance in each subnet of `vpc_zone_identifier`,
 * with its launch template's options. A group whose min_size and desired_capacity are both 0
 * adds none.
 */
export function mapAutoScalingGroup(reader: AttributeReader, context: PlanContext): string[] {
  const sizes = [reader.number("min_size"), reader.number("desired_capacity")];
  if (sizes.every((size) => size === 0)) return [];
  const template = launchTemplateOf(reader, context);
  const groups = templateGroups(template).map(groupRef);

  const ids: string[] = [];
  for (const subnetId of reader.strings("vpc_zone_identifier", "subnet")) {
    const instanceId = placeholderId("i", `${reader.address}/${subnetId}`);
    reader.builder.addInstance({
      InstanceId: instanceId,
      InstanceType: (template?.string("instance_type") ?? "t3.micro") as EC2._InstanceType,
      State: { Code: 16, Name: "running" },
      SubnetId: subnetId,
      MetadataOptions: metadataOptions([template]),
      SecurityGroups: groups,
      Tags: [{ Key: "aws:autoscaling:groupName", Value: reader.address }],
    });
    ids.push(instanceId);
  }
  return ids;
}

/** Returns a reader for the plan's `aws_launch_template` that the `launch_template` block names. */
function launchTemplateOf(
  reader: AttributeReader,
  context: PlanContext,
): AttributeReader | undefined {
  const block = reader.blocks("launch_template")[0];
  if (!block) return undefined;
  const id = block.string("id", "lt");
  const name = block.string("name");
  const template = context.plan.instances.find(
    (instance) =>
      instance.type === "aws_launch_template" &&
      ((id !== undefined && context.idOf(instance) === id) ||
        (name !== undefined && instance.values.name === name)),
  );
  return template ? context.reader(template) : undefined;
}

/** Returns a launch template's groups, or those of its primary network interface. */
function templateGroups(template: AttributeReader | undefined): string[] {
  if (!template) return [];
  const groups = template.strings("vpc_security_group_ids", "sg");
  if (groups.length > 0) return groups;
  const interfaces = template.blocks("network_interfaces");
  const primary =
    interfaces.find((block) => (block.number("device_index") ?? 0) === 0) ?? interfaces[0];
  return primary ? primary.strings("security_groups", "sg") : [];
}

/** Layers `metadata_options` blocks over EC2's defaults; later layers win. */
function metadataOptions(
  layers: (AttributeReader | undefined)[],
): EC2.InstanceMetadataOptionsResponse {
  const options: Record<string, unknown> = { ...DEFAULT_METADATA_OPTIONS };
  for (const layer of layers) {
    const block = layer?.blocks("metadata_options")[0];
    for (const [name, field] of METADATA_FIELDS) {
      const value = block?.string(name);
      if (value) options[field] = value;
    }
  }
  return options as EC2.InstanceMetadataOptionsResponse;
}

function groupRef(groupId: string): EC2.GroupIdentifier {
  return { GroupId: groupId, GroupName: groupId };
}
