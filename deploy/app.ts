/**
 * The CDK app. Settings come from context (`cdk synth -c regions=eu-west-1,eu-central-1`):
 * regions, schedule, organizationalUnits, stackSetRegion, externalId, requiredServices.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { VpcLintStack, type VpcLintStackProps } from "./stack.js";

const app = new App();
const list = (name: string): string[] =>
  String(app.node.tryGetContext(name) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const regions = list("regions");
const units = list("organizationalUnits");
const props: VpcLintStackProps = {
  regions: regions.length > 0 ? regions : [process.env.CDK_DEFAULT_REGION ?? "us-east-1"],
  requiredServices: list("requiredServices"),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
};
const schedule = app.node.tryGetContext("schedule") as string | undefined;
if (schedule) props.schedule = schedule;
if (units.length > 0) {
  const externalId = app.node.tryGetContext("externalId") as string | undefined;
  props.organization = {
    organizationalUnitIds: units,
    stackSetRegion:
      (app.node.tryGetContext("stackSetRegion") as string | undefined) ??
      props.regions[0] ??
      "us-east-1",
    ...(externalId && { externalId }),
  };
}

new VpcLintStack(app, "VpcLint", props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
