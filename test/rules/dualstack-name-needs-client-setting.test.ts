import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { ROOT } from "../helpers.js";

const RULE = "dualstack-name-needs-client-setting";

/** The rule page's fixture: an IPv6-only subnet that needs kms, with ::/0 to an attached gateway. */
function fixture(): Snapshot {
  const file = join(ROOT, "docs", "rules", "examples", `${RULE}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as Snapshot;
}

function findings(snapshot: Snapshot): string[] {
  const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
  return result.findings
    .filter((finding) => finding.severity !== "info")
    .map((finding) => `${finding.ruleId} ${finding.severity}`);
}

describe(RULE, () => {
  it("warns that only clients set to use the dual-stack name reach kms", () => {
    const snapshot = fixture();
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const finding = result.findings.find((candidate) => candidate.ruleId === RULE);
    expect(findings(snapshot)).toEqual([`${RULE} warning`]);
    expect(finding?.message).toBe(
      "IPv6-only subnets subnet-0a1b2c3d4e5f6a002 reach kms only at the dual-stack name " +
        "kms.us-east-1.api.aws, since they have no NAT64 path and no interface endpoint for it; " +
        "clients that keep the default name, whose records are A only, cannot connect.",
    );
    expect(finding?.evidence).toEqual([
      { resourceId: "subnet-0a1b2c3d4e5f6a002", attribute: "EnableDns64", value: false },
    ]);
  });

  it("leaves a subnet without the ::/0 route to ipv6-default-route-missing", () => {
    const snapshot = fixture();
    const table = snapshot.RouteTables?.[0];
    if (table)
      table.Routes = table.Routes?.filter((route) => route.DestinationIpv6CidrBlock !== "::/0");
    expect(findings(snapshot)).toEqual(["ipv6-default-route-missing error"]);
  });

  it("leaves workloads that may not send HTTPS over IPv6 to their own rule", () => {
    const snapshot = fixture();
    const group = snapshot.SecurityGroups?.find((candidate) => candidate.GroupName === "app");
    if (group) group.IpPermissionsEgress = [];
    expect(findings(snapshot)).toEqual(["instance-sg-egress-blocks-ipv6 error"]);
  });

  it("warns for ecs at its dual-stack name", () => {
    const snapshot = fixture();
    const tag = snapshot.Subnets?.[0]?.Tags?.find((item) => item.Key === "vpc-lint:services");
    if (tag) tag.Value = "ecs";
    const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });
    const finding = result.findings.find((candidate) => candidate.ruleId === RULE);
    expect(findings(snapshot)).toEqual([`${RULE} warning`]);
    expect(finding?.message).toContain("ecs.us-east-1.api.aws");
  });

  it("stays quiet for a subnet that does not need the service", () => {
    const snapshot = fixture();
    const subnet = snapshot.Subnets?.[0];
    if (subnet) subnet.Tags = subnet.Tags?.filter((tag) => tag.Key !== "vpc-lint:services");
    expect(findings(snapshot)).toEqual([]);
  });
});
