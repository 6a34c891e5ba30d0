/**
 * The analysis runs each check once per subnet, VPC or endpoint and lets later paths reuse the
 * hops. These tests trace every path again on its own and expect the same hops, so a check whose
 * memo key leaves out one of its inputs fails here.
 */
import type { Subnet } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import { SnapshotIndex, ipv6Blocks } from "../../src/index/snapshot-index.js";
import { analyse } from "../../src/reach/analysis.js";
import { tracePath } from "../../src/reach/trace.js";
import type { ServicePath } from "../../src/reach/types.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { design } from "./designs.js";

const SETTINGS = { requiredServices: ["kms", "logs", "s3"] };

function printed(path: ServicePath) {
  return path.hops.map((hop) => ({ ...hop.toJSON(), owner: hop.owner, facts: hop.facts }));
}

/** Expects every analysed path to match the same path traced alone, with no hops shared. */
function expectSameAsAlone(snapshot: Snapshot): ServicePath[] {
  const index = new SnapshotIndex(snapshot);
  const paths = analyse(index, SETTINGS).allPaths();
  expect(paths.length).toBeGreaterThan(0);
  for (const path of paths) {
    const subnet = index.subnet(path.subnetId) as Subnet;
    const alone = tracePath(new SnapshotIndex(snapshot), subnet, path.service, path.required);
    expect({ subnet: path.subnetId, service: path.service, hops: printed(path) }).toEqual({
      subnet: alone.subnetId,
      service: alone.service,
      hops: printed(alone),
    });
    expect([path.mode, path.verdict]).toEqual([alone.mode, alone.verdict]);
  }
  return paths;
}

describe("hops shared between paths", () => {
  it.each(["public-nat64", "private-nat64-endpoints", "broken-nat64"] as const)(
    "match paths traced alone in the %s example",
    (name) => {
      expectSameAsAlone(design(name));
    },
  );

  it("match whether optional paths are traced early or late", () => {
    const snapshot = generateSnapshot({ seed: 9, vpcs: 1, subnetsPerVpc: 60 });
    const late = analyse(new SnapshotIndex(snapshot), SETTINGS).allPaths();
    const early = analyse(new SnapshotIndex(snapshot), SETTINGS, { everyPath: true }).allPaths();

    expect(late.some((path) => !path.required)).toBe(true);
    expect(early.map(printed)).toEqual(late.map(printed));
    expect(early.map((path) => path.subnetId)).toEqual(late.map((path) => path.subnetId));
  });

  it("match paths traced alone in a generated VPC", () => {
    // Its subnets share route tables and network ACLs.
    const snapshot = generateSnapshot({ seed: 7, vpcs: 2, subnetsPerVpc: 40 });
    // One endpoint in fewer subnets than the others, so the endpoints' legs differ.
    const endpoint = snapshot.VpcEndpoints!.find((item) => (item.SubnetIds?.length ?? 0) > 1)!;
    endpoint.SubnetIds = endpoint.SubnetIds!.slice(1);
    expectSameAsAlone(snapshot);
  });

  it("keep the reply ports of Windows workloads to their subnets", () => {
    const snapshot = generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 40 });
    // Subnets of both kinds share network ACLs that admit IPv6 replies on the Linux range only.
    for (const acl of snapshot.NetworkAcls!) {
      acl.Entries = acl.Entries!.map((entry) =>
        !entry.Egress && entry.Ipv6CidrBlock && entry.RuleAction === "allow"
          ? { ...entry, Protocol: "6", PortRange: { From: 32768, To: 61000 } }
          : entry,
      );
      acl.Entries.push({
        RuleNumber: 99,
        Protocol: "6",
        RuleAction: "allow",
        Egress: false,
        Ipv6CidrBlock: "::/0",
        PortRange: { From: 443, To: 443 },
      });
    }
    const instances = snapshot.Reservations!.flatMap((reservation) => reservation.Instances!);
    instances.forEach((instance, position) => {
      if (position % 3 === 0) instance.Platform = "windows" as typeof instance.Platform;
    });

    const paths = expectSameAsAlone(snapshot);
    const windowsWarnings = paths.filter((path) =>
      path.hops.some(
        (hop) => hop.status === "warning" && hop.text.includes("reply to Windows instances"),
      ),
    );
    const clean = paths.filter((path) => path.hops.every((hop) => hop.status === "ok"));
    expect(windowsWarnings.length).toBeGreaterThan(0);
    expect(clean.length).toBeGreaterThan(0);
  });

  it("keep a network ACL deny that matches one subnet's block to that subnet", () => {
    const snapshot = generateSnapshot({ seed: 7, vpcs: 1, subnetsPerVpc: 40 });
    const index = new SnapshotIndex(snapshot);
    const paths = analyse(index, SETTINGS).paths.filter((path) => path.mode === "endpoint-ipv6");
    // Two consumers whose paths cross into the same endpoint subnet, hence into one ACL.
    const target = paths[0]!.endpoint!.SubnetIds![0]!;
    const [victim, neighbour] = [
      ...new Set(
        paths
          .filter((path) => path.endpoint?.SubnetIds?.includes(target))
          .map((path) => path.subnetId),
      ),
    ];
    expect(neighbour).toBeDefined();
    const victimBlock = ipv6Blocks(index.subnet(victim!)!)[0]!.text;
    const acl = snapshot.NetworkAcls!.find((item) =>
      item.Associations?.some((association) => association.SubnetId === target),
    )!;
    acl.Entries!.push({
      RuleNumber: 1,
      Protocol: "6",
      RuleAction: "deny",
      Egress: false,
      Ipv6CidrBlock: victimBlock,
      PortRange: { From: 443, To: 443 },
    });

    const after = expectSameAsAlone(snapshot);
    const verdicts = (subnetId: string) =>
      new Set(
        after
          .filter(
            (path) => path.subnetId === subnetId && path.endpoint?.SubnetIds?.includes(target),
          )
          .map((path) => path.verdict),
      );
    expect(verdicts(victim!)).toEqual(new Set(["unreachable"]));
    expect(verdicts(neighbour!)).toEqual(new Set(["reachable"]));
  });

  it("keep a known endpoint address to its own endpoint", () => {
    const snapshot = generateSnapshot({ seed: 5, vpcs: 1, subnetsPerVpc: 8 });
    const ssm = snapshot.VpcEndpoints!.find((item) => item.ServiceName!.endsWith(".ssm"))!;
    // One interface of the ssm endpoint has an address. The others have none, so every
    // endpoint's addresses are approximate, and the ACLs deny HTTPS to that address alone.
    const eni = snapshot.NetworkInterfaces!.find(
      (item) => item.NetworkInterfaceId === ssm.NetworkInterfaceIds![0],
    )!;
    const block = ipv6Blocks(new SnapshotIndex(snapshot).subnet(eni.SubnetId!)!)[0]!;
    const address = block.text.replace("::/64", "::e5");
    eni.Ipv6Addresses = [{ Ipv6Address: address, IsPrimaryIpv6: true }];
    for (const acl of snapshot.NetworkAcls!) {
      acl.Entries = [
        ...acl.Entries!,
        {
          RuleNumber: 10,
          Protocol: "6",
          RuleAction: "deny",
          Egress: true,
          Ipv6CidrBlock: `${address}/128`,
          PortRange: { From: 443, To: 443 },
        },
      ];
    }

    const paths = expectSameAsAlone(snapshot);
    const denials = (service: string) =>
      paths
        .filter((path) => path.service === service && path.mode === "endpoint-ipv6")
        .flatMap((path) => path.hops.filter((hop) => hop.owner === "nacl-blocks-nat64"))
        .map((hop) => hop.text);
    expect(denials("ssm").some((text) => text.includes(`to ${address})`))).toBe(true);
    expect(denials("ssmmessages").some((text) => text.includes(`to ${address})`))).toBe(false);
  });

  it("name each endpoint whose subnets are missing", () => {
    const snapshot = generateSnapshot({ seed: 5, vpcs: 1, subnetsPerVpc: 8 });
    const endpoints = snapshot.VpcEndpoints!.filter((item) => item.VpcEndpointType === "Interface");
    for (const endpoint of endpoints) {
      endpoint.SubnetIds = [...endpoint.SubnetIds!, "subnet-0ffffffffffffffff"];
    }

    const paths = expectSameAsAlone(snapshot);
    const missing = paths
      .filter((path) => path.mode === "endpoint-ipv6")
      .flatMap((path) => path.hops.filter((hop) => hop.text.includes("are not in the snapshot")));
    expect(new Set(missing.map((hop) => hop.resourceId)).size).toBeGreaterThan(1);
  });
});
