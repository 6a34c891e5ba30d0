/**
 * A VPC shared through AWS RAM, seen from a participant account: the VPC and its subnets belong to
 * the owner account, the instances to the participant that collected the snapshot.
 */
import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../src/index/snapshot-index.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { design, findingsOf, lint, PUBLIC } from "./reach/designs.js";

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
    const snapshot = design("public-nat64");
    for (const item of [...(snapshot.Vpcs ?? []), ...(snapshot.Subnets ?? [])])
      item.OwnerId = OWNER;
    for (const table of snapshot.RouteTables ?? []) table.OwnerId = OWNER;
    snapshot.NatGateways = [];
    const result = lint(snapshot);
    const path = result
      .reachability()
      .find((entry) => entry.subnetId === PUBLIC.app && entry.service === "ssm");
    expect(path?.verdict).toBe("unknown");
    expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
  });
});
