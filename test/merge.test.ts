import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InputError } from "../src/errors.js";
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
        `copy is used because ${first} and ${second} have no Source.CollectedAt, so remove the ` +
        "stale copy or collect the VPC again",
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

  it("compares equal copies without sorting them", async () => {
    const tagged = Array.from({ length: 200 }, (_, position) => ({
      ...subnet,
      SubnetId: `subnet-${position}`,
      Tags: [{ Key: "Name", Value: `app-${position}` }],
    }));
    const first = await file("many-a.json", { Subnets: tagged });
    const second = await file("many-b.json", { Subnets: tagged });
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const loaded = await loadSnapshotFiles([first, second]);

      expect(loaded.snapshot.Subnets).toHaveLength(200);
      expect(loaded.warnings).toEqual([]);
      // Building the sorted JSON of each copy and of its tags took 1,600 calls.
      expect(stringify.mock.calls.length).toBeLessThan(50);
    } finally {
      stringify.mockRestore();
    }
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
        `first copy is used because ${on} and ${off} have no Source.CollectedAt, so remove the ` +
        "stale copy or collect the VPC again",
    ]);
  });
});

/** Writes a snapshot file of one subnet, collected at the given time, and returns its path. */
async function collectedFile(name: string, collectedAt: string, item: object): Promise<string> {
  return file(name, { SnapshotVersion: 1, Source: { CollectedAt: collectedAt }, Subnets: [item] });
}

const MONDAY = "2026-12-01T08:15:00.000Z";
const TUESDAY = "2026-12-02T08:15:00.000Z";
const WEDNESDAY = "2026-12-03T08:15:00.000Z";
const changed = { ...subnet, EnableDns64: true };

describe("merging copies collected at different times", () => {
  it("keeps the later copy from a later file", async () => {
    const stale = await collectedFile("stale-first.json", MONDAY, subnet);
    const fresh = await collectedFile("fresh-second.json", TUESDAY, changed);
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.Subnets).toEqual([changed]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${stale} and ${fresh} with different content; the copy in ` +
        `${fresh} is used because its Source.CollectedAt ${TUESDAY} is later than ${MONDAY} ` +
        `in ${stale}`,
    ]);
  });

  it("keeps the later copy from an earlier file", async () => {
    const fresh = await collectedFile("fresh-first.json", TUESDAY, changed);
    const stale = await collectedFile("stale-second.json", MONDAY, subnet);
    const loaded = await loadSnapshotFiles([fresh, stale]);

    expect(loaded.snapshot.Subnets).toEqual([changed]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${fresh} and ${stale} with different content; the copy in ` +
        `${fresh} is used because its Source.CollectedAt ${TUESDAY} is later than ${MONDAY} ` +
        `in ${stale}`,
    ]);
  });

  it("keeps the latest of three copies", async () => {
    const monday = await collectedFile("three-monday.json", MONDAY, subnet);
    const wednesday = await collectedFile("three-wednesday.json", WEDNESDAY, changed);
    const tuesday = await collectedFile("three-tuesday.json", TUESDAY, subnet);
    const loaded = await loadSnapshotFiles([monday, wednesday, tuesday]);

    expect(loaded.snapshot.Subnets).toEqual([changed]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${monday}, ${wednesday} and ${tuesday} with different ` +
        `content; the copy in ${wednesday} is used because its Source.CollectedAt ` +
        `${WEDNESDAY} is the latest`,
    ]);
  });

  it("keeps the copy at the place of the first one", async () => {
    const other = { ...subnet, SubnetId: "subnet-b" };
    const stale = await file("place-stale.json", {
      Source: { CollectedAt: MONDAY },
      Subnets: [subnet, other],
    });
    const fresh = await collectedFile("place-fresh.json", TUESDAY, changed);
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.Subnets).toEqual([changed, other]);
  });

  it("keeps the first copy when the times are equal", async () => {
    const first = await collectedFile("tie-a.json", MONDAY, subnet);
    const second = await collectedFile("tie-b.json", MONDAY, changed);
    const loaded = await loadSnapshotFiles([first, second]);

    expect(loaded.snapshot.Subnets).toEqual([subnet]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${first} and ${second} with different content; the first ` +
        `copy is used because every file has Source.CollectedAt ${MONDAY}, so remove the ` +
        "stale copy or collect the VPC again",
    ]);
  });

  it("keeps the first copy when one file is undated", async () => {
    const dated = await collectedFile("dated.json", MONDAY, subnet);
    const undated = await file("undated.json", { Subnets: [changed] });
    const loaded = await loadSnapshotFiles([undated, dated]);

    expect(loaded.snapshot.Subnets).toEqual([changed]);
    expect(loaded.warnings).toEqual([
      `Subnets: subnet-a appears in ${undated} and ${dated} with different content; the first ` +
        `copy is used because ${undated} has no Source.CollectedAt, so remove the stale copy ` +
        "or collect the VPC again",
    ]);
  });

  it.each(["yesterday", "2026-12-01T08:15:00", "12/01/2026 08:15 UTC", "2026-13-01T00:00:00Z"])(
    "rejects the time %s",
    async (time) => {
      const odd = await collectedFile(`odd-time-${time.replace(/\W/g, "-")}.json`, time, subnet);
      const error = await loadSnapshotFiles([odd]).catch((reason: unknown) => reason);

      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(
        `${odd}: invalid snapshot:\n  /Source/CollectedAt: found ${JSON.stringify(time)}, ` +
          "expected an ISO 8601 time with a time zone, such as 2026-12-01T08:15:00Z\n" +
          "Fix these values or re-export the file with the AWS CLI's --output json.",
      );
    },
  );

  it.each(["2026-12-01", "2026-12-01T08:15:00+02:00", "2026-12-01 08:15:00.123456+0000"])(
    "accepts the time %s",
    async (time) => {
      const dated = await collectedFile(`time-${time.replace(/\W/g, "-")}.json`, time, subnet);
      const loaded = await loadSnapshotFiles([dated]);

      expect(loaded.snapshot.Source?.CollectedAt).toBe(time);
    },
  );

  it("stays silent about equal copies of different times", async () => {
    const stale = await collectedFile("equal-monday.json", MONDAY, subnet);
    const fresh = await collectedFile("equal-tuesday.json", TUESDAY, subnet);
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.Subnets).toEqual([subnet]);
    expect(loaded.warnings).toEqual([]);
  });

  it("keeps the later VPC attribute", async () => {
    const attributes = (value: boolean, collectedAt: string) => ({
      Source: { CollectedAt: collectedAt },
      VpcAttributes: [{ VpcId: "vpc-1", EnableDnsSupport: { Value: value } }],
    });
    const stale = await file("attributes-monday.json", attributes(true, MONDAY));
    const fresh = await file("attributes-tuesday.json", attributes(false, TUESDAY));
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.VpcAttributes).toEqual([
      { VpcId: "vpc-1", EnableDnsSupport: { Value: false } },
    ]);
    expect(loaded.warnings).toEqual([
      `VpcAttributes of vpc-1: EnableDnsSupport is true in ${stale} and false in ${fresh}; the ` +
        `copy in ${fresh} is used because its Source.CollectedAt ${TUESDAY} is later than ` +
        `${MONDAY} in ${stale}`,
    ]);
  });

  it("points a kept copy at its own file", async () => {
    const stale = await collectedFile("located-monday.json", MONDAY, subnet);
    const fresh = await collectedFile("located-tuesday.json", TUESDAY, changed);
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.locations.get("subnet-a")?.file).toMatch(/located-tuesday\.json$/);
  });

  it("points an undated merge at the first file", async () => {
    const first = await file("located-a.json", { Subnets: [subnet] });
    const second = await file("located-b.json", { Subnets: [changed] });
    const loaded = await loadSnapshotFiles([first, second]);

    expect(loaded.locations.get("subnet-a")?.file).toMatch(/located-a\.json$/);
  });
});

describe("load warnings in the run", () => {
  it("reach the run's warnings", async () => {
    const stale = await collectedFile("run-monday.json", MONDAY, subnet);
    const fresh = await collectedFile("run-tuesday.json", TUESDAY, changed);
    const loaded = await loadSnapshotFiles([stale, fresh]);
    const result = runLint([{ snapshot: loaded.snapshot, warnings: loaded.warnings }], {
      settings: DEFAULT_SETTINGS,
    });

    expect(loaded.warnings).toHaveLength(1);
    expect(result.warnings).toEqual(loaded.warnings);
  });

  it("are absent when the input has none", async () => {
    const only = await collectedFile("run-alone.json", MONDAY, subnet);
    const loaded = await loadSnapshotFiles([only]);
    const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });

    expect(result.warnings.some((line) => line.includes("different content"))).toBe(false);
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

describe("merging snapshots that lack a section", () => {
  const endpoint = {
    VpcEndpointId: "vpce-1",
    VpcId: "vpc-1",
    VpcEndpointType: "Interface",
    ServiceName: "com.amazonaws.us-east-1.ssm",
  };

  function collected(vpcId: string, sections: object): object {
    return {
      SnapshotVersion: 1,
      Source: { AccountId: "111122223333", Region: "us-east-1", VpcIds: [vpcId] },
      Subnets: [{ ...subnet, SubnetId: `subnet-${vpcId}`, VpcId: vpcId }],
      ...sections,
    };
  }

  it("leaves out a section another VPC's file has", async () => {
    const withEndpoints = await file(
      "vpc-1.json",
      collected("vpc-1", { VpcEndpoints: [endpoint] }),
    );
    const without = await file("vpc-2.json", collected("vpc-2", {}));
    const loaded = await loadSnapshotFiles([withEndpoints, without]);

    expect(loaded.snapshot.VpcEndpoints).toBeUndefined();
    expect(loaded.snapshot.Subnets).toHaveLength(2);
    expect(loaded.warnings).toEqual([
      `VpcEndpoints is left out, since ${without} lacks it for vpc-2 and no other file ` +
        "collected it for them; the checks that need it are reported as skipped",
    ]);
  });

  it("keeps a section another file collected for the same VPC", async () => {
    const withEndpoints = await file(
      "vpc-1-full.json",
      collected("vpc-1", { VpcEndpoints: [endpoint] }),
    );
    const without = await file("vpc-1-part.json", collected("vpc-1", {}));
    const loaded = await loadSnapshotFiles([withEndpoints, without]);

    expect(loaded.snapshot.VpcEndpoints).toEqual([endpoint]);
    expect(loaded.warnings).toEqual([]);
  });

  it("keeps a section only an AWS CLI output has", async () => {
    const without = await file("vpc-1-no-endpoints.json", collected("vpc-1", {}));
    const output = await file("describe-vpc-endpoints.json", { VpcEndpoints: [endpoint] });
    const loaded = await loadSnapshotFiles([without, output]);

    expect(loaded.snapshot.VpcEndpoints).toEqual([endpoint]);
    expect(loaded.warnings).toEqual([]);
  });

  it("keeps a section beside AWS CLI outputs without VPC ids", async () => {
    const withEndpoints = await file("vpc-1-only.json", collected("vpc-1", { VpcEndpoints: [] }));
    const outputs = await file("describe-subnets-2.json", {
      Subnets: [{ ...subnet, SubnetId: "subnet-c", VpcId: "vpc-3" }],
    });
    const loaded = await loadSnapshotFiles([withEndpoints, outputs]);

    expect(loaded.snapshot.VpcEndpoints).toEqual([]);
    expect(loaded.warnings).toEqual([]);
  });
});

describe("merging snapshots of one VPC at different times", () => {
  const table = (id: string, subnetId: string) => ({
    RouteTableId: id,
    VpcId: "vpc-1",
    Routes: [],
    Associations: [{ RouteTableId: id, SubnetId: subnetId }],
  });

  function collectedAt(time: string, vpcIds: string[], sections: object): object {
    return {
      SnapshotVersion: 1,
      Source: { AccountId: "111122223333", Region: "us-east-1", CollectedAt: time, VpcIds: vpcIds },
      ...sections,
    };
  }

  it("leaves out resources deleted since", async () => {
    const fresh = await file(
      "deleted-tuesday.json",
      collectedAt(TUESDAY, ["vpc-1"], { RouteTables: [table("rtb-new", "subnet-a")] }),
    );
    const stale = await file(
      "deleted-monday.json",
      collectedAt(MONDAY, ["vpc-1"], {
        RouteTables: [table("rtb-old", "subnet-a"), table("rtb-b", "subnet-b")],
      }),
    );
    const loaded = await loadSnapshotFiles([fresh, stale]);

    expect(loaded.snapshot.RouteTables).toEqual([table("rtb-new", "subnet-a")]);
    expect(loaded.warnings).toEqual([
      `RouteTables: rtb-old and rtb-b of ${stale} are left out, since ${fresh}, collected ` +
        `later (${TUESDAY}) for the same VPCs, lacks them`,
    ]);
  });

  it("keeps resources of a VPC the later file lacks", async () => {
    const fresh = await file(
      "other-vpc-tuesday.json",
      collectedAt(TUESDAY, ["vpc-1"], { RouteTables: [table("rtb-new", "subnet-a")] }),
    );
    const stale = await file(
      "other-vpc-monday.json",
      collectedAt(MONDAY, ["vpc-1", "vpc-2"], {
        RouteTables: [
          table("rtb-old", "subnet-a"),
          { ...table("rtb-2", "subnet-c"), VpcId: "vpc-2" },
        ],
      }),
    );
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.RouteTables?.map((item) => item.RouteTableId)).toEqual([
      "rtb-old",
      "rtb-2",
      "rtb-new",
    ]);
  });

  it("keeps resources when the later file lacks the section", async () => {
    const fresh = await file(
      "no-section-tuesday.json",
      collectedAt(TUESDAY, ["vpc-1"], { Subnets: [subnet] }),
    );
    const stale = await file(
      "no-section-monday.json",
      collectedAt(MONDAY, ["vpc-1"], {
        Subnets: [subnet],
        RouteTables: [table("rtb-old", "subnet-a")],
      }),
    );
    const loaded = await loadSnapshotFiles([stale, fresh]);

    expect(loaded.snapshot.RouteTables).toEqual([table("rtb-old", "subnet-a")]);
  });
});
