import type { IpPermission, Route } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import type { RunResult } from "../../src/run.js";
import type { ManagedPrefixList, Snapshot } from "../../src/snapshot/types.js";
import { lint } from "./designs.js";

const IPV6_LIST = "pl-0a1b2c3d4e5f60101";
const IPV4_LIST = "pl-0a1b2c3d4e5f60102";
const TRANSIT_GATEWAY = "tgw-00000000000000001";

/**
 * Returns entries that contain some of the generated subnets' ranges, lie inside others and miss
 * the rest, so rules that name the lists admit some clients whole, some in part and some not.
 */
function prefixLists(subnets: number): ManagedPrefixList[] {
  const ipv6: string[] = [];
  const ipv4: string[] = [];
  for (let n = 0; n < subnets; n += 1) {
    const block = `2600:1f18:0:${n.toString(16)}`;
    if (n % 2 === 0) ipv6.push(`${block}::/64`);
    else if (n % 3 === 0) ipv6.push(`${block}:8000::/80`);
    ipv6.push(`2001:db8:${n.toString(16)}::/48`);
    ipv4.push(`100.64.${n % 256}.0/24`);
  }
  ipv4.push("10.0.0.0/24", "not-a-prefix");
  return [
    { PrefixListId: IPV6_LIST, AddressFamily: "IPv6", Entries: ipv6.map((Cidr) => ({ Cidr })) },
    { PrefixListId: IPV4_LIST, AddressFamily: "IPv4", Entries: ipv4.map((Cidr) => ({ Cidr })) },
  ];
}

/** Builds a benchmark snapshot whose security groups allow TCP 443 only to and from the lists. */
function groupsOnLists(subnets: number): Snapshot {
  const snapshot = generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: subnets });
  snapshot.ManagedPrefixLists = prefixLists(subnets);
  const rule = (): IpPermission => ({
    IpProtocol: "tcp",
    FromPort: 443,
    ToPort: 443,
    PrefixListIds: [{ PrefixListId: IPV6_LIST }, { PrefixListId: IPV4_LIST }],
  });
  for (const group of snapshot.SecurityGroups ?? []) {
    group.IpPermissions = [rule()];
    group.IpPermissionsEgress = [rule()];
  }
  return snapshot;
}

/** Replaces each rule's prefix lists by their entries, written as the rule's own ranges. */
function inlineLists(snapshot: Snapshot): Snapshot {
  const entries = (listId: string) =>
    (snapshot.ManagedPrefixLists ?? [])
      .find((list) => list.PrefixListId === listId)
      ?.Entries?.map((entry) => entry.Cidr as string) ?? [];
  const inline = (permission: IpPermission): IpPermission => {
    const { PrefixListIds: lists = [], ...rest } = permission;
    const cidrs = lists.flatMap((list) => entries(list.PrefixListId as string));
    return {
      ...rest,
      IpRanges: cidrs.filter((cidr) => !cidr.includes(":")).map((CidrIp) => ({ CidrIp })),
      Ipv6Ranges: cidrs.filter((cidr) => cidr.includes(":")).map((CidrIpv6) => ({ CidrIpv6 })),
    };
  };
  const copy = structuredClone(snapshot);
  for (const group of copy.SecurityGroups ?? []) {
    group.IpPermissions = group.IpPermissions?.map(inline);
    group.IpPermissionsEgress = group.IpPermissionsEgress?.map(inline);
  }
  return copy;
}

/** Builds a benchmark snapshot whose route tables send the lists to a transit gateway. */
function tablesOnLists(subnets: number): Snapshot {
  const snapshot = generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: subnets });
  snapshot.ManagedPrefixLists = prefixLists(subnets);
  // Entries inside 64:ff9b::/96 make each DNS64 table's NAT64 route lose part of its range.
  snapshot.ManagedPrefixLists[0]?.Entries?.push(
    { Cidr: "64:ff9b::a00:0/120" },
    { Cidr: "64:ff9b::a00:0/104" },
  );
  for (const table of snapshot.RouteTables ?? []) {
    for (const listId of [IPV6_LIST, IPV4_LIST]) {
      table.Routes?.push({
        DestinationPrefixListId: listId,
        TransitGatewayId: TRANSIT_GATEWAY,
        State: "active",
        Origin: "CreateRoute",
      });
    }
  }
  return snapshot;
}

/** Replaces each prefix-list route by one route per entry, as the lists' routes act. */
function expandListRoutes(snapshot: Snapshot): Snapshot {
  const copy = structuredClone(snapshot);
  const lists = new Map((copy.ManagedPrefixLists ?? []).map((list) => [list.PrefixListId, list]));
  for (const table of copy.RouteTables ?? []) {
    table.Routes = table.Routes?.flatMap((route): Route[] => {
      const listId = route.DestinationPrefixListId;
      if (!listId) return [route];
      const { DestinationPrefixListId: _, ...target } = route;
      return (lists.get(listId)?.Entries ?? []).map((entry) => {
        const cidr = entry.Cidr as string;
        return cidr.includes(":")
          ? { ...target, DestinationIpv6CidrBlock: cidr }
          : { ...target, DestinationCidrBlock: cidr };
      });
    });
  }
  return copy;
}

/** Wraps every prefix list's entries so that each read of an entry is counted. */
function countEntryReads(snapshot: Snapshot): { reads: number; entries: number } {
  const counter = { reads: 0, entries: 0 };
  for (const list of snapshot.ManagedPrefixLists ?? []) {
    const entries = list.Entries ?? [];
    counter.entries += entries.length;
    list.Entries = new Proxy(entries, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) counter.reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
  }
  return counter;
}

/** Returns each finding's rule, message, severity and resource, leaving out its words. */
function verdicts(result: RunResult): unknown[] {
  return result.findings.map((finding) => [
    finding.ruleId,
    finding.messageId,
    finding.severity,
    finding.resource.id,
  ]);
}

describe("prefix lists in security group rules", () => {
  it("decide as their entries written inline", () => {
    const snapshot = groupsOnLists(48);
    const listed = lint(snapshot);
    const inline = lint(inlineLists(snapshot));

    expect(listed.findings.length).toBeGreaterThan(0);
    expect(verdicts(listed)).toEqual(verdicts(inline));
    expect(listed.findings.map((finding) => finding.data)).toEqual(
      inline.findings.map((finding) => finding.data),
    );
  });

  it("are read once, not once per subnet", () => {
    const snapshot = groupsOnLists(64);
    const counter = countEntryReads(snapshot);
    lint(snapshot);

    // Indexing a list reads each entry once, and so does the index of IPv6 source classes.
    expect(counter.reads).toBeLessThanOrEqual(2 * counter.entries);
  });
});

describe("prefix lists in route tables", () => {
  it("route as one route per entry", () => {
    const snapshot = tablesOnLists(48);
    const listed = lint(snapshot);
    const expanded = lint(expandListRoutes(snapshot));

    expect(listed.findings.length).toBeGreaterThan(0);
    expect(verdicts(listed)).toEqual(verdicts(expanded));
  });

  it("are read once, not once per route table", () => {
    const snapshot = tablesOnLists(64);
    const counter = countEntryReads(snapshot);
    lint(snapshot);

    expect(counter.reads).toBeLessThanOrEqual(2 * counter.entries);
  });
});
