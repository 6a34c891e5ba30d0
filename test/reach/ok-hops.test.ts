/**
 * Unless a report lists every path, the analysis leaves out the ok hops of clean paths. These
 * tests compare each output that prints hops with paths traced alone, so that an output that
 * loses an ok hop it prints fails here.
 */
import type { NetworkAclEntry, Subnet } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { TraceMemo } from "../../src/reach/context.js";
import { analyse, consumerSubnets, explainPath, isClean } from "../../src/reach/analysis.js";
import { tracePath } from "../../src/reach/trace.js";
import type { ServicePath } from "../../src/reach/types.js";
import { formatExplain } from "../../src/report/explain.js";
import { formatJson } from "../../src/report/json.js";
import { runLint } from "../../src/run.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { PRIVATE, design } from "./designs.js";

const SETTINGS = { requiredServices: ["kms", "s3"] };

function printed(hops: ServicePath["hops"]) {
  return hops.map((hop) => ({ ...hop.toJSON(), owner: hop.owner, facts: hop.facts }));
}

/**
 * Returns a generated VPC whose network ACLs deny HTTPS from every third IPv6 prefix, so that
 * clean and broken paths take turns.
 */
function mixedSnapshot(): Snapshot {
  const snapshot = generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 40 });
  const blocks = snapshot
    .Subnets!.flatMap((subnet) => subnet.Ipv6CidrBlockAssociationSet ?? [])
    .map((association) => association.Ipv6CidrBlock)
    .filter((block, position) => block && position % 3 === 0);
  for (const acl of snapshot.NetworkAcls!) {
    blocks.forEach((block, position) => {
      acl.Entries!.push({
        RuleNumber: 10 + position,
        Protocol: "6",
        RuleAction: "deny",
        Egress: false,
        Ipv6CidrBlock: block,
        PortRange: { From: 443, To: 443 },
      });
    });
  }
  return snapshot;
}

/** Returns a network ACL entry that denies TCP on the ports to or from an IPv6 prefix. */
function deny(
  from: number,
  to: number,
  egress: boolean,
  cidr: string,
  ruleNumber = 5,
): NetworkAclEntry {
  return {
    RuleNumber: ruleNumber,
    Protocol: "6",
    RuleAction: "deny",
    Egress: egress,
    Ipv6CidrBlock: cidr,
    PortRange: { From: from, To: to },
  };
}

/**
 * Returns a generated VPC whose filters tell subnets apart that share most of their settings.
 * The endpoints' security group admits HTTPS from every second subnet prefix only, and one
 * workload group allows no egress. Every network ACL denies one address inside a subnet's prefix
 * and the replies to part of the Windows ports, one subnet runs Windows, and a custom ACL denies
 * HTTPS out.
 */
function perPrefixSnapshot(): Snapshot {
  const snapshot = generateSnapshot({ seed: 11, vpcs: 1, subnetsPerVpc: 40 });
  const blocks = snapshot
    .Subnets!.flatMap((subnet) => subnet.Ipv6CidrBlockAssociationSet ?? [])
    .map((association) => association.Ipv6CidrBlock as string);

  const endpointGroups = new Set(
    snapshot
      .VpcEndpoints!.flatMap((endpoint) => endpoint.Groups ?? [])
      .map((group) => group.GroupId),
  );
  const admitted = blocks.filter((_, position) => position % 2 === 0);
  const groups = snapshot.SecurityGroups!;
  for (const group of groups.filter((candidate) => endpointGroups.has(candidate.GroupId))) {
    group.IpPermissions = [
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        Ipv6Ranges: admitted.map((block) => ({ CidrIpv6: block })),
      },
    ];
  }
  const closed = groups.find((group) => !endpointGroups.has(group.GroupId))!;
  closed.IpPermissionsEgress = [];

  // The address lies in the prefix of the last subnet whose prefix no rule names, so subnets
  // traced before it share its network ACL checks until the ACLs deny the address.
  const prefixOf = (subnet: Subnet) => subnet.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
  const unnamed = consumerSubnets(new SnapshotIndex(snapshot))
    .map(prefixOf)
    .filter((prefix) => !admitted.includes(prefix));
  const inside = unnamed.at(-1)!.replace("::/64", "::10/128");

  // Every ACL denies the one address, and replies from inside the VPC to ports 61001-65535,
  // which of the reply ranges only the Windows one includes.
  // The generator's ACLs share one list of entries, so each gets a list of its own here.
  for (const acl of snapshot.NetworkAcls!) {
    acl.Entries = [
      ...acl.Entries!,
      deny(443, 443, false, inside),
      deny(61001, 65535, false, "2600:1f18::/32", 6),
    ];
  }

  // The instances of the subnet traced second to last run Windows.
  const windows = unnamed.at(-2)!;
  const windowsSubnet = snapshot.Subnets!.find((subnet) => prefixOf(subnet) === windows)!;
  for (const instance of snapshot.Reservations!.flatMap((reservation) => reservation.Instances!)) {
    if (instance.SubnetId === windowsSubnet.SubnetId) instance.Platform = "Windows";
  }

  // A custom ACL, unlike the default one the endpoint subnets use, denies HTTPS out.
  const custom = snapshot.NetworkAcls!.find((acl) => !acl.IsDefault)!;
  custom.Entries = [...custom.Entries!, deny(443, 443, true, "::/0")];
  return snapshot;
}

/**
 * Returns a generated VPC whose ssm endpoint sits in one subnet that hosts workloads. That
 * subnet's network ACL, which other subnets share, admits no HTTPS. Traffic inside the subnet
 * crosses no ACL, so only the other subnets' paths to ssm break there.
 */
function endpointSubnetSnapshot(): Snapshot {
  const snapshot = generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 40 });
  const endpoint = snapshot.VpcEndpoints!.find((candidate) =>
    candidate.ServiceName?.endsWith(".ssm"),
  )!;
  const subnetId = endpoint.SubnetIds![0]!;
  const interfaces = snapshot.NetworkInterfaces!;

  endpoint.SubnetIds = [subnetId];
  endpoint.NetworkInterfaceIds = endpoint.NetworkInterfaceIds!.filter(
    (id) => interfaces.find((eni) => eni.NetworkInterfaceId === id)?.SubnetId === subnetId,
  );

  const subnet = snapshot.Subnets!.find((candidate) => candidate.SubnetId === subnetId)!;
  subnet.EnableDns64 = true;
  interfaces.push({
    NetworkInterfaceId: "eni-0aaaaaaaaaaaaaaaa",
    SubnetId: subnetId,
    VpcId: subnet.VpcId,
    InterfaceType: "interface",
    Groups: snapshot.NetworkInterfaces![0]!.Groups,
  });

  const acl = snapshot.NetworkAcls!.find((candidate) =>
    candidate.Associations?.some((association) => association.SubnetId === subnetId),
  )!;
  // The generator's ACLs share one list of entries, so this ACL gets a list of its own.
  acl.Entries = [...acl.Entries!, deny(443, 443, false, "::/0")];
  return snapshot;
}

/**
 * Returns the per-prefix snapshot with IPv4-only interface endpoints, which clients reach through
 * NAT64. The workload group of the last subnet traced allows no egress either. The first NAT
 * gateway's subnet has a network ACL of its own that admits no HTTPS, so subnets routed to that
 * gateway differ from the others only in the gateway.
 */
function nat64EndpointSnapshot(): Snapshot {
  const snapshot = perPrefixSnapshot();
  for (const endpoint of snapshot.VpcEndpoints!) {
    if (endpoint.VpcEndpointType !== "Interface") continue;
    endpoint.IpAddressType = "ipv4";
    endpoint.DnsOptions = { DnsRecordIpType: "ipv4" };
  }

  const last = consumerSubnets(new SnapshotIndex(snapshot)).at(-1)!;
  const eni = snapshot.NetworkInterfaces!.find((item) => item.SubnetId === last.SubnetId)!;
  const lastGroup = eni.Groups![0]!.GroupId;
  snapshot.SecurityGroups!.find((group) => group.GroupId === lastGroup)!.IpPermissionsEgress = [];

  const natSubnetId = snapshot.NatGateways![0]!.SubnetId!;
  const acls = snapshot.NetworkAcls!;
  const shared = acls.find((acl) =>
    acl.Associations?.some((association) => association.SubnetId === natSubnetId),
  )!;
  shared.Associations = shared.Associations!.filter(
    (association) => association.SubnetId !== natSubnetId,
  );
  acls.push({
    ...shared,
    NetworkAclId: "acl-0aaaaaaaaaaaaaaaa",
    IsDefault: false,
    Associations: [{ NetworkAclId: "acl-0aaaaaaaaaaaaaaaa", SubnetId: natSubnetId }],
    Entries: [...shared.Entries!, deny(443, 443, false, "::/0", 4)],
  });
  return snapshot;
}

/**
 * Returns the private NAT64 design with workloads and DNS64 in the first NAT gateway's subnet,
 * which routes through that gateway, and a network ACL that admits no HTTPS from the VPC's IPv6
 * prefixes. Traffic inside that subnet crosses no ACL, so only the other subnets' paths break.
 */
function natSubnetSnapshot(): Snapshot {
  const snapshot = design("private-nat64-endpoints");
  const subnet = snapshot.Subnets!.find((item) => item.SubnetId === PRIVATE.natSubnetA)!;
  subnet.EnableDns64 = true;
  snapshot.NetworkInterfaces!.push({
    NetworkInterfaceId: "eni-0aaaaaaaaaaaaaaaa",
    SubnetId: PRIVATE.natSubnetA,
    VpcId: PRIVATE.vpc,
    InterfaceType: "interface",
    Groups: [{ GroupId: PRIVATE.appGroup }],
  });

  // The subnet moves to the route table of the other subnet that uses the same NAT gateway.
  const tables = snapshot.RouteTables!;
  for (const table of tables) {
    table.Associations = table.Associations?.filter(
      (association) => association.SubnetId !== PRIVATE.natSubnetA,
    );
  }
  const appTable = tables.find((table) =>
    table.Associations?.some((association) => association.SubnetId === PRIVATE.appA),
  )!;
  appTable.Associations!.push({
    RouteTableId: appTable.RouteTableId,
    SubnetId: PRIVATE.natSubnetA,
  });

  const acl = snapshot.NetworkAcls!.find((item) => item.NetworkAclId === PRIVATE.acl)!;
  acl.Entries = [deny(443, 443, false, "2600:1f18:4c2:b200::/56", 1), ...acl.Entries!];
  return snapshot;
}

const SNAPSHOTS: [string, () => Snapshot][] = [
  ["public-nat64", () => design("public-nat64")],
  ["private-nat64-endpoints", () => design("private-nat64-endpoints")],
  ["broken-nat64", () => design("broken-nat64")],
  ["mixed generated", mixedSnapshot],
  ["per-prefix filters", perPrefixSnapshot],
  ["endpoint in a client subnet", endpointSubnetSnapshot],
  ["NAT64 to IPv4 endpoints", nat64EndpointSnapshot],
  ["NAT gateway in a client subnet", natSubnetSnapshot],
];

/** Returns the path traced alone, with every hop and a memo of its own. */
function alone(snapshot: Snapshot, path: ServicePath): ServicePath {
  const index = new SnapshotIndex(snapshot);
  return tracePath(index, index.subnet(path.subnetId) as Subnet, path.service, path.required);
}

describe("ok hops", () => {
  it.each(SNAPSHOTS)("are the only hops left out (%s)", (_, make) => {
    const snapshot = make();
    const index = new SnapshotIndex(snapshot);
    const withOk = new TraceMemo();
    const withoutOk = new TraceMemo();
    let traced = 0;
    for (const subnet of consumerSubnets(index)) {
      for (const service of ["ssm", "ssmmessages", "kms", "s3"]) {
        const full = tracePath(index, subnet, service, true, withOk);
        const lean = tracePath(index, subnet, service, true, withoutOk, false);
        expect(printed(lean.hops)).toEqual(printed(full.hops.filter((hop) => hop.status !== "ok")));
        expect([lean.mode, lean.verdict, lean.endpoint, lean.nat]).toEqual([
          full.mode,
          full.verdict,
          full.endpoint,
          full.nat,
        ]);
        traced += 1;
      }
    }
    expect(traced).toBeGreaterThan(0);
  });

  it("come back on flagged paths", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const flagged = analysis.paths.filter((path) => !isClean(path));

    expect(flagged.length).toBeGreaterThan(0);
    for (const path of flagged) {
      const hops = printed(alone(snapshot, path).hops);
      // A path that stops at an unknown hop keeps every hop for the rules.
      const expected =
        path.verdict === "unknown" ? hops : hops.filter((hop) => hop.status !== "ok");
      expect(printed(path.hops)).toEqual(expected);
      expect(printed(analysis.withEveryHop(path).hops)).toEqual(hops);
    }
  });

  it("come back with withEveryHop", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const trimmed = analysis.paths.filter((path) => isClean(path) && path.hops.length === 0);

    expect(trimmed.length).toBeGreaterThan(0);
    for (const path of trimmed) {
      const hops = printed(alone(snapshot, path).hops);
      expect(hops.length).toBeGreaterThan(0);
      expect(printed(analysis.withEveryHop(path).hops)).toEqual(hops);
    }
  });

  it.each(SNAPSHOTS)("print on flagged paths in JSON (%s)", (_, make) => {
    const snapshot = make();
    const result = runLint([{ snapshot }], { settings: SETTINGS });
    const entries = JSON.parse(formatJson(result)).reachability as {
      subnetId: string;
      service: string;
      required: boolean;
      hops?: { status: string }[];
    }[];
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    const flagged = entries.filter((entry) => entry.hops !== undefined);

    for (const entry of flagged) {
      const path = analysis.path(entry.subnetId, entry.service) as ServicePath;
      const expected = JSON.parse(JSON.stringify(alone(snapshot, path).hops));
      expect(entry.hops).toEqual(expected);
    }
    if (flagged.length > 0) {
      expect(flagged.some((entry) => entry.hops!.some((hop) => hop.status === "ok"))).toBe(true);
    }
  });

  it("print on every path with everyPath", () => {
    const snapshot = mixedSnapshot();
    const early = runLint([{ snapshot }], { settings: SETTINGS, everyPath: true });
    const late = runLint([{ snapshot }], { settings: SETTINGS });
    const earlyReport = JSON.parse(formatJson(early, { everyPath: true }));
    const lateReport = JSON.parse(formatJson(late, { everyPath: true }));
    const entries = earlyReport.reachability as {
      subnetId: string;
      service: string;
      required: boolean;
      hops: unknown[];
    }[];

    expect(lateReport.reachability).toEqual(entries);
    const index = new SnapshotIndex(snapshot);
    for (const entry of entries) {
      const subnet = index.subnet(entry.subnetId) as Subnet;
      const path = tracePath(index, subnet, entry.service, entry.required);
      expect(entry.hops).toEqual(JSON.parse(JSON.stringify(path.hops)));
    }
  });

  it("print in explain of a clean path", () => {
    const snapshot = mixedSnapshot();
    const analysis = analyse(new SnapshotIndex(snapshot), SETTINGS);
    // A clean path that the analysis traced without its ok hops.
    const clean = analysis.paths.find((path) => isClean(path) && path.hops.length === 0)!;
    const { path } = explainPath(snapshot, SETTINGS, clean.subnetId, clean.service);
    const hops = alone(snapshot, clean).hops;

    expect(printed(path!.hops)).toEqual(printed(hops));
    const lines = formatExplain(path!, []).split("\n");
    expect(lines.filter((line) => / {2}ok {7}/.test(line))).toHaveLength(hops.length);
  });
});
