/** A value the input does not determine before deployment, as CloudFormation and Terraform both produce. */

export class Unresolved {
  constructor(
    /** The reason the value is unknown, naming the function, reference or attribute involved. */
    readonly reason: string,
    /** A stable key for the expression, so equal expressions share one placeholder. */
    readonly key: string,
    /**
     * The references of a Terraform expression: resource addresses with their module, and other
     * references (`local.`, `data.`, `count.index`) as the plan lists them. Empty for templates.
     */
    readonly references: readonly string[] = [],
  ) {}
}

/** Returns the first Unresolved inside a value, searching lists and maps. */
export function firstUnresolved(value: unknown): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  for (const item of items) {
    const found = firstUnresolved(item);
    if (found) return found;
  }
  return undefined;
}

/** Tells whether a value is a string, number or boolean, which CloudFormation reads as text. */
export function isScalar(value: unknown): boolean {
  return ["string", "number", "boolean"].includes(typeof value);
}

/** Tells whether a value is a map. An Unresolved value is never one, whatever its expression. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Unresolved)
  );
}
