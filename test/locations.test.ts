import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { SourceLocation } from "../src/run.js";
import { loadSnapshotFiles } from "../src/snapshot/loader.js";
import { MergedLocations, locateResources, scopeId } from "../src/snapshot/locations.js";

const at = (file: string, line: number): SourceLocation => ({ file, line });

describe("merged resource locations", () => {
  it("keep the location from the first source that names a resource", () => {
    const locations = new MergedLocations();
    locations.add(new Map([["subnet-0a1b", at("a.json", 3)]]));
    locations.add(
      new Map([
        ["subnet-0a1b", at("b.json", 9)],
        ["rtb-0a1b", at("b.json", 20)],
      ]),
    );

    expect(locations.get("subnet-0a1b")).toEqual(at("a.json", 3));
    expect(locations.get("rtb-0a1b")).toEqual(at("b.json", 20));
    expect(locations.has("nat-0a1b")).toBe(false);
    expect(locations.size).toBe(2);
    expect([...locations.keys()]).toEqual(["subnet-0a1b", "rtb-0a1b"]);
  });

  it("build a lazy source once, on first read", () => {
    const build = vi.fn(() => new Map([["vpc-0a1b", at("c.json", 1)]]));
    const locations = new MergedLocations();
    locations.add(build);

    expect(build).not.toHaveBeenCalled();
    expect(locations.get("vpc-0a1b")).toEqual(at("c.json", 1));
    expect(locations.get("vpc-0a1b")).toEqual(at("c.json", 1));
    expect([...locations]).toHaveLength(1);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("merge a source added after a look-up", () => {
    const locations = new MergedLocations();
    locations.add(new Map([["subnet-0a1b", at("a.json", 3)]]));
    expect(locations.size).toBe(1);

    locations.add(() => new Map([["rtb-0a1b", at("b.json", 4)]]));

    expect(locations.get("rtb-0a1b")).toEqual(at("b.json", 4));
    expect(locations.get("subnet-0a1b")).toEqual(at("a.json", 3));
  });
});

describe("resource lines in a snapshot file", () => {
  it("place the scope at its first error", () => {
    const text = JSON.stringify(
      {
        Source: { AccountId: "111122223333", Region: "eu-west-1" },
        Subnets: [],
        Errors: [
          { Operation: "DescribeInstances", Code: "UnauthorizedOperation", Message: "denied" },
          { Operation: "DescribeVpcs", Code: "UnauthorizedOperation", Message: "denied" },
        ],
      },
      null,
      2,
    );
    const scope = scopeId("111122223333", "eu-west-1");
    const line = text.slice(0, text.indexOf('"DescribeInstances"')).split("\n").length;

    expect(scope).toBe("111122223333/eu-west-1");
    expect(locateResources("snapshot.json", text, scope).get(scope)).toEqual({
      file: "snapshot.json",
      line,
    });
    expect(locateResources("snapshot.json", text).has(scope)).toBe(false);
  });

  it("skip ids nested in other sections, wherever those come in the file", () => {
    const text = JSON.stringify(
      {
        Reservations: [
          {
            Instances: [
              {
                InstanceId: "i-0a1b2c3d4e5f60001",
                SecurityGroups: [{ GroupId: "sg-0a1b2c3d4e5f60001" }],
                NetworkInterfaces: [{ NetworkInterfaceId: "eni-0a1b2c3d4e5f60001" }],
              },
            ],
          },
        ],
        InstanceInformationList: [{ InstanceId: "i-0a1b2c3d4e5f60002" }],
        SecurityGroups: [{ GroupId: "sg-0a1b2c3d4e5f60001" }],
        NetworkInterfaces: [{ NetworkInterfaceId: "eni-0a1b2c3d4e5f60001" }],
      },
      null,
      2,
    );
    const lineOf = (needle: string, from = 0) =>
      text.slice(0, text.indexOf(needle, from)).split("\n").length;
    const groups = text.indexOf('"SecurityGroups": [\n    {');
    const interfaces = text.lastIndexOf('"NetworkInterfaces"');
    const locations = locateResources("snapshot.json", text);

    expect(locations.get("sg-0a1b2c3d4e5f60001")?.line).toBe(lineOf('"GroupId"', groups));
    expect(locations.get("eni-0a1b2c3d4e5f60001")?.line).toBe(
      lineOf('"NetworkInterfaceId"', interfaces),
    );
    expect(locations.get("i-0a1b2c3d4e5f60001")).toEqual({ file: "snapshot.json", line: 6 });
    // An instance known only from SSM is located there, as a second choice.
    expect(locations.get("i-0a1b2c3d4e5f60002")?.fallback).toBe(true);
  });

  it("read escaped ids, values on their own line and lone CR line ends", () => {
    const text = [
      "{",
      '  "Subnets": [',
      '    { "VpcId": "vpc-0a1b2c3d4e5f60001",',
      '      "SubnetId":',
      '        "subnet-0a1b2c3d4e5f6000\\u0034" }',
      "  ]",
      "}",
    ].join("\r");
    const locations = locateResources("subnets.json", text);

    expect(locations.get("subnet-0a1b2c3d4e5f60004")).toEqual({ file: "subnets.json", line: 5 });
    expect(locations.has("vpc-0a1b2c3d4e5f60001")).toBe(false);
  });

  it("skip brackets, quotes and colons inside strings", () => {
    const text = [
      "{",
      '  "Subnets" : [',
      '    { "Tags": [{ "Key": "Name", "Value": "a \\"}]\\" {[ \\\\" }],',
      '      "Description": "\\"SubnetId\\": \\"subnet-0a1b2c3d4e5f60009\\"",',
      '      "SubnetId"',
      '        : "subnet-0a1b2c3d4e5f60006" },',
      '    { "SubnetId": "subnet-0a1b2c3d4e5f60007", "Nested": { "SubnetId": "subnet-0a1b2c3d4e5f60008" } }',
      "  ],",
      '  "Note": "]}"',
      "}",
    ].join("\n");
    const locations = locateResources("subnets.json", text);

    expect(JSON.parse(text)).toHaveProperty("Subnets");
    expect(locations.get("subnet-0a1b2c3d4e5f60006")).toEqual({ file: "subnets.json", line: 6 });
    expect(locations.get("subnet-0a1b2c3d4e5f60007")).toEqual({ file: "subnets.json", line: 7 });
    expect(locations.has("subnet-0a1b2c3d4e5f60008")).toBe(false);
    expect(locations.has("subnet-0a1b2c3d4e5f60009")).toBe(false);
    expect([...locations.keys()]).toEqual(["subnet-0a1b2c3d4e5f60006", "subnet-0a1b2c3d4e5f60007"]);
  });

  it("find resources in singular and recorded outputs", () => {
    const created = JSON.stringify({ Subnet: { SubnetId: "subnet-0a1b2c3d4e5f60005" } }, null, 2);
    const recorded = JSON.stringify(
      { data: { Vpcs: [{ VpcId: "vpc-0a1b2c3d4e5f60005" }] } },
      null,
      2,
    );

    expect(locateResources("create.json", created).get("subnet-0a1b2c3d4e5f60005")?.line).toBe(3);
    expect(locateResources("recorded.json", recorded).get("vpc-0a1b2c3d4e5f60005")?.line).toBe(5);
  });

  it("prefer a resource's own section over an earlier file that only mentions it", async () => {
    const directory = await mkdtemp(join(tmpdir(), "vpc-lint-locations-"));
    try {
      const attributes = {
        VpcAttributes: [{ VpcId: "vpc-0a1b2c3d4e5f60001", EnableDnsSupport: { Value: true } }],
      };
      const vpcs = { Vpcs: [{ VpcId: "vpc-0a1b2c3d4e5f60001", CidrBlock: "10.0.0.0/16" }] };
      await writeFile(join(directory, "a-attributes.json"), JSON.stringify(attributes, null, 2));
      await writeFile(join(directory, "b-vpcs.json"), JSON.stringify(vpcs, null, 2));

      const { locations } = await loadSnapshotFiles([directory]);

      expect(locations.get("vpc-0a1b2c3d4e5f60001")?.file).toMatch(/b-vpcs\.json$/);
      expect(locations.get("vpc-0a1b2c3d4e5f60001")).not.toHaveProperty("fallback");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
