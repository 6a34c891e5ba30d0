import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Snapshot } from "../src/snapshot/types.js";
import { EXAMPLES, runCli } from "./helpers.js";

const ALL = ["public-nat64.json", "private-nat64-endpoints.json", "broken-nat64.json"];

describe("bundled examples", () => {
  it.each(["public-nat64.json", "private-nat64-endpoints.json"])(
    "%s lints with nothing at warning or above",
    (file) => {
      const run = runCli(["--snapshot", join(EXAMPLES, file), "--format", "json"]);
      const report = JSON.parse(run.stdout);
      const loud = report.findings.filter((f: { severity: string }) => f.severity !== "info");
      expect(loud).toEqual([]);
      expect(report.skipped).toEqual([]);
      expect(run.status).toBe(0);
    },
  );

  it.each(ALL)("%s lists each instance's own interfaces", (file) => {
    const snapshot = JSON.parse(readFileSync(join(EXAMPLES, file), "utf8")) as Snapshot;
    const attached = (snapshot.NetworkInterfaces ?? [])
      .filter((eni) => eni.Attachment?.InstanceId)
      .map((eni) => `${eni.Attachment?.InstanceId} ${eni.NetworkInterfaceId}`);
    const listed = (snapshot.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .flatMap((instance) =>
        (instance.NetworkInterfaces ?? []).map(
          (eni) => `${instance.InstanceId} ${eni.NetworkInterfaceId}`,
        ),
      );

    expect(listed.sort()).toEqual(attached.sort());
  });
});
