import type { Subnet } from "@aws-sdk/client-ec2";
import { defineRule, type Evidence, type ResourceRef, type RuleContext } from "../engine/types.js";
import { usesOwnNameServers } from "../index/dns.js";
import { hasIpv6EndpointFor, usableEndpointsFor } from "../index/endpoints.js";
import { isNat64Route, nat64RouteOf, UNRESOLVED_PREFIX_LIST } from "../index/nat64.js";
import { describeRoute } from "../index/routes.js";
import { isIpv6Only, type SnapshotIndex } from "../index/snapshot-index.js";
import { requiredServicesOf } from "../reach/analysis.js";
import { dualStackName } from "../reach/catalog.js";

export default defineRule<"routesNat64" | "needsIpv4Services">({
  id: "subnet-dns64-disabled",
  title: "IPv6-only subnet needs IPv4 destinations but DNS64 is off",
  description:
    "An IPv6-only subnet reaches IPv4-only names only through addresses that DNS64 synthesises. " +
    "With EnableDns64 false the resolver returns A records alone, which its instances cannot use.",
  severity: "error",
  tags: ["dns64", "ipv6-only", "dns"],
  references: [
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
    {
      title: "ModifySubnetAttribute: EnableDns64",
      url: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html",
    },
  ],
  requires: ["Subnets", "RouteTables"],
  messages: {
    routesNat64: {
      severity: "error",
      text:
        "Subnet {subnetId} is IPv6-only and routes {route}, but EnableDns64 is false, so no " +
        "name resolves to a 64:ff9b:: address and the NAT64 route carries no traffic.",
      fix:
        "Turn DNS64 on: aws ec2 modify-subnet-attribute --subnet-id {subnetId} --enable-dns64 " +
        "(CloudFormation EnableDns64, Terraform enable_dns64).",
    },
    needsIpv4Services: {
      severity: "error",
      text:
        "Subnet {subnetId} is IPv6-only with EnableDns64 false, and its workloads need " +
        "{services}, which resolve only to IPv4 addresses here, so they cannot connect.",
      fix:
        "Turn DNS64 on and route 64:ff9b::/96 to a NAT gateway: aws ec2 modify-subnet-attribute " +
        "--subnet-id {subnetId} --enable-dns64. Or create dual-stack interface endpoints with " +
        "IPv6 DNS records for {services}.",
    },
  },
  check(context) {
    const { index } = context;
    for (const subnet of index.subnets()) {
      if (!isIpv6Only(subnet) || subnet.EnableDns64 === true) continue;
      const subnetId = subnet.SubnetId as string;
      if (subnet.EnableDns64 === undefined) {
        context.unknown(subnetId, "EnableDns64 is not in the snapshot");
        continue;
      }

      // AWS supports NAT64 with a DNS64 server of your own, which custom name servers may be.
      if (usesOwnNameServers(index, subnet.VpcId as string)) continue;

      const resource = index.ref("subnet", subnetId, subnet.VpcId, subnet.Tags);
      const evidence = [{ resourceId: subnetId, attribute: "EnableDns64", value: false }];
      const route = nat64RouteOf(index, subnet);
      // Routes inside 64:ff9b::/96, such as two /97 routes, route NAT64 traffic too.
      const nat64Route = route?.parts.find((part) => isNat64Route(part.route))?.route;
      if (route && nat64Route) {
        const routeTableId = route.table.RouteTableId as string;
        context.report({
          messageId: "routesNat64",
          data: { subnetId, route: describeRoute(nat64Route) },
          resource,
          evidence: [
            ...evidence,
            {
              resourceId: routeTableId,
              attribute: "Routes[64:ff9b::/96]",
              value: describeRoute(nat64Route),
            },
          ],
          related: [routeTableId],
        });
        continue;
      }
      // needsIpv4Services applies whatever the routes are. Without it, a prefix list whose entries
      // were not collected may still route 64:ff9b::/96 to a NAT gateway, which routesNat64 reports.
      const reported = reportIpv4Services(context, subnet, resource, evidence);
      if (!reported && route && route.unresolvedPrefixLists.length > 0) {
        context.unknown(subnetId, UNRESOLVED_PREFIX_LIST);
      }
    }
  },
});

/**
 * Reports needsIpv4Services for an IPv6-only subnet without DNS64 whose workloads need services
 * that it reaches only over IPv4. Returns whether it reported.
 */
function reportIpv4Services(
  context: RuleContext,
  subnet: Subnet,
  resource: ResourceRef,
  evidence: Evidence[],
): boolean {
  const { index } = context;
  const subnetId = subnet.SubnetId as string;
  const hostsWorkloads = index.hostsWorkloads(subnetId);
  if (hostsWorkloads === undefined) context.unknown(subnetId, "its workloads are unknown");
  if (hostsWorkloads !== true) return false;

  const vpcId = subnet.VpcId as string;
  const endpointsUnknown = index.endpointsUnknown(vpcId);
  if (endpointsUnknown) {
    context.unknown(subnetId, endpointsUnknown);
    return false;
  }

  const services: string[] = [];
  const undecided: string[] = [];
  for (const service of requiredServicesOf(index, context.settings, subnet)) {
    if (usesDualStackName(index, vpcId, service)) continue;
    const ipv6Endpoint = hasIpv6EndpointFor(index, vpcId, service);
    if (ipv6Endpoint === undefined) undecided.push(service);
    else if (!ipv6Endpoint) services.push(service);
  }
  if (undecided.length > 0) {
    context.unknown(
      subnetId,
      `the DNS record types of the endpoints for ${undecided.join(", ")} are not in the snapshot`,
    );
  }
  if (services.length === 0) return false;

  context.report({
    messageId: "needsIpv4Services",
    data: { subnetId, services: services.join(", ") },
    resource,
    evidence,
    related: [vpcId],
  });
  return true;
}

/**
 * Tells whether the path checks send a service to its public dual-stack name: it has one and the
 * VPC has no usable endpoint for it. dualstack-name-needs-client-setting reports that path.
 */
function usesDualStackName(index: SnapshotIndex, vpcId: string, service: string): boolean {
  if (dualStackName(service, index.region) === undefined) return false;
  return usableEndpointsFor(index, vpcId, service).length === 0;
}
