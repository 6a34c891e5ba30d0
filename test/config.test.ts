import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configErrors, editDistance, nearestName, nearestRuleId } from "../src/config/errors.js";
import { findConfigFile, parseConfig } from "../src/config/load.js";
import { buildRulesSchema, formatRulesSchema } from "../src/config/rules-schema.js";
import { InputError } from "../src/errors.js";
import { RULES } from "../src/rules/index.js";
import { EXAMPLES, ROOT, runCli } from "./helpers.js";

const BROKEN = join(EXAMPLES, "broken-nat64.json");
let workspace = "";

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "vpc-lint-config-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Returns the message of the InputError that parsing raises. */
function parseError(file: string, text: string): string {
  try {
    parseConfig(file, text);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error(`${file} parsed without an error`);
}

/** Returns YAML whose `key` is ten levels of aliases, each repeating the one before ten times. */
function aliasBomb(key: string): string {
  const lines = ['level0: &level0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (let level = 1; level < 10; level++) {
    const items = Array.from({ length: 10 }, () => `*level${level - 1}`).join(", ");
    lines.push(`level${level}: &level${level} [${items}]`);
  }
  return `${lines.join("\n")}\n${key}: *level9\n`;
}

async function directoryWith(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(workspace, "cwd-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
  return directory;
}

describe("rules.schema.json", () => {
  it("matches the schema generated from the rules", async () => {
    const committed = await readFile(join(ROOT, "rules.schema.json"), "utf8");
    expect(committed, "rules.schema.json is stale: run npm run generate:schema").toBe(
      formatRulesSchema(RULES),
    );
  });

  it("compiles under ajv strict mode", () => {
    const ajv = new Ajv({ strict: true });
    ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
    expect(() => ajv.compile(buildRulesSchema(RULES))).not.toThrow();
  });

  it("lists every rule with its default severity", () => {
    const schema = buildRulesSchema(RULES) as { properties: { rules: { properties: object } } };
    const properties = schema.properties.rules.properties as Record<
      string,
      { description: string }
    >;
    expect(Object.keys(properties)).toEqual(RULES.map((rule) => rule.id));
    for (const rule of RULES) {
      expect(properties[rule.id]?.description).toMatch(new RegExp(`Default: ${rule.severity}\\.$`));
    }
  });
});

describe("rule options in the schema", () => {
  const withOptions = {
    ...(RULES[0] as (typeof RULES)[number]),
    id: "example-rule",
    options: {
      type: "object",
      additionalProperties: false,
      properties: { maxSubnets: { type: "integer", minimum: 1 } },
    },
  };
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
  const validate = ajv.compile(buildRulesSchema([withOptions]));

  it("accepts a severity or severity with options", () => {
    expect(validate({ rules: { "example-rule": "warning" } })).toBe(true);
    const config = { rules: { "example-rule": { severity: "info", options: { maxSubnets: 4 } } } };
    expect(validate(config)).toBe(true);
  });

  it("rejects options outside the rule's schema", () => {
    expect(validate({ rules: { "example-rule": { options: { maxSubnets: 0 } } } })).toBe(false);
    expect(validate({ rules: { "example-rule": { options: { other: 1 } } } })).toBe(false);
  });

  it("phrases a bad options value and a bad setting in one sentence each", () => {
    const rules = [withOptions];
    const badValue = { rules: { "example-rule": { options: { maxSubnets: 0 } } } };
    expect(configErrors("cfg.json", badValue, rules)).toEqual([
      "cfg.json: /rules/example-rule/options/maxSubnets is 0; must be >= 1",
    ]);
    const badSetting = { rules: { "example-rule": "loud" } };
    expect(configErrors("cfg.json", badSetting, rules)).toEqual([
      'cfg.json: /rules/example-rule is "loud"; expected one of off, error, warning, info, ' +
        "or an object with severity and options",
    ]);
  });

  it("keeps rules without options to a severity", () => {
    const rule = RULES[0] as (typeof RULES)[number];
    const plainAjv = new Ajv({ strict: true });
    plainAjv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
    const plain = plainAjv.compile(buildRulesSchema([rule]));
    expect(plain({ rules: { [rule.id]: "info" } })).toBe(true);
    expect(plain({ rules: { [rule.id]: { severity: "info" } } })).toBe(false);
  });
});

describe("config parsing", () => {
  const full = {
    $schema: "./rules.schema.json",
    rules: { "nat64-route-missing": "warning", "subnet-dns64-disabled": "off" },
    failOn: "error",
    requiredServices: {
      default: ["kms"],
      byVpc: { "vpc-0a1b2c3d4e5f60003": ["ecr.api", "ecr.dkr"] },
      bySubnetTag: { "team=payments": ["secretsmanager"] },
    },
    privateOnlyVpcs: ["vpc-0a1b2c3d4e5f60003"],
    suppressions: [
      {
        rule: "endpoint-*",
        resource: "vpce-*",
        reason: "Endpoints move next quarter",
        expires: "2027-03-31",
      },
    ],
  };

  it("reads every key of a JSON file", () => {
    const config = parseConfig(".vpc-lint.json", JSON.stringify(full));
    expect([...config.severities]).toEqual([
      ["nat64-route-missing", "warning"],
      ["subnet-dns64-disabled", "off"],
    ]);
    expect(config.failOn).toBe("error");
    expect(config.requiredServices).toEqual(["kms"]);
    expect(config.requiredServicesByVpc).toEqual({
      "vpc-0a1b2c3d4e5f60003": ["ecr.api", "ecr.dkr"],
    });
    expect(config.requiredServicesBySubnetTag).toEqual({ "team=payments": ["secretsmanager"] });
    expect(config.privateOnlyVpcs).toEqual(["vpc-0a1b2c3d4e5f60003"]);
    expect(config.suppressions).toEqual([
      {
        rule: "endpoint-*",
        resource: "vpce-*",
        reason: "Endpoints move next quarter",
        expires: "2027-03-31",
        origin: ".vpc-lint.json /suppressions/0",
      },
    ]);
  });

  it("reads the same keys from YAML", () => {
    const yaml = [
      "rules:",
      "  nat64-route-missing: warning",
      "  subnet-dns64-disabled: off",
      "failOn: error",
      "requiredServices:",
      "  default: [kms]",
      "  byVpc:",
      "    vpc-0a1b2c3d4e5f60003: [ecr.api, ecr.dkr]",
      "  bySubnetTag:",
      "    team=payments: [secretsmanager]",
      "privateOnlyVpcs: [vpc-0a1b2c3d4e5f60003]",
      "suppressions:",
      "  - rule: endpoint-*",
      "    resource: vpce-*",
      "    reason: Endpoints move next quarter",
      "    expires: '2027-03-31'",
    ].join("\n");
    const fromYaml = parseConfig(".vpc-lint.yaml", yaml);
    const fromJson = parseConfig(".vpc-lint.yaml", JSON.stringify(full));
    expect(fromYaml).toEqual(fromJson);
  });

  it("treats an empty YAML file as no settings", () => {
    const config = parseConfig(".vpc-lint.yml", "");
    expect(config.severities.size).toBe(0);
    expect(config.suppressions).toEqual([]);
    expect(config.failOn).toBeUndefined();
  });

  it.each([
    ["empty JSON", ".vpc-lint.json", ""],
    ["blank JSON", ".vpc-lint.json", " \n\t\n"],
    ["comment-only YAML", ".vpc-lint.yaml", "# settings come later\n"],
    ["marker-only YAML", ".vpc-lint.yaml", "---\n"],
  ])("treats %s as no settings", (_, file, text) => {
    const config = parseConfig(file, text);
    expect(config.severities.size).toBe(0);
    expect(config.requiredServices).toEqual([]);
    expect(config.failOn).toBeUndefined();
  });

  it.each([
    ["null", "null\n"],
    ["tilde", "~\n"],
    ["marked null", "--- null\n"],
  ])("rejects a YAML %s like JSON null", (_, text) => {
    expect(parseError("cfg.yaml", text)).toBe(
      "invalid config file:\n  cfg.yaml: / is null; expected an object",
    );
    expect(parseError("cfg.json", "null")).toBe(
      "invalid config file:\n  cfg.json: / is null; expected an object",
    );
  });

  it("accepts short service names, typos included", () => {
    const services = ["kms", "ecr.api", "kms-fips", "s3", "execute-api", "kmss"];
    const config = parseConfig(
      "cfg.json",
      JSON.stringify({ requiredServices: { default: services } }),
    );
    expect(config.requiredServices).toEqual(services);
  });

  it.each([
    [
      "misspelt rule id",
      { rules: { "nat64-route-mising": "off" } },
      'cfg.json: /rules has the unknown rule id "nat64-route-mising"; did you mean nat64-route-missing?',
    ],
    [
      "unrelated rule id",
      { rules: { "bucket-public": "off" } },
      'cfg.json: /rules has the unknown rule id "bucket-public"; run vpc-lint rules for the list',
    ],
    [
      "unknown severity",
      { rules: { "nat64-route-missing": "warn" } },
      'cfg.json: /rules/nat64-route-missing is "warn"; allowed values are off, error, warning, info',
    ],
    [
      "failed collection calls turned off",
      { rules: { "snapshot-incomplete": "off" } },
      'cfg.json: /rules/snapshot-incomplete is "off"; a failed collection call hides what the ' +
        "other rules would find, so this rule is always an error: remove the setting",
    ],
    [
      "failed collection calls lowered to info",
      { rules: { "snapshot-incomplete": "info" } },
      'cfg.json: /rules/snapshot-incomplete is "info"; a failed collection call hides what the ' +
        "other rules would find, so this rule is always an error: remove the setting",
    ],
    [
      "failed collection calls turned off in a severity object",
      { rules: { "snapshot-incomplete": { severity: "off" } } },
      'cfg.json: /rules/snapshot-incomplete is {"severity":"off"}; a failed collection call ' +
        "hides what the other rules would find, so this rule is always an error: remove the setting",
    ],
    [
      "severity object for a rule without options",
      { rules: { "public-nat64-leaks-service-traffic": { severity: "info" } } },
      'cfg.json: /rules/public-nat64-leaks-service-traffic is {"severity":"info"}, but rule ' +
        "public-nat64-leaks-service-traffic has no options; set it to one of the strings off, " +
        "error, warning, info",
    ],
    [
      "severity that is not a string",
      { rules: { "nat64-route-missing": 3 } },
      "cfg.json: /rules/nat64-route-missing is 3; expected one of the strings off, error, warning, info",
    ],
    [
      "failOn that is not a string",
      { failOn: true },
      "cfg.json: /failOn is true; expected one of the strings error, warning, info, never",
    ],
    [
      "full endpoint service name",
      { requiredServices: { default: ["com.amazonaws.us-east-1.kms"] } },
      'cfg.json: /requiredServices/default/0 is "com.amazonaws.us-east-1.kms", which is an ' +
        "endpoint service name; use its short name kms",
    ],
    [
      "Region-less endpoint service name",
      { requiredServices: { default: ["ssm", "com.amazonaws.kms"] } },
      'cfg.json: /requiredServices/default/1 is "com.amazonaws.kms", which is an endpoint ' +
        "service name; use the short name that ends the endpoint service name, such as ssm, kms or ecr.api",
    ],
    [
      "service hostname by VPC",
      { requiredServices: { byVpc: { "vpc-0a1b2c3d4e5f60003": ["kms.us-east-1.amazonaws.com"] } } },
      'cfg.json: /requiredServices/byVpc/vpc-0a1b2c3d4e5f60003/0 is "kms.us-east-1.amazonaws.com", ' +
        "which is a hostname; use its short name kms",
    ],
    [
      "service hostname under a tag with a slash",
      { requiredServices: { bySubnetTag: { "kubernetes.io/role/elb=1": ["sts.amazonaws.com"] } } },
      'cfg.json: /requiredServices/bySubnetTag/kubernetes.io~1role~1elb=1/0 is "sts.amazonaws.com", ' +
        "which is a hostname; use its short name sts",
    ],
    [
      "hostname whose short name is not its first label",
      { requiredServices: { default: ["api.ecr.eu-west-1.amazonaws.com"] } },
      'cfg.json: /requiredServices/default/0 is "api.ecr.eu-west-1.amazonaws.com", which is a ' +
        "hostname; use the short name that ends the endpoint service name, such as ssm, kms or ecr.api",
    ],
    ["null in place of the settings", null, "cfg.json: / is null; expected an object"],
    [
      "unknown top-level key",
      { failon: "error" },
      'cfg.json: / has the unknown key "failon"; allowed keys are $schema, rules, failOn, requiredServices, privateOnlyVpcs, suppressions',
    ],
    [
      "bad failOn",
      { failOn: "errors" },
      'cfg.json: /failOn is "errors"; allowed values are error, warning, info, never',
    ],
    [
      "services not a list",
      { requiredServices: { default: "kms" } },
      'cfg.json: /requiredServices/default is "kms"; expected an array',
    ],
    [
      "upper-case service",
      { requiredServices: { default: ["KMS"] } },
      'cfg.json: /requiredServices/default/0 is "KMS"; expected a service name in lowercase, such as kms or ecr.api',
    ],
    [
      "bad VPC id key",
      { requiredServices: { byVpc: { "vpc-xyz": ["kms"] } } },
      'cfg.json: /requiredServices/byVpc has the key "vpc-xyz"; expected a VPC id such as vpc-0a1b2c3d4e5f67890',
    ],
    [
      "tag key without value",
      { requiredServices: { bySubnetTag: { team: ["kms"] } } },
      'cfg.json: /requiredServices/bySubnetTag has the key "team"; expected a tag as key=value, such as team=payments',
    ],
    [
      "suppression without reason",
      { suppressions: [{ rule: "nat64-route-missing" }] },
      'cfg.json: /suppressions/0 lacks the required key "reason"',
    ],
    [
      "blank reason",
      { suppressions: [{ rule: "nat64-route-missing", reason: "  " }] },
      'cfg.json: /suppressions/0/reason is "  "; expected a reason that is not blank',
    ],
    [
      "impossible expiry date",
      { suppressions: [{ rule: "nat64-route-missing", reason: "r", expires: "2027-02-30" }] },
      'cfg.json: /suppressions/0/expires is "2027-02-30"; expected a date as YYYY-MM-DD, such as 2027-06-30',
    ],
    [
      "short account id",
      { suppressions: [{ account: "1234", reason: "r" }] },
      'cfg.json: /suppressions/0/account is "1234"; expected a 12-digit AWS account id',
    ],
    [
      "VPC listed twice",
      {
        privateOnlyVpcs: [
          "vpc-0a1b2c3d4e5f60001",
          "vpc-0a1b2c3d4e5f60002",
          "vpc-0a1b2c3d4e5f60002",
        ],
      },
      "cfg.json: /privateOnlyVpcs lists an item twice (items 1 and 2); list each once",
    ],
    [
      "suppression without selector",
      { suppressions: [{ reason: "all of it" }] },
      'cfg.json: /suppressions/0 has no selector; add at least one of rule, resource, account, region, tag, or "rule": "*" to suppress every finding on purpose',
    ],
    [
      "suppression of a misspelt rule",
      { suppressions: [{ rule: "nat64-route-blackhol", reason: "r" }] },
      'cfg.json: /suppressions/0/rule is "nat64-route-blackhol", which matches no rule id; did you mean nat64-route-blackhole?',
    ],
    [
      "suppression glob matching no rule",
      { suppressions: [{ rule: "bucket-*", reason: "r" }] },
      'cfg.json: /suppressions/0/rule is "bucket-*", which matches no rule id; run vpc-lint rules for the list',
    ],
    [
      "suppression of snapshot-incomplete, which is never suppressed",
      { suppressions: [{ rule: "snapshot-incomplete", reason: "r" }] },
      'cfg.json: /suppressions/0/rule is "snapshot-incomplete", which matches only snapshot-incomplete, a ' +
        "rule that is never suppressed because a failed collection call hides what the other " +
        "rules would find: remove the entry and fix the failed call",
    ],
    [
      "suppression of snapshot-*, which is never suppressed",
      { suppressions: [{ rule: "snapshot-*", reason: "r" }] },
      'cfg.json: /suppressions/0/rule is "snapshot-*", which matches only snapshot-incomplete, a ' +
        "rule that is never suppressed because a failed collection call hides what the other " +
        "rules would find: remove the entry and fix the failed call",
    ],
  ])("rejects a %s in one sentence", (_, config, sentence) => {
    expect(parseError("cfg.json", JSON.stringify(config))).toBe(
      `invalid config file:\n  ${sentence}`,
    );
  });

  it("lists every problem of a file at once", () => {
    const message = parseError(
      "cfg.json",
      JSON.stringify({ failOn: "x", privateOnlyVpcs: ["vpc-1", 3] }),
    );
    expect(message.split("\n").slice(1)).toEqual([
      '  cfg.json: /failOn is "x"; allowed values are error, warning, info, never',
      "  cfg.json: /privateOnlyVpcs/1 is 3; expected a string, so write the value in quotes",
    ]);
  });

  it("names the file and reason for broken JSON and YAML", () => {
    expect(parseError("a.json", "{ rules: }")).toMatch(/^a\.json: not valid JSON \(/);
    expect(parseError("a.yaml", "rules: [off\n")).toMatch(/^a\.yaml: not valid YAML \(/);
  });

  it.each([
    ["!!omap", 'rules: !!omap [ {instance-imds-ipv6-disabled: "off"} ]\n', 8],
    ["!!set", "privateOnlyVpcs: !!set {vpc-0a1b2c3d4e5f60003: null}\n", 18],
    ["!!binary", "failOn: !!binary bmV2ZXI=\n", 9],
    [
      "!!timestamp",
      "suppressions:\n  - rule: '*'\n    reason: r\n    expires: !!timestamp 2099-01-01\n",
      14,
    ],
    ["!env", "failOn: !env FAIL_ON\n", 9],
  ])("rejects the YAML tag %s", (tag, text, column) => {
    const line = text.split("\n").findIndex((row) => row.includes(tag)) + 1;
    expect(parseError("cfg.yaml", text)).toBe(
      `cfg.yaml: line ${line}, column ${column} has the YAML tag ${tag}, which vpc-lint does not ` +
        "read; remove the tag and write a plain mapping, list or string",
    );
  });

  it.each([
    [
      "an alias without an anchor",
      "failOn: error\nrequiredServices:\n  default: *services\n",
      "cfg.yaml: line 3 has the alias *services, but no anchor &services comes before it; " +
        "define the anchor first or write the value out",
    ],
    [
      "an alias inside its anchor",
      "privateOnlyVpcs: &vpcs [vpc-0a1b2c3d4e5f60003, *vpcs]\n",
      "cfg.yaml: line 1 has the alias *vpcs inside the value that &vpcs names, so the value " +
        "would contain itself; write the repeated part out",
    ],
    [
      "aliases that expand too far",
      aliasBomb("privateOnlyVpcs"),
      "cfg.yaml: its YAML aliases expand to more copies than the parser allows, a limit that " +
        "guards against resource exhaustion; write the repeated values out or nest fewer aliases",
    ],
  ])("rejects %s", (_case, text, message) => {
    expect(parseError("cfg.yaml", text)).toBe(message);
  });

  it("reads an alias to an earlier anchor", () => {
    const config = parseConfig(
      "cfg.yaml",
      "requiredServices:\n  default: &services [kms]\n  byVpc:\n" +
        "    vpc-0a1b2c3d4e5f60003: *services\n",
    );
    expect(config.requiredServices).toEqual(["kms"]);
    expect(config.requiredServicesByVpc).toEqual({ "vpc-0a1b2c3d4e5f60003": ["kms"] });
  });

  it("rejects a key repeated in JSON", () => {
    const text = JSON.stringify({ failOn: "error", rules: { "nat64-route-missing": "off" } })
      .replace('"failOn":"error"', '"failOn":"error","failOn":"never"')
      .replace(
        '"nat64-route-missing":"off"',
        '"nat64-route-missing":"off","nat64-route-missing":"info"',
      );
    expect(parseError("cfg.json", text)).toBe(
      "invalid config file:\n" +
        '  cfg.json: / has the key "failOn" twice; JSON keeps only the last, so remove one\n' +
        '  cfg.json: /rules has the key "nat64-route-missing" twice; JSON keeps only the last, ' +
        "so remove one",
    );
  });

  it("finds repeated JSON keys in list items", () => {
    const entry = '{"rule": "*", "reason": "a \\" b"}';
    const repeated = '{"rule": "*", "reason": "x", "reason": "y"}';
    expect(
      parseConfig("cfg.json", `{"suppressions": [${entry}, ${entry}]}`).suppressions,
    ).toHaveLength(2);
    expect(parseError("cfg.json", `{"suppressions": [${entry}, ${repeated}]}`)).toBe(
      "invalid config file:\n" +
        '  cfg.json: /suppressions/1 has the key "reason" twice; JSON keeps only the last, so ' +
        "remove one",
    );
  });

  it("asks to quote a number given for a string", () => {
    const yaml = "suppressions:\n  - rule: '*'\n    reason: true\n    account: 012345678901\n";
    expect(parseError("cfg.yaml", yaml).split("\n").slice(1)).toEqual([
      "  cfg.yaml: /suppressions/0/account is 12345678901; expected a string, so write the value " +
        "in quotes, keeping the leading zeros an unquoted number loses",
      "  cfg.yaml: /suppressions/0/reason is true; expected a string, so write the value in quotes",
    ]);
  });

  it("names no lost zeros of a full account", () => {
    const yaml = "suppressions:\n  - rule: '*'\n    reason: r\n    account: 123456789012\n";
    expect(parseError("cfg.yaml", yaml).split("\n").slice(1)).toEqual([
      "  cfg.yaml: /suppressions/0/account is 123456789012; expected a string, so write the " +
        "value in quotes",
    ]);
  });

  it("names the line of a second YAML document", () => {
    expect(parseError("cfg.yaml", "failOn: never\n---\nfailOn: error\n")).toBe(
      "cfg.yaml: not valid YAML (a second document starts at line 2, column 1; a config file " +
        "contains one document, so remove that --- line or merge the documents)",
    );
  });

  it("reads YAML 1.1 with the core schema", () => {
    const config = parseConfig(
      "cfg.yaml",
      "%YAML 1.1\n---\nrules:\n  instance-imds-ipv6-disabled: off\nsuppressions:\n" +
        "  - rule: nat64-route-missing\n    reason: r\n    expires: 2027-03-31\n",
    );
    expect([...config.severities]).toEqual([["instance-imds-ipv6-disabled", "off"]]);
    expect(config.suppressions[0]?.expires).toBe("2027-03-31");
  });
});

describe("nearest rule id", () => {
  it.each([
    ["kitten", "sitting", 3],
    ["", "abc", 3],
    ["nat64-route-missing", "nat64-route-missing", 0],
    ["nat64-route-mising", "nat64-route-missing", 1],
  ])("distance from %s to %s is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it("suggests any name close enough to be a typo", () => {
    expect(nearestName("snapshto", ["snapshot", "subnet"])).toBe("snapshot");
    expect(nearestName("bogus-flag", ["snapshot", "subnet"])).toBeUndefined();
    expect(nearestName("kms", [])).toBeUndefined();
  });

  it("suggests only ids close enough to be typos", () => {
    expect(nearestRuleId("vpc-dns-suport-disabled")).toBe("vpc-dns-support-disabled");
    expect(nearestRuleId("s3-bucket-public")).toBeUndefined();
  });
});

describe("config file discovery", () => {
  it("prefers --config, then VPC_LINT_CONFIG, then the working directory", async () => {
    const cwd = await directoryWith({ ".vpc-lint.json": "{}" });
    expect(findConfigFile("flag.json", { VPC_LINT_CONFIG: "env.json" }, cwd)).toBe("flag.json");
    expect(findConfigFile(undefined, { VPC_LINT_CONFIG: "env.json" }, cwd)).toBe("env.json");
    expect(findConfigFile(undefined, {}, cwd)).toBe(".vpc-lint.json");
  });

  it("finds .vpc-lint.yaml and nothing in an empty directory", async () => {
    expect(findConfigFile(undefined, {}, await directoryWith({ ".vpc-lint.yaml": "" }))).toBe(
      ".vpc-lint.yaml",
    );
    expect(findConfigFile(undefined, {}, await directoryWith({}))).toBeUndefined();
  });

  it("rejects two config files in one directory", async () => {
    const cwd = await directoryWith({ ".vpc-lint.json": "{}", ".vpc-lint.yaml": "" });
    expect(() => findConfigFile(undefined, {}, cwd)).toThrow(
      ".vpc-lint.json and .vpc-lint.yaml are both in",
    );
  });
});

describe("config file on the command line", () => {
  const severities = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { ruleId: string; severity: string }[] }).findings;

  it("applies a config found in the working directory", async () => {
    const cwd = await directoryWith({
      ".vpc-lint.json": JSON.stringify({
        rules: { "nat64-route-missing": "off", "nat64-route-blackhole": "info" },
      }),
    });
    const run = runCli(["--snapshot", BROKEN, "--format", "json"], {}, cwd);
    const findings = severities(run.stdout);
    expect(findings.map((f) => f.ruleId)).not.toContain("nat64-route-missing");
    expect(findings.find((f) => f.ruleId === "nat64-route-blackhole")?.severity).toBe("info");
  });

  it("takes failOn from the file and --fail-on over it", async () => {
    const cwd = await directoryWith({ ".vpc-lint.yaml": "failOn: never\n" });
    expect(runCli(["--snapshot", BROKEN], {}, cwd).status).toBe(0);
    expect(runCli(["--snapshot", BROKEN, "--fail-on", "error"], {}, cwd).status).toBe(1);
  });

  it("reads the file VPC_LINT_CONFIG names", async () => {
    const cwd = await directoryWith({ "team.json": JSON.stringify({ failOn: "never" }) });
    const run = runCli(["--snapshot", BROKEN], { VPC_LINT_CONFIG: join(cwd, "team.json") });
    expect(run.status).toBe(0);
  });

  it("exits 2 with every problem of an invalid file", async () => {
    const cwd = await directoryWith({
      "bad.json": JSON.stringify({ rules: { "nat64-route-mising": "off" } }),
    });
    const run = runCli(["--snapshot", BROKEN, "--config", join(cwd, "bad.json")]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      '/rules has the unknown rule id "nat64-route-mising"; did you mean nat64-route-missing?',
    );
  });

  it("exits 2 for a full endpoint service name in the file", async () => {
    const cwd = await directoryWith({
      ".vpc-lint.json": JSON.stringify({
        requiredServices: { default: ["com.amazonaws.us-east-1.kms"] },
      }),
    });
    const run = runCli(["--snapshot", join(EXAMPLES, "private-nat64-endpoints.json")], {}, cwd);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "vpc-lint: invalid config file:\n" +
        '  .vpc-lint.json: /requiredServices/default/0 is "com.amazonaws.us-east-1.kms", which ' +
        "is an endpoint service name; use its short name kms\n",
    );
  });

  it("reads a YAML file of only null as invalid", async () => {
    const cwd = await directoryWith({ ".vpc-lint.yaml": "null\n" });
    const run = runCli(["--snapshot", BROKEN], {}, cwd);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(".vpc-lint.yaml: / is null; expected an object");
  });

  it("runs with defaults when the file is empty", async () => {
    const cwd = await directoryWith({ ".vpc-lint.json": "" });
    const run = runCli(["--snapshot", BROKEN], {}, cwd);
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain(".vpc-lint.json");
    expect(run.stdout).toContain("nat64-route-blackhole");
  });

  it.each([
    ["UTF-8", Buffer.from('\uFEFF{"failOn": "never"}', "utf8")],
    ["UTF-16LE", Buffer.from('\uFEFF{"failOn": "never"}', "utf16le")],
  ])("reads a JSON file in %s with a byte order mark", async (_encoding, bytes) => {
    const file = join(workspace, "with-bom.json");
    await writeFile(file, bytes);

    const run = runCli(["--snapshot", BROKEN, "--config", file]);

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("exits 2 when --config names a missing file", () => {
    const run = runCli(["--snapshot", BROKEN, "--config", join(workspace, "absent.json")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "absent.json: file not found; check the --config or VPC_LINT_CONFIG path\n",
    );
  });
});
