/**
 * Collects a VPC whose every describe output is a published one: the files of one whole-account
 * snapshot in the shared corpus of AWS example outputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectSnapshot } from "../../src/collect/collector.js";
import { DEFAULT_SETTINGS, runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { CORPUS, HAS_CORPUS } from "../helpers.js";
import { CREDENTIALS, isolateAwsEnvironment, mockWorld, worldOf } from "./world.js";

const VPC = "vpc-072d45b801aeffef2";
const PREFIX = "batfish-snapshot-vpce-interface-";
const FILES = [
  "vpcs",
  "subnets",
  "route-tables",
  "security-groups",
  "network-acls",
  "network-interfaces",
  "nat-gateways",
  "vpc-endpoints",
  "vpc-endpoint-services",
];

function readCorpus(name: string): Snapshot {
  return JSON.parse(readFileSync(join(CORPUS, name), "utf8")) as Snapshot;
}

/** Returns the published snapshot's sections, and the DNS attributes of another published VPC. */
function publishedAccount(): Snapshot {
  const sections = FILES.map((file) => readCorpus(`${PREFIX}${file}.json`));
  const support = readCorpus("aws-cli-describe-vpc-attribute-enablednssupport.json");
  const hostnames = readCorpus("aws-cli-describe-vpc-attribute-enablednshostnames.json");
  const attributes = { ...support, ...hostnames, VpcId: VPC } as NonNullable<
    Snapshot["VpcAttributes"]
  >[number];
  return { ...Object.assign({}, ...sections), VpcAttributes: [attributes] } as Snapshot;
}

describe.skipIf(!HAS_CORPUS)(
  HAS_CORPUS
    ? "collectSnapshot on published AWS outputs"
    : "collectSnapshot on published AWS outputs: skipped because the corpus directory is absent",
  () => {
    let restoreMocks: () => void;
    let published: Snapshot;
    let snapshot: Snapshot;

    beforeEach(async () => {
      isolateAwsEnvironment();
      published = publishedAccount();
      ({ restore: restoreMocks } = mockWorld(worldOf(published)));
      snapshot = await collectSnapshot({
        vpcIds: [VPC],
        region: "us-east-1",
        concurrency: 8,
        log: () => undefined,
        clientOverrides: { credentials: CREDENTIALS },
      });
    });

    afterEach(() => {
      restoreMocks();
      vi.unstubAllEnvs();
    });

    it.each([
      "Vpcs",
      "Subnets",
      "RouteTables",
      "SecurityGroups",
      "NetworkAcls",
      "NetworkInterfaces",
      "NatGateways",
      "VpcEndpoints",
    ] as const)("keeps the published %s unchanged", (section) => {
      expect(snapshot[section]).toEqual(published[section]);
    });

    it("keeps only the service the endpoint uses", () => {
      expect(published.ServiceDetails!.length).toBeGreaterThan(50);
      expect(snapshot.ServiceDetails?.map((detail) => detail.ServiceName)).toEqual([
        "com.amazonaws.us-east-1.cloudtrail",
      ]);
    });

    it("takes the account from the VPC owner", () => {
      expect(snapshot.Source?.AccountId).toBe("999900000005");
    });

    it("records no error", () => {
      expect(snapshot.Errors).toBeUndefined();
    });

    it("lints without a rule failing", () => {
      const result = runLint([{ snapshot }], { settings: DEFAULT_SETTINGS });

      expect(result.executionErrors).toEqual([]);
    });
  },
);
