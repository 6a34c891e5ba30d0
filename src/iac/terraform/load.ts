/** Turns the JSON of `terraform show -json PLAN` into a snapshot located by resource address. */
import { InputError } from "../../errors.js";
import type { SourceLocation } from "../../run.js";
import { SnapshotBuilder } from "../builder.js";
import { readText } from "../../io.js";
import { locationFile, type IacResult } from "../result.js";
import { isRecord } from "../unresolved.js";
import { PlanContext } from "./context.js";
import { Plan } from "./plan.js";
import { MAPPERS } from "./resources.js";

/**
 * Reads a plan and maps its planned EC2 resources into a snapshot. The Region is the `aws`
 * provider's when it is a constant, else `fallbackRegion`.
 */
export async function loadPlan(file: string, fallbackRegion: string): Promise<IacResult> {
  const text = await readText(file, "--terraform-plan");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file}: not valid JSON (${(error as Error).message}); pass the output of \`terraform show -json PLAN\``,
    );
  }
  if (!isRecord(document) || typeof document.format_version !== "string") {
    throw new InputError(
      `${file}: not a Terraform plan: expected a format_version field, as \`terraform show -json PLAN\` writes`,
    );
  }
  if (!document.format_version.startsWith("1.")) {
    throw new InputError(
      `${file}: plan format_version ${document.format_version} is not supported; vpc-lint reads 1.x`,
    );
  }

  const plan = new Plan(file, document);
  const builder = new SnapshotBuilder(providerRegion(document) ?? fallbackRegion, undefined);
  const context = new PlanContext(plan, builder);
  const locations = new Map<string, SourceLocation>();
  const location = locationFile(file);

  for (const instance of plan.instances) {
    const mapper = MAPPERS[instance.type];
    if (!mapper) continue;
    const reader = context.reader(instance);
    const created = mapper(reader, context) ?? [];
    // The plan JSON has no line numbers, so every resource points at line 1 and names its address.
    for (const id of [reader.id, ...created])
      locations.set(id, { file: location, line: 1, logicalName: instance.address });
    if (instance.type === "aws_vpc") {
      const defaults: Record<string, string> = builder.vpcDefaults(reader.id) ?? {};
      for (const id of Object.values(defaults))
        locations.set(id, { file: location, line: 1, logicalName: instance.address });
    }
  }
  const snapshot = builder.build();
  const warnings = builder.unresolved.map((item) => {
    const value = item.placeholder
      ? `; using placeholder ${item.placeholder}`
      : "; the attribute is left out";
    return `${file}: ${item.logicalName} ${item.property}: ${item.reason}${value}`;
  });
  warnings.push(...builder.warnings.map((line) => `${file}: ${line}`));
  return { snapshot, locations, unresolved: builder.unresolved, warnings, files: [file] };
}

/**
 * Returns the Region of the root module's `aws` provider when it is a constant or a root
 * variable, such as `region = var.aws_region`.
 */
function providerRegion(document: Record<string, unknown>): string | undefined {
  const configuration = isRecord(document.configuration) ? document.configuration : {};
  const providers = isRecord(configuration.provider_config) ? configuration.provider_config : {};
  const aws = providers.aws;
  if (!isRecord(aws) || !isRecord(aws.expressions) || !isRecord(aws.expressions.region)) {
    return undefined;
  }
  const expression = aws.expressions.region;
  if (typeof expression.constant_value === "string") return expression.constant_value;
  const references = Array.isArray(expression.references) ? expression.references : [];
  const variable = references.map(String).find((reference) => reference.startsWith("var."));
  const variables = isRecord(document.variables) ? document.variables : {};
  const entry = variable ? variables[variable.slice(4)] : undefined;
  return isRecord(entry) && typeof entry.value === "string" ? entry.value : undefined;
}
