/** The string formats the snapshot schema uses, shared by the runtime and the prebuilt validator. */
import { cidrTextFamily, isCidrText, parseIpv4 } from "../net/cidr.js";

const ipv4Cidr = (text: string) => cidrTextFamily(text) === 4;
const ipv6Cidr = (text: string) => cidrTextFamily(text) === 6;

export const formats = {
  ipv4: (text: string) => parseIpv4(text) !== undefined,
  cidr: isCidrText,
  "ipv4-cidr": ipv4Cidr,
  "ipv6-cidr": ipv6Cidr,
  "ipv4-cidr-or-empty": (text: string) => text === "" || ipv4Cidr(text),
  "ipv6-cidr-or-empty": (text: string) => text === "" || ipv6Cidr(text),
};
