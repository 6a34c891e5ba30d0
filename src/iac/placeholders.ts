/**
 * Stand-ins for values that exist only after deployment: resource ids derived from the name the
 * input gives a resource, and IPv6 prefixes carved from the documentation range 2001:db8::/32.
 */
import { createHash } from "node:crypto";
import { formatIp, formatIpv6, parseCidr, type Cidr } from "../net/cidr.js";

/** The documentation range of RFC 3849; no deployed VPC uses it, so a placeholder is recognisable. */
export const PLACEHOLDER_IPV6_RANGE = "2001:db8::/32";

const RANGE = parseCidr(PLACEHOLDER_IPV6_RANGE) as Cidr;

/**
 * Returns an id in the AWS shape (`subnet-` and 17 hex digits) derived from a stable key, such as
 * a template's logical id or a plan's resource address, so references stay intact across runs.
 */
export function placeholderId(prefix: string, key: string): string {
  const digest = createHash("sha256").update(key).digest("hex");
  return `${prefix}-${digest.slice(0, 17)}`;
}

/**
 * Hands out placeholder IPv6 prefixes: the n-th key asked for gets `2001:db8:n::/length`. The
 * same key always gets the same prefix, so callers that ask in a fixed order get stable output.
 */
export class Ipv6Placeholders {
  private readonly byKey = new Map<string, string>();

  prefixFor(key: string, length: number): string {
    const known = this.byKey.get(key);
    if (known) return known;
    const slot = BigInt(this.byKey.size + 1);
    const network = RANGE.network | (slot << 80n);
    const prefix = `${formatIpv6(network)}/${Math.max(48, Math.min(length, 128))}`;
    this.byKey.set(key, prefix);
    return prefix;
  }
}

/**
 * Splits a prefix into `count` consecutive prefixes with `hostBits` host bits each, the way
 * CloudFormation's Fn::Cidr does. Returns undefined when the prefix is invalid or too small.
 */
export function splitCidr(block: string, count: number, hostBits: number): string[] | undefined {
  const cidr = parseCidr(block);
  if (!cidr) return undefined;
  const width = cidr.family === 4 ? 32 : 128;
  const length = width - hostBits;
  // A template may give a bit count that is NaN or a fraction, which BigInt rejects.
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(hostBits) || hostBits < 0)
    return undefined;
  if (length < cidr.length) return undefined;
  if (BigInt(count) > 1n << BigInt(length - cidr.length)) return undefined;

  const prefixes: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const network = cidr.network | (i << BigInt(hostBits));
    prefixes.push(`${formatIp(cidr.family, network)}/${length}`);
  }
  return prefixes;
}

/**
 * Percent-encodes a Terraform resource address for use in a URI, such as a SARIF artifact
 * location: `[`, `]`, `"` and the other characters RFC 3986 does not allow in a path segment.
 */
export function encodeAddressForUri(address: string): string {
  return encodeURIComponent(address).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
