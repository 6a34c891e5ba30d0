import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../../scripts/bench/generate.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import { lint } from "./designs.js";

const FORWARD_RULE = "rslvr-rr-0a1b2c3d4e5f60001";

/**
 * Builds a benchmark VPC without interface endpoints, associated with private hosted zones and
 * Resolver rules for other names and, last, a forwarding rule for amazonaws.com, which covers
 * every AWS service name.
 */
function hubSpoke(subnets: number, others: number): Snapshot {
  const snapshot = generateSnapshot({ seed: 3, vpcs: 1, subnetsPerVpc: subnets });
  const vpcId = snapshot.Vpcs?.[0]?.VpcId as string;
  const endpointInterfaces = new Set(
    (snapshot.VpcEndpoints ?? []).flatMap((endpoint) => endpoint.NetworkInterfaceIds ?? []),
  );
  snapshot.VpcEndpoints = snapshot.VpcEndpoints?.filter(
    (endpoint) => endpoint.VpcEndpointType !== "Interface",
  );
  snapshot.NetworkInterfaces = snapshot.NetworkInterfaces?.filter(
    (eni) => !endpointInterfaces.has(eni.NetworkInterfaceId as string),
  );
  const rule = (id: string, domain: string) => {
    snapshot.ResolverRules?.push({ Id: id, DomainName: domain, RuleType: "FORWARD" });
    snapshot.ResolverRuleAssociations?.push({ ResolverRuleId: id, VPCId: vpcId });
  };
  for (let n = 0; n < others; n += 1) {
    snapshot.HostedZones?.push({
      HostedZoneId: `Z0A11${n}`,
      Name: `team${n}.example.`,
      VpcId: vpcId,
    });
    rule(`rslvr-rr-0a11${n}`, `site${n}.example.`);
  }
  rule(FORWARD_RULE, "amazonaws.com.");
  return snapshot;
}

/** Counts reads of the names of the snapshot's hosted zones and Resolver rules. */
function countNameReads(snapshot: Snapshot): { reads: number } {
  const counter = { reads: 0 };
  const counted = <T extends object>(item: T, field: string): T =>
    new Proxy(item, {
      get(target, key, receiver) {
        if (key === field) counter.reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
  snapshot.HostedZones = snapshot.HostedZones?.map((zone) => counted(zone, "Name"));
  snapshot.ResolverRules = snapshot.ResolverRules?.map((rule) => counted(rule, "DomainName"));
  return counter;
}

describe("hosted zones and Resolver rules", () => {
  it("resolve every subnet's paths", () => {
    const result = lint(hubSpoke(32, 20));
    const paths = result.reachability({ everyPath: true });
    const forwarded = paths.filter((path) =>
      path.hops?.some((hop) => hop.kind === "dns" && hop.resourceId === FORWARD_RULE),
    );

    expect(paths.length).toBeGreaterThan(0);
    expect(forwarded.length).toBe(paths.length);
  });

  it("are read per name, not per subnet", () => {
    const snapshot = hubSpoke(64, 20);
    const counter = countNameReads(snapshot);
    const names = (snapshot.HostedZones?.length ?? 0) + (snapshot.ResolverRules?.length ?? 0);
    lint(snapshot);

    // Each of the three Session Manager names is resolved once for the VPC, however many subnets
    // it has, and the rule that matches is read a few times more for its text.
    expect(counter.reads).toBeLessThanOrEqual(4 * names);
  });
});
