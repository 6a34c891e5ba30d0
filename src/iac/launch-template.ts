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
  const decided =
    options.HttpProtocolIpv6 !== undefined ||
    String(options.HttpEndpoint).toLowerCase() === "disabled";
  return decided ? (options as EC2.InstanceMetadataOptionsResponse) : undefined;
}

/** Returns the line for standard error about a launch template that the input does not define. */
export function unknownTemplateLine(launcher: string, input: "template" | "plan"): string {
  return (
    `${launcher} names a launch template that the ${input} does not define; its security ` +
    "groups and metadata options are unknown, so the checks that need them are reported as skipped"
  );
}
