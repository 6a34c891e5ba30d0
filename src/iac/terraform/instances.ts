/**
 * Maps `aws_instance` and `aws_autoscaling_group`, with the metadata options and security groups
 * of their `aws_launch_template`, into the snapshot's reservations.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import { layerMetadataOptions, unknownTemplateLine } from "../launch-template.js";
import { placeholderId } from "../placeholders.js";
import { firstUnresolved } from "../unresolved.js";
import type { AttributeReader, PlanContext } from "./context.js";

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
  const securityGroups = groups.length > 0 ? groups.map(groupRef) : templateGroups(template);
  const instance: EC2.Instance = {
    InstanceId: reader.id,
    InstanceType: (reader.string("instance_type") ??
      template?.reader?.string("instance_type") ??
      "t3.micro") as EC2._InstanceType,
    State: { Code: 16, Name: "running" },
    ...metadataOptions(template, reader),
    ...(securityGroups && { SecurityGroups: securityGroups }),
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
  const minSize = reader.number("min_size");
  // A group created without desired_capacity starts at its minimum size, and the plan leaves the
  // computed value out.
  const desired =
    reader.raw("desired_capacity") === undefined ? minSize : reader.number("desired_capacity");
  if (minSize === 0 && desired === 0) return [];
  const template = launchTemplateOf(reader, context);
  const groups = templateGroups(template);

  const ids: string[] = [];
  for (const subnetId of reader.strings("vpc_zone_identifier", "subnet")) {
    const instanceId = placeholderId("i", `${reader.address}/${subnetId}`);
    reader.builder.addInstance({
      InstanceId: instanceId,
      InstanceType: (template?.reader?.string("instance_type") ?? "t3.micro") as EC2._InstanceType,
      State: { Code: 16, Name: "running" },
      SubnetId: subnetId,
      ...metadataOptions(template),
      ...(groups && { SecurityGroups: groups }),
      Tags: [{ Key: "aws:autoscaling:groupName", Value: reader.address }],
    });
    ids.push(instanceId);
  }
  return ids;
}

/**
 * The launch template an instance or group names: a reader of its `aws_launch_template`, or none
 * when the plan does not define it, so that what it sets is unknown.
 */
interface NamedLaunchTemplate {
  reader?: AttributeReader;
}

/**
 * Returns the launch template that a `launch_template` block, or the launch template
 * specification of a `mixed_instances_policy`, names. Returns undefined when neither names one.
 * A template the plan does not define, such as one a variable or a data source names, has no
 * reader and is reported on standard error.
 */
function launchTemplateOf(
  reader: AttributeReader,
  context: PlanContext,
): NamedLaunchTemplate | undefined {
  const direct = reader.blocks("launch_template")[0];
  const specification = direct
    ? { id: direct.string("id", "lt"), name: direct.string("name") }
    : mixedPolicySpecification(reader);
  if (!specification) return undefined;
  const { id, name } = specification;
  const template = context.plan.instances.find(
    (instance) =>
      instance.type === "aws_launch_template" &&
      ((id !== undefined && context.idOf(instance) === id) ||
        (name !== undefined && instance.values.name === name)),
  );
  if (template) return { reader: context.reader(template) };
  reader.builder.warn(unknownTemplateLine(reader.address, "plan"));
  return {};
}

/** Returns the launch template id and name of an Auto Scaling group's mixed instances policy. */
function mixedPolicySpecification(
  reader: AttributeReader,
): { id?: string; name?: string } | undefined {
  const policy = reader.blocks("mixed_instances_policy")[0];
  const block = policy?.blocks("launch_template")[0]?.blocks("launch_template_specification")[0];
  if (!block) return undefined;
  return {
    id: block.string("launch_template_id", "lt"),
    name: block.string("launch_template_name"),
  };
}

/**
 * Returns the groups a launch template gives, or those of its primary network interface. Returns
 * undefined when there is no template or it names none, so that EC2's default group applies, and
 * no groups when the plan does not define the template, since its groups are unknown.
 */
function templateGroups(
  template: NamedLaunchTemplate | undefined,
): EC2.GroupIdentifier[] | undefined {
  if (!template) return undefined;
  const launchTemplate = template.reader;
  if (!launchTemplate) return [];
  let groups = launchTemplate.strings("vpc_security_group_ids", "sg");
  if (groups.length === 0) {
    const interfaces = launchTemplate.blocks("network_interfaces");
    const primary =
      interfaces.find((block) => (block.number("device_index") ?? 0) === 0) ?? interfaces[0];
    groups = primary ? primary.strings("security_groups", "sg") : [];
  }
  return groups.length > 0 ? groups.map(groupRef) : undefined;
}

/**
 * Returns the MetadataOptions field of an instance: the `metadata_options` blocks of the launch
 * template and the instance, over EC2's defaults, as layerMetadataOptions layers them.
 */
function metadataOptions(
  template: NamedLaunchTemplate | undefined,
  instance?: AttributeReader,
): { MetadataOptions?: EC2.InstanceMetadataOptionsResponse } {
  const layers = [template?.reader, instance].map((layer) => {
    const block = layer?.blocks("metadata_options")[0];
    const options: Record<string, unknown> = {};
    // A value known only after apply is set to undefined, so the provider's default is not used
    // in its place. That applies to every field of a block that is unknown as a whole.
    if (layer?.unknownBlocks("metadata_options")) {
      for (const [, field] of METADATA_FIELDS) options[field] = undefined;
    }
    for (const [name, field] of METADATA_FIELDS) {
      const value = block?.string(name);
      if (value) options[field] = value;
      else if (block && firstUnresolved(block.single(name))) options[field] = undefined;
    }
    return options;
  });
  const options = layerMetadataOptions(layers, template !== undefined && !template.reader);
  return options ? { MetadataOptions: options } : {};
}

function groupRef(groupId: string): EC2.GroupIdentifier {
  return { GroupId: groupId, GroupName: groupId };
}
