import { defineRule, type Evidence } from "../engine/types.js";
import type { SnapshotIndex } from "../index/snapshot-index.js";
import { hopsOwnedBy } from "../reach/findings.js";

type MessageId =
  "denies" | "deniesSomeClients" | "deniesPart" | "deniesSomePorts" | "deniesSomeEndpointSubnets";

export default defineRule<MessageId>({
  id: "nacl-blocks-nat64",
  title: "Network ACL on the path denies the request or its reply",
  description:
    "Network ACLs are stateless: each subnet boundary needs the request (TCP 443) and the reply " +
    "to the initiator's ephemeral ports allowed in both ACLs. Linux instances use ports " +
    "32768-60999, Windows instances 49152-65535 and NAT gateways 1024-65535.",
  severity: "error",
  tags: ["nat64", "network-acl", "ipv6-only"],
  references: [
    {
      title: "Control subnet traffic with network access control lists",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    },
    {
      title: "Network ACLs: ephemeral ports",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "NetworkAcls"],
  messages: {
    denies: {
      severity: "error",
      text:
        "Network ACL {aclId} of {subnetId} denies the {direction} (TCP {ports} {preposition} " +
        "{peer}) by rule {ruleNumber}, so {services} cannot be reached from {subnetIds}.",
      fix:
        "Add a rule numbered below {ruleNumber} to {aclId} that allows the {direction}: TCP " +
        "{ports} {preposition} {peer}.",
    },
    deniesSomeClients: {
      severity: "error",
      text:
        "Network ACL {aclId} of {subnetId} denies the {direction} (TCP {ports} {preposition} " +
        "{peer}) by rule {ruleNumber}, so {clients} in {subnetIds} cannot reach {services}.",
      fix:
        "Add a rule numbered below {ruleNumber} to {aclId} that allows the {direction}: TCP " +
        "{ports} {preposition} {peer}.",
    },
    deniesPart: {
      severity: "warning",
      text:
        "Network ACL {aclId} of {subnetId} denies the {direction} (TCP {ports} {preposition} " +
        "{range}, part of {peer}) by rule {ruleNumber}, so connections from {subnetIds} to " +
        "{services} that use addresses in {range} are dropped.",
      // The deciding rule may be the final deny, which cannot be changed, so the fix adds a rule.
      fix:
        "Add a rule numbered below {ruleNumber} to {aclId} that allows the {direction}: TCP " +
        "{ports} {preposition} {range}.",
    },
    deniesSomePorts: {
      severity: "warning",
      text:
        "Network ACL {aclId} of {subnetId} denies the {direction} (TCP {ports} of " +
        "{replyPorts} {preposition} {peer}) by rule {ruleNumber}, so connections from " +
        "{subnetIds} to {services} whose ephemeral port is in {ports} are dropped.",
      fix:
        "Add a rule numbered below {ruleNumber} to {aclId} that allows the {direction}: TCP " +
        "ports {replyPorts} {preposition} {peer}.",
    },
    deniesSomeEndpointSubnets: {
      severity: "warning",
      text:
        "Network ACL {aclId} of {subnetId} denies the {direction} (TCP {ports} {preposition} " +
        "{peer}) by rule {ruleNumber}, so connections from {subnetIds} to {services} through " +
        "the endpoint network interfaces in {endpointSubnetId} are dropped, while those " +
        "through the interfaces in other subnets get through.",
      fix:
        "Add a rule numbered below {ruleNumber} to {aclId} that allows the {direction}: TCP " +
        "{ports} {preposition} {peer}.",
    },
  },
  check(context) {
    const keyOf = (hop: { resourceId: string; facts?: Record<string, string | number> }) =>
      [
        hop.resourceId,
        hop.facts?.subnetId,
        hop.facts?.direction,
        hop.facts?.peer,
        hop.facts?.ports,
        hop.facts?.range,
        hop.facts?.endpointSubnetId,
      ].join("|");
    for (const group of hopsOwnedBy(context, "nacl-blocks-nat64", keyOf)) {
      const facts = group.hop.facts ?? {};
      const aclId = group.hop.resourceId;
      const acl = context.index.networkAcl(aclId);
      const direction = String(facts.direction ?? "");
      const partial = group.hop.status === "warning";
      // A partial block names either the blocked part of the ephemeral ports or of the peer.
      // A block toward some of an endpoint's subnets is checked first, because its hop keeps the
      // facts of the block it softened, which may name reply ports.
      const someSubnets = partial && facts.endpointSubnetId !== undefined;
      const somePorts = partial && !someSubnets && facts.replyPorts !== undefined;
      // In a subnet of Linux and Windows workloads, a blocked reply range stops only one kind.
      const clients = partial ? undefined : facts.clients;
      let messageId: MessageId = "denies";
      if (someSubnets) messageId = "deniesSomeEndpointSubnets";
      else if (somePorts) messageId = "deniesSomePorts";
      else if (partial) messageId = "deniesPart";
      else if (clients !== undefined) messageId = "deniesSomeClients";
      context.report({
        messageId,
        data: {
          aclId,
          subnetId: String(facts.subnetId ?? ""),
          direction,
          ports: String(facts.ports ?? ""),
          preposition: direction.startsWith("outbound") ? "to" : "from",
          peer: String(facts.peer ?? ""),
          ruleNumber: String(facts.ruleNumber ?? "*"),
          range: String(facts.range ?? ""),
          ...(somePorts && { replyPorts: String(facts.replyPorts) }),
          ...(clients !== undefined && { clients: String(clients) }),
          ...(someSubnets && { endpointSubnetId: String(facts.endpointSubnetId) }),
          services: group.services,
          subnetIds: group.subnetIds,
        },
        resource: context.index.ref("network-acl", aclId, acl?.VpcId, acl?.Tags),
        evidence: [
          { resourceId: aclId, attribute: "Entries.RuleNumber", value: facts.ruleNumber ?? "*" },
          { resourceId: aclId, attribute: "Associations.SubnetId", value: facts.subnetId ?? null },
          ...platformEvidence(context.index, facts, group.paths[0]?.subnetId),
        ],
        related: [String(facts.subnetId ?? ""), ...group.paths.map((path) => path.subnetId)],
        discriminator: [
          facts.subnetId,
          direction,
          facts.peer,
          facts.ports,
          ...(partial ? [facts.range] : []),
          ...(someSubnets ? [facts.endpointSubnetId] : []),
        ].join("|"),
      });
    }
  },
});

/**
 * Cites what explains the reply ports of a hop's range: the platform of a Windows instance in the
 * client subnet for 49152-65535, or the type of a Lambda function's interface for 1024-65535.
 */
function platformEvidence(
  index: SnapshotIndex,
  facts: Record<string, string | number>,
  subnetId: string | undefined,
): Evidence[] {
  if (!subnetId) return [];
  const { windows, lambda } = index.workloadPlatforms(subnetId);
  if (facts.platform === "lambda" && lambda) {
    const resourceId = lambda.NetworkInterfaceId as string;
    return [{ resourceId, attribute: "InterfaceType", value: lambda.InterfaceType ?? null }];
  }
  if (facts.platform !== "windows" || !windows) return [];
  const resourceId = windows.InstanceId as string;
  return windows.Platform
    ? [{ resourceId, attribute: "Platform", value: windows.Platform }]
    : [{ resourceId, attribute: "PlatformDetails", value: windows.PlatformDetails ?? null }];
}
