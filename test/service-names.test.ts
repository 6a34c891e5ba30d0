import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const PRIVATE = "examples/private-nat64-endpoints.json";

function reachability(stdout: string): { subnetId: string; service: string }[] {
  return (JSON.parse(stdout) as { reachability: { subnetId: string; service: string }[] })
    .reachability;
}

describe("service names on the command line", () => {
  it("read upper case as the endpoint's lower-case name", () => {
    const upper = runCli(["--snapshot", PRIVATE, "--require-service", "SSM", "--format", "json"]);
    const lower = runCli(["--snapshot", PRIVATE, "--require-service", "ssm", "--format", "json"]);

    expect(upper.status).toBe(0);
    expect(upper.stdout).toBe(lower.stdout);
  });

  it("split comma-separated lists", () => {
    const run = runCli([
      "--snapshot",
      PRIVATE,
      "--require-service",
      "kms, logs",
      "--format",
      "json",
    ]);
    const services = new Set(reachability(run.stdout).map((entry) => entry.service));

    expect(services.has("kms")).toBe(true);
    expect(services.has("logs")).toBe(true);
    expect([...services].some((service) => service.includes(","))).toBe(false);
  });

  it.each(["no such", "ecr..api", "kms-", "a.-b", "kms."])("reject malformed name %j", (name) => {
    const run = runCli(["--snapshot", PRIVATE, "--require-service", name]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`--require-service ${JSON.stringify(name)} is not a service name`);
  });

  it("point a full endpoint service name at its short name", () => {
    const run = runCli(["--snapshot", PRIVATE, "--require-service", "com.amazonaws.us-east-1.kms"]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("use its short name kms");
  });

  it("explain one service named in capitals", () => {
    const run = runCli([
      "explain",
      "--snapshot",
      PRIVATE,
      "--subnet",
      "subnet-0a1b2c3d4e5f60023",
      "--service",
      "SSM",
    ]);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain("ssm.us-east-1.amazonaws.com");
  });
});
