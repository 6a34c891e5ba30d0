/** How templates declare internet gateways, and how the NAT64 path judges them. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { placeholderId } from "../../src/iac/placeholders.js";
import { findingsOf, lintIac } from "./helpers.js";

const RULE = "public-nat-subnet-no-igw-route";
const VPC_ID = placeholderId("vpc", "Vpc");
const GATEWAY_ID = placeholderId("igw", "InternetGateway");

/**
 * Returns a template with a public NAT gateway doing NAT64 for an IPv6-only subnet, whose public
 * subnet sends 0.0.0.0/0 to `gateway`, and one instance in the IPv6-only subnet. `extra` adds
 * resources, such as the gateway attachment.
 */
function template(gateway: string, extra = ""): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SharedGatewayId:
    Type: String
    Default: igw-0123456789abcdef0
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.40.0.0/16
  VpcIpv6Block:
    Type: AWS::EC2::VPCCidrBlock
    Properties:
      VpcId: !Ref Vpc
      AmazonProvidedIpv6CidrBlock: true
  InternetGateway:
    Type: AWS::EC2::InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: us-east-1a
      CidrBlock: 10.40.0.0/24
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: ${gateway}
  PublicSubnetRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRouteTable
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: eipalloc-0123456789abcdef0
  AppSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: us-east-1a
      Ipv6Native: true
      EnableDns64: true
      Ipv6CidrBlock: !Select [0, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 4, 64]]
  AppRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  AppNat64Route:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref AppRouteTable
      DestinationIpv6CidrBlock: 64:ff9b::/96
      NatGatewayId: !Ref Nat
  AppSubnetRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref AppSubnet
      RouteTableId: !Ref AppRouteTable
  AppInstance:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t4g.small
      ImageId: ami-0a1b2c3d4e5f60001
      SubnetId: !Ref AppSubnet
${extra}`;
}

const ATTACHMENT = `  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway
`;

/** Writes a template to a new temporary directory and returns its path. */
function templateFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "vpc-lint-igw-")), "template.yaml");
  writeFileSync(file, text);
  return file;
}

describe("CloudFormation: internet gateway attachment", () => {
  it("lists an attached gateway with State available", async () => {
    const { input, result } = await lintIac({
      template: templateFile(template("!Ref InternetGateway", ATTACHMENT)),
    });

    expect(input.snapshot.InternetGateways).toEqual([
      {
        InternetGatewayId: GATEWAY_ID,
        Attachments: [{ VpcId: VPC_ID, State: "available" }],
        Tags: [],
      },
    ]);
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.skipped.filter((skip) => skip.ruleId === RULE)).toEqual([]);
  });

  it("lists a gateway without VPCGatewayAttachment as attached to no VPC", async () => {
    const { input, result } = await lintIac({
      template: templateFile(template("!Ref InternetGateway")),
    });
    const findings = findingsOf(result, RULE);

    expect(input.snapshot.InternetGateways).toEqual([
      { InternetGatewayId: GATEWAY_ID, Attachments: [], Tags: [] },
    ]);
    expect(findings.map((finding) => finding.messageId)).toEqual(["gatewayNotAttached"]);
    expect(findings[0]?.data.problem).toBe("is attached to no VPC");
    expect(findings[0]?.severity).toBe("error");
  });

  it("leaves a gateway the template does not declare unknown", async () => {
    const file = templateFile(template("!Ref SharedGatewayId"));
    const { input, result, warnings } = await lintIac({ template: file });
    const tableId = placeholderId("rtb", "PublicRouteTable");

    expect(input.snapshot.InternetGateways).toContainEqual({
      InternetGatewayId: "igw-0123456789abcdef0",
    });
    expect(findingsOf(result, RULE)).toEqual([]);
    expect(result.skipped.filter((skip) => skip.ruleId === RULE)).toEqual([
      {
        ruleId: RULE,
        reason: "the attachments of igw-0123456789abcdef0 are not in the snapshot",
        resourceIds: [placeholderId("subnet", "AppSubnet")],
        region: "us-east-1",
      },
    ]);
    expect(warnings).toContain(
      `${file}: route table ${tableId} routes to internet gateway igw-0123456789abcdef0, which the ` +
        "input does not declare; its attachment is unknown, so the checks that need it are " +
        "reported as skipped",
    );
  });
});
