/**
 * The JSON schema of the config file, built from the rules' metadata. `npm run generate:schema`
 * writes it to rules.schema.json for editors, and the config loader validates against it.
 */
import { SEVERITIES, type Rule } from "../engine/types.js";
import { SERVICE_NAME } from "../reach/catalog.js";
import { UNSUPPRESSIBLE_RULES } from "../suppress/suppressions.js";

type Schema = Record<string, unknown>;

const LEVELS = ["off", ...SEVERITIES];
const FAIL_ON = [...SEVERITIES, "never"];

/** Builds the config file's schema; each rule becomes a property of `rules`. */
export function buildRulesSchema(rules: readonly Rule[]): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://vpc-lint.dev/schemas/rules.schema.json",
    title: "vpc-lint configuration file (.vpc-lint.json or .vpc-lint.yaml)",
    type: "object",
    additionalProperties: false,
    properties: {
      $schema: { description: "Path or URL of this schema, for editors.", type: "string" },
      rules: {
        description: "Severity of each rule, or off; rules left out keep their default severity.",
        type: "object",
        additionalProperties: false,
        properties: Object.fromEntries(rules.map((rule) => [rule.id, ruleSchema(rule)])),
      },
      failOn: {
        description: "Lowest severity that makes the exit code 1; the --fail-on flag overrides it.",
        type: "string",
        enum: FAIL_ON,
        default: "warning",
      },
      requiredServices: requiredServicesSchema(),
      privateOnlyVpcs: {
        description:
          "VPCs that must reach AWS services through endpoints only, never the internet.",
        type: "array",
        uniqueItems: true,
        items: { type: "string", pattern: "^vpc-[0-9a-f]+$" },
      },
      suppressions: {
        description: "Findings to accept; each entry needs a reason and at least one selector.",
        type: "array",
        items: { $ref: "#/definitions/suppression" },
      },
    },
    definitions: {
      level: { type: "string", enum: LEVELS },
      services: {
        type: "array",
        uniqueItems: true,
        items: { type: "string", pattern: SERVICE_NAME.source },
      },
      suppression: suppressionSchema(),
    },
  };
}

function ruleSchema(rule: Rule): Schema {
  const description = `${rule.title}. Default: ${rule.severity}.`;
  // A failed collection call hides what other rules would find, so its rule stays an error.
  if (UNSUPPRESSIBLE_RULES.has(rule.id)) {
    return {
      description: `${rule.title}. Always an error, never off or lower. Default: ${rule.severity}.`,
      type: "string",
      enum: ["error"],
    };
  }
  if (!rule.options) return { description, $ref: "#/definitions/level" };
  return {
    description: `${description} Either a severity or an object with severity and options.`,
    anyOf: [
      { $ref: "#/definitions/level" },
      {
        type: "object",
        additionalProperties: false,
        properties: { severity: { $ref: "#/definitions/level" }, options: rule.options },
      },
    ],
  };
}

function requiredServicesSchema(): Schema {
  return {
    description:
      "Services workload subnets must reach besides the Session Manager services, such as kms.",
    type: "object",
    additionalProperties: false,
    properties: {
      default: { description: "For every workload subnet.", $ref: "#/definitions/services" },
      byVpc: {
        description: "More services for the subnets of a VPC, by VPC id.",
        type: "object",
        propertyNames: { type: "string", pattern: "^vpc-[0-9a-f]+$" },
        additionalProperties: { $ref: "#/definitions/services" },
      },
      bySubnetTag: {
        description: "More services for the subnets that carry a tag, keyed key=value.",
        type: "object",
        propertyNames: { type: "string", pattern: "^[^=]+=" },
        additionalProperties: { $ref: "#/definitions/services" },
      },
    },
  };
}

function suppressionSchema(): Schema {
  const pattern = (description: string) => ({ description, type: "string", minLength: 1 });
  return {
    type: "object",
    additionalProperties: false,
    required: ["reason"],
    properties: {
      rule: pattern("Rule id or glob pattern, such as endpoint-*."),
      resource: pattern("Resource id, ARN or glob pattern, such as subnet-0a1b*."),
      account: { description: "AWS account id.", type: "string", pattern: "^[0-9]{12}$" },
      region: pattern("AWS Region or glob pattern, such as eu-*."),
      tag: {
        description: "Tag on the resource as key=value; the value may be a glob pattern.",
        type: "string",
        pattern: "^[^=]+=",
      },
      reason: {
        description: "Why the finding is accepted; shown in every report.",
        type: "string",
        pattern: "\\S",
      },
      expires: {
        description: "Last day the suppression applies, as YYYY-MM-DD (UTC).",
        type: "string",
        format: "date",
      },
    },
  };
}

/** Formats the schema as rules.schema.json stores it: two-space JSON and a final newline. */
export function formatRulesSchema(rules: readonly Rule[]): string {
  return `${JSON.stringify(buildRulesSchema(rules), null, 2)}\n`;
}
