import type { NetworkAcl, NetworkAclEntry, SecurityGroup } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { SnapshotIndex } from "../../src/index/snapshot-index.js";
import { cidrContains, parseCidr, type Cidr } from "../../src/net/cidr.js";
import { evaluateAcl, groupsAllow, undecidedClause } from "../../src/reach/filters.js";

const cidr = (text: string) => parseCidr(text) as Cidr;
const aclAllows = (...args: Parameters<typeof evaluateAcl>) => evaluateAcl(...args).decision;
const aclDeniedPorts = (...args: Parameters<typeof evaluateAcl>) =>
  evaluateAcl(...args).deniedPorts;

function index(prefixLists: { PrefixListId: string; Entries?: { Cidr: string }[] }[] = []) {
  return new SnapshotIndex({ ManagedPrefixLists: prefixLists });
}

function egress(...permissions: SecurityGroup["IpPermissionsEgress"] & object): SecurityGroup {
  return { GroupId: "sg-0a1b2c3d4e5f60099", IpPermissions: [], IpPermissionsEgress: permissions };
}

describe("security group evaluation", () => {
  const cases: [string, SecurityGroup, string, string[] | undefined, string][] = [
    [
      "all traffic to ::/0 covers the NAT64 prefix",
      egress({ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
      "64:ff9b::/96",
      undefined,
      "allow",
    ],
    [
      "an IPv4 rule does not cover an IPv6 peer",
      egress({ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }),
      "64:ff9b::/96",
      undefined,
      "deny",
    ],
    [
      "a port range that holds 443 allows it",
      egress({
        IpProtocol: "tcp",
        FromPort: 400,
        ToPort: 500,
        Ipv6Ranges: [{ CidrIpv6: "64:ff9b::/96" }],
      }),
      "64:ff9b::/96",
      undefined,
      "allow",
    ],
    [
      "a port range without 443 denies it",
      egress({ IpProtocol: "tcp", FromPort: 80, ToPort: 80, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
      "64:ff9b::/96",
      undefined,
      "deny",
    ],
    [
      "an ICMP-only rule does not carry TCP",
      egress({
        IpProtocol: "icmpv6",
        FromPort: -1,
        ToPort: -1,
        Ipv6Ranges: [{ CidrIpv6: "::/0" }],
      }),
      "64:ff9b::/96",
      undefined,
      "deny",
    ],
    [
      "a UDP rule does not carry TCP",
      egress({ IpProtocol: "udp", FromPort: 0, ToPort: 65535, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
      "64:ff9b::/96",
      undefined,
      "deny",
    ],
    [
      "a narrower IPv6 range does not cover the whole prefix",
      egress({ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "64:ff9b::a00:0/104" }] }),
      "64:ff9b::/96",
      undefined,
      "deny",
    ],
    [
      "protocol number 6 is TCP",
      egress({ IpProtocol: "6", FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
      "64:ff9b::/96",
      undefined,
      "allow",
    ],
    [
      "a group reference matches a peer carrying the group",
      egress({ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-0a1b2c3d4e5f60001" }] }),
      "10.0.0.10/32",
      ["sg-0a1b2c3d4e5f60001"],
      "allow",
    ],
    [
      "a group reference does not match a NAT gateway address",
      egress({ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-0a1b2c3d4e5f60001" }] }),
      "10.0.0.10/32",
      [],
      "deny",
    ],
    [
      "a rule with IPv4 and IPv6 ranges covers both families",
      egress({
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: "10.0.0.0/8" }],
        Ipv6Ranges: [{ CidrIpv6: "64:ff9b::/96" }],
      }),
      "10.1.2.3/32",
      undefined,
      "allow",
    ],
  ];
  it.each(cases)("%s", (_name, group, peer, groupIds, verdict) => {
    const decision = groupsAllow(
      index(),
      [group],
      "egress",
      { cidr: cidr(peer), ...(groupIds && { groupIds }) },
      443,
    );
    expect(decision.verdict).toBe(verdict);
  });

  it("resolves prefix list entries in a rule", () => {
    const group = egress({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f60001" }],
    });
    const lists = [{ PrefixListId: "pl-0a1b2c3d4e5f60001", Entries: [{ Cidr: "64:ff9b::/96" }] }];
    expect(
      groupsAllow(index(lists), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443).verdict,
    ).toBe("allow");
  });

  it("returns unknown for a prefix list whose entries were not collected", () => {
    const group = egress({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      PrefixListIds: [{ PrefixListId: "pl-0a1b2c3d4e5f60002" }],
    });
    const decision = groupsAllow(index(), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443);
    expect(decision).toEqual({
      verdict: "unknown",
      unresolvedPrefixLists: ["pl-0a1b2c3d4e5f60002"],
      portlessGroups: [],
      unlistedGroups: [],
    });
  });

  it("returns unknown for a group without rule list", () => {
    const group: SecurityGroup = { GroupId: "sg-0a1b2c3d4e5f60009", IpPermissions: [] };
    const decision = groupsAllow(index(), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443);
    expect(decision.verdict).toBe("unknown");
    expect(decision.unlistedGroups).toEqual(["sg-0a1b2c3d4e5f60009"]);
    expect(undecidedClause(decision)).toBe(
      "the rules of sg-0a1b2c3d4e5f60009, which are not in the snapshot, allow it",
    );
  });

  it("denies for a group with empty rule list", () => {
    const group: SecurityGroup = { GroupId: "sg-0a1b2c3d4e5f60009", IpPermissionsEgress: [] };
    const decision = groupsAllow(index(), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443);
    expect(decision.verdict).toBe("deny");
  });

  it("returns unknown for a matching TCP rule without ports", () => {
    const group = egress({ IpProtocol: "tcp", Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
    const decision = groupsAllow(index(), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443);
    expect(decision.verdict).toBe("unknown");
    expect(decision.portlessGroups).toEqual([group.GroupId]);
    expect(undecidedClause(decision)).toBe(
      `the TCP rules of ${group.GroupId} that have no ports cover port 443`,
    );
  });

  it.each([
    ["allows", { IpProtocol: "-1" }, "allow"],
    ["allows", { IpProtocol: "tcp", FromPort: 0, ToPort: 65535 }, "allow"],
    ["denies", { IpProtocol: "tcp", FromPort: 80, ToPort: 80 }, "deny"],
    ["ignores", { IpProtocol: "udp" }, "deny"],
  ])("%s a rule %j that has its ports", (_, rule, verdict) => {
    const group = egress({ ...rule, Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
    const decision = groupsAllow(index(), [group], "egress", { cidr: cidr("64:ff9b::/96") }, 443);
    expect(decision.verdict).toBe(verdict);
  });

  it("lets a rule with ports decide before a portless one", () => {
    const portless = egress({ IpProtocol: "tcp", Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
    const open = egress({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    });
    const decision = groupsAllow(
      index(),
      [portless, open],
      "egress",
      { cidr: cidr("64:ff9b::/96") },
      443,
    );
    expect(decision.verdict).toBe("allow");
  });

  it("allows when any of several groups allows", () => {
    const closed = egress();
    const open = egress({ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
    expect(
      groupsAllow(index(), [closed, open], "egress", { cidr: cidr("64:ff9b::/96") }, 443).verdict,
    ).toBe("allow");
  });
});

/** A small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Builds an ACL from plain entries; the SDK's enum types would reject the lower-case wire values. */
function acl(...entries: object[]): NetworkAcl {
  return { NetworkAclId: "acl-0a1b2c3d4e5f60099", Entries: entries as NetworkAclEntry[] };
}

describe("network ACL evaluation", () => {
  const allowAll6 = {
    RuleNumber: 100,
    Protocol: "-1",
    RuleAction: "allow",
    Egress: false,
    Ipv6CidrBlock: "::/0",
  };
  const denyAll6 = {
    RuleNumber: 32768,
    Protocol: "-1",
    RuleAction: "deny",
    Egress: false,
    Ipv6CidrBlock: "::/0",
  };

  it("allows when an allow-all rule comes first", () => {
    expect(aclAllows(acl(allowAll6, denyAll6), false, cidr("64:ff9b::/96"), 443, 443)).toEqual({
      verdict: "allow",
    });
  });

  it("lets the lower rule number win over a later allow", () => {
    const deny = {
      RuleNumber: 50,
      Protocol: "6",
      RuleAction: "deny",
      Egress: false,
      Ipv6CidrBlock: "::/0",
      PortRange: { From: 443, To: 443 },
    };
    expect(aclAllows(acl(allowAll6, deny), false, cidr("64:ff9b::/96"), 443, 443)).toEqual({
      verdict: "deny",
      ruleNumber: 50,
    });
  });

  it("denies by the implicit rule when no entry matches the family", () => {
    const allow4 = {
      RuleNumber: 100,
      Protocol: "-1",
      RuleAction: "allow",
      Egress: false,
      CidrBlock: "0.0.0.0/0",
    };
    expect(aclAllows(acl(allow4), false, cidr("64:ff9b::/96"), 443, 443)).toEqual({
      verdict: "deny",
      ruleNumber: "*",
    });
  });

  it("denies a reply port range only partly allowed", () => {
    const partial = {
      RuleNumber: 100,
      Protocol: "6",
      RuleAction: "allow",
      Egress: false,
      CidrBlock: "0.0.0.0/0",
      PortRange: { From: 1024, To: 32767 },
    };
    const final = {
      RuleNumber: 32767,
      Protocol: "-1",
      RuleAction: "deny",
      Egress: false,
      CidrBlock: "0.0.0.0/0",
    };
    expect(aclAllows(acl(partial, final), false, cidr("10.0.0.0/24"), 1024, 65535)).toEqual({
      verdict: "deny",
      ruleNumber: 32767,
    });
  });

  it("allows a port range covered by two rules together", () => {
    const low = {
      RuleNumber: 100,
      Protocol: "6",
      RuleAction: "allow",
      Egress: true,
      CidrBlock: "0.0.0.0/0",
      PortRange: { From: 1024, To: 32767 },
    };
    const high = {
      RuleNumber: 110,
      Protocol: "6",
      RuleAction: "allow",
      Egress: true,
      CidrBlock: "0.0.0.0/0",
      PortRange: { From: 32768, To: 65535 },
    };
    expect(aclAllows(acl(low, high), true, cidr("10.0.0.0/24"), 1024, 65535)).toEqual({
      verdict: "allow",
    });
  });

  it("ignores entries of the other direction", () => {
    const egressOnly = { ...allowAll6, Egress: true };
    expect(aclAllows(acl(egressOnly), false, cidr("64:ff9b::/96"), 443, 443).verdict).toBe("deny");
  });

  it("notes a deny that covers part of the peer", () => {
    const half = {
      RuleNumber: 50,
      Protocol: "-1",
      RuleAction: "deny",
      Egress: false,
      Ipv6CidrBlock: "2001:db8:0:1::/65",
    };
    const decision = aclAllows(acl(half, allowAll6), false, cidr("2001:db8:0:1::/64"), 443, 443);

    expect(decision).toEqual({
      verdict: "allow",
      partlyDenied: { ruleNumber: 50, range: "2001:db8:0:1::/65" },
    });
  });

  it("passes over a partial deny an earlier allow covers", () => {
    const allowHalf = {
      RuleNumber: 40,
      Protocol: "-1",
      RuleAction: "allow",
      Egress: false,
      Ipv6CidrBlock: "2001:db8:0:1::/65",
    };
    const denyHalf = { ...allowHalf, RuleNumber: 50, RuleAction: "deny" };
    const decision = aclAllows(
      acl(allowHalf, denyHalf, allowAll6),
      false,
      cidr("2001:db8:0:1::/64"),
      443,
      443,
    );

    expect(decision).toEqual({ verdict: "allow" });
  });

  it("ignores a deny for a range that does not contain the peer", () => {
    const narrow = {
      RuleNumber: 50,
      Protocol: "-1",
      RuleAction: "deny",
      Egress: false,
      Ipv6CidrBlock: "2001:db8::/32",
    };
    expect(aclAllows(acl(narrow, allowAll6), false, cidr("64:ff9b::/96"), 443, 443).verdict).toBe(
      "allow",
    );
  });
});

describe("network ACL rules that split the peer", () => {
  const rule = (ruleNumber: number, action: string, range: string, ports?: [number, number]) => ({
    RuleNumber: ruleNumber,
    Protocol: ports ? "6" : "-1",
    RuleAction: action,
    Egress: true,
    ...(range.includes(":") ? { Ipv6CidrBlock: range } : { CidrBlock: range }),
    ...(ports && { PortRange: { From: ports[0], To: ports[1] } }),
  });
  const denyAll6 = rule(32768, "deny", "::/0");
  const denyAll4 = rule(32767, "deny", "0.0.0.0/0");

  it("allows the NAT64 prefix covered by two /97 rules", () => {
    const entries = [rule(100, "allow", "64:ff9b::/97"), rule(110, "allow", "64:ff9b::8000:0/97")];
    const decision = aclAllows(acl(...entries, denyAll6), true, cidr("64:ff9b::/96"), 443, 443);

    expect(decision).toEqual({ verdict: "allow" });
  });

  it("allows a /64 covered by two /65 rules", () => {
    const entries = [
      rule(100, "allow", "2001:db8:0:1::/65"),
      rule(110, "allow", "2001:db8:0:1:8000::/65"),
    ];
    const peer = cidr("2001:db8:0:1::/64");

    expect(aclAllows(acl(...entries, denyAll6), true, peer, 32768, 61000)).toEqual({
      verdict: "allow",
    });
    expect(aclDeniedPorts(acl(...entries, denyAll6), true, peer, 32768, 61000).ports).toEqual([]);
  });

  it("allows an IPv4 range covered by two /25 rules", () => {
    const entries = [rule(100, "allow", "10.0.1.0/25"), rule(110, "allow", "10.0.1.128/25")];
    const decision = aclAllows(acl(...entries, denyAll4), true, cidr("10.0.1.0/24"), 443, 443);

    expect(decision).toEqual({ verdict: "allow" });
  });

  it("names the half no rule allows", () => {
    const decision = aclAllows(
      acl(rule(100, "allow", "64:ff9b::/97"), denyAll6),
      true,
      cidr("64:ff9b::/96"),
      443,
      443,
    );

    expect(decision).toEqual({
      verdict: "allow",
      partlyDenied: { ruleNumber: 32768, range: "64:ff9b::8000:0/97" },
    });
  });

  it("names the half a later deny decides", () => {
    const entries = [
      rule(100, "allow", "2001:db8:0:1::/65"),
      rule(110, "deny", "::/0"),
      rule(120, "allow", "::/0"),
    ];
    const decision = aclAllows(acl(...entries), true, cidr("2001:db8:0:1::/64"), 443, 443);

    expect(decision).toEqual({
      verdict: "allow",
      partlyDenied: { ruleNumber: 110, range: "2001:db8:0:1:8000::/65" },
    });
  });

  it("names the ports a half is denied on", () => {
    const entries = [
      rule(100, "allow", "2001:db8:0:1::/65"),
      rule(110, "allow", "::/0", [32768, 40000]),
    ];
    const decision = aclAllows(
      acl(...entries, denyAll6),
      true,
      cidr("2001:db8:0:1::/64"),
      32768,
      61000,
    );

    expect(decision).toEqual({
      verdict: "allow",
      partlyDenied: { ruleNumber: 32768, range: "2001:db8:0:1:8000::/65", ports: [40001, 61000] },
    });
  });

  it("denies when the halves are denied by different rules", () => {
    const entries = [rule(100, "deny", "64:ff9b::/97"), rule(110, "deny", "64:ff9b::8000:0/97")];
    const peer = cidr("64:ff9b::/96");
    const denied = aclDeniedPorts(
      acl(...entries, rule(120, "allow", "::/0")),
      true,
      peer,
      443,
      443,
    );

    expect(aclAllows(acl(...entries), true, peer, 443, 443)).toEqual({
      verdict: "deny",
      ruleNumber: 100,
    });
    expect(denied).toEqual({ ports: [443, 443], ruleNumber: 100 });
  });

  it("keeps a port block of the whole peer apart from a partial one", () => {
    const entries = [
      rule(100, "deny", "::/0", [32768, 40000]),
      rule(110, "deny", "2001:db8:0:1::/65"),
      rule(120, "allow", "::/0"),
    ];
    const peer = cidr("2001:db8:0:1::/64");

    expect(aclAllows(acl(...entries), true, peer, 32768, 61000)).toEqual({
      verdict: "deny",
      ruleNumber: 100,
      partlyDenied: { ruleNumber: 110, range: "2001:db8:0:1::/65", ports: [40001, 61000] },
    });
    expect(aclDeniedPorts(acl(...entries), true, peer, 32768, 61000)).toEqual({
      ports: [32768, 40000],
      ruleNumber: 100,
    });
  });

  const HALF = "2001:db8:0:1::/65";
  const OTHER_HALF = "2001:db8:0:1:8000::/65";

  // Ports 45000-50000 in the last case are denied for every address, and the rest of each rule
  // denies one half.
  it.each([
    {
      name: "some ports of the whole peer by one rule",
      denials: [rule(100, "deny", "::/0", [40000, 50000])],
      decision: { verdict: "deny", ruleNumber: 100 },
      denied: { ports: [40000, 50000], ruleNumber: 100 },
    },
    {
      name: "ports that two halves deny together",
      denials: [
        rule(100, "deny", HALF, [40000, 50000]),
        rule(110, "deny", OTHER_HALF, [40000, 50000]),
      ],
      decision: { verdict: "deny", ruleNumber: 100 },
      denied: { ports: [40000, 50000], ruleNumber: 100 },
    },
    {
      name: "other ports in each half",
      denials: [
        rule(100, "deny", HALF, [40000, 45000]),
        rule(110, "deny", OTHER_HALF, [50000, 55000]),
      ],
      decision: {
        verdict: "allow",
        partlyDenied: { ruleNumber: 100, range: HALF, ports: [40000, 45000] },
      },
      denied: { ports: [], ruleNumber: "*" },
    },
    {
      name: "overlapping ports in each half",
      denials: [
        rule(100, "deny", HALF, [40000, 50000]),
        rule(110, "deny", OTHER_HALF, [45000, 55000]),
      ],
      decision: {
        verdict: "deny",
        ruleNumber: 100,
        partlyDenied: { ruleNumber: 100, range: HALF, ports: [40000, 44999] },
      },
      denied: { ports: [45000, 50000], ruleNumber: 100 },
    },
  ])("classifies denials of $name", ({ denials, decision, denied }) => {
    const entries = [...denials, rule(120, "allow", "::/0")];
    const peer = cidr("2001:db8:0:1::/64");

    expect(aclAllows(acl(...entries), true, peer, 32768, 61000)).toEqual(decision);
    expect(aclDeniedPorts(acl(...entries), true, peer, 32768, 61000)).toEqual(denied);
  });

  /** Prefixes around the peer 10.0.0.0/28: containing it, inside it, or beside it. */
  const RANGES = [
    "0.0.0.0/0",
    "10.0.0.0/28",
    "10.0.0.0/29",
    "10.0.0.8/29",
    "10.0.0.4/30",
    "10.0.0.12/30",
    "10.0.0.5/32",
    "10.0.0.16/28",
  ];

  /** Decides each address and port of the peer on its own: the first matching rule wins. */
  function pairByPair(entries: readonly NetworkAclEntry[], from: number, to: number) {
    const sorted = [...entries].sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
    const denied = new Map<string, number | "*">();
    for (let host = 0; host < 16; host += 1) {
      const address = cidr(`10.0.0.${host}/32`);
      for (let port = from; port <= to; port += 1) {
        const match = sorted.find(
          (entry) =>
            cidrContains(cidr(entry.CidrBlock as string), address) &&
            (entry.PortRange?.From ?? 0) <= port &&
            port <= (entry.PortRange?.To ?? 65535),
        );
        if (match?.RuleAction === "allow") continue;
        denied.set(`${host} ${port}`, match?.RuleNumber ?? "*");
      }
    }
    return denied;
  }

  it("agrees with a pair-by-pair evaluation", () => {
    const next = random(5);
    const peer = cidr("10.0.0.0/28");
    for (let round = 0; round < 300; round += 1) {
      const entries: object[] = [];
      const count = 1 + Math.floor(next() * 5);
      for (let position = 0; position < count; position += 1) {
        const low = Math.floor(next() * 30);
        const range = RANGES[Math.floor(next() * RANGES.length)] as string;
        const action = next() < 0.3 ? "deny" : "allow";
        entries.push(
          rule(10 * (position + 1), action, range, [low, low + Math.floor(next() * 20)]),
        );
      }
      const from = Math.floor(next() * 20);
      const to = from + Math.floor(next() * 20);
      const context = JSON.stringify({ entries, from, to });
      const denied = pairByPair(entries as NetworkAclEntry[], from, to);
      const decision = aclAllows(acl(...entries), true, peer, from, to);
      const ports = aclDeniedPorts(acl(...entries), true, peer, from, to);
      const pairs = 16 * (to - from + 1);

      if (denied.size === 0) expect(decision, context).toEqual({ verdict: "allow" });
      if (denied.size === pairs) {
        expect(decision.verdict, context).toBe("deny");
        expect(ports.ports, context).toEqual([from, to]);
      }
      if (denied.size > 0 && denied.size < pairs) {
        expect(decision.partlyDenied ?? ports.ports.length > 0, context).toBeTruthy();
      }
      // aclDeniedPorts lists exactly the ports denied for every address, by whichever rules.
      const everywhere: number[] = [];
      for (let port = from; port <= to; port += 1) {
        let hosts = 0;
        for (let host = 0; host < 16; host += 1) if (denied.has(`${host} ${port}`)) hosts += 1;
        if (hosts < 16) continue;
        if (everywhere.at(-1) === port - 1) everywhere[everywhere.length - 1] = port;
        else everywhere.push(port, port);
      }
      const inEverywhere = (port: number) =>
        everywhere.some(
          (low, position) => position % 2 === 0 && low <= port && port <= everywhere[position + 1]!,
        );
      if (denied.size < pairs) expect(ports.ports, context).toEqual(everywhere);
      // A deny verdict names the lowest-numbered rule that denies a pair on one of those ports.
      const deciding = [...denied]
        .filter(([pair]) => inEverywhere(Number(pair.split(" ")[1])))
        .map(([, ruleNumber]) => ruleNumber);
      const numbered = deciding.filter((ruleNumber): ruleNumber is number => ruleNumber !== "*");
      if (denied.size < pairs && everywhere.length > 0) {
        expect(decision.verdict, context).toBe("deny");
        expect(decision.ruleNumber, context).toBe(numbered.length ? Math.min(...numbered) : "*");
      }
      if (everywhere.length === 0) expect(decision.verdict, context).toBe("allow");
      // partlyDenied is there exactly when a pair is denied on a port some address may use.
      const elsewhere = [...denied.keys()].some(
        (pair) => !inEverywhere(Number(pair.split(" ")[1])),
      );
      if (denied.size < pairs) expect(decision.partlyDenied !== undefined, context).toBe(elsewhere);
      // Every pair partlyDenied names is denied by the rule it names.
      const part = decision.partlyDenied;
      if (!part) continue;
      const partPorts = part.ports ?? [from, to];
      for (let position = 0; position < partPorts.length; position += 2) {
        for (let port = partPorts[position]!; port <= partPorts[position + 1]!; port += 1) {
          expect(inEverywhere(port), `${context} ${port}`).toBe(false);
        }
      }
      for (const prefix of part.range.split(", ").map(cidr)) {
        for (let host = 0; host < 16; host += 1) {
          if (!cidrContains(prefix, cidr(`10.0.0.${host}/32`))) continue;
          for (let position = 0; position < partPorts.length; position += 2) {
            for (let port = partPorts[position]!; port <= partPorts[position + 1]!; port += 1) {
              expect(denied.get(`${host} ${port}`), `${context} ${host} ${port}`).toBe(
                part.ruleNumber,
              );
            }
          }
        }
      }
    }
  });
});

describe("network ACL port ranges", () => {
  /**
   * Decides one port at a time: the first rule covering a port decides it. A denied range names
   * the lowest-numbered deny rule that decides one of its ports, else the implicit rule.
   */
  function portByPort(entries: NetworkAclEntry[], from: number, to: number) {
    const sorted = [...entries].sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
    const denials: (number | "*")[] = [];
    for (let port = from; port <= to; port += 1) {
      const rule = sorted.find((entry) => {
        const range = entry.PortRange;
        return !range || ((range.From ?? 0) <= port && port <= (range.To ?? 65535));
      });
      if (!rule) denials.push("*");
      else if (rule.RuleAction === "deny") denials.push(rule.RuleNumber as number);
    }
    if (denials.length === 0) return { verdict: "allow", ruleNumber: undefined };
    const numbered = denials.filter((rule): rule is number => rule !== "*");
    return { verdict: "deny", ruleNumber: numbered.length ? Math.min(...numbered) : "*" };
  }

  /** Builds up to five TCP rules on ports 0-59 for 0.0.0.0/0, a third of them deny rules. */
  function randomEntries(next: () => number): NetworkAclEntry[] {
    const entries: NetworkAclEntry[] = [];
    const count = 1 + Math.floor(next() * 5);
    for (let position = 0; position < count; position += 1) {
      const low = Math.floor(next() * 40);
      entries.push({
        RuleNumber: 10 * (position + 1),
        Protocol: "6",
        RuleAction: next() < 0.3 ? "deny" : "allow",
        Egress: false,
        CidrBlock: "0.0.0.0/0",
        PortRange: { From: low, To: low + Math.floor(next() * 20) },
      });
    }
    return entries;
  }

  /** Returns the ports of `from`..`to` the first covering rule denies, as flat [low, high] pairs. */
  function deniedPortByPort(entries: NetworkAclEntry[], from: number, to: number): number[] {
    const sorted = [...entries].sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
    const denied: number[] = [];
    for (let port = from; port <= to; port += 1) {
      const rule = sorted.find(
        (entry) => (entry.PortRange?.From ?? 0) <= port && port <= (entry.PortRange?.To ?? 65535),
      );
      if (rule?.RuleAction === "allow") continue;
      if (denied.at(-1) === port - 1) denied[denied.length - 1] = port;
      else denied.push(port, port);
    }
    return denied;
  }

  it("finds the denied ports of a range as a port-by-port evaluation does", () => {
    const next = random(11);
    for (let round = 0; round < 300; round += 1) {
      const entries = randomEntries(next);
      const from = Math.floor(next() * 30);
      const to = from + Math.floor(next() * 20);
      const expected = portByPort(entries, from, to);
      const denied = aclDeniedPorts(acl(...entries), false, cidr("10.0.0.0/24"), from, to);
      const context = JSON.stringify({ entries, from, to });

      expect(denied.ports, context).toEqual(deniedPortByPort(entries, from, to));
      if (expected.verdict === "deny") expect(denied.ruleNumber, context).toBe(expected.ruleNumber);
    }
  });

  it("finds Windows ports a Linux-range rule misses", () => {
    const linuxRange = {
      RuleNumber: 100,
      Protocol: "6",
      RuleAction: "allow",
      Egress: false,
      Ipv6CidrBlock: "::/0",
      PortRange: { From: 32768, To: 61000 },
    };
    const denied = aclDeniedPorts(acl(linuxRange), false, cidr("2001:db8::/64"), 49152, 65535);

    expect(denied).toEqual({ ports: [61001, 65535], ruleNumber: "*" });
  });

  it("matches a port-by-port evaluation", () => {
    const next = random(7);
    for (let round = 0; round < 300; round += 1) {
      const entries = randomEntries(next);
      const from = Math.floor(next() * 30);
      const to = from + Math.floor(next() * 20);
      const expected = portByPort(entries, from, to);
      const decision = aclAllows(acl(...entries), false, cidr("10.0.0.0/24"), from, to);

      expect(
        { verdict: decision.verdict, ruleNumber: decision.ruleNumber },
        JSON.stringify({ entries, from, to }),
      ).toEqual({ verdict: expected.verdict, ruleNumber: expected.ruleNumber });
    }
  });
});
