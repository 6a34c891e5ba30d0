import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot, COLLECTED_SECTIONS } from "../../src/collect/collector.js";
import { iamActionOf, sectionInfo } from "../../src/snapshot/sections.js";
import { ROOT } from "../helpers.js";
import { CREDENTIALS, isolateAwsEnvironment, mockWorld, readExample, worldOf } from "./world.js";

const POLICY_PAGE = readFileSync(join(ROOT, "docs", "iam-policy.md"), "utf8");

interface PolicyDocument {
  Statement: Array<{ Effect: string; Action: string[]; Resource: string }>;
}

function policyActions(): string[] {
  const json = /```json\n([\s\S]*?)```/.exec(POLICY_PAGE)?.[1];
  if (!json) throw new Error("docs/iam-policy.md has no json block");
  const policy = JSON.parse(json) as PolicyDocument;
  return policy.Statement.flatMap((statement) => statement.Action);
}

const EXPECTED = COLLECTED_SECTIONS.flatMap((section) => sectionInfo(section).iamActions);

describe("docs/iam-policy.md", () => {
  it("grants exactly the collector's actions", () => {
    expect([...policyActions()].sort()).toEqual([...EXPECTED].sort());
  });

  it.each(EXPECTED)("explains %s in the table", (action) => {
    expect(POLICY_PAGE).toContain(`| \`${action}\` |`);
  });

  it("grants only read actions", () => {
    for (const action of policyActions())
      expect(action).toMatch(/^(ec2|ssm|route53|route53resolver):(Describe|Get|List)[A-Za-z]+$/);
  });
});

describe("collection under the documented policy", () => {
  beforeEach(() => isolateAwsEnvironment());
  afterEach(() => vi.unstubAllEnvs());

  it("calls every documented action and no other", async () => {
    const world = worldOf(readExample("private-nat64-endpoints.json"));
    world.RouteTables[0]!.Routes!.push({ DestinationPrefixListId: "pl-0a1b2c3d4e5f60s3" });
    world.ManagedPrefixLists.push({ PrefixListId: "pl-0a1b2c3d4e5f60s3", Entries: [] });
    const { ec2, ssm, route53, resolver, restore } = mockWorld(world);
    try {
      await collectSnapshot({
        vpcIds: ["vpc-0a1b2c3d4e5f60002"],
        region: "us-east-1",
        concurrency: 4,
        log: () => undefined,
        clientOverrides: { credentials: CREDENTIALS },
      });

      const commands = [ec2, ssm, route53, resolver].flatMap((mock) =>
        mock.calls().map((call) => (call.args[0] as object).constructor.name),
      );
      const actions = new Set(commands.map((name) => iamActionOf(name.replace(/Command$/, ""))));
      expect([...actions].sort()).toEqual([...policyActions()].sort());
    } finally {
      restore();
    }
  });
});
