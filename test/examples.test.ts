import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { EXAMPLES, runCli } from "./helpers.js";

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
});
