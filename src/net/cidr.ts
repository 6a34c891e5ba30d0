/** IPv4 and IPv6 prefixes as integers, for longest-prefix matching and containment tests. */

export type IpFamily = 4 | 6;

/** A parsed prefix: `network` has every host bit cleared. */
export interface Cidr {
  family: IpFamily;
  network: bigint;
  length: number;
  text: string;
}

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Parses `a.b.c.d` into a 32-bit integer, or returns undefined when it is not an IPv4 address. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parses an IPv6 address (with `::` compression or a trailing dotted quad) into a 128-bit integer. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  // The text form of an IPv6 address allows a dotted quad only as its last 32 bits.
  const groupsInText = text.split(":");
  if (groupsInText.slice(0, -1).some((group) => group.includes("."))) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const groups = [...head, ...tail].flatMap(expandDottedQuad);
  if (groups.some((group) => group === undefined)) return undefined;
  const missing = 8 - groups.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = [
    ...(groups.slice(0, head.length) as string[]),
    ...Array<string>(halves.length === 2 ? missing : 0).fill("0"),
    ...(groups.slice(head.length) as string[]),
  ];
  let value = 0n;
  for (const word of words) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(word)) return undefined;
    value = (value << 16n) | BigInt(parseInt(word, 16));
  }
  return value;
}

function expandDottedQuad(group: string): (string | undefined)[] {
  if (!group.includes(".")) return [group];
  const v4 = parseIpv4(group);
  if (v4 === undefined) return [undefined];
  return [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
}

/** Parses an address of either family. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(":") ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * Parsed prefixes by text. The rules parse the same route, rule and subnet prefixes once per
 * subnet they check, so parsing each text once keeps a large snapshot's lint linear. Cleared when
 * full, which bounds the memory of a long-lived process.
 */
const PARSED = new Map<string, Cidr | undefined>();
const MAX_PARSED = 100_000;

/**
 * Parses `address/length`; a bare address is a host prefix. Host bits are cleared. The result is
 * frozen because it is shared between callers.
 */
export function parseCidr(text: string): Cidr | undefined {
  const cached = PARSED.get(text);
  if (cached !== undefined || PARSED.has(text)) return cached;
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  const parsed = parseCidrText(text);
  PARSED.set(text, parsed && Object.freeze(parsed));
  return parsed;
}

function parseCidrText(text: string): Cidr | undefined {
  const [address, lengthText, extra] = text.trim().split("/");
  if (extra !== undefined || address === undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = WIDTH[ip.family];
  const length = lengthText === undefined ? width : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > width) return undefined;
  if (lengthText !== undefined && !/^\d+$/.test(lengthText)) return undefined;
  const hostBits = BigInt(width - length);
  const network = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, network, length, text: text.trim() };
}

/** Tells whether `outer` contains every address of `inner` (a prefix contains itself). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  const hostBits = BigInt(WIDTH[outer.family] - outer.length);
  return inner.network >> hostBits === outer.network >> hostBits;
}

/** Tells whether two prefixes share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Formats an IPv4 integer as a dotted quad. */
export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join(".");
}

/** The well-known NAT64 prefix of RFC 6052, which the Route 53 Resolver uses for DNS64. */
export const NAT64_PREFIX = parseCidr("64:ff9b::/96") as Cidr;
export const IPV4_DEFAULT = parseCidr("0.0.0.0/0") as Cidr;
export const IPV6_DEFAULT = parseCidr("::/0") as Cidr;
