/**
 * Unless a report lists every path, the analysis leaves out the ok hops of clean paths. These
 * tests compare each output that prints hops with paths traced alone, so that an output that
 * loses an ok hop it prints fails here.
 */
import type { Subnet } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { TraceMemo } from "../../src/reach/context.js";
import { analyse, consumerSubnets, explainPath, isClean } from "../../src/reach/analysis.js";
import { tracePath } from "../../src/reach/trace.js";
import type { ServicePath } from "../../src/reach/types.js";
import { formatExplain } from "../../src/report/explain.js";
import { formatJson } from "../../src/report/json.js";
import { runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { design } from "./designs.js";

const SETTINGS = { requiredServices: ["kms", "s3"] };

function printed(hops: ServicePath["hops"]) {
  return hops.map((hop) => ({ ...hop.toJSON(), owner: hop.owner, facts: hop.facts }));
}

/**
 * Returns a generated VPC whose network ACLs deny HTTPS from every third IPv6 prefix, so that
 * clean and broken paths take turns.
 */
function mixedSnapshot(): Snapshot {
  const snapshot = generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 40 });
  const blocks = snapshot
    .Subnets!.flatMap((subnet) => subnet.Ipv6CidrBlockAssociationSet ?? [])
    .map((association) => association.Ipv6CidrBlock)
    .filter((block, position) => block && position % 3 === 0);
  for (const acl of snapshot.NetworkAcls!) {
    blocks.forEach((block, position) => {
      acl.Entries!.push({
        RuleNumber: 10 + position,
        Protocol: "6",
        RuleAction: "deny",
        Egress: false,
        Ipv6CidrBlock: block,
        PortRange: { From: 443, To: 443 },
      });
    });
  }
  return snapshot;
}

const SNAPSHOTS: [string, () => Snapshot][] = [
  ["public-nat64", () => design("public-nat64")],
  ["private-nat64-endpoints", () => design("private-nat64-endpoints")],
  ["broken-nat64", () => design("broken-nat64")],
  ["mixed generated", mixedSnapshot],
];

/** Returns the path traced alone, with every hop and a memo of its own. */
function alone(snapshot: Snapshot, path: ServicePath): ServicePath {
  const index = new SnapshotIndex(snapshot);
  return tracePath(index, index.subnet(path.subnetId) as Subnet, path.service, path.required);
}

describe("ok hops", () => {
  it.each(SNAPSHOTS)("are the only hops left out (%s)", (_, make) => {
    const snapshot = make();
    const index = new SnapshotIndex(snapshot);
    const withOk = new TraceMemo();
    const withoutOk = new TraceMemo();
    let traced = 0;
    for (const subnet of consumerSubnets(index)) {
      for (const service of ["ssm", "ssmmessages", "kms", "s3"]) {
        const full = tracePath(index, subnet, service, true, withOk);
        const lean = tracePath(index, subnet, service, true, withoutOk, false);
        expect(printed(lean.hops)).toEqual(printed(full.hops.filter((hop) => hop.status !== "ok")));
        expect([lean.mode, lean.verdict, lean.endpoint, lean.nat]).toEqual([
          full.mode,
          full.verdict,
          full.endpoint,
          full.nat,
        ]);
        traced += 1;
      }
    }
    expect(traced).toBeGreaterThan(0);
  });

  it("stay on analysed flagged paths", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const flagged = analysis.paths.filter((path) => !isClean(path));

    expect(flagged.length).toBeGreaterThan(0);
    for (const path of flagged) {
      expect(printed(path.hops)).toEqual(printed(alone(snapshot, path).hops));
    }
  });

  it("come back with withEveryHop", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const trimmed = analysis.paths.filter((path) => isClean(path) && path.hops.length === 0);

    expect(trimmed.length).toBeGreaterThan(0);
    for (const path of trimmed) {
      const hops = printed(alone(snapshot, path).hops);
      expect(hops.length).toBeGreaterThan(0);
      expect(printed(analysis.withEveryHop(path).hops)).toEqual(hops);
    }
  });

  it.each(SNAPSHOTS)("print on flagged paths in JSON (%s)", (_, make) => {
    const snapshot = make();
    const result = runLint([{ snapshot }], { settings: SETTINGS });
    const entries = JSON.parse(formatJson(result)).reachability as {
      subnetId: string;
      service: string;
      required: boolean;
      hops?: { status: string }[];
    }[];
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const flagged = entries.filter((entry) => entry.hops !== undefined);

    for (const entry of flagged) {
      const path = analysis.path(entry.subnetId, entry.service) as ServicePath;
      const expected = JSON.parse(JSON.stringify(alone(snapshot, path).hops));
      expect(entry.hops).toEqual(expected);
    }
    if (flagged.length > 0) {
      expect(flagged.some((entry) => entry.hops!.some((hop) => hop.status === "ok"))).toBe(true);
    }
  });

  it("print on every path with everyPath", () => {
    const snapshot = mixedSnapshot();
    const early = runLint([{ snapshot }], { settings: SETTINGS, everyPath: true });
    const late = runLint([{ snapshot }], { settings: SETTINGS });
    const earlyReport = JSON.parse(formatJson(early, { everyPath: true }));
    const lateReport = JSON.parse(formatJson(late, { everyPath: true }));
    const entries = earlyReport.reachability as {
      subnetId: string;
      service: string;
      required: boolean;
      hops: unknown[];
    }[];

    expect(lateReport.reachability).toEqual(entries);
    const index = new SnapshotIndex(snapshot);
    for (const entry of entries) {
      const subnet = index.subnet(entry.subnetId) as Subnet;
      const path = tracePath(index, subnet, entry.service, entry.required);
      expect(entry.hops).toEqual(JSON.parse(JSON.stringify(path.hops)));
    }
  });

  it("print in explain of a clean path", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    // A clean path that the analysis traced without its ok hops.
    const clean = analysis.paths.find((path) => isClean(path) && path.hops.length === 0)!;
    const { path } = explainPath(snapshot, SETTINGS, clean.subnetId, clean.service);
    const hops = alone(snapshot, clean).hops;

    expect(printed(path!.hops)).toEqual(printed(hops));
    const lines = formatExplain(path!, []).split("\n");
    expect(lines.filter((line) => / {2}ok {7}/.test(line))).toHaveLength(hops.length);
  });
});
