import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { main } from "../src/command.js";
import { RULES } from "../src/rules/index.js";
import { EXAMPLES } from "./helpers.js";

describe("explain rule runs", () => {
  let printed = "";
  let checks: MockInstance[] = [];

  beforeEach(() => {
    printed = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    checks = RULES.map((rule) => vi.spyOn(rule, "check"));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Returns the ids of the rules whose check ran. */
  const ranRules = () =>
    RULES.filter((_, position) => checks[position]!.mock.calls.length > 0).map((rule) => rule.id);

  it("runs no rule for a working path", async () => {
    const args = ["-s", join(EXAMPLES, "public-nat64.json"), "--service", "ssm"];
    const code = await main(["explain", ...args, "--subnet", "subnet-0a1b2c3d4e5f60012"]);

    expect(code).toBe(0);
    expect(printed).toContain("Every hop works.");
    expect(ranRules()).toEqual([]);
  });

  it("runs only the rule of the broken hop", async () => {
    const args = ["-s", join(EXAMPLES, "broken-nat64.json"), "--service", "ssm"];
    const code = await main(["explain", ...args, "--subnet", "subnet-0a1b2c3d4e5f60033"]);

    expect(code).toBe(1);
    expect(printed).toContain("fix: Add a route 64:ff9b::/96 to a NAT gateway");
    expect(ranRules()).toEqual(["nat64-route-missing"]);
  });
});
