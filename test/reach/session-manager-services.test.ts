/**
 * Session Manager reaches instances only, so the analysis requires its services from subnets that
 * may hold instances and traces them as optional paths everywhere else.
 */
import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import type { LintSettings } from "../../src/engine/types.js";
import { analyse } from "../../src/reach/analysis.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { IDS, eni, publicNat64, snapshot } from "../builder.js";

const SESSION_MANAGER = ["ec2messages", "ssm", "ssmmessages"];
const NO_SERVICES: LintSettings = { requiredServices: [] };

/** Builds the public design with a Lambda function's interface as the subnet's only workload. */
function lambdaOnly(extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    ...publicNat64(),
    NetworkInterfaces: [eni({ id: "eni-lambda", subnet: IDS.v6Subnet, type: "lambda" })],
    Reservations: [],
    ...extra,
  });
}

function requiredServices(input: Snapshot, settings: LintSettings = NO_SERVICES): string[] {
  const analysis = analyse(new SnapshotIndex(input), settings);
  return [...(analysis.bySubnet.get(IDS.v6Subnet)?.keys() ?? [])].sort();
}

describe("Session Manager services", () => {
  it("are required where instances run", () => {
    expect(requiredServices(snapshot(publicNat64()))).toEqual(["ssm", "ssmmessages"]);
  });

  it("are required where instances were not collected", () => {
    expect(requiredServices(lambdaOnly({ Reservations: undefined }))).toEqual(SESSION_MANAGER);
  });

  it("are optional in a subnet with only Lambda functions", () => {
    const analysis = analyse(new SnapshotIndex(lambdaOnly()), NO_SERVICES);

    expect(analysis.bySubnet.get(IDS.v6Subnet)?.size).toBe(0);
    expect(analysis.paths).toEqual([]);
    const optional = analysis.allPaths();
    expect(optional.map((path) => path.service).sort()).toEqual(SESSION_MANAGER);
    expect(optional.every((path) => !path.required)).toBe(true);
    expect(analysis.path(IDS.v6Subnet, "ssm")?.verdict).toBe("reachable");
  });

  it("are required without instances when the settings name them", () => {
    const settings = { requiredServices: ["ssm"] };
    expect(requiredServices(lambdaOnly(), settings)).toEqual(["ssm"]);
  });
});
