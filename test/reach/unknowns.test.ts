import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { analyse } from "../../src/reach/analysis.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import type { Route, Subnet } from "@aws-sdk/client-ec2";
import { PRIVATE, PUBLIC, design, findingsOf, group, lint } from "./designs.js";

function skipReasons(snapshot: Snapshot, ruleId: string): string[] {
  return lint(snapshot)
    .skipped.filter((skip) => skip.ruleId === ruleId)
    .map((skip) => skip.reason);
}

function verdicts(snapshot: Snapshot): string[] {
  const paths = analyse(new SnapshotIndex(snapshot), { requiredServices: [] }).paths;
  return [...new Set(paths.filter((path) => path.required).map((path) => path.verdict))];
}

/** Makes a design's NAT gateways public, each with an Elastic IP address. */
function publicNatGateways(snapshot: Snapshot): Snapshot {
  for (const [position, nat] of (snapshot.NatGateways ?? []).entries()) {
    nat.ConnectivityType = "public";
    const address = nat.NatGatewayAddresses?.[0];
    if (address) {
      address.AllocationId = `eipalloc-0a1b2c3d4e5f6009${position}`;
      address.PublicIp = `203.0.113.${20 + position}`;
    }
  }
  return snapshot;
}

describe("reachability with missing data", () => {
  it("is unknown, never reachable, without security groups", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.SecurityGroups;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const result = lint(snapshot);
    const skipped = result.skipped.map((skip) => skip.ruleId);
    expect(skipped).toContain("endpoint-sg-blocks-nat64-source");
    expect(skipped).toContain("instance-sg-egress-blocks-nat64");
  });

  it("is unknown without network ACLs", () => {
    const snapshot = design("public-nat64");
    delete snapshot.NetworkAcls;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(lint(snapshot).skipped.map((skip) => skip.ruleId)).toContain("nacl-blocks-nat64");
  });

  it.each(["Egress", "Protocol", "RuleAction", "RuleNumber"] as const)(
    "is unknown when network ACL entries lack %s",
    (field) => {
      const snapshot = design("public-nat64");
      for (const entry of snapshot.NetworkAcls?.[0]?.Entries ?? []) delete entry[field];
      expect(verdicts(snapshot)).toEqual(["unknown"]);
      const result = lint(snapshot);
      expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([]);
      const reasons = result.skipped
        .filter((skip) => skip.ruleId === "nacl-blocks-nat64")
        .map((skip) => skip.reason);
      expect(reasons).toEqual([
        `entries of network ACL acl-0a1b2c3d4e5f60001 lack ${field}, so what it allows is unknown`,
      ]);
    },
  );

  it("is reachable through network ACL entries of one address family", () => {
    const snapshot = design("public-nat64");
    const entries = snapshot.NetworkAcls?.[0]?.Entries ?? [];
    expect(entries.some((entry) => entry.CidrBlock === undefined)).toBe(true);
    expect(verdicts(snapshot)).toEqual(["reachable"]);
  });

  it("is unknown when an endpoint's State is missing", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) delete endpoint.State;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
  });

  it("is unreachable through a pending endpoint", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) endpoint.State = "Pending";
    expect(verdicts(snapshot)).toEqual(["unreachable"]);
  });

  it("is unknown when a NAT subnet that is not IPv6-only lacks CidrBlock", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const subnet of snapshot.Subnets ?? []) delete subnet.CidrBlock;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(findingsOf(lint(snapshot), "nat-gateway-in-ipv6-only-subnet")).toEqual([]);
  });

  it("is unreachable through a NAT gateway in an IPv6-only subnet", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const subnet of snapshot.Subnets ?? []) {
      delete subnet.CidrBlock;
      subnet.Ipv6Native = true;
    }
    expect(verdicts(snapshot)).toEqual(["unreachable"]);
    expect(findingsOf(lint(snapshot), "nat-gateway-in-ipv6-only-subnet")).toEqual([
      `noIpv4 ${PRIVATE.natA}`,
      `noIpv4 ${PRIVATE.natB}`,
    ]);
  });

  it("is unknown without VpcAttributes", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.VpcAttributes;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(findingsOf(lint(snapshot), "ssm-endpoint-missing")).toEqual([]);
  });

  it("is unknown when enableDnsHostnames decides private DNS", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.VpcAttributes?.[0]?.EnableDnsHostnames;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const reasons = lint(snapshot)
      .skipped.filter((skip) => skip.ruleId === "endpoint-sg-blocks-nat64-source")
      .map((skip) => skip.reason);
    expect(reasons).toContain(
      `its path stops at an unknown hop: whether private DNS of ${PRIVATE.ssmEndpoint} is ` +
        `active is unknown because enableDnsHostnames of ${PRIVATE.vpc} is not in the snapshot`,
    );
  });

  it("is unknown when an endpoint lacks PrivateDnsEnabled", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) delete endpoint.PrivateDnsEnabled;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "endpoint-sg-blocks-nat64-source")).toContain(
      `its path stops at an unknown hop: whether private DNS of ${PRIVATE.ssmEndpoint} is on ` +
        "is unknown because its PrivateDnsEnabled is not in the snapshot",
    );
  });

  it("is unknown when a NAT address lacks PrivateIp", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.NatGateways?.[0]?.NatGatewayAddresses?.push({
      NetworkInterfaceId: "eni-0a1b2c3d4e5f60021",
      IsPrimary: false,
      Status: "succeeded",
    });
    const ingress = group(snapshot, PRIVATE.endpointGroup).IpPermissions?.[0];
    if (ingress) ingress.IpRanges = [{ CidrIp: "10.1.0.10/32" }, { CidrIp: "10.1.1.10/32" }];
    const paths = analyse(new SnapshotIndex(snapshot), { requiredServices: [] }).paths;
    const appA = paths.filter((path) => path.required && path.subnetId === PRIVATE.appA);
    expect([...new Set(appA.map((path) => path.verdict))]).toEqual(["unknown"]);
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  it("is reachable without enableDnsHostnames when no endpoint uses it", () => {
    const snapshot = design("public-nat64");
    delete snapshot.VpcAttributes?.[0]?.EnableDnsHostnames;
    expect(verdicts(snapshot)).toEqual(["reachable"]);
  });

  it("is unknown when EnableDns64 is missing from the subnet", () => {
    const snapshot = design("public-nat64");
    const app = snapshot.Subnets?.find((subnet) => subnet.SubnetId === PUBLIC.app);
    if (app) delete app.EnableDns64;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(lint(snapshot).findings.filter((f) => f.ruleId === "ssm-endpoint-missing")).toEqual([]);
  });

  it("is unknown when the VPC's DhcpOptionsId is missing", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.Vpcs?.[0]?.DhcpOptionsId;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
  });

  it("is unknown when DhcpConfigurations is missing", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.DhcpOptions?.[0]?.DhcpConfigurations;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
  });

  it("is unknown when an endpoint group allows only an uncollected prefix list", () => {
    const snapshot = design("private-nat64-endpoints");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f60066" }],
      },
    ];
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-sg-blocks-nat64-source")).toEqual([]);
    const skipped = result.skipped.filter(
      (skip) => skip.ruleId === "endpoint-sg-blocks-nat64-source",
    );
    expect(skipped.map((skip) => skip.reason).join(" ")).toContain("pl-0a1b2c3d4e5f60066");
  });

  it("is unknown when workload egress allows only an uncollected prefix list", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.ManagedPrefixLists = [{ PrefixListId: "pl-0a1b2c3d4e5f60067" }];
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "-1",
        PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f60067" }],
      },
    ];
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const result = lint(snapshot);
    expect(findingsOf(result, "instance-sg-egress-blocks-nat64")).toEqual([]);
    expect(result.skipped.map((skip) => skip.ruleId)).toContain("instance-sg-egress-blocks-nat64");
  });

  it("reports a block when the prefix list's entries exclude the source", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.ManagedPrefixLists = [
      { PrefixListId: "pl-0a1b2c3d4e5f60066", Entries: [{ Cidr: "192.0.2.0/24" }] },
    ];
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f60066" }],
      },
    ];
    expect(verdicts(snapshot)).toEqual(["unreachable"]);
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).not.toEqual([]);
  });

  it("counts checks made before unknown hops", () => {
    const snapshot = design("private-nat64-endpoints");
    // Without the local route of the NAT gateways' table, NAT traffic to the endpoints stops at
    // an unknown hop, after the endpoints' security groups admitted it.
    const natTable = snapshot.RouteTables!.find((table) =>
      table.Associations?.some((association) => association.SubnetId === PRIVATE.natSubnetA),
    )!;
    natTable.Routes = natTable.Routes!.filter(
      (route) => route.DestinationCidrBlock !== "10.1.0.0/16",
    );
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).not.toEqual([]);
    expect(skipReasons(snapshot, "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  /** Drops the public design's NAT64 route and points its ::/0 route at a transit gateway. */
  function defaultRouteToTransitGateway(): Snapshot {
    const snapshot = design("public-nat64");
    const table = snapshot.RouteTables?.find((t) => t.RouteTableId === PUBLIC.appTable);
    if (!table?.Routes) throw new Error("the design has an app route table with routes");
    table.Routes = table.Routes.filter((r) => r.DestinationIpv6CidrBlock !== "64:ff9b::/96");
    const ipv6Default = table.Routes.find((r) => r.DestinationIpv6CidrBlock === "::/0");
    if (!ipv6Default) throw new Error("the design routes ::/0");
    delete ipv6Default.EgressOnlyInternetGatewayId;
    delete ipv6Default.GatewayId;
    ipv6Default.TransitGatewayId = "tgw-0a1b2c3d4e5f60066";
    return snapshot;
  }

  it("is unknown when 64:ff9b::/96 follows ::/0 to a transit gateway", () => {
    const snapshot = defaultRouteToTransitGateway();

    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const result = lint(snapshot);
    expect(result.findings.filter((finding) => finding.severity === "error")).toEqual([]);
    expect(result.skipped.map((skip) => skip.ruleId)).toContain("nat64-route-missing");
  });

  /** Points the public design's 64:ff9b::/96 route at a transit gateway, as for a central egress VPC. */
  function nat64ToTransitGateway(): Snapshot {
    const snapshot = design("public-nat64");
    const table = snapshot.RouteTables?.find((t) => t.RouteTableId === PUBLIC.appTable);
    const route = table?.Routes?.find((r) => r.DestinationIpv6CidrBlock === "64:ff9b::/96");
    if (!route) throw new Error("the design routes 64:ff9b::/96");
    delete route.NatGatewayId;
    route.TransitGatewayId = "tgw-0a1b2c3d4e5f60066";
    return snapshot;
  }

  describe("NAT64 route to a transit gateway", () => {
    it("stays unknown when the subnet's filters pass", () => {
      const result = lint(nat64ToTransitGateway());
      const skipped = result.skipped.map((skip) => skip.ruleId);
      expect(verdicts(nat64ToTransitGateway())).toEqual(["unknown"]);
      expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
      // The egress check is whole, but the ACL of the transit gateway's subnet is not checked.
      expect(skipped).not.toContain("instance-sg-egress-blocks-nat64");
      expect(skipped).toContain("nacl-blocks-nat64");
    });

    it("flags workloads without egress to 64:ff9b::/96", () => {
      const snapshot = nat64ToTransitGateway();
      group(snapshot, PUBLIC.appGroup).IpPermissionsEgress = [
        { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ];
      expect(verdicts(snapshot)).toEqual(["unreachable"]);
      expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual([
        `blocked ${PUBLIC.appGroup}`,
      ]);
    });

    it("flags an ACL that drops replies from 64:ff9b::/96", () => {
      const snapshot = nat64ToTransitGateway();
      const acl = snapshot.NetworkAcls?.[0];
      if (!acl?.Entries) throw new Error("the design has a network ACL");
      acl.Entries = acl.Entries.filter(
        (entry) => !(entry.Ipv6CidrBlock && !entry.Egress && entry.RuleAction === "allow"),
      );
      const findings = lint(snapshot).findings.filter((f) => f.ruleId === "nacl-blocks-nat64");
      expect(findings.map((finding) => finding.severity)).toEqual(["error"]);
      expect(findings[0]?.data.peer).toBe("64:ff9b::/96");
    });

    it("flags workloads without egress when ::/0 leads there", () => {
      const snapshot = defaultRouteToTransitGateway();
      group(snapshot, PUBLIC.appGroup).IpPermissionsEgress = [];
      expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual([
        `blocked ${PUBLIC.appGroup}`,
      ]);
    });
  });

  it("is unknown when the NAT64 route uses an uncollected prefix list", () => {
    const snapshot = design("public-nat64");
    const table = snapshot.RouteTables?.find((t) => t.RouteTableId === PUBLIC.appTable);
    const route = table?.Routes?.find((r) => r.DestinationIpv6CidrBlock === "64:ff9b::/96");
    if (!route) throw new Error("the design routes 64:ff9b::/96");
    delete route.DestinationIpv6CidrBlock;
    route.DestinationPrefixListId = "pl-0a1b2c3d4e5f60077";
    const result = lint(snapshot);
    expect(result.findings.filter((f) => f.ruleId === "nat64-route-missing")).toEqual([]);
    expect(result.skipped.map((skip) => skip.ruleId)).toContain("nat64-route-missing");
  });
});

describe("reachability with missing addresses and members", () => {
  /** Returns the reasons the rule lists for not judging some of its resources. */
  /**
   * Removes the NAT gateways' private addresses, and returns their subnets with the first /28 of
   * each, which may or may not contain the address AWS assigns.
   */
  function withoutNatAddresses(snapshot: Snapshot): {
    natSubnets: Subnet[];
    firstBlocks: string[];
  } {
    for (const nat of snapshot.NatGateways ?? []) nat.NatGatewayAddresses = [];
    const natSubnets = (snapshot.Subnets ?? []).filter((item) =>
      (snapshot.NatGateways ?? []).some((nat) => nat.SubnetId === item.SubnetId),
    );
    const firstBlocks = natSubnets.map((item) => `${(item.CidrBlock ?? "").split("/")[0]}/28`);
    return { natSubnets, firstBlocks };
  }

  it.each([
    ["left out", undefined],
    ["empty", []],
  ])("judges endpoint groups by the NAT subnet when addresses are %s", (_, addresses) => {
    const snapshot = design("private-nat64-endpoints");
    for (const nat of snapshot.NatGateways ?? []) nat.NatGatewayAddresses = addresses;
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [];
    const findings = findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source");

    expect(verdicts(snapshot)).toEqual(["unreachable"]);
    expect(new Set(findings.map((finding) => finding.split(" ")[0]))).toEqual(
      new Set(["blocksNatSubnet"]),
    );
    // The design's network ACL allows all of the NAT subnets' ranges, so it is judged.
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toEqual([]);
  });

  it("reaches the endpoints when network ACLs admit the NAT subnets", () => {
    const snapshot = design("private-nat64-endpoints");
    withoutNatAddresses(snapshot);

    expect(verdicts(snapshot)).toEqual(["reachable"]);
    const result = lint(snapshot);
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("leaves network ACLs that deny part of a NAT subnet unknown", () => {
    const snapshot = design("private-nat64-endpoints");
    const { natSubnets, firstBlocks } = withoutNatAddresses(snapshot);
    const acl = (snapshot.NetworkAcls ?? []).find((item) => item.NetworkAclId === PRIVATE.acl);
    acl?.Entries?.push({
      RuleNumber: 50,
      Protocol: "6",
      RuleAction: "deny",
      Egress: false,
      CidrBlock: firstBlocks[0],
      PortRange: { From: 443, To: 443 },
    });

    // Only the paths through the first NAT gateway cross the denied block.
    expect(verdicts(snapshot).sort()).toEqual(["reachable", "unknown"]);
    expect(findingsOf(lint(snapshot), "nacl-blocks-nat64")).toEqual([]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64").join(" ")).toContain(
      `do not allow all of ${natSubnets[0]?.CidrBlock}, the range AWS takes it from`,
    );
  });

  it("leaves endpoint groups that admit part of the NAT subnet unknown", () => {
    const snapshot = design("private-nat64-endpoints");
    const { natSubnets, firstBlocks } = withoutNatAddresses(snapshot);
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        IpRanges: firstBlocks.map((cidr) => ({ CidrIp: cidr })),
      },
    ];

    expect(natSubnets).toHaveLength(2);
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(skipReasons(snapshot, "endpoint-sg-blocks-nat64-source").join(" ")).toContain(
      `allow TCP 443 from part of ${natSubnets[0]?.CidrBlock}`,
    );
  });

  it("leaves endpoint groups whose prefix list contains part of the NAT subnet unknown", () => {
    const snapshot = design("private-nat64-endpoints");
    const { natSubnets, firstBlocks } = withoutNatAddresses(snapshot);
    const listId = "pl-0a1b2c3d4e5f60077";
    snapshot.ManagedPrefixLists = [
      {
        PrefixListId: listId,
        AddressFamily: "IPv4",
        Entries: firstBlocks.map((Cidr) => ({ Cidr })),
      },
    ];
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: listId }] },
    ];

    expect(natSubnets).toHaveLength(2);
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
    expect(skipReasons(snapshot, "endpoint-sg-blocks-nat64-source").join(" ")).toContain(
      `allow TCP 443 from part of ${natSubnets[0]?.CidrBlock}`,
    );

    // A list that contains none of the range still blocks it.
    snapshot.ManagedPrefixLists = [
      { PrefixListId: listId, AddressFamily: "IPv4", Entries: [{ Cidr: "192.0.2.0/28" }] },
    ];
    expect(
      new Set(
        findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source").map((f) => f.split(" ")[0]),
      ),
    ).toEqual(new Set(["blocksNatSubnet"]));
  });

  it.each([
    ["left out", undefined],
    ["empty", []],
  ])("is unknown when an endpoint's group list is %s", (_, groups) => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) endpoint.Groups = groups;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  it("is unknown when an endpoint subnet is not in the snapshot", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) {
      endpoint.SubnetIds = [...(endpoint.SubnetIds ?? []), "subnet-0a1b2c3d4e5f60099"];
    }
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toContain(
      `subnets subnet-0a1b2c3d4e5f60099 of endpoint ${PRIVATE.ssmEndpoint} are not in the snapshot`,
    );
  });

  it("is unknown when the client subnet's IPv6 prefix is missing", () => {
    const snapshot = design("public-nat64");
    const app = snapshot.Subnets?.find((subnet) => subnet.SubnetId === PUBLIC.app);
    if (app) delete app.Ipv6CidrBlockAssociationSet;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toContain(
      `the IPv6 prefix of ${PUBLIC.app} is not in the snapshot`,
    );
  });

  it("lists a workload subnet missing from Subnets as not checked", () => {
    const snapshot = design("public-nat64");
    snapshot.Subnets = snapshot.Subnets?.filter((subnet) => subnet.SubnetId !== PUBLIC.app);
    const result = lint(snapshot);
    expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toEqual([
      "it hosts workloads but is not in Subnets, so that output is incomplete",
    ]);
  });

  it("finds missing subnets by their instances", () => {
    const snapshot = design("public-nat64");
    delete snapshot.NetworkInterfaces;
    snapshot.Subnets = snapshot.Subnets?.filter((subnet) => subnet.SubnetId !== PUBLIC.app);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toContain(
      "it hosts workloads but is not in Subnets, so that output is incomplete",
    );
  });

  it("ignores NAT interfaces of missing subnets", () => {
    const snapshot = design("public-nat64");
    const natSubnets = new Set((snapshot.NatGateways ?? []).map((nat) => nat.SubnetId));
    snapshot.Subnets = snapshot.Subnets?.filter((subnet) => !natSubnets.has(subnet.SubnetId));
    expect(natSubnets.size).toBeGreaterThan(0);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).not.toContain(
      "it hosts workloads but is not in Subnets, so that output is incomplete",
    );
  });

  it("leaves out workloads of a VPC without subnets in the snapshot", () => {
    const snapshot = design("public-nat64");
    for (const eni of snapshot.NetworkInterfaces ?? []) {
      if (eni.SubnetId === PUBLIC.app) eni.VpcId = "vpc-0a1b2c3d4e5f60099";
    }
    snapshot.Subnets = snapshot.Subnets?.filter((subnet) => subnet.SubnetId !== PUBLIC.app);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toEqual([]);
  });

  it("is unknown without VpcEndpoints", () => {
    const snapshot = design("private-nat64-endpoints");
    delete snapshot.VpcEndpoints;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
  });

  it("does not judge a NAT subnet's routes without VpcEndpoints", () => {
    const snapshot = publicNatGateways(design("private-nat64-endpoints"));
    delete snapshot.VpcEndpoints;
    const result = lint(snapshot);
    expect(findingsOf(result, "public-nat-subnet-no-igw-route")).toEqual([]);
    expect(skipReasons(snapshot, "public-nat-subnet-no-igw-route")).toContain(
      "its path stops at an unknown hop: whether an interface endpoint answers for " +
        "ssm.us-east-1.amazonaws.com is unknown because VpcEndpoints was not collected",
    );
  });

  it("judges a NAT subnet's routes when the VPC has no endpoints", () => {
    const snapshot = publicNatGateways(design("private-nat64-endpoints"));
    snapshot.VpcEndpoints = [];
    expect(findingsOf(lint(snapshot), "public-nat-subnet-no-igw-route")).toEqual([
      "noInternetRoute rtb-0a1b2c3d4e5f60021",
    ]);
  });

  it("is unknown when a zonal NAT gateway's subnet is missing", () => {
    const snapshot = design("public-nat64");
    snapshot.Subnets = snapshot.Subnets?.filter(
      (subnet) => subnet.SubnetId !== PUBLIC.publicSubnet,
    );
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toContain(
      `the subnet ${PUBLIC.publicSubnet} of NAT gateway ${PUBLIC.nat} is not in the snapshot`,
    );
  });
});

/** Returns the public design with DNS64 off in its app subnet and one name server in DHCP. */
function withDns64Off(server: string): Snapshot {
  const snapshot = design("public-nat64");
  const servers = snapshot.DhcpOptions?.[0]?.DhcpConfigurations?.find(
    (item) => item.Key === "domain-name-servers",
  );
  if (servers) servers.Values = [{ Value: server }];
  const app = snapshot.Subnets?.find((subnet) => subnet.SubnetId === PUBLIC.app);
  if (app) app.EnableDns64 = false;
  return snapshot;
}

/** Returns the 0.0.0.0/0 route of the public design's NAT gateway subnet. */
function natDefaultRoute(snapshot: Snapshot): Route | undefined {
  const table = snapshot.RouteTables?.find((item) => item.RouteTableId === PUBLIC.publicTable);
  return table?.Routes?.find((item) => item.DestinationCidrBlock === "0.0.0.0/0");
}

describe("fields the AWS APIs always return", () => {
  it("is unknown for groupless workloads", () => {
    const snapshot = design("public-nat64");
    for (const eni of snapshot.NetworkInterfaces ?? []) {
      if (eni.SubnetId === PUBLIC.app) delete eni.Groups;
    }
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "instance-sg-egress-blocks-nat64")).toEqual([
      `some workloads in ${PUBLIC.app} list no security groups, which every interface has, so ` +
        "the snapshot lacks their egress rules",
    ]);
  });

  it("is unknown for an endpoint without SubnetIds", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const endpoint of snapshot.VpcEndpoints ?? []) delete endpoint.SubnetIds;
    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(skipReasons(snapshot, "nacl-blocks-nat64")).toContain(
      `the SubnetIds of endpoint ${PRIVATE.ssmEndpoint} are not in the snapshot`,
    );
    expect(skipReasons(snapshot, "endpoint-az-coverage")).toEqual([
      "its SubnetIds are not in the snapshot",
    ]);
  });

  /** Removes the AvailabilityZone of a subnet that has one. */
  function dropZone(snapshot: Snapshot, subnetId: string): void {
    const subnet = snapshot.Subnets?.find((item) => item.SubnetId === subnetId);
    expect(subnet?.AvailabilityZone).toBeTruthy();
    delete subnet?.AvailabilityZone;
  }

  it("is unknown for a consumer without an AZ", () => {
    const snapshot = design("private-nat64-endpoints");
    dropZone(snapshot, PRIVATE.appA);

    expect(findingsOf(lint(snapshot), "endpoint-az-coverage")).toEqual([]);
    expect(new Set(skipReasons(snapshot, "endpoint-az-coverage"))).toEqual(
      new Set([`the AZs of its consumer subnets ${PRIVATE.appA} are not in the snapshot`]),
    );
    expect(skipReasons(snapshot, "nat64-cross-az")).toEqual([
      `the AZ of ${PRIVATE.appA} is not in the snapshot`,
    ]);
  });

  it("is unknown for a NAT subnet without an AZ", () => {
    const snapshot = design("public-nat64");
    dropZone(snapshot, PUBLIC.publicSubnet);

    expect(findingsOf(lint(snapshot), "nat64-cross-az")).toEqual([]);
    expect(skipReasons(snapshot, "nat64-cross-az")).toEqual([
      `the AZ of ${PUBLIC.publicSubnet} is not in the snapshot`,
    ]);
  });

  it("is unknown past a route of an unread target", () => {
    const snapshot = design("public-nat64");
    const route = natDefaultRoute(snapshot);
    expect(route?.GatewayId).toMatch(/^igw-/);
    delete route?.GatewayId;
    Object.assign(route ?? {}, {
      OdbNetworkArn: "arn:aws:odb:us-east-1:111122223333:odb-network/1",
    });

    expect(verdicts(snapshot)).toEqual(["unknown"]);
    expect(findingsOf(lint(snapshot), "public-nat-subnet-no-igw-route")).toEqual([]);
    expect(skipReasons(snapshot, "public-nat-subnet-no-igw-route")).toEqual([
      `the 0.0.0.0/0 route of ${PUBLIC.publicTable} names its target in no field vpc-lint ` +
        "reads, so where it sends the traffic is unknown",
    ]);
  });

  it("names the target of an unknown type", () => {
    const snapshot = design("public-nat64");
    const route = natDefaultRoute(snapshot);
    if (route) route.GatewayId = "xgw-0a1b2c3d4e5f60001";
    expect(skipReasons(snapshot, "public-nat-subnet-no-igw-route")).toEqual([
      `the 0.0.0.0/0 route of ${PUBLIC.publicTable} targets xgw-0a1b2c3d4e5f60001, of a type ` +
        "vpc-lint does not know, so where it sends the traffic is unknown",
    ]);
  });

  it("is unknown behind own name servers", () => {
    const snapshot = withDns64Off("2600:1f18:4c2:a100::53");

    expect(verdicts(snapshot)).toEqual(["unknown"]);
    const result = lint(snapshot);
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(skipReasons(snapshot, "ssm-endpoint-missing")).toEqual([
      "EnableDns64 is false and the VPC's DHCP options name only servers of the user's own, " +
        "which may synthesise 64:ff9b::/96 addresses themselves",
    ]);
  });

  it("stops at that DNS hop", () => {
    const snapshot = withDns64Off("2600:1f18:4c2:a100::53");
    const table = snapshot.RouteTables?.find((item) => item.RouteTableId === PUBLIC.appTable);
    if (table) {
      table.Routes = table.Routes?.filter(
        (route) => route.DestinationIpv6CidrBlock !== "64:ff9b::/96",
      );
    }

    const result = lint(snapshot);
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(skipReasons(snapshot, "nat64-route-missing")).toEqual([]);
  });

  it("reads an expanded Amazon resolver address", () => {
    const snapshot = withDns64Off("FD00:EC2:0:0:0:0:0:253");

    expect(findingsOf(lint(snapshot), "subnet-dns64-disabled")).toEqual([
      `routesNat64 ${PUBLIC.app}`,
    ]);
  });
});

describe("routing details on the path", () => {
  it("uses the main route table for a subnet without an association", () => {
    const snapshot = design("private-nat64-endpoints");
    const main = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60021");
    const appTable = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60022");
    if (!main || !appTable) throw new Error("the design has these tables");
    appTable.Associations = [];
    const result = lint(snapshot);
    const missing = result.findings.filter((f) => f.ruleId === "nat64-route-missing");
    expect(missing.map((f) => `${f.resource.id} ${f.data.routeTableId}`)).toEqual([
      `${PRIVATE.appA} rtb-0a1b2c3d4e5f60021`,
    ]);
  });

  it.each([
    ["disassociated", [`${PRIVATE.appA} rtb-0a1b2c3d4e5f60021`]],
    ["associated", []],
  ] as const)("reads a %s route table association", (state, missing) => {
    const snapshot = design("private-nat64-endpoints");
    const appTable = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60022");
    for (const association of appTable?.Associations ?? []) {
      association.AssociationState = { State: state };
    }
    const result = lint(snapshot);
    const findings = result.findings.filter((f) => f.ruleId === "nat64-route-missing");
    expect(findings.map((f) => `${f.resource.id} ${f.data.routeTableId}`)).toEqual(missing);
  });

  it("prefers a static route over a prefix-list route of equal length", () => {
    const snapshot = design("private-nat64-endpoints");
    const appTable = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60022");
    appTable?.Routes?.push({
      DestinationPrefixListId: "pl-0a1b2c3d4e5f60088",
      EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60088",
      State: "active",
    });
    snapshot.ManagedPrefixLists = [
      { PrefixListId: "pl-0a1b2c3d4e5f60088", Entries: [{ Cidr: "64:ff9b::/96" }] },
    ];
    expect(verdicts(snapshot)).toEqual(["reachable"]);
  });

  it("prefers a static NAT64 route over a propagated one listed first", () => {
    const snapshot = design("private-nat64-endpoints");
    const appTable = snapshot.RouteTables?.find((t) => t.RouteTableId === "rtb-0a1b2c3d4e5f60022");
    if (!appTable?.Routes) throw new Error("the design has the app-a table");
    appTable.Routes.unshift({
      DestinationIpv6CidrBlock: "64:ff9b::/96",
      GatewayId: "vgw-0a1b2c3d4e5f60066",
      Origin: "EnableVgwRoutePropagation",
      State: "active",
    });
    const result = lint(snapshot);
    expect(result.findings.filter((f) => f.ruleId === "nat64-route-target-invalid")).toEqual([]);
    expect(verdicts(snapshot)).toEqual(["reachable"]);
  });

  it("checks every private address of a NAT gateway with secondary addresses", () => {
    const snapshot = design("private-nat64-endpoints");
    const nat = snapshot.NatGateways?.find((item) => item.NatGatewayId === PRIVATE.natA);
    nat?.NatGatewayAddresses?.push({ PrivateIp: "10.1.0.99", IsPrimary: false });
    const result = lint(snapshot);
    const finding = result.findings.find((f) => f.ruleId === "endpoint-sg-blocks-nat64-source");
    expect(finding).toBeUndefined();
    const group = snapshot.SecurityGroups?.find((g) => g.GroupId === PRIVATE.endpointGroup);
    if (group)
      group.IpPermissions = [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: "10.1.0.10/32" }, { CidrIp: "10.1.1.10/32" }],
        },
      ];
    const blocked = lint(snapshot).findings.filter(
      (f) => f.ruleId === "endpoint-sg-blocks-nat64-source",
    );
    expect(blocked.map((f) => f.data.sources)).toEqual(["10.1.0.99", "10.1.0.99"]);
    // The primary address still gets through, so only some connections fail.
    expect(blocked.map((f) => `${f.messageId} ${f.severity}`)).toEqual([
      "blocksSome warning",
      "blocksSome warning",
    ]);
    expect(blocked[0]?.message).toContain("allows TCP 443 from 10.1.0.10 but not from 10.1.0.99");
    const analysis = analyse(new SnapshotIndex(snapshot), { requiredServices: [] });
    const path = analysis.withEveryHop(analysis.path(PRIVATE.appA, "ssm")!);
    const crossings = path.hops.filter((hop) => hop.kind === "network-acl");
    expect(crossings.map((hop) => hop.text)).toEqual([
      ...new Set(crossings.map((hop) => hop.text)),
    ]);
    expect(crossings.some((hop) => hop.text.includes("from 10.1.0.99"))).toBe(true);
  });

  it("leaves out a NAT gateway address whose assignment failed", () => {
    const snapshot = design("private-nat64-endpoints");
    const nat = snapshot.NatGateways?.find((item) => item.NatGatewayId === PRIVATE.natA);
    nat?.NatGatewayAddresses?.push({ PrivateIp: "10.1.0.99", IsPrimary: false, Status: "failed" });
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: "10.1.0.10/32" }, { CidrIp: "10.1.1.10/32" }],
      },
    ];
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-nat64-source")).toEqual([]);
  });

  it.each([
    ["one of its addresses", ["10.1.0.99/32"], "deniesPart warning"],
    ["all of its addresses", ["10.1.0.99/32", "10.1.0.10/32"], "denies error"],
  ])("judges a network ACL that blocks %s", (_, blocked, expected) => {
    const snapshot = design("private-nat64-endpoints");
    // With the endpoints only in the other AZ's subnet, every connection crosses the ACL.
    for (const item of snapshot.VpcEndpoints ?? []) item.SubnetIds = ["subnet-0a1b2c3d4e5f60022"];
    const nat = snapshot.NatGateways?.find((item) => item.NatGatewayId === PRIVATE.natA);
    nat?.NatGatewayAddresses?.push({ PrivateIp: "10.1.0.99", IsPrimary: false });
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "10.1.0.0/16" }] },
    ];
    const acl = snapshot.NetworkAcls?.find((item) => item.NetworkAclId === PRIVATE.acl);
    blocked.forEach((cidr, position) =>
      acl?.Entries?.unshift({
        RuleNumber: 40 + position,
        Protocol: "6",
        RuleAction: "deny",
        Egress: false,
        CidrBlock: cidr,
        PortRange: { From: 443, To: 443 },
      }),
    );
    const findings = lint(snapshot).findings.filter((f) => f.ruleId === "nacl-blocks-nat64");
    expect([...new Set(findings.map((f) => `${f.messageId} ${f.severity}`))]).toEqual([expected]);
  });

  it("reports an error when no address of a NAT gateway gets through", () => {
    const snapshot = design("private-nat64-endpoints");
    const nat = snapshot.NatGateways?.find((item) => item.NatGatewayId === PRIVATE.natA);
    nat?.NatGatewayAddresses?.push({ PrivateIp: "10.1.0.99", IsPrimary: false });
    group(snapshot, PRIVATE.endpointGroup).IpPermissions = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.1.1.10/32" }] },
    ];
    const findings = lint(snapshot).findings.filter(
      (f) => f.ruleId === "endpoint-sg-blocks-nat64-source",
    );
    expect(findings.map((f) => `${f.messageId} ${f.severity} ${f.data.sources}`)).toEqual([
      "blocked error 10.1.0.10, 10.1.0.99",
      "blocked error 10.1.0.10, 10.1.0.99",
    ]);
  });
});

describe("network interfaces that host no workload", () => {
  it.each(["nat_gateway", "natGateway", "NAT_GATEWAY", "vpc_endpoint"])(
    "leaves out a subnet whose only interface is of type %s",
    (type) => {
      const snapshot = design("public-nat64");
      delete snapshot.Reservations;
      for (const eni of snapshot.NetworkInterfaces ?? []) {
        if (eni.SubnetId === PUBLIC.app) eni.InterfaceType = type as never;
      }
      const index = new SnapshotIndex(snapshot);
      expect(index.hostsWorkloads(PUBLIC.app)).toBe(false);
    },
  );

  it("counts a subnet with an ordinary interface", () => {
    const index = new SnapshotIndex(design("public-nat64"));
    expect(index.hostsWorkloads(PUBLIC.app)).toBe(true);
  });

  it.each([
    ["a NAT gateway", "nat"],
    ["an endpoint", "endpoint"],
  ])("leaves out an untyped interface that %s lists", (_name, owner) => {
    const snapshot = design("public-nat64");
    delete snapshot.Reservations;
    const eni = snapshot.NetworkInterfaces?.find((item) => item.SubnetId === PUBLIC.app);
    eni!.InterfaceType = "interface";
    const id = eni!.NetworkInterfaceId as string;
    if (owner === "nat") {
      snapshot.NatGateways![0]!.NatGatewayAddresses!.push({ NetworkInterfaceId: id });
    } else {
      snapshot.VpcEndpoints = [{ VpcEndpointId: "vpce-0a1b", NetworkInterfaceIds: [id] }];
    }
    const index = new SnapshotIndex(snapshot);
    expect(index.hostsWorkloads(PUBLIC.app)).toBe(false);
  });
});
