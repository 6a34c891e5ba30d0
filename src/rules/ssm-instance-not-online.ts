import { defineRule } from "../engine/types.js";
import { analyse } from "../reach/analysis.js";
import { lower } from "../index/util.js";
import type { Hop, ServicePath } from "../reach/types.js";

export default defineRule<"notRegistered" | "connectionLost" | "notOnline">({
  id: "ssm-instance-not-online",
  title: "Running instance is not online in Systems Manager",
  description:
    "A running instance in an IPv6-dependent subnet that is missing from Systems Manager, or " +
    "whose agent lost its connection, cannot be reached with Session Manager.",
  severity: "error",
  tags: ["ssm", "instance"],
  references: [
    {
      title: "Troubleshooting managed node availability",
      url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-troubleshooting-managed-nodes.html",
    },
    {
      title: "DescribeInstanceInformation: PingStatus",
      url: "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformation.html",
    },
  ],
  requires: ["Subnets", "RouteTables", "Reservations", "InstanceInformationList"],
  messages: {
    notRegistered: {
      severity: "error",
      text:
        "Instance {instanceId} in {subnetId} is running but not registered with Systems " +
        "Manager{causes}.",
      fix:
        "Fix the broken links that other findings report on the subnet's paths, if any, check " +
        "that the instance profile grants the AmazonSSMManagedInstanceCore permissions, and " +
        "check that the SSM Agent runs.",
    },
    connectionLost: {
      severity: "error",
      text:
        "Instance {instanceId} in {subnetId} is running but its SSM Agent {agentVersion} has " +
        "PingStatus ConnectionLost{causes}.",
      fix:
        "Fix the broken links that other findings report on the subnet's paths, if any, then " +
        "restart the SSM Agent or the instance.",
    },
    notOnline: {
      severity: "error",
      text:
        "Instance {instanceId} in {subnetId} is running but its SSM Agent {agentVersion} has " +
        "PingStatus {pingStatus}, not Online{causes}.",
      fix:
        "Fix the broken links that other findings report on the subnet's paths, if any, then " +
        "restart the SSM Agent or the instance.",
    },
  },
  check(context) {
    const { index } = context;
    const analysis = analyse(index, context.settings);
    for (const [subnetId, paths] of analysis.bySubnet) {
      let broken: Hop[] | undefined;
      let causeText = "";
      for (const instance of index.instancesIn(subnetId)) {
        if (lower(instance.State?.Name) !== "running") continue;
        const instanceId = instance.InstanceId as string;
        const info = index.instanceInformation(instanceId);
        const status = lower(info?.PingStatus);
        if (status === "online") continue;
        if (info && status === "") {
          context.unknown(instanceId, "its PingStatus is not in the snapshot");
          continue;
        }
        if (!broken) {
          broken = brokenHops(paths);
          // A rule the config turns off reports nothing, so naming it would send the reader
          // to a finding that is not there.
          const owners = broken.map((hop) => hop.owner);
          const causes = [
            ...new Set(
              owners.filter((owner): owner is string => !!owner && context.enabled(owner)),
            ),
          ];
          if (causes.length)
            causeText = `; its paths break first at links that ${causes.join(", ")} reports`;
        }
        let messageId: "notRegistered" | "connectionLost" | "notOnline" = "notOnline";
        if (!info) messageId = "notRegistered";
        else if (status === "connectionlost") messageId = "connectionLost";
        context.report({
          messageId,
          data: {
            instanceId,
            subnetId,
            agentVersion: info?.AgentVersion ?? "",
            pingStatus: info?.PingStatus ?? "",
            causes: causeText,
          },
          resource: index.ref("instance", instanceId, instance.VpcId, instance.Tags),
          evidence: [
            { resourceId: instanceId, attribute: "State.Name", value: "running" },
            { resourceId: instanceId, attribute: "PingStatus", value: info?.PingStatus ?? null },
          ],
          related: [subnetId, ...broken.map((hop) => hop.resourceId)],
        });
      }
    }
  },
});

/** Returns the broken hops of a subnet's paths to the services the agent itself calls. */
function brokenHops(paths: ReadonlyMap<string, ServicePath>): Hop[] {
  const broken: Hop[] = [];
  for (const service of ["ssm", "ssmmessages"]) {
    for (const hop of paths.get(service)?.hops ?? []) if (hop.status === "broken") broken.push(hop);
  }
  return broken;
}
