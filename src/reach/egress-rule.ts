/** The two workload egress rules differ in the path they watch and in whether it has partial blocks. */
import { defineRule, type MessageTemplate, type Reference, type Rule } from "../engine/types.js";
import { factsOf, hopsOwnedBy } from "./findings.js";

const REFERENCES: Reference[] = [
  {
    title: "Security group rules",
    url: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
  },
  {
    title: "DNS64 and NAT64",
    url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
  },
];

export interface EgressRuleSpec {
  id: string;
  title: string;
  description: string;
  tags: string[];
  /**
   * The documentation behind `blocksSome`, for a rule whose path checks addresses that DNS returns
   * together for one name. Without it, the rule reports every block as `blocked`.
   */
  someAddressesReference?: Reference;
}

type MessageId = "blocked" | "blocksSome";

const BLOCKED: MessageTemplate = {
  severity: "error",
  text:
    "Security groups {groupIds} of the workloads in {subnetIds} allow no TCP 443 egress to " +
    "{destination}, so {services} cannot be reached.",
  fix: "Add an outbound rule for TCP 443 to {destination} (or ::/0) to security group {groupId}.",
};

const BLOCKS_SOME: MessageTemplate = {
  severity: "warning",
  text:
    "Security groups {groupIds} of the workloads in {subnetIds} allow TCP 443 egress to " +
    "{admitted} but not to {destination}, so the connections to {services} that go to " +
    "{destination} are dropped.",
  fix: "Add an outbound rule for TCP 443 to {destination} (or ::/0) to security group {groupId}.",
};

/** Builds a rule reporting workload security groups that block HTTPS egress on its path. */
export function workloadEgressRule(spec: EgressRuleSpec): Rule {
  const { someAddressesReference, ...metadata } = spec;
  const messages = (
    someAddressesReference ? { blocked: BLOCKED, blocksSome: BLOCKS_SOME } : { blocked: BLOCKED }
  ) as Record<MessageId, MessageTemplate>;
  return defineRule<MessageId>({
    ...metadata,
    severity: "error",
    references: someAddressesReference ? [...REFERENCES, someAddressesReference] : REFERENCES,
    requires: ["Subnets", "RouteTables", "SecurityGroups", ["NetworkInterfaces", "Reservations"]],
    messages,
    check(context) {
      // Blocks of every destination and blocks of some stay in separate findings.
      for (const group of hopsOwnedBy(
        context,
        spec.id,
        (hop) => `${hop.resourceId} ${hop.status}`,
      )) {
        const groupId = group.hop.resourceId;
        const groupIds = String(group.hop.facts?.groupIds ?? groupId);
        const securityGroup = context.index.securityGroup(groupId);
        const some = group.hop.status === "warning";
        context.report({
          messageId: some ? "blocksSome" : "blocked",
          data: {
            groupIds,
            groupId,
            destination: some
              ? factsOf(group, "destination")
              : String(group.hop.facts?.destination ?? ""),
            ...(some && { admitted: factsOf(group, "admitted") }),
            subnetIds: group.subnetIds,
            services: group.services,
          },
          resource: context.index.ref(
            "security-group",
            groupId,
            securityGroup?.VpcId,
            securityGroup?.Tags,
          ),
          evidence: [
            {
              resourceId: groupId,
              attribute: "IpPermissionsEgress",
              value: (securityGroup?.IpPermissionsEgress ?? []).map(describePermission),
            },
          ],
          related: [...groupIds.split(", "), ...group.paths.map((path) => path.subnetId)],
          ...(some && { discriminator: "some addresses" }),
        });
      }
    },
  });
}

function describePermission(permission: {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string }[];
}): string {
  const ports =
    permission.IpProtocol === "-1" ? "all" : `${permission.FromPort}-${permission.ToPort}`;
  const ranges = [
    ...(permission.IpRanges ?? []).map((range) => range.CidrIp),
    ...(permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
  ].join(" ");
  return `${permission.IpProtocol} ${ports} ${ranges}`.trim();
}
