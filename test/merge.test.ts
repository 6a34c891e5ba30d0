import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, runLint } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";

let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-merge-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(workspace, name);
  await writeFile(path, JSON.stringify(content));
  return path;
}

const subnet = { SubnetId: "subnet-a", VpcId: "vpc-1", CidrBlock: "10.0.1.0/24" };

describe("merging copies of a resource", () => {
  it("warns when two files disagree", async () => {
    const first = await file("first.json", { Subnets: [subnet] });
    const second = await file("second.json", {
      Subnets: [{ ...subnet, EnableDns64: false }],
    });
    const loaded = await loadSnapshotFiles([first, second]);

    expect(loaded.snapshot.Subnets).toEqual([subnet]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${first} and ${second} with different content; the first ` +
        "copy is used, so remove the stale copy or collect the VPC again",
    ]);
  });

  it("warns about a duplicate within one file", async () => {
    const only = await file("twice.json", {
      Subnets: [subnet, { ...subnet, CidrBlock: "10.0.9.0/24" }],
    });
    const loaded = await loadSnapshotFiles([only]);

    expect(loaded.snapshot.Subnets).toEqual([subnet]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears twice in ${only} with different content; the first copy is ` +
        "used, so remove the stale copy or collect the VPC again",
    ]);
  });

  it("accepts equal copies in another key order", async () => {
    const first = await file("order-a.json", { Subnets: [subnet] });
    const second = await file("order-b.json", {
      Subnets: [{ CidrBlock: "10.0.1.0/24", VpcId: "vpc-1", SubnetId: "subnet-a" }],
    });
    const loaded = await loadSnapshotFiles([first, second]);

    expect(loaded.snapshot.Subnets).toEqual([subnet]);
    expect(loaded.warnings).toEqual([]);
  });

  it("accepts equal copies with tags in another order", async () => {
    const tags = [
      { Key: "Name", Value: "app" },
      { Key: "team", Value: "network" },
    ];
    const first = await file("tags-a.json", { Subnets: [{ ...subnet, Tags: tags }] });
    const second = await file("tags-b.json", {
      Subnets: [{ ...subnet, Tags: [...tags].reverse() }],
    });
    const loaded = await loadSnapshotFiles([first, second]);

    expect(loaded.warnings).toEqual([]);
  });

  it("warns when VPC attributes disagree", async () => {
    const on = await file("dns-on.json", { VpcId: "vpc-1", EnableDnsSupport: { Value: true } });
    const off = await file("dns-off.json", { VpcId: "vpc-1", EnableDnsSupport: { Value: false } });
    const loaded = await loadSnapshotFiles([on, off]);

    expect(loaded.snapshot.VpcAttributes).toEqual([
      { VpcId: "vpc-1", EnableDnsSupport: { Value: true } },
    ]);
    expect(loaded.warnings).toEqual([
      `VpcAttributes of vpc-1: EnableDnsSupport is true in ${on} and false in ${off}; the ` +
        "first is used, so remove the stale file or collect the VPC again",
    ]);
  });
});

describe("the VPCs of merged files", () => {
  it("counts a VPC that only AWS CLI outputs name", async () => {
    const collected = await file("collected.json", {
      SnapshotVersion: 1,
      Source: { AccountId: "111122223333", Region: "us-east-1", VpcIds: ["vpc-2"] },
      Subnets: [{ ...subnet, SubnetId: "subnet-b", VpcId: "vpc-2" }],
    });
    const outputs = await file("describe-subnets.json", { Subnets: [subnet] });
    const loaded = await loadSnapshotFiles([collected, outputs]);
    const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });
    expect(result.source[0]?.vpcIds).toEqual(["vpc-1", "vpc-2"]);
  });

  it("keeps a collected VPC that no section names", async () => {
    const collected = await file("empty-vpc.json", {
      SnapshotVersion: 1,
      Source: { VpcIds: ["vpc-3"] },
      Subnets: [],
    });
    const loaded = await loadSnapshotFiles([collected]);
    const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });
    expect(result.source[0]?.vpcIds).toEqual(["vpc-3"]);
  });
});
