import {
  BatchImportFindingsCommand,
  SecurityHubServiceException,
} from "@aws-sdk/client-securityhub";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Logger } from "../../src/lambda/log.js";
import { isThrottling, withThrottlingRetry } from "../../src/lambda/retry.js";
import { importFindings, IMPORT_BATCH_SIZE } from "../../src/lambda/security-hub.js";
import type { AsffFinding } from "../../src/report/asff.js";
import { ACCESS_KEY, isolateAwsEnvironment, SECRET_KEY } from "../collect/world.js";
import { fakeSecurityHub, NO_WAIT_RETRY, stubAwsEnvironment, throttlingError } from "./fakes.js";

let lines: string[];
let hub: ReturnType<typeof fakeSecurityHub>;

beforeEach(() => {
  isolateAwsEnvironment();
  stubAwsEnvironment(ACCESS_KEY, SECRET_KEY);
  lines = [];
  hub = fakeSecurityHub();
});

afterEach(() => {
  hub.restore();
  vi.unstubAllEnvs();
});

function findings(count: number): AsffFinding[] {
  return Array.from(
    { length: count },
    (_, position) => ({ Id: `vpc-lint/${position}` }) as AsffFinding,
  );
}

function options() {
  return {
    region: "us-east-1",
    log: new Logger({}, (line) => lines.push(line)),
    retry: NO_WAIT_RETRY,
  };
}

describe("importFindings", () => {
  it("sends 250 findings as batches of 100", async () => {
    const result = await importFindings(findings(250), options());

    const sizes = hub
      .commandCalls(BatchImportFindingsCommand)
      .map((call) => call.args[0].input.Findings?.length);
    expect(IMPORT_BATCH_SIZE).toBe(100);
    expect(sizes).toEqual([100, 100, 50]);
    expect(result.imported).toBe(250);
  });

  it("keeps the order of the findings across batches", async () => {
    await importFindings(findings(201), options());

    const ids = hub
      .commandCalls(BatchImportFindingsCommand)
      .flatMap((call) => (call.args[0].input.Findings ?? []).map((f) => f.Id));
    expect(ids).toEqual(findings(201).map((finding) => finding.Id));
  });

  it("sends nothing for no findings", async () => {
    const result = await importFindings([], options());

    expect(hub.calls()).toHaveLength(0);
    expect(result.imported).toBe(0);
  });

  it("retries only the throttled batch", async () => {
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({ SuccessCount: 100, FailedCount: 0 })
      .rejectsOnce(throttlingError())
      .callsFake((input) => ({ SuccessCount: input.Findings?.length ?? 0, FailedCount: 0 }));

    const result = await importFindings(findings(150), options());

    const sizes = hub
      .commandCalls(BatchImportFindingsCommand)
      .map((call) => call.args[0].input.Findings?.length);
    expect(sizes).toEqual([100, 50, 50]);
    expect(result.imported).toBe(150);
  });

  it("gives up after the last attempt", async () => {
    hub.on(BatchImportFindingsCommand).rejects(throttlingError());

    await expect(importFindings(findings(1), options())).rejects.toThrow("Rate exceeded");
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(NO_WAIT_RETRY.attempts);
  });

  it("counts findings Security Hub rejects", async () => {
    hub.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 1,
      FailedCount: 1,
      FailedFindings: [{ Id: "vpc-lint/1", ErrorCode: "InvalidInput", ErrorMessage: "bad" }],
    });

    const result = await importFindings(findings(2), options());

    expect(result.failed).toBe(1);
    expect(result.failures).toEqual(["vpc-lint/1: InvalidInput"]);
  });
});

describe("withThrottlingRetry", () => {
  it("throws other errors at once", async () => {
    const denied = new SecurityHubServiceException({
      name: "AccessDeniedException",
      $fault: "client",
      $metadata: { httpStatusCode: 403 },
      message: "denied",
    });
    const request = vi.fn().mockRejectedValue(denied);

    await expect(withThrottlingRetry(request, NO_WAIT_RETRY)).rejects.toThrow("denied");
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("waits longer after each retry", async () => {
    const waits: number[] = [];
    const request = vi.fn().mockRejectedValue(throttlingError());
    const random = vi.spyOn(Math, "random").mockReturnValue(0.999);

    await expect(
      withThrottlingRetry(request, {
        attempts: 4,
        baseDelayMs: 100,
        maxDelayMs: 250,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      }),
    ).rejects.toThrow();
    random.mockRestore();

    expect(waits.map(Math.round)).toEqual([100, 200, 250]);
  });

  it.each([
    ["ThrottlingException", true],
    ["TooManyRequestsException", true],
    ["AccessDeniedException", false],
  ])("classes %s as throttling: %s", (name, expected) => {
    expect(isThrottling({ name })).toBe(expected);
  });
});
