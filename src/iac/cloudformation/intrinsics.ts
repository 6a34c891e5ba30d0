/**
 * Evaluates CloudFormation intrinsic functions, parameters, conditions, mappings and pseudo
 * parameters. A value known only after deployment evaluates to an `Unresolved` with the reason.
 */
import { splitCidr } from "../placeholders.js";
import { Unresolved, firstUnresolved, isRecord, isScalar } from "../unresolved.js";
import type { Template } from "./parse.js";

export { Unresolved, firstUnresolved };

/** Marks a property or list item that `AWS::NoValue` removes. */
export const NO_VALUE = Symbol("AWS::NoValue");

/** The values intrinsic functions return for resources: ids, attributes and the IPv6 blocks of VPCs. */
export interface ResourceValues {
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
}

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
}

export class IntrinsicResolver {
  private readonly conditionCache = new Map<string, boolean | Unresolved>();
  private readonly evaluating = new Set<string>();
  /**
   * The prefixes of each Fn::Cidr by its arguments. Subnets of a template often each select one
   * prefix from the same Fn::Cidr of 256 prefixes, which costs more to compute than to copy.
   */
  private readonly cidrCache = new Map<string, string[] | undefined>();
  /** Conditions taken as true while a resource that carries them is resolved. */
  private assumed: ReadonlySet<string> = new Set();
  resources: ResourceValues | undefined;

  constructor(
    private readonly template: Template,
    private readonly parameters: ReadonlyMap<string, unknown>,
    private readonly pseudo: PseudoParameters,
  ) {}

  /** Evaluates every intrinsic in a value; `AWS::NoValue` removes map entries and list items. */
  resolve(value: unknown): unknown {
    if (value instanceof Unresolved) return value;
    if (Array.isArray(value))
      return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && isIntrinsic(keys[0] as string))
      return this.call(keys[0] as string, value[keys[0] as string]);
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const resolved = this.resolve(value[key]);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  /**
   * Resolves a value while the named conditions count as true. A resource whose condition is
   * unknown is linted as created, so `Fn::If` on that condition inside it takes the true branch.
   */
  resolveAssuming(conditions: readonly string[], value: unknown): unknown {
    const outer = this.assumed;
    this.assumed = new Set(conditions);
    try {
      return this.resolve(value);
    } finally {
      this.assumed = outer;
    }
  }

  /** Evaluates a named condition; a condition that reads an unknown value is Unresolved. */
  condition(name: string): boolean | Unresolved {
    if (this.assumed.has(name)) return true;
    // A condition that reads an assumed one may differ under the assumption, so skip the cache.
    const cached = this.assumed.size === 0 ? this.conditionCache.get(name) : undefined;
    if (cached !== undefined) return cached;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined)
      return new Unresolved(`condition ${name} is not defined in Conditions`, `Condition:${name}`);
    if (this.evaluating.has(name))
      return new Unresolved(`condition ${name} refers to itself`, `Condition:${name}`);
    this.evaluating.add(name);
    const value = this.resolve(definition);
    this.evaluating.delete(name);
    const result =
      typeof value === "boolean" || value instanceof Unresolved
        ? value
        : unresolved(`condition ${name} is not a boolean`, definition);
    if (this.assumed.size === 0) this.conditionCache.set(name, result);
    return result;
  }

  private call(name: string, args: unknown): unknown {
    switch (name) {
      case "Ref":
        return typeof args === "string" ? this.ref(args) : invalid(name, args);
      case "Fn::GetAtt":
        return this.getAtt(args);
      case "Fn::Sub":
        return this.sub(args);
      case "Fn::If":
        return this.fnIf(args);
      case "Condition":
        return typeof args === "string" ? this.condition(args) : invalid(name, args);
      case "Fn::ImportValue": {
        const exportName = this.resolve(args);
        const text =
          exportName instanceof Unresolved ? "an unknown export" : JSON.stringify(exportName);
        return unresolved(`Fn::ImportValue ${text} reads another stack's export at deployment`, {
          "Fn::ImportValue": exportName,
        });
      }
      default:
        return this.callWithArgs(name, this.resolve(args));
    }
  }

  /** Returns a copy of the prefixes of Fn::Cidr, each distinct call computed once. */
  private cidr(block: string, count: number, hostBits: number): string[] | undefined {
    const key = `${block} ${count} ${hostBits}`;
    if (!this.cidrCache.has(key)) this.cidrCache.set(key, splitCidr(block, count, hostBits));
    const prefixes = this.cidrCache.get(key);
    return prefixes && [...prefixes];
  }

  /** Evaluates the functions whose arguments are resolved first. */
  private callWithArgs(name: string, args: unknown): unknown {
    const blocked = firstUnresolved(args);
    if (blocked) return blocked;
    const list = Array.isArray(args) ? args : [args];
    switch (name) {
      case "Fn::Select":
        return this.select(list);
      case "Fn::Join":
        return typeof list[0] === "string" && Array.isArray(list[1]) && list[1].every(isScalar)
          ? list[1].map(String).join(list[0])
          : invalid(name, args);
      case "Fn::Split":
        return typeof list[0] === "string" && typeof list[1] === "string"
          ? list[1].split(list[0])
          : invalid(name, args);
      case "Fn::GetAZs":
        return typeof list[0] === "string"
          ? ["a", "b", "c"].map((zone) => `${list[0] || this.pseudo.region}${zone}`)
          : invalid(name, args);
      case "Fn::Cidr":
        return this.cidr(String(list[0]), Number(list[1]), Number(list[2])) ?? invalid(name, args);
      case "Fn::FindInMap":
        return this.findInMap(list);
      case "Fn::Equals":
        return list.length === 2 && list.every(isScalar)
          ? String(list[0]) === String(list[1])
          : invalid(name, args);
      case "Fn::Not":
        return typeof list[0] === "boolean" ? !list[0] : invalid(name, args);
      case "Fn::And":
        return list.every((item) => typeof item === "boolean")
          ? list.every(Boolean)
          : invalid(name, args);
      case "Fn::Or":
        return list.every((item) => typeof item === "boolean")
          ? list.some(Boolean)
          : invalid(name, args);
      case "Fn::Base64":
        return typeof args === "string" ? args : invalid(name, args);
      case "Fn::Length":
        return Array.isArray(list[0]) ? list[0].length : invalid(name, args);
      case "Fn::ToJsonString":
        return JSON.stringify(list[0]);
      default:
        return unresolved(`${name} is not evaluated before deployment`, { [name]: args });
    }
  }

  private ref(name: string): unknown {
    const pseudo = this.pseudoParameter(name);
    if (pseudo !== undefined) return pseudo;
    if (this.parameters.has(name)) return this.parameters.get(name);
    if (this.template.Resources[name] && this.resources) return this.resources.ref(name);
    return unresolved(`Ref ${name} names no parameter or resource of the template`, { Ref: name });
  }

  private pseudoParameter(name: string): unknown {
    const region = this.pseudo.region;
    const partition = region.startsWith("cn-")
      ? "aws-cn"
      : region.startsWith("us-gov-")
        ? "aws-us-gov"
        : "aws";
    const values: Record<string, unknown> = {
      "AWS::Region": region,
      "AWS::AccountId": this.pseudo.accountId,
      "AWS::Partition": partition,
      "AWS::URLSuffix": partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
      "AWS::StackName": this.pseudo.stackName,
      "AWS::StackId": `arn:${partition}:cloudformation:${region}:${this.pseudo.accountId}:stack/${this.pseudo.stackName}/placeholder`,
      "AWS::NoValue": NO_VALUE,
    };
    if (name in values) return values[name];
    if (name === "AWS::NotificationARNs") return [];
    return undefined;
  }

  private getAtt(args: unknown): unknown {
    const resolved = this.resolve(
      typeof args === "string" ? args.split(/\.(.*)/s).slice(0, 2) : args,
    );
    const blocked = firstUnresolved(resolved);
    if (blocked) return blocked;
    if (!Array.isArray(resolved) || resolved.length !== 2) return invalid("Fn::GetAtt", args);
    const [logicalId, attribute] = resolved.map(String) as [string, string];
    if (!this.template.Resources[logicalId] || !this.resources) {
      return unresolved(`Fn::GetAtt ${logicalId}.${attribute} names no resource of the template`, {
        "Fn::GetAtt": resolved,
      });
    }
    return this.resources.getAtt(logicalId, attribute);
  }

  private sub(args: unknown): unknown {
    const [text, variables] = Array.isArray(args)
      ? [args[0], this.resolve(args[1] ?? {})]
      : [args, {}];
    if (typeof text !== "string" || !isRecord(variables)) return invalid("Fn::Sub", args);
    let blocked: Unresolved | undefined;
    const output = text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
      if (name.startsWith("!")) return `\${${name.slice(1)}}`;
      const value =
        name in variables
          ? variables[name]
          : name.includes(".") && !name.startsWith("AWS::")
            ? this.getAtt(name)
            : this.ref(name);
      const problem = firstUnresolved(value);
      if (problem) blocked ??= problem;
      return Array.isArray(value) ? value.join(",") : String(value);
    });
    return blocked
      ? unresolved(`Fn::Sub "${text}" uses a value unknown before deployment: ${blocked.reason}`, {
          "Fn::Sub": text,
          blocked: blocked.key,
        })
      : output;
  }

  private fnIf(args: unknown): unknown {
    if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== "string")
      return invalid("Fn::If", args);
    const condition = this.condition(args[0]);
    if (condition instanceof Unresolved) return condition;
    return this.resolve(condition ? args[1] : args[2]);
  }

  private select(list: unknown[]): unknown {
    const [index, items] = list;
    const position = typeof index === "string" && index.trim() !== "" ? Number(index) : index;
    if (
      typeof position !== "number" ||
      !Array.isArray(items) ||
      !Number.isInteger(position) ||
      position < 0 ||
      position >= items.length
    ) {
      return invalid("Fn::Select", list);
    }
    return items[position];
  }

  private findInMap(list: unknown[]): unknown {
    const [mapName, topKey, secondKey] = list.map(String) as [string, string, string];
    const value = this.template.Mappings?.[mapName]?.[topKey]?.[secondKey];
    if (value === undefined) {
      return unresolved(
        `Fn::FindInMap finds no value at ${mapName}.${topKey}.${secondKey} in Mappings`,
        { "Fn::FindInMap": list },
      );
    }
    return value;
  }
}

const INTRINSICS = new Set(["Ref", "Condition"]);

function isIntrinsic(key: string): boolean {
  return INTRINSICS.has(key) || key.startsWith("Fn::");
}

function unresolved(reason: string, expression: unknown): Unresolved {
  return new Unresolved(reason, JSON.stringify(expression));
}

function invalid(name: string, args: unknown): Unresolved {
  return unresolved(`${name} has invalid arguments ${JSON.stringify(args)}`, { [name]: args });
}
