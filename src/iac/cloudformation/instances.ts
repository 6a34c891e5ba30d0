/**
 * Maps instances and Auto Scaling groups, with the metadata options and security groups of their
 * launch templates, into the snapshot's reservations.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import {
  IPV6_METADATA_FIELDS,
  invalidMetadataOption,
  layerMetadataOptions,
  unknownTemplateLine,
} from "../launch-template.js";
import { placeholderId } from "../placeholders.js";
import { Unresolved } from "../unresolved.js";
import type { PropertyReader, TemplateContext } from "./context.js";
import { isRecord } from "./parse.js";

export function mapInstance(reader: PropertyReader, context: TemplateContext): void {
  const interfaces = Array.isArray(reader.properties.NetworkInterfaces)
    ? reader.properties.NetworkInterfaces
    : [];
  const primary = interfaces.find((item) => isRecord(item) && String(item.DeviceIndex) === "0");
  const subnetValue =
    reader.properties.SubnetId ?? (isRecord(primary) ? primary.SubnetId : undefined);
  const template = launchTemplateOf(reader, context, reader.properties.LaunchTemplate);
  const data = template?.data;
  const groups = reader.ids("SecurityGroupIds", "sg");
  // An instance that lists NetworkInterfaces takes its groups from the primary interface's GroupSet.
  if (groups.length === 0) groups.push(...interfaceGroups(reader, primary));
  const securityGroups =
    groups.length > 0 ? groups.map(groupRef) : templateGroups(reader, template);
  const instance: EC2.Instance = {
    InstanceId: reader.id,
    InstanceType: (reader.string("InstanceType") ??
      String(data?.InstanceType ?? "m1.small")) as EC2._InstanceType,
    State: { Code: 16, Name: "running" },
    ...metadataOptions(reader, template, [reader.properties.MetadataOptions]),
    ...(securityGroups && { SecurityGroups: securityGroups }),
    Tags: reader.tags(),
  };
  const imageId = reader.string("ImageId");
  if (imageId) instance.ImageId = imageId;
  const subnetId = reader.stringOf(subnetValue, "SubnetId", "subnet");
  if (subnetId) instance.SubnetId = subnetId;
  reader.builder.addInstance(instance);
}

/**
 * Models an Auto Scaling group as one running instance in each subnet of VPCZoneIdentifier, with
 * its launch template's options. A group whose MinSize and DesiredCapacity are both 0 adds none.
 */
export function mapAutoScalingGroup(reader: PropertyReader, context: TemplateContext): string[] {
  const minSize = reader.number("MinSize");
  // A group created without DesiredCapacity starts at its minimum size.
  const desired =
    reader.properties.DesiredCapacity === undefined ? minSize : reader.number("DesiredCapacity");
  if (minSize === 0 && desired === 0) return [];
  const policy = reader.properties.MixedInstancesPolicy;
  const mixed = isRecord(policy) ? policy : {};
  // An unknown policy or launch template names a launch template outside the input.
  const mixedTemplate =
    policy instanceof Unresolved
      ? policy
      : isRecord(mixed.LaunchTemplate)
        ? mixed.LaunchTemplate.LaunchTemplateSpecification
        : mixed.LaunchTemplate;
  const template = launchTemplateOf(
    reader,
    context,
    reader.properties.LaunchTemplate ?? mixedTemplate,
  );
  const groups = templateGroups(reader, template);

  const ids: string[] = [];
  for (const subnetId of reader.ids("VPCZoneIdentifier", "subnet")) {
    const instanceId = placeholderId("i", `${reader.logicalId}/${subnetId}`);
    reader.builder.addInstance({
      InstanceId: instanceId,
      InstanceType: String(template?.data?.InstanceType ?? "m1.small") as EC2._InstanceType,
      State: { Code: 16, Name: "running" },
      SubnetId: subnetId,
      ...metadataOptions(reader, template, []),
      ...(groups && { SecurityGroups: groups }),
      Tags: [{ Key: "aws:autoscaling:groupName", Value: reader.logicalId }],
    });
    ids.push(instanceId);
  }
  return ids;
}

/**
 * The launch template an instance or group names: its LaunchTemplateData, or no data when the
 * input does not define the template, so that what it sets is unknown.
 */
interface NamedLaunchTemplate {
  data?: Record<string, unknown>;
}

/**
 * Returns the launch template a specification names, or undefined when it names none. A template
 * the input does not define, such as one from Fn::ImportValue or a parameter, has no data and is
 * reported on standard error.
 */
function launchTemplateOf(
  reader: PropertyReader,
  context: TemplateContext,
  specification: unknown,
): NamedLaunchTemplate | undefined {
  if (!isRecord(specification) && !(specification instanceof Unresolved)) return undefined;
  const reference = isRecord(specification)
    ? (specification.LaunchTemplateId ?? specification.LaunchTemplateName)
    : undefined;
  // An unknown specification, such as an import, names a launch template outside the input.
  const source = context
    .logicalIdsOfType("AWS::EC2::LaunchTemplate")
    .find(
      (logicalId) =>
        reference !== undefined &&
        (context.idOf(logicalId) === reference ||
          context.properties(logicalId).LaunchTemplateName === reference),
    );
  const data = source ? context.properties(source).LaunchTemplateData : undefined;
  if (isRecord(data)) return { data };
  reader.builder.warn(unknownTemplateLine(reader.logicalId, "template"));
  return {};
}

/**
 * Returns the security groups a launch template gives, from SecurityGroupIds or the primary
 * interface. Returns undefined when there is no template or it names none, so that EC2's default
 * group applies, and no groups when the template is not in the input, since its groups are unknown.
 */
function templateGroups(
  reader: PropertyReader,
  template: NamedLaunchTemplate | undefined,
): EC2.GroupIdentifier[] | undefined {
  if (!template) return undefined;
  const { data } = template;
  if (!data) return [];
  const interfaces = Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces : [];
  const primary = interfaces.find(
    (item) => isRecord(item) && String(item.DeviceIndex ?? 0) === "0",
  );
  const groups = data.SecurityGroupIds ?? (isRecord(primary) ? primary.Groups : undefined);
  if (!Array.isArray(groups)) return undefined;
  const ids = groups
    .map((group) => reader.stringOf(group, "LaunchTemplate.SecurityGroupIds", "sg"))
    .filter(isString);
  return ids.length > 0 ? ids.map(groupRef) : undefined;
}

/** Returns the groups of an instance's primary network interface, from its GroupSet. */
function interfaceGroups(reader: PropertyReader, primary: unknown): string[] {
  const groups = isRecord(primary) ? primary.GroupSet : undefined;
  if (!Array.isArray(groups)) return [];
  return groups
    .map((group) => reader.stringOf(group, "NetworkInterfaces.GroupSet", "sg"))
    .filter(isString);
}

/**
 * Returns the MetadataOptions field of an instance: the launch template's metadata options and the
 * instance's own, over EC2's defaults, as layerMetadataOptions layers them.
 */
function metadataOptions(
  reader: PropertyReader,
  template: NamedLaunchTemplate | undefined,
  own: unknown[],
): { MetadataOptions?: EC2.InstanceMetadataOptionsResponse } {
  const given = [template?.data?.MetadataOptions, ...own].filter((layer) => layer !== undefined);
  const layers = given.map((layer) => {
    const options: Record<string, unknown> = {};
    if (layer instanceof Unresolved || !isRecord(layer)) {
      // A whole MetadataOptions that is unknown, such as an import, sets unknown values.
      if (layer instanceof Unresolved) reader.stringOf(layer, "MetadataOptions");
      else if (layer !== null) reader.builder.warn(notAMap(reader.logicalId, layer));
      if (layer !== null) for (const field of IPV6_METADATA_FIELDS) options[field] = undefined;
      return options;
    }
    for (const [key, value] of Object.entries(layer)) {
      if (value === null) continue;
      const text = reader.stringOf(value, `MetadataOptions.${key}`);
      const invalid =
        text === undefined ? undefined : invalidMetadataOption(reader.logicalId, key, text);
      if (invalid) reader.builder.warn(invalid);
      // An unknown or invalid value stays undefined, so EC2's default does not stand in for it.
      options[key] =
        text === undefined || invalid ? undefined : /^\d+$/.test(text) ? Number(text) : text;
    }
    return options;
  });
  const options = layerMetadataOptions(layers, template !== undefined && !template.data);
  return options ? { MetadataOptions: options } : {};
}

function groupRef(groupId: string): EC2.GroupIdentifier {
  return { GroupId: groupId, GroupName: groupId };
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

function notAMap(logicalId: string, value: unknown): string {
  return (
    `resource ${logicalId} property MetadataOptions is ${JSON.stringify(value)}, not a map; ` +
    "the property is left out, so the checks that need it are reported as skipped"
  );
}
