/** The two workload egress rules differ only in the path they watch; this builds both. */
import { defineRule, type Reference, type Rule } from "../engine/types.js";
import { hopsOwnedBy } from "./findings.js";

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
}

/** Builds a rule reporting workload security groups that block HTTPS egress on its path. */
export function workloadEgressRule(spec: EgressRuleSpec): Rule {
  return defineRule<"blocked">({
    ...spec,
    severity: "error",
    references: REFERENCES,
    requires: ["Subnets", "RouteTables", "SecurityGroups", ["NetworkInterfaces", "Reservations"]],
    messages: {
      blocked: {
        severity: "error",
        text:
          "Security groups {groupIds} of the workloads in {subnetIds} allow no TCP 443 egress to " +
          "{destination}, so {services} cannot be reached.",
        fix: "Add an outbound rule for TCP 443 to {destination} (or ::/0) to security group {groupId}.",
      },
    },
    check(context) {
      for (const group of hopsOwnedBy(context, spec.id)) {
        const groupId = group.hop.resourceId;
        const groupIds = String(group.hop.facts?.groupIds ?? groupId);
        const securityGroup = context.index.securityGroup(groupId);
        context.report({
          messageId: "blocked",
          data: {
            groupIds,
            groupId,
            destination: String(group.hop.facts?.destination ?? ""),
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
