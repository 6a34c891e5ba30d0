/**
 * Suppressions: findings the team has accepted, each with a reason. They come from the config
 * file's `suppressions` or from the `vpc-lint:ignore` tag on the AWS resource itself.
 */
import type { Tag } from "@aws-sdk/client-ec2";
import type { Finding, Suppression } from "../engine/types.js";
import { nearestRuleId } from "../config/errors.js";
import { RULES } from "../rules/index.js";
import type { ResourceType } from "../index/snapshot-index.js";
import { forEachResource } from "../snapshot/sections.js";
import type { SectionName, Snapshot } from "../snapshot/types.js";

/** The tag that lists the rule ids to ignore on a resource, separated by commas. */
export const IGNORE_TAG = "vpc-lint:ignore";
/** The tag that gives the reason for `vpc-lint:ignore`; without it the tag is not applied. */
export const IGNORE_REASON_TAG = "vpc-lint:ignore-reason";

/** Rules whose findings can be neither suppressed nor baselined, since they hide other checks. */
export const UNSUPPRESSIBLE_RULES: ReadonlySet<string> = new Set(["snapshot-incomplete"]);

/** One entry of the config file's `suppressions`; every selector given must match. */
export interface SuppressionEntry {
  /** Rule id or glob pattern, such as `endpoint-*`. */
  rule?: string;
  /** Resource id, ARN or glob pattern, such as `subnet-0a1b*`. */
  resource?: string;
  account?: string;
  /** Region or glob pattern. */
  region?: string;
  /** `key=value` of a tag on the resource; the value may be a glob pattern. */
  tag?: string;
  reason: string;
  /** Last day the entry applies, as YYYY-MM-DD (UTC). */
  expires?: string;
  /** Location of the entry, such as `.vpc-lint.json /suppressions/0`. */
  origin: string;
}

/**
 * Marks the findings that a suppression matches and returns warnings about suppressions that
 * did not apply: expired config entries and `vpc-lint:ignore` tags without a reason.
 * `today` is a YYYY-MM-DD date in UTC.
 */
export function applySuppressions(
  findings: Finding[],
  snapshot: Snapshot,
  entries: readonly SuppressionEntry[],
  today: string,
): string[] {
  const tags = tagsByResource(snapshot, findings);
  const misspelt = new Map<string, string[]>();
  const expired = new Map<SuppressionEntry, ExpiredMatches>();
  const untagged = new Set<string>();
  const candidates = new EntryIndex(entries);

  for (const finding of findings) {
    if (UNSUPPRESSIBLE_RULES.has(finding.ruleId)) continue;
    const resourceTags = tags.get(finding.resource.id) ?? [];
    noteUnknownIds(finding.resource.id, resourceTags, misspelt);
    const matching = candidates
      .of(finding)
      .filter((entry) => entryMatches(entry, finding, resourceTags));
    const active = matching.find((entry) => !isExpired(entry, today));
    const suppression = active ? fromEntry(active) : fromTags(finding, resourceTags, untagged);
    for (const entry of matching.filter((candidate) => isExpired(candidate, today))) {
      const counts = expired.get(entry) ?? { counting: 0, hidden: 0 };
      if (suppression) counts.hidden += 1;
      else counts.counting += 1;
      expired.set(entry, counts);
    }
    if (!suppression) continue;
    finding.suppressed = true;
    finding.suppression = suppression;
  }
  return [
    ...expiredWarnings(expired),
    ...[...untagged].map(missingReasonWarning),
    ...[...misspelt].map(([resourceId, ids]) => unknownIdWarning(resourceId, ids)),
  ];
}

/**
 * The config entries by the resource they name. An entry whose `resource` is an exact id or ARN
 * can match only the findings of that resource. So each finding is tried against those entries
 * and the ones without an exact resource, not against every entry of a long list.
 */
class EntryIndex {
  private readonly entries: readonly SuppressionEntry[];
  /** Positions of the entries that name each resource id or ARN exactly. */
  private readonly exact = new Map<string, number[]>();
  /** Entries with a resource pattern or without a resource selector, in config order. */
  private readonly open: SuppressionEntry[] = [];
  private readonly openPositions: number[] = [];

  constructor(entries: readonly SuppressionEntry[]) {
    this.entries = entries;
    entries.forEach((entry, position) => {
      const resource = entry.resource;
      if (resource === undefined || isPattern(resource)) {
        this.open.push(entry);
        this.openPositions.push(position);
        return;
      }
      const positions = this.exact.get(resource);
      if (positions) positions.push(position);
      else this.exact.set(resource, [position]);
    });
  }

  /** Returns the entries that may match a finding, in config order. */
  of(finding: Finding): readonly SuppressionEntry[] {
    const { id, arn } = finding.resource;
    const byId = this.exact.get(id);
    const byArn = arn !== undefined && arn !== id ? this.exact.get(arn) : undefined;
    if (!byId && !byArn) return this.open;
    // The first entry that matches decides the suppression, so config order is kept.
    const positions = [...this.openPositions, ...(byId ?? []), ...(byArn ?? [])];
    return positions.sort((a, b) => a - b).map((position) => this.entries[position]!);
  }
}

function isPattern(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

function entryMatches(entry: SuppressionEntry, finding: Finding, tags: Tag[]): boolean {
  const { resource } = finding;
  if (entry.rule !== undefined && !globMatches(entry.rule, finding.ruleId)) return false;
  if (entry.resource !== undefined && !resourceMatches(entry.resource, finding)) return false;
  if (entry.account !== undefined && entry.account !== resource.accountId) return false;
  if (entry.region !== undefined && !globMatches(entry.region, resource.region ?? "")) return false;
  if (entry.tag !== undefined && !tagMatches(entry.tag, tags)) return false;
  return true;
}

function resourceMatches(pattern: string, finding: Finding): boolean {
  const { id, arn } = finding.resource;
  return globMatches(pattern, id) || (arn !== undefined && globMatches(pattern, arn));
}

function tagMatches(selector: string, tags: Tag[]): boolean {
  const separator = selector.indexOf("=");
  const key = separator < 0 ? selector : selector.slice(0, separator);
  const value = separator < 0 ? "*" : selector.slice(separator + 1);
  return tags.some((tag) => tag.Key === key && globMatches(value, tag.Value ?? ""));
}

/** Tells whether an entry has expired: it applies through its `expires` day (UTC). */
function isExpired(entry: SuppressionEntry, today: string): boolean {
  // YYYY-MM-DD strings compare in date order.
  return entry.expires !== undefined && entry.expires < today;
}

function fromEntry(entry: SuppressionEntry): Suppression {
  const suppression: Suppression = { kind: "config", reason: entry.reason, origin: entry.origin };
  if (entry.expires) suppression.expires = entry.expires;
  return suppression;
}

/** Reads the resource's own `vpc-lint:ignore` tag; records resources whose tag lacks a reason. */
function fromTags(finding: Finding, tags: Tag[], untagged: Set<string>): Suppression | undefined {
  const ignored = tagValue(tags, IGNORE_TAG);
  if (ignored === undefined) return undefined;
  const ruleIds = ignored.split(",").map((id) => id.trim());
  if (!ruleIds.includes(finding.ruleId)) return undefined;

  const reason = tagValue(tags, IGNORE_REASON_TAG)?.trim();
  if (!reason) {
    untagged.add(finding.resource.id);
    return undefined;
  }
  return { kind: "tag", reason, origin: `tag ${IGNORE_TAG} on ${finding.resource.id}` };
}

const RULE_IDS = new Set(RULES.map((rule) => rule.id));

/** Notes the ids in a resource's ignore tag that name no rule, once per resource. */
function noteUnknownIds(resourceId: string, tags: Tag[], misspelt: Map<string, string[]>): void {
  if (misspelt.has(resourceId)) return;
  const ids = (tagValue(tags, IGNORE_TAG) ?? "").split(",").map((id) => id.trim());
  const unknown = ids.filter((id) => id && (!RULE_IDS.has(id) || UNSUPPRESSIBLE_RULES.has(id)));
  if (unknown.length > 0) misspelt.set(resourceId, unknown);
}

function unknownIdWarning(resourceId: string, ids: string[]): string {
  const named = ids.map((id) => {
    if (UNSUPPRESSIBLE_RULES.has(id)) return `${id} (a rule that is never suppressed)`;
    const nearest = nearestRuleId(id);
    return nearest ? `${id} (did you mean ${nearest}?)` : id;
  });
  const unknown = ids.length === 1 ? "an unknown rule id" : "unknown rule ids";
  const described = ids.every((id) => UNSUPPRESSIBLE_RULES.has(id)) ? "a rule id" : unknown;
  const verb = ids.length === 1 ? "suppresses" : "suppress";
  // A rule that is never suppressed is fixed only at its cause. The list of ids helps a typo.
  const fix = ids.every((id) => UNSUPPRESSIBLE_RULES.has(id))
    ? "fix what the rule reports instead"
    : "run vpc-lint rules for the list of rule ids";
  return (
    `${resourceId} has the tag ${IGNORE_TAG} with ${described}, ${named.join(", ")}, which ` +
    `${verb} nothing; ${fix}`
  );
}

function tagValue(tags: Tag[], key: string): string | undefined {
  return tags.find((tag) => tag.Key === key)?.Value;
}

/** The findings an expired entry matched: those that count again, and those still suppressed. */
interface ExpiredMatches {
  counting: number;
  hidden: number;
}

function expiredWarnings(expired: Map<SuppressionEntry, ExpiredMatches>): string[] {
  return [...expired].map(([entry, { counting, hidden }]) => {
    const expiry = `suppression ${entry.origin} ("${entry.reason}") expired after ${entry.expires as string}`;
    if (counting === 0) {
      const stay =
        hidden === 1 ? "1 finding it matched stays" : `${hidden} findings it matched stay`;
      return `${expiry}, and the ${stay} suppressed by another suppression, so remove the entry`;
    }
    const findings =
      counting === 1
        ? "the 1 finding it matched counts again; fix it"
        : `the ${counting} findings it matched count again; fix them`;
    return `${expiry}, so ${findings} or extend "expires"`;
  });
}

function missingReasonWarning(resourceId: string): string {
  return (
    `${resourceId} has the tag ${IGNORE_TAG} but no ${IGNORE_REASON_TAG} tag, or an empty one, ` +
    `so it suppresses nothing; set ${IGNORE_REASON_TAG} to the reason`
  );
}

/**
 * Each glob pattern compiled once, since a run matches every suppression's patterns against
 * many findings. The patterns come from the config file, so the map grows only with it.
 */
const GLOBS = new Map<string, RegExp>();

/**
 * Tells whether a glob pattern matches the whole text: `*` matches any run of characters and
 * `?` one character. Matching is case-sensitive, like AWS ids and tag values.
 */
export function globMatches(pattern: string, text: string): boolean {
  if (!isPattern(pattern)) return pattern === text;
  let expression = GLOBS.get(pattern);
  if (!expression) {
    const source = [...pattern].map(globTokenToRegExp).join("");
    expression = new RegExp(`^${source}$`, "s");
    GLOBS.set(pattern, expression);
  }
  return expression.test(text);
}

function globTokenToRegExp(char: string): string {
  if (char === "*") return ".*";
  if (char === "?") return ".";
  return /[.+^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

/** The parts of a run that decide whether a suppression could have matched a finding. */
export interface JudgedRun {
  findings: readonly Finding[];
  /** The linted snapshots and the account and Region of each, in the same order. */
  snapshots: readonly Snapshot[];
  source: readonly { accountId?: string; region?: string }[];
  rules: readonly { id: string }[];
  skipped: readonly { ruleId: string; accountId?: string; region?: string }[];
  executionErrors: readonly { ruleId: string; accountId?: string; region?: string }[];
  severities: ReadonlyMap<string, string>;
}

/**
 * Returns warnings for config entries that match no finding although the run checked their
 * resource with every rule they select, so they suppress nothing. Only entries
 * that name one resource by its id, without a tag selector, are judged. The resource must be in a
 * snapshot whose account and Region the entry selects. Every rule the entry selects must have run
 * there without throwing or skipping a check. A config shared by runs of other accounts and
 * Regions then gets no warning for their entries.
 */
export function unusedSuppressionWarnings(
  entries: readonly SuppressionEntry[],
  run: JudgedRun,
  today: string,
): string[] {
  const judged = entries.filter(
    (entry) =>
      !isExpired(entry, today) &&
      entry.resource !== undefined &&
      !isPattern(entry.resource) &&
      !entry.resource.startsWith("arn:") &&
      entry.tag === undefined,
  );
  if (judged.length === 0) return [];
  // Each judged entry names one resource exactly, so only that resource's findings can match it.
  const findingsOf = findingsByResource(run.findings);
  const candidates = judged.filter(
    (entry) =>
      !(findingsOf.get(entry.resource as string) ?? []).some((finding) =>
        entryMatches(entry, finding, []),
      ),
  );
  if (candidates.length === 0) return [];
  const off = new Set(
    [...run.severities].flatMap(([ruleId, level]) => (level === "off" ? [ruleId] : [])),
  );
  // A resource of a VPC shared through AWS RAM is in the snapshot of every account that uses it.
  const unused = new Set<SuppressionEntry>();
  run.snapshots.forEach((snapshot, position) => {
    const scope = run.source[position] ?? {};
    const sameScope = (item: { accountId?: string; region?: string }) =>
      item.accountId === scope.accountId && item.region === scope.region;
    const unsure = new Set([
      ...run.skipped.filter(sameScope).map((skip) => skip.ruleId),
      ...run.executionErrors.filter(sameScope).map((error) => error.ruleId),
    ]);
    const owners = new Map<string, string | undefined>();
    forEachResource(snapshot, (id, item) => owners.set(id, ownerAccountOf(item)));
    for (const entry of candidates) {
      const resource = entry.resource as string;
      if (!owners.has(resource)) continue;
      if (entry.account !== undefined && entry.account !== scope.accountId) continue;
      // A resource that another account owns is shared with this one through AWS RAM. An entry
      // that names no account may accept that account's finding, which this run cannot see.
      // NOTE: the owner's snapshot does not show which subnets it shares, so an entry without
      // account for a participant's finding is still judged in the owner's run.
      const owner = owners.get(resource);
      if (entry.account === undefined && owner !== undefined && owner !== scope.accountId) {
        continue;
      }
      if (entry.region !== undefined && !globMatches(entry.region, scope.region ?? "")) continue;
      const rules = run.rules.filter(
        (rule) => entry.rule === undefined || globMatches(entry.rule, rule.id),
      );
      if (rules.length === 0 || rules.some((rule) => off.has(rule.id) || unsure.has(rule.id))) {
        continue;
      }
      unused.add(entry);
    }
  });
  return [...unused].map(
    (entry) =>
      `suppression ${entry.origin} ("${entry.reason}") matches no finding, although this run ` +
      `checked ${entry.resource} with the rules it selects, so it suppresses nothing; remove it ` +
      "if its finding was fixed, or correct its selectors",
  );
}

/** Groups findings by their resource's id and, when it differs, its ARN. */
function findingsByResource(findings: readonly Finding[]): Map<string, Finding[]> {
  const byResource = new Map<string, Finding[]>();
  const add = (key: string, finding: Finding) => {
    const list = byResource.get(key);
    if (list) list.push(finding);
    else byResource.set(key, [finding]);
  };
  for (const finding of findings) {
    const { id, arn } = finding.resource;
    add(id, finding);
    if (arn !== undefined && arn !== id) add(arn, finding);
  }
  return byResource;
}

/** Returns the account that owns a snapshot item: `OwnerId`, else the account in `SubnetArn`. */
function ownerAccountOf(item: Record<string, unknown>): string | undefined {
  if (typeof item.OwnerId === "string") return item.OwnerId;
  if (typeof item.SubnetArn === "string") return item.SubnetArn.split(":")[4];
  return undefined;
}

/**
 * The sections that contain the resources of each type that findings name. A resource's tags are
 * those of its own item: an instance's are its EC2 tags, and a snapshot has none.
 */
const SECTIONS_OF_TYPE = new Map<string, readonly SectionName[]>(
  Object.entries({
    vpc: ["Vpcs"],
    subnet: ["Subnets"],
    "route-table": ["RouteTables"],
    "nat-gateway": ["NatGateways"],
    "internet-gateway": ["InternetGateways"],
    "egress-only-internet-gateway": ["EgressOnlyInternetGateways"],
    "vpc-endpoint": ["VpcEndpoints"],
    "security-group": ["SecurityGroups"],
    "network-acl": ["NetworkAcls"],
    "dhcp-options": ["DhcpOptions"],
    instance: ["Reservations"],
    "ssm-managed-instance": ["Reservations"],
    snapshot: [],
  } satisfies Record<ResourceType, readonly SectionName[]>),
);

/**
 * Maps the resources of the findings to their tags, reading only the sections of their types,
 * because the interfaces and SSM registrations of a large snapshot outnumber its findings.
 * NOTE: a finding of a type outside SECTIONS_OF_TYPE makes it read every section, where an item
 * of another type with the same id may lend its tags.
 */
function tagsByResource(snapshot: Snapshot, findings: readonly Finding[]): Map<string, Tag[]> {
  const tags = new Map<string, Tag[]>();
  const ids = new Set<string>();
  const sections = new Set<SectionName>();
  let anySection = false;
  for (const { resource } of findings) {
    ids.add(resource.id);
    const typeSections = SECTIONS_OF_TYPE.get(resource.type);
    if (typeSections) for (const name of typeSections) sections.add(name);
    else anySection = true;
  }
  if (sections.size === 0 && !anySection) return tags;
  const visit = (id: string, item: Record<string, unknown>) => {
    if (ids.has(id) && Array.isArray(item.Tags)) tags.set(id, item.Tags as Tag[]);
  };
  forEachResource(snapshot, visit, anySection ? undefined : sections);
  return tags;
}
