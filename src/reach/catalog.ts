/**
 * What AWS services support over IPv6, as data with the date it was last checked. The snapshot's
 * DescribeVpcEndpointServices output (`SupportedIpAddressTypes`) wins over this table when present.
 */
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { lower } from "../index/util.js";

export const CATALOG_CHECKED = "2026-11-20";

/**
 * A service's short name as endpoint service names end with it, such as `ssm` or `ecr.api`:
 * dot-separated labels of letters and digits, with hyphens only inside a label.
 */
export const SERVICE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$/;

interface ServiceFacts {
  /** The dual-stack public name, with `{region}` for the Region; absent when there is none. */
  dualStackName?: string;
  /** Whether interface endpoints for the service accept the `dualstack` IP address type. */
  ipv6PrivateLink?: boolean;
}

/**
 * Services whose documentation describes a dual-stack public endpoint: KMS
 * (https://docs.aws.amazon.com/kms/latest/developerguide/ipv6-kms.html), AWS Private CA
 * (https://docs.aws.amazon.com/privateca/latest/userguide/dual-stack-endpoint-support.html),
 * STS (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_dual-stack_endpoint_support.html),
 * S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/dual-stack-endpoints.html) and ECS
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/dual-stack-endpoint.html). The
 * first three also describe IPv6 over PrivateLink. A missing service has no dual-stack name here.
 * NOTE: other services publish dual-stack names too. Without NAT64 or an endpoint, such a
 * service gets the subnet-dns64-disabled error where its clients may reach it over IPv6.
 */
const CATALOG: Record<string, ServiceFacts> = {
  kms: { dualStackName: "kms.{region}.api.aws", ipv6PrivateLink: true },
  "acm-pca": { dualStackName: "acm-pca.{region}.api.aws", ipv6PrivateLink: true },
  sts: { dualStackName: "sts.{region}.api.aws", ipv6PrivateLink: true },
  s3: { dualStackName: "s3.dualstack.{region}.amazonaws.com" },
  ecs: { dualStackName: "ecs.{region}.api.aws" },
};

/** Returns the service's default public name, which SDKs and the SSM Agent use unless configured otherwise. */
export function defaultServiceName(service: string, region: string | undefined): string {
  return `${service}.${region ?? "<region>"}.amazonaws.com`;
}

/** Returns the dual-stack public name of a service, or undefined when the table has none. */
export function dualStackName(service: string, region: string | undefined): string | undefined {
  return CATALOG[service]?.dualStackName?.replace("{region}", region ?? "<region>");
}

/** Tells whether interface endpoints for the service support IPv6, preferring collected data. */
export function supportsIpv6PrivateLink(
  index: SnapshotIndex,
  serviceName: string,
  service: string,
): boolean {
  const detail = index.serviceDetail(serviceName);
  if (detail?.SupportedIpAddressTypes) {
    return detail.SupportedIpAddressTypes.some((type) => lower(type) === "ipv6");
  }
  return CATALOG[service]?.ipv6PrivateLink === true;
}
