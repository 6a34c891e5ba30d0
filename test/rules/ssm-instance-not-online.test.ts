import { describe, expect, it } from "vitest";
import type { PingStatus } from "@aws-sdk/client-ssm";
import { publicNat64, snapshot } from "../builder.js";
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
});
