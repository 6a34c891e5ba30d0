import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import {
  PUBLIC,
  design,
  findingsOf,
  group,
  lint,
  loudRules,
  replaceNat64Route,
} from "./designs.js";

function table(snapshot: ReturnType<typeof design>, id: string) {
  const found = snapshot.RouteTables?.find((item) => item.RouteTableId === id);
  if (!found) throw new Error(`no route table ${id}`);
  return found;
}

describe("public NAT64 design", () => {
  it("lints with nothing at warning or above", () => {
    const result = lint(design("public-nat64"));
    expect(loudRules(result)).toEqual([]);
  });

  it("notes Session Manager traffic through the internet gateway as info", () => {
    const result = lint(design("public-nat64"));
    const leaks = result.findings.filter((f) => f.ruleId === "public-nat64-leaks-service-traffic");
    expect(leaks.map((f) => `${f.severity} ${f.data.service}`).sort()).toEqual([
      "info ssm",
      "info ssmmessages",
    ]);
  });

  it("raises the leak to a warning in a VPC tagged private-only", () => {
    const snapshot = design("public-nat64");
    snapshot.Vpcs?.[0]?.Tags?.push({ Key: "vpc-lint:private-only", Value: "true" });
    const result = lint(snapshot);
    expect(findingsOf(result, "public-nat64-leaks-service-traffic")).toEqual([
      `privateOnlyVpc ${PUBLIC.vpc}`,
      `privateOnlyVpc ${PUBLIC.vpc}`,
    ]);
  });

  describe("NAT64 routes that split 64:ff9b::/96", () => {
    /** Replaces the app subnet's 64:ff9b::/96 route with routes to the NAT gateway. */
    function splitRoutes(destinations: string[]): ReturnType<typeof design> {
      return replaceNat64Route(design("public-nat64"), PUBLIC.appTable, PUBLIC.nat, destinations);
    }

    it("accepts two /97 routes that cover it", () => {
      const result = lint(splitRoutes(["64:ff9b::/97", "64:ff9b::8000:0/97"]));
      expect(loudRules(result)).toEqual([]);
      const verdicts = result.reachability().map((path) => `${path.service} ${path.verdict}`);
      expect(verdicts).toEqual(["ssm reachable", "ssmmessages reachable"]);
    });

    it("warns on a /97 route that leaves the other half", () => {
      const result = lint(splitRoutes(["64:ff9b::/97"]));
      expect(findingsOf(result, "nat64-route-missing")).toEqual([`partlyRouted ${PUBLIC.app}`]);
      expect(loudRules(result)).toEqual(["nat64-route-missing"]);
      const finding = result.findings.find((f) => f.ruleId === "nat64-route-missing");
      expect(finding?.severity).toBe("warning");
      expect(finding?.data.parts).toBe("64:ff9b::8000:0/97");
    });

    it("follows the /97 route that translates", () => {
      const snapshot = splitRoutes(["64:ff9b::8000:0/97"]);
      const routes = table(snapshot, PUBLIC.appTable).Routes ?? [];
      routes.unshift({
        DestinationIpv6CidrBlock: "64:ff9b::/97",
        EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60001",
        Origin: "CreateRoute",
        State: "active",
      });
      const result = lint(snapshot);
      const verdicts = result.reachability().map((path) => `${path.service} ${path.verdict}`);
      expect(verdicts).toEqual(["ssm reachable", "ssmmessages reachable"]);
      expect(findingsOf(result, "nat64-route-missing")).toEqual([]);
    });

    it("attributes /97 blackhole routes to the rule that reports them", () => {
      const snapshot = splitRoutes(["64:ff9b::/97", "64:ff9b::8000:0/97"]);
      for (const route of table(snapshot, PUBLIC.appTable).Routes ?? []) {
        if (route.DestinationIpv6CidrBlock?.endsWith("/97")) route.State = "blackhole";
      }
      const result = lint(snapshot);
      const broken = result
        .reachability()
        .map((path) => path.hops?.find((hop) => hop.status === "broken")?.owner);

      expect(broken).toEqual(["route-overrides-nat64-prefix", "route-overrides-nat64-prefix"]);
      expect(findingsOf(result, "route-overrides-nat64-prefix")).toHaveLength(2);
      expect(findingsOf(result, "nat64-route-blackhole")).toEqual([]);
    });
  });

  it("flags the NAT subnet without 0.0.0.0/0 to the internet gateway", () => {
    const snapshot = design("public-nat64");
    const routes = table(snapshot, PUBLIC.publicTable).Routes ?? [];
    table(snapshot, PUBLIC.publicTable).Routes = routes.filter(
      (r) => r.DestinationCidrBlock !== "0.0.0.0/0",
    );
    const result = lint(snapshot);
    expect(findingsOf(result, "public-nat-subnet-no-igw-route")).toEqual([
      `noInternetRoute ${PUBLIC.publicTable}`,
    ]);
    expect(findingsOf(result, "ssm-endpoint-missing").sort()).toEqual([
      `ec2messagesOptional ${PUBLIC.vpc}`,
      `pathBroken ${PUBLIC.vpc}`,
      `pathBroken ${PUBLIC.vpc}`,
    ]);
  });

  it("accepts a NAT subnet whose default route is a prefix-list route to the internet gateway", () => {
    const snapshot = design("public-nat64");
    const routes = table(snapshot, PUBLIC.publicTable).Routes ?? [];
    const defaultRoute = routes.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
    if (!defaultRoute) throw new Error("the design has a default route");
    delete defaultRoute.DestinationCidrBlock;
    defaultRoute.DestinationPrefixListId = "pl-0a1b2c3d4e5f60001";
    snapshot.ManagedPrefixLists = [
      {
        PrefixListId: "pl-0a1b2c3d4e5f60001",
        AddressFamily: "IPv4",
        Entries: [{ Cidr: "0.0.0.0/0" }],
      },
    ];
    expect(loudRules(lint(snapshot))).toEqual([]);
  });

  it("flags a private NAT used for a public service other than Session Manager", () => {
    const snapshot = design("public-nat64");
    const nat = snapshot.NatGateways?.[0];
    if (!nat) throw new Error("the design has a NAT gateway");
    nat.ConnectivityType = "private";
    const result = lint(snapshot, ["sts"]);
    expect(findingsOf(result, "private-nat64-to-public-destination")).toEqual([
      `unreachable ${PUBLIC.nat}`,
    ]);
    expect(
      result.findings.find((f) => f.ruleId === "private-nat64-to-public-destination")?.data.service,
    ).toBe("sts");
  });

  it("flags a more specific route inside 64:ff9b::/96", () => {
    const snapshot = design("public-nat64");
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::a00:0/104",
      EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60001",
      State: "active",
    });
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([
      `override ${PUBLIC.appTable}`,
    ]);
  });

  it("accepts a more specific route to the working NAT gateway", () => {
    const snapshot = design("public-nat64");
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::/97",
      NatGatewayId: PUBLIC.nat,
      State: "active",
    });
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([]);
    expect(loudRules(result)).toEqual([]);
  });

  it.each([
    ["a deleted NAT gateway", "deleted", "active", "is deleted"],
    ["a blackhole route", "available", "blackhole", "is unreachable (the route is a blackhole)"],
  ] as const)("flags a more specific route to %s", (_, natState, routeState, text) => {
    const snapshot = design("public-nat64");
    snapshot.NatGateways?.push({
      NatGatewayId: "nat-0a1b2c3d4e5f60077",
      VpcId: PUBLIC.vpc,
      SubnetId: snapshot.NatGateways[0]?.SubnetId,
      State: natState,
      ConnectivityType: "public",
    });
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::/97",
      NatGatewayId: "nat-0a1b2c3d4e5f60077",
      State: routeState,
    });
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([
      `toUnavailableNat ${PUBLIC.appTable}`,
    ]);
    const finding = result.findings.find((f) => f.ruleId === "route-overrides-nat64-prefix");
    expect(finding?.severity).toBe("warning");
    expect(finding?.message).toContain(`NAT gateway nat-0a1b2c3d4e5f60077 ${text}`);
  });

  it("flags a specific route to a private NAT", () => {
    const snapshot = design("public-nat64");
    snapshot.NatGateways?.push({
      NatGatewayId: "nat-0a1b2c3d4e5f60078",
      VpcId: PUBLIC.vpc,
      SubnetId: snapshot.NatGateways[0]?.SubnetId,
      State: "available",
      ConnectivityType: "private",
    });
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::/97",
      NatGatewayId: "nat-0a1b2c3d4e5f60078",
      State: "active",
    });
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([
      `toOtherNatType ${PUBLIC.appTable}`,
    ]);
    const finding = result.findings.find((f) => f.ruleId === "route-overrides-nat64-prefix");
    expect(finding?.message).toContain(
      `to private NAT gateway nat-0a1b2c3d4e5f60078, while 64:ff9b::/96 uses public NAT gateway ${PUBLIC.nat}`,
    );
  });

  it.each([
    ["private IPv4 space", "64:ff9b::a00:0/104", false],
    ["public space with a transit gateway onward", "64:ff9b::/97", true],
  ])("accepts a more specific route to a private NAT gateway for %s", (_, range, onward) => {
    const snapshot = design("public-nat64");
    snapshot.Subnets?.push({
      SubnetId: "subnet-0a1b2c3d4e5f60078",
      VpcId: PUBLIC.vpc,
      CidrBlock: "10.0.8.0/24",
      AvailabilityZone: "us-east-1a",
    });
    snapshot.RouteTables?.push({
      RouteTableId: "rtb-0a1b2c3d4e5f60078",
      VpcId: PUBLIC.vpc,
      Associations: [{ SubnetId: "subnet-0a1b2c3d4e5f60078" }],
      Routes: [
        { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
        ...(onward
          ? [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0a1b2c3d4e5f60078" }]
          : []),
      ],
    });
    snapshot.NatGateways?.push({
      NatGatewayId: "nat-0a1b2c3d4e5f60078",
      VpcId: PUBLIC.vpc,
      SubnetId: "subnet-0a1b2c3d4e5f60078",
      State: "available",
      ConnectivityType: "private",
    });
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: range,
      NatGatewayId: "nat-0a1b2c3d4e5f60078",
      State: "active",
    });
    expect(findingsOf(lint(snapshot), "route-overrides-nat64-prefix")).toEqual([]);
  });

  it("skips a specific route to a NAT of unknown state", () => {
    const snapshot = design("public-nat64");
    snapshot.NatGateways?.push({ NatGatewayId: "nat-0a1b2c3d4e5f60079", VpcId: PUBLIC.vpc });
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::/97",
      NatGatewayId: "nat-0a1b2c3d4e5f60079",
      State: "active",
    });
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([]);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({
        ruleId: "route-overrides-nat64-prefix",
        reason: "State of nat-0a1b2c3d4e5f60079 is not in the snapshot",
      }),
    );
  });

  it("lists a more specific NAT route as unknown without NatGateways", () => {
    const snapshot = design("public-nat64");
    table(snapshot, PUBLIC.appTable).Routes?.push({
      DestinationIpv6CidrBlock: "64:ff9b::/97",
      NatGatewayId: PUBLIC.nat,
      State: "active",
    });
    delete snapshot.NatGateways;
    const result = lint(snapshot);
    expect(findingsOf(result, "route-overrides-nat64-prefix")).toEqual([]);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({
        ruleId: "route-overrides-nat64-prefix",
        reason: "NatGateways was not collected",
        resourceIds: [PUBLIC.appTable],
      }),
    );
  });

  it("lists path checks as not run when workloads are unknown", () => {
    const snapshot = design("public-nat64");
    delete snapshot.NetworkInterfaces;
    delete snapshot.Reservations;
    const result = lint(snapshot);
    expect(loudRules(result)).toEqual([]);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({
        ruleId: "nacl-blocks-nat64",
        reason:
          "its workloads are unknown because neither NetworkInterfaces nor Reservations was collected",
        resourceIds: [PUBLIC.app],
      }),
    );
  });

  it("traces the paths when only Reservations tells the workloads", () => {
    const snapshot = design("public-nat64");
    delete snapshot.NetworkInterfaces;
    const result = lint(snapshot);
    expect(result.skipped.map((entry) => entry.ruleId)).not.toContain("nacl-blocks-nat64");
    expect(result.reachability().map((entry) => entry.subnetId)).toContain(PUBLIC.app);
  });

  it("skips subnets without instances or interfaces", () => {
    const snapshot = design("public-nat64");
    delete snapshot.NetworkInterfaces;
    snapshot.Reservations = [];
    // Lambda functions or containers may run there, and only NetworkInterfaces would show them.
    const result = lint(snapshot);
    expect(result.reachability().map((entry) => entry.subnetId)).not.toContain(PUBLIC.app);
    expect(result.skipped).toContainEqual(
      expect.objectContaining({
        ruleId: "nacl-blocks-nat64",
        reason:
          "its workloads are unknown because it runs no instance and NetworkInterfaces was not collected",
        resourceIds: [PUBLIC.app],
      }),
    );
    expect(result.skipped).toContainEqual(
      expect.objectContaining({ ruleId: "ssm-endpoint-missing", resourceIds: [PUBLIC.app] }),
    );
  });

  it("uses the dual-stack public name when DNS64 is off and needs ::/0", () => {
    const snapshot = design("public-nat64");
    const app = snapshot.Subnets?.find((s) => s.SubnetId === PUBLIC.app);
    if (!app) throw new Error("the design has an app subnet");
    app.EnableDns64 = false;
    const routes = table(snapshot, PUBLIC.appTable).Routes ?? [];
    table(snapshot, PUBLIC.appTable).Routes = routes.filter(
      (r) => r.DestinationIpv6CidrBlock !== "::/0",
    );
    const result = lint(snapshot, ["kms"]);
    expect(findingsOf(result, "ipv6-default-route-missing")).toEqual([
      `noIpv6Route ${PUBLIC.appTable}`,
    ]);
    expect(
      result.findings.find((f) => f.ruleId === "ipv6-default-route-missing")?.data.services,
    ).toBe("kms");
  });

  it("accepts kms over its dual-stack name with ::/0 to the egress-only gateway", () => {
    const snapshot = design("public-nat64");
    const app = snapshot.Subnets?.find((s) => s.SubnetId === PUBLIC.app);
    if (app) app.EnableDns64 = false;
    expect(findingsOf(lint(snapshot, ["kms"]), "ipv6-default-route-missing")).toEqual([]);
  });

  it("flags an S3 gateway endpoint missing from the NAT subnet's route table", () => {
    const snapshot = design("public-nat64");
    snapshot.VpcEndpoints = [
      {
        VpcEndpointId: "vpce-0a1b2c3d4e5f60009",
        VpcEndpointType: "Gateway",
        VpcId: PUBLIC.vpc,
        ServiceName: "com.amazonaws.us-east-1.s3",
        // DescribeVpcEndpoints returns lower-case states although the SDK's enum is capitalised.
        State: "available" as VpcEndpoint["State"],
        RouteTableIds: [PUBLIC.appTable],
      },
    ];
    const result = lint(snapshot, ["s3"]);
    expect(findingsOf(result, "s3-gateway-endpoint-not-on-nat-path")).toEqual([
      "publicNat vpce-0a1b2c3d4e5f60009",
    ]);
    const finding = result.findings.find((f) => f.ruleId === "s3-gateway-endpoint-not-on-nat-path");
    expect(finding?.severity).toBe("warning");
    // The NAT gateway bills NAT64 traffic whichever route table the endpoint is on.
    expect(finding?.message).not.toMatch(/billed|data processing/);
    expect(finding?.message).toContain("internet gateway");
    expect(finding?.message).toContain("aws:SourceVpce");
  });

  it("flags a registered instance whose agent lost its connection, naming the broken link", () => {
    const snapshot = design("public-nat64");
    const info = snapshot.InstanceInformationList?.[0];
    if (info) info.PingStatus = "ConnectionLost";
    const routes = table(snapshot, PUBLIC.publicTable).Routes ?? [];
    table(snapshot, PUBLIC.publicTable).Routes = routes.filter(
      (r) => r.DestinationCidrBlock !== "0.0.0.0/0",
    );
    const finding = lint(snapshot).findings.find((f) => f.ruleId === "ssm-instance-not-online");
    expect(finding?.messageId).toBe("connectionLost");
    expect(finding?.message).toContain("public-nat-subnet-no-igw-route");
  });

  it("flags a running instance that is not registered with Systems Manager", () => {
    const snapshot = design("public-nat64");
    snapshot.InstanceInformationList = [];
    expect(findingsOf(lint(snapshot), "ssm-instance-not-online")).toEqual([
      "notRegistered i-0a1b2c3d4e5f60001",
    ]);
  });

  it("asks for no listed links when the paths are clean", () => {
    const snapshot = design("public-nat64");
    snapshot.InstanceInformationList = [];
    const finding = lint(snapshot).findings.find((f) => f.ruleId === "ssm-instance-not-online");
    expect(finding?.message).not.toContain("break first");
    expect(finding?.fix).not.toContain("broken links listed");
    expect(finding?.fix).toContain("if any");
  });

  it("asks an inactive agent for no listed links", () => {
    const snapshot = design("public-nat64");
    for (const info of snapshot.InstanceInformationList ?? []) info.PingStatus = "Inactive";
    const finding = lint(snapshot).findings.find((f) => f.ruleId === "ssm-instance-not-online");
    expect(finding?.messageId).toBe("notOnline");
    expect(finding?.fix).not.toContain("broken links listed");
    expect(finding?.fix).toContain("if any");
  });

  it("flags workload egress rules that do not cover 64:ff9b::/96", () => {
    const snapshot = design("public-nat64");
    group(snapshot, PUBLIC.appGroup).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ];
    expect(findingsOf(lint(snapshot), "instance-sg-egress-blocks-nat64")).toEqual([
      `blocked ${PUBLIC.appGroup}`,
    ]);
  });

  it("treats a hub's private hosted zone for ssm as a present endpoint", () => {
    const snapshot = design("public-nat64");
    const routes = table(snapshot, PUBLIC.appTable).Routes ?? [];
    table(snapshot, PUBLIC.appTable).Routes = routes.filter(
      (r) => r.DestinationIpv6CidrBlock !== "64:ff9b::/96",
    );
    snapshot.HostedZones = ["ssm", "ssmmessages", "ec2messages"].map((service, n) => ({
      HostedZoneId: `Z0HUB${n}`,
      Name: `${service}.us-east-1.amazonaws.com.`,
      VpcId: PUBLIC.vpc,
    }));
    const result = lint(snapshot);
    expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
  });

  describe("Resolver rules toward a hub", () => {
    const FORWARD = "rslvr-rr-0a1b2c3d4e5f60001";
    const SYSTEM = "rslvr-rr-0a1b2c3d4e5f60002";

    /** Returns the public design without NAT64, whose names resolve only through the rules given. */
    function withRules(
      rules: { Id: string; DomainName: string; RuleType: string; Status?: string }[],
      associationStatus = "COMPLETE",
    ) {
      const snapshot = design("public-nat64");
      const routes = table(snapshot, PUBLIC.appTable).Routes ?? [];
      table(snapshot, PUBLIC.appTable).Routes = routes.filter(
        (r) => r.DestinationIpv6CidrBlock !== "64:ff9b::/96",
      );
      snapshot.HostedZones = [];
      snapshot.ResolverRules = rules;
      snapshot.ResolverRuleAssociations = rules.map((rule) => ({
        ResolverRuleId: rule.Id,
        VPCId: PUBLIC.vpc,
        Status: associationStatus,
      }));
      return snapshot;
    }

    function verdictOf(snapshot: ReturnType<typeof design>, service: string): string | undefined {
      return lint(snapshot)
        .reachability()
        .find((entry) => entry.subnetId === PUBLIC.app && entry.service === service)?.verdict;
    }

    it("treats a complete forwarding rule as the hub answering", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "FORWARD", Status: "COMPLETE" },
      ]);
      expect(verdictOf(snapshot, "ssm")).toBe("depends-on-hub");
      expect(findingsOf(lint(snapshot), "ssm-endpoint-missing")).toEqual([]);
    });

    it.each([
      ["a failed association", "COMPLETE", "FAILED"],
      ["a failed rule", "FAILED", "COMPLETE"],
    ])("ignores %s", (_, ruleStatus, associationStatus) => {
      const snapshot = withRules(
        [{ Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "FORWARD", Status: ruleStatus }],
        associationStatus,
      );
      expect(verdictOf(snapshot, "ssm")).toBe("unreachable");
      expect(findingsOf(lint(snapshot), "ssm-endpoint-missing")).not.toEqual([]);
    });

    it.each([
      ["an association being created", "COMPLETE", "CREATING"],
      ["an overridden association", "COMPLETE", "OVERRIDDEN"],
      ["an association being deleted", "COMPLETE", "DELETING"],
      ["a rule being deleted", "DELETING", "COMPLETE"],
    ])("leaves the name unknown for %s", (_, ruleStatus, associationStatus) => {
      const snapshot = withRules(
        [{ Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "FORWARD", Status: ruleStatus }],
        associationStatus,
      );
      expect(verdictOf(snapshot, "ssm")).toBe("unknown");
      const result = lint(snapshot);
      expect(findingsOf(result, "ssm-endpoint-missing")).toEqual([]);
      expect(result.skipped.map((skip) => skip.reason).join("\n")).toContain(
        `Resolver forwarding rule ${FORWARD} for amazonaws.com is `,
      );
    });

    it("leaves the name unknown for a delegation rule", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "DELEGATE", Status: "COMPLETE" },
      ]);
      expect(verdictOf(snapshot, "ssm")).toBe("unknown");
    });

    it("treats an updating rule as in effect", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "FORWARD", Status: "UPDATING" },
      ]);
      expect(verdictOf(snapshot, "ssm")).toBe("depends-on-hub");
    });

    it("lets a system rule for a longer name keep that name local", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: "amazonaws.com.", RuleType: "FORWARD" },
        { Id: SYSTEM, DomainName: "ssm.us-east-1.amazonaws.com.", RuleType: "SYSTEM" },
      ]);
      expect(verdictOf(snapshot, "ssm")).not.toBe("depends-on-hub");
      expect(verdictOf(snapshot, "ssmmessages")).toBe("depends-on-hub");
    });

    it("root forwarding rule covers every name", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: ".", RuleType: "FORWARD", Status: "COMPLETE" },
      ]);
      expect(verdictOf(snapshot, "ssm")).toBe("depends-on-hub");
      expect(findingsOf(lint(snapshot), "ssm-endpoint-missing")).toEqual([]);
    });

    it("system rule overrides root forwarding rule", () => {
      const snapshot = withRules([
        { Id: FORWARD, DomainName: ".", RuleType: "FORWARD" },
        { Id: SYSTEM, DomainName: "amazonaws.com.", RuleType: "SYSTEM" },
      ]);
      expect(verdictOf(snapshot, "ssm")).toBe("unreachable");
    });
  });
});
