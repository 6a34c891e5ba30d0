/**
 * The SARIF 2.1.0 report, shaped for GitHub code scanning: every result has a relative,
 * scheme-less physical location, a partial fingerprint and the rule it came from.
 */
import { REPOSITORY_URL } from "../engine/docs.js";
import {
  statedValue,
  type Evidence,
  type Finding,
  type ResourceRef,
  type Rule,
  type Severity,
} from "../engine/types.js";
import { locationsOf, type RunResult, type SourceLocation } from "../run.js";
import { ruleDescriptor, SARIF_LEVEL } from "./sarif-rules.js";
import { scopeLabeler } from "./scope.js";

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The key of vpc-lint's own fingerprint in `partialFingerprints`. */
export const FINGERPRINT_KEY = "vpcLint/v1";

export interface SarifOptions {
  /** Include suppressed findings, each with a SARIF `suppressions` entry. Off by default. */
  includeSuppressed?: boolean;
}

type Json = Record<string, unknown>;

/** Resource types by the prefix of their id, for related resources that only have an id. */
const TYPE_BY_PREFIX: Record<string, string> = {
  vpc: "vpc",
  subnet: "subnet",
  rtb: "route-table",
  nat: "nat-gateway",
  igw: "internet-gateway",
  eigw: "egress-only-internet-gateway",
  vpce: "vpc-endpoint",
  sg: "security-group",
  acl: "network-acl",
  dopt: "dhcp-options",
  eni: "network-interface",
  i: "instance",
  pl: "prefix-list",
  tgw: "transit-gateway",
  pcx: "vpc-peering-connection",
};

const AWS_ID = /^([a-z]+)-[0-9a-f]{8,17}$/;

/**
 * The maximum number of results GitHub code scanning accepts in one SARIF run. It rejects an
 * upload with more, and of a run it accepts it keeps the 5,000 most severe results
 * (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit).
 */
export const CODE_SCANNING_MAX_RESULTS = 25_000;

/** Formats a run as one SARIF run; suppressed findings are left out unless asked for. */
export function formatSarif(result: RunResult, options: SarifOptions = {}): string {
  const rules = enabledRules(result);
  const ruleIndex = new Map(rules.map((entry, position) => [entry.rule.id, position]));
  const findings = sarifFindings(result, options);

  const run: Json = {
    tool: {
      driver: {
        name: result.tool.name,
        semanticVersion: result.tool.version,
        version: result.tool.version,
        informationUri: REPOSITORY_URL,
        rules: rules.map((entry) => ruleDescriptor(entry.rule, entry.severity)),
      },
    },
    automationDetails: { id: automationId(result) },
    invocations: [invocation(result, ruleIndex)],
    results: findings.map((finding) => toResult(finding, result, ruleIndex)),
    columnKind: "utf16CodeUnits",
  };
  const log = { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Returns the findings a SARIF report lists as results. */
function sarifFindings(result: RunResult, options: SarifOptions): Finding[] {
  return result.findings.filter((finding) => options.includeSuppressed || !finding.suppressed);
}

/**
 * Returns a warning when the SARIF report of a run lists more results than GitHub code scanning
 * accepts, naming the rule with the most of them, or undefined.
 */
export function sarifLimitWarning(
  result: RunResult,
  options: SarifOptions = {},
): string | undefined {
  const findings = sarifFindings(result, options);
  if (findings.length <= CODE_SCANNING_MAX_RESULTS) return undefined;
  const byRule = new Map<string, number>();
  for (const { ruleId } of findings) byRule.set(ruleId, (byRule.get(ruleId) ?? 0) + 1);
  const [ruleId, count] = [...byRule].reduce((most, entry) => (entry[1] > most[1] ? entry : most));
  const grouped = (value: number) => value.toLocaleString("en-US");
  return (
    `the SARIF report lists ${grouped(findings.length)} results, more than the ` +
    `${grouped(CODE_SCANNING_MAX_RESULTS)} that GitHub code scanning accepts in one run, so ` +
    `an upload of it is rejected. ${grouped(count)} of them come from ${ruleId}. Fix or ` +
    "suppress those findings, turn the rule off in the config, or lint fewer VPCs per report"
  );
}

function enabledRules(result: RunResult): { rule: Rule; severity: Severity }[] {
  return result.rules.flatMap((rule) => {
    const configured = result.severities.get(rule.id);
    if (configured === "off") return [];
    return [{ rule, severity: configured ?? rule.severity }];
  });
}

/**
 * Returns `vpc-lint/<account>/<region>/`. GitHub takes the part before the last slash as the
 * category, so a later upload for the same account and region closes only that scope's alerts.
 */
function automationId(result: RunResult): string {
  const accounts = [...new Set(result.source.map((s) => s.accountId ?? "unknown-account"))];
  const regions = [...new Set(result.source.map((s) => s.region ?? "unknown-region"))];
  // NOTE: a run over several scopes joins their accounts and regions with "+" into one category.
  const account = accounts.sort().join("+") || "unknown-account";
  const region = regions.sort().join("+") || "unknown-region";
  return `vpc-lint/${account}/${region}/`;
}

function toResult(finding: Finding, result: RunResult, ruleIndex: Map<string, number>): Json {
  const { resource } = finding;
  // Related resources share the finding's account and Region, so one input's locations serve all.
  const locations = locationsOf(result, resource);
  const sarif: Json = {
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
    level: SARIF_LEVEL[finding.severity],
    message: {
      text: `${label(resource.id, locations)}: ${finding.message} Fix: ${finding.fix}`,
    },
    locations: [location(resource, locations)],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  };
  const related = relatedLocations(finding, locations);
  if (related.length > 0) sarif.relatedLocations = related;
  const flow = codeFlow(finding, locations);
  if (flow) sarif.codeFlows = [flow];
  if (finding.baselineState) sarif.baselineState = finding.baselineState;
  if (finding.suppression) sarif.suppressions = [suppressionOf(finding)];
  sarif.properties = {
    resourceType: resource.type,
    ...(resource.vpcId && { vpcId: resource.vpcId }),
  };
  return sarif;
}

function suppressionOf(finding: Finding): Json {
  const suppression = finding.suppression as NonNullable<Finding["suppression"]>;
  return {
    kind: suppression.kind === "tag" ? "inSource" : "external",
    status: "accepted",
    justification: suppression.reason,
    properties: { origin: suppression.origin },
  };
}

/** Builds a location: the snapshot file and line when known, else a path naming the resource. */
function location(
  resource: ResourceRef,
  locations: ReadonlyMap<string, SourceLocation>,
  message?: string,
): Json {
  const source = locations.get(resource.id);
  const file = source && isRepositoryPath(source.file) ? source : undefined;
  const uri = file ? encodePath(file.file) : resourcePath(resource);
  const located: Json = {
    physicalLocation: {
      artifactLocation: { uri },
      region: { startLine: file ? file.line : 1 },
    },
    logicalLocations: logicalLocations(resource, source),
  };
  if (message) located.message = { text: message };
  return located;
}

/**
 * Names the resource by its AWS id, then, for a template or plan, by the logical id or resource
 * address the input gives it, since the AWS id of a resource not yet deployed is a placeholder.
 */
function logicalLocations(resource: ResourceRef, source: SourceLocation | undefined): Json[] {
  const aws = {
    name: resource.id,
    fullyQualifiedName: resource.arn ?? resourcePath(resource),
    kind: "resource",
  };
  if (!source?.logicalName) return [aws];
  const input = {
    name: source.logicalName,
    fullyQualifiedName: source.logicalName,
    kind: "resource",
  };
  return [aws, input];
}

/** Returns the resource id, preceded by the logical id or address when the input gives one. */
function label(id: string, locations: ReadonlyMap<string, SourceLocation>): string {
  const logicalName = locations.get(id)?.logicalName;
  return logicalName ? `${logicalName} (${id})` : id;
}

/** `aws/<account>/<region>/<vpc-id>/<resource-type>/<resource-id>`, each segment URI-encoded. */
export function resourcePath(resource: ResourceRef): string {
  return encodePath(
    [
      "aws",
      resource.accountId ?? "unknown-account",
      resource.region ?? "unknown-region",
      resource.vpcId ?? "no-vpc",
      resource.type,
      resource.id,
    ]
      .map((segment) => segment.replaceAll("/", "_"))
      .join("/"),
  );
}

/** Tells whether a path is relative and stays inside the working tree, as a repository file does. */
function isRepositoryPath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !path.split("/").includes("..");
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Lists the other resources of the evidence chain, each with the attributes that implicate it. */
function relatedLocations(
  finding: Finding,
  locations: ReadonlyMap<string, SourceLocation>,
): Json[] {
  const ids = chainIds(finding).filter((id) => id !== finding.resource.id);
  return ids.map((id, position) => {
    const facts = finding.evidence.filter((item) => item.resourceId === id).map(statedFact);
    const name = label(id, locations);
    const text = facts.length ? `${name}: ${facts.join("; ")}` : `${name} is part of the chain`;
    return { id: position + 1, ...location(relatedRef(finding, id), locations, text) };
  });
}

/**
 * Builds a code flow when the evidence names at least two resources: its steps follow the
 * evidence order, which the rules write from the resource along the path the traffic takes.
 */
function codeFlow(
  finding: Finding,
  locations: ReadonlyMap<string, SourceLocation>,
): Json | undefined {
  const resources = new Set(finding.evidence.map((item) => item.resourceId));
  if (
    resources.size < 2 ||
    !finding.evidence.every((item) => isResourceId(item.resourceId, locations))
  ) {
    return undefined;
  }
  const steps = finding.evidence.map((item) => ({
    location: location(relatedRef(finding, item.resourceId), locations, describeEvidence(item)),
  }));
  return {
    message: { text: `Evidence chain of ${finding.resource.id}` },
    threadFlows: [{ locations: steps }],
  };
}

/** Returns the AWS resource ids of the evidence and related lists in first-seen order. */
function chainIds(finding: Finding): string[] {
  const ids = [...finding.evidence.map((item) => item.resourceId), ...finding.related];
  return [...new Set(ids)].filter((id) => AWS_ID.test(id));
}

function isResourceId(id: string, locations: ReadonlyMap<string, SourceLocation>): boolean {
  return AWS_ID.test(id) || locations.has(id);
}

/** Describes a related resource by its id, in the finding's account, region and VPC. */
function relatedRef(finding: Finding, id: string): ResourceRef {
  if (id === finding.resource.id) return finding.resource;
  const prefix = AWS_ID.exec(id)?.[1] ?? "";
  const { accountId, region, vpcId } = finding.resource;
  const type = TYPE_BY_PREFIX[prefix] ?? "resource";
  return {
    type,
    id,
    ...(accountId && { accountId }),
    ...(region && { region }),
    ...(type === "vpc" ? { vpcId: id } : vpcId && { vpcId }),
  };
}

function describeEvidence(item: Evidence): string {
  return `${item.resourceId} ${statedFact(item)}`;
}

/** Formats evidence as `Attribute = value`, or as `Attribute is absent` for a null value. */
function statedFact(item: Evidence): string {
  return `${item.attribute}${statedValue(item.value)}`;
}

function invocation(result: RunResult, ruleIndex: Map<string, number>): Json {
  const scopeOf = scopeLabeler(result.source);
  const execution = [
    ...result.findings
      .filter((finding) => finding.ruleId === "snapshot-incomplete")
      .map((finding) => {
        // The resource of a failed call is its snapshot, named `account/region`.
        const text = scopeOf(finding.resource)
          ? `${finding.resource.id}: ${finding.message}`
          : finding.message;
        return notification("error", text, finding.ruleId, ruleIndex);
      }),
    ...result.executionErrors.map((error) =>
      notification(
        "error",
        `Rule ${error.ruleId} failed to run${scopeOf(error)}: ${error.message}`,
        error.ruleId,
        ruleIndex,
      ),
    ),
    ...result.skipped.map((skip) => {
      const where = skip.resourceIds ? ` for ${skip.resourceIds.join(", ")}` : "";
      const text = `Rule ${skip.ruleId} did not run${where}${scopeOf(skip)}: ${skip.reason}.`;
      return notification("warning", text, skip.ruleId, ruleIndex);
    }),
  ];
  const configuration = result.warnings.map((text) => ({ level: "warning", message: { text } }));
  const sarif: Json = { executionSuccessful: result.executionErrors.length === 0 };
  if (execution.length > 0) sarif.toolExecutionNotifications = unique(execution);
  if (configuration.length > 0) sarif.toolConfigurationNotifications = unique(configuration);
  return sarif;
}

function notification(
  level: string,
  text: string,
  ruleId: string,
  ruleIndex: Map<string, number>,
): Json {
  const index = ruleIndex.get(ruleId);
  const associatedRule = index === undefined ? { id: ruleId } : { id: ruleId, index };
  return { level, message: { text }, associatedRule };
}

/** Drops repeated notifications, because the schema requires unique items. */
function unique(items: Json[]): Json[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
