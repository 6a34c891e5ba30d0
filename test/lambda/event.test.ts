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
    expect(parse).toThrow('/regions is "eu-west-1"; expected an array, such as ["item"]');
  });

  it.each([
    [null, 'the event is null; send a JSON object such as {"regions": ["eu-west-1"]}, or {}'],
    ["run", 'the event is "run"; send a JSON object'],
    [[], "the event is []; send a JSON object"],
    [{ securityHub: "false" }, '/securityHub is "false"; expected true or false, without quotes'],
    [{ output: "results" }, '/output is "results"; expected an object'],
    [{ externalId: 1234 }, "/externalId is a number; expected a string"],
  ])("names the value and type of %j", (event, message) => {
    const parse = () => parseEvent(event, ENV);

    expect(parse).toThrow(EventError);
    expect(parse).toThrow(`invalid event: ${message}`);
  });

  it.each([
    [
      { output: { prefix: "/vpc-lint/" } },
      "/output/prefix (\"/vpc-lint/\") does not match ^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$; " +
        "use key " +
        "name parts joined by single slashes, with no slash at either end, such as reports/vpc-lint",
    ],
    [
      { roleName: "arn:aws:iam::444455556666:role/VpcLintReadOnly" },
      '/roleName ("arn:aws:iam::444455556666:role/VpcLintReadOnly") does not match ' +
        "^[\\w+=,.@-]{1,64}$; use the role's name, such as " +
        "VpcLintReadOnly, not its ARN",
    ],
  ])("names the fix for %j", (event, message) => {
    const parse = () => parseEvent(event, ENV);

    expect(parse).toThrow(`invalid event: ${message}`);
  });

  it.each([
    [{ regions: ["Ireland"] }, '/regions/0 ("Ireland") does not match'],
    [{ vpcIds: ["subnet-0a1b2c3d"] }, '/vpcIds/0 ("subnet-0a1b2c3d") does not match'],
    [{ output: { bucket: "s3://results" } }, '/output/bucket ("s3://results") does not match'],
  ])("names the value of %j", (event, message) => {
    const parse = () => parseEvent(event, ENV);

    expect(parse).toThrow(`invalid event: ${message}`);
  });

  it("leaves out an external id that does not match", () => {
    const event = { accountId: "444455556666", roleName: "R", externalId: "hidden value!" };
    const parse = () => parseEvent(event, ENV);

    expect(parse).toThrow("invalid event: /externalId does not match");
    expect(parse).not.toThrow("hidden value");
  });

  it("accepts vpcIds with several Regions", () => {
    const fromEvent = parseEvent({ vpcIds: ["vpc-0a1b2c3d"] }, ENV);
    const fromEnvironment = parseEvent({}, { ...ENV, VPC_LINT_VPC_IDS: "vpc-0a1b2c3d" });

    expect(fromEvent.regions).toEqual(["eu-west-1", "eu-central-1"]);
    expect(fromEvent.vpcIds).toEqual(["vpc-0a1b2c3d"]);
    expect(fromEnvironment.vpcIds).toEqual(["vpc-0a1b2c3d"]);
  });

  it("accepts vpcIds with one Region in the event", () => {
    const request = parseEvent({ regions: ["eu-west-1"], vpcIds: ["vpc-0a1b2c3d"] }, ENV);

    expect(request.regions).toEqual(["eu-west-1"]);
    expect(request.vpcIds).toEqual(["vpc-0a1b2c3d"]);
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

describe("parseEvent with values from the environment", () => {
  it.each([
    [
      { VPC_LINT_REGIONS: "not a region!!,us-east-1" },
      '/regions/0 ("not a region!!", from VPC_LINT_REGIONS) does not match',
    ],
    [
      { VPC_LINT_REGIONS: "us-east-1,us-east-1" },
      "/regions (from VPC_LINT_REGIONS) lists an item twice",
    ],
    [
      { VPC_LINT_VPC_IDS: "subnet-123" },
      '/vpcIds/0 ("subnet-123", from VPC_LINT_VPC_IDS) does not match',
    ],
    [
      { VPC_LINT_BUCKET: "arn:aws:s3:::my-bucket" },
      '/output/bucket ("arn:aws:s3:::my-bucket", from VPC_LINT_BUCKET) does not match',
    ],
    [
      { VPC_LINT_REQUIRED_SERVICES: "KMS, ssm ;rm" },
      '/requiredServices/0 ("KMS", from VPC_LINT_REQUIRED_SERVICES) does not match',
    ],
    [
      { VPC_LINT_PREFIX: "reports//daily" },
      '/output/prefix ("reports//daily", from VPC_LINT_PREFIX) does not match',
    ],
    [
      { VPC_LINT_TOPIC_ARN: "vpc-lint-topic" },
      '/output/topicArn ("vpc-lint-topic", from VPC_LINT_TOPIC_ARN) does not match',
    ],
    [
      { VPC_LINT_ROLE_NAME: "role name" },
      '/roleName ("role name", from VPC_LINT_ROLE_NAME) does not match',
    ],
    [{ VPC_LINT_EXTERNAL_ID: "x" }, "/externalId (from VPC_LINT_EXTERNAL_ID) does not match"],
    [
      { VPC_LINT_SECURITY_HUB: "no" },
      '/securityHub ("no", from VPC_LINT_SECURITY_HUB) must be true or false',
    ],
    [{ VPC_LINT_LOG_LEVEL: "verbose" }, 'VPC_LINT_LOG_LEVEL is "verbose"; use debug'],
    [
      { VPC_LINT_REQUIRED_SERVICES: "ssm,com.amazonaws.us-east-1.kms" },
      '/requiredServices/1 ("com.amazonaws.us-east-1.kms", from VPC_LINT_REQUIRED_SERVICES) is ' +
        "an endpoint service name; use its short name kms",
    ],
  ])("rejects %j", (variables, message) => {
    const parse = () => parseEvent({}, { ...ENV, ...variables });

    expect(parse).toThrow(EventError);
    expect(parse).toThrow(`invalid environment: ${message}`);
  });

  it.each([
    ["com.amazonaws.eu-west-1.kms", "is an endpoint service name; use its short name kms"],
    ["kms.eu-west-1.amazonaws.com", "is a hostname; use its short name kms"],
  ])("rejects the required service %s in the event", (name, problem) => {
    const parse = () => parseEvent({ requiredServices: ["sts", name] }, ENV);

    expect(parse).toThrow(EventError);
    expect(parse).toThrow(`invalid event: /requiredServices/1 ${JSON.stringify(name)} ${problem}`);
  });

  it("names AWS_REGION when the Region came from there", () => {
    const parse = () => parseEvent({}, { VPC_LINT_BUCKET: "results", AWS_REGION: "moon-1" });

    expect(parse).toThrow('/regions/0 ("moon-1", from AWS_REGION) does not match');
  });

  it("leaves out the value of the external id", () => {
    const parse = () => parseEvent({}, { ...ENV, VPC_LINT_EXTERNAL_ID: "?" });

    expect(parse).toThrow(EventError);
    expect(parse).not.toThrow('"?"');
  });

  it("ignores an invalid variable the event overrides", () => {
    const request = parseEvent(
      { regions: ["eu-west-1"], output: { bucket: "results" } },
      { VPC_LINT_REGIONS: "us-east-1,us-east-1", VPC_LINT_BUCKET: "arn:aws:s3:::results" },
    );

    expect(request.regions).toEqual(["eu-west-1"]);
    expect(request.bucket).toBe("results");
  });

  it("reads VPC_LINT_SECURITY_HUB in any case", () => {
    expect(parseEvent({}, { ...ENV, VPC_LINT_SECURITY_HUB: "FALSE" }).securityHub).toBe(false);
    expect(parseEvent({}, { ...ENV, VPC_LINT_SECURITY_HUB: "True" }).securityHub).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    const request = parseEvent({}, { ...ENV, VPC_LINT_PREFIX: "", VPC_LINT_TOPIC_ARN: "" });

    expect(request.prefix).toBe("vpc-lint");
    expect(request.topicArn).toBeUndefined();
  });
});

describe("parseEvent for the function's own account", () => {
  it("needs no role for the function's own account", () => {
    const request = parseEvent({ accountId: "111122223333" }, ENV, "111122223333");

    expect(request.accountId).toBe("111122223333");
    expect(request.roleName).toBeUndefined();
  });

  it("still needs a role for another account", () => {
    expect(() => parseEvent({ accountId: "444455556666" }, ENV, "111122223333")).toThrow(
      "/accountId 444455556666 needs a role to assume",
    );
  });
});
