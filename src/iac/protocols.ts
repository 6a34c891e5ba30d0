/** IP protocol names as DescribeSecurityGroups reports them. */

/** Protocol numbers that EC2 reports by name in security group rules. */
const NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** Normalises a protocol: `6` becomes `tcp`, `all` and `-1` become `-1`, names are lower-cased. */
export function protocolName(protocol: string | number): string {
  const text = String(protocol).trim().toLowerCase();
  if (text === "all" || text === "-1") return "-1";
  return NAMES[text] ?? text;
}

/** Protocol numbers as DescribeNetworkAcls reports them: `tcp` becomes `6`, `all` becomes `-1`. */
export function protocolNumber(protocol: string | number): string {
  const text = protocolName(protocol);
  const entry = Object.entries(NAMES).find(([, name]) => name === text);
  return entry ? entry[0] : text;
}
