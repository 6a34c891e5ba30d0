import type { Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import { defineRule, type RuleContext } from "../engine/types.js";
import {
  liveInterfaceEndpointsFor,
  unknownPrivateDnsReason,
  usableEndpointsFor,
} from "../index/endpoints.js";
import { analyse, isPrivateOnly, mayHostInstances, needsEc2messages } from "../reach/analysis.js";
import { type SnapshotIndex, isIpv6Only } from "../index/snapshot-index.js";
import { EC2MESSAGES_OPTIONAL_FROM } from "../index/ssm-agent.js";

type MessageId =
  | "missing"
  | "missingPrivateOnly"
  | "privateDnsOff"
  | "pathBroken"
  | "noInstances"
  | "noInstancesPrivateOnly"
  | "ec2messagesOptional";

const OWN_ID = "ssm-endpoint-missing";

/** The messages about subnets without instances, whose findings stay apart from the others. */
const NO_INSTANCES: ReadonlySet<MessageId> = new Set(["noInstances", "noInstancesPrivateOnly"]);

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
    missingPrivateOnly: {
      severity: "error",
      text:
        "VPC {vpcId} must not reach the internet and has no usable interface endpoint for " +
        "{service}, so IPv6-only subnets {subnetIds} have no working path to it, and Session " +
        "Manager cannot reach their instances.",
      fix:
        "Create an interface endpoint for com.amazonaws.{region}.{service} with private DNS " +
        "enabled in a subnet of each AZ.",
    },
    privateDnsOff: {
      severity: "error",
      text:
        "VPC {vpcId} has interface endpoint {endpointIds} for {service}, but its private DNS " +
        "is off, so clients resolve the service's public IPv4 name, and IPv6-only subnets " +
        "{subnetIds} have no working public NAT64 path to it: Session Manager cannot reach " +
        "their instances.",
      fix:
        "Turn private DNS on: aws ec2 modify-vpc-endpoint --vpc-endpoint-id {firstEndpointId} " +
        "--private-dns-enabled (CloudFormation PrivateDnsEnabled, Terraform private_dns_enabled).",
    },
    pathBroken: {
      severity: "error",
      text:
        "VPC {vpcId} has no usable interface endpoint for {service}, and the paths of IPv6-only " +
        "subnets {subnetIds} to its public name break, first at links that {causes} reports, " +
        "so Session Manager cannot reach their instances.",
      fix:
        "Fix the {causes} findings and lint again, since a path is traced up to its first " +
        "broken link; or create an interface endpoint for com.amazonaws.{region}.{service} with " +
        "private DNS enabled in a subnet of each AZ.",
    },
    noInstances: {
      severity: "warning",
      text:
        "VPC {vpcId} has no usable interface endpoint for {service}, and IPv6-only subnets " +
        "{subnetIds}, which host no instances, have no working path to it. Session Manager " +
        "needs none there, but their other workloads, such as Lambda functions or ECS tasks, " +
        "cannot call {service}.",
      fix:
        "If these workloads call {service}, create an interface endpoint for " +
        "com.amazonaws.{region}.{service} with private DNS enabled, or route 64:ff9b::/96 from " +
        "these subnets to a public NAT gateway. Otherwise no action is needed.",
    },
    noInstancesPrivateOnly: {
      severity: "warning",
      text:
        "VPC {vpcId} must not reach the internet and has no usable interface endpoint for " +
        "{service}, so IPv6-only subnets {subnetIds}, which host no instances, have no working " +
        "path to it. Session Manager needs none there, but their other workloads, such as " +
        "Lambda functions or ECS tasks, cannot call {service}.",
      fix:
        "If these workloads call {service}, create an interface endpoint for " +
        "com.amazonaws.{region}.{service} with private DNS enabled. Otherwise no action is needed.",
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
        const usable = usableEndpointsFor(index, vpcId, service);
        if (usable.some(hasPrivateDns)) continue;
        // The others lack PrivateDnsEnabled, so whether the service name resolves to them is unknown.
        const undecided = usable[0];
        if (undecided) {
          const reason = unknownPrivateDnsReason(undecided);
          for (const subnet of consumers) context.unknown(idOf(subnet), reason);
          continue;
        }
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

/** Tells whether every workload of a subnet is a Lambda function's interface. */
function hostsOnlyLambda(index: SnapshotIndex, subnetId: string): boolean {
  const { windows, lambda, other } = index.workloadPlatforms(subnetId);
  return lambda !== undefined && windows === undefined && !other;
}

function reportService(
  context: RuleContext<MessageId>,
  vpcId: string,
  service: string,
  stranded: Subnet[],
): void {
  const { index } = context;
  const privateOnly = isPrivateOnly(index, context.settings, vpcId);
  // Session Manager reaches instances only, but other workloads, such as Lambda functions reading
  // Parameter Store, may call ssm too. Only SSM Agents use ec2messages, and only they and ECS
  // Exec use ssmmessages, so a subnet of Lambda functions alone needs neither.
  const hosting: Subnet[] = [];
  const others: Subnet[] = [];
  for (const subnet of stranded) {
    if (mayHostInstances(index, idOf(subnet))) hosting.push(subnet);
    else if (service === "ssm" || !hostsOnlyLambda(index, idOf(subnet))) others.push(subnet);
  }
  if (others.length > 0 && service !== "ec2messages") {
    const messageId = privateOnly ? "noInstancesPrivateOnly" : "noInstances";
    emit(context, { vpcId, service, messageId, subnets: others });
  }
  if (hosting.length === 0) return;
  // The error names only the subnets whose agents need ec2messages; the advice names them all.
  const needing =
    service === "ec2messages"
      ? hosting.filter((subnet) => needsEc2messages(index, subnet))
      : hosting;
  const needed = needing.length > 0;
  const subnets = needed ? needing : hosting;
  const dnsOff = needed ? endpointsWithDnsOff(index, vpcId, service) : [];
  const causes = needed && dnsOff.length === 0 ? brokenLinks(context, subnets, service) : [];
  let messageId: MessageId = needed ? "missing" : "ec2messagesOptional";
  // A public NAT gateway is no way out for a VPC that must stay private, so its fix omits one.
  if (needed && privateOnly) messageId = "missingPrivateOnly";
  if (dnsOff.length > 0) messageId = "privateDnsOff";
  else if (causes.length > 0) messageId = "pathBroken";
  emit(context, { vpcId, service, messageId, subnets, dnsOff, causes });
}

/** One finding of the rule: the service, the subnets it names, and the cause found. */
interface Report {
  vpcId: string;
  service: string;
  messageId: MessageId;
  subnets: readonly Subnet[];
  /** The VPC's endpoints for the service whose private DNS is off. */
  dnsOff?: readonly VpcEndpoint[];
  /** The rules that report the links where the subnets' public paths break. */
  causes?: readonly string[];
}

/** Reports one finding, with the missing endpoint or those whose private DNS is off as evidence. */
function emit(context: RuleContext<MessageId>, report: Report): void {
  const { index } = context;
  const { vpcId, service, messageId, subnets, dnsOff = [], causes = [] } = report;
  const subnetIds = subnets.map(idOf);
  const vpc = index.vpc(vpcId);
  const endpointIds = dnsOff.map((endpoint) => endpoint.VpcEndpointId as string);
  context.report({
    messageId,
    data: {
      vpcId,
      service,
      region: index.region ?? "<region>",
      subnetIds: subnetIds.join(", "),
      minimumVersion: EC2MESSAGES_OPTIONAL_FROM,
      endpointIds: endpointIds.join(", "),
      firstEndpointId: endpointIds[0] ?? "",
      causes: causes.join(", "),
    },
    resource: index.ref("vpc", vpcId, vpcId, vpc?.Tags),
    evidence: [
      ...(dnsOff.length > 0
        ? endpointIds.map((endpointId) => ({
            resourceId: endpointId,
            attribute: "PrivateDnsEnabled",
            value: false,
          }))
        : [
            {
              resourceId: vpcId,
              attribute: "VpcEndpoints[ServiceName]",
              value: `no ${service} endpoint`,
            },
          ]),
      ...subnets.map((subnet) => ({
        resourceId: subnet.SubnetId as string,
        attribute: "EnableDns64",
        value: subnet.EnableDns64 ?? null,
      })),
    ],
    related: [...endpointIds, ...subnetIds],
    // Subnets without instances get a finding of their own beside the one for the others.
    discriminator: NO_INSTANCES.has(messageId) ? `${service} without instances` : service,
  });
}

/** Returns the VPC's live interface endpoints for the service whose private DNS is off. */
function endpointsWithDnsOff(index: SnapshotIndex, vpcId: string, service: string): VpcEndpoint[] {
  return liveInterfaceEndpointsFor(index, vpcId, service).filter(
    (endpoint) => endpoint.PrivateDnsEnabled === false,
  );
}

/**
 * Returns the enabled rules, other than this one, that own the broken hops of the subnets' paths
 * to the service. Each of those rules reports its break in a finding of its own.
 */
function brokenLinks(
  context: RuleContext<MessageId>,
  subnets: readonly Subnet[],
  service: string,
): string[] {
  const analysis = analyse(context.index, context.settings);
  const owners = new Set<string>();
  for (const subnet of subnets) {
    for (const hop of analysis.path(idOf(subnet), service)?.hops ?? []) {
      // A rule the config turns off reports nothing, so the finding would point at no finding.
      if (hop.status !== "broken" || !hop.owner || hop.owner === OWN_ID) continue;
      if (context.enabled(hop.owner)) owners.add(hop.owner);
    }
  }
  return [...owners].sort();
}

function hasPrivateDns(endpoint: VpcEndpoint): boolean {
  return endpoint.PrivateDnsEnabled === true;
}

function idOf(subnet: Subnet): string {
  return subnet.SubnetId as string;
}
