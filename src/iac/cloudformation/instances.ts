/**
 * Maps instances and Auto Scaling groups, with the metadata options and security groups of their
 * launch templates, into the snapshot's reservations.
 */
import type * as EC2 from "@aws-sdk/client-ec2";
import { placeholderId } from "../placeholders.js";
import type { PropertyReader, TemplateContext } from "./context.js";
import { isRecord } from "./parse.js";

/** EC2's metadata options for an instance that sets none. */
const DEFAULT_METADATA_OPTIONS = {
  State: "applied",
  HttpEndpoint: "enabled",
  HttpProtocolIpv6: "disabled",
};

export function mapInstance(reader: PropertyReader, context: TemplateContext): void {
  const interfaces = Array.isArray(reader.properties.NetworkInterfaces)
    ? reader.properties.NetworkInterfaces
    : [];
  const primary = interfaces.find((item) => isRecord(item) && String(item.DeviceIndex) === "0");
  const subnetValue =
    reader.properties.SubnetId ?? (isRecord(primary) ? primary.SubnetId : undefined);
  const data = launchTemplateData(context, reader.properties.LaunchTemplate);
  const groups = reader.ids("SecurityGroupIds", "sg");
  // An instance that lists NetworkInterfaces takes its groups from the primary interface's GroupSet.
  if (groups.length === 0) groups.push(...interfaceGroups(reader, primary));
  const instance: EC2.Instance = {
    InstanceId: reader.id,
    InstanceType: (reader.string("InstanceType") ??
      String(data?.InstanceType ?? "m1.small")) as EC2._InstanceType,
    State: { Code: 16, Name: "running" },
    MetadataOptions: metadataOptions(reader, [
      data?.MetadataOptions,
      reader.properties.MetadataOptions,
    ]),
    SecurityGroups: (groups.length > 0 ? groups : launchTemplateGroups(reader, data)).map(groupRef),
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
  const sizes = [reader.number("MinSize"), reader.number("DesiredCapacity")];
  if (sizes.every((size) => size === 0)) return [];
  const mixed = isRecord(reader.properties.MixedInstancesPolicy)
    ? reader.properties.MixedInstancesPolicy
    : {};
  const mixedTemplate = isRecord(mixed.LaunchTemplate)
    ? mixed.LaunchTemplate.LaunchTemplateSpecification
    : undefined;
  const data = launchTemplateData(context, reader.properties.LaunchTemplate ?? mixedTemplate);
  const groups = launchTemplateGroups(reader, data).map(groupRef);

  const ids: string[] = [];
  for (const subnetId of reader.ids("VPCZoneIdentifier", "subnet")) {
    const instanceId = placeholderId("i", `${reader.logicalId}/${subnetId}`);
    reader.builder.addInstance({
      InstanceId: instanceId,
      InstanceType: String(data?.InstanceType ?? "m1.small") as EC2._InstanceType,
      State: { Code: 16, Name: "running" },
      SubnetId: subnetId,
      MetadataOptions: metadataOptions(reader, [data?.MetadataOptions]),
      SecurityGroups: groups,
      Tags: [{ Key: "aws:autoscaling:groupName", Value: reader.logicalId }],
    });
    ids.push(instanceId);
  }
  return ids;
}

/** Returns the LaunchTemplateData of the template's launch template that a specification names. */
function launchTemplateData(
  context: TemplateContext,
  specification: unknown,
): Record<string, unknown> | undefined {
  if (!isRecord(specification)) return undefined;
  const reference = specification.LaunchTemplateId ?? specification.LaunchTemplateName;
  const source = Object.keys(context.template.Resources).find(
    (logicalId) =>
      context.typeOf(logicalId) === "AWS::EC2::LaunchTemplate" &&
      (context.idOf(logicalId) === reference ||
        context.properties(logicalId).LaunchTemplateName === reference),
  );
  const data = source ? context.properties(source).LaunchTemplateData : undefined;
  return isRecord(data) ? data : undefined;
}

/** Returns the security groups of a launch template, from SecurityGroupIds or the primary interface. */
function launchTemplateGroups(
  reader: PropertyReader,
  data: Record<string, unknown> | undefined,
): string[] {
  const interfaces = Array.isArray(data?.NetworkInterfaces) ? data.NetworkInterfaces : [];
  const primary = interfaces.find(
    (item) => isRecord(item) && String(item.DeviceIndex ?? 0) === "0",
  );
  const groups = data?.SecurityGroupIds ?? (isRecord(primary) ? primary.Groups : undefined);
  if (!Array.isArray(groups)) return [];
  return groups
    .map((group) => reader.stringOf(group, "LaunchTemplate.SecurityGroupIds", "sg"))
    .filter(isString);
}

/** Returns the groups of an instance's primary network interface, from its GroupSet. */
function interfaceGroups(reader: PropertyReader, primary: unknown): string[] {
  const groups = isRecord(primary) ? primary.GroupSet : undefined;
  if (!Array.isArray(groups)) return [];
  return groups
    .map((group) => reader.stringOf(group, "NetworkInterfaces.GroupSet", "sg"))
    .filter(isString);
}

/** Layers metadata options over EC2's defaults; later layers win. */
function metadataOptions(
  reader: PropertyReader,
  layers: unknown[],
): EC2.InstanceMetadataOptionsResponse {
  const options: Record<string, unknown> = { ...DEFAULT_METADATA_OPTIONS };
  for (const layer of layers) {
    if (!isRecord(layer)) continue;
    for (const [key, value] of Object.entries(layer)) {
      const text = reader.stringOf(value, `MetadataOptions.${key}`);
      if (text !== undefined) options[key] = /^\d+$/.test(text) ? Number(text) : text;
    }
  }
  return options as EC2.InstanceMetadataOptionsResponse;
}

function groupRef(groupId: string): EC2.GroupIdentifier {
  return { GroupId: groupId, GroupName: groupId };
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
