/**
 * Findings that name subnets name only those the problem affects: subnets an endpoint's AZs
 * already cover, agents that do not need ec2messages and paths blocked earlier stay out.
 */
import { describe, expect, it } from "vitest";
import { PRIVATE, PUBLIC, design, findingsOf, lint } from "./designs.js";

describe("subnets named by findings", () => {
  it("exclude consumers in zones the endpoint covers", () => {
    const snapshot = design("private-nat64-endpoints");
    const endpoint = snapshot.VpcEndpoints!.find(
      (item) => item.VpcEndpointId === PRIVATE.ssmEndpoint,
    )!;
    // Keep the endpoint only in the NAT subnet of us-east-1a.
    endpoint.SubnetIds = [PRIVATE.natSubnetA];
    endpoint.NetworkInterfaceIds = endpoint.NetworkInterfaceIds!.slice(0, 1);

    const [finding] = lint(snapshot).findings.filter(
      (item) => item.ruleId === "endpoint-az-coverage",
    );

    expect(finding?.messageId).toBe("missingZones");
    expect(finding?.data.missingZones).toBe("us-east-1b");
    expect(finding?.data.subnetIds).toBe(PRIVATE.appB);
  });

  it("name only subnets whose agents need ec2messages", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.VpcEndpoints = snapshot.VpcEndpoints!.filter(
      (item) => item.VpcEndpointId !== PRIVATE.ec2messagesEndpoint,
    );
    const old = snapshot.InstanceInformationList!.find(
      (item) => item.InstanceId === "i-0a1b2c3d4e5f60022",
    )!;
    old.AgentVersion = "3.2.100.0";

    const result = lint(snapshot);
    const [finding] = result.findings.filter((item) => item.ruleId === "ssm-endpoint-missing");

    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([
      `missingPrivateOnly ${PRIVATE.vpc}`,
    ]);
    expect(finding?.data.service).toBe("ec2messages");
    expect(finding?.data.subnetIds).toBe(PRIVATE.appB);
  });

  it("leave out public NAT paths blocked before the NAT gateway", () => {
    const snapshot = design("public-nat64");
    const acl = snapshot.NetworkAcls![0]!;
    acl.Entries = [
      {
        RuleNumber: 1,
        Protocol: "6",
        RuleAction: "deny",
        Egress: true,
        CidrBlock: "0.0.0.0/0",
        PortRange: { From: 443, To: 443 },
      },
      ...(acl.Entries ?? []),
    ];

    const result = lint(snapshot);

    expect(findingsOf(result, "nacl-blocks-nat64")).not.toEqual([]);
    expect(findingsOf(result, "public-nat64-leaks-service-traffic")).toEqual([]);
    expect(result.findings.some((item) => item.related.includes(PUBLIC.app))).toBe(true);
  });

  it("warn of a network ACL deny that covers part of a subnet", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls!.find((item) =>
      item.Associations?.some((association) => association.SubnetId === PRIVATE.natSubnetA),
    )!;
    const appA = snapshot.Subnets!.find((item) => item.SubnetId === PRIVATE.appA)!;
    const block = appA.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const half = block.replace("/64", "/65");
    acl.Entries = [
      { RuleNumber: 1, Protocol: "-1", RuleAction: "deny", Egress: false, Ipv6CidrBlock: half },
      ...(acl.Entries ?? []),
    ];

    const result = lint(snapshot);
    const partial = result.findings.filter((item) => item.messageId === "deniesPart");

    expect(partial.map((item) => item.severity)).toEqual(["warning"]);
    expect(partial[0]?.data.range).toBe(half);
    expect(partial[0]?.data.subnetIds).toContain(PRIVATE.appA);
    expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([`deniesPart ${acl.NetworkAclId}`]);
  });

  it("warn of each check a partial deny cuts", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls!.find((item) =>
      item.Associations?.some((association) => association.SubnetId === PRIVATE.natSubnetA),
    )!;
    const appA = snapshot.Subnets!.find((item) => item.SubnetId === PRIVATE.appA)!;
    const half = appA.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!.replace("/64", "/65");
    acl.Entries = [
      { RuleNumber: 1, Protocol: "-1", RuleAction: "deny", Egress: false, Ipv6CidrBlock: half },
      { RuleNumber: 2, Protocol: "-1", RuleAction: "deny", Egress: true, Ipv6CidrBlock: half },
      ...(acl.Entries ?? []),
    ];

    const partial = lint(snapshot).findings.filter((item) => item.messageId === "deniesPart");

    expect(partial.map((item) => item.data.ruleNumber).sort()).toEqual(["1", "2"]);
    expect(partial.map((item) => item.data.direction).sort()).toEqual([
      "inbound request",
      "outbound reply",
    ]);
  });
});
