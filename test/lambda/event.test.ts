import { describe, expect, it } from "vitest";
import { EventError, parseEvent } from "../../src/lambda/event.js";

const ENV = { VPC_LINT_BUCKET: "results", VPC_LINT_REGIONS: "eu-west-1, eu-central-1" };

describe("parseEvent", () => {
  it("fills an empty event from the environment", () => {
    const request = parseEvent(
      {},
      {
        ...ENV,
        VPC_LINT_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:t",
        VPC_LINT_REQUIRED_SERVICES: "kms,sts",
      },
    );

    expect(request.regions).toEqual(["eu-west-1", "eu-central-1"]);
    expect(request.bucket).toBe("results");
    expect(request.prefix).toBe("vpc-lint");
    expect(request.topicArn).toBe("arn:aws:sns:eu-west-1:111122223333:t");
    expect(request.requiredServices).toEqual(["kms", "sts"]);
    expect(request.securityHub).toBe(true);
    expect(request.vpcIds).toBeUndefined();
  });

  it("prefers the event over the environment", () => {
    const request = parseEvent(
      { regions: ["us-west-2"], output: { bucket: "other", prefix: "lint/daily" } },
      ENV,
    );

    expect(request.regions).toEqual(["us-west-2"]);
    expect(request.bucket).toBe("other");
    expect(request.prefix).toBe("lint/daily");
  });

  it("falls back to AWS_REGION", () => {
    expect(
      parseEvent({}, { VPC_LINT_BUCKET: "results", AWS_REGION: "ap-south-1" }).regions,
    ).toEqual(["ap-south-1"]);
  });

  it("turns Security Hub off by environment", () => {
    expect(parseEvent({}, { ...ENV, VPC_LINT_SECURITY_HUB: "false" }).securityHub).toBe(false);
  });

  it("lists every problem of an event", () => {
    const parse = () => parseEvent({ regions: "eu-west-1", colour: "blue" }, ENV);

    expect(parse).toThrow(EventError);
    expect(parse).toThrow("/colour is not a known field");
    expect(parse).toThrow("/regions must be of type array");
  });

  it("rejects vpcIds with organization", () => {
    const parse = () =>
      parseEvent(
        { organization: true, roleName: "R", regions: ["eu-west-1"], vpcIds: ["vpc-0a1b2c3d"] },
        ENV,
      );

    expect(parse).toThrow("/vpcIds cannot be combined with /organization");
  });

  it("needs a role for organization mode", () => {
    expect(() => parseEvent({ organization: true }, ENV)).toThrow(
      "/organization needs a role to assume",
    );
  });
});
