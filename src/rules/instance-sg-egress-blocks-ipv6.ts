import { workloadEgressRule } from "../reach/egress-rule.js";

export default workloadEgressRule({
  id: "instance-sg-egress-blocks-ipv6",
  title: "Workload security groups allow no HTTPS egress to an IPv6 service",
  description:
    "A service reached over native IPv6, through a dual-stack endpoint or public name, needs an " +
    "IPv6 egress rule. Rules for IPv4 ranges do not cover it.",
  tags: ["ipv6-only", "security-group"],
  someAddressesReference: {
    title: "CreateVpcEndpoint: PrivateDnsEnabled (AWS SDK for Kotlin API reference)",
    url: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ec2/aws.sdk.kotlin.services.ec2.model/-create-vpc-endpoint-request/private-dns-enabled.html",
  },
});
