import type { Subnet } from "@aws-sdk/client-ec2";
import { defineRule, type RuleContext } from "../engine/types.js";
import { usableEndpointsFor } from "../index/endpoints.js";
import { analyse } from "../reach/analysis.js";
import { type SnapshotIndex, isIpv6Only } from "../index/snapshot-index.js";
import { EC2MESSAGES_OPTIONAL_FROM, agentNeedsEc2messages } from "../index/ssm-agent.js";

type MessageId = "missing" | "ec2messagesOptional";

export default defineRule<MessageId>({
  id: "ssm-endpoint-missing",
  title: "IPv6-only subnets have no way to the Session Manager services",
  description:
    "The SSM Agent reaches ssm, ssmmessages and, before version 3.3.40.0, ec2messages by their " +
    "IPv4-only public names. An IPv6-only subnet needs interface endpoints, a shared endpoint in " +
    "a hub VPC, or a public NAT64 path whose every hop works.",
  severity: "error",
  tags: ["ssm", "privatelink", "ipv6-only", "nat64"],
  references: [
    {
      title: "Improve the security of EC2 instances by using VPC endpoints for Systems Manager",
      url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
    },
    {
      title: "Reference: ec2messages, ssmmessages, and other API operations",
      url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "VpcEndpoints", ["NetworkInterfaces", "Reservations"]],
  messages: {
    missing: {
      severity: "error",
      text:
        "VPC {vpcId} has no usable interface endpoint for {service}, and IPv6-only subnets " +
        "{subnetIds} have no working public NAT64 path to it, so Session Manager cannot reach " +
        "their instances.",
      fix:
        "Create an interface endpoint for com.amazonaws.{region}.{service} with private DNS " +
        "enabled in a subnet of each AZ, or route 64:ff9b::/96 from these subnets to a public " +
        "NAT gateway.",
    },
    ec2messagesOptional: {
      severity: "info",
      text:
        "VPC {vpcId} has no ec2messages endpoint; every SSM Agent in IPv6-only subnets " +
        "{subnetIds} is {minimumVersion} or later and uses ssmmessages, so it is optional.",
      fix:
        "No action is needed. Create an ec2messages interface endpoint if older agents may be " +
        "launched in these subnets.",
    },
  },
  check(context) {
    const { index } = context;
    for (const vpcId of index.vpcIds()) {
      const consumers = consumerSubnets(context, index.subnetsOf(vpcId));
      if (consumers.length === 0) continue;
      for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
        if (usableEndpointsFor(index, vpcId, service).length > 0) continue;
        const stranded = consumers.filter(
          (subnet) => !reachesWithoutEndpoint(context, subnet, service),
        );
        if (stranded.length === 0) continue;
        reportService(context, vpcId, service, stranded);
      }
    }
  },
});

/** Returns the IPv6-only subnets of a VPC that host workloads. */
function consumerSubnets(context: RuleContext<MessageId>, subnets: Subnet[]): Subnet[] {
  return subnets.filter((subnet) => {
    if (!isIpv6Only(subnet)) return false;
    const hosts = context.index.hostsWorkloads(subnet.SubnetId as string);
    if (hosts === undefined)
      context.unknown(subnet.SubnetId as string, "its workloads are unknown");
    return hosts === true;
  });
}

/**
 * Tells whether a subnet reaches the service without an endpoint in its VPC: through a shared
 * endpoint in a hub, or over a public NAT64 path whose every hop works. An unknown hop counts as
 * reaching, and is listed as skipped.
 */
function reachesWithoutEndpoint(
  context: RuleContext<MessageId>,
  subnet: Subnet,
  service: string,
): boolean {
  const subnetId = subnet.SubnetId as string;
  const path = analyse(context.index, context.settings).path(subnetId, service);
  if (!path) return false;
  if (path.verdict === "unknown") {
    const gap = path.hops.find((hop) => hop.status === "unknown");
    context.unknown(subnetId, gap?.text ?? "a hop of the public path is unknown");
    return true;
  }
  return path.verdict === "reachable" || path.verdict === "depends-on-hub";
}

function reportService(
  context: RuleContext<MessageId>,
  vpcId: string,
  service: string,
  stranded: Subnet[],
): void {
  const { index } = context;
  // Only SSM Agents use ec2messages, so with no instance in the subnets there is no agent to judge.
  if (service === "ec2messages" && !hasInstances(index, stranded.map(idOf))) return;
  // The error names only the subnets whose agents need ec2messages; the advice names them all.
  const needing =
    service === "ec2messages"
      ? stranded.filter((subnet) => needsEc2messages(index, [idOf(subnet)]))
      : stranded;
  const needed = needing.length > 0;
  const reported = needed ? needing : stranded;
  const subnetIds = reported.map(idOf);
  const vpc = index.vpc(vpcId);
  context.report({
    messageId: needed ? "missing" : "ec2messagesOptional",
    data: {
      vpcId,
      service,
      region: index.region ?? "<region>",
      subnetIds: subnetIds.join(", "),
      minimumVersion: EC2MESSAGES_OPTIONAL_FROM,
    },
    resource: index.ref("vpc", vpcId, vpcId, vpc?.Tags),
    evidence: [
      {
        resourceId: vpcId,
        attribute: "VpcEndpoints[ServiceName]",
        value: `no ${service} endpoint`,
      },
      ...reported.map((subnet) => ({
        resourceId: subnet.SubnetId as string,
        attribute: "EnableDns64",
        value: subnet.EnableDns64 ?? null,
      })),
    ],
    related: subnetIds,
    discriminator: service,
  });
}

/** Tells whether the subnets may hold instances: they do, or instances were not collected. */
function hasInstances(index: SnapshotIndex, subnetIds: string[]): boolean {
  if (!index.has("Reservations")) return true;
  return subnetIds.some((subnetId) => index.instancesIn(subnetId).length > 0);
}

/** Tells whether any instance in the subnets runs an agent that needs ec2messages or is unknown. */
function needsEc2messages(index: SnapshotIndex, subnetIds: string[]): boolean {
  if (!index.has("Reservations") || !index.has("InstanceInformationList")) return true;
  return subnetIds.some((subnetId) =>
    index.instancesIn(subnetId).some((instance) => {
      const info = index.instanceInformation(instance.InstanceId as string);
      return agentNeedsEc2messages(info?.AgentVersion);
    }),
  );
}

function idOf(subnet: Subnet): string {
  return subnet.SubnetId as string;
}
