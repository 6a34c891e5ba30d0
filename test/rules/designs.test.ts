/** Whole designs run through every rule: what a working design must not trip, and enum casing. */
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/snapshot/types.js";
import {
  IDS,
  endpoint,
  instance,
  privateNat64,
  publicNat64,
  reservations,
  route,
  snapshot,
} from "../builder.js";
import { lintAll, lintRules } from "./harness.js";

/** The rules whose verdicts on these designs the designs pin; later rules judge more. */
const CORE_RULES = [
  "dhcp-custom-dns-servers",
  "endpoint-not-available",
  "endpoint-private-dns-disabled",
  "instance-imds-ipv6-disabled",
  "nat-gateway-in-ipv6-only-subnet",
  "nat64-route-blackhole",
  "nat64-route-missing",
  "nat64-route-target-invalid",
  "snapshot-incomplete",
  "ssm-endpoint-missing",
  "subnet-dns64-disabled",
  "vpc-dns-hostnames-disabled",
  "vpc-dns-support-disabled",
];

/** Fields whose values are AWS enums; published outputs spell some of them in other cases. */
const ENUM_FIELDS = new Set([
  "State",
  "Name",
  "ConnectivityType",
  "VpcEndpointType",
  "IpAddressType",
  "DnsRecordIpType",
  "HttpEndpoint",
  "HttpProtocolIpv6",
  "InterfaceType",
]);

/** Rewrites every enum value with a function, leaving ids and other strings alone. */
function recase(value: unknown, change: (text: string) => string, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => recase(item, change, key));
  if (typeof value === "string") return ENUM_FIELDS.has(key) ? change(value) : value;
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [name, recase(inner, change, name)]),
  );
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const upper = (text: string) => text.toUpperCase();

/** Returns what identifies each finding apart from its wording, which quotes values as given. */
function outcome(input: Snapshot) {
  const result = lintAll(input);
  return {
    findings: result.findings.map(
      (f) => `${f.ruleId}/${f.messageId}/${f.resource.id}/${f.fingerprint}`,
    ),
    skipped: result.skipped,
    executionErrors: result.executionErrors,
  };
}

describe("designs through every rule", () => {
  it("finds nothing in the public NAT64 design without endpoints", () => {
    const result = lintRules(CORE_RULES, snapshot(publicNat64()));
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it("finds nothing in the private NAT design with all endpoints", () => {
    const input = snapshot(privateNat64({ endpoints: ["ssm", "ssmmessages", "ec2messages"] }));
    const result = lintRules(CORE_RULES, input);
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  it.each([
    ["public NAT64 design without endpoints", snapshot(publicNat64())],
    [
      "private NAT design with all endpoints",
      snapshot(privateNat64({ endpoints: ["ssm", "ssmmessages", "ec2messages"] })),
    ],
  ])("finds nothing above info in the %s with all rules", (_name, input) => {
    const result = lintAll(input);
    expect(result.findings.filter((finding) => finding.severity !== "info")).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.executionErrors).toEqual([]);
  });

  const broken: { name: string; input: Snapshot }[] = [
    {
      name: "pending NAT gateway and IMDS without IPv6",
      input: snapshot({
        ...publicNat64({ natState: "pending" }),
        Reservations: reservations(
          instance({ id: "i-app1", subnet: IDS.v6Subnet, httpProtocolIpv6: "disabled" }),
        ),
      }),
    },
    {
      name: "blackhole NAT64 route and a pending endpoint",
      input: snapshot({
        ...publicNat64({
          natState: "deleted",
          nat64Route: route("64:ff9b::/96", IDS.nat, "blackhole"),
        }),
        VpcEndpoints: [
          endpoint({ id: "vpce-ssm", service: "ssm", state: "pendingAcceptance" }),
          endpoint({
            id: "vpce-kms",
            service: "kms",
            ipAddressType: "dualstack",
            dnsRecordIpType: "ipv4",
          }),
        ],
      }),
    },
    { name: "private NAT design without endpoints", input: snapshot(privateNat64()) },
  ];

  it.each(broken)("judges $name the same in any enum casing", ({ input }) => {
    const expected = outcome(input);
    expect(expected.findings.length).toBeGreaterThan(0);
    expect(outcome(recase(input, capitalise) as Snapshot)).toEqual(expected);
    expect(outcome(recase(input, upper) as Snapshot)).toEqual(expected);
  });
});
