/**
 * Warnings for the parts of a template that vpc-lint does not process: transforms, and nested
 * stacks that may add routes, NAT gateways or endpoints to the template's VPCs.
 */
import type { TemplateContext } from "./context.js";
import { isRecord } from "../unresolved.js";
import type { Template } from "./parse.js";

/** The resource type of a nested stack. */
const NESTED_STACK = "AWS::CloudFormation::Stack";

/** How to get a template with every transform applied, for the warnings that need it. */
export const PROCESSED_TEMPLATE_HINT =
  "create a change set, then lint the template that `aws cloudformation get-template " +
  "--stack-name STACK --change-set-name CHANGE_SET --template-stage Processed` returns";

/** Returns one warning for each transform the template declares, since none is expanded. */
export function transformWarnings(template: Template): string[] {
  const declared = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  return declared
    .map((item) => (isRecord(item) ? item.Name : item))
    .filter((name): name is string => typeof name === "string")
    .map(
      (name) =>
        `Transform ${name} is not expanded, so the resources it adds or changes are not ` +
        `linted; to lint them, ${PROCESSED_TEMPLATE_HINT}`,
    );
}

/**
 * Warns about each nested stack, whose resources are not linted. A nested stack that receives
 * the id of a VPC, subnet or route table of the template may change that VPC's routing, so the
 * VPC's route tables are left out and the routing checks are reported as skipped.
 */
export function checkNestedStacks(
  context: TemplateContext,
  included: (logicalId: string) => boolean,
): string[] {
  const warnings: string[] = [];
  const namesById = new Map(
    Object.keys(context.template.Resources).map((logicalId) => [
      context.idOf(logicalId),
      logicalId,
    ]),
  );
  for (const [logicalId, resource] of Object.entries(context.template.Resources)) {
    if (resource.Type !== NESTED_STACK || !included(logicalId)) continue;
    warnings.push(
      `resource ${logicalId}: nested stack (${NESTED_STACK}) is not expanded, so the ` +
        "resources it creates are not linted",
    );
    const received = receivedByVpc(context, context.properties(logicalId).Parameters);
    for (const [vpcId, ids] of received) {
      const names = ids.map((id) => namesById.get(id) ?? id).join(", ");
      context.builder.shareVpc(vpcId, `nested stack ${logicalId} receives ${names}`);
    }
  }
  return warnings;
}

/** Returns the template's VPC, subnet and route table ids found in a value, by their VPC. */
function receivedByVpc(context: TemplateContext, parameters: unknown): Map<string, string[]> {
  const { builder } = context;
  const vpcIds = new Set(builder.vpcIds());
  const byVpc = new Map<string, string[]>();
  for (const id of stringsIn(parameters)) {
    const vpcId = vpcIds.has(id) ? id : (builder.vpcOfSubnet(id) ?? builder.vpcOfRouteTable(id));
    if (!vpcId) continue;
    const ids = byVpc.get(vpcId) ?? [];
    if (!ids.includes(id)) ids.push(id);
    byVpc.set(vpcId, ids);
  }
  return byVpc;
}

/** Returns every string in a value, with comma-separated lists split into their items. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return value.split(",").map((item) => item.trim());
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRecord(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}
