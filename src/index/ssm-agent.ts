/** SSM Agent versions, which decide whether Session Manager still needs `ec2messages`. */

/** Agents from this version connect through `ssmmessages` and use `ec2messages` only as fallback. */
export const EC2MESSAGES_OPTIONAL_FROM = "3.3.40.0";

/** Compares dotted versions part by part as numbers; returns undefined for a malformed version. */
export function compareVersions(left: string, right: string): number | undefined {
  const a = parseVersion(left);
  const b = parseVersion(right);
  if (!a || !b) return undefined;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Results of agentNeedsEc2messages by version, since fleets run few distinct agent versions. */
const NEEDS_BY_VERSION = new Map<string, boolean>();
const MAX_VERSIONS = 1000;

/** Tells whether an agent version needs `ec2messages`; an unknown or malformed version does. */
export function agentNeedsEc2messages(version: string | undefined): boolean {
  if (!version) return true;
  let needs = NEEDS_BY_VERSION.get(version);
  if (needs === undefined) {
    const order = compareVersions(version, EC2MESSAGES_OPTIONAL_FROM);
    needs = order === undefined || order < 0;
    if (NEEDS_BY_VERSION.size < MAX_VERSIONS) NEEDS_BY_VERSION.set(version, needs);
  }
  return needs;
}

function parseVersion(text: string): number[] | undefined {
  if (!/^\d+(\.\d+)*$/.test(text.trim())) return undefined;
  return text.trim().split(".").map(Number);
}
