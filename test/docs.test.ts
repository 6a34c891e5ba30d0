/**
 * Keeps the rule pages under docs/rules, the rule index and the rule files in step: every rule
 * has a page whose example output is what the built CLI prints today on the page's fixture.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { Rule } from "../src/engine/types.js";
import { RULES, RULE_IDS } from "../src/rules/index.js";
import { parseConfig } from "../src/config/load.js";
import { DEFAULT_SETTINGS, runLint } from "../src/run.js";
import type { Snapshot } from "../src/snapshot/types.js";
import { ROOT, runCli } from "./helpers.js";

const DOCS = join(ROOT, "docs", "rules");
const EXAMPLES = join(DOCS, "examples");
const RULE_SOURCES = join(ROOT, "src", "rules");

function page(id: string): string {
  return readFileSync(join(DOCS, `${id}.md`), "utf8");
}

/** Returns the body of the first `text` code block after the page's `## Example` heading. */
function exampleBlock(markdown: string): string | undefined {
  const section = markdown.split(/^## Example$/m)[1];
  return section ? /^```text\n([\s\S]*?)^```$/m.exec(section)?.[1] : undefined;
}

describe.each(RULES.map((rule) => [rule.id, rule] as const))("rule page %s", (id, rule) => {
  it("exists", () => {
    expect(existsSync(join(DOCS, `${id}.md`))).toBe(true);
  });

  it("names the id and default severity in its heading", () => {
    const heading = page(id).split("\n")[0];
    expect(heading).toBe(`# ${id} (${rule.severity})`);
  });

  it("links every reference of the rule", () => {
    const markdown = page(id);
    for (const reference of rule.references) {
      expect(markdown, reference.url).toContain(`](${reference.url})`);
    }
  });

  it("names every message id", () => {
    const markdown = page(id);
    for (const messageId of Object.keys(rule.messages)) {
      expect(markdown, messageId).toContain(`\`${messageId}\``);
    }
  });

  it("shows what the CLI prints on its fixture", () => {
    const fixture = join(EXAMPLES, `${id}.json`);
    expect(existsSync(fixture)).toBe(true);
    const run = runCli(["--snapshot", fixture]);
    expect(run.stdout).toContain(` ${id}\n`);
    expect(exampleBlock(page(id))).toBe(run.stdout);
  });

  it("gives create-nat-gateway an address or private type", () => {
    // A public NAT gateway, the default type, cannot be created without an Elastic IP address.
    const commands =
      page(id)
        .replace(/\s+/g, " ")
        .match(/aws ec2 create-nat-gateway [^`]*/g) ?? [];
    for (const command of commands) {
      expect(command).toMatch(/--allocation-id|--connectivity-type private/);
    }
  });
});

describe("rule docs folder", () => {
  it("has no page for a rule outside the index", () => {
    const pages = readdirSync(DOCS)
      .filter((name) => name.endsWith(".md") && name !== "README.md")
      .map((name) => name.slice(0, -".md".length));
    expect(pages.filter((id) => !RULE_IDS.includes(id))).toEqual([]);
  });

  it("has no fixture for a rule outside the index", () => {
    const fixtures = readdirSync(EXAMPLES)
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.slice(0, -".json".length));
    expect(fixtures.filter((id) => !RULE_IDS.includes(id))).toEqual([]);
  });

  it("lists every rule in the README table", () => {
    const readme = readFileSync(join(DOCS, "README.md"), "utf8");
    for (const rule of RULES) {
      const row = `| [${rule.id}](${rule.id}.md) | ${rule.severity} | ${rule.title} |`;
      expect(readme, rule.id).toContain(row);
    }
  });

  it("lists no rule in the README that the index lacks", () => {
    const readme = readFileSync(join(DOCS, "README.md"), "utf8");
    const listed = [...readme.matchAll(/^\| \[([a-z0-9-]+)\]\(/gm)].map((match) => match[1]);
    expect(listed).toEqual(RULE_IDS);
  });
});

describe("rule index", () => {
  it("is in alphabetical order of id", () => {
    expect(RULE_IDS).toEqual([...RULE_IDS].sort());
  });

  it("lists every rule file", () => {
    const files = readdirSync(RULE_SOURCES)
      .filter((name) => name.endsWith(".ts") && name !== "index.ts")
      .map((name) => name.slice(0, -".ts".length))
      .sort();
    expect([...RULE_IDS].sort()).toEqual(files);
  });

  it("names each rule after its file", async () => {
    for (const id of RULE_IDS) {
      const module = (await import(pathToFileURL(join(RULE_SOURCES, `${id}.ts`)).href)) as {
        default: Rule;
      };
      expect(module.default.id).toBe(id);
    }
  });
});

describe("guide pages", () => {
  const guides = [
    "README.md",
    ...readdirSync(join(ROOT, "docs"))
      .filter((name) => name.endsWith(".md"))
      .map((name) => `docs/${name}`),
  ];

  it.each(guides)("quotes shorthand tag values with commas in %s", (guide) => {
    // The AWS CLI's shorthand syntax reads `Value=a,b` as a list, which create-tags rejects.
    const markdown = readFileSync(join(ROOT, guide), "utf8");
    for (const [, value] of markdown.matchAll(/Key=[^,\s']*,Value=([^'\n]*)/g)) {
      if (value?.includes(",")) expect(value, value).toMatch(/^"[^"]*"$/);
    }
  });
});

describe("docs/ci.md", () => {
  const guide = readFileSync(join(ROOT, "docs", "ci.md"), "utf8");

  it("quotes the warning that an expired suppression of its config example prints", async () => {
    const example = /^Every key, in JSON:\n\n```json\n([\s\S]*?)^```$/m.exec(guide)?.[1];
    const quoted = /^warning: suppression .*$/m.exec(guide)?.[0];
    const config = parseConfig(".vpc-lint.json", example ?? "");
    const entry = config.suppressions?.find((item) => item.expires !== undefined);
    const snapshot = JSON.parse(
      readFileSync(join(ROOT, "examples", "broken-nat64.json"), "utf8"),
    ) as Snapshot;
    // The day after the entry's last day, when the run prints the line.
    const after = new Date(`${entry?.expires ?? ""}T00:00:00Z`);
    after.setUTCDate(after.getUTCDate() + 1);
    const result = runLint([{ snapshot }], {
      settings: DEFAULT_SETTINGS,
      suppressions: entry ? [entry] : [],
      today: after.toISOString().slice(0, 10),
    });

    expect(quoted).toBeDefined();
    expect(result.warnings.map((warning) => `warning: ${warning}`)).toEqual([quoted]);
  });
});
