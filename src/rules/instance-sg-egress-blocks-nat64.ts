import { workloadEgressRule } from "../reach/egress-rule.js";

export default workloadEgressRule({
  id: "instance-sg-egress-blocks-nat64",
  title: "Workload security groups allow no HTTPS egress to the NAT64 prefix",
  description:
    "Traffic to DNS64 addresses leaves the instance as IPv6 to 64:ff9b::/96. An egress rule for " +
    "0.0.0.0/0 does not cover it, so the connection never reaches the NAT gateway.",
  tags: ["ipv6-only", "nat64", "security-group"],
  someAddressesReference: {
    title: "CreateVpcEndpoint: PrivateDnsEnabled (AWS SDK for Kotlin API reference)",
    url: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ec2/aws.sdk.kotlin.services.ec2.model/-create-vpc-endpoint-request/private-dns-enabled.html",
  },
});
