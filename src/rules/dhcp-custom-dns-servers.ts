import { defineRule } from "../engine/types.js";
import {
  isAmazonResolver,
  listIds,
  nameServersOf,
  reachableFromIpv6Only,
  resolverDependents,
  unknownNameServers,
} from "../index/dns.js";
import { isIpv6Only } from "../index/snapshot-index.js";

export default defineRule<"customServers" | "customServersFirst" | "noResolverForIpv6Only">({
  id: "dhcp-custom-dns-servers",
  title: "DHCP options send DNS queries past the Amazon-provided resolver",
  description:
    "DNS64 and the private DNS names of interface endpoints are answered only by the Route 53 " +
    "Resolver. Custom domain-name-servers bypass it unless they forward to it.",
  severity: "error",
  tags: ["dns", "dns64", "dhcp"],
  references: [
    {
      title: "DHCP option sets in Amazon VPC",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html",
    },
    {
      title: "Amazon DNS server",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
    },
    {
      title: "DNS64 and NAT64",
      url: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    },
    {
      title: "resolv.conf(5): name servers are queried in the order listed",
      url: "https://www.unix.com/man-page/linux/5/resolver",
    },
  ],
  requires: ["Vpcs", "DhcpOptions", "Subnets", "VpcEndpoints"],
  messages: {
    customServers: {
      severity: "warning",
      text:
        "VPC {vpcId} uses DHCP options {dhcpOptionsId} with domain-name-servers {servers} and no " +
        "AmazonProvidedDNS, which leaves {dependents} to those servers: they work only if the " +
        "servers forward to the Route 53 Resolver.",
      fix:
        "Add AmazonProvidedDNS to the DHCP options, or forward the servers' queries for AWS " +
        "names to a Route 53 Resolver inbound endpoint.",
    },
    customServersFirst: {
      severity: "warning",
      text:
        "VPC {vpcId} uses DHCP options {dhcpOptionsId} with domain-name-servers {servers}, " +
        "which list {custom} before {resolver}. Clients query the servers in that order and " +
        "try the next only after a timeout, which leaves {dependents} to {custom}: they work " +
        "only if those servers forward to the Route 53 Resolver, and lookups wait for the " +
        "timeout where those servers cannot be reached.",
      fix:
        "Create DHCP options that list {resolver} first and associate them, or make {custom} " +
        "forward queries for AWS names to a Route 53 Resolver inbound endpoint.",
    },
    noResolverForIpv6Only: {
      severity: "error",
      text:
        "VPC {vpcId} uses DHCP options {dhcpOptionsId} with domain-name-servers {servers}, none " +
        "of them AmazonProvidedDNS or an IPv6 address, so IPv6-only subnets {subnetIds} have no " +
        "resolver they can reach.",
      fix:
        "Create DHCP options with domain-name-servers AmazonProvidedDNS and associate them: aws " +
        "ec2 associate-dhcp-options --vpc-id {vpcId} --dhcp-options-id <new-id>.",
    },
  },
  check(context) {
    const { index } = context;
    for (const vpc of index.vpcs()) {
      const vpcId = vpc.VpcId as string;
      const optionsId = vpc.DhcpOptionsId ?? "default";
      const servers = nameServersOf(index, vpc);
      if (!servers) {
        context.unknown(vpcId, unknownNameServers(index, vpc));
        continue;
      }
      if (servers.length === 0) continue;
      const ipv6Only = index.subnetsOf(vpcId).filter(isIpv6Only);
      // The VPC base plus two is the Amazon resolver, but an IPv6-only subnet cannot reach it.
      const stranded = ipv6Only.length > 0 && !servers.some(reachableFromIpv6Only);
      // Clients query the first server and move on only after a timeout, so the Amazon resolver
      // resolves their queries only when it comes before every custom server.
      const resolverAt = servers.findIndex((server) => isAmazonResolver(server, vpc));
      if (!stranded && resolverAt === 0) continue;

      const { dns64Subnets, privateDnsEndpoints } = resolverDependents(index, vpcId);
      if (!stranded && dns64Subnets.length === 0 && privateDnsEndpoints.length === 0) continue;

      const dependents = [
        dns64Subnets.length
          ? `DNS64 in ${listIds(dns64Subnets.map((s) => s.SubnetId as string))}`
          : "",
        privateDnsEndpoints.length
          ? `private DNS of ${listIds(privateDnsEndpoints.map((e) => e.VpcEndpointId as string))}`
          : "",
      ].filter(Boolean);
      const subnetIds = ipv6Only.map((subnet) => subnet.SubnetId as string);
      let messageId: "noResolverForIpv6Only" | "customServers" | "customServersFirst" =
        "customServers";
      if (stranded) messageId = "noResolverForIpv6Only";
      else if (resolverAt > 0) messageId = "customServersFirst";
      context.report({
        messageId,
        data: {
          vpcId,
          dhcpOptionsId: optionsId,
          servers: servers.join(", "),
          dependents: dependents.join(" and "),
          subnetIds: listIds(subnetIds),
          ...(resolverAt > 0 && {
            custom: servers.slice(0, resolverAt).join(", "),
            resolver: servers[resolverAt] as string,
          }),
        },
        resource: index.ref("vpc", vpcId, vpcId, vpc.Tags),
        evidence: [
          { resourceId: vpcId, attribute: "DhcpOptionsId", value: optionsId },
          {
            resourceId: optionsId,
            attribute: "DhcpConfigurations[domain-name-servers]",
            value: servers,
          },
        ],
        related: [optionsId, ...(stranded ? subnetIds : [])],
      });
    }
  },
});
