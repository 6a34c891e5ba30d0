/** The launch template settings of an instance that a template or plan launches. */
import type * as EC2 from "@aws-sdk/client-ec2";

/** EC2's metadata options for an instance that sets none. */
const DEFAULT_METADATA_OPTIONS = {
  State: "applied",
  HttpEndpoint: "enabled",
  HttpProtocolIpv6: "disabled",
};

/**
 * Layers metadata options, by DescribeInstances field, over EC2's defaults, and later layers win.
 * Under a launch template that the input does not define, the template's options are unknown and
 * only the instance's own are layered, over nothing. Those options are then returned only when
 * they decide the IPv6 endpoint: HttpProtocolIpv6 is set or HttpEndpoint is disabled.
 */
export function layerMetadataOptions(
  layers: Record<string, unknown>[],
  unknownTemplate: boolean,
): EC2.InstanceMetadataOptionsResponse | undefined {
  const options: Record<string, unknown> = unknownTemplate ? {} : { ...DEFAULT_METADATA_OPTIONS };
  for (const layer of layers) Object.assign(options, layer);
  const endpointDisabled = String(options.HttpEndpoint).toLowerCase() === "disabled";
  // A layer sets a field to undefined when its value is unknown before deployment. That value
  // decides, not EC2's default, so the options are unknown unless the endpoint is off anyway.
  const unknown = IPV6_METADATA_FIELDS.some(
    (field) => field in options && options[field] === undefined,
  );
  if (unknown && !endpointDisabled) return undefined;
  const decided = options.HttpProtocolIpv6 !== undefined || endpointDisabled;
  return decided ? (options as EC2.InstanceMetadataOptionsResponse) : undefined;
}

/** The metadata options that decide whether an instance reaches IMDS over IPv6. */
export const IPV6_METADATA_FIELDS = ["HttpEndpoint", "HttpProtocolIpv6"];

/**
 * Returns the line for standard error about a metadata option that is not `enabled` or
 * `disabled`, which EC2 rejects, or undefined when the value is one of them or another field.
 */
export function invalidMetadataOption(
  resource: string,
  field: string,
  value: string,
): string | undefined {
  if (
    !IPV6_METADATA_FIELDS.includes(field) ||
    ["enabled", "disabled"].includes(value.toLowerCase())
  )
    return undefined;
  return (
    `resource ${resource} property MetadataOptions.${field} is ${JSON.stringify(value)}, not ` +
    `enabled or disabled; the property is left out, so the checks that need it are reported as skipped`
  );
}

/** Returns the line for standard error about a launch template that the input does not define. */
export function unknownTemplateLine(launcher: string, input: "template" | "plan"): string {
  return (
    `${launcher} names a launch template that the ${input} does not define; its security ` +
    "groups and metadata options are unknown, so the checks that need them are reported as skipped"
  );
}
