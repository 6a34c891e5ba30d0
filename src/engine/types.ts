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
  /** The attribute's value, or null when the snapshot lacks it. */
  value: unknown;
}

/**
 * Returns the words that follow an attribute's name in a report: ` = ` and the value as JSON, or
 * ` is absent` for null.
 */
export function statedValue(value: unknown): string {
  return value === null ? " is absent" : ` = ${String(JSON.stringify(value))}`;
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
  /** Set when a suppression matched; a suppressed finding never fails the run. */
  suppressed?: boolean;
  suppression?: Suppression;
  /** Set when a baseline was given: `unchanged` findings are in it and never fail the run. */
  baselineState?: "new" | "unchanged";
}

/** The suppression that matched a finding, with its required reason. */
export interface Suppression {
  /** `config` for the config file's `suppressions`, `tag` for the resource's `vpc-lint:ignore` tag. */
  kind: "config" | "tag";
  reason: string;
  /** Location of the suppression, such as `.vpc-lint.json /suppressions/2`. */
  origin: string;
  /** Last day it applies, as YYYY-MM-DD. */
  expires?: string;
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
  /** Options by rule id from the config file, valid against each rule's `options` schema. */
  ruleOptions?: Record<string, Record<string, unknown>>;
}

export interface RuleContext<M extends string = string> {
  index: SnapshotIndex;
  settings: LintSettings;
  /** Every registered rule, for rules that report on the others. */
  rules: readonly Rule[];
  /** Tells whether a rule runs in this lint, that is, whether the config leaves it on. */
  enabled(ruleId: string): boolean;
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
  /** JSON schema of the options the config file may set for this rule; none when absent. */
  options?: Record<string, unknown>;
  check(context: RuleContext<M>): void;
}

/** Declares a rule; the generic parameter keeps message ids checked at each report call. */
export function defineRule<M extends string>(rule: Rule<M>): Rule {
  return rule as unknown as Rule;
}
