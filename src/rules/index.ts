/** Every rule, in alphabetical order of id. A test keeps this list, the files and the docs in step. */
import type { Rule } from "../engine/types.js";
import dhcpCustomDnsServers from "./dhcp-custom-dns-servers.js";
import dualstackNameNeedsClientSetting from "./dualstack-name-needs-client-setting.js";
import endpointAzCoverage from "./endpoint-az-coverage.js";
import endpointCouldBeDualstack from "./endpoint-could-be-dualstack.js";
import endpointDnsRecordsIpv4Only from "./endpoint-dns-records-ipv4-only.js";
import endpointNotAvailable from "./endpoint-not-available.js";
import endpointPrivateDnsDisabled from "./endpoint-private-dns-disabled.js";
import endpointSgBlocksIpv6Clients from "./endpoint-sg-blocks-ipv6-clients.js";
import endpointSgBlocksNat64Source from "./endpoint-sg-blocks-nat64-source.js";
import instanceImdsIpv6Disabled from "./instance-imds-ipv6-disabled.js";
import instanceSgEgressBlocksIpv6 from "./instance-sg-egress-blocks-ipv6.js";
import instanceSgEgressBlocksNat64 from "./instance-sg-egress-blocks-nat64.js";
import ipv6DefaultRouteMissing from "./ipv6-default-route-missing.js";
import naclBlocksNat64 from "./nacl-blocks-nat64.js";
import natGatewayInIpv6OnlySubnet from "./nat-gateway-in-ipv6-only-subnet.js";
import nat64CrossAz from "./nat64-cross-az.js";
import nat64RouteBlackhole from "./nat64-route-blackhole.js";
import nat64RouteMissing from "./nat64-route-missing.js";
import nat64RouteTargetInvalid from "./nat64-route-target-invalid.js";
import privateNat64ToPublicDestination from "./private-nat64-to-public-destination.js";
import publicNatSubnetNoIgwRoute from "./public-nat-subnet-no-igw-route.js";
import publicNat64LeaksServiceTraffic from "./public-nat64-leaks-service-traffic.js";
import routeOverridesNat64Prefix from "./route-overrides-nat64-prefix.js";
import s3GatewayEndpointNotOnNatPath from "./s3-gateway-endpoint-not-on-nat-path.js";
import snapshotIncomplete from "./snapshot-incomplete.js";
import ssmEndpointMissing from "./ssm-endpoint-missing.js";
import ssmInstanceNotOnline from "./ssm-instance-not-online.js";
import subnetDns64Disabled from "./subnet-dns64-disabled.js";
import vpcDnsHostnamesDisabled from "./vpc-dns-hostnames-disabled.js";
import vpcDnsSupportDisabled from "./vpc-dns-support-disabled.js";

export const RULES: readonly Rule[] = [
  dhcpCustomDnsServers,
  dualstackNameNeedsClientSetting,
  endpointAzCoverage,
  endpointCouldBeDualstack,
  endpointDnsRecordsIpv4Only,
  endpointNotAvailable,
  endpointPrivateDnsDisabled,
  endpointSgBlocksIpv6Clients,
  endpointSgBlocksNat64Source,
  instanceImdsIpv6Disabled,
  instanceSgEgressBlocksIpv6,
  instanceSgEgressBlocksNat64,
  ipv6DefaultRouteMissing,
  naclBlocksNat64,
  natGatewayInIpv6OnlySubnet,
  nat64CrossAz,
  nat64RouteBlackhole,
  nat64RouteMissing,
  nat64RouteTargetInvalid,
  privateNat64ToPublicDestination,
  publicNatSubnetNoIgwRoute,
  publicNat64LeaksServiceTraffic,
  routeOverridesNat64Prefix,
  s3GatewayEndpointNotOnNatPath,
  snapshotIncomplete,
  ssmEndpointMissing,
  ssmInstanceNotOnline,
  subnetDns64Disabled,
  vpcDnsHostnamesDisabled,
  vpcDnsSupportDisabled,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
