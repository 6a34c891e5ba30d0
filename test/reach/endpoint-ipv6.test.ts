import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { PRIVATE, PUBLIC, design, findingsOf, group, lint, loudRules } from "./designs.js";

/** Makes every Session Manager endpoint of the private design dual-stack with the given records. */
function dualStack(recordType: string): Snapshot {
  const snapshot = design("private-nat64-endpoints");
  for (const endpoint of snapshot.VpcEndpoints ?? []) {
    endpoint.IpAddressType = "dualstack" as VpcEndpoint["IpAddressType"];
    endpoint.DnsOptions = { DnsRecordIpType: recordType as never };
  }
  return snapshot;
}

const APP_RANGES = ["2600:1f18:4c2:b202::/64", "2600:1f18:4c2:b203::/64"];

/** Lets the endpoints' security group admit TCP 443 from the clients' IPv6 ranges. */
function admitClients(snapshot: Snapshot): void {
  group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
    IpProtocol: "tcp",
    FromPort: 443,
    ToPort: 443,
    Ipv6Ranges: APP_RANGES.map((range) => ({ CidrIpv6: range })),
  });
}

describe("dual-stack endpoints", () => {
  it("flags a security group that admits only the NAT gateways' IPv4 ranges", () => {
    const result = lint(dualStack("dualstack"));
    expect(findingsOf(result, "endpoint-sg-blocks-ipv6-clients")).toEqual([
      `blocked ${PRIVATE.ssmEndpoint}`,
      `blocked ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
    const finding = result.findings.find((f) => f.ruleId === "endpoint-sg-blocks-ipv6-clients");
    expect(finding?.data.sources).toBe(APP_RANGES.join(", "));
  });

  it("accepts a security group that admits the clients' security group", () => {
    const snapshot = dualStack("dualstack");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
    });
    expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-ipv6-clients")).toEqual([]);
  });

  it("flags workloads with no IPv6 egress to the endpoint", () => {
    const snapshot = dualStack("dualstack");
    admitClients(snapshot);
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "-1",
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
        Ipv6Ranges: [{ CidrIpv6: "64:ff9b::/96" }],
      },
    ];
    const result = lint(snapshot);
    expect(findingsOf(result, "instance-sg-egress-blocks-ipv6")).toEqual([
      `blocked ${PRIVATE.appGroup}`,
    ]);
    expect(findingsOf(result, "endpoint-sg-blocks-ipv6-clients")).toEqual([]);
  });

  it("accepts egress to the endpoint's security group", () => {
    const snapshot = dualStack("dualstack");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
    });
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: PRIVATE.endpointGroup }],
      },
    ];
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-ipv6")).toEqual([]);
  });

  it("flags egress to a group the endpoint does not carry", () => {
    const snapshot = dualStack("dualstack");
    group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
    });
    group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
      },
    ];
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-ipv6")).toEqual([
      `blocked ${PRIVATE.appGroup}`,
    ]);
  });

  describe("workloads with different security groups", () => {
    const OTHER_GROUP = "sg-0a1b2c3d4e5f60029";

    /**
     * Adds a workload interface with its own group to app-a, of a second instance unless another
     * interface type is given, and admits the app group only.
     */
    function twoWorkloads(interfaceType = "interface"): Snapshot {
      const snapshot = dualStack("dualstack");
      const appGroup = group(snapshot, PRIVATE.appGroup);
      snapshot.SecurityGroups?.push({ ...appGroup, GroupId: OTHER_GROUP, GroupName: "other" });
      const template = snapshot.NetworkInterfaces?.find(
        (eni) => eni.SubnetId === PRIVATE.appA && eni.InterfaceType === "interface",
      );
      if (!template) throw new Error("the design has a workload interface in app-a");
      const instance = interfaceType === "interface";
      snapshot.NetworkInterfaces?.push({
        ...template,
        NetworkInterfaceId: "eni-0a1b2c3d4e5f60029",
        InterfaceType: interfaceType as never,
        Attachment: instance
          ? { InstanceId: "i-0a1b2c3d4e5f60029", Status: "attached", DeviceIndex: 0 }
          : undefined,
        Groups: [{ GroupId: OTHER_GROUP, GroupName: "other" }],
      });
      group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: PRIVATE.appGroup }],
      });
      return snapshot;
    }

    /** Lets the endpoints' security group admit TCP 443 from the added workload's group too. */
    function admitOtherGroup(snapshot: Snapshot): void {
      group(snapshot, PRIVATE.endpointGroup).IpPermissions?.push({
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: OTHER_GROUP }],
      });
    }

    it("flags the group the endpoint does not admit", () => {
      const result = lint(twoWorkloads());
      expect(findingsOf(result, "endpoint-sg-blocks-ipv6-clients")).toEqual([
        `blocked ${PRIVATE.ssmEndpoint}`,
        `blocked ${PRIVATE.ssmmessagesEndpoint}`,
      ]);
      const finding = result.findings.find((f) => f.ruleId === "endpoint-sg-blocks-ipv6-clients");
      expect(finding?.data.subnetIds).toBe(PRIVATE.appA);
    });

    it("skips a Lambda function's group for Session Manager", () => {
      const result = lint(twoWorkloads("lambda"));
      expect(findingsOf(result, "endpoint-sg-blocks-ipv6-clients")).toEqual([]);
    });

    it("skips an interface of no instance for Session Manager", () => {
      const snapshot = twoWorkloads();
      const added = snapshot.NetworkInterfaces?.at(-1);
      if (added) delete added.Attachment;
      expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-ipv6-clients")).toEqual([]);
    });

    it("flags a Lambda function's group for a service the settings name", () => {
      const result = lint(twoWorkloads("lambda"), ["ssm"]);
      expect(findingsOf(result, "endpoint-sg-blocks-ipv6-clients")).toEqual([
        `blocked ${PRIVATE.ssmEndpoint}`,
      ]);
    });

    it("skips a Lambda function without egress for Session Manager", () => {
      const snapshot = twoWorkloads("lambda");
      group(snapshot, OTHER_GROUP).IpPermissionsEgress = [];
      admitOtherGroup(snapshot);
      expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-ipv6")).toEqual([]);
      expect(findingsOf(lint(snapshot, ["ssm"]), "instance-sg-egress-blocks-ipv6")).toEqual([
        `blocked ${OTHER_GROUP}`,
      ]);
    });

    it("accepts both groups when both are admitted", () => {
      const snapshot = twoWorkloads();
      admitOtherGroup(snapshot);
      expect(findingsOf(lint(snapshot), "endpoint-sg-blocks-ipv6-clients")).toEqual([]);
    });
  });

  it("flags a dual-stack endpoint that publishes only A records", () => {
    const result = lint(dualStack("ipv4"));
    expect(findingsOf(result, "endpoint-dns-records-ipv4-only")).toEqual([
      `ipv4Records ${PRIVATE.ssmEndpoint}`,
      `ipv4Records ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
    expect(
      result.findings.find((f) => f.ruleId === "endpoint-dns-records-ipv4-only")?.severity,
    ).toBe("info");
  });

  it("treats service-defined records as A records for the service name", () => {
    expect(
      findingsOf(lint(dualStack("service-defined")), "endpoint-dns-records-ipv4-only"),
    ).toHaveLength(2);
  });

  it("skips a dual-stack endpoint without a DNS record type", () => {
    const snapshot = dualStack("dualstack");
    for (const endpoint of snapshot.VpcEndpoints ?? []) delete endpoint.DnsOptions;
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-dns-records-ipv4-only")).toEqual([]);
    expect(loudRules(result)).toEqual([]);
    const reasons = result.skipped
      .filter((skip) => skip.ruleId === "endpoint-dns-records-ipv4-only")
      .map((skip) => skip.reason);
    expect(reasons).toContain(
      `DnsOptions.DnsRecordIpType is not in the snapshot for endpoint ${PRIVATE.ssmEndpoint}, so ` +
        "whether ssm.us-east-1.amazonaws.com has AAAA records is unknown",
    );
  });

  it("leaves the path unknown without a DNS record type", () => {
    const snapshot = dualStack("dualstack");
    for (const endpoint of snapshot.VpcEndpoints ?? []) delete endpoint.DnsOptions;
    const path = lint(snapshot)
      .reachability({ everyPath: true })
      .find((item) => item.subnetId === PRIVATE.appA && item.service === "ssm");
    expect(path?.verdict).toBe("unknown");
    expect(path?.mode).toBe("none");
  });

  it("reads an IPv6 endpoint without a DNS record type as AAAA records", () => {
    const snapshot = dualStack("ipv6");
    for (const endpoint of snapshot.VpcEndpoints ?? []) {
      endpoint.IpAddressType = "ipv6" as VpcEndpoint["IpAddressType"];
      delete endpoint.DnsOptions;
    }
    const path = lint(snapshot)
      .reachability({ everyPath: true })
      .find((item) => item.subnetId === PRIVATE.appA && item.service === "ssm");
    expect(path?.mode).toBe("endpoint-ipv6");
  });

  it("accepts an IPv4 endpoint without IPv6 support in the service", () => {
    expect(
      findingsOf(lint(design("private-nat64-endpoints")), "endpoint-could-be-dualstack"),
    ).toEqual([]);
  });

  it("suggests a dual-stack endpoint when the service supports IPv6", () => {
    const snapshot = design("private-nat64-endpoints");
    for (const detail of snapshot.ServiceDetails ?? [])
      detail.SupportedIpAddressTypes = ["ipv4", "ipv6"];
    const result = lint(snapshot);
    expect(findingsOf(result, "endpoint-could-be-dualstack")).toEqual([
      `ipv4Only ${PRIVATE.ssmEndpoint}`,
      `ipv4Only ${PRIVATE.ssmmessagesEndpoint}`,
    ]);
    expect(result.findings.find((f) => f.ruleId === "endpoint-could-be-dualstack")?.severity).toBe(
      "info",
    );
  });
});

/**
 * Gives each endpoint network interface of the design an IPv6 address in its subnet's /64, with
 * the last digits of its IPv4 address: 10.1.1.20 becomes 2600:1f18:4c2:b201::20.
 */
function withEndpointIpv6(snapshot: Snapshot): string[] {
  const addresses: string[] = [];
  for (const eni of snapshot.NetworkInterfaces ?? []) {
    if (eni.InterfaceType !== "vpc_endpoint") continue;
    const [, , third, fourth] = (eni.PrivateIpAddress as string).split(".");
    const address = `2600:1f18:4c2:b20${third}::${fourth}`;
    eni.Ipv6Addresses = [{ Ipv6Address: address, IsPrimaryIpv6: false }];
    addresses.push(address);
  }
  return addresses;
}

/** Lets the workloads send TCP 443 only to `targets`, which admit them. */
function egressOnlyTo(snapshot: Snapshot, targets: string[]): void {
  admitClients(snapshot);
  group(snapshot, PRIVATE.appGroup).IpPermissionsEgress = [
    {
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      Ipv6Ranges: targets.map((target) => ({ CidrIpv6: `${target}/128` })),
    },
  ];
}

/**
 * Replaces the IPv6 rules of the design's one ACL: the clients' ranges both ways, and the
 * `targets` both ways, on all ports.
 */
function aclOnlyTo(snapshot: Snapshot, targets: string[]): void {
  const acl = snapshot.NetworkAcls?.find((item) => item.NetworkAclId === PRIVATE.acl);
  if (!acl) throw new Error("the design has one network ACL");
  const ranges = [...APP_RANGES, ...targets.map((target) => `${target}/128`)];
  const rules = [false, true].flatMap((egress) =>
    ranges.map((range, position) => ({
      RuleNumber: 200 + position,
      Protocol: "-1",
      RuleAction: "allow",
      Egress: egress,
      Ipv6CidrBlock: range,
    })),
  );
  acl.Entries = [
    ...(acl.Entries ?? []).filter((entry) => !entry.Ipv6CidrBlock || entry.RuleAction === "deny"),
    ...(rules as typeof acl.Entries & object),
  ];
}

describe("dual-stack endpoint addresses", () => {
  it("accepts egress to the endpoint's own addresses", () => {
    const snapshot = dualStack("dualstack");
    egressOnlyTo(snapshot, withEndpointIpv6(snapshot));
    const result = lint(snapshot);

    expect(findingsOf(result, "instance-sg-egress-blocks-ipv6")).toEqual([]);
    expect(result.skipped.map((skip) => skip.ruleId)).not.toContain(
      "instance-sg-egress-blocks-ipv6",
    );
  });

  it("flags egress to other addresses of the subnets", () => {
    const snapshot = dualStack("dualstack");
    withEndpointIpv6(snapshot);
    egressOnlyTo(snapshot, ["2600:1f18:4c2:b200::99", "2600:1f18:4c2:b201::99"]);

    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-ipv6")).toEqual([
      `blocked ${PRIVATE.appGroup}`,
    ]);
  });

  it("warns on egress denied to one endpoint address", () => {
    const snapshot = dualStack("dualstack");
    const addresses = withEndpointIpv6(snapshot);
    // The ssm endpoint has the first two addresses, one in each endpoint subnet.
    egressOnlyTo(snapshot, addresses.slice(1));
    const result = lint(snapshot);
    const findings = result.findings.filter(
      (finding) => finding.ruleId === "instance-sg-egress-blocks-ipv6",
    );

    expect(findings.map((finding) => `${finding.messageId} ${finding.severity}`)).toEqual([
      "blocksSome warning",
    ]);
    expect(findings[0]?.data.destination).toBe(addresses[0]);
    expect(findings[0]?.data.admitted).toBe(addresses[1]);
    expect(findings[0]?.data.services).toBe("ssm");
  });

  it("leaves egress to /128s unknown without interface addresses", () => {
    const snapshot = dualStack("dualstack");
    const addresses = withEndpointIpv6(snapshot);
    for (const eni of snapshot.NetworkInterfaces ?? []) delete eni.Ipv6Addresses;
    egressOnlyTo(snapshot, addresses);
    const result = lint(snapshot);
    const skipped = result.skipped.filter(
      (skip) => skip.ruleId === "instance-sg-egress-blocks-ipv6",
    );

    expect(findingsOf(result, "instance-sg-egress-blocks-ipv6")).toEqual([]);
    expect(skipped.map((skip) => skip.reason).join(" ")).toContain("stand in for their addresses");
  });

  it("leaves egress to a prefix list of /128s unknown", () => {
    const snapshot = dualStack("dualstack");
    const addresses = withEndpointIpv6(snapshot);
    for (const eni of snapshot.NetworkInterfaces ?? []) delete eni.Ipv6Addresses;
    egressOnlyTo(snapshot, []);
    const listId = "pl-0a1b2c3d4e5f60078";
    snapshot.ManagedPrefixLists = [
      {
        PrefixListId: listId,
        AddressFamily: "IPv6",
        Entries: addresses.map((address) => ({ Cidr: `${address}/128` })),
      },
    ];
    const egress = group(snapshot, PRIVATE.appGroup).IpPermissionsEgress ?? [];
    for (const permission of egress) permission.PrefixListIds = [{ PrefixListId: listId }];
    const result = lint(snapshot);
    const skipped = result.skipped.filter(
      (skip) => skip.ruleId === "instance-sg-egress-blocks-ipv6",
    );

    expect(findingsOf(result, "instance-sg-egress-blocks-ipv6")).toEqual([]);
    expect(skipped.map((skip) => skip.reason).join(" ")).toContain("stand in for their addresses");
  });

  it("accepts an ACL naming the endpoint's own addresses", () => {
    const snapshot = dualStack("dualstack");
    aclOnlyTo(snapshot, withEndpointIpv6(snapshot));
    const result = lint(snapshot);

    expect(findingsOf(result, "nacl-blocks-nat64")).toEqual([]);
    expect(result.skipped.map((skip) => skip.ruleId)).not.toContain("nacl-blocks-nat64");
  });

  it("flags an ACL naming other addresses of the subnets", () => {
    const snapshot = dualStack("dualstack");
    withEndpointIpv6(snapshot);
    aclOnlyTo(snapshot, ["2600:1f18:4c2:b200::99", "2600:1f18:4c2:b201::99"]);
    const result = lint(snapshot);
    const findings = result.findings.filter((finding) => finding.ruleId === "nacl-blocks-nat64");

    expect(findings.map((finding) => finding.severity)).toContain("error");
    expect(findings.map((finding) => finding.data.peer)).toContain("2600:1f18:4c2:b200::20");
  });
});

describe("other public paths", () => {
  it("accepts kms behind a private NAT when a kms endpoint exists", () => {
    const snapshot = design("private-nat64-endpoints");
    const template = snapshot.VpcEndpoints?.[0];
    if (!template) throw new Error("the design has endpoints");
    snapshot.VpcEndpoints?.push({
      ...template,
      VpcEndpointId: "vpce-0a1b2c3d4e5f60029",
      ServiceName: "com.amazonaws.us-east-1.kms",
    });
    expect(findingsOf(lint(snapshot, ["kms"]), "private-nat64-to-public-destination")).toEqual([]);
  });

  it("flags S3 behind a private NAT without the gateway endpoint on its table as an error", () => {
    const snapshot = design("private-nat64-endpoints");
    snapshot.VpcEndpoints?.push({
      VpcEndpointId: "vpce-0a1b2c3d4e5f60039",
      VpcEndpointType: "Gateway",
      VpcId: PRIVATE.vpc,
      ServiceName: "com.amazonaws.us-east-1.s3",
      State: "available" as VpcEndpoint["State"],
      RouteTableIds: ["rtb-0a1b2c3d4e5f60022"],
    });
    const result = lint(snapshot, ["s3"]);
    expect(findingsOf(result, "s3-gateway-endpoint-not-on-nat-path")).toEqual([
      "privateNat vpce-0a1b2c3d4e5f60039",
    ]);
    expect(
      result.findings.find((f) => f.ruleId === "s3-gateway-endpoint-not-on-nat-path")?.severity,
    ).toBe("error");
  });

  it("accepts S3 when the gateway endpoint is on the NAT gateway's route table", () => {
    const snapshot = design("public-nat64");
    snapshot.VpcEndpoints = [
      {
        VpcEndpointId: "vpce-0a1b2c3d4e5f60009",
        VpcEndpointType: "Gateway",
        VpcId: PUBLIC.vpc,
        ServiceName: "com.amazonaws.us-east-1.s3",
        State: "available" as VpcEndpoint["State"],
        RouteTableIds: [PUBLIC.publicTable],
      },
    ];
    const result = lint(snapshot, ["s3"]);
    expect(findingsOf(result, "s3-gateway-endpoint-not-on-nat-path")).toEqual([]);
    expect(
      result.findings.filter(
        (f) => f.ruleId === "public-nat64-leaks-service-traffic" && f.data.service === "s3",
      ),
    ).toEqual([]);
  });
});
