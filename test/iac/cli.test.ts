import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { placeholderId } from "../../src/iac/placeholders.js";
import { runCli } from "../helpers.js";
import { fixture, locationPath } from "./helpers.js";

interface JsonReport {
  findings: {
    ruleId: string;
    resource: { id: string };
    evidence: { attribute: string; value: unknown }[];
  }[];
  source: { files?: string[]; region?: string }[];
}

interface SarifReport {
  runs: {
    results: {
      ruleId: string;
      locations?: {
        physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } };
      }[];
    }[];
  }[];
}

function ruleIds(report: JsonReport): string[] {
  return report.findings.map((finding) => finding.ruleId);
}

describe("vpc-lint --template", () => {
  it("exits 1 with the NAT64 finding", () => {
    const run = runCli(["--template", fixture("ipv6-only-dns64.yaml"), "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(run.status).toBe(1);
    expect(ruleIds(report)).toEqual(["nat64-route-missing"]);
    expect(report.findings[0]?.resource.id).toBe(placeholderId("subnet", "AppSubnet"));
    expect(report.source[0]?.files).toEqual([fixture("ipv6-only-dns64.yaml")]);
  });

  it("exits 0 once the parameters add the route", () => {
    const run = runCli([
      "--template",
      fixture("ipv6-only-dns64.yaml"),
      "--parameters",
      fixture("nat64-on.cli.json"),
      "--region",
      "eu-west-1",
      "--format",
      "json",
    ]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(run.status).toBe(0);
    expect(ruleIds(report)).toEqual([]);
    expect(report.source[0]?.region).toBe("eu-west-1");
  });

  it("points SARIF results at the logical id line", () => {
    const run = runCli(["--template", fixture("ipv6-only-dns64.yaml"), "--format", "sarif"]);
    const result = (JSON.parse(run.stdout) as SarifReport).runs[0]?.results[0];
    const location = result?.locations?.[0]?.physicalLocation;

    expect(result?.ruleId).toBe("nat64-route-missing");
    expect(location?.artifactLocation.uri).toBe(locationPath("ipv6-only-dns64.yaml"));
    expect(location?.region?.startLine).toBe(90);
  });

  it("names the logical id in the text report", () => {
    const run = runCli(["--template", fixture("ipv6-only-dns64.yaml")]);

    expect(run.stdout).toContain(
      `  subnet ${placeholderId("subnet", "AppSubnet")} (app-a), from AppSubnet\n`,
    );
  });

  it("names the plan address in the Markdown report", () => {
    const run = runCli([
      "--terraform-plan",
      fixture("plan-dns64-missing.json"),
      "--format",
      "markdown",
    ]);
    const subnetId = placeholderId("subnet", "module.vpc.aws_subnet.private[0]");

    expect(run.stdout).toContain(
      `#### \`subnet ${subnetId}\` (private-a), from \`module.vpc.aws_subnet.private[0]\` in vpc-`,
    );
  });

  it("warns about unresolved values and notes them", () => {
    const run = runCli(["--template", fixture("unresolved.yaml"), "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;
    const notes = report.findings.flatMap((finding) =>
      finding.evidence.filter((item) => item.attribute === "NOTE"),
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("warning: ");
    expect(run.stderr).toContain("resource AppSubnet property EnableDns64: Fn::ImportValue");
    expect(notes.length).toBeGreaterThan(0);
  });

  it("exits 0 for a NAT from another stack", () => {
    const run = runCli(["--template", fixture("shared-vpc-nat.yaml")]);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain("0 errors, 0 warnings, 0 info in 1 VPC;");
    expect(run.stderr).toContain("nat64-route-blackhole for ");
    expect(run.stderr).toContain("State of nat-0123456789abcdef0 is not in the snapshot");
    expect(run.stderr).toContain("which the input does not declare; its state is unknown");
  });

  it("says the template defines no instances", () => {
    const run = runCli(["--template", fixture("ipv6-only-dns64.yaml")]);

    expect(run.stderr).toContain(
      "instance-imds-ipv6-disabled, ssm-instance-not-online: the template defines nothing for Reservations",
    );
    expect(run.stderr).not.toContain("was not collected");
  });

  it("exits 2 on a file that is not a template", () => {
    const run = runCli(["--template", fixture("not-cloudformation.yaml")]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "not a CloudFormation template: expected a top-level Resources map",
    );
    expect(run.stdout).toBe("");
  });

  it.each([
    ["--format json=", (file: string) => ["--format", `json=${file}`]],
    ["-o", (file: string) => ["--format", "json", "-o", file]],
    ["--write-baseline", (file: string) => ["--write-baseline", file]],
  ])("keeps the --parameters file that %s names", async (_flag, output) => {
    const folder = await mkdtemp(join(tmpdir(), "vpc-lint-parameters-"));
    const parameters = join(folder, "prod.json");
    const content = await readFile(fixture("nat64-on.cli.json"), "utf8");
    await writeFile(parameters, content);
    const run = runCli([
      "--template",
      fixture("ipv6-only-dns64.yaml"),
      "--parameters",
      parameters,
      ...output(parameters),
    ]);
    const after = await readFile(parameters, "utf8");
    await rm(folder, { recursive: true, force: true });

    expect(run.stderr).toContain(`names the same file as the input file ${parameters}`);
    expect(run.status).toBe(2);
    expect(after).toBe(content);
  });
});

describe("vpc-lint --terraform-plan", () => {
  it("exits 1 with a finding per private subnet", () => {
    const run = runCli([
      "--terraform-plan",
      fixture("plan-dns64-missing.json"),
      "--format",
      "json",
    ]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(run.status).toBe(1);
    expect(ruleIds(report).filter((id) => id === "nat64-route-missing")).toHaveLength(2);
  });

  it("reports no NAT64 gap in the fixed plan", () => {
    const run = runCli(["--terraform-plan", fixture("plan-dns64-fixed.json"), "--format", "json"]);
    const report = JSON.parse(run.stdout) as JsonReport;

    expect(ruleIds(report)).not.toContain("nat64-route-missing");
    expect(report.source[0]?.region).toBe("eu-west-1");
  });

  it("says the plan defines no SSM registrations", () => {
    const run = runCli([
      "--terraform-plan",
      fixture("plan-dns64-missing.json"),
      "--format",
      "json",
    ]);
    const report = JSON.parse(run.stdout) as { skipped: { ruleId: string; reason: string }[] };
    const skip = report.skipped.find((item) => item.ruleId === "ssm-instance-not-online");

    expect(skip?.reason).toBe("the plan defines nothing for InstanceInformationList");
  });

  it("points SARIF results at the plan file", () => {
    const run = runCli([
      "--terraform-plan",
      fixture("plan-dns64-missing.json"),
      "--format",
      "sarif",
    ]);
    const results = (JSON.parse(run.stdout) as SarifReport).runs[0]?.results ?? [];
    const nat64 = results.find((result) => result.ruleId === "nat64-route-missing");

    expect(nat64?.locations?.[0]?.physicalLocation?.artifactLocation.uri).toBe(
      locationPath("plan-dns64-missing.json"),
    );
    expect(nat64?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(1);
  });
});

describe("vpc-lint input kinds", () => {
  it.each([
    [
      ["--template", "a.yaml", "--snapshot", "b.json"],
      "--snapshot and --template cannot be combined",
    ],
    [
      ["--template", "a.yaml", "--terraform-plan", "b.json"],
      "--template and --terraform-plan cannot be combined",
    ],
    [
      ["--terraform-plan", "b.json", "--vpc", "vpc-0a1b2c3d4e5f60001"],
      "--vpc and --terraform-plan cannot be combined",
    ],
    [["--snapshot", "b.json", "--parameters", "p.json"], "--parameters applies only to --template"],
    [["--template", "a.yaml", "--account", "12345"], "--account 12345 is not an account id"],
    [
      ["--terraform-plan", "b.json", "--region", "us-east-1,eu-west-1"],
      "--region us-east-1,eu-west-1 names several Regions, but --terraform-plan is linted in one",
    ],
  ])("rejects %j", (args, message) => {
    const run = runCli(args);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("names the new flags when nothing is given", () => {
    const run = runCli([]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--template FILE");
    expect(run.stderr).toContain("--terraform-plan FILE");
  });
});
