/** IPv4 and IPv6 prefixes as integers, for longest-prefix matching and containment tests. */

export type IpFamily = 4 | 6;

/** A parsed prefix: `network` has every host bit cleared. */
export class Cidr {
  #network: bigint | undefined;
  #last: bigint | undefined;

  constructor(
    readonly family: IpFamily,
    readonly length: number,
    readonly text: string,
    /** The network in 32-bit words, most significant first: one for IPv4, four for IPv6. */
    readonly words: readonly number[],
  ) {}

  /** The network as one integer, computed on first read because most checks compare `words`. */
  get network(): bigint {
    this.#network ??= wordsValue(this.words);
    return this.#network;
  }

  /** The last address of the prefix as one integer, computed on first read. */
  get last(): bigint {
    this.#last ??= this.network | ((1n << BigInt(WIDTH[this.family] - this.length)) - 1n);
    return this.#last;
  }
}

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Parses `a.b.c.d` into a 32-bit integer, or returns undefined when it is not an IPv4 address. */
export function parseIpv4(text: string): bigint | undefined {
  const value = ipv4Number(text, 0);
  return value === undefined ? undefined : BigInt(value);
}

/** Reads a dotted quad from `start` to `limit` as a number below 2^32. */
function ipv4Number(text: string, start: number, limit = text.length): number | undefined {
  let value = 0;
  let octets = 0;
  let position = start;
  while (position <= limit) {
    let octet = 0;
    let digits = 0;
    for (; position < limit && digits <= 3; position += 1) {
      const code = text.charCodeAt(position) - 48;
      if (code < 0 || code > 9) break;
      octet = octet * 10 + code;
      digits += 1;
    }
    if (digits === 0 || digits > 3 || octet > 255) return undefined;
    value = value * 256 + octet;
    octets += 1;
    if (position === limit) break;
    if (text.charCodeAt(position) !== DOT || octets === 4) return undefined;
    position += 1;
  }
  return octets === 4 ? value : undefined;
}

const DOT = 46;
const COLON = 58;

/** Parses an IPv6 address (with `::` compression or a trailing dotted quad) into a 128-bit integer. */
export function parseIpv6(text: string): bigint | undefined {
  const groups = ipv6Groups(text);
  return groups && groupsValue(groups);
}

/** Returns the 128-bit value of eight 16-bit groups. */
function groupsValue(groups: readonly number[]): bigint {
  let value = 0n;
  for (let index = 0; index < 8; index += 2) {
    value =
      (value << 32n) | BigInt((groups[index] as number) * 65536 + (groups[index + 1] as number));
  }
  return value;
}

/** Reads an IPv6 address from `start` to `limit` into its eight 16-bit groups. */
function ipv6Groups(text: string, start = 0, limit = text.length): number[] | undefined {
  const groups: number[] = [];
  // The index of `::` among the groups, or -1 without one.
  let gap = -1;
  let position = start;
  if (position < limit && text.charCodeAt(position) === COLON) {
    if (position + 1 >= limit || text.charCodeAt(position + 1) !== COLON) return undefined;
    gap = 0;
    position += 2;
  }
  while (position < limit) {
    let group = 0;
    let digits = 0;
    let end = position;
    for (; end < limit; end += 1) {
      const digit = hexDigit(text.charCodeAt(end));
      if (digit < 0) break;
      group = group * 16 + digit;
      digits += 1;
    }
    if (end < limit && text.charCodeAt(end) === DOT) {
      // The text form allows a dotted quad only as the last 32 bits.
      const quad = ipv4Number(text, position, limit);
      if (quad === undefined) return undefined;
      groups.push(Math.floor(quad / 65536), quad % 65536);
      position = limit;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(group);
    if (end === limit) break;
    if (text.charCodeAt(end) !== COLON) return undefined;
    if (end + 1 < limit && text.charCodeAt(end + 1) === COLON) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      position = end + 2;
    } else {
      position = end + 1;
      if (position === limit) return undefined;
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  // The groups after `::` move to the end, and the groups `::` replaces are zero.
  const expanded = [0, 0, 0, 0, 0, 0, 0, 0];
  const tail = groups.length - gap;
  for (let index = 0; index < gap; index += 1) expanded[index] = groups[index] as number;
  for (let index = 0; index < tail; index += 1) {
    expanded[8 - tail + index] = groups[gap + index] as number;
  }
  return expanded;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
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
  if (parsed) Object.freeze(parsed);
  PARSED.set(text, parsed);
  return parsed;
}

/** A prefix text that parseCidr accepts, read into numbers but not yet into a Cidr. */
interface PrefixText {
  family: IpFamily;
  /** The address: one 32-bit number for IPv4, eight 16-bit groups for IPv6. */
  address: number | number[];
  length: number;
  /** The text without surrounding white space. */
  trimmed: string;
}

/**
 * Reads `address/length` or a bare address (a host prefix), ignoring surrounding white space.
 * Returns undefined for any other text.
 */
function readPrefix(text: string): PrefixText | undefined {
  // Text without blanks or other non-ASCII characters at either end needs no trimming.
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const plain = first > 32 && first < 127 && last > 32 && last < 127;
  const trimmed = plain ? text : text.trim();
  const slash = trimmed.indexOf("/");
  const end = slash < 0 ? trimmed.length : slash;
  const ipv4 = ipv4Number(trimmed, 0, end);
  const address = ipv4 ?? ipv6Groups(trimmed, 0, end);
  if (address === undefined) return undefined;
  const family: IpFamily = ipv4 === undefined ? 6 : 4;
  if (slash < 0) return { family, address, length: WIDTH[family], trimmed };
  if (slash + 1 === trimmed.length) return undefined;
  let length = 0;
  for (let position = slash + 1; position < trimmed.length; position += 1) {
    const digit = trimmed.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) return undefined;
    length = Math.min(length * 10 + digit, 1000);
  }
  return length <= WIDTH[family] ? { family, address, length, trimmed } : undefined;
}

/**
 * Tells whether parseCidr accepts the text, without building the prefix. Schema validation
 * checks every prefix of a snapshot this way, and the rules parse only those they use.
 */
export function isCidrText(text: string): boolean {
  return cidrTextFamily(text) !== undefined;
}

/**
 * Returns the family of a prefix text that parseCidr accepts. The prefix is parsed and kept, since
 * the checks parse most prefixes that the snapshot's validation reads.
 */
export function cidrTextFamily(text: string): IpFamily | undefined {
  return parseCidr(text)?.family;
}

function parseCidrText(text: string): Cidr | undefined {
  const prefix = readPrefix(text);
  if (!prefix) return undefined;
  const { family, address, length, trimmed } = prefix;
  const words = networkWords(address, length);
  return new Cidr(family, length, trimmed, words);
}

/** Returns an address's 32-bit words with the bits after the first `length` cleared. */
function networkWords(address: number | readonly number[], length: number): number[] {
  const words: number[] = [];
  if (typeof address === "number") words.push(address);
  else {
    for (let index = 0; index < 8; index += 2) {
      words.push((address[index] as number) * 65536 + (address[index + 1] as number));
    }
  }
  for (let word = 0; word < words.length; word += 1) {
    const networkBits = length - 32 * word;
    if (networkBits <= 0) words[word] = 0;
    else if (networkBits < 32)
      words[word] = ((words[word] as number) & (-1 << (32 - networkBits))) >>> 0;
  }
  return words;
}

function wordsValue(words: readonly number[]): bigint {
  let value = 0n;
  for (const word of words) value = (value << 32n) | BigInt(word);
  return value;
}

/** Tells whether `outer` contains every address of `inner` (a prefix contains itself). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  // Compares the outer prefix's bits word by word, without allocating numbers.
  let bits = outer.length;
  for (let word = 0; bits > 0; word += 1, bits -= 32) {
    const difference = ((outer.words[word] as number) ^ (inner.words[word] as number)) >>> 0;
    if (bits >= 32 ? difference !== 0 : difference >>> (32 - bits) !== 0) return false;
  }
  return true;
}

/**
 * Writes the first `length` bits of a prefix with the length, so that two prefixes get the same
 * key for a length exactly when they agree on those bits.
 */
export function prefixKey(cidr: Cidr, length: number): string {
  let key = String(length);
  for (let word = 0, bits = length; bits > 0; word += 1, bits -= 32) {
    const value = cidr.words[word] as number;
    key += `:${bits >= 32 ? value : value >>> (32 - bits)}`;
  }
  return key;
}

/** Tells whether two prefixes share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Formats an IPv4 integer as a dotted quad. */
export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join(".");
}

/** Formats a 128-bit integer as an IPv6 address, compressing the longest run of zero groups. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));

  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

/** Formats an address of either family, the inverse of parseIp. */
export function formatIp(family: IpFamily, value: bigint): string {
  return family === 4 ? formatIpv4(value) : formatIpv6(value);
}

/**
 * Returns the fewest prefixes that cover the addresses `low`..`high` of a family exactly, as
 * text, in ascending order.
 */
export function rangePrefixes(family: IpFamily, low: bigint, high: bigint): string[] {
  const width = WIDTH[family];
  const prefixes: string[] = [];
  let start = low;
  while (start <= high) {
    // The largest block that starts at `start`, is aligned there and ends by `high`.
    let hostBits = 0;
    while (
      hostBits < width &&
      (start & ((1n << BigInt(hostBits + 1)) - 1n)) === 0n &&
      start + (1n << BigInt(hostBits + 1)) - 1n <= high
    ) {
      hostBits += 1;
    }
    prefixes.push(`${formatIp(family, start)}/${width - hostBits}`);
    start += 1n << BigInt(hostBits);
  }
  return prefixes;
}

/** The well-known NAT64 prefix of RFC 6052, which the Route 53 Resolver uses for DNS64. */
export const NAT64_PREFIX = parseCidr("64:ff9b::/96") as Cidr;

/** Returns the IPv4 prefix that a prefix inside 64:ff9b::/96 synthesises addresses for. */
export function ipv4OfNat64(prefix: Cidr): Cidr {
  const word = prefix.words[3] as number;
  const address = `${word >>> 24}.${(word >>> 16) & 255}.${(word >>> 8) & 255}.${word & 255}`;
  return parseCidr(`${address}/${prefix.length - 96}`) as Cidr;
}

/** The DNS64 prefix of each IPv4 prefix, by the shared object parseCidr returns for it. */
const NAT64_PREFIXES = new WeakMap<Cidr, Cidr>();

/** Returns the addresses DNS64 synthesises for an IPv4 prefix: 64:ff9b::/96 with it appended. */
export function nat64PrefixOf(ipv4: Cidr): Cidr {
  let prefix = NAT64_PREFIXES.get(ipv4);
  if (!prefix) {
    const network = ipv4.words[0] as number;
    const text = `64:ff9b::${(network >>> 16).toString(16)}:${(network & 0xffff).toString(16)}/${96 + ipv4.length}`;
    prefix = parseCidr(text) as Cidr;
    NAT64_PREFIXES.set(ipv4, prefix);
  }
  return prefix;
}
export const IPV4_DEFAULT = parseCidr("0.0.0.0/0") as Cidr;
export const IPV6_DEFAULT = parseCidr("::/0") as Cidr;
