/** Turns a CloudFormation template and its parameters into a snapshot with template locations. */
import { basename, extname } from "node:path";
import { InputError } from "../../errors.js";
import { repeatedKeys } from "../../config/load.js";
import { readText } from "../../io.js";
import { SnapshotBuilder } from "../builder.js";
import type { IacResult } from "../result.js";
import { locationFile } from "../result.js";
import type { SourceLocation } from "../../run.js";
import { isScalar } from "../unresolved.js";
import { TemplateContext } from "./context.js";
import { IntrinsicResolver, Unresolved } from "./intrinsics.js";
import { isRecord, parseTemplate, type Template, type TemplateParameter } from "./parse.js";
import { checkNestedStacks, transformWarnings } from "./nested.js";
import { MAPPERS } from "./resources.js";

export interface TemplateOptions {
  template: string;
  parameters?: string;
  region: string;
  accountId?: string;
}

/** The account id of AWS documentation examples, used for AWS::AccountId when --account is not given. */
const PLACEHOLDER_ACCOUNT = "123456789012";

/** Reads a template, resolves it and maps its EC2 resources into a snapshot. */
export async function loadTemplate(options: TemplateOptions): Promise<IacResult> {
  const text = await readText(options.template, "--template");
  const { template, lines } = parseTemplate(options.template, text);
  const warnings: string[] = [];
  const parameterValues = options.parameters
    ? await readParameters(options.parameters)
    : new Map<string, string>();
  const parameters = resolveParameters(template, parameterValues, options, warnings);

  const builder = new SnapshotBuilder(options.region, options.accountId);
  const resolver = new IntrinsicResolver(template, parameters, {
    region: options.region,
    accountId: options.accountId ?? PLACEHOLDER_ACCOUNT,
    stackName: basename(options.template, extname(options.template)),
  });
  const context = new TemplateContext(template, resolver, builder, options.region);
  const locations = new Map<string, SourceLocation>();
  const file = locationFile(options.template);

  const inFile = (line: string) => `${options.template}: ${line}`;
  warnings.push(...transformWarnings(template).map(inFile));
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === "AWS::EC2::NatGateway")
      builder.declareNatGateway(context.idOf(logicalId));
    const mapper = MAPPERS[resource.Type];
    if (!mapper || !isIncluded(context, logicalId, warnings)) continue;
    const created = mapper(context.reader(logicalId), context) ?? [];
    const location = { file, line: lines.get(logicalId) ?? 1, logicalName: logicalId };
    for (const id of [context.idOf(logicalId), ...created]) locations.set(id, location);
    if (resource.Type === "AWS::EC2::VPC") {
      for (const id of Object.values(builder.vpcDefaults(context.idOf(logicalId)) ?? {}))
        locations.set(id, location);
    }
  }
  const nested = checkNestedStacks(context, (logicalId) =>
    isIncluded(context, logicalId, warnings),
  );
  warnings.push(...nested.map(inFile));
  const snapshot = builder.build();
  for (const item of builder.unresolved) {
    const value = item.placeholder
      ? `; using placeholder ${item.placeholder}`
      : "; the property is left out";
    warnings.push(
      `${options.template}: resource ${item.logicalName} property ${item.property}: ${item.reason}${value}`,
    );
  }
  warnings.push(...builder.warnings.map((line) => `${options.template}: ${line}`));
  return {
    snapshot,
    locations,
    unresolved: builder.unresolved,
    warnings,
    files: [options.template],
  };
}

function isIncluded(context: TemplateContext, logicalId: string, warnings: string[]): boolean {
  const condition = context.template.Resources[logicalId]?.Condition;
  if (condition === undefined) return true;
  const value = context.resolver.condition(condition);
  if (value instanceof Unresolved) {
    warnings.push(
      `resource ${logicalId}: condition ${condition} is unknown before deployment (${value.reason}); the resource is linted as created`,
    );
    return true;
  }
  return value;
}

/**
 * Reads a parameters file in the AWS CLI form `[{"ParameterKey": ..., "ParameterValue": ...}]`,
 * that list under `Parameters` as in the `--cli-input-json` file of `aws cloudformation
 * create-stack`, the template configuration form `{"Parameters": {...}}`, or a plain object of
 * names and values.
 */
export async function readParameters(file: string): Promise<Map<string, string>> {
  const text = await readText(file, "--parameters");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file}: not valid JSON (${(error as Error).message}); --parameters expects a JSON file`,
    );
  }
  // JSON.parse keeps the last of two equal keys, so which value was meant is unknown.
  const [repeated] = repeatedKeys(text);
  if (repeated) {
    throw new InputError(
      `${file}: ${repeated.path || "/"} has the key ${JSON.stringify(repeated.key)} twice; ` +
        "JSON keeps only the last, so remove one",
    );
  }
  let entries: [string, unknown][];
  const list = isRecord(value) && Array.isArray(value.Parameters) ? value.Parameters : value;
  if (Array.isArray(list)) {
    entries = list.map((item, position) => cliParameter(file, item, position));
    rejectRepeatedParameters(file, entries);
  } else if (isRecord(value)) {
    entries = Object.entries(isRecord(value.Parameters) ? value.Parameters : value);
  } else {
    throw new InputError(
      `${file}: expected a list of {ParameterKey, ParameterValue} or an object of parameter values`,
    );
  }
  return new Map(entries.map(([key, item]) => [key, parameterText(file, key, item)]));
}

/**
 * Returns a parameter value as CloudFormation receives it: a string, with numbers and booleans
 * written out and a list joined with commas. Null and maps have no such form.
 */
function parameterText(file: string, key: string, value: unknown): string {
  if (isParameterText(value)) return parameterTextOf(value);
  throw new InputError(
    `${file}: parameter ${key} has the value ${JSON.stringify(value)}; give a string, ` +
      "or a list of strings for a List or CommaDelimitedList parameter",
  );
}

/** Tells whether a value has a parameter's text form: a scalar, or a list of scalars. */
function isParameterText(value: unknown): boolean {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

function parameterTextOf(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** Rejects a parameter that two items of the AWS CLI list give, since either value may be meant. */
function rejectRepeatedParameters(file: string, entries: readonly [string, unknown][]): void {
  const first = new Map<string, number>();
  for (const [position, [key]] of entries.entries()) {
    const earlier = first.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        `${file}: parameter ${key} is given in items ${earlier} and ${position}; give each ` +
          "parameter once",
      );
    }
    first.set(key, position);
  }
}

function cliParameter(file: string, item: unknown, position: number): [string, unknown] {
  if (
    !isRecord(item) ||
    typeof item.ParameterKey !== "string" ||
    item.ParameterValue === undefined
  ) {
    throw new InputError(
      `${file}: item ${position} is not {"ParameterKey": ..., "ParameterValue": ...}`,
    );
  }
  return [item.ParameterKey, item.ParameterValue];
}

/** Gives each template parameter its value: the parameters file first, then its Default. */
function resolveParameters(
  template: Template,
  parameterValues: ReadonlyMap<string, string>,
  options: TemplateOptions,
  warnings: string[],
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const declared = template.Parameters ?? {};
  for (const name of parameterValues.keys()) {
    if (!(name in declared))
      warnings.push(
        `${options.parameters}: parameter ${name} is not declared in the template; it was ignored`,
      );
  }
  const problems: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) {
    const type = String(parameter?.Type ?? "String");
    const passed = parameterValues.get(name);
    const fallback = parameter?.Default;
    if (passed === undefined && fallback !== undefined && !isParameterText(fallback)) {
      problems.push(
        `  parameter ${name}: its Default is ${JSON.stringify(fallback)}; give a string, or a ` +
          "list of strings for a List or CommaDelimitedList parameter",
      );
      continue;
    }
    const raw = passed ?? (fallback === undefined ? undefined : parameterTextOf(fallback));
    const value = parameterValue(name, type, raw);
    const broken = brokenConstraint(type, parameter ?? {}, value);
    if (broken) {
      const source = passed === undefined ? "its Default" : `from ${options.parameters}`;
      const description =
        typeof parameter?.ConstraintDescription === "string"
          ? ` (${parameter.ConstraintDescription})`
          : "";
      const item = JSON.stringify(broken.item);
      problems.push(`  parameter ${name}: ${item}, ${source}, ${broken.reason}${description}`);
    }
    const mismatch = patternMismatch(name, type, parameter ?? {}, value);
    if (mismatch) warnings.push(`${options.template}: ${mismatch}`);
    values.set(name, value);
  }
  if (problems.length > 0) {
    throw new InputError(
      `${options.template}: CloudFormation would reject these parameter values:\n` +
        `${problems.join("\n")}\nPass values that meet the constraints in --parameters, or fix ` +
        "the template's Default.",
    );
  }
  return values;
}

/**
 * Returns the first item of a parameter's value that breaks a constraint, with the reason. The
 * constraints are AllowedValues, a number for a Number type, MinValue and MaxValue for numbers,
 * and MinLength and MaxLength for a String. CloudFormation rejects a stack whose parameter values
 * break one, so no such stack exists to lint. An unknown value is not checked.
 */
function brokenConstraint(
  type: string,
  parameter: TemplateParameter,
  value: unknown,
): { item: string; reason: string } | undefined {
  if (typeof value !== "string" && !Array.isArray(value)) return undefined;
  const items: string[] = Array.isArray(value) ? value.map(String) : [value];
  const numeric = type === "Number" || type === "List<Number>";
  const bound = (limit: unknown) => (limit === undefined ? undefined : Number(limit));
  for (const item of items) {
    const reason = itemProblem(item);
    if (reason) return { item, reason };
  }
  return undefined;

  function itemProblem(item: string): string | undefined {
    if (numeric && (item.trim() === "" || !Number.isFinite(Number(item)))) return "is not a number";
    const allowed = parameter.AllowedValues;
    if (Array.isArray(allowed) && !allowed.map(String).includes(item))
      return `is not one of its AllowedValues (${allowed.map(String).join(", ")})`;
    if (numeric) {
      const [min, max] = [bound(parameter.MinValue), bound(parameter.MaxValue)];
      if (min !== undefined && Number(item) < min) return `is less than its MinValue ${min}`;
      if (max !== undefined && Number(item) > max) return `is greater than its MaxValue ${max}`;
    }
    if (type === "String") {
      const [min, max] = [bound(parameter.MinLength), bound(parameter.MaxLength)];
      if (min !== undefined && item.length < min) return `is shorter than its MinLength ${min}`;
      if (max !== undefined && item.length > max) return `is longer than its MaxLength ${max}`;
    }
    return undefined;
  }
}

/**
 * Returns a line for standard error when a String parameter's value does not match its
 * AllowedPattern, read as a JavaScript regular expression that must match the whole value.
 * CloudFormation reads the pattern with its own syntax, so a mismatch is a warning, not an error.
 * A pattern that JavaScript cannot compile is not checked.
 */
function patternMismatch(
  name: string,
  type: string,
  parameter: TemplateParameter,
  value: unknown,
): string | undefined {
  const pattern = parameter.AllowedPattern;
  if (type !== "String" || typeof pattern !== "string" || typeof value !== "string") {
    return undefined;
  }
  let expression: RegExp;
  try {
    expression = new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
  if (expression.test(value)) return undefined;
  return (
    `parameter ${name} is ${JSON.stringify(value)}, which does not match its AllowedPattern ` +
    `${pattern}, so CloudFormation may reject the stack`
  );
}

function parameterValue(name: string, type: string, raw: string | undefined): unknown {
  const key = JSON.stringify({ Ref: name });
  if (raw === undefined) {
    return new Unresolved(`parameter ${name} has no Default and no value in --parameters`, key);
  }
  if (type.startsWith("AWS::SSM::Parameter::Value")) {
    return new Unresolved(`parameter ${name} reads SSM parameter ${raw} at deployment`, key);
  }
  if (type.startsWith("List<") || type === "CommaDelimitedList") {
    return raw === "" ? [] : raw.split(",").map((item) => item.trim());
  }
  return raw;
}
