/**
 * Compares a run with the findings still open from earlier runs. A finding of an earlier run is
 * resolved only when this run could have seen it and did not. Otherwise it is carried forward and
 * stays open, because a finding that could not be checked is unknown, not fixed.
 */
import type { Finding, Requirement, Rule } from "../engine/types.js";
import { isGating, type RunResult } from "../run.js";
import { SECTIONS, failedSections } from "../snapshot/sections.js";
import type { SectionName, Snapshot } from "../snapshot/types.js";

/** The scope of a run: the VPCs it linted, and whether they are every VPC of the Region. */
export interface RunCoverage {
  vpcIds: readonly string[];
  /** True when the run linted every VPC of the Region, so findings of deleted VPCs may resolve. */
  wholeRegion: boolean;
}

export interface Changes {
  /** Open findings that this run could see and no longer reports. */
  resolved: Finding[];
  /** Open findings that this run could not see, so they stay open. */
  carried: Finding[];
  /** The reasons findings were carried, one `reason (count)` entry per reason. */
  carryReasons: string[];
  /** This run's gating errors that were not gating errors among the open findings. */
  newErrors: Finding[];
  /** The findings open after this run, which the next run compares with: current and carried. */
  open: Finding[];
}

/** Compares the open findings of earlier runs with this run's result. */
export function compare(
  previous: readonly Finding[],
  result: RunResult,
  coverage: RunCoverage,
): Changes {
  const currentIds = new Set(result.findings.map((finding) => finding.fingerprint));
  const view = viewOf(result, coverage);
  const resolved: Finding[] = [];
  const carried: Finding[] = [];
  const reasons = new Map<string, number>();
  for (const finding of previous) {
    if (currentIds.has(finding.fingerprint)) continue;
    const blindSpot = blindSpotOf(finding, view);
    if (blindSpot === undefined) {
      resolved.push(finding);
      continue;
    }
    carried.push(finding);
    reasons.set(blindSpot, (reasons.get(blindSpot) ?? 0) + 1);
  }

  const previousErrors = new Set(previous.filter(isGatingError).map((f) => f.fingerprint));
  return {
    resolved,
    carried,
    carryReasons: [...reasons].map(([reason, count]) => `${reason} (${count})`),
    newErrors: result.findings.filter(
      (f) => isGatingError(f) && !previousErrors.has(f.fingerprint),
    ),
    open: [...result.findings, ...carried],
  };
}

function isGatingError(finding: Finding): boolean {
  return finding.severity === "error" && isGating(finding);
}

/** The facts of a run that decide whether it could have seen a finding. */
interface RunView {
  coverage: RunCoverage;
  linted: ReadonlySet<string>;
  rules: ReadonlyMap<string, Rule>;
  /** Rules that did not run, with the reason. */
  skippedRules: ReadonlyMap<string, string>;
  /** Rules that threw. */
  failedRules: ReadonlySet<string>;
  /** Resources each rule could not judge, and the VPCs they belong to, by rule id. */
  unknown: ReadonlyMap<string, ReadonlySet<string>>;
  /** Sections whose collection failed, with the operation and error code. */
  failed: ReadonlyMap<SectionName, string>;
  /** Every section some rule declares in `requires`. */
  declared: ReadonlySet<SectionName>;
}

function viewOf(result: RunResult, coverage: RunCoverage): RunView {
  const vpcs = vpcByResource(result.snapshots);
  const skippedRules = new Map<string, string>();
  const unknown = new Map<string, Set<string>>();
  for (const skip of result.skipped) {
    if (!skip.resourceIds) {
      skippedRules.set(skip.ruleId, skip.reason);
      continue;
    }
    const ids = unknown.get(skip.ruleId) ?? new Set<string>();
    for (const id of skip.resourceIds) {
      ids.add(id);
      const vpcId = vpcs.get(id);
      if (vpcId) ids.add(vpcId);
    }
    unknown.set(skip.ruleId, ids);
  }

  const failed = new Map<SectionName, string>();
  for (const snapshot of result.snapshots) {
    for (const [section, reason] of failedSections(snapshot)) failed.set(section, reason);
  }
  return {
    coverage,
    linted: new Set(coverage.vpcIds),
    rules: new Map(result.rules.map((rule) => [rule.id, rule])),
    skippedRules,
    failedRules: new Set(result.executionErrors.map((error) => error.ruleId)),
    unknown,
    failed,
    declared: new Set(result.rules.flatMap((rule) => sectionsOf(rule.requires))),
  };
}

/** Returns why this run could not have seen the finding, or undefined when it could. */
function blindSpotOf(finding: Finding, view: RunView): string | undefined {
  const { ruleId, resource } = finding;
  if (!view.coverage.wholeRegion) {
    if (!resource.vpcId) return "the finding is not about one VPC and this run linted only some";
    if (!view.linted.has(resource.vpcId)) return "its VPC was not linted in this run";
  }

  const rule = view.rules.get(ruleId);
  if (!rule) return `rule ${ruleId} is not in this version of vpc-lint`;
  const skipped = view.skippedRules.get(ruleId);
  if (skipped) return `rule ${ruleId} did not run: ${skipped}`;
  if (view.failedRules.has(ruleId)) return `rule ${ruleId} threw an error`;
  // A rule that could not judge one resource of a VPC may have judged the VPC's findings on it.
  const unknown = view.unknown.get(ruleId);
  if (unknown && idsOf(finding).some((id) => unknown.has(id))) {
    return `rule ${ruleId} could not judge some resources of the finding's VPC`;
  }

  const section = sectionsReadBy(rule, view).find((name) => view.failed.has(name));
  if (section) return `rule ${ruleId} reads ${section}: ${view.failed.get(section)}`;
  return undefined;
}

/**
 * Lists the sections a rule may read: those it declares, and every section no rule declares.
 * NOTE: path checks read some sections only when present (Route 53 zones, Resolver rules, endpoint
 * service details, prefix lists, internet gateways) and `requires` does not name them, so every
 * rule that reads the snapshot counts as reading them. This carries more findings than needed,
 * never fewer.
 */
function sectionsReadBy(rule: Rule, view: RunView): SectionName[] {
  if (rule.requires.length === 0) return [];
  const undeclared = [...view.failed.keys()].filter((name) => !view.declared.has(name));
  return [...sectionsOf(rule.requires), ...undeclared];
}

/** Lists the resources a finding names: its own, its VPC, related resources and evidence. */
function idsOf(finding: Finding): string[] {
  const { resource, related, evidence } = finding;
  return [
    resource.id,
    ...(resource.vpcId ? [resource.vpcId] : []),
    ...(related ?? []),
    ...(evidence ?? []).map((item) => item.resourceId),
  ];
}

/** Maps each resource id of the snapshots that has a `VpcId`, instances included, to its VPC. */
function vpcByResource(snapshots: readonly Snapshot[]): Map<string, string> {
  const vpcs = new Map<string, string>();
  const add = (id: unknown, vpcId: unknown) => {
    if (typeof id === "string" && typeof vpcId === "string") vpcs.set(id, vpcId);
  };
  for (const snapshot of snapshots) {
    for (const info of SECTIONS) {
      const items: unknown = snapshot[info.name];
      if (!Array.isArray(items)) continue;
      for (const item of items as Array<Record<string, unknown>>)
        add(item[info.idField], item.VpcId);
    }
    for (const reservation of snapshot.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) add(instance.InstanceId, instance.VpcId);
    }
  }
  return vpcs;
}

function sectionsOf(requires: readonly Requirement[]): SectionName[] {
  return requires.flatMap((requirement) =>
    typeof requirement === "string" ? [requirement] : [...requirement],
  );
}
