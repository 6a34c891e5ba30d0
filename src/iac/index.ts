/**
 * Lint before deploy: CloudFormation templates and Terraform plans become the same snapshot the
 * rules read, with each resource's place in the input file for reports that annotate it.
 */
import { InputError } from "../errors.js";
import type { RunResult, SnapshotInput } from "../run.js";
import { SECTIONS } from "../snapshot/sections.js";
import { foundText, validateSnapshot } from "../snapshot/validate.js";
import type { UnresolvedValue } from "./builder.js";
import { loadTemplate } from "./cloudformation/load.js";
import type { IacResult } from "./result.js";
import { loadPlan } from "./terraform/load.js";

export { encodeAddressForUri } from "./placeholders.js";
export type { UnresolvedValue } from "./builder.js";

export interface IacOptions {
  template?: string;
  parameters?: string;
  terraformPlan?: string;
  region?: string;
  accountId?: string;
}

/** A snapshot built from a template or plan, with the values it had to replace by placeholders. */
export interface IacSnapshotInput extends SnapshotInput {
  unresolved: UnresolvedValue[];
}

/** The Region a template or plan is linted for when neither it nor --region names one. */
export const DEFAULT_REGION = "us-east-1";

/** Reads the template or plan named in the options; each warning goes to `warn`, one line each. */
export async function readIacInputs(
  options: IacOptions,
  warn: (line: string) => void,
): Promise<IacSnapshotInput[]> {
  const result = await readResult(options);
  for (const warning of result.warnings) warn(warning);
  const { Vpcs: vpcs, Subnets: subnets } = result.snapshot;
  if (!vpcs?.length && !subnets?.length) {
    const input = options.template ? "template" : "plan";
    warn(
      `${result.files.join(", ")}: the ${input} defines no VPC and no subnet, so no rule has ` +
        `anything to check; check that this is the ${input} of the network`,
    );
  }
  checkSnapshot(result);
  return [
    {
      snapshot: result.snapshot,
      origin: options.template ? "template" : "plan",
      files: result.files,
      locations: result.locations,
      unresolved: result.unresolved,
    },
  ];
}

function readResult(options: IacOptions): Promise<IacResult> {
  if (options.template) {
    return loadTemplate({
      template: options.template,
      region: options.region ?? DEFAULT_REGION,
      ...(options.parameters && { parameters: options.parameters }),
      ...(options.accountId && { accountId: options.accountId }),
    });
  }
  if (options.terraformPlan)
    return loadPlan(options.terraformPlan, options.region ?? DEFAULT_REGION);
  throw new InputError("nothing to lint: pass --template FILE or --terraform-plan FILE");
}

/** Rejects a snapshot that breaks the schema, which happens when the input contains malformed CIDRs. */
function checkSnapshot(result: IacResult): void {
  const problems = validateSnapshot(result.snapshot);
  if (problems.length === 0) return;
  const lines = problems.slice(0, 20).map((problem) => {
    const resource = logicalNameAt(result, problem.pointer);
    const where = resource ? `resource ${resource} (${problem.pointer})` : problem.pointer;
    return `  ${where}: found ${foundText(problem.value)}, expected ${problem.expected}`;
  });
  throw new InputError(
    `${result.files.join(", ")}: the resources do not form a valid snapshot:\n${lines.join("\n")}\n` +
      "Fix these values in the input.",
  );
}

/** Returns the template logical id or plan address of the snapshot item a JSON pointer is in. */
function logicalNameAt(result: IacResult, pointer: string): string | undefined {
  const [, section, position] = pointer.split("/");
  const info = SECTIONS.find((item) => item.name === section);
  const items = section ? (result.snapshot as Record<string, unknown>)[section] : undefined;
  if (!info || !Array.isArray(items)) return undefined;
  const item: unknown = items[Number(position)];
  const id =
    typeof item === "object" && item !== null
      ? (item as Record<string, unknown>)[info.idField]
      : undefined;
  return typeof id === "string" ? result.locations.get(id)?.logicalName : undefined;
}

/**
 * Adds a `NOTE` evidence item to every finding that involves a resource with an unresolved
 * value, so a reader knows the finding rests on a placeholder.
 */
export function noteUnresolved(result: RunResult, inputs: readonly SnapshotInput[]): void {
  const byResource = new Map<string, UnresolvedValue[]>();
  for (const input of inputs) {
    for (const item of (input as Partial<IacSnapshotInput>).unresolved ?? []) {
      byResource.set(item.resourceId, [...(byResource.get(item.resourceId) ?? []), item]);
    }
  }
  if (byResource.size === 0) return;
  for (const finding of result.findings) {
    const evidenceIds = finding.evidence.map((evidence) => evidence.resourceId);
    const involved = new Set([finding.resource.id, ...finding.related, ...evidenceIds]);
    const notes = new Set<string>();
    for (const resourceId of involved) {
      for (const item of byResource.get(resourceId) ?? []) {
        const outcome = item.placeholder
          ? `placeholder ${item.placeholder} is used`
          : "the property is left out";
        const value = `${item.logicalName} ${item.property} is unknown before deployment (${item.reason}); ${outcome}`;
        if (notes.has(value)) continue;
        notes.add(value);
        finding.evidence.push({ resourceId, attribute: "NOTE", value });
      }
    }
  }
}
