import { describe, expect, it } from "vitest";
import {
  IntrinsicResolver,
  NO_VALUE,
  Unresolved,
} from "../../src/iac/cloudformation/intrinsics.js";
import type { Template } from "../../src/iac/cloudformation/parse.js";

const template: Template = {
  Mappings: { Regions: { "eu-west-1": { Zone: "euw1-az1" } } },
  Conditions: {
    IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] },
    NotProd: { "Fn::Not": [{ Condition: "IsProd" }] },
    Both: { "Fn::And": [{ Condition: "NotProd" }, { "Fn::Or": [true, false] }] },
    Unknown: { "Fn::Equals": [{ "Fn::ImportValue": "stage" }, "prod"] },
  },
  Resources: { Vpc: { Type: "AWS::EC2::VPC" } },
};

function resolver(parameters: Record<string, unknown> = { Stage: "dev" }): IntrinsicResolver {
  const result = new IntrinsicResolver(template, new Map(Object.entries(parameters)), {
    region: "eu-west-1",
    accountId: "111122223333",
    stackName: "network",
  });
  result.resources = {
    ref: (logicalId) => `id-of-${logicalId}`,
    getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
  };
  return result;
}

describe("IntrinsicResolver", () => {
  it.each([
    [
      { "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Vpc}" },
      "arn:aws:ec2:eu-west-1:111122223333:vpc/id-of-Vpc",
    ],
    [
      { "Fn::Sub": ["${Name}-${!Literal}-${Vpc.CidrBlock}", { Name: { Ref: "Stage" } }] },
      "dev-${Literal}-Vpc.CidrBlock",
    ],
    [{ "Fn::Join": ["-", ["a", { Ref: "AWS::StackName" }]] }, "a-network"],
    [{ "Fn::Select": ["1", { "Fn::Split": [",", "x,y,z"] }] }, "y"],
    [{ "Fn::FindInMap": ["Regions", { Ref: "AWS::Region" }, "Zone"] }, "euw1-az1"],
    [{ "Fn::GetAZs": "" }, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]],
    [{ "Fn::If": ["IsProd", "large", "small"] }, "small"],
    [{ "Fn::Cidr": ["10.0.0.0/16", 2, 8] }, ["10.0.0.0/24", "10.0.1.0/24"]],
    [{ Ref: "AWS::URLSuffix" }, "amazonaws.com"],
  ])("evaluates %j", (expression, expected) => {
    expect(resolver().resolve(expression)).toEqual(expected);
  });

  it("evaluates nested conditions", () => {
    expect(resolver().condition("Both")).toBe(true);
    expect(resolver({ Stage: "prod" }).condition("Both")).toBe(false);
  });

  it("removes properties and items set to AWS::NoValue", () => {
    const value = resolver().resolve({
      Keep: 1,
      Drop: { "Fn::If": ["IsProd", 2, { Ref: "AWS::NoValue" }] },
      List: ["a", { Ref: "AWS::NoValue" }],
    });

    expect(value).toEqual({ Keep: 1, List: ["a"] });
    expect(resolver().resolve({ Ref: "AWS::NoValue" })).toBe(NO_VALUE);
  });

  it("returns Unresolved for an export and for what uses it", () => {
    const imported = resolver().resolve({ "Fn::ImportValue": "shared-vpc" });
    const joined = resolver().resolve({
      "Fn::Join": ["/", [{ "Fn::ImportValue": "shared-vpc" }, "x"]],
    });

    expect(imported).toBeInstanceOf(Unresolved);
    expect((imported as Unresolved).reason).toBe(
      'Fn::ImportValue "shared-vpc" reads another stack\'s export at deployment',
    );
    expect(joined).toBeInstanceOf(Unresolved);
    expect(resolver().condition("Unknown")).toBeInstanceOf(Unresolved);
  });

  it.each([
    [{ Ref: "Missing" }, "Ref Missing names no parameter or resource of the template"],
    [
      { "Fn::GetAtt": ["Missing", "Id"] },
      "Fn::GetAtt Missing.Id names no resource of the template",
    ],
    [
      { "Fn::FindInMap": ["Regions", "us-east-1", "Zone"] },
      "Fn::FindInMap finds no value at Regions.us-east-1.Zone in Mappings",
    ],
    [{ "Fn::Select": [5, ["a"]] }, 'Fn::Select has invalid arguments [5,["a"]]'],
    [
      { "Fn::Cidr": ["10.0.0.0/16", 2, "eight"] },
      'Fn::Cidr has invalid arguments ["10.0.0.0/16",2,"eight"]',
    ],
    [{ "Fn::If": ["Absent", 1, 2] }, "condition Absent is not defined in Conditions"],
  ])("explains why %j cannot be resolved", (expression, reason) => {
    const value = resolver().resolve(expression);

    expect(value).toBeInstanceOf(Unresolved);
    expect((value as Unresolved).reason).toBe(reason);
  });
});
