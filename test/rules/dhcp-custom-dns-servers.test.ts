import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import { dhcpOptions, endpoint, snapshot, subnet, vpc } from "../builder.js";
import { type ExpectedFinding, expectFindings, lintRule, ref } from "./harness.js";

const RULE = "dhcp-custom-dns-servers";

/** Builds a VPC that uses DHCP options `dopt-custom` with the given servers. */
function customDns(servers: string[], extra: Partial<Snapshot> = {}): Snapshot {
  return snapshot({
    Vpcs: [vpc({ dhcpOptionsId: "dopt-custom", name: "app" })],
    DhcpOptions: [dhcpOptions("dopt-custom", servers)],
    ...extra,
  });
}

const dualStackDns64 = subnet({ id: "subnet-ds", kind: "dual-stack", dns64: true });
const ipv6Only = subnet({ id: "subnet-v6", kind: "ipv6-only", dns64: true, block: 2 });

const flagged: { name: string; input: Snapshot; findings: ExpectedFinding[] }[] = [
  {
    name: "IPv4 name servers with an IPv6-only subnet",
    input: customDns(["10.0.0.53", "10.0.1.53"], { Subnets: [dualStackDns64, ipv6Only] }),
    findings: [
      {
        ruleId: RULE,
        messageId: "noResolverForIpv6Only",
        severity: "error",
        message:
          "VPC vpc-0a11 uses DHCP options dopt-custom with domain-name-servers 10.0.0.53, " +
          "10.0.1.53, none of them AmazonProvidedDNS or an IPv6 address, so IPv6-only subnets " +
          "subnet-v6 have no resolver they can reach.",
        resource: ref("vpc", "vpc-0a11", { name: "app" }),
        evidence: [
          { resourceId: "vpc-0a11", attribute: "DhcpOptionsId", value: "dopt-custom" },
          {
            resourceId: "dopt-custom",
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: ["10.0.0.53", "10.0.1.53"],
          },
        ],
        related: ["dopt-custom", "subnet-v6"],
        fix:
          "Create DHCP options with domain-name-servers AmazonProvidedDNS and associate them: " +
          "aws ec2 associate-dhcp-options --vpc-id vpc-0a11 --dhcp-options-id <new-id>.",
      },
    ],
  },
  {
    name: "custom name servers with DNS64 and a private DNS endpoint",
    input: customDns(["10.0.0.53"], {
      Subnets: [dualStackDns64],
      VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm" })],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "customServers",
        severity: "warning",
        message:
          "VPC vpc-0a11 uses DHCP options dopt-custom with domain-name-servers 10.0.0.53 and no " +
          "AmazonProvidedDNS, which leaves DNS64 in subnet-ds and private DNS of vpce-ssm to " +
          "those servers: they work only if the servers forward to the Route 53 Resolver.",
        resource: ref("vpc", "vpc-0a11", { name: "app" }),
        evidence: [
          { resourceId: "vpc-0a11", attribute: "DhcpOptionsId", value: "dopt-custom" },
          {
            resourceId: "dopt-custom",
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: ["10.0.0.53"],
          },
        ],
        related: ["dopt-custom"],
      },
    ],
  },
  {
    name: "IPv6 name server with an IPv6-only subnet",
    input: customDns(["2001:db8:1a::53"], { Subnets: [ipv6Only] }),
    findings: [
      {
        ruleId: RULE,
        messageId: "customServers",
        severity: "warning",
        message:
          "VPC vpc-0a11 uses DHCP options dopt-custom with domain-name-servers 2001:db8:1a::53 " +
          "and no AmazonProvidedDNS, which leaves DNS64 in subnet-v6 to those servers: they " +
          "work only if the servers forward to the Route 53 Resolver.",
        resource: ref("vpc", "vpc-0a11", { name: "app" }),
        evidence: [
          { resourceId: "vpc-0a11", attribute: "DhcpOptionsId", value: "dopt-custom" },
          {
            resourceId: "dopt-custom",
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: ["2001:db8:1a::53"],
          },
        ],
        related: ["dopt-custom"],
      },
    ],
  },
  {
    name: "custom server before AmazonProvidedDNS with DNS64 and a private DNS endpoint",
    input: customDns(["10.0.0.53", "AmazonProvidedDNS"], {
      Subnets: [dualStackDns64, ipv6Only],
      VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm" })],
    }),
    findings: [
      {
        ruleId: RULE,
        messageId: "customServersFirst",
        severity: "warning",
        message:
          "VPC vpc-0a11 uses DHCP options dopt-custom with domain-name-servers 10.0.0.53, " +
          "AmazonProvidedDNS, which list 10.0.0.53 before AmazonProvidedDNS. Clients query the " +
          "servers in that order and try the next only after a timeout, which leaves DNS64 in " +
          "subnet-ds, subnet-v6 and private DNS of vpce-ssm to 10.0.0.53: they work only if " +
          "those servers forward to the Route 53 Resolver, and lookups wait for the timeout " +
          "where those servers cannot be reached.",
        resource: ref("vpc", "vpc-0a11", { name: "app" }),
        evidence: [
          { resourceId: "vpc-0a11", attribute: "DhcpOptionsId", value: "dopt-custom" },
          {
            resourceId: "dopt-custom",
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: ["10.0.0.53", "AmazonProvidedDNS"],
          },
        ],
        related: ["dopt-custom"],
        fix:
          "Create DHCP options that list AmazonProvidedDNS first and associate them, or make " +
          "10.0.0.53 forward queries for AWS names to a Route 53 Resolver inbound endpoint.",
      },
    ],
  },
  {
    name: "two custom servers before the VPC base address plus two",
    input: customDns(["10.0.0.53", "10.0.1.53", "10.0.0.2"], { Subnets: [dualStackDns64] }),
    findings: [
      {
        ruleId: RULE,
        messageId: "customServersFirst",
        severity: "warning",
        message:
          "VPC vpc-0a11 uses DHCP options dopt-custom with domain-name-servers 10.0.0.53, " +
          "10.0.1.53, 10.0.0.2, which list 10.0.0.53, 10.0.1.53 before 10.0.0.2. Clients query " +
          "the servers in that order and try the next only after a timeout, which leaves DNS64 " +
          "in subnet-ds to 10.0.0.53, 10.0.1.53: they work only if those servers forward to the " +
          "Route 53 Resolver, and lookups wait for the timeout where those servers cannot be " +
          "reached.",
        resource: ref("vpc", "vpc-0a11", { name: "app" }),
        evidence: [
          { resourceId: "vpc-0a11", attribute: "DhcpOptionsId", value: "dopt-custom" },
          {
            resourceId: "dopt-custom",
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: ["10.0.0.53", "10.0.1.53", "10.0.0.2"],
          },
        ],
        related: ["dopt-custom"],
      },
    ],
  },
];

const accepted: { name: string; input: Snapshot }[] = [
  { name: "AmazonProvidedDNS", input: customDns(["AmazonProvidedDNS"], { Subnets: [ipv6Only] }) },
  {
    name: "custom servers after AmazonProvidedDNS",
    input: customDns(["AmazonProvidedDNS", "10.0.0.53"], {
      Subnets: [dualStackDns64, ipv6Only],
      VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm" })],
    }),
  },
  {
    name: "custom servers after the VPC base address plus two",
    input: customDns(["10.0.0.2", "10.0.0.53"], { Subnets: [dualStackDns64] }),
  },
  {
    name: "custom server first with nothing relying on the Amazon resolver",
    input: customDns(["10.0.0.53", "AmazonProvidedDNS"], {
      Subnets: [subnet({ id: "subnet-ds", kind: "dual-stack" })],
      VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false })],
    }),
  },
  {
    name: "VPC base address plus two with a dual-stack subnet",
    input: customDns(["10.0.0.2"], { Subnets: [dualStackDns64] }),
  },
  {
    name: "link-local Route 53 Resolver addresses",
    input: customDns(["169.254.169.253", "fd00:ec2::253"], { Subnets: [ipv6Only] }),
  },
  {
    name: "custom servers with nothing relying on the Amazon resolver",
    input: customDns(["10.0.0.53"], {
      Subnets: [subnet({ id: "subnet-ds", kind: "dual-stack" })],
      VpcEndpoints: [endpoint({ id: "vpce-ssm", service: "ssm", privateDns: false })],
    }),
  },
  {
    name: "VPC without DHCP options",
    input: snapshot({ Vpcs: [vpc({ dhcpOptionsId: "default" })], Subnets: [ipv6Only] }),
  },
];

describe(RULE, () => {
  it.each(flagged)("flags $name", ({ input, findings }) => {
    const result = lintRule(RULE, input);
    expectFindings(result.findings, findings);
    expect(result.skipped).toEqual([]);
  });

  it.each(accepted)("accepts $name", ({ input }) => {
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("skips a VPC whose DHCP options are not in the snapshot", () => {
    const input = customDns(["10.0.0.53"], { DhcpOptions: [], Subnets: [ipv6Only] });
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        ruleId: RULE,
        reason: "DHCP options dopt-custom are not in the snapshot",
        resourceIds: ["vpc-0a11"],
      },
    ]);
  });
});

describe(`${RULE} with missing attributes`, () => {
  const gaps: { name: string; remove: (input: Snapshot) => void; reason: string }[] = [
    {
      name: "a VPC without DhcpOptionsId",
      remove: (input) => delete input.Vpcs?.[0]?.DhcpOptionsId,
      reason: "DhcpOptionsId of vpc-0a11 is not in the snapshot",
    },
    {
      name: "DHCP options without DhcpConfigurations",
      remove: (input) => delete input.DhcpOptions?.[0]?.DhcpConfigurations,
      reason: "DhcpConfigurations of dopt-custom is not in the snapshot",
    },
    {
      name: "domain-name-servers without Values",
      remove: (input) => {
        const entry = input.DhcpOptions?.[0]?.DhcpConfigurations?.find(
          (item) => item.Key === "domain-name-servers",
        );
        delete entry?.Values;
      },
      reason: "the Values of domain-name-servers in dopt-custom are not in the snapshot",
    },
  ];

  it.each(gaps)("skips $name", ({ remove, reason }) => {
    const input = customDns(["10.0.0.53"], { Subnets: [ipv6Only] });
    remove(input);
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([{ ruleId: RULE, reason, resourceIds: ["vpc-0a11"] }]);
  });

  it("accepts DHCP options without domain-name-servers", () => {
    const input = customDns(["10.0.0.53"], { Subnets: [ipv6Only] });
    const options = input.DhcpOptions?.[0];
    if (options) options.DhcpConfigurations = [{ Key: "domain-name", Values: [{ Value: "corp" }] }];
    const result = lintRule(RULE, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });
});

describe(`${RULE} and the VPC base address plus two`, () => {
  it("flags it for an IPv6-only subnet", () => {
    const result = lintRule(RULE, customDns(["10.0.0.2"], { Subnets: [ipv6Only] }));
    expect(result.findings.map((finding) => finding.messageId)).toEqual(["noResolverForIpv6Only"]);
    expect(result.findings[0]?.data.servers).toBe("10.0.0.2");
  });
});
