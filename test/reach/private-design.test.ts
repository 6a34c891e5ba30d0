import type { NetworkAclEntry, VpcEndpoint } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { analyse } from "../../src/reach/analysis.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  PRIVATE,
  design,
  findingsOf,
  group,
  lint,
  loudRules,
  replaceNat64Route,
} from "./designs.js";

describe("private NAT64 design with Session Manager endpoints", () => {
  it("lints with nothing at warning or above", () => {
    const result = lint(design("private-nat64-endpoints"));
    expect(loudRules(result)).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("reaches every required service from both app subnets", () => {
    const result = runReach();
    const verdicts = result.map(
      (path) => `${path.subnetId} ${path.service} ${path.mode} ${path.verdict}`,
    );
    expect(verdicts).toContain(`${PRIVATE.appA} ssm endpoint-nat64 reachable`);
    expect(verdicts).toContain(`${PRIVATE.appB} ssmmessages endpoint-nat64 reachable`);
    expect(result.filter((path) => path.verdict !== "reachable")).toEqual([]);
  });

  it("flags an endpoint security group with no inbound rule", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [];
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([
      `blocked ${PRIVATE.ssmEndpoint}`,
      `blocked ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
    const finding = result.findings.find((f) => f.ruleId === "endpoint-sg-blocks-nat64-source");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toBe(
      `Endpoint ${PRIVATE.ssmEndpoint} allows no TCP 443 from 10.1.0.10, 10.1.1.10, the private ` +
        `addresses of the NAT gateways that translate for ${PRIVATE.appA}, ${PRIVATE.appB}, so ssm ` +
        "calls from there time out.",
    );
  });

  it("names each NAT gateway with its own addresses in the evidence", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [];
    const finding = lint(snapshot).findings.find(
      (f) => f.ruleId === "endpoint-sg-blocks-nat64-source",
    );
    expect(finding?.evidence.slice(1)).toEqual([
      {
        resourceId: PRIVATE.natA,
        attribute: "NatGatewayAddresses.PrivateIp",
        value: "10.1.0.10",
      },
      {
        resourceId: PRIVATE.natB,
        attribute: "NatGatewayAddresses.PrivateIp",
        value: "10.1.1.10",
      },
    ]);
  });

  it("flags an endpoint security group that admits only the clients' IPv6 range", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        Ipv6Ranges: [
          { CidrIpv6: "2600:1f18:4c2:b202::/64" },
          { CidrIpv6: "2600:1f18:4c2:b203::/64" },
        ],
        UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
      },
    ];
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toHaveLength(2);
  });

  it("accepts an endpoint security group that admits the VPC's IPv4 range", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.1.0.0/16" }] },
    ];
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  it("accepts an all-traffic rule from the NAT gateway's own address", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "10.1.0.10/32" }, { CidrIp: "10.1.1.10/32" }] },
    ];
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  it("flags kms required without a kms endpoint behind a private NAT", () => {
    const result = lint(design("private-nat64-endpoints"), ["kms"]);
    expect(findingsOf(result, "private-nat64-to-public-destination")).toEqual([
      `unreachable ${PRIVATE.natA}`,
      `unreachable ${PRIVATE.natB}`,
    ]);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
  });

  it.each([
    ["active", "TransitGatewayId", "tgw-0a1b2c3d4e5f60021", "unknown"],
    ["blackhole", "TransitGatewayId", "tgw-0a1b2c3d4e5f60021", "unreachable"],
    ["active", "VpcPeeringConnectionId", "pcx-0a1b2c3d4e5f60021", "unreachable"],
  ] as const)(
    "reads a private NAT gateway's %s route to %s %s as %s",
    (state, field, target, verdict) => {
      const snapshot = design("private-nat64-endpoints");
      const natTable = snapshot.RouteTables?.find(
        (table) => table.RouteTableId === "rtb-0a1b2c3d4e5f60021",
      );
      natTable?.Routes?.push({ DestinationCidrBlock: "0.0.0.0/0", [field]: target, State: state });
      const result = lint(snapshot, ["kms"]);
      const kmsVerdicts = result
        .reachability()
        .filter((entry) => entry.service === "kms")
        .map((entry) => entry.verdict);
      expect(kmsVerdicts).toEqual([verdict, verdict]);
      const errors = findingsOf(result, "private-nat64-to-public-destination");
      expect(errors).toEqual(
        verdict === "unknown" ? [] : [`unreachable ${PRIVATE.natA}`, `unreachable ${PRIVATE.natB}`],
      );
    },
  );

  it.each([
    [true, ["privateNat"]],
    [false, []],
  ])(
    "follows S3 past an interface endpoint answering only inbound Resolver queries: %s",
    (inboundOnly, expected) => {
      const snapshot = design("private-nat64-endpoints");
      snapshot.VpcEndpoints?.push(
        {
          VpcEndpointId: "vpce-0a1b2c3d4e5f60031",
          VpcEndpointType: "Interface",
          VpcId: PRIVATE.vpc,
          ServiceName: "com.amazonaws.us-east-1.s3",
          State: "Available",
          SubnetIds: [PRIVATE.natSubnetA],
          Groups: [{ GroupId: PRIVATE.endpointGroup }],
          PrivateDnsEnabled: true,
          DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: inboundOnly },
        },
        {
          VpcEndpointId: "vpce-0a1b2c3d4e5f60032",
          VpcEndpointType: "Gateway",
          VpcId: PRIVATE.vpc,
          ServiceName: "com.amazonaws.us-east-1.s3",
          State: "Available",
          RouteTableIds: ["rtb-0a1b2c3d4e5f60022", "rtb-0a1b2c3d4e5f60023"],
        },
      );
      const result = lint(snapshot, ["s3"]);
      const findings = findingsOf(result, "s3-gateway-endpoint-not-on-nat-path");
      expect(findings.map((line) => line.split(" ")[0])).toEqual(expected);
    },
  );

  it.each([
    ["Available", "reachable"],
    ["Deleted", "unreachable"],
  ])("judges S3 through a gateway endpoint in state %s", (state, verdict) => {
    const snapshot = design("private-nat64-endpoints");
    const gateway: VpcEndpoint = { VpcEndpointType: "Gateway", VpcId: PRIVATE.vpc };
    gateway.ServiceName = "com.amazonaws.us-east-1.s3";
    // The NAT gateways' subnets use route table rtb-0a1b2c3d4e5f60021.
    gateway.RouteTableIds = ["rtb-0a1b2c3d4e5f60021"];
    const id = "vpce-0a1b2c3d4e5f60032";
    snapshot.VpcEndpoints?.push({ ...gateway, VpcEndpointId: id, State: state as "Available" });
    const paths = analyse(new SnapshotIndex(snapshot), { requiredServices: ["s3"] }).paths;
    const s3 = paths.filter((path) => path.service === "s3");
    expect([...new Set(s3.map((path) => path.verdict))]).toEqual([verdict]);
  });

  it("reports a missing ssmmessages endpoint only through ssm-endpoint-missing", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.VpcEndpoints = snapshot.VpcEndpoints?.filter(
      (e) => e.VpcEndpointId !== PRIVATE.ssmmessagesEndpoint,
    );
    const result = lint(snapshot);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([
      `missingPrivateOnly ${PRIVATE.vpc}`,
    ]);
    expect(result.findings.find((f) => f.ruleId === "ssm-endpoint-missing")?.data.service).toBe(
      "ssmmessages",
    );
    expect(findingsOf(result, "private-nat64-to-public-destination")).toEqual([]);
  });

  it("flags workloads whose security group allows egress only to 0.0.0.0/0", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ];
    const result = lint(snapshot);
    expect(findingsOf(result, "instance-sg-egress-blocks-nat64")).toEqual([
      `blocked ${PRIVATE.appGroup}`,
    ]);
    expect(
      result.findings.find((f) => f.ruleId === "instance-sg-egress-blocks-nat64")?.data.destination,
    ).toBe("64:ff9b::a01:14/128, 64:ff9b::a01:114/128");
  });

  it("checks Lambda egress only for named services", () => {
    const snapshot = design("private-nat64-endpoints");
    const lambdaGroup = "sg-0a1b2c3d4e5f60029";
    snapshot.SecurityGroups?.push({
      ...group(snapshot, PRIVATE.appGroup),
      GroupId: lambdaGroup,
      IpPermissionsEgress: [],
    });
    snapshot.NetworkInterfaces?.push({
      NetworkInterfaceId: "eni-0a1b2c3d4e5f60029",
      SubnetId: PRIVATE.appA,
      VpcId: PRIVATE.vpc,
      InterfaceType: "lambda",
      Status: "in-use",
      Groups: [{ GroupId: lambdaGroup }],
    });
    // Session Manager reaches the instance in app-a, whose group allows the egress.
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual([]);
    expect(findingsOf(lint(snapshot, ["ssm"]), "instance-sg-egress-blocks-nat64")).toEqual([
      `blocked ${lambdaGroup}`,
    ]);
  });

  const ENDPOINT_ADDRESSES = ["a01:14", "a01:15", "a01:16", "a01:114", "a01:115", "a01:116"].map(
    (suffix) => `64:ff9b::${suffix}/128`,
  );

  it.each([
    ["the DNS64 range of the endpoint subnets", ["64:ff9b::a01:0/119"], []],
    ["the endpoints' own addresses", ENDPOINT_ADDRESSES, []],
    [
      "some of the endpoints' addresses",
      ENDPOINT_ADDRESSES.slice(1),
      [`blocksSome ${PRIVATE.appGroup}`],
    ],
    ["a range missing the endpoints", ["64:ff9b::c0a8:0/112"], [`blocked ${PRIVATE.appGroup}`]],
  ])("judges egress to %s by the endpoints' addresses", (_, ranges, expected) => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        Ipv6Ranges: ranges.map((range) => ({ CidrIpv6: range })),
      },
    ];
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual(expected);
  });

  /** Sets the workloads' egress to TCP 443 to the given IPv6 ranges alone. */
  function egressTo(snapshot: Snapshot, groupId: string, ranges: string[]): void {
    group(snapshot, groupId).IpPermissionsEgress = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        Ipv6Ranges: ranges.map((range) => ({ CidrIpv6: range })),
      },
    ];
  }

  it("warns on egress denied to one endpoint address", () => {
    const snapshot = design("private-nat64-endpoints");
    // The first address, 64:ff9b::a01:14, is the DNS64 form of the ssm endpoint's 10.1.0.20.
    egressTo(snapshot, PRIVATE.appGroup, ENDPOINT_ADDRESSES.slice(1));
    const result = lint(snapshot);
    const findings = result.findings.filter(
      (finding) => finding.ruleId === "instance-sg-egress-blocks-nat64",
    );
    const ssm = result.reachability().filter((entry) => entry.service === "ssm");

    expect(findings.map((finding) => `${finding.messageId} ${finding.severity}`)).toEqual([
      "blocksSome warning",
    ]);
    expect(findings[0]?.message).toBe(
      `Security groups ${PRIVATE.appGroup} of the workloads in ${PRIVATE.appA}, ${PRIVATE.appB} ` +
        "allow TCP 443 egress to 64:ff9b::a01:114/128 but not to 64:ff9b::a01:14/128, so the " +
        "connections to ssm that go to 64:ff9b::a01:14/128 are dropped.",
    );
    // The other address of the endpoint still carries the service.
    expect(ssm.map((entry) => entry.verdict)).toEqual(["reachable", "reachable"]);
  });

  it("names every partly blocked endpoint in one warning", () => {
    const snapshot = design("private-nat64-endpoints");
    // The ssm and ssmmessages endpoints each lose their address in AZ a.
    egressTo(snapshot, PRIVATE.appGroup, ENDPOINT_ADDRESSES.slice(2));
    const finding = lint(snapshot).findings.find(
      (item) => item.ruleId === "instance-sg-egress-blocks-nat64",
    );

    expect(finding?.messageId).toBe("blocksSome");
    expect(finding?.data.destination).toBe("64:ff9b::a01:14/128, 64:ff9b::a01:15/128");
    expect(finding?.data.admitted).toBe("64:ff9b::a01:114/128, 64:ff9b::a01:115/128");
    expect(finding?.data.services).toBe("ssm, ssmmessages");
  });

  it("flags one workload group that allows no endpoint address", () => {
    const snapshot = design("private-nat64-endpoints");
    // A second instance in app subnet A carries a group of its own, without IPv6 egress.
    const other = structuredClone(group(snapshot, PRIVATE.appGroup));
    other.GroupId = "sg-0a1b2c3d4e5f60029";
    snapshot.SecurityGroups?.push(other);
    const eni = structuredClone(
      snapshot.NetworkInterfaces?.find((item) => item.SubnetId === PRIVATE.appA),
    );
    if (!eni) throw new Error("the design has an interface in app subnet A");
    eni.NetworkInterfaceId = "eni-0a1b2c3d4e5f60029";
    eni.Groups = [{ GroupId: other.GroupId, GroupName: "other" }];
    snapshot.NetworkInterfaces?.push(eni);
    egressTo(snapshot, PRIVATE.appGroup, ENDPOINT_ADDRESSES.slice(1));
    egressTo(snapshot, other.GroupId, []);
    const findings = lint(snapshot).findings.filter(
      (finding) => finding.ruleId === "instance-sg-egress-blocks-nat64",
    );
    const lines = findings.map(
      (finding) => `${finding.messageId} ${finding.resource.id} ${finding.data.subnetIds}`,
    );

    // Subnet A's block by the other group wins over its partial one; subnet B has only the latter.
    expect(lines.sort()).toEqual([
      `blocked sg-0a1b2c3d4e5f60029 ${PRIVATE.appA}`,
      `blocksSome ${PRIVATE.appGroup} ${PRIVATE.appB}`,
    ]);
  });

  it("leaves a block unknown when another address is undecided", () => {
    const snapshot = design("private-nat64-endpoints");
    // ssm's address in AZ b, 64:ff9b::a01:114, has only a TCP rule without ports, which may or
    // may not cover 443, and its address in AZ a has no rule at all.
    egressTo(
      snapshot,
      PRIVATE.appGroup,
      ENDPOINT_ADDRESSES.filter((_, i) => i !== 0 && i !== 3),
    );
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress?.push({
      IpProtocol: "tcp",
      Ipv6Ranges: [{ CidrIpv6: "64:ff9b::a01:114/128" }],
    });
    const result = lint(snapshot);
    const ssm = result.reachability().filter((entry) => entry.service === "ssm");

    expect(findingsOf(result, "instance-sg-egress-blocks-nat64")).toEqual([]);
    expect(ssm.map((entry) => entry.verdict)).toEqual(["unknown", "unknown"]);
  });

  it("warns without the endpoints' interfaces when one subnet is allowed", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.NetworkInterfaces = snapshot.NetworkInterfaces?.filter(
      (eni) => eni.InterfaceType !== "vpc_endpoint",
    );
    // 64:ff9b::a01:100/120 is the DNS64 form of 10.1.1.0/24, the endpoint subnet in AZ b.
    egressTo(snapshot, PRIVATE.appGroup, ["64:ff9b::a01:100/120"]);
    const finding = lint(snapshot).findings.find(
      (item) => item.ruleId === "instance-sg-egress-blocks-nat64",
    );

    expect(finding?.messageId).toBe("blocksSome");
    expect(finding?.severity).toBe("warning");
    expect(finding?.data.destination).toBe("64:ff9b::a01:0/120");
  });

  it.each([
    ["admits only the endpoints' addresses", ENDPOINT_ADDRESSES, []],
    ["admits no IPv6 at all", [], [`blocked ${PRIVATE.appGroup}`]],
  ])("judges egress without the endpoints' interfaces when it %s", (_, ranges, expected) => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.NetworkInterfaces = snapshot.NetworkInterfaces?.filter(
      (eni) => eni.InterfaceType !== "vpc_endpoint",
    );
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
        Ipv6Ranges: ranges.map((range) => ({ CidrIpv6: range })),
      },
    ];
    const result = lint(snapshot);
    expect(findingsOf(result, "instance-sg-egress-blocks-nat64")).toEqual(expected);
    if (expected.length === 0) {
      const reasons = result.skipped
        .filter((skip) => skip.ruleId === "instance-sg-egress-blocks-nat64")
        .map((skip) => skip.reason);
      expect(reasons.join("\n")).toContain("are not in the snapshot, so its subnets' ranges");
    }
  });

  it("accepts egress to 64:ff9b::/96 on port 443 only", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: "64:ff9b::/96" }] },
    ];
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual([]);
  });

  it("flags a network ACL that denies the replies to the NAT gateway's ports", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls?.[0];
    if (!acl) throw new Error("the design has a network ACL");
    acl.Entries = [
      {
        RuleNumber: 90,
        Protocol: "6",
        RuleAction: "deny",
        Egress: false,
        CidrBlock: "10.1.0.0/16",
        PortRange: { From: 1024, To: 65535 },
      },
      ...(acl.Entries ?? []),
    ];
    const result = lint(snapshot);
    const findings = result.findings.filter((f) => f.ruleId === "nacl-blocks-nat64");
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.resource.id === PRIVATE.acl)).toBe(true);
    expect(findings.map((f) => f.data.direction)).toContain("inbound reply");
    expect(findings[0]?.data.ruleNumber).toBe("90");
  });

  it("accepts a network ACL deny that only covers ports the flow never uses", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls?.[0];
    if (!acl) throw new Error("the design has a network ACL");
    acl.Entries = [
      {
        RuleNumber: 90,
        Protocol: "6",
        RuleAction: "deny",
        Egress: false,
        CidrBlock: "10.1.0.0/16",
        PortRange: { From: 22, To: 22 },
      },
      ...(acl.Entries ?? []),
    ];
    expect(findingsOf(lint(snapshot), "nacl-blocks-nat64")).toEqual([]);
  });

  it("accepts client egress only to the endpoints' DNS64 range", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls?.[0];
    if (!acl) throw new Error("the design has a network ACL");
    // 64:ff9b::a01:0/112 is the DNS64 form of the VPC's 10.1.0.0/16, where the endpoints are.
    acl.Entries = [
      ...(acl.Entries ?? []).filter((entry) => !(entry.Egress && entry.RuleNumber === 101)),
      {
        RuleNumber: 101,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: true,
        Ipv6CidrBlock: "2600:1f18:4c2:b200::/56",
      },
      {
        RuleNumber: 102,
        Protocol: "6",
        RuleAction: "allow",
        Egress: true,
        Ipv6CidrBlock: "64:ff9b::a01:0/112",
        PortRange: { From: 443, To: 443 },
      },
    ];
    expect(findingsOf(lint(snapshot), "nacl-blocks-nat64")).toEqual([]);
  });

  /**
   * Puts rules numbered from 90 in the design's network ACL that deny outbound TCP 443 to
   * `addresses`. 64:ff9b::a01:14 is the DNS64 form of 10.1.0.20, the ssm endpoint's address in AZ a, and
   * 64:ff9b::a01:114 that of 10.1.1.20, its address in AZ b.
   */
  function denyDns64Addresses(...addresses: string[]): Snapshot {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls?.[0];
    if (!acl) throw new Error("the design has a network ACL");
    const rules = addresses.map((address, position) => ({
      RuleNumber: 90 + position,
      Protocol: "6",
      RuleAction: "deny" as const,
      Egress: true,
      Ipv6CidrBlock: address,
      PortRange: { From: 443, To: 443 },
    }));
    acl.Entries = [...rules, ...(acl.Entries ?? [])];
    return snapshot;
  }

  it("warns on client egress denied to one endpoint address", () => {
    const snapshot = denyDns64Addresses("64:ff9b::a01:14/128");
    const findings = lint(snapshot).findings.filter((f) => f.ruleId === "nacl-blocks-nat64");

    // Both app subnets use the design's one network ACL, so each gets a finding.
    expect(findings.map((f) => `${f.messageId} ${f.severity} ${f.data.subnetId}`)).toEqual([
      `deniesSomeEndpointSubnets warning ${PRIVATE.appA}`,
      `deniesSomeEndpointSubnets warning ${PRIVATE.appB}`,
    ]);
    for (const finding of findings) {
      expect(finding.data.peer).toBe("64:ff9b::a01:14/128");
      expect(finding.data.services).toBe("ssm");
      expect(finding.data.endpointSubnetId).toBe(PRIVATE.natSubnetA);
    }
  });

  it("flags client egress denied to every endpoint address", () => {
    const snapshot = denyDns64Addresses("64:ff9b::a01:14/128", "64:ff9b::a01:114/128");
    const findings = lint(snapshot).findings.filter((f) => f.ruleId === "nacl-blocks-nat64");

    const lines = findings.map(
      (f) => `${f.messageId} ${f.severity} ${f.data.subnetId} ${f.data.peer}`,
    );

    expect(lines.sort()).toEqual([
      `denies error ${PRIVATE.appA} 64:ff9b::a01:114/128`,
      `denies error ${PRIVATE.appA} 64:ff9b::a01:14/128`,
      `denies error ${PRIVATE.appB} 64:ff9b::a01:114/128`,
      `denies error ${PRIVATE.appB} 64:ff9b::a01:14/128`,
    ]);
    for (const finding of findings) expect(finding.data.services).toBe("ssm");
  });

  it("reports a NAT subnet block once per path", () => {
    const snapshot = design("private-nat64-endpoints");
    const acl = snapshot.NetworkAcls?.[0];
    if (!acl) throw new Error("the design has a network ACL");
    // The design's one ACL also guards the NAT subnets, where it now denies app A's requests.
    acl.Entries = [
      {
        RuleNumber: 90,
        Protocol: "-1",
        RuleAction: "deny",
        Egress: false,
        Ipv6CidrBlock: "2600:1f18:4c2:b202::/64",
      },
      ...(acl.Entries ?? []),
    ];
    const paths = analyse(new SnapshotIndex(snapshot), { requiredServices: [] }).paths;
    const path = paths.find((item) => item.subnetId === PRIVATE.appA && item.service === "ssm");
    const blocks = (path?.hops ?? []).filter(
      (hop) => hop.kind === "network-acl" && hop.status === "broken",
    );

    expect(path?.verdict).toBe("unreachable");
    expect(blocks.map((hop) => hop.facts?.subnetId)).toEqual([PRIVATE.natSubnetA]);
  });

  describe("endpoints in a subnet of their own", () => {
    const ENDPOINT_SUBNET = "subnet-0a1b2c3d4e5f60025";

    /**
     * Moves the endpoints' interfaces out of NAT subnet A into a new subnet 10.1.5.0/24, at
     * 10.1.5.20 and up, and puts a rule 90 in the design's network ACL.
     */
    function separateEndpoints(rule: NetworkAclEntry): Snapshot {
      const snapshot = design("private-nat64-endpoints");
      const natSubnet = snapshot.Subnets?.find((item) => item.SubnetId === PRIVATE.natSubnetA);
      if (!natSubnet) throw new Error("the design has NAT subnet A");
      snapshot.Subnets?.push({
        ...natSubnet,
        SubnetId: ENDPOINT_SUBNET,
        CidrBlock: "10.1.5.0/24",
        Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: "2600:1f18:4c2:b205::/64" }],
      });
      for (const endpoint of snapshot.VpcEndpoints ?? []) {
        endpoint.SubnetIds = endpoint.SubnetIds?.map((id) =>
          id === PRIVATE.natSubnetA ? ENDPOINT_SUBNET : id,
        );
      }
      let host = 20;
      for (const eni of snapshot.NetworkInterfaces ?? []) {
        if (eni.InterfaceType !== "vpc_endpoint" || eni.SubnetId !== PRIVATE.natSubnetA) continue;
        eni.SubnetId = ENDPOINT_SUBNET;
        eni.PrivateIpAddress = `10.1.5.${host}`;
        eni.PrivateIpAddresses = [{ Primary: true, PrivateIpAddress: eni.PrivateIpAddress }];
        host += 1;
      }
      const acl = snapshot.NetworkAcls?.[0];
      if (!acl) throw new Error("the design has a network ACL");
      acl.Entries = [rule, ...(acl.Entries ?? [])];
      return snapshot;
    }

    const denyEgress = (cidr: string): NetworkAclEntry => ({
      RuleNumber: 90,
      Protocol: "6",
      RuleAction: "deny",
      Egress: true,
      CidrBlock: cidr,
      PortRange: { From: 443, To: 443 },
    });

    it("accepts a deny for addresses no endpoint uses", () => {
      const result = lint(separateEndpoints(denyEgress("10.1.5.128/25")));
      expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([]);
    });

    it("flags a deny for the endpoints' addresses", () => {
      const result = lint(separateEndpoints(denyEgress("10.1.5.0/27")));
      const findings = result.findings.filter((f) => f.ruleId === "nacl-blocks-nat64");
      expect(findings.length).toBeGreaterThan(0);
      // The endpoints' interfaces in NAT subnet B stay reachable, so only some connections fail.
      for (const finding of findings) {
        expect(finding.messageId).toBe("deniesSomeEndpointSubnets");
        expect(finding.data.endpointSubnetId).toBe(ENDPOINT_SUBNET);
        expect(finding.data.direction).toBe("outbound request");
        expect(finding.data.ruleNumber).toBe("90");
      }
      expect(findings.map((f) => f.data.peer)).toContain("10.1.5.20");
    });
  });

  describe("NAT64 routes to the endpoints' addresses only", () => {
    /** Replaces app subnet A's 64:ff9b::/96 route with routes to the given DNS64 prefixes. */
    function routeOnly(destinations: string[]): Snapshot {
      const snapshot = design("private-nat64-endpoints");
      return replaceNat64Route(snapshot, APP_A_TABLE, PRIVATE.natA, destinations);
    }

    function appAPaths(snapshot: Snapshot) {
      const analysis = analyse(new SnapshotIndex(snapshot), { requiredServices: [] });
      return analysis.paths
        .filter((path) => path.required && path.subnetId === PRIVATE.appA)
        .map((path) => analysis.withEveryHop(path));
    }

    it("reaches the endpoints through routes for their subnets", () => {
      // 10.1.0.0/24 and 10.1.1.0/24, the endpoint subnets, in DNS64 form.
      const paths = appAPaths(routeOnly(["64:ff9b::a01:0/120", "64:ff9b::a01:100/120"]));
      expect(paths.map((path) => `${path.service} ${path.verdict}`)).toEqual([
        "ssm reachable",
        "ssmmessages reachable",
      ]);
      const routeHops = paths.flatMap((path) => path.hops.filter((hop) => hop.kind === "route"));
      expect(routeHops.map((hop) => hop.status)).toEqual(["ok", "ok"]);
    });

    it("warns on an endpoint address without a route", () => {
      const paths = appAPaths(routeOnly(["64:ff9b::a01:0/120"]));
      const warnings = paths.flatMap((path) =>
        path.hops.filter((hop) => hop.owner === "nat64-route-missing"),
      );
      expect(warnings.map((hop) => `${hop.status} ${hop.facts?.parts}`)).toEqual([
        "warning 64:ff9b::a01:114/128",
        "warning 64:ff9b::a01:115/128",
      ]);
      expect(paths.map((path) => path.verdict)).toEqual(["reachable", "reachable"]);
    });

    it("breaks the path when no endpoint address is routed", () => {
      const paths = appAPaths(routeOnly(["64:ff9b::808:800/120"]));
      expect(paths.map((path) => path.verdict)).toEqual(["unreachable", "unreachable"]);
      const broken = paths.flatMap((path) =>
        path.hops.filter((hop) => hop.status === "broken").map((hop) => hop.owner),
      );
      expect(broken).toEqual(["nat64-route-missing", "nat64-route-missing"]);
    });
  });

  it("flags a NAT64 route to a zonal NAT gateway in another AZ", () => {
    const snapshot = design("private-nat64-endpoints");
    const table = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60023");
    const route = table?.Routes?.find((r) => r.DestinationIpv6CidrBlock === "64:ff9b::/96");
    if (!route) throw new Error("the design routes 64:ff9b::/96 from app-b");
    route.NatGatewayId = PRIVATE.natA;
    const result = lint(snapshot);
    expect(findingsOf(result, "nat64-cross-az")).toEqual([`crossAz ${PRIVATE.appB}`]);
    expect(result.findings.find((f) => f.ruleId === "nat64-cross-az")?.severity).toBe("warning");
  });

  it("flags an endpoint with no subnet in an AZ of its consumers", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) endpoint.SubnetIds = [PRIVATE.natSubnetA];
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-az-coverage")).toEqual([
      `missingZones ${PRIVATE.ssmEndpoint}`,
      `missingZones ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
  });

  it("advises on a zone the service lacks", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) endpoint.SubnetIds = [PRIVATE.natSubnetA];
    for (const detail of snapshot.ServiceDetails ?? []) detail.AvailabilityZones = ["us-east-1a"];
    const result = lint(snapshot);
    const coverage = result.findings.filter((f) => f.ruleId === "endpoint-az-coverage");

    expect(findingsOf(result, "endpoint-az-coverage")).toEqual([
      `zonesNotOffered ${PRIVATE.ssmEndpoint}`,
      `zonesNotOffered ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
    expect(coverage.map((finding) => finding.severity)).toEqual(["info", "info"]);
    expect(coverage[0]?.message).toContain("ssm is not offered in us-east-1b");
  });

  it("reads an empty zone list as unknown", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) endpoint.SubnetIds = [PRIVATE.natSubnetA];
    for (const detail of snapshot.ServiceDetails ?? []) detail.AvailabilityZones = [];
    const result = lint(snapshot);

    expect(findingsOf(result, "endpoint-az-coverage")).toEqual([
      `missingZones ${PRIVATE.ssmEndpoint}`,
      `missingZones ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
  });

  it("lists an endpoint with a subnet missing from the snapshot as not checked", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) {
      endpoint.SubnetIds = [PRIVATE.natSubnetA, "subnet-0a1b2c3d4e5f60099"];
    }
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-az-coverage")).toEqual([]);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({
        ruleId: "endpoint-az-coverage",
        reason: "the AZs of its subnets subnet-0a1b2c3d4e5f60099 are not in the snapshot",
      }),
    );
  });
});

const APP_A_TABLE = "rtb-0a1b2c3d4e5f60022";

function runReach() {
  const index = new SnapshotIndex(design("private-nat64-endpoints"));
  return analyse(index, { requiredServices: [] }).paths.filter((path) => path.required);
}
