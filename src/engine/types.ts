/** The rule contract and the finding it produces. */
import type { SnapshotIndex } from "../index/snapshot-index.js";
import type { SectionName } from "../snapshot/types.js";

export type Severity = "error" | "warning" | "info";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** Higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The resource a finding is about. */
export interface ResourceRef {
  type: string;
  id: string;
  arn?: string;
  name?: string;
  vpcId?: string;
  accountId?: string;
  region?: string;
}

/** One AWS attribute value that supports a finding, named as the AWS API names it. */
export interface Evidence {
  resourceId: string;
  attribute: string;
  value: unknown;
}

export type MessageData = Record<string, string | number>;

export interface Finding {
  ruleId: string;
  messageId: string;
  severity: Severity;
  message: string;
  data: MessageData;
  resource: ResourceRef;
  evidence: Evidence[];
  related: string[];
  fix: string;
  docsUrl: string;
  fingerprint: string;
}

/** A message template; `{name}` placeholders are filled from the report's data. */
export interface MessageTemplate {
  severity: Severity;
  text: string;
  fix: string;
}

/**
 * A snapshot section a rule reads. A list means any one of its sections is enough, such as
 * `["NetworkInterfaces", "Reservations"]` for finding the workloads of a subnet.
 */
export type Requirement = SectionName | readonly SectionName[];

export interface Reference {
  title: string;
  url: string;
}

/** What a rule reports through its context. */
export interface Report<M extends string> {
  messageId: M;
  data: MessageData;
  resource: ResourceRef;
  evidence?: Evidence[];
  related?: string[];
  /** Tells apart several findings of one rule on one resource, such as the service name. */
  discriminator?: string;
}

/** The settings every rule reads, from flags, the config file and resource tags. */
export interface LintSettings {
  /** Services every workload subnet must reach, in addition to the Session Manager services. */
  requiredServices: string[];
  /** More required services for the subnets of a VPC, by VPC id. */
  requiredServicesByVpc?: Record<string, string[]>;
  /** More required services for subnets carrying a tag, keyed `key=value`. */
  requiredServicesBySubnetTag?: Record<string, string[]>;
  /** VPCs that must not reach the internet, besides those tagged `vpc-lint:private-only=true`. */
  privateOnlyVpcs?: string[];
}

export interface RuleContext<M extends string = string> {
  index: SnapshotIndex;
  settings: LintSettings;
  /** Every registered rule, for rules that report on the others. */
  rules: readonly Rule[];
  report(report: Report<M>): void;
  /** Records resources the rule could not judge because an attribute it reads is unknown. */
  unknown(resourceId: string, reason: string): void;
}

export interface Rule<M extends string = string> {
  id: string;
  title: string;
  /** Why the rule exists, in one or two sentences. */
  description: string;
  /** The default severity, which is also the highest any of its messages has. */
  severity: Severity;
  tags: readonly string[];
  references: readonly Reference[];
  requires: readonly Requirement[];
  messages: Record<M, MessageTemplate>;
  check(context: RuleContext<M>): void;
}

/** Declares a rule; the generic parameter keeps message ids checked at each report call. */
export function defineRule<M extends string>(rule: Rule<M>): Rule {
  return rule as unknown as Rule;
}
