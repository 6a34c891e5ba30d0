/** Validates a parsed config file and turns each schema error into one sentence for the user. */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Rule } from "../engine/types.js";
import { RULES } from "../rules/index.js";
import { UNSUPPRESSIBLE_RULES, globMatches } from "../suppress/suppressions.js";
import { buildRulesSchema } from "./rules-schema.js";
import { configServiceErrors, type RequiredServices } from "./service-names.js";

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const SELECTORS = ["rule", "resource", "account", "region", "tag"] as const;

const compiled = new WeakMap<readonly Rule[], ValidateFunction>();

/** Returns the validator for a rule set, compiling it on first use. */
function validator(rules: readonly Rule[]): ValidateFunction {
  const cached = compiled.get(rules);
  if (cached) return cached;
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv, ["date"]);
  const validate = ajv.compile(buildRulesSchema(rules));
  compiled.set(rules, validate);
  return validate;
}

/** Returns one sentence per problem in the config, each naming the file and the JSON path. */
export function configErrors(
  file: string,
  config: unknown,
  rules: readonly Rule[] = RULES,
): string[] {
  const ruleIds = rules.map((rule) => rule.id);
  const validate = validator(rules);
  if (!validate(config)) {
    return collapse(validate.errors ?? []).map((error) => sentence(file, error, ruleIds));
  }
  const checked = config as {
    requiredServices?: RequiredServices;
    suppressions?: Record<string, unknown>[];
  };
  return [
    ...configServiceErrors(file, checked.requiredServices),
    ...(checked.suppressions ?? []).flatMap((entry, position) =>
      suppressionErrors(file, entry, position, ruleIds),
    ),
  ];
}

/**
 * Rejects suppressions without a selector, because a bare reason would hide every finding by
 * accident (`"rule": "*"` hides them on purpose). Rejects rule selectors that match no rule or only
 * rules that are never suppressed, because such an entry would silently suppress nothing.
 */
function suppressionErrors(
  file: string,
  entry: Record<string, unknown>,
  position: number,
  ruleIds: readonly string[],
): string[] {
  const path = `${file}: /suppressions/${position}`;
  if (!SELECTORS.some((key) => key in entry)) {
    return [
      `${path} has no selector; add at least one of ${SELECTORS.join(", ")}, ` +
        'or "rule": "*" to suppress every finding on purpose',
    ];
  }
  const rule = entry.rule;
  if (typeof rule !== "string") return [];
  const matched = ruleIds.filter((id) => globMatches(rule, id));
  if (matched.length > 0 && matched.every((id) => UNSUPPRESSIBLE_RULES.has(id))) {
    return [
      `${path}/rule is ${JSON.stringify(rule)}, which matches only ${matched.join(", ")}, a rule ` +
        "that is never suppressed because a failed collection call hides what the other rules " +
        "would find: remove the entry and fix the failed call",
    ];
  }
  if (matched.length > 0) return [];
  const nearest = nearestRuleId(rule, ruleIds);
  const hint = nearest ? `did you mean ${nearest}?` : "run vpc-lint rules for the list";
  return [`${path}/rule is ${JSON.stringify(rule)}, which matches no rule id; ${hint}`];
}

/**
 * Reports a failed `anyOf` (a rule setting that is neither a severity nor an object) once: as the
 * deeper errors inside the object when there are any, else as one sentence. Also drops the
 * `propertyNames` summary that follows the key's own pattern error, and the `enum` error that
 * follows a `type` error on the same value, since the `type` sentence lists the allowed values.
 */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const parent of errors.filter((error) => error.keyword === "anyOf")) {
    const at = parent.instancePath;
    for (const error of errors) {
      if (error !== parent && error.instancePath === at) dropped.add(error);
    }
    if (errors.some((error) => error.instancePath.startsWith(`${at}/`))) dropped.add(parent);
  }
  const wrongType = new Set(
    errors.filter((error) => error.keyword === "type").map((error) => error.instancePath),
  );
  for (const error of errors) {
    if (error.keyword === "enum" && wrongType.has(error.instancePath)) dropped.add(error);
  }
  return errors.filter((error) => !dropped.has(error) && error.keyword !== "propertyNames");
}

function sentence(file: string, error: ErrorObject, ruleIds: readonly string[]): string {
  const path = error.instancePath || "/";
  const value = JSON.stringify(error.data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return unknownKey(file, error, String(params.additionalProperty), ruleIds);
    case "enum":
      if (fixedRule(error)) return alwaysError(file, error);
      return `${file}: ${path} is ${value}; allowed values are ${(params.allowedValues as unknown[]).join(", ")}`;
    case "type":
      return wrongType(file, error);
    case "required":
      return `${file}: ${path} lacks the required key "${String(params.missingProperty)}"`;
    case "format":
      return `${file}: ${path} is ${value}; expected a date as YYYY-MM-DD, such as 2027-06-30`;
    case "pattern":
      return error.propertyName === undefined
        ? `${file}: ${path} is ${value}; expected ${patternMeaning(error)}`
        : `${file}: ${path} has the key ${value}; expected ${patternMeaning(error)}`;
    case "uniqueItems": {
      // ajv names the two positions in either order, depending on the items' type.
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return `${file}: ${path} lists an item twice (items ${first} and ${second}); list each once`;
    }
    case "anyOf":
      return (
        `${file}: ${path} is ${value}; expected one of off, error, warning, info, ` +
        "or an object with severity and options"
      );
    default:
      return `${file}: ${path} is ${value}; ${error.message ?? "not allowed"}`;
  }
}

/**
 * Phrases a value of the wrong type. When the schema also lists the allowed values, the sentence
 * names them. For a rule set to an object, the sentence adds that the rule takes no options.
 */
function wrongType(file: string, error: ErrorObject): string {
  if (fixedRule(error)) return alwaysError(file, error);
  const path = error.instancePath || "/";
  const value = JSON.stringify(error.data);
  const allowed = (error.parentSchema as { enum?: unknown[] } | undefined)?.enum;
  if (!allowed) {
    const type = String((error.params as { type?: unknown }).type);
    return `${file}: ${path} is ${value}; expected ${article(type)}${quoteHint(error, type)}`;
  }
  const choices = `one of the strings ${allowed.join(", ")}`;
  const ruleId = /^\/rules\/([^/]+)$/.exec(error.instancePath)?.[1];
  if (ruleId && isPlainObject(error.data)) {
    return `${file}: ${path} is ${value}, but rule ${ruleId} has no options; set it to ${choices}`;
  }
  return `${file}: ${path} is ${value}; expected ${choices}`;
}

/** The number of digits in an AWS account id. */
const ACCOUNT_DIGITS = 12;

/**
 * Suggests quotes for a number or boolean where a string belongs. An unquoted account id shorter
 * than 12 digits has lost its leading zeros, so the hint for such an account mentions them.
 */
function quoteHint(error: ErrorObject, type: string): string {
  const { data } = error;
  if (type !== "string" || (typeof data !== "number" && typeof data !== "boolean")) return "";
  const lostZeros =
    error.instancePath.endsWith("/account") &&
    Number.isInteger(data) &&
    String(data).length < ACCOUNT_DIGITS;
  const zeros = lostZeros ? ", keeping the leading zeros an unquoted number loses" : "";
  return `, so write the value in quotes${zeros}`;
}

/** Tells whether an error is about the setting of a rule whose severity is fixed. */
function fixedRule(error: ErrorObject): boolean {
  const ruleId = /^\/rules\/([^/]+)$/.exec(error.instancePath)?.[1];
  return ruleId !== undefined && UNSUPPRESSIBLE_RULES.has(ruleId);
}

function alwaysError(file: string, error: ErrorObject): string {
  return (
    `${file}: ${error.instancePath} is ${JSON.stringify(error.data)}; a failed collection call ` +
    "hides what the other rules would find, so this rule is always an error: remove the setting"
  );
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKey(
  file: string,
  error: ErrorObject,
  key: string,
  ruleIds: readonly string[],
): string {
  const path = error.instancePath || "/";
  if (error.instancePath === "/rules") {
    const nearest = nearestRuleId(key, ruleIds);
    const hint = nearest ? `; did you mean ${nearest}?` : "; run vpc-lint rules for the list";
    return `${file}: /rules has the unknown rule id "${key}"${hint}`;
  }
  const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
  return `${file}: ${path} has the unknown key "${key}"; allowed keys are ${allowed.join(", ")}`;
}

/** Describes the value a schema pattern expects, in words. */
function patternMeaning(error: ErrorObject): string {
  const pattern = String((error.params as { pattern?: string }).pattern ?? error.schema);
  if (pattern.startsWith("^vpc-")) return "a VPC id such as vpc-0a1b2c3d4e5f67890";
  if (pattern.startsWith("^[0-9]{12}")) return "a 12-digit AWS account id";
  if (pattern.startsWith("^[^=]+=")) return "a tag as key=value, such as team=payments";
  if (pattern === "\\S") return "a reason that is not blank";
  if (pattern.startsWith("^[a-z0-9]")) return "a service name in lowercase, such as kms or ecr.api";
  return `a value matching ${pattern}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Returns the rule id closest to a misspelt one, when it is close enough to be a typo. */
export function nearestRuleId(
  key: string,
  ruleIds: readonly string[] = RULES.map((rule) => rule.id),
): string | undefined {
  return nearestName(key, ruleIds);
}

/** Returns the name closest to a misspelt one, when it is close enough to be a typo. */
export function nearestName(key: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(key, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, position) => position);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
