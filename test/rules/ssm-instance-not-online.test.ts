import { describe, expect, it } from "vitest";
import type { PingStatus } from "@aws-sdk/client-ssm";
import { join } from "node:path";
import { DEFAULT_SETTINGS, runLint } from "../../src/run.js";
import { loadSnapshotFiles } from "../../src/snapshot/loader.js";
import { publicNat64, snapshot } from "../builder.js";
import { EXAMPLES } from "../helpers.js";
import { lintRule } from "./harness.js";

const RULE = "ssm-instance-not-online";

/** Builds the public NAT64 design whose one instance reports the given PingStatus. */
function withPingStatus(status: PingStatus | undefined) {
  const input = snapshot(publicNat64());
  const info = input.InstanceInformationList?.[0];
  if (!info) throw new Error("the design has no agent entry");
  if (status === undefined) delete info.PingStatus;
  else info.PingStatus = status;
  return input;
}

describe(RULE, () => {
  it("passes an online agent", () => {
    const result = lintRule(RULE, withPingStatus("Online"));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("flags ConnectionLost", () => {
    const [finding, ...rest] = lintRule(RULE, withPingStatus("ConnectionLost")).findings;
    expect(rest).toEqual([]);
    expect(finding?.messageId).toBe("connectionLost");
    expect(finding?.severity).toBe("error");
    expect(finding?.resource.id).toBe("i-app1");
  });

  it("flags an Inactive agent", () => {
    const [finding, ...rest] = lintRule(RULE, withPingStatus("Inactive")).findings;
    expect(rest).toEqual([]);
    expect(finding?.messageId).toBe("notOnline");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toContain("has PingStatus Inactive, not Online.");
    expect(finding?.evidence).toContainEqual({
      resourceId: "i-app1",
      attribute: "PingStatus",
      value: "Inactive",
    });
  });

  it("skips an entry without PingStatus", () => {
    const result = lintRule(RULE, withPingStatus(undefined));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ ruleId: RULE, resourceIds: ["i-app1"] }),
    ]);
  });

  it.each([
    ["names the rule behind the break", new Map(), true],
    [
      "leaves out a rule the config turns off",
      new Map([["dhcp-custom-dns-servers", "off"]]),
      false,
    ],
  ] as const)("%s", async (_, severities, named) => {
    const { snapshot: broken } = await loadSnapshotFiles([join(EXAMPLES, "broken-nat64.json")]);
    const result = runLint([{ snapshot: broken }], {
      settings: DEFAULT_SETTINGS,
      severities: new Map(severities),
    });
    const finding = result.findings.find((item) => item.ruleId === RULE);
    expect(finding?.message).toBeDefined();
    expect(finding?.message.includes("links that dhcp-custom-dns-servers reports")).toBe(named);
  });
});
