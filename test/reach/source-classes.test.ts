import { describe, expect, it } from "vitest";
import { parseCidr, type Cidr } from "../../src/net/cidr.js";
import { SourceClasses, ipv6RuleRanges } from "../../src/reach/source-classes.js";
import type { Snapshot } from "../../src/snapshot/types.js";

const cidr = (text: string) => parseCidr(text) as Cidr;

function classes(...ranges: string[]): SourceClasses {
  return new SourceClasses(ranges.map(cidr));
}

describe("source classes", () => {
  it("match sources inside the same ranges", () => {
    const found = classes("::/0", "2600:1f18:4c2::/48", "10.0.0.0/8");
    const first = found.classOf(cidr("2600:1f18:4c2:b201::/64"));
    expect(first).toBeDefined();
    expect(found.classOf(cidr("2600:1f18:4c2:b202::/64"))).toBe(first);
  });

  it("tell apart a named source", () => {
    const found = classes("::/0", "2600:1f18:4c2:b202::/64");
    expect(found.classOf(cidr("2600:1f18:4c2:b202::/64"))).not.toBe(
      found.classOf(cidr("2600:1f18:4c2:b203::/64")),
    );
  });

  it("tell apart sources outside a range", () => {
    const found = classes("2600:1f18:4c2::/48");
    expect(found.classOf(cidr("2600:1f18:4c2:b202::/64"))).not.toBe(
      found.classOf(cidr("2600:1f18:4c3:b202::/64")),
    );
  });

  it("treat equal prefix texts alike", () => {
    const source = cidr("2600:1f18:4c2:1::/64");
    const twice = classes("2600:1f18:4c2::/48", "2600:1f18:04c2:0::/48");
    expect(twice.classOf(source)).toBe(classes("2600:1f18:4c2::/48").classOf(source));
  });

  it("give no class around inner ranges", () => {
    const found = classes("::/0", "2600:1f18:4c2:b202::10/128");
    expect(found.classOf(cidr("2600:1f18:4c2:b202::/64"))).toBeUndefined();
    expect(found.classOf(cidr("2600:1f18:4c2:b203::/64"))).toBeDefined();
  });

  it("give no class to IPv4 sources", () => {
    expect(classes("10.0.0.0/8").classOf(cidr("10.1.0.0/16"))).toBeUndefined();
  });
});

describe("IPv6 rule ranges", () => {
  it("come from every snapshot filter", () => {
    const snapshot: Snapshot = {
      SnapshotVersion: 1,
      NetworkAcls: [
        {
          NetworkAclId: "acl-1",
          Entries: [
            { RuleNumber: 1, Ipv6CidrBlock: "2600:1f18::/32" },
            { RuleNumber: 2, CidrBlock: "10.0.0.0/8" },
          ],
        },
      ],
      SecurityGroups: [
        {
          GroupId: "sg-1",
          IpPermissions: [{ IpProtocol: "tcp", Ipv6Ranges: [{ CidrIpv6: "2600:1f18:1::/48" }] }],
          IpPermissionsEgress: [
            { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }, { CidrIpv6: "not a prefix" }] },
          ],
        },
      ],
      ManagedPrefixLists: [
        {
          PrefixListId: "pl-1",
          Entries: [{ Cidr: "2600:1f18:2::/48" }, { Cidr: "52.216.0.0/15" }],
        },
      ],
    };
    expect(ipv6RuleRanges(snapshot).map((range) => range.text)).toEqual([
      "2600:1f18::/32",
      "2600:1f18:1::/48",
      "::/0",
      "2600:1f18:2::/48",
    ]);
  });
});
