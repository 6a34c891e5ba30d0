import type { Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import { defineRule } from "../engine/types.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { analyse } from "../reach/analysis.js";

export default defineRule<"missingZones" | "zonesNotOffered" | "singleZone">({
  id: "endpoint-az-coverage",
  title: "Interface endpoint has no subnet in an AZ of its IPv6-only consumers",
  description:
    "An interface endpoint answers from the AZs of its subnets. Consumers in other AZs cross AZs " +
    "for every call and lose the service when the endpoint's AZ fails.",
  severity: "warning",
  tags: ["privatelink", "availability"],
  references: [
    {
      title: "Access an AWS service using an interface VPC endpoint: Availability Zones",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    },
    {
      title: "AWS PrivateLink concepts: endpoint network interfaces",
      url: "https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "VpcEndpoints"],
  messages: {
    missingZones: {
      severity: "warning",
      text:
        "Endpoint {endpointId} for {service} has subnets in {endpointZones} but none in " +
        "{missingZones}, where {subnetIds} use it, so their calls cross AZs.",
      fix:
        "Add a subnet in {missingZones} to the endpoint: aws ec2 modify-vpc-endpoint " +
        "--vpc-endpoint-id {endpointId} --add-subnet-ids <subnet-id>.",
    },
    zonesNotOffered: {
      severity: "info",
      text:
        "Endpoint {endpointId} for {service} has subnets in {endpointZones}, and {service} is " +
        "not offered in {missingZones}, where {subnetIds} use it, so their calls cross AZs.",
      fix:
        "No endpoint subnet can be added where the service is not offered. If the cross-AZ " +
        "charges or latency matter, run these workloads in {offeredZones}.",
    },
    singleZone: {
      severity: "info",
      text:
        "Endpoint {endpointId} for {service} has a subnet only in {endpointZones}, so an outage " +
        "of that AZ cuts {subnetIds} off from it.",
      fix: "Add a subnet in a second AZ to the endpoint for resilience.",
    },
  },
  check(context) {
    const { index } = context;
    const consumers = new Map<VpcEndpoint, Subnet[]>();
    for (const path of analyse(index, context.settings).paths) {
      if (!path.required || !path.endpoint) continue;
      const subnet = index.subnet(path.subnetId) as Subnet;
      const subnets = consumers.get(path.endpoint);
      if (subnets) subnets.push(subnet);
      else consumers.set(path.endpoint, [subnet]);
    }
    for (const [endpoint, subnets] of consumers) {
      const placedIn = endpoint.SubnetIds;
      if (!placedIn) {
        context.unknown(endpoint.VpcEndpointId as string, "its SubnetIds are not in the snapshot");
        continue;
      }
      const endpointSubnets = placedIn.map((id) => index.subnet(id));
      const unplaced = placedIn.filter(
        (_, position) => !endpointSubnets[position]?.AvailabilityZone,
      );
      if (unplaced.length > 0) {
        // The AZ of a subnet missing from the snapshot is unknown, and it may be the one lacking.
        context.unknown(
          endpoint.VpcEndpointId as string,
          `the AZs of its subnets ${unplaced.join(", ")} are not in the snapshot`,
        );
        continue;
      }
      const endpointZones = zonesOf(endpointSubnets);
      if (endpointZones.length === 0) continue;
      const unplacedConsumers = subnets.filter((subnet) => !subnet.AvailabilityZone);
      if (unplacedConsumers.length > 0) {
        const ids = [...new Set(unplacedConsumers.map((subnet) => subnet.SubnetId))].sort();
        context.unknown(
          endpoint.VpcEndpointId as string,
          `the AZs of its consumer subnets ${ids.join(", ")} are not in the snapshot`,
        );
        continue;
      }
      const consumerZones = zonesOf(subnets);
      const uncovered = consumerZones.filter((zone) => !endpointZones.includes(zone));
      // An endpoint can have subnets only in the AZs that offer its service.
      const offered = offeredZones(context.index, endpoint.ServiceName);
      const missing = uncovered.filter((zone) => !offered || offered.includes(zone));
      const notOffered = uncovered.filter((zone) => !missing.includes(zone));
      if (uncovered.length === 0 && endpointZones.length > 1) continue;

      const endpointId = endpoint.VpcEndpointId as string;
      let messageId: "missingZones" | "zonesNotOffered" | "singleZone" = "singleZone";
      if (missing.length > 0) messageId = "missingZones";
      else if (notOffered.length > 0) messageId = "zonesNotOffered";
      const named = messageId === "missingZones" ? missing : notOffered;
      // Subnets in a zone the endpoint covers do not cross zones, so only the others are named.
      const affected =
        named.length > 0
          ? subnets.filter((subnet) => named.includes(subnet.AvailabilityZone ?? ""))
          : subnets;
      const subnetIds = [...new Set(affected.map((subnet) => subnet.SubnetId as string))].sort();
      context.report({
        messageId,
        data: {
          endpointId,
          service: (endpoint.ServiceName ?? "").split(".").slice(3).join("."),
          endpointZones: endpointZones.join(", "),
          missingZones: named.join(", "),
          offeredZones: (offered ?? []).join(", "),
          subnetIds: subnetIds.join(", "),
        },
        resource: index.ref("vpc-endpoint", endpointId, endpoint.VpcId, endpoint.Tags),
        evidence: [{ resourceId: endpointId, attribute: "SubnetIds", value: placedIn }],
        related: subnetIds,
      });
    }
  },
});

/**
 * Returns the AZs that offer an endpoint's service, from the AvailabilityZones that
 * DescribeVpcEndpointServices returns, or undefined when the snapshot does not list any.
 */
function offeredZones(index: SnapshotIndex, serviceName: string | undefined): string[] | undefined {
  const zones = serviceName ? index.serviceDetail(serviceName)?.AvailabilityZones : undefined;
  // No offered service returns an empty list, so one is read as no list at all.
  if (!Array.isArray(zones) || zones.length === 0) return undefined;
  if (!zones.every((zone) => typeof zone === "string")) return undefined;
  return [...zones].sort();
}

function zonesOf(subnets: (Subnet | undefined)[]): string[] {
  const zones = subnets
    .map((subnet) => subnet?.AvailabilityZone)
    .filter((zone): zone is string => Boolean(zone));
  return [...new Set(zones)].sort();
}
