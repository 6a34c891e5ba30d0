/** The string formats the snapshot schema uses, shared by the runtime and the prebuilt validator. */
import { cidrTextFamily, isCidrText, parseIpv4 } from "../net/cidr.js";

const ipv4Cidr = (text: string) => cidrTextFamily(text) === 4;
const ipv6Cidr = (text: string) => cidrTextFamily(text) === 6;

/**
 * An ISO 8601 date, or date and time with a time zone. Without a zone, Date.parse reads a time in
 * the machine's own zone, so the copy a merge keeps would depend on where vpc-lint runs.
 */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/;

export const formats = {
  id: (text: string) => text !== "",
  "date-time": (text: string) => ISO_TIME.test(text) && !Number.isNaN(Date.parse(text)),
  ipv4: (text: string) => parseIpv4(text) !== undefined,
  cidr: isCidrText,
  "ipv4-cidr": ipv4Cidr,
  "ipv6-cidr": ipv6Cidr,
  "ipv4-cidr-or-empty": (text: string) => text === "" || ipv4Cidr(text),
  "ipv6-cidr-or-empty": (text: string) => text === "" || ipv6Cidr(text),
};
