/**
 * Reads a CloudFormation template in YAML (short intrinsic tags included) or JSON, and finds the
 * line of each resource's logical id for reports that point at the template.
 */
import {
  LineCounter,
  YAMLMap,
  YAMLSeq,
  isMap,
  isScalar,
  parseDocument,
  visit,
  type Document,
  type Tags,
} from "yaml";
import { InputError } from "../../errors.js";
import { yamlToValue } from "../../yaml-value.js";
import { isRecord } from "../unresolved.js";
import { PROCESSED_TEMPLATE_HINT } from "./nested.js";

export { isRecord };

/** A template after parsing, with the line (1-based) of each resource's logical id. */
export interface ParsedTemplate {
  template: Template;
  lines: Map<string, number>;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  /** A macro name, a list of them, or `{Name, Parameters}` maps. */
  Transform?: unknown;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
}

export interface TemplateParameter {
  Type?: string;
  Default?: unknown;
  AllowedValues?: unknown;
  AllowedPattern?: unknown;
  MinLength?: unknown;
  MaxLength?: unknown;
  MinValue?: unknown;
  MaxValue?: unknown;
  ConstraintDescription?: unknown;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
}

/** The short forms CloudFormation accepts in YAML; each stands for the long form `Fn::Name`. */
const SHORT_FORMS = [
  "Ref",
  "Condition",
  "Sub",
  "GetAtt",
  "Select",
  "GetAZs",
  "Cidr",
  "If",
  "Join",
  "Split",
  "FindInMap",
  "ImportValue",
  "Equals",
  "Not",
  "And",
  "Or",
  "Base64",
  "Transform",
  "Length",
  "ToJsonString",
];

/** Parses template text; throws InputError when it is not a CloudFormation template. */
export function parseTemplate(file: string, text: string): ParsedTemplate {
  let lineCounter = new LineCounter();
  // The parser's own check of unique keys (yaml 2.9) compares each key with every earlier key of
  // its map. That took about a second for the Resources of a template of 2,000 subnets, so
  // hasDuplicateKey makes the check instead.
  const document = parseTemplateDocument(text, lineCounter, false);
  let error = document.errors[0];
  if (hasDuplicateKey(document)) {
    // The parser places a repeated key at an offset its document does not record, sometimes the
    // end of the line before, and may list it before an earlier syntax error. So a template with
    // a repeated key is parsed again with the parser's check, and its first error is reported.
    lineCounter = new LineCounter();
    error = parseTemplateDocument(text, lineCounter, true).errors[0];
  }
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new InputError(
      `${file}:${line}:${col}: not valid YAML or JSON (${error.message.split("\n")[0]}); ` +
        "pass a CloudFormation template to --template",
    );
  }
  const value = yamlToValue(file, text, document, 1000);
  const template = checkTemplate(file, value);
  return { template, lines: resourceLines(document.contents, lineCounter) };
}

function parseTemplateDocument(
  text: string,
  lineCounter: LineCounter,
  uniqueKeys: boolean,
): Document {
  return parseDocument(text, {
    customTags: shortFormTags(),
    lineCounter,
    prettyErrors: false,
    uniqueKeys,
  });
}

/**
 * Tells whether a key of some map repeats an earlier key of that map. Scalar keys repeat when
 * their values are equal, as the parser's check has it, and other keys, such as collections or
 * aliases, never repeat.
 */
function hasDuplicateKey(document: Document): boolean {
  let found = false;
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        if (seen.has(key.value)) {
          found = true;
          return visit.BREAK;
        }
        seen.add(key.value);
      }
      return undefined;
    },
  });
  return found;
}

function checkTemplate(file: string, value: unknown): Template {
  const resources = isRecord(value) ? value.Resources : undefined;
  if (!isRecord(value) || !isRecord(resources)) {
    throw new InputError(
      `${file}: not a CloudFormation template: expected a top-level Resources map` +
        (isRecord(value) && "resource_changes" in value
          ? "; for a Terraform plan use --terraform-plan"
          : ""),
    );
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (logicalId.startsWith("Fn::ForEach::")) {
      throw new InputError(
        `${file}: resource ${logicalId} is a loop of the AWS::LanguageExtensions transform, ` +
          `which vpc-lint does not expand; ${PROCESSED_TEMPLATE_HINT}`,
      );
    }
    if (!isRecord(resource) || typeof resource.Type !== "string") {
      throw new InputError(
        `${file}: resource ${logicalId} has no Type; expected a string such as AWS::EC2::VPC`,
      );
    }
    if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
      throw new InputError(`${file}: resource ${logicalId} has Properties that are not a map`);
    }
  }
  return value as unknown as Template;
}

function resourceLines(contents: unknown, lineCounter: LineCounter): Map<string, number> {
  const lines = new Map<string, number>();
  if (!isMap(contents)) return lines;
  const resources = contents.items.find(
    (pair) => isScalar(pair.key) && pair.key.value === "Resources",
  );
  if (!resources || !isMap(resources.value)) return lines;
  for (const pair of resources.value.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    lines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
  }
  return lines;
}

/** Builds the YAML tags for `!Ref`, `!GetAtt` and the other short forms, in scalar, list and map shape. */
function shortFormTags(): Tags {
  const tags: Tags = [];
  for (const name of SHORT_FORMS) {
    const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
    tags.push({
      tag: `!${name}`,
      resolve: (text: string) => ({ [key]: name === "GetAtt" ? splitGetAtt(text) : text }),
    });
    tags.push({ tag: `!${name}`, collection: "seq", nodeClass: wrappedSeq(key) });
    tags.push({ tag: `!${name}`, collection: "map", nodeClass: wrappedMap(key) });
  }
  return tags;
}

/** Splits `Resource.Attribute`; attribute names may contain dots (`Endpoint.Address`). */
function splitGetAtt(text: string): string[] {
  const dot = text.indexOf(".");
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

function wrappedSeq(key: string): typeof YAMLSeq {
  class Wrapped extends YAMLSeq {
    // The result replaces the list in the parsed template, as the long form `{ "Fn::If": [...] }`.
    override toJSON(...args: Parameters<YAMLSeq["toJSON"]>): never {
      return { [key]: super.toJSON(...args) } as never;
    }
  }
  return Wrapped as unknown as typeof YAMLSeq;
}

function wrappedMap(key: string): typeof YAMLMap {
  class Wrapped extends YAMLMap {
    override toJSON(...args: Parameters<YAMLMap["toJSON"]>): never {
      return { [key]: super.toJSON(...args) } as never;
    }
  }
  return Wrapped as unknown as typeof YAMLMap;
}
