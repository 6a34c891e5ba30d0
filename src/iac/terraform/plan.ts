/**
 * The resources of a `terraform show -json` plan, and the values unknown until apply resolved
 * through the references the plan's `configuration` records for each argument.
 */
import { InputError } from "../../errors.js";
import { Unresolved, firstUnresolved, isRecord } from "../unresolved.js";

/** One resource instance from `planned_values`, with its configuration and unknown attributes. */
export interface PlanInstance {
  address: string;
  /** `module.vpc` for a resource of that module; empty in the root module. */
  moduleAddress: string;
  type: string;
  name: string;
  index?: number | string;
  values: Record<string, unknown>;
  /** The `after_unknown` tree of the resource's change: true where a value is known only after apply. */
  unknown: unknown;
  config?: ConfigResource;
}

interface ConfigResource {
  address: string;
  expressions?: Record<string, unknown>;
  for_each_expression?: unknown;
}

interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { expressions?: Record<string, unknown>; module?: ConfigModule }>;
  outputs?: Record<string, { expression?: unknown }>;
}

/**
 * The context of an expression: the module instance, the resource's count or for_each key, and
 * the resource's `for_each` expression, which `each.value` reads.
 */
interface Scope {
  moduleAddress: string;
  index?: number | string;
  forEach?: unknown;
}

/** A reference to a resource attribute, such as `aws_subnet.private[0].id`. */
interface ResourceReference {
  type: string;
  name: string;
  index?: number | string;
  attribute?: string;
}

/** Returns the known value of a resource attribute, or a placeholder for one known after apply. */
export type AttributeLookup = (instance: PlanInstance, attribute: string) => unknown;

export class Plan {
  readonly instances: PlanInstance[];
  private readonly byAddress: Map<string, PlanInstance>;
  /** The instances whose address continues each text with `[`, built on first use. */
  private byBase?: Map<string, PlanInstance[]>;
  attribute: AttributeLookup = () => undefined;

  constructor(
    readonly file: string,
    private readonly document: Record<string, unknown>,
  ) {
    this.instances = collectInstances(file, document);
    this.byAddress = new Map(this.instances.map((instance) => [instance.address, instance]));
  }

  instance(address: string): PlanInstance | undefined {
    return this.byAddress.get(address);
  }

  /**
   * Returns the instances a reference such as `aws_route_table.app` or
   * `module.vpc.aws_subnet.private[0]` names, or undefined when it names no resource of the plan.
   */
  instancesOf(reference: string): PlanInstance[] | undefined {
    const match = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*)(.*)$/.exec(reference);
    const target = parseReference(match?.[2] ?? "");
    if (!target) return undefined;
    const base = `${match?.[1] ?? ""}${target.type}.${target.name}`;
    if (target.index !== undefined) {
      const single = this.byAddress.get(`${base}${indexText(target.index)}`);
      return single ? [single] : undefined;
    }
    const single = this.byAddress.get(base);
    if (single) return [single];
    const all = this.instancesUnder(base);
    return all.length > 0 ? all : undefined;
  }

  /**
   * Returns the value at a path of a resource's attributes: the planned value when it is known,
   * else what its configuration expression refers to, else an Unresolved saying why. Returns
   * undefined for an unknown attribute that the configuration does not set.
   */
  value(instance: PlanInstance, path: (string | number)[]): unknown {
    const known = valueAt(instance.values, path);
    if (known !== undefined && known !== null) return known;
    if (valueAt(instance.unknown, path) !== true) return known ?? undefined;
    const expression = expressionAt(instance.config?.expressions, path);
    const scope: Scope = {
      moduleAddress: instance.moduleAddress,
      ...(instance.index !== undefined && { index: instance.index }),
      ...(instance.config?.for_each_expression !== undefined && {
        forEach: instance.config.for_each_expression,
      }),
    };
    const label = `${instance.address} ${path.join(".")}`;
    if (expression === undefined) {
      // Blocks such as the inline `route` of a route table may be set as one attribute
      // expression for the whole list, which the plan does not split by block.
      const whole = wholeExpressionAt(instance.config?.expressions, path);
      if (whole !== undefined) {
        const single = singleIdReference(whole.expression);
        // When every reference in the list names the id of one resource, an unknown id field in
        // any of its blocks can only be that id, as in a route table whose one `route` with an
        // unknown target has `gateway_id = aws_internet_gateway.main.id`.
        if (single && String(path[path.length - 1]).endsWith("_id"))
          return this.evaluate({ references: single }, scope, label);
        return new Unresolved(
          `${label} is known only after apply and is set by one expression for all ${whole.name} blocks, which vpc-lint does not split by block`,
          label,
        );
      }
      // AWS computes the attributes the configuration does not set, such as the route table ids
      // of an interface endpoint. Such an attribute is left out rather than replaced by a
      // placeholder.
      return undefined;
    }
    return this.evaluate(expression, scope, label);
  }

  /** Tells whether the configuration sets an argument, whatever its value. */
  configures(instance: PlanInstance, name: string): boolean {
    return instance.config?.expressions?.[name] !== undefined;
  }

  private evaluate(expression: unknown, scope: Scope, label: string): unknown {
    if (!isRecord(expression))
      return new Unresolved(`${label} has no expression in the configuration`, label);
    if ("constant_value" in expression) return expression.constant_value;
    const references = referencesOf(expression);
    const usesIndex = references.some((ref) => ref === "count.index" || ref.startsWith("each."));
    const values: unknown[] = [];
    const seen = new Set<string>();
    for (const reference of references) {
      const value = this.follow(reference, scope, usesIndex, seen);
      // An instance picked by a key that is not the resource's own, as in
      // `aws_nat_gateway.nat[index(var.azs, each.key)].id`, may be any of them, and the other
      // references are only arguments of that choice.
      if (value === UNKNOWN_KEY) return unevaluated(label, references, scope.moduleAddress);
      if (value !== undefined) values.push(value);
    }
    if (values.length === 0) return unevaluated(label, references, scope.moduleAddress);
    return values.length === 1 ? values[0] : values.flat();
  }

  /**
   * Returns the value of an argument that takes one value, such as `nat_gateway_id`. An
   * expression that gives several, as `aws_nat_gateway.nat[var.nat_az].id` gives every NAT
   * gateway and the variable's value, selects one of them in a way vpc-lint does not evaluate,
   * so the argument is unresolved.
   */
  single(instance: PlanInstance, path: (string | number)[]): unknown {
    const value = this.value(instance, path);
    if (!Array.isArray(value) || firstUnresolved(value)) return value;
    if (new Set(value.map(String)).size <= 1) return value[0];
    return this.unevaluated(instance, path);
  }

  /** Returns the Unresolved for an argument whose expression vpc-lint does not evaluate. */
  unevaluated(instance: PlanInstance, path: (string | number)[]): Unresolved {
    const expression = expressionAt(instance.config?.expressions, path);
    return unevaluated(
      `${instance.address} ${path.join(".")}`,
      referencesOf(expression),
      instance.moduleAddress,
    );
  }

  /** Follows one reference; returns undefined for references that add nothing, such as `count.index`. */
  private follow(reference: string, scope: Scope, usesIndex: boolean, seen: Set<string>): unknown {
    if (reference.startsWith("var."))
      return this.variable(reference.slice(4).split(".")[0] as string, scope);
    if (reference.startsWith("module.")) {
      // The plan lists `module.vpc.subnets[0]` and then `module.vpc.subnets`; only the first counts.
      const output = MODULE_OUTPUT.exec(reference)?.[1];
      if (!output || seen.has(output)) return undefined;
      seen.add(output);
      return this.moduleOutput(reference, scope);
    }
    if (reference === "each.value" || reference.startsWith("each.value."))
      return this.eachValue(reference, scope, seen);
    const target = parseReference(reference);
    if (!target) return undefined;
    const base = `${scope.moduleAddress ? `${scope.moduleAddress}.` : ""}${target.type}.${target.name}`;
    // A reference lists the resource and then its attribute; only the most specific one counts.
    if (seen.has(base)) return undefined;
    seen.add(base);
    const targets = this.targetsOf(base, target, scope, usesIndex);
    if (targets.length === 0) {
      const keyed = usesIndex && target.index === undefined && scope.index !== undefined;
      return keyed && this.instancesOf(base) ? UNKNOWN_KEY : undefined;
    }
    const values = targets.map((instance) => this.attribute(instance, target.attribute ?? "id"));
    return target.index === undefined && !usesIndex && targets.length > 1 ? values : values[0];
  }

  /**
   * Follows `each.value` when `for_each` iterates over the instances of one resource, such as
   * `for_each = aws_subnet.app`: the value is that resource's instance with the same key. Any
   * other `for_each` collection is not evaluated, so the reference adds nothing.
   */
  private eachValue(reference: string, scope: Scope, seen: Set<string>): unknown {
    // The plan lists `each.value.id` and then `each.value`; only the first one counts.
    if (seen.has("each.value") || scope.index === undefined) return undefined;
    seen.add("each.value");
    const prefix = scope.moduleAddress ? `${scope.moduleAddress}.` : "";
    const bases = new Set<string>();
    for (const text of referencesOf(scope.forEach)) {
      // A variable such as the condition of `var.enabled ? aws_subnet.app : {}` selects no instance.
      if (text.startsWith("var.") || text.startsWith("module.")) continue;
      const source = parseReference(text);
      if (source) bases.add(`${prefix}${source.type}.${source.name}`);
    }
    if (bases.size !== 1) return undefined;
    const [base] = [...bases];
    const instance = this.byAddress.get(`${base}${indexText(scope.index)}`);
    if (!instance) return undefined;
    const attribute = reference.split(".")[2] ?? "id";
    return this.attribute(instance, attribute);
  }

  private targetsOf(
    base: string,
    target: ResourceReference,
    scope: Scope,
    usesIndex: boolean,
  ): PlanInstance[] {
    if (target.index !== undefined)
      return [this.byAddress.get(`${base}${indexText(target.index)}`)].filter(isInstance);
    const single = this.byAddress.get(base);
    if (single) return [single];
    if (usesIndex && scope.index !== undefined) {
      return [this.byAddress.get(`${base}${indexText(scope.index)}`)].filter(isInstance);
    }
    return this.instancesUnder(base);
  }

  /**
   * Returns the instances of a resource with `count` or `for_each`, in the order of a splat such
   * as `aws_subnet.private[*].id`. The plan lists them by address, which puts `[10]` before
   * `[2]`, so count instances are sorted by index.
   */
  private instancesUnder(base: string): PlanInstance[] {
    // Every route or association may name a resource with `for_each`, so the instances are
    // grouped once rather than filtered for each reference.
    this.byBase ??= groupByBase(this.instances);
    const all = [...(this.byBase.get(base) ?? [])];
    const position = (instance: PlanInstance) =>
      typeof instance.index === "number" ? instance.index : 0;
    return all.sort((a, b) => position(a) - position(b));
  }

  private variable(name: string, scope: Scope): unknown {
    if (!scope.moduleAddress) {
      const variables = isRecord(this.document.variables) ? this.document.variables : {};
      const entry = variables[name];
      return isRecord(entry) ? entry.value : undefined;
    }
    const { parent, call } = splitModule(scope.moduleAddress);
    const expression = this.moduleCall(parent, call)?.expressions?.[name];
    return expression === undefined
      ? undefined
      : this.evaluate(expression, { moduleAddress: parent }, `var.${name}`);
  }

  /**
   * Follows `module.NAME.OUTPUT` or `module.NAME.OUTPUT[N]`, with an instance key such as
   * `module.NAME["prod"]` for a module with `count` or `for_each`, to the output's expression in
   * that module instance.
   */
  private moduleOutput(reference: string, scope: Scope): unknown {
    const match = MODULE_OUTPUT.exec(reference);
    if (!match) return undefined;
    const [, , call = "", key = "", output = "", position] = match;
    const parent = scope.moduleAddress ? `${scope.moduleAddress}.` : "";
    const moduleAddress = `${parent}module.${call}${key}`;
    const expression = this.moduleCall(scope.moduleAddress, call)?.module?.outputs?.[output]
      ?.expression;
    if (expression === undefined) return undefined;
    const value = this.evaluate(expression, { moduleAddress }, reference);
    return position !== undefined && Array.isArray(value) ? value[Number(position)] : value;
  }

  private moduleCall(moduleAddress: string, call: string) {
    return configModule(this.document, moduleAddress)?.module_calls?.[call];
  }
}

/**
 * A module output reference: the reference without its index, the module call's name, the
 * instance key, the output's name and the index, as in `module.vpc["prod"].subnets[0]`.
 */
const MODULE_OUTPUT = /^(module\.([^.[]+)(\[[^\]]*\])?\.([A-Za-z0-9_-]+))(?:\[(\d+)\])?/;

/** Marker that `follow` returns for a resource none of whose instances has the key being read. */
const UNKNOWN_KEY = Symbol("unknown key");

/** Returns the Unresolved for an expression whose value vpc-lint cannot evaluate. */
function unevaluated(label: string, references: string[], moduleAddress: string): Unresolved {
  const text = references.length > 0 ? references.join(", ") : "no reference";
  return new Unresolved(
    `${label} is known only after apply and refers to ${text}, which vpc-lint cannot evaluate`,
    label,
    references.map((reference) => qualify(reference, moduleAddress)),
  );
}

/** Reads the plan's instances from `planned_values`, walking child modules. */
function collectInstances(file: string, document: Record<string, unknown>): PlanInstance[] {
  const planned = isRecord(document.planned_values) ? document.planned_values : undefined;
  if (!planned || !isRecord(planned.root_module)) {
    throw new InputError(
      `${file}: not a Terraform plan: expected planned_values.root_module, as \`terraform show -json PLAN\` writes`,
    );
  }
  const unknown = new Map<string, unknown>();
  for (const change of Array.isArray(document.resource_changes) ? document.resource_changes : []) {
    if (isRecord(change) && isRecord(change.change))
      unknown.set(String(change.address), change.change.after_unknown);
  }
  const instances: PlanInstance[] = [];
  const walk = (module: Record<string, unknown>, moduleAddress: string) => {
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (!isRecord(resource) || resource.mode !== "managed") continue;
      const address = String(resource.address);
      const instance: PlanInstance = {
        address,
        moduleAddress,
        type: String(resource.type),
        name: String(resource.name),
        values: isRecord(resource.values) ? resource.values : {},
        unknown: unknown.get(address) ?? {},
      };
      if (typeof resource.index === "number" || typeof resource.index === "string")
        instance.index = resource.index;
      const config = configResource(document, moduleAddress, `${instance.type}.${instance.name}`);
      if (config) instance.config = config;
      instances.push(instance);
    }
    for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) {
      if (isRecord(child)) walk(child, String(child.address ?? ""));
    }
  };
  walk(planned.root_module, "");
  return instances;
}

function configModule(
  document: Record<string, unknown>,
  moduleAddress: string,
): ConfigModule | undefined {
  const configuration = isRecord(document.configuration) ? document.configuration : undefined;
  let module = configuration?.root_module as ConfigModule | undefined;
  const calls = moduleAddress
    ? [...moduleAddress.matchAll(/module\.([^.[]+)(?:\[[^\]]*\])?/g)].map((m) => m[1] as string)
    : [];
  for (const call of calls) module = module?.module_calls?.[call]?.module;
  return module;
}

function configResource(
  document: Record<string, unknown>,
  moduleAddress: string,
  address: string,
): ConfigResource | undefined {
  // The configuration is only read for expressions, so one of another shape gives none.
  const resources: unknown = configModule(document, moduleAddress)?.resources;
  if (!Array.isArray(resources)) return undefined;
  return resources.find(
    (resource): resource is ConfigResource => isRecord(resource) && resource.address === address,
  );
}

/** Splits `module.a.module.b[0]` into the parent `module.a` and the call name `b`. */
function splitModule(moduleAddress: string): { parent: string; call: string } {
  const match = /^(.*?)(?:\.)?module\.([^.[]+)(?:\[[^\]]*\])?$/.exec(moduleAddress);
  return { parent: match?.[1] ?? "", call: match?.[2] ?? "" };
}

const REFERENCE =
  /^([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?(?:\.([A-Za-z0-9_]+))?/;

function parseReference(text: string): ResourceReference | undefined {
  if (/^(count|each|local|path|terraform|self|data)\./.test(text)) return undefined;
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  const reference: ResourceReference = { type: match[1] as string, name: match[2] as string };
  const index = match[3];
  if (index !== undefined)
    reference.index = index.startsWith('"') ? index.slice(1, -1) : Number(index);
  if (match[4]) reference.attribute = match[4];
  return reference;
}

/** Returns a reference to a resource with the address of its module; others as they are. */
function qualify(reference: string, moduleAddress: string): string {
  if (!moduleAddress || !parseReference(reference) || /^(var|module)\./.test(reference))
    return reference;
  return `${moduleAddress}.${reference}`;
}

/** Returns the references an expression of the plan's configuration lists. */
function referencesOf(expression: unknown): string[] {
  return isRecord(expression) && Array.isArray(expression.references)
    ? expression.references.map(String)
    : [];
}

function indexText(index: number | string): string {
  return typeof index === "number" ? `[${index}]` : `["${index}"]`;
}

function isInstance(instance: PlanInstance | undefined): instance is PlanInstance {
  return instance !== undefined;
}

/** Returns the value at a path of nested maps and lists; planned values use lists for blocks. */
export function valueAt(root: unknown, path: (string | number)[]): unknown {
  let current = root;
  for (const step of path) {
    if (current === true) return true;
    if (Array.isArray(current) && typeof step === "number") current = current[step];
    else if (isRecord(current) && typeof step === "string") current = current[step];
    else return undefined;
  }
  return current;
}

/**
 * Returns the block list on a path whose configuration is one expression with references rather
 * than a list of blocks, as the plan records the inline `route` blocks of `aws_route_table`.
 */
function wholeExpressionAt(
  expressions: Record<string, unknown> | undefined,
  path: (string | number)[],
): { name: string; expression: Record<string, unknown> } | undefined {
  let current: unknown = expressions;
  for (const [position, step] of path.entries()) {
    if (Array.isArray(current) && typeof step === "number") current = current[step];
    else if (isRecord(current) && typeof step === "string") current = current[step];
    else return undefined;
    const next = path[position + 1];
    if (typeof next === "number" && isRecord(current) && Array.isArray(current.references))
      return { name: String(step), expression: current };
  }
  return undefined;
}

/**
 * Returns the references when an expression refers to the id of one resource and to nothing
 * else, as `["aws_internet_gateway.main.id", "aws_internet_gateway.main"]` does; else undefined.
 * `count.index` and `each.key` are kept, since they select the instance with the same index, as
 * in `nat_gateway_id = aws_nat_gateway.nat[count.index].id`. A single variable, such as the
 * `var.igw_id` that a module's route table reads, is kept too, and following it through the
 * module call gives the id that the caller passes.
 */
function singleIdReference(expression: Record<string, unknown>): string[] | undefined {
  const texts = referencesOf(expression);
  if (texts.length === 1 && /^var\.[^.[]+$/.test(texts[0] as string)) return texts;
  // Instance indexes by resource. The plan lists `aws_nat_gateway.nat[0]` and
  // then `aws_nat_gateway.nat`, which is the same reference without its index.
  const resources = new Map<string, Set<string>>();
  const indexes = new Set<string>();
  for (const text of texts) {
    if (text === "count.index" || text === "each.key") {
      indexes.add(text);
      continue;
    }
    const reference = parseReference(text);
    if (!reference || text.startsWith("var.") || text.startsWith("module.")) return undefined;
    if (reference.attribute !== undefined && reference.attribute !== "id") return undefined;
    const base = `${reference.type}.${reference.name}`;
    const read = resources.get(base) ?? new Set<string>();
    if (reference.index !== undefined) read.add(indexText(reference.index));
    resources.set(base, read);
  }
  const [entry, ...others] = resources.entries();
  if (!entry || others.length > 0 || entry[1].size > 1) return undefined;
  const [base, read] = entry;
  return [`${base}${[...read][0] ?? ""}.id`, ...indexes];
}

/** Returns the configuration expression at a path; nested blocks are lists of expression maps. */
function expressionAt(
  expressions: Record<string, unknown> | undefined,
  path: (string | number)[],
): unknown {
  let current: unknown = expressions;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === "number") current = current[step];
    else if (isRecord(current) && typeof step === "string") current = current[step];
    else return undefined;
  }
  return current;
}

/**
 * Groups instances under each text that their address continues with `[`, in plan order, such as
 * `aws_subnet.app` for `aws_subnet.app["a"]`. An address with module indexes, or a `[` inside a
 * key, is listed under each such prefix.
 */
function groupByBase(instances: readonly PlanInstance[]): Map<string, PlanInstance[]> {
  const byBase = new Map<string, PlanInstance[]>();
  for (const instance of instances) {
    const { address } = instance;
    for (let at = address.indexOf("["); at !== -1; at = address.indexOf("[", at + 1)) {
      const base = address.slice(0, at);
      const group = byBase.get(base);
      if (group) group.push(instance);
      else byBase.set(base, [instance]);
    }
  }
  return byBase;
}
