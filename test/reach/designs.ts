/** The bundled example designs, loaded fresh for each test so a case can change one fact. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { EXAMPLES } from "../helpers.js";

export function design(
  name: "public-nat64" | "private-nat64-endpoints" | "broken-nat64",
): Snapshot {
  return JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), "utf8")) as Snapshot;
}

export function lint(snapshot: Snapshot, requiredServices: string[] = []): RunResult {
  return runLint([{ snapshot }], { settings: { requiredServices } });
}

/** Returns the findings of one rule as `messageId resource.id` lines, for compact assertions. */
export function findingsOf(result: RunResult, ruleId: string): string[] {
  return result.findings
    .filter((finding) => finding.ruleId === ruleId)
    .map((finding) => `${finding.messageId} ${finding.resource.id}`);
}

/** Returns the rule ids of findings at warning or above. */
export function loudRules(result: RunResult): string[] {
  return [
    ...new Set(result.findings.filter((f) => f.severity !== "info").map((f) => f.ruleId)),
  ].sort();
}

/** Replaces the 64:ff9b::/96 route of a design's route table with routes to `natId`. */
export function replaceNat64Route(
  snapshot: Snapshot,
  tableId: string,
  natId: string,
  destinations: readonly string[],
): Snapshot {
  const table = snapshot.RouteTables?.find((item) => item.RouteTableId === tableId);
  if (!table) throw new Error(`no route table ${tableId} in the design`);
  table.Routes = (table.Routes ?? []).filter(
    (item) => item.DestinationIpv6CidrBlock !== "64:ff9b::/96",
  );
  for (const destination of destinations) {
    table.Routes.push({
      DestinationIpv6CidrBlock: destination,
      NatGatewayId: natId,
      Origin: "CreateRoute",
      State: "active",
    });
  }
  return snapshot;
}

export function group(snapshot: Snapshot, groupId: string) {
  const found = snapshot.SecurityGroups?.find((item) => item.GroupId === groupId);
  if (!found) throw new Error(`no security group ${groupId} in the design`);
  return found;
}

export const PRIVATE = {
  vpc: "vpc-0a1b2c3d4e5f60002",
  appA: "subnet-0a1b2c3d4e5f60023",
  appB: "subnet-0a1b2c3d4e5f60024",
  natSubnetA: "subnet-0a1b2c3d4e5f60021",
  appGroup: "sg-0a1b2c3d4e5f60021",
  endpointGroup: "sg-0a1b2c3d4e5f60022",
  natA: "nat-0a1b2c3d4e5f60021",
  natB: "nat-0a1b2c3d4e5f60022",
  ssmEndpoint: "vpce-0a1b2c3d4e5f60020",
  ssmmessagesEndpoint: "vpce-0a1b2c3d4e5f60021",
  ec2messagesEndpoint: "vpce-0a1b2c3d4e5f60022",
  acl: "acl-0a1b2c3d4e5f60021",
};

export const PUBLIC = {
  vpc: "vpc-0a1b2c3d4e5f60001",
  publicSubnet: "subnet-0a1b2c3d4e5f60011",
  app: "subnet-0a1b2c3d4e5f60012",
  appGroup: "sg-0a1b2c3d4e5f60001",
  nat: "nat-0a1b2c3d4e5f60001",
  publicTable: "rtb-0a1b2c3d4e5f60002",
  appTable: "rtb-0a1b2c3d4e5f60003",
};
