/** The string formats the snapshot schema uses, shared by the runtime and the prebuilt validator. */
import { isCidrText, parseIpv4 } from "../net/cidr.js";

export const formats = {
  ipv4: (text: string) => parseIpv4(text) !== undefined,
  cidr: isCidrText,
  "cidr-or-empty": (text: string) => text === "" || isCidrText(text),
};
