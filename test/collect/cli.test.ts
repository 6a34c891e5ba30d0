/**
 * The built command line against a local HTTP server that imitates EC2 and SSM. The CLI reaches it
 * through AWS_ENDPOINT_URL, signs with dummy credentials and never leaves the machine.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { CLI, ROOT, type CliRun } from "../helpers.js";
import { ec2Body, ec2Error, FakeAws, VPC_ID, type Override } from "./transport.js";
import { ACCESS_KEY, SECRET_KEY } from "./world.js";

let server: Server;
let endpoint: string;
let fake: FakeAws;
let override: Override = () => undefined;
let directory: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    void respond(request).then(({ status, headers, body }) => {
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  override = () => undefined;
  fake = new FakeAws((operation, attempt, request) => override(operation, attempt, request));
  directory = mkdtempSync(join(tmpdir(), "vpc-lint-cli-"));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Passes a request from the socket to the fake transport and returns its response. */
async function respond(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
  );
  const { response } = await fake.handler.handle({
    protocol: "http:",
    hostname: "127.0.0.1",
    port: (server.address() as AddressInfo).port,
    path: request.url ?? "/",
    headers,
    body: Buffer.concat(chunks).toString("utf8"),
  });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

/** Runs the built CLI without blocking, so the in-process server can respond. */
function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        NO_COLOR: "1",
        HOME: directory,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: join(directory, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(directory, "credentials"),
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

describe("vpc-lint collect", () => {
  it("writes the snapshot file", async () => {
    const output = join(directory, "snapshot.json");

    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", output]);

    expect(run.stderr).toContain(`wrote ${output}`);
    expect(run.status).toBe(0);
    const snapshot = JSON.parse(readFileSync(output, "utf8")) as Snapshot;
    expect(snapshot.Source?.VpcIds).toEqual([VPC_ID]);
    expect(snapshot.Subnets?.[0]?.SubnetId).toBe("subnet-0a1b2c3d4e5f60001");
    expect(snapshot.Errors).toBeUndefined();
  });

  it("logs progress to stderr and nothing to stdout", async () => {
    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", join(directory, "s.json")]);

    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`collecting ${VPC_ID} in us-east-1`);
    expect(run.stderr).toContain("DescribeSubnets: 1 page, 1 item");
    expect(run.stderr).not.toContain(SECRET_KEY);
  });

  it("counts failed calls in its last line", async () => {
    const denied = ec2Error("UnauthorizedOperation", "You are not authorized.", 403);
    override = (operation) => (operation === "DescribeInstances" ? denied : undefined);
    const output = join(directory, "snapshot.json");

    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", output]);

    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`wrote ${output} (1 call failed; see Errors)`);
    const snapshot = JSON.parse(readFileSync(output, "utf8")) as Snapshot;
    expect(snapshot.Errors?.map((error) => error.Operation)).toEqual(["DescribeInstances"]);
    expect(snapshot).not.toHaveProperty("Reservations");
  });

  it("writes -o - to standard output", async () => {
    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", "-"], {}, directory);

    expect(run.status).toBe(0);
    const snapshot = JSON.parse(run.stdout) as Snapshot;
    expect(snapshot.Source?.VpcIds).toEqual([VPC_ID]);
    expect(run.stderr).toContain("wrote standard output\n");
    expect(existsSync(join(directory, "-"))).toBe(false);
  });

  it("exits 2 for a VPC that does not exist", async () => {
    const run = await runCliAsync(["collect", "--vpc", "vpc-0000000000000dead", "-o", "x.json"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: VPC vpc-0000000000000dead not found in us-east-1");
    expect(run.stderr).not.toContain("    at ");
  });

  it("exits 2 without credentials", async () => {
    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", "x.json"], {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
    });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: could not load AWS credentials");
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects an unwritable -o before collecting", async () => {
    const output = join(directory, "missing", "snapshot.json");

    const run = await runCliAsync(["collect", "--vpc", VPC_ID, "-o", output]);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `vpc-lint: ${output}: cannot write the file (ENOENT); check that its directory exists ` +
        "and is writable\n",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects an unwritable report before collecting", async () => {
    const report = join(directory, "missing", "report.json");

    const run = await runCliAsync(["--vpc", VPC_ID, "--format", `json=${report}`]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`vpc-lint: ${report}: cannot write the file (ENOENT)`);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("vpc-lint collect across Regions", () => {
  it("writes one file per Region", async () => {
    const output = join(directory, "snapshot.json");

    const run = await runCliAsync([
      "collect",
      "--all-vpcs",
      "--region",
      "us-east-1,eu-west-1",
      "-o",
      output,
    ]);

    expect(run.status).toBe(0);
    for (const region of ["us-east-1", "eu-west-1"]) {
      const path = join(directory, `snapshot.${region}.json`);
      expect(run.stderr).toContain(`wrote ${path}`);
      const snapshot = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
      expect(snapshot.Source?.Region).toBe(region);
      expect(snapshot.Source?.VpcIds).toEqual([VPC_ID]);
    }
  });

  it("prefixes each progress line with its Region", async () => {
    const output = join(directory, "snapshot.json");

    const run = await runCliAsync([
      "collect",
      "--all-vpcs",
      "--region",
      "us-east-1,eu-west-1",
      "-o",
      output,
    ]);

    expect(run.stderr).toContain(`[eu-west-1] collecting ${VPC_ID} in eu-west-1`);
    expect(run.stderr).toContain(`[us-east-1] collecting ${VPC_ID} in us-east-1`);
  });

  it("lists the VPCs with an unfiltered DescribeVpcs", async () => {
    const run = await runCliAsync(["collect", "--all-vpcs", "-o", join(directory, "s.json")]);

    expect(run.status).toBe(0);
    const describeVpcs = fake.requests.filter((request) => request.operation === "DescribeVpcs");
    expect(describeVpcs).toHaveLength(1);
    expect(describeVpcs[0]?.params.get("Filter.1.Name")).toBeNull();
  });

  it("reports each Region as its own source", async () => {
    const run = await runCliAsync([
      "--all-vpcs",
      "--region",
      "us-east-1,eu-west-1",
      "--format",
      "json",
      "--fail-on",
      "never",
    ]);

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { source: Array<{ region: string }> };
    expect(report.source.map((source) => source.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("stops every Region when one fails", async () => {
    override = (operation, _attempt, request) =>
      operation === "DescribeVpcs" && request.region === "eu-west-1"
        ? ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation.")
        : undefined;

    const run = await runCliAsync(
      ["collect", "--all-vpcs", "--region", "us-east-1,eu-west-1", "-o", "snapshot.json"],
      {},
      directory,
    );

    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^vpc-lint: DescribeVpcs in eu-west-1 failed/);
    expect(run.stderr).not.toContain("[us-east-1] collection finished");
    expect(readdirSync(directory)).toEqual([]);
  });

  it("rejects -o - with several Regions", async () => {
    const run = await runCliAsync(
      ["collect", "--all-vpcs", "--region", "us-east-1,eu-west-1", "-o", "-"],
      {},
      directory,
    );

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "vpc-lint: collect -o - writes one snapshot to standard output, but --region names 2 Regions",
    );
    expect(fake.requests).toHaveLength(0);
    expect(readdirSync(directory)).toEqual([]);
  });

  describe("--vpc with several Regions", () => {
    const regions = ["--region", "us-east-1,eu-west-1"];
    /** Returns no VPC from DescribeVpcs in eu-west-1, so the VPC is in us-east-1 only. */
    const onlyInUsEast1: Override = (operation, _attempt, request) =>
      operation === "DescribeVpcs" && request.region === "eu-west-1"
        ? { status: 200, body: ec2Body("DescribeVpcs", "<vpcSet/>") }
        : undefined;

    it("lints the VPC in the Region that has it", async () => {
      override = onlyInUsEast1;

      const run = await runCliAsync(
        ["--vpc", VPC_ID, ...regions, "--format", "json", "--fail-on", "never"],
        {},
        directory,
      );

      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { source: Array<{ region: string }> };
      expect(report.source.map((source) => source.region)).toEqual(["us-east-1"]);
      expect(run.stderr).toContain(`[eu-west-1] ${VPC_ID}: not in eu-west-1`);
      expect(run.stderr).toContain(`[us-east-1] collecting ${VPC_ID} in us-east-1`);
    });

    it("looks the VPCs up by the vpc-id filter", async () => {
      override = onlyInUsEast1;

      await runCliAsync(["--vpc", VPC_ID, ...regions, "--fail-on", "never"], {}, directory);

      const lookups = fake.requests.filter(
        (request) => request.operation === "DescribeVpcs" && request.region === "eu-west-1",
      );
      expect(lookups).toHaveLength(1);
      expect(lookups[0]?.params.get("Filter.1.Name")).toBe("vpc-id");
      expect(lookups[0]?.params.get("Filter.1.Value.1")).toBe(VPC_ID);
      const euWest1 = fake.requests.filter((request) => request.region === "eu-west-1");
      expect(euWest1.map((request) => request.operation)).toEqual(["DescribeVpcs"]);
    });

    it("writes a file for the Region that has the VPC", async () => {
      override = onlyInUsEast1;
      const output = join(directory, "snapshot.json");

      const run = await runCliAsync(["collect", "--vpc", VPC_ID, ...regions, "-o", output]);

      expect(run.status).toBe(0);
      expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toEqual([
        "snapshot.us-east-1.json",
      ]);
      expect(run.stderr).toContain(`wrote ${join(directory, "snapshot.us-east-1.json")}`);
    });

    it("rejects a VPC that no Region has", async () => {
      override = (operation) =>
        operation === "DescribeVpcs"
          ? { status: 200, body: ec2Body("DescribeVpcs", "<vpcSet/>") }
          : undefined;

      const run = await runCliAsync(
        ["collect", "--vpc", VPC_ID, ...regions, "-o", join(directory, "snapshot.json")],
        {},
        directory,
      );

      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `vpc-lint: VPC ${VPC_ID} not found in us-east-1, eu-west-1: check the id, the Regions ` +
          "in --region and the account the credentials belong to\n",
      );
      expect(readdirSync(directory).filter((name) => name.endsWith(".json"))).toEqual([]);
    });

    it("stops when a Region's lookup fails", async () => {
      override = (operation, _attempt, request) =>
        operation === "DescribeVpcs" && request.region === "eu-west-1"
          ? ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation.")
          : undefined;

      const run = await runCliAsync(["--vpc", VPC_ID, ...regions], {}, directory);

      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        "DescribeVpcs in eu-west-1 failed with UnauthorizedOperation: You are not authorized to " +
          `perform this operation, so whether eu-west-1 has ${VPC_ID} is unknown. Grant ` +
          "ec2:DescribeVpcs, or leave eu-west-1 out of the Regions.",
      );
    });
  });

  it("accepts --vpc with a Region named twice", async () => {
    const output = join(directory, "snapshot.json");

    const run = await runCliAsync([
      "collect",
      "--vpc",
      VPC_ID,
      "--region",
      "eu-west-1,eu-west-1",
      "-o",
      output,
    ]);

    expect(run.status).toBe(0);
    const snapshot = JSON.parse(readFileSync(output, "utf8")) as Snapshot;
    expect(snapshot.Source?.Region).toBe("eu-west-1");
    expect(snapshot.Source?.VpcIds).toEqual([VPC_ID]);
  });

  it("rejects --vpc with --all-vpcs", async () => {
    const run = await runCliAsync(["--vpc", VPC_ID, "--all-vpcs"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--vpc and --all-vpcs cannot be combined");
  });

  it.each(["vpc-ef5e66", "vpc-0a1b2c3d4e5f678901", "vpc-0A1B2C3D"])(
    "rejects the malformed id %s",
    async (id) => {
      const run = await runCliAsync(["--vpc", id]);

      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`--vpc ${id} is not a VPC id`);
    },
  );

  it("accepts an id of 8 digits", async () => {
    const run = await runCliAsync(["collect", "--vpc", "vpc-0a1b2c3d", "-o", "-"]);

    expect(run.stderr).not.toContain("is not a VPC id");
  });

  it("rejects a Region that is not a name", async () => {
    const run = await runCliAsync(["--vpc", VPC_ID, "--region", "us-east-1,Europe"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--region Europe is not an AWS Region name");
  });
});

describe("vpc-lint --vpc", () => {
  it("lints the live VPC", async () => {
    const run = await runCliAsync(["--vpc", VPC_ID, "--format", "json", "--fail-on", "never"]);

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      source: Array<{ vpcIds: string[]; region: string }>;
    };
    expect(report.source[0]?.vpcIds).toEqual([VPC_ID]);
    expect(report.source[0]?.region).toBe("us-east-1");
  });
});
