/**
 * A VPC shared through AWS RAM, seen from a participant account: the VPC and its subnets belong to
 * the owner account, the instances to the participant that collected the snapshot.
 */
import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../src/index/snapshot-index.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { design, findingsOf, lint, PRIVATE, PUBLIC } from "./reach/designs.js";

const OWNER = "444455556666";
const PARTICIPANT = "111122223333";

/** Returns the broken example as a participant account collects it, with or without Source. */
function participantView(withSource: boolean): Snapshot {
  const snapshot = design("broken-nat64");
  for (const item of [...(snapshot.Vpcs ?? []), ...(snapshot.Subnets ?? [])]) item.OwnerId = OWNER;
  for (const subnet of snapshot.Subnets ?? []) delete subnet.SubnetArn;
  const subnet = snapshot.Subnets?.[0];
  if (subnet) subnet.SubnetArn = `arn:aws:ec2:us-east-1:${OWNER}:subnet/${subnet.SubnetId}`;
  for (const reservation of snapshot.Reservations ?? []) reservation.OwnerId = PARTICIPANT;
  if (withSource) snapshot.Source = { AccountId: PARTICIPANT, Region: "us-east-1" };
  else delete snapshot.Source;
  return snapshot;
}

describe("a shared VPC seen from a participant", () => {
  it("names the owner account in the ARNs of the VPC and its subnets", () => {
    const snapshot = participantView(true);
    const index = new SnapshotIndex(snapshot);
    const [first, second] = snapshot.Subnets ?? [];
    expect(index.ref("subnet", first?.SubnetId as string).arn).toBe(first?.SubnetArn);
    expect(index.ref("subnet", second?.SubnetId as string).arn).toBe(
      `arn:aws:ec2:us-east-1:${OWNER}:subnet/${second?.SubnetId}`,
    );
    const vpcId = snapshot.Vpcs?.[0]?.VpcId as string;
    expect(index.ref("vpc", vpcId).arn).toBe(`arn:aws:ec2:us-east-1:${OWNER}:vpc/${vpcId}`);
    expect(index.ref("subnet", first?.SubnetId as string).accountId).toBe(PARTICIPANT);
  });

  it("infers the collecting account from the reservations without a Source block", () => {
    expect(new SnapshotIndex(participantView(false)).accountId).toBe(PARTICIPANT);
  });

  it("infers the single owner when there are no reservations", () => {
    const snapshot = participantView(false);
    delete snapshot.Reservations;
    expect(new SnapshotIndex(snapshot).accountId).toBe(OWNER);
  });

  it("leaves owner's NAT gateway path unknown", () => {
    // DescribeNatGateways in a participant account lists none of the owner's NAT gateways.
    const snapshot = ownedByOther("public-nat64");
    snapshot.NatGateways = [];
    const result = lint(snapshot);
    expect(verdictOf(result, PUBLIC.app)).toBe("unknown");
    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
  });

  it("leaves owner's endpoints unknown", () => {
    // DescribeVpcEndpoints in a participant account lists none of the owner's endpoints.
    const snapshot = ownedByOther("private-nat64-endpoints");
    snapshot.VpcEndpoints = [];
    const result = lint(snapshot);
    expect(verdictOf(result, PRIVATE.appA)).toBe("unknown");
    expect(result.skipped.map((skip) => skip.reason)).toContain(
      "its path stops at an unknown hop: whether an interface endpoint answers for " +
        `ssm.us-east-1.amazonaws.com is unknown because VPC ${PRIVATE.vpc} belongs to account ` +
        `${OWNER}, whose VPC endpoints account ${PARTICIPANT} cannot describe`,
    );
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
  });
});

/** Returns a bundled design whose VPC, subnets and route tables belong to the owner account. */
function ownedByOther(name: "public-nat64" | "private-nat64-endpoints"): Snapshot {
  const snapshot = design(name);
  const owned = [
    ...(snapshot.Vpcs ?? []),
    ...(snapshot.Subnets ?? []),
    ...(snapshot.RouteTables ?? []),
  ];
  for (const item of owned) item.OwnerId = OWNER;
  return snapshot;
}

/** Returns the verdict of a subnet's path to ssm. */
function verdictOf(result: ReturnType<typeof lint>, subnetId: string): string | undefined {
  return result
    .reachability()
    .find((entry) => entry.subnetId === subnetId && entry.service === "ssm")?.verdict;
}
