import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { lintSnapshot, render } from "../src/engine/lint.js";
import {
  SEVERITY_RANK,
  defineRule,
  type Finding,
  type Rule,
  type Severity,
} from "../src/engine/types.js";
import { SnapshotIndex } from "../src/index/snapshot-index.js";
import { RULES } from "../src/rules/index.js";
import { DEFAULT_SETTINGS, exitCodeOf, runLint } from "../src/run.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { snapshot, subnet } from "./builder.js";
import { ROOT } from "./helpers.js";

const RULES_DIR = join(ROOT, "src", "rules");

/** Builds a rule that reports one finding per subnet, in the order the snapshot lists them. */
function subnetRule(
  options: { id?: string; text?: string; severity?: Severity; discriminate?: boolean } = {},
): Rule {
  const severity = options.severity ?? "warning";
  return defineRule<"found">({
    id: options.id ?? "test-subnet-rule",
    title: "Test rule",
    description: "Reports every subnet.",
    severity,
    tags: [],
    references: [],
    requires: ["Subnets"],
    messages: {
      found: { severity, text: options.text ?? "Subnet {subnetId} found.", fix: "None." },
    },
    check(context) {
      for (const item of context.index.subnets()) {
        const subnetId = item.SubnetId as string;
        context.report({
          messageId: "found",
          data: { subnetId },
          resource: context.index.ref("subnet", subnetId, item.VpcId, item.Tags),
          ...(options.discriminate && { discriminator: subnetId.slice(-1) }),
        });
      }
    },
  });
}

function throwingRule(id = "test-throwing-rule"): Rule {
  return defineRule<"found">({
    id,
    title: "Test rule that throws",
    description: "Reports, then throws.",
    severity: "error",
    tags: [],
    references: [],
    requires: [],
    messages: { found: { severity: "error", text: "Found.", fix: "None." } },
    check(context) {
      context.report({ messageId: "found", data: {}, resource: { type: "vpc", id: "vpc-0a11" } });
      throw new TypeError("Cannot read properties of undefined (reading 'SubnetId')");
    },
  });
}

const twoSubnets: Snapshot = snapshot({
  Subnets: [
    subnet({ id: "subnet-b", kind: "dual-stack", block: 2 }),
    subnet({ id: "subnet-a", kind: "dual-stack", block: 1 }),
  ],
});

function lint(
  rules: Rule[],
  input: Snapshot = twoSubnets,
  severities?: Map<string, Severity | "off">,
) {
  return lintSnapshot(new SnapshotIndex(input), {
    rules,
    settings: DEFAULT_SETTINGS,
    ...(severities && { severities }),
  });
}

describe("rule that throws", () => {
  it("becomes an execution error and drops its findings", () => {
    const result = lint([throwingRule(), subnetRule()]);
    expect(result.executionErrors).toEqual([
      {
        ruleId: "test-throwing-rule",
        message: "Cannot read properties of undefined (reading 'SubnetId')",
      },
    ]);
    expect(result.findings.map((finding) => finding.ruleId)).toEqual([
      "test-subnet-rule",
      "test-subnet-rule",
    ]);
  });

  it("makes the exit code 2 whatever the threshold", () => {
    const result = runLint([{ snapshot: twoSubnets }], {
      settings: DEFAULT_SETTINGS,
      rules: [throwingRule()],
    });
    expect(exitCodeOf(result, "never", false)).toBe(2);
    expect(exitCodeOf(result, "error", false)).toBe(2);
    expect(exitCodeOf(result, "warning", true)).toBe(2);
  });

  it("counts a report with an unknown message id as a throw", () => {
    const rule = defineRule<"found">({
      ...(subnetRule() as Rule<"found">),
      id: "test-bad-message",
      check(context) {
        context.report({
          messageId: "gone" as "found",
          data: {},
          resource: { type: "vpc", id: "v" },
        });
      },
    });
    const result = lint([rule]);
    expect(result.findings).toEqual([]);
    expect(result.executionErrors).toEqual([
      {
        ruleId: "test-bad-message",
        message: "rule test-bad-message reported unknown message id gone",
      },
    ]);
  });
});

describe("message templates", () => {
  it("fills every placeholder, repeated ones too", () => {
    expect(render("{a} to {b}, then {a}", { a: "x", b: 2 })).toBe("x to 2, then x");
  });

  it("keeps a placeholder without data visible", () => {
    expect(render("route {route} of {tableId}", { route: "::/0" })).toBe("route ::/0 of {tableId}");
  });

  it("inserts values as written, braces and dollar signs included", () => {
    expect(render("[{value}]", { value: "{a} $& $1" })).toBe("[{a} $& $1]");
  });

  it("returns a template without placeholders unchanged", () => {
    expect(render("no placeholders {}", {})).toBe("no placeholders {}");
  });
});

describe("fingerprints", () => {
  const printsOf = (findings: Finding[]) => findings.map((finding) => finding.fingerprint);

  it("stay the same when the message is reworded", () => {
    const before = lint([subnetRule({ text: "Subnet {subnetId} found." })]).findings;
    const after = lint([subnetRule({ text: "Found {subnetId}, a subnet." })]).findings;
    expect(after[0]?.message).not.toBe(before[0]?.message);
    expect(printsOf(after)).toEqual(printsOf(before));
  });

  it("stay the same when the severity is overridden", () => {
    const before = lint([subnetRule()]).findings;
    const after = lint(
      [subnetRule()],
      twoSubnets,
      new Map([["test-subnet-rule", "error"]]),
    ).findings;
    expect(printsOf(after)).toEqual(printsOf(before));
  });

  it("differ per resource, rule and discriminator", () => {
    const first = lint([subnetRule()]).findings;
    const renamed = lint([subnetRule({ id: "test-other-rule" })]).findings;
    const discriminated = lint([subnetRule({ discriminate: true })]).findings;
    const all = [...printsOf(first), ...printsOf(renamed), ...printsOf(discriminated)];
    expect(new Set(all).size).toBe(6);
  });

  it("differ per account and region", () => {
    const moved = { ...twoSubnets, Source: { AccountId: "444455556666", Region: "us-east-1" } };
    const original = printsOf(lint([subnetRule()]).findings);
    const relocated = printsOf(lint([subnetRule()], moved).findings);
    expect(relocated.filter((print) => original.includes(print))).toEqual([]);
  });

  it("are 32 hexadecimal digits", () => {
    for (const print of printsOf(lint([subnetRule()]).findings)) {
      expect(print).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe("finding order", () => {
  it("sorts by resource, then severity, then rule", () => {
    const rules = [
      subnetRule({ id: "test-z-info", severity: "info" }),
      subnetRule({ id: "test-a-error", severity: "error" }),
    ];
    const order = lint(rules).findings.map((f) => `${f.resource.id} ${f.severity} ${f.ruleId}`);
    expect(order).toEqual([
      "subnet-a error test-a-error",
      "subnet-a info test-z-info",
      "subnet-b error test-a-error",
      "subnet-b info test-z-info",
    ]);
  });

  it("does not depend on the order of rules or resources", () => {
    const rules = [
      subnetRule({ id: "test-one" }),
      subnetRule({ id: "test-two", severity: "error" }),
    ];
    const reversed: Snapshot = {
      ...twoSubnets,
      Subnets: [...(twoSubnets.Subnets ?? [])].reverse(),
    };
    const first = lint(rules).findings;
    expect(lint([...rules].reverse(), reversed).findings).toEqual(first);
  });
});

describe("severity settings", () => {
  it("override the severity of every message", () => {
    const result = lint([subnetRule()], twoSubnets, new Map([["test-subnet-rule", "info"]]));
    expect(result.findings.map((finding) => finding.severity)).toEqual(["info", "info"]);
  });

  it("turn a rule off without listing it as skipped", () => {
    const result = lint([subnetRule()], twoSubnets, new Map([["test-subnet-rule", "off"]]));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});

describe("skipped rules", () => {
  it("are listed when a section they need is absent", () => {
    const result = lint([subnetRule()], { ...twoSubnets, Subnets: undefined });
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      { ruleId: "test-subnet-rule", reason: "Subnets was not collected" },
    ]);
  });

  it("name the failed call when the section's collection failed", () => {
    const input: Snapshot = {
      ...twoSubnets,
      Errors: [{ Operation: "DescribeSubnets", Code: "UnauthorizedOperation", Message: "Denied." }],
    };
    expect(lint([subnetRule()], input).skipped).toEqual([
      { ruleId: "test-subnet-rule", reason: "DescribeSubnets failed with UnauthorizedOperation" },
    ]);
  });

  it("run when one of several alternative sections is present", () => {
    const rule = defineRule<"found">({
      ...(subnetRule() as Rule<"found">),
      requires: [["NetworkInterfaces", "Reservations"]],
    });
    const input = { ...twoSubnets, NetworkInterfaces: undefined };
    expect(lint([rule], input).skipped).toEqual([]);
    expect(lint([rule], { ...input, Reservations: undefined }).skipped).toEqual([
      {
        ruleId: "test-subnet-rule",
        reason: "neither NetworkInterfaces nor Reservations was collected",
      },
    ]);
  });

  it("fail the run only with --require-complete", () => {
    const incomplete = runLint([{ snapshot: { ...twoSubnets, Subnets: undefined } }], {
      settings: DEFAULT_SETTINGS,
      rules: [subnetRule()],
    });
    expect(incomplete.summary.skipped).toBe(1);
    expect(exitCodeOf(incomplete, "warning", false)).toBe(0);
    expect(exitCodeOf(incomplete, "warning", true)).toBe(1);
    expect(exitCodeOf(incomplete, "never", true)).toBe(1);

    const complete = runLint([{ snapshot: twoSubnets }], {
      settings: DEFAULT_SETTINGS,
      rules: [subnetRule({ severity: "info" })],
    });
    expect(exitCodeOf(complete, "warning", true)).toBe(0);
    expect(exitCodeOf(complete, "info", true)).toBe(1);
  });
});

describe("registered rules", () => {
  const files = readdirSync(RULES_DIR)
    .filter((name) => name.endsWith(".ts") && name !== "index.ts")
    .map((name) => basename(name, ".ts"))
    .sort();

  it("match the files in src/rules one to one", () => {
    expect(RULES.map((rule) => rule.id).sort()).toEqual(files);
  });

  it("are listed in alphabetical order", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(ids).toEqual([...ids].sort());
  });

  it.each(files)("%s exports the rule whose id is its file name", async (name) => {
    const module = (await import(pathToFileURL(join(RULES_DIR, `${name}.ts`)).href)) as {
      default: Rule;
    };
    expect(module.default.id).toBe(name);
    expect(module.default.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    "%s has messages no more severe than its default",
    (_id, rule) => {
      const messages = Object.values(rule.messages);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) {
        expect(SEVERITY_RANK[message.severity]).toBeLessThanOrEqual(SEVERITY_RANK[rule.severity]);
      }
    },
  );

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    "%s has a title, a description and references",
    (_id, rule) => {
      expect(rule.title.length).toBeGreaterThan(0);
      expect(rule.description.length).toBeGreaterThan(0);
      expect(rule.references.length).toBeGreaterThan(0);
      for (const reference of rule.references) expect(reference.url).toMatch(/^https:\/\//);
    },
  );
});
