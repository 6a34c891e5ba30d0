import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { DEFAULT_SETTINGS, runLint } from "../src/run.js";
import { loadSnapshotFiles, loadSnapshotScopes } from "../src/snapshot/loader.js";
import { formats } from "../src/snapshot/formats.js";
import { FORMAT_EXPECTATIONS } from "../src/snapshot/validate.js";
import { CORPUS, HAS_CORPUS } from "./helpers.js";

let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-loader-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Writes JSON (or raw text) to a file in a fresh directory and returns the file's path. */
async function fixture(name: string, content: unknown, directory = ""): Promise<string> {
  const folder = join(workspace, directory);
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Returns the InputError a load raises, failing the test when it raises nothing or another error. */
async function loadError(paths: string[]): Promise<InputError> {
  const error = await loadSnapshotFiles(paths).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const subnetA = { SubnetId: "subnet-a", VpcId: "vpc-1", CidrBlock: "10.0.1.0/24" };
const subnetB = { SubnetId: "subnet-b", VpcId: "vpc-1", CidrBlock: "10.0.2.0/24" };

describe("loading files", () => {
  it("merges several describe outputs into one snapshot", async () => {
    const subnets = await fixture("subnets.json", { Subnets: [subnetA] }, "merge");
    const tables = await fixture(
      "route-tables.json",
      { RouteTables: [{ RouteTableId: "rtb-1", VpcId: "vpc-1", Routes: [], Associations: [] }] },
      "merge",
    );
    const loaded = await loadSnapshotFiles([subnets, tables]);
    expect(loaded.snapshot.Subnets).toEqual([subnetA]);
    expect(loaded.snapshot.RouteTables).toEqual([
      { RouteTableId: "rtb-1", VpcId: "vpc-1", Routes: [], Associations: [] },
    ]);
    expect(loaded.snapshot.SnapshotVersion).toBe(1);
    expect(loaded.files).toEqual([subnets, tables]);
    expect(loaded.warnings).toEqual([]);
  });

  it("keeps a resource present in two files once, the first copy", async () => {
    const first = await fixture("a.json", { Subnets: [subnetA, subnetB] }, "twice");
    const second = await fixture(
      "b.json",
      { Subnets: [{ ...subnetA, CidrBlock: "10.0.9.0/24" }] },
      "twice",
    );
    const loaded = await loadSnapshotFiles([first, second]);
    expect(loaded.snapshot.Subnets).toEqual([subnetA, subnetB]);
  });

  it("keeps a hosted zone once per VPC", async () => {
    const zones = ["vpc-a", "vpc-b"].map((vpcId) => ({
      HostedZoneId: "Z111",
      Name: "ssm.us-east-1.amazonaws.com.",
      VpcId: vpcId,
    }));
    const file = await fixture("zones.json", { SnapshotVersion: 1, HostedZones: zones });
    const { snapshot } = await loadSnapshotFiles([file]);

    expect(snapshot.HostedZones).toEqual(zones);
  });

  it("rejects files of different accounts", async () => {
    const first = await fixture(
      "one.json",
      {
        SnapshotVersion: 1,
        Source: { AccountId: "111122223333", Region: "eu-west-1" },
        Subnets: [subnetA],
      },
      "accounts",
    );
    const second = await fixture(
      "two.json",
      {
        SnapshotVersion: 1,
        Source: { AccountId: "444455556666", Region: "eu-west-1" },
        Subnets: [subnetB],
      },
      "accounts",
    );
    const error = await loadError([first, second]);
    expect(error.message).toBe(
      `${second}: Source.AccountId 444455556666 differs from 111122223333 in ${first}; a ` +
        "snapshot covers one account and one region, so lint these files in separate runs",
    );
  });

  it("rejects files of different regions", async () => {
    const first = await fixture(
      "one.json",
      { Source: { Region: "eu-west-1" }, Subnets: [] },
      "regions",
    );
    const second = await fixture(
      "two.json",
      { Source: { Region: "us-east-1" }, Subnets: [] },
      "regions",
    );
    const error = await loadError([first, second]);
    expect(error.message).toContain(
      `${second}: Source.Region us-east-1 differs from eu-west-1 in ${first}`,
    );
  });

  it("merges the VPC ids and fills missing source fields", async () => {
    const first = await fixture(
      "one.json",
      { Source: { AccountId: "111122223333", VpcIds: ["vpc-2"] }, Subnets: [] },
      "source",
    );
    const second = await fixture(
      "two.json",
      { Source: { Region: "eu-west-1", VpcIds: ["vpc-1"] } },
      "source",
    );
    const loaded = await loadSnapshotFiles([first, second]);
    expect(loaded.snapshot.Source).toEqual({
      AccountId: "111122223333",
      Region: "eu-west-1",
      VpcIds: ["vpc-1", "vpc-2"],
    });
  });

  it("merges two DescribeVpcAttribute outputs into VpcAttributes", async () => {
    const support = await fixture(
      "support.json",
      { VpcId: "vpc-1", EnableDnsSupport: { Value: true } },
      "attributes",
    );
    const hostnames = await fixture(
      "hostnames.json",
      { VpcId: "vpc-1", EnableDnsHostnames: { Value: false } },
      "attributes",
    );
    const loaded = await loadSnapshotFiles([join(workspace, "attributes")]);
    expect(loaded.files).toEqual([hostnames, support]);
    expect(loaded.snapshot.VpcAttributes).toEqual([
      { VpcId: "vpc-1", EnableDnsHostnames: { Value: false }, EnableDnsSupport: { Value: true } },
    ]);
  });

  it("unwraps recordings and their datetime objects", async () => {
    const recording = await fixture("recorded.json", {
      status_code: 200,
      data: {
        NatGateways: [
          {
            NatGatewayId: "nat-1",
            State: "available",
            CreateTime: {
              __class__: "datetime",
              year: 2021,
              month: 3,
              day: 4,
              hour: 5,
              minute: 6,
              second: 7,
              microsecond: 123456,
            },
          },
        ],
        ResponseMetadata: { HTTPStatusCode: 200 },
      },
    });
    const loaded = await loadSnapshotFiles([recording]);
    expect(loaded.snapshot.NatGateways).toEqual([
      { NatGatewayId: "nat-1", State: "available", CreateTime: "2021-03-04T05:06:07.123Z" },
    ]);
    expect(loaded.warnings).toEqual([]);
  });

  it.each([
    [
      "UTF-8 with a byte order mark",
      Buffer.from(`\uFEFF${JSON.stringify({ Subnets: [subnetA] })}`),
    ],
    [
      "UTF-16LE, as Windows PowerShell redirects output",
      Buffer.from(`\uFEFF${JSON.stringify({ Subnets: [subnetA] })}`, "utf16le"),
    ],
    [
      "UTF-16BE with a byte order mark",
      Buffer.from(`\uFEFF${JSON.stringify({ Subnets: [subnetA] })}`, "utf16le").swap16(),
    ],
  ])("reads a file in %s", async (_encoding, bytes) => {
    const path = join(workspace, `encoded-${bytes[0]}-${bytes[1]}.json`);
    await writeFile(path, bytes);
    expect((await loadSnapshotFiles([path])).snapshot.Subnets).toEqual([subnetA]);
  });

  it("decodes UTF-8 beyond ASCII, such as tag values in other scripts", async () => {
    const tagged = { ...subnetA, Tags: [{ Key: "Name", Value: "Zürich – 東京 🛰" }] };
    const path = join(workspace, "non-ascii.json");
    await writeFile(path, Buffer.from(JSON.stringify({ Subnets: [tagged] }), "utf8"));
    expect((await loadSnapshotFiles([path])).snapshot.Subnets).toEqual([tagged]);
  });

  it.each([
    ["little-endian", Buffer.from(JSON.stringify({ Subnets: [subnetA] }), "utf16le")],
    ["big-endian", Buffer.from(JSON.stringify({ Subnets: [subnetA] }), "utf16le").swap16()],
  ])("asks for UTF-8 over %s UTF-16", async (order, bytes) => {
    const path = join(workspace, `utf16-${order}.json`);
    await writeFile(path, bytes);
    const error = await loadError([path]);
    expect(error.message).toBe(
      `${path}: looks like UTF-16 text without a byte order mark, not UTF-8; ` +
        "re-save the file as UTF-8 and run again",
    );
  });

  it("asks to decompress a gzip file", async () => {
    const path = join(workspace, "snapshot.json.gz");
    await writeFile(path, gzipSync(JSON.stringify({ Subnets: [subnetA] })));
    const error = await loadError([path]);
    expect(error.message).toBe(
      `${path}: is compressed with gzip, not text; decompress it, for example with gunzip, ` +
        "and run again",
    );
  });

  it("reads a singular Create output as a one-item section", async () => {
    const created = await fixture("create-subnet.json", { Subnet: subnetA });
    expect((await loadSnapshotFiles([created])).snapshot.Subnets).toEqual([subnetA]);
  });

  it("reads PrefixLists as ManagedPrefixLists", async () => {
    const lists = await fixture("prefix-lists.json", { PrefixLists: [{ PrefixListId: "pl-1" }] });
    expect((await loadSnapshotFiles([lists])).snapshot.ManagedPrefixLists).toEqual([
      { PrefixListId: "pl-1" },
    ]);
  });

  it("warns about top-level keys that name no section", async () => {
    const file = await fixture("extra.json", { Subnets: [subnetA], NextToken: "", Marker: "y" });
    const loaded = await loadSnapshotFiles([file]);
    expect(loaded.warnings).toEqual([
      `${file}: top-level key Marker names no snapshot section and was left out`,
    ]);
  });

  it("warns about a misspelt section of a snapshot", async () => {
    const file = await fixture("misspelt.json", {
      SnapshotVersion: 1,
      Source: { AccountId: "111122223333", Region: "us-east-1" },
      Subnetz: [subnetA],
      RouteTables: [],
      Errors: [],
    });
    const loaded = await loadSnapshotFiles([file]);
    expect(loaded.warnings).toEqual([
      `${file}: top-level key Subnetz names no snapshot section and was left out`,
    ]);
  });

  it("names a misspelt only section", async () => {
    const file = await fixture("misspelt-only.json", {
      SnapshotVersion: 1,
      Subnetz: [subnetA],
      Errors: [],
    });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: no snapshot section (such as Subnets or RouteTables) and no Errors; collect ` +
        "the snapshot again or name the files that hold the sections\n" +
        `${file}: top-level key Subnetz names no snapshot section and was left out`,
    );
  });
});

describe("loading a directory", () => {
  it("skips files of other shapes with a warning", async () => {
    const good = await fixture("subnets.json", { Subnets: [subnetA] }, "mixed");
    const odd = await fixture("rules.json", { SecurityGroupRules: [] }, "mixed");
    await fixture("notes.txt", "not read", "mixed");
    const loaded = await loadSnapshotFiles([join(workspace, "mixed")]);
    expect(loaded.files).toEqual([good]);
    expect(loaded.snapshot.Subnets).toEqual([subnetA]);
    expect(loaded.warnings).toEqual([
      `${odd}: skipped, found an object with keys SecurityGroupRules; expected a vpc-lint ` +
        "snapshot (SnapshotVersion), a Describe* output with a key such as Subnets or " +
        "RouteTables, or a Create* output such as Subnet or NatGateway",
    ]);
  });

  it("reads symbolic links to files", async () => {
    const target = await fixture("subnets.json", { Subnets: [subnetA] }, "link-targets");
    const tables = await fixture("route-tables.json", { RouteTables: [] }, "linked");
    const link = join(workspace, "linked", "subnets.json");
    await symlink(target, link);
    const loaded = await loadSnapshotFiles([join(workspace, "linked")]);
    expect(loaded.files).toEqual([tables, link]);
    expect(loaded.snapshot.Subnets).toEqual([subnetA]);
  });

  it("skips a link to a directory", async () => {
    const subnets = await fixture("subnets.json", { Subnets: [subnetA] }, "dir-link");
    await mkdir(join(workspace, "dir-link-target"), { recursive: true });
    await symlink(join(workspace, "dir-link-target"), join(workspace, "dir-link", "nested.json"));
    const loaded = await loadSnapshotFiles([join(workspace, "dir-link")]);
    expect(loaded.files).toEqual([subnets]);
  });

  it("rejects a broken symbolic link", async () => {
    await fixture("subnets.json", { Subnets: [subnetA] }, "broken-link");
    const link = join(workspace, "broken-link", "tables.json");
    await symlink(join(workspace, "absent-target.json"), link);
    const error = await loadError([join(workspace, "broken-link")]);
    expect(error.message).toBe(
      `${link}: cannot read the file (ENOENT); fix the link or move it out of the directory`,
    );
  });

  it("rejects a directory with a file that is not JSON", async () => {
    await fixture("subnets.json", { Subnets: [subnetA] }, "truncated");
    const broken = await fixture("routes.json", '{ "RouteTables": [', "truncated");
    const error = await loadError([join(workspace, "truncated")]);
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(broken)}: not valid JSON \(.+\); fix it or move it out of the directory$`,
      ),
    );
  });

  it("rejects a directory without files", async () => {
    await mkdir(join(workspace, "no-files"), { recursive: true });
    const error = await loadError([join(workspace, "no-files")]);
    expect(error.message).toBe(
      `${join(workspace, "no-files")}: the directory contains no .json files`,
    );
  });

  it("names the files of a directory without JSON files", async () => {
    // collect -o prod --region eu-west-1,us-east-1 writes these names.
    await fixture("prod.us-east-1", { SnapshotVersion: 1 }, "no-json");
    await fixture("prod.eu-west-1", { SnapshotVersion: 1 }, "no-json");
    const error = await loadError([join(workspace, "no-json")]);
    expect(error.message).toBe(
      `${join(workspace, "no-json")}: the directory contains no .json files, which are the only ` +
        "files read from a directory. It contains prod.eu-west-1, prod.us-east-1. Rename a " +
        "snapshot among them to end in .json, or pass it with --snapshot FILE",
    );
  });

  it("counts the files it does not name", async () => {
    for (const name of ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]) {
      await fixture(name, "not read", "many-others");
    }
    const error = await loadError([join(workspace, "many-others")]);
    expect(error.message).toContain("It contains a.txt, b.txt, c.txt, and 2 more.");
  });

  it("lists why each skipped file was skipped", async () => {
    const rules = await fixture("rules.json", { SecurityGroupRules: [] }, "unknown-only");
    const page = await fixture("page.json", { Subnets: [subnetA], NextToken: "x" }, "unknown-only");
    const error = await loadError([join(workspace, "unknown-only")]);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe(`${join(workspace, "unknown-only")}: no file in a shape vpc-lint reads:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^  ${escape(page)}: skipped, .*without --max-items`)),
      expect.stringMatching(new RegExp(`^  ${escape(rules)}: skipped, found an object with keys`)),
    ]);
  });

  it("names the subdirectories of a directory without JSON files", async () => {
    // A snapshots folder with a subfolder per Region is read one subfolder at a time.
    await fixture("snapshot.json", { Subnets: [subnetA] }, "by-folder/us-east-1");
    await fixture("snapshot.json", { Subnets: [subnetB] }, "by-folder/eu-west-1");
    await mkdir(join(workspace, "by-folder", "empty"), { recursive: true });
    const folder = join(workspace, "by-folder");
    const error = await loadError([folder]);
    expect(error.message).toBe(
      `${folder}: the directory contains no .json files, and its subdirectories are not read; ` +
        `pass ${join(folder, "eu-west-1")} and ${join(folder, "us-east-1")} with --snapshot`,
    );
  });

  it("warns about the subdirectories with JSON files that it does not read", async () => {
    await fixture("subnets.json", { Subnets: [subnetA] }, "with-subfolders");
    await fixture("subnets.json", { Subnets: [subnetB] }, "with-subfolders/more");
    await fixture("notes.txt", "not read", "with-subfolders/other");
    const loaded = await loadSnapshotFiles([join(workspace, "with-subfolders")]);
    expect(loaded.snapshot.Subnets?.map((subnet) => subnet.SubnetId)).toEqual(["subnet-a"]);
    expect(loaded.warnings).toEqual([
      `${join(workspace, "with-subfolders", "more")}: a subdirectory with .json files, which is not read; ` +
        "pass it with --snapshot to lint its files",
    ]);
  });
});

describe("loading several Regions", () => {
  /** Writes a snapshot of one subnet collected in a Region into the directory. */
  function regionFile(directory: string, region: string, account = "111122223333") {
    return fixture(
      `snapshot.${region}.json`,
      {
        Source: { AccountId: account, Region: region, VpcIds: [`vpc-${region}`] },
        Subnets: [{ SubnetId: `subnet-${region}`, VpcId: `vpc-${region}` }],
      },
      directory,
    );
  }

  it("gives one snapshot per Region", async () => {
    await regionFile("by-region", "eu-west-1");
    await regionFile("by-region", "us-east-1");
    const scopes = await loadSnapshotScopes([join(workspace, "by-region")]);

    expect(scopes.map((scope) => scope.snapshot.Source?.Region)).toEqual([
      "eu-west-1",
      "us-east-1",
    ]);
    expect(scopes.map((scope) => scope.snapshot.Subnets?.map((item) => item.SubnetId))).toEqual([
      ["subnet-eu-west-1"],
      ["subnet-us-east-1"],
    ]);
  });

  it("merges the files of one Region", async () => {
    const first = await regionFile("same-a", "eu-west-1");
    const second = await regionFile("same-b", "eu-west-1");
    const scopes = await loadSnapshotScopes([first, second]);

    expect(scopes).toHaveLength(1);
    expect(scopes[0]?.files).toEqual([first, second]);
  });

  it("rejects a file without a Region", async () => {
    await regionFile("unplaced", "eu-west-1");
    await regionFile("unplaced", "us-east-1");
    const subnets = await fixture("subnets.json", { Subnets: [] }, "unplaced");
    const attempt = loadSnapshotScopes([join(workspace, "unplaced")]);

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(
      `${subnets}: no Source.Region, while the other files cover eu-west-1, us-east-1 in ` +
        "111122223333, so the file cannot be placed",
    );
  });

  it("lints every Region in one run", async () => {
    await regionFile("run", "eu-west-1");
    await regionFile("run", "us-east-1", "444455556666");
    const scopes = await loadSnapshotScopes([join(workspace, "run")]);
    const result = runLint(scopes, { settings: DEFAULT_SETTINGS });

    expect(result.source.map((source) => `${source.accountId} ${source.region}`)).toEqual([
      "111122223333 eu-west-1",
      "444455556666 us-east-1",
    ]);
  });
});

describe("rejected input", () => {
  it("names a missing file", async () => {
    const missing = join(workspace, "absent.json");
    const error = await loadError([missing]);
    expect(error.message).toBe(`${missing}: snapshot file not found; check the --snapshot path`);
  });

  it("names a file that is not JSON", async () => {
    const file = await fixture("broken.json", '{"Subnets": [');
    const error = await loadError([file]);
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(file)}: not valid JSON \\(.+\\) at line 1, column 14, the end of the file, ` +
          "which may be truncated$",
      ),
    );
  });

  it("names the line of a syntax error", async () => {
    const text =
      '{\r\n  "Subnets": [\r\n    {"SubnetId": "subnet-a"\r\n     "VpcId": "vpc-1"}\r\n  ]\r\n}\r\n';
    const file = await fixture("missing-comma.json", text);
    const error = await loadError([file]);
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)}: not valid JSON \\(.+\\) at line 4, column 6$`),
    );
  });

  it("names no place for an unexpected token", async () => {
    // Node.js 20 quotes the whole of a short text, so the place of the token is unknown.
    const file = await fixture("stray-token.json", '{"Subnets": [x]}');
    const error = await loadError([file]);
    expect(error.message).toMatch(new RegExp(`^${escape(file)}: not valid JSON \\(.+\\)$`));
    expect(error.message).not.toContain("truncated");
  });

  it.each([
    [
      "the middle",
      '{\n  "Subnets": [\n    {"SubnetId": "subnet-a", "VpcId": vpc-1}\n  ]\n}\n',
      3,
      39,
    ],
    ["the start", 'Subnets: [{"SubnetId": "subnet-a"}]', 1, 1],
    ["the end", '{"Subnets": [{"SubnetId": "subnet-a"}, x]}', 1, 40],
  ])("names the place of an unexpected token at %s", async (_, text, line, column) => {
    const file = await fixture("unexpected-token.json", text);
    const error = await loadError([file]);
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)}: not valid JSON \\([^]+\\) at line ${line}, column ${column}$`),
    );
  });

  it("ignores a line number in the excerpt", async () => {
    // The message quotes the text around the token, and a tag value there reads like a place.
    const tags = '[{"Key": "Name", "Value": "line 2"},]';
    const file = await fixture(
      "line-tag.json",
      `{"Subnets": [{"SubnetId": "subnet-a", "Tags": ${tags}}]}`,
    );
    const error = await loadError([file]);
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)}: not valid JSON \\([^]+\\) at line 1, column 83$`),
    );
  });

  it("ignores an offset in the excerpt", async () => {
    // Node.js 20 quotes all of a text this short, and the words in it are not an offset.
    const file = await fixture("position-word.json", '["at position 5",x]');
    const error = await loadError([file]);
    expect(error.message).toMatch(new RegExp(`^${escape(file)}: not valid JSON \\([^]+\\)$`));
  });

  it("names no place for a token whose context repeats", async () => {
    const item = '{"SubnetId": "subnet-a"}, ';
    const file = await fixture("repeated.json", `[${item}${item}x, ${item}${item}x, ${item}1]`);
    const error = await loadError([file]);
    expect(error.message).toMatch(new RegExp(`^${escape(file)}: not valid JSON \\([^]+\\)$`));
  });

  it.each(["", " \r\n"])("names an empty file %j", async (text) => {
    const file = await fixture("empty-output.json", text);
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: the file is empty, so the command that wrote it may have failed; run it again`,
    );
  });

  it("names the end of a truncated file", async () => {
    const file = await fixture("cut.json", '{\n  "Subnets": [\n    {"SubnetId": "subnet-a",\n');
    const error = await loadError([file]);
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(file)}: not valid JSON \\(.+\\) at line 4, column 1, the end of the file, ` +
          "which may be truncated$",
      ),
    );
  });

  it("names the shape of an unsupported file", async () => {
    const file = await fixture("list.json", [subnetA]);
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: unsupported input: found a JSON array; expected an object such as the output of ` +
        "`aws ec2 describe-subnets` (a `--query` expression that returns a list loses the section name)",
    );
  });

  it("rejects a snapshot with no section and no failed call", async () => {
    const file = await fixture("bare.json", {
      SnapshotVersion: 1,
      Source: { Region: "eu-west-1" },
    });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: no snapshot section (such as Subnets or RouteTables) and no Errors; collect ` +
        "the snapshot again or name the files that hold the sections",
    );
  });

  it("rejects sectionless empty Errors", async () => {
    const file = await fixture("no-errors.json", { SnapshotVersion: 1, Errors: [] });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: no snapshot section (such as Subnets or RouteTables) and no Errors; collect ` +
        "the snapshot again or name the files that hold the sections",
    );
  });

  it.each([
    ["AccountId", "abc", "a 12-digit AWS account id such as 111122223333"],
    ["Region", "mars", "an AWS Region code such as us-east-1"],
  ])("rejects a Source %s of %s", async (field, value, expected) => {
    const file = await fixture(`source-${field}.json`, { Source: { [field]: value }, Subnets: [] });
    const error = await loadError([file]);
    expect(error.message).toContain(`/Source/${field}: found "${value}", expected ${expected}`);
  });

  it.each(["us-gov-west-1", "ap-southeast-5", "cn-north-1", "eusc-de-east-1"])(
    "accepts the Region %s",
    async (region) => {
      const file = await fixture(`region-${region}.json`, {
        Source: { Region: region },
        Subnets: [],
      });
      const loaded = await loadSnapshotFiles([file]);
      expect(loaded.snapshot.Source?.Region).toBe(region);
    },
  );

  it("lints a snapshot whose every call failed", async () => {
    const errors = [{ Operation: "DescribeSubnets", Code: "AccessDenied", Message: "Denied" }];
    const file = await fixture("denied.json", { SnapshotVersion: 1, Errors: errors });
    const loaded = await loadSnapshotFiles([file]);
    expect(loaded.snapshot.Errors).toEqual(errors);
  });

  it("asks for SnapshotVersion as a number", async () => {
    const file = await fixture("quoted-version.json", { SnapshotVersion: "1", Subnets: [] });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: SnapshotVersion is "1", a string; write it as the number 1, without quotes.`,
    );
  });

  it("rejects SnapshotVersion 2", async () => {
    const file = await fixture("future.json", { SnapshotVersion: 2, Subnets: [] });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: SnapshotVersion 2 is not supported; this vpc-lint reads version 1. Upgrade ` +
        "vpc-lint or collect the snapshot again.",
    );
  });

  it("points at a bad value in a plural output", async () => {
    const file = await fixture("subnets.json", {
      Subnets: [subnetA, { ...subnetB, CidrBlock: "10.0.2.0/33" }],
    });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: invalid Subnets output:\n` +
        '  /Subnets/1/CidrBlock: found "10.0.2.0/33", expected an IPv4 prefix such as ' +
        "10.0.0.0/16\n" +
        "Fix these values or re-export the file with the AWS CLI's --output json.",
    );
  });

  it("asks for a non-empty id and accepts an id of one character", async () => {
    const file = await fixture("empty-id.json", {
      Subnets: [
        { ...subnetA, SubnetId: "" },
        { ...subnetB, VpcId: "x" },
      ],
    });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: invalid Subnets output:\n` +
        '  /Subnets/0/SubnetId: found "", expected a non-empty string\n' +
        "Fix these values or re-export the file with the AWS CLI's --output json.",
    );
  });

  it("describes every format of the snapshot schema", async () => {
    const { default: schema } = await import("../src/schemas/snapshot.schema.json");
    const used = new Set<string>();
    const visit = (node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "format" && typeof value === "string") used.add(value);
        visit(value);
      }
    };
    visit(schema);
    expect(used).toContain("id");
    expect([...used].sort()).toEqual(Object.keys(FORMAT_EXPECTATIONS).sort());
    expect(Object.keys(formats).sort()).toEqual(Object.keys(FORMAT_EXPECTATIONS).sort());
  });

  it.each(["-1", "icmp", "tcp"])(
    "accepts a %s security group rule without ports",
    async (protocol) => {
      const file = await fixture(`no-ports-${protocol}.json`, {
        SecurityGroups: [{ GroupId: "sg-1", IpPermissions: [{ IpProtocol: protocol }] }],
      });
      const loaded = await loadSnapshotFiles([file]);
      expect(loaded.snapshot.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpProtocol).toBe(protocol);
    },
  );

  describe("values nested deeper than JSON.stringify can print", () => {
    const deep = `${"[".repeat(100_000)}0${"]".repeat(100_000)}`;

    it("names an invalid one without printing it", async () => {
      const file = await fixture("deep-invalid.json", `{"Subnets": [${deep}]}`);
      const error = await loadError([file]);
      expect(error.message).toContain(
        "/Subnets/0: found a value nested too deeply to print, expected a value of type object",
      );
    });

    it("rejects a recording holding one", async () => {
      const subnet = `{"SubnetId": "subnet-a", "VpcId": "vpc-1", "Extra": ${deep}}`;
      const file = await fixture("deep-recording.json", `{"data": {"Subnets": [${subnet}]}}`);
      const error = await loadError([file]);
      expect(error.message).toBe(
        `${file}: a value in the recording is nested too deeply to read; remove it or record ` +
          "the call again",
      );
    });

    it("rejects two copies of a resource holding one", async () => {
      const subnet = `{"SubnetId": "subnet-a", "VpcId": "vpc-1", "Extra": ${deep}}`;
      const file = await fixture("deep-twice.json", `{"Subnets": [${subnet}, ${subnet}]}`);
      const error = await loadError([file]);
      expect(error.message).toBe(
        "Subnets: subnet-a appears twice and is nested too deeply to compare the copies; keep one copy",
      );
    });
  });

  it("cuts a long invalid value short in the message", async () => {
    const file = await fixture("long.json", {
      Subnets: [{ ...subnetA, CidrBlock: `10.0.0.0/${"9".repeat(500)}` }],
    });
    const error = await loadError([file]);
    expect(error.message).toContain(`found "10.0.0.0/${"9".repeat(190)}...,`);
  });

  it("names a number too large to read", async () => {
    const file = await fixture(
      "huge-number.json",
      '{"Subnets": [{"SubnetId": "subnet-a", "VpcId": 1e400, "CidrBlock": "10.0.1.0/24"}]}',
    );
    const error = await loadError([file]);
    expect(error.message).toContain(
      "/Subnets/0/VpcId: found a number too large to read (Infinity), expected a value of type string",
    );
  });

  it("names a SnapshotVersion too large to read", async () => {
    const file = await fixture("huge-version.json", '{"SnapshotVersion": -1e400, "Subnets": []}');
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: SnapshotVersion is a number too large to read (-Infinity); write it as the ` +
        "number 1.",
    );
  });

  it("rejects one page of a paginated AWS CLI output", async () => {
    const file = await fixture("page.json", {
      Subnets: [subnetA],
      NextToken: "eyJOZXh0VG9rZW4iOiAiYSJ9",
    });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: unsupported input: Subnets output is truncated: it has a NextToken, so later ` +
        "pages are missing; run the AWS CLI command again without --max-items or --no-paginate",
    );
  });

  it("skips a paginated page in a directory with a warning", async () => {
    await fixture("subnets.json", { Subnets: [subnetA], NextToken: "abc" }, "paged");
    await fixture("vpcs.json", { Vpcs: [{ VpcId: "vpc-1" }] }, "paged");
    const loaded = await loadSnapshotFiles([join(workspace, "paged")]);
    expect(loaded.snapshot.Subnets).toBeUndefined();
    expect(loaded.warnings).toEqual([
      `${join(workspace, "paged", "subnets.json")}: skipped, Subnets output is truncated: it ` +
        "has a NextToken, so later pages are missing; run the AWS CLI command again without " +
        "--max-items or --no-paginate",
    ]);
  });

  it("leaves out a section another page completes", async () => {
    const directory = join(workspace, "two-pages");
    await fixture("subnets-1.json", { Subnets: [subnetA], NextToken: "abc" }, "two-pages");
    await fixture("subnets-2.json", { Subnets: [subnetB] }, "two-pages");
    await fixture("vpcs.json", { Vpcs: [{ VpcId: "vpc-1" }] }, "two-pages");
    const loaded = await loadSnapshotFiles([directory]);

    expect(loaded.snapshot.Subnets).toBeUndefined();
    expect(loaded.snapshot.Vpcs).toEqual([{ VpcId: "vpc-1" }]);
    expect(loaded.warnings).toContain(
      "Subnets is left out, since a skipped file contains one page of it and the other pages may " +
        "be missing; the checks that need it are reported as skipped",
    );
  });

  it("keeps sections of a complete output beside a page", async () => {
    const directory = join(workspace, "page-beside");
    await fixture("subnets.json", { Subnets: [subnetA, subnetB] }, "page-beside");
    await fixture("vpcs.json", { Vpcs: [{ VpcId: "vpc-1" }], NextToken: "abc" }, "page-beside");
    const loaded = await loadSnapshotFiles([directory]);

    expect(loaded.snapshot.Subnets).toEqual([subnetA, subnetB]);
    expect(loaded.snapshot.Vpcs).toBeUndefined();
    expect(loaded.warnings).toHaveLength(1);
  });

  it("reads an output whose NextToken is empty", async () => {
    const file = await fixture("last-page.json", { Subnets: [subnetA], NextToken: "" });
    const loaded = await loadSnapshotFiles([file]);
    expect(loaded.snapshot.Subnets).toEqual([subnetA]);
  });

  it("points into the data member of a recording", async () => {
    const file = await fixture("recorded.json", {
      status_code: 200,
      data: { Subnets: [{ ...subnetA, EnableDns64: "true" }] },
    });
    const error = await loadError([file]);
    expect(error.message).toContain(`${file}: invalid recorded Subnets output:\n`);
    expect(error.message).toContain(
      '  /data/Subnets/0/EnableDns64: found "true", expected a value of type boolean\n',
    );
  });

  it("points at the singular key of a Create output", async () => {
    const file = await fixture("create-subnet.json", { Subnet: { SubnetId: "subnet-a" } });
    const error = await loadError([file]);
    expect(error.message).toContain(`${file}: invalid Subnet output:\n`);
    expect(error.message).toContain("  /Subnet/VpcId: found nothing, expected the field VpcId\n");
  });

  it("points at the original key of an aliased section", async () => {
    const file = await fixture("prefix-lists.json", { PrefixLists: [{ PrefixListId: 5 }] });
    const error = await loadError([file]);
    expect(error.message).toContain(
      "  /PrefixLists/0/PrefixListId: found 5, expected a value of type string\n",
    );
  });

  it.each([
    [
      {
        NetworkInterfaces: [{ NetworkInterfaceId: "eni-1", SubnetId: "subnet-1", Groups: "sg-1" }],
      },
      '/NetworkInterfaces/0/Groups: found "sg-1", expected a value of type array',
    ],
    [
      {
        NetworkInterfaces: [{ NetworkInterfaceId: "eni-1", SubnetId: "subnet-1", Groups: [null] }],
      },
      "/NetworkInterfaces/0/Groups/0: found null, expected a value of type object",
    ],
    [
      {
        NetworkInterfaces: [{ NetworkInterfaceId: "eni-1", SubnetId: "subnet-1", RequesterId: 5 }],
      },
      "/NetworkInterfaces/0/RequesterId: found 5, expected a value of type string",
    ],
    [
      {
        NetworkInterfaces: [
          { NetworkInterfaceId: "eni-1", SubnetId: "subnet-1", PrivateIpAddress: 5 },
        ],
      },
      "/NetworkInterfaces/0/PrivateIpAddress: found 5, expected a value of type string",
    ],
    [
      { NatGateways: [{ NatGatewayId: "nat-1", NatGatewayAddresses: [{ Status: 5 }] }] },
      "/NatGateways/0/NatGatewayAddresses/0/Status: found 5, expected a value of type string",
    ],
    [
      {
        RouteTables: [
          {
            RouteTableId: "rtb-1",
            Routes: [],
            Associations: [{ SubnetId: "subnet-1", AssociationState: { State: 5 } }],
          },
        ],
      },
      "/RouteTables/0/Associations/0/AssociationState/State: found 5, expected a value of type string",
    ],
    [
      {
        Reservations: [
          {
            Instances: [
              { InstanceId: "i-1", State: { Name: "stopped" }, SecurityGroups: [{ GroupId: 5 }] },
            ],
          },
        ],
      },
      "/Reservations/0/Instances/0/SecurityGroups/0/GroupId: found 5, expected a value of type string",
    ],
  ])("rejects a field the index reads, of another type: %j", async (content, problem) => {
    const file = await fixture("field-type.json", content);
    const error = await loadError([file]);
    expect(error.message).toContain(`  ${problem}\n`);
  });

  it("points into a DescribeVpcAttribute output", async () => {
    const file = await fixture("attribute.json", {
      VpcId: "vpc-1",
      EnableDnsSupport: { Value: "yes" },
    });
    const error = await loadError([file]);
    expect(error.message).toContain(`${file}: invalid DescribeVpcAttribute output:\n`);
    expect(error.message).toContain(
      '  /EnableDnsSupport/Value: found "yes", expected a value of type boolean\n',
    );
  });

  it("lists at most twenty problems", async () => {
    const subnets = Array.from({ length: 25 }, (_, position) => ({
      SubnetId: `subnet-${position}`,
    }));
    const file = await fixture("many.json", { Subnets: subnets });
    const error = await loadError([file]);
    const lines = error.message.split("\n").filter((line) => line.startsWith("  /"));
    expect(lines).toHaveLength(20);
    expect(error.message).toContain("  ... and 5 more\n");
  });
});

/** A snapshot with one prefix of the wrong family, at `pointer`, and the error it raises. */
interface FamilyCase {
  label: string;
  snapshot: unknown;
  pointer: string;
  value: string;
  expected: string;
}

const IPV4_PREFIX = "an IPv4 prefix such as 10.0.0.0/16";
const IPV6_PREFIX = "an IPv6 prefix such as 2001:db8::/56";

function permission(range: Record<string, unknown>): Record<string, unknown> {
  return { IpProtocol: "-1", ...range };
}

const WRONG_FAMILY: FamilyCase[] = [
  {
    label: "IPv4 subnet Ipv6CidrBlock",
    snapshot: {
      Subnets: [{ ...subnetA, Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "10.9.0.0/24" }] }],
    },
    pointer: "/Subnets/0/Ipv6CidrBlockAssociationSet/0/Ipv6CidrBlock",
    value: "10.9.0.0/24",
    expected: `${IPV6_PREFIX}, or an empty string`,
  },
  {
    label: "IPv4 VPC Ipv6CidrBlock",
    snapshot: {
      Vpcs: [{ VpcId: "vpc-1", Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "10.0.0.0/16" }] }],
    },
    pointer: "/Vpcs/0/Ipv6CidrBlockAssociationSet/0/Ipv6CidrBlock",
    value: "10.0.0.0/16",
    expected: `${IPV6_PREFIX}, or an empty string`,
  },
  {
    label: "IPv6 VPC CidrBlock",
    snapshot: { Vpcs: [{ VpcId: "vpc-1", CidrBlock: "2001:db8::/56" }] },
    pointer: "/Vpcs/0/CidrBlock",
    value: "2001:db8::/56",
    expected: IPV4_PREFIX,
  },
  {
    label: "IPv6 VPC associated CidrBlock",
    snapshot: { Vpcs: [{ VpcId: "vpc-1", CidrBlockAssociationSet: [{ CidrBlock: "::/0" }] }] },
    pointer: "/Vpcs/0/CidrBlockAssociationSet/0/CidrBlock",
    value: "::/0",
    expected: `${IPV4_PREFIX}, or an empty string`,
  },
  {
    label: "IPv6 subnet CidrBlock",
    snapshot: { Subnets: [{ ...subnetA, CidrBlock: "2001:db8:0:1::/64" }] },
    pointer: "/Subnets/0/CidrBlock",
    value: "2001:db8:0:1::/64",
    expected: IPV4_PREFIX,
  },
  {
    label: "IPv4 security group CidrIpv6",
    snapshot: {
      SecurityGroups: [
        {
          GroupId: "sg-1",
          IpPermissions: [permission({ Ipv6Ranges: [{ CidrIpv6: "10.1.1.0/24" }] })],
        },
      ],
    },
    pointer: "/SecurityGroups/0/IpPermissions/0/Ipv6Ranges/0/CidrIpv6",
    value: "10.1.1.0/24",
    expected: IPV6_PREFIX,
  },
  {
    label: "IPv6 security group CidrIp",
    snapshot: {
      SecurityGroups: [
        {
          GroupId: "sg-1",
          IpPermissionsEgress: [permission({ IpRanges: [{ CidrIp: "::ffff:10.1.1.0/120" }] })],
        },
      ],
    },
    pointer: "/SecurityGroups/0/IpPermissionsEgress/0/IpRanges/0/CidrIp",
    value: "::ffff:10.1.1.0/120",
    expected: IPV4_PREFIX,
  },
  {
    label: "IPv4 route DestinationIpv6CidrBlock",
    snapshot: {
      RouteTables: [
        {
          RouteTableId: "rtb-1",
          Routes: [{ DestinationIpv6CidrBlock: "10.0.0.0/8", GatewayId: "igw-1" }],
          Associations: [],
        },
      ],
    },
    pointer: "/RouteTables/0/Routes/0/DestinationIpv6CidrBlock",
    value: "10.0.0.0/8",
    expected: IPV6_PREFIX,
  },
  {
    label: "IPv6 route DestinationCidrBlock",
    snapshot: {
      RouteTables: [
        {
          RouteTableId: "rtb-1",
          Routes: [{ DestinationCidrBlock: "::/0", GatewayId: "igw-1" }],
          Associations: [],
        },
      ],
    },
    pointer: "/RouteTables/0/Routes/0/DestinationCidrBlock",
    value: "::/0",
    expected: IPV4_PREFIX,
  },
  {
    label: "IPv6 network ACL CidrBlock",
    snapshot: {
      NetworkAcls: [{ NetworkAclId: "acl-1", Entries: [{ CidrBlock: "::" }], Associations: [] }],
    },
    pointer: "/NetworkAcls/0/Entries/0/CidrBlock",
    value: "::",
    expected: IPV4_PREFIX,
  },
  {
    label: "IPv4 network ACL Ipv6CidrBlock",
    snapshot: {
      NetworkAcls: [
        { NetworkAclId: "acl-1", Entries: [{ Ipv6CidrBlock: "0.0.0.0/0" }], Associations: [] },
      ],
    },
    pointer: "/NetworkAcls/0/Entries/0/Ipv6CidrBlock",
    value: "0.0.0.0/0",
    expected: IPV6_PREFIX,
  },
];

describe("fields AWS always returns", () => {
  // Read as empty, a missing list would make a table route nothing or an ACL deny everything.
  it.each([
    {
      field: "Routes",
      snapshot: { RouteTables: [{ RouteTableId: "rtb-1", Associations: [] }] },
      pointer: "/RouteTables/0/Routes",
    },
    {
      field: "Associations",
      snapshot: { RouteTables: [{ RouteTableId: "rtb-1", Routes: [] }] },
      pointer: "/RouteTables/0/Associations",
    },
    {
      field: "Entries",
      snapshot: { NetworkAcls: [{ NetworkAclId: "acl-1", Associations: [] }] },
      pointer: "/NetworkAcls/0/Entries",
    },
  ])("rejects a missing $field list", async ({ field, snapshot, pointer }) => {
    const file = await fixture("missing.json", { SnapshotVersion: 1, ...snapshot });
    const error = await loadError([file]);

    expect(error.message).toContain(`  ${pointer}: found nothing, expected the field ${field}\n`);
  });

  // Read as absent, these fields would make an endpoint no interface endpoint, a rule or range
  // match no traffic, an interface belong to no subnet, or an instance not run, which gives
  // false findings or false passes.
  it.each([
    {
      field: "VpcEndpointType",
      snapshot: { VpcEndpoints: [{ VpcEndpointId: "vpce-1", ServiceName: "com.amazonaws.x.ssm" }] },
      pointer: "/VpcEndpoints/0/VpcEndpointType",
    },
    {
      field: "IpProtocol",
      snapshot: {
        SecurityGroups: [
          { GroupId: "sg-1", IpPermissionsEgress: [{ FromPort: 443, ToPort: 443 }] },
        ],
      },
      pointer: "/SecurityGroups/0/IpPermissionsEgress/0/IpProtocol",
    },
    {
      field: "CidrIpv6",
      snapshot: {
        SecurityGroups: [
          { GroupId: "sg-1", IpPermissionsEgress: [{ IpProtocol: "-1", Ipv6Ranges: [{}] }] },
        ],
      },
      pointer: "/SecurityGroups/0/IpPermissionsEgress/0/Ipv6Ranges/0/CidrIpv6",
    },
    {
      field: "CidrIp",
      snapshot: {
        SecurityGroups: [
          { GroupId: "sg-1", IpPermissions: [{ IpProtocol: "-1", IpRanges: [{}] }] },
        ],
      },
      pointer: "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp",
    },
    {
      field: "SubnetId",
      snapshot: { NetworkInterfaces: [{ NetworkInterfaceId: "eni-1" }] },
      pointer: "/NetworkInterfaces/0/SubnetId",
    },
    {
      field: "SubnetId",
      snapshot: {
        NetworkAcls: [
          { NetworkAclId: "acl-1", Entries: [], Associations: [{ NetworkAclId: "acl-1" }] },
        ],
      },
      pointer: "/NetworkAcls/0/Associations/0/SubnetId",
    },
    {
      field: "State",
      snapshot: { Reservations: [{ Instances: [{ InstanceId: "i-1" }] }] },
      pointer: "/Reservations/0/Instances/0/State",
    },
    {
      field: "Name",
      snapshot: { Reservations: [{ Instances: [{ InstanceId: "i-1", State: { Code: 16 } }] }] },
      pointer: "/Reservations/0/Instances/0/State/Name",
    },
  ])("rejects a missing $field", async ({ field, snapshot, pointer }) => {
    const file = await fixture("missing.json", { SnapshotVersion: 1, ...snapshot });
    const error = await loadError([file]);

    expect(error.message).toContain(`  ${pointer}: found nothing, expected the field ${field}\n`);
  });

  it("rejects a running instance without SubnetId", async () => {
    const instances = [{ InstanceId: "i-1", State: { Name: "running" } }];
    const file = await fixture("instance.json", {
      SnapshotVersion: 1,
      Reservations: [{ Instances: instances }],
    });
    const error = await loadError([file]);

    expect(error.message).toContain(
      "  /Reservations/0/Instances/0/SubnetId: found nothing, expected the id of the subnet " +
        "of this running instance\n",
    );
  });

  it("accepts a terminated instance without SubnetId", async () => {
    const instances = [{ InstanceId: "i-1", State: { Name: "terminated" } }];
    const file = await fixture("terminated.json", {
      SnapshotVersion: 1,
      Reservations: [{ Instances: instances }],
    });
    const { snapshot } = await loadSnapshotFiles([file]);

    expect(snapshot.Reservations?.[0]?.Instances).toEqual(instances);
  });

  it.each([
    {
      name: "a route without a destination",
      table: {
        RouteTableId: "rtb-1",
        Routes: [{ NatGatewayId: "nat-1", State: "active" }],
        Associations: [],
      },
      problem:
        '/RouteTables/0/Routes/0: found {"NatGatewayId":"nat-1","State":"active"}, expected ' +
        "one of the fields DestinationCidrBlock, DestinationIpv6CidrBlock, " +
        "DestinationPrefixListId",
    },
    {
      name: "a route table association without a subnet",
      table: {
        RouteTableId: "rtb-1",
        Routes: [],
        Associations: [{ Main: false, RouteTableId: "rtb-1" }],
      },
      problem:
        '/RouteTables/0/Associations/0: found {"Main":false,"RouteTableId":"rtb-1"}, expected ' +
        "one of the fields SubnetId, GatewayId, PublicIpv4Pool",
    },
  ])("rejects $name", async ({ table, problem }) => {
    const file = await fixture("route.json", { SnapshotVersion: 1, RouteTables: [table] });
    const error = await loadError([file]);

    expect(error.message).toBe(
      `${file}: invalid snapshot:\n  ${problem}\n` +
        "Fix these values or re-export the file with the AWS CLI's --output json.",
    );
  });

  it.each([
    {
      name: "a route to a prefix list",
      table: {
        RouteTableId: "rtb-1",
        Routes: [{ DestinationPrefixListId: "pl-1", NatGatewayId: "nat-1" }],
        Associations: [],
      },
    },
    {
      name: "a main route table association",
      table: {
        RouteTableId: "rtb-1",
        Routes: [],
        Associations: [{ Main: true, RouteTableId: "rtb-1" }],
      },
    },
    {
      name: "a public IPv4 pool association",
      table: {
        RouteTableId: "rtb-1",
        Routes: [],
        Associations: [
          { Main: false, RouteTableId: "rtb-1", PublicIpv4Pool: "ipv4pool-ec2-0123456789abcdef0" },
        ],
      },
    },
  ])("accepts $name", async ({ table }) => {
    const file = await fixture("list-route.json", { SnapshotVersion: 1, RouteTables: [table] });

    expect((await loadSnapshotFiles([file])).snapshot.RouteTables).toEqual([table]);
  });

  it.each([
    ["FromPort", 70000],
    ["ToPort", -2],
    ["ToPort", 1e23],
  ])("rejects a rule's %s of %d", async (field, port) => {
    const rule = { IpProtocol: "tcp", FromPort: 443, ToPort: 443, [field]: port };
    const group = { GroupId: "sg-1", IpPermissions: [], IpPermissionsEgress: [rule] };
    const file = await fixture(`port-${port}.json`, { SecurityGroups: [group] });
    const error = await loadError([file]);
    expect(error.message).toContain(
      `/SecurityGroups/0/IpPermissionsEgress/0/${field}: found ${JSON.stringify(port)}, ` +
        "expected a port, or an ICMP type or code, from -1 to 65535",
    );
  });

  it("rejects a network ACL port of 65536", async () => {
    const entry = {
      RuleNumber: 100,
      Protocol: "6",
      RuleAction: "allow",
      Egress: true,
      Ipv6CidrBlock: "::/0",
      PortRange: { From: 443, To: 65536 },
    };
    const acl = { NetworkAclId: "acl-1", Entries: [entry], Associations: [] };
    const file = await fixture("acl-port.json", { NetworkAcls: [acl] });
    const error = await loadError([file]);
    expect(error.message).toContain(
      "/NetworkAcls/0/Entries/0/PortRange/To: found 65536, expected a port from 0 to 65535",
    );
  });

  it("accepts ports at the limits", async () => {
    const rules = [
      { IpProtocol: "icmpv6", FromPort: -1, ToPort: -1 },
      { IpProtocol: "tcp", FromPort: 0, ToPort: 65535 },
    ];
    const group = { GroupId: "sg-1", IpPermissions: rules, IpPermissionsEgress: [] };
    const file = await fixture("port-limits.json", { SecurityGroups: [group] });

    expect((await loadSnapshotFiles([file])).snapshot.SecurityGroups).toEqual([group]);
  });

  it("accepts a security group rule of every protocol without ports", async () => {
    const group = { GroupId: "sg-1", IpPermissionsEgress: [{ IpProtocol: "-1" }] };
    const file = await fixture("all.json", { SnapshotVersion: 1, SecurityGroups: [group] });

    expect((await loadSnapshotFiles([file])).snapshot.SecurityGroups).toEqual([group]);
  });

  // Read as all ports, a TCP or UDP entry without its ports could hide a block.
  it.each([
    { protocol: "6", entry: {}, field: "PortRange", pointer: "/NetworkAcls/0/Entries/0/PortRange" },
    {
      protocol: "17",
      entry: {},
      field: "PortRange",
      pointer: "/NetworkAcls/0/Entries/0/PortRange",
    },
    {
      protocol: "6",
      entry: { PortRange: { From: 443 } },
      field: "To",
      pointer: "/NetworkAcls/0/Entries/0/PortRange/To",
    },
  ])(
    "rejects a network ACL entry of protocol $protocol without $field",
    async ({ protocol, entry, field, pointer }) => {
      const acl = {
        NetworkAclId: "acl-1",
        Entries: [{ RuleNumber: 100, Protocol: protocol, RuleAction: "allow", ...entry }],
        Associations: [],
      };
      const file = await fixture("ports.json", { SnapshotVersion: 1, NetworkAcls: [acl] });
      const error = await loadError([file]);

      expect(error.message).toBe(
        `${file}: invalid snapshot:\n` +
          `  ${pointer}: found nothing, expected the field ${field}\n` +
          "Fix these values or re-export the file with the AWS CLI's --output json.",
      );
    },
  );

  it("accepts a network ACL entry of every protocol without PortRange", async () => {
    const acl = {
      NetworkAclId: "acl-1",
      Entries: [{ RuleNumber: 100, Protocol: "-1", RuleAction: "allow", CidrBlock: "0.0.0.0/0" }],
      Associations: [],
    };
    const file = await fixture("all.json", { SnapshotVersion: 1, NetworkAcls: [acl] });

    expect((await loadSnapshotFiles([file])).snapshot.NetworkAcls).toEqual([acl]);
  });
});

describe("prefix families", () => {
  it.each(WRONG_FAMILY)("rejects $label", async ({ snapshot, pointer, value, expected }) => {
    const file = await fixture("family.json", { SnapshotVersion: 1, ...(snapshot as object) });
    const error = await loadError([file]);
    expect(error.message).toBe(
      `${file}: invalid snapshot:\n` +
        `  ${pointer}: found ${JSON.stringify(value)}, expected ${expected}\n` +
        "Fix these values or re-export the file with the AWS CLI's --output json.",
    );
  });

  it("accepts prefixes of the expected family", async () => {
    const snapshot = {
      SnapshotVersion: 1,
      Vpcs: [
        {
          VpcId: "vpc-1",
          CidrBlock: "10.0.0.0/16",
          CidrBlockAssociationSet: [{ CidrBlock: "10.0.0.0/16" }],
          Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "2001:db8:1234:1a00::/56" }],
        },
      ],
      Subnets: [
        {
          ...subnetA,
          Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "2001:db8:1234:1a01::/64" }],
        },
      ],
      RouteTables: [
        {
          RouteTableId: "rtb-1",
          Routes: [
            { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-1" },
            { DestinationIpv6CidrBlock: "64:ff9b::/96", NatGatewayId: "nat-1" },
          ],
          Associations: [],
        },
      ],
      SecurityGroups: [
        {
          GroupId: "sg-1",
          IpPermissions: [
            permission({
              IpRanges: [{ CidrIp: "10.0.0.0/8" }],
              Ipv6Ranges: [{ CidrIpv6: "::ffff:10.1.1.0/120" }],
            }),
          ],
        },
      ],
      NetworkAcls: [
        {
          NetworkAclId: "acl-1",
          Entries: [{ CidrBlock: "0.0.0.0/0" }, { Ipv6CidrBlock: "::/0" }],
          Associations: [],
        },
      ],
      ManagedPrefixLists: [
        { PrefixListId: "pl-1", Entries: [{ Cidr: "10.0.0.0/8" }, { Cidr: "2001:db8::/32" }] },
      ],
    };
    const file = await fixture("families.json", snapshot);
    expect((await loadSnapshotFiles([file])).snapshot).toEqual(snapshot);
  });

  it("accepts prefixes still being associated", async () => {
    const vpc = {
      VpcId: "vpc-1",
      CidrBlockAssociationSet: [{ CidrBlock: "" }],
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "" }],
    };
    const subnet = { ...subnetA, Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "" }] };
    const file = await fixture("associating.json", { Vpcs: [vpc], Subnets: [subnet] });
    const loaded = await loadSnapshotFiles([file]);
    expect(loaded.snapshot.Vpcs).toEqual([vpc]);
    expect(loaded.snapshot.Subnets).toEqual([subnet]);
  });
});

/**
 * Published example outputs that vpc-lint does not read, and why: none of them is a Describe*,
 * Create* or DescribeVpcAttribute output of a section vpc-lint lints.
 */
const REJECTED_CORPUS_FILES: Record<string, string> = {
  "aws-cli-associate-subnet-cidr-block-ipv6.json":
    "found an object with keys SubnetId, Ipv6CidrBlockAssociation",
  "aws-cli-associate-vpc-cidr-block-ipv6.json":
    "found an object with keys Ipv6CidrBlockAssociation, VpcId",
  "aws-cli-describe-dhcp-options-filtered.json": "found a JSON array",
  "aws-cli-describe-security-group-rules-ipv6.json": "found an object with keys SecurityGroupRules",
  "aws-cli-modify-instance-metadata-options-ipv6.json":
    "found an object with keys InstanceId, InstanceMetadataOptions",
};

const corpusFiles = HAS_CORPUS
  ? (await readdir(CORPUS)).filter((name) => name.endsWith(".json")).sort()
  : [];

describe.skipIf(!HAS_CORPUS)(
  HAS_CORPUS
    ? "published AWS example outputs"
    : "published AWS example outputs: skipped because the corpus directory is absent",
  () => {
    it("has example files to read", () => {
      expect(corpusFiles.length).toBeGreaterThan(0);
    });

    it.each(corpusFiles)("%s loads or is rejected with its shape named", async (name) => {
      const file = join(CORPUS, name);
      const reason = REJECTED_CORPUS_FILES[name];
      if (reason) {
        const error = await loadError([file]);
        expect(error.message).toMatch(
          new RegExp(`^${escape(file)}: unsupported input: ${escape(reason)}`),
        );
        return;
      }
      const loaded = await loadSnapshotFiles([file]);
      expect(loaded.files).toEqual([file]);
      const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });
      expect(result.executionErrors).toEqual([]);
    });

    it("loads as one directory, skipping the rejected files", async () => {
      const loaded = await loadSnapshotFiles([CORPUS]);
      const skipped = loaded.warnings
        .filter((warning) => warning.includes(": skipped, "))
        .map((warning) => warning.slice(CORPUS.length + 1).split(":")[0])
        .sort();
      expect(skipped).toEqual(Object.keys(REJECTED_CORPUS_FILES).sort());
      const result = runLint([{ snapshot: loaded.snapshot }], { settings: DEFAULT_SETTINGS });
      expect(result.executionErrors).toEqual([]);
    });
  },
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
