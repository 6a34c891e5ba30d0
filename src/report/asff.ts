/**
 * The AWS Security Finding Format (ASFF) report: one finding per vpc-lint finding, ready for
 * Security Hub `BatchImportFindings`. Field limits and meanings follow
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html
 */
import type { Finding, ResourceRef, Severity } from "../engine/types.js";
import type { RunResult } from "../run.js";

export const ASFF_SCHEMA_VERSION = "2018-10-08";

/** Prefix of every ASFF `Id` and `GeneratorId` that vpc-lint writes. */
export const ASFF_ID_PREFIX = "vpc-lint";

/** The finding type, from the ASFF types taxonomy (namespace/category/classifier). */
export const ASFF_FINDING_TYPE =
  "Software and Configuration Checks/AWS Security Best Practices/Network Reachability";

/** Account and Region used when neither the finding nor the snapshot names one. */
const UNKNOWN_ACCOUNT = "000000000000";
const UNKNOWN_REGION = "us-east-1";

/** ASFF severity labels; an `error` breaks a path workloads rely on, so it maps to HIGH. */
const SEVERITY_LABEL: Record<Severity, string> = {
  error: "HIGH",
  warning: "MEDIUM",
  info: "INFORMATIONAL",
};

/** ASFF resource types by vpc-lint resource type; the rest are `Other`. */
const RESOURCE_TYPE: Record<string, string> = {
  vpc: "AwsEc2Vpc",
  subnet: "AwsEc2Subnet",
  "route-table": "AwsEc2RouteTable",
  "security-group": "AwsEc2SecurityGroup",
  "network-acl": "AwsEc2NetworkAcl",
  "network-interface": "AwsEc2NetworkInterface",
  instance: "AwsEc2Instance",
};

/**
 * ASFF string limits: Title 256, Description 1024, Remediation.Recommendation.Text 512, and 2048
 * for each value of ProductFields.
 */
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;
const MAX_PRODUCT_FIELD = 2048;

/** A finding in ASFF, reduced to the fields vpc-lint fills. */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string; Original: string };
  Title: string;
  Description: string;
  SourceUrl?: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Compliance: { Status: "FAILED" | "PASSED" };
  Workflow: { Status: "NEW" | "SUPPRESSED" | "RESOLVED" };
  RecordState: "ACTIVE" | "ARCHIVED";
}

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Tags?: Record<string, string>;
  Details?: { Other: Record<string, string> };
}

/** The destination of the findings: the account and Region that import them, and the run's time. */
export interface AsffContext {
  accountId: string;
  region: string;
  /** ISO 8601 time of the run, written to `CreatedAt` and `UpdatedAt`. */
  now: string;
  /** Defaults to the account's default product, which accepts the account's own findings. */
  productArn?: string;
  /** Rule titles by rule id, for `Title`. A rule without a title is shown by its id. */
  titles?: ReadonlyMap<string, string>;
}

/** Returns the AWS partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Returns the ARN of an account's default Security Hub product for its own findings. */
export function defaultProductArn(accountId: string, region: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** Returns the ASFF `Id` of a finding: stable across runs, so an import updates, not adds. */
export function asffId(finding: Finding): string {
  return `${ASFF_ID_PREFIX}/${finding.fingerprint}`;
}

/**
 * Converts an open finding. A suppressed finding keeps `ACTIVE` but gets workflow status
 * `SUPPRESSED`, the status Security Hub uses for reviewed findings that need no action.
 */
export function toAsff(finding: Finding, context: AsffContext): AsffFinding {
  const accountId = finding.resource.accountId ?? context.accountId;
  const region = finding.resource.region ?? context.region;
  const productArn = context.productArn ?? defaultProductArn(accountId, region);

  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(finding),
    ProductArn: productArn,
    GeneratorId: `${ASFF_ID_PREFIX}/${finding.ruleId}`,
    AwsAccountId: accountId,
    Region: region,
    Types: [ASFF_FINDING_TYPE],
    // NOTE: the JSON report keeps no first-seen time, so CreatedAt is the time of this run.
    CreatedAt: context.now,
    UpdatedAt: context.now,
    Severity: { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity },
    Title: truncate(
      `${context.titles?.get(finding.ruleId) ?? finding.ruleId}: ${finding.resource.id}`,
      MAX_TITLE,
    ),
    Description: truncate(finding.message, MAX_DESCRIPTION),
    SourceUrl: finding.docsUrl,
    Remediation: {
      Recommendation: { Text: truncate(finding.fix, MAX_RECOMMENDATION), Url: finding.docsUrl },
    },
    ProductFields: productFields(finding),
    Resources: [resourceOf(finding.resource, region)],
    Compliance: { Status: "FAILED" },
    Workflow: { Status: finding.suppressed ? "SUPPRESSED" : "NEW" },
    RecordState: "ACTIVE",
  };
}

/**
 * Converts a finding of an earlier run that this run no longer reports. `ARCHIVED` and `PASSED`
 * close it, and Security Hub moves it back to `NEW` if a later import makes it `ACTIVE` again.
 * NOTE: customers set `Workflow` with BatchUpdateFindings, so Security Hub may keep their value
 * on an existing finding instead of this `RESOLVED`; `ARCHIVED` closes the finding either way.
 */
export function toResolvedAsff(finding: Finding, context: AsffContext): AsffFinding {
  return {
    ...toAsff(finding, context),
    Compliance: { Status: "PASSED" },
    Workflow: { Status: "RESOLVED" },
    RecordState: "ARCHIVED",
  };
}

/**
 * Formats a run as a JSON array of ASFF findings, suppressed ones included with workflow status
 * `SUPPRESSED`. The account and Region come from each finding, else from the run's source.
 */
export function formatAsff(result: RunResult, now: string = new Date().toISOString()): string {
  const scope = result.source[0];
  const context: AsffContext = {
    accountId: scope?.accountId ?? UNKNOWN_ACCOUNT,
    region: scope?.region ?? UNKNOWN_REGION,
    now,
    titles: ruleTitles(result),
  };
  const findings = result.findings.map((finding) => toAsff(finding, context));
  return `${JSON.stringify(findings, null, 2)}\n`;
}

/** Returns the title of every rule of a run by rule id. */
export function ruleTitles(result: Pick<RunResult, "rules">): Map<string, string> {
  return new Map(result.rules.map((rule) => [rule.id, rule.title]));
}

function productFields(finding: Finding): Record<string, string> {
  const fields: Record<string, string> = {
    "vpc-lint/RuleId": finding.ruleId,
    "vpc-lint/MessageId": finding.messageId,
    "vpc-lint/Fingerprint": finding.fingerprint,
  };
  if (finding.resource.vpcId) fields["vpc-lint/VpcId"] = finding.resource.vpcId;
  // A suppression reason comes from the config file, which sets no length limit.
  if (finding.suppression)
    fields["vpc-lint/SuppressionReason"] = truncate(finding.suppression.reason, MAX_PRODUCT_FIELD);
  return fields;
}

function resourceOf(resource: ResourceRef, region: string): AsffResource {
  const partition = partitionOf(region);
  const type = RESOURCE_TYPE[resource.type] ?? "Other";
  const asff: AsffResource = {
    Type: type,
    Id: resource.arn ?? resource.id,
    Partition: partition,
    Region: resource.region ?? region,
  };
  if (resource.name) asff.Tags = { Name: resource.name };
  if (type === "Other") {
    asff.Details = {
      Other: { "vpc-lint/ResourceType": resource.type, "vpc-lint/ResourceId": resource.id },
    };
  }
  return asff;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // A cut between the two halves of a surrogate pair, such as an emoji in a Name tag, would
  // leave half a character, which is not valid UTF-8 in the request.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
