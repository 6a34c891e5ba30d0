/** Every rule, in alphabetical order of id. A test keeps this list, the files and the docs in step. */
import type { Rule } from "../engine/types.js";
import dhcpCustomDnsServers from "./dhcp-custom-dns-servers.js";
import endpointNotAvailable from "./endpoint-not-available.js";
import endpointPrivateDnsDisabled from "./endpoint-private-dns-disabled.js";
import instanceImdsIpv6Disabled from "./instance-imds-ipv6-disabled.js";
import natGatewayInIpv6OnlySubnet from "./nat-gateway-in-ipv6-only-subnet.js";
import nat64RouteBlackhole from "./nat64-route-blackhole.js";
import nat64RouteMissing from "./nat64-route-missing.js";
import nat64RouteTargetInvalid from "./nat64-route-target-invalid.js";
import snapshotIncomplete from "./snapshot-incomplete.js";
import ssmEndpointMissing from "./ssm-endpoint-missing.js";
import subnetDns64Disabled from "./subnet-dns64-disabled.js";
import vpcDnsHostnamesDisabled from "./vpc-dns-hostnames-disabled.js";
import vpcDnsSupportDisabled from "./vpc-dns-support-disabled.js";

export const RULES: readonly Rule[] = [
  dhcpCustomDnsServers,
  endpointNotAvailable,
  endpointPrivateDnsDisabled,
  instanceImdsIpv6Disabled,
  natGatewayInIpv6OnlySubnet,
  nat64RouteBlackhole,
  nat64RouteMissing,
  nat64RouteTargetInvalid,
  snapshotIncomplete,
  ssmEndpointMissing,
  subnetDns64Disabled,
  vpcDnsHostnamesDisabled,
  vpcDnsSupportDisabled,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
