/** The `explain` view: one subnet's path to one service, hop by hop, with the first break marked. */
import type { Finding, Severity } from "../engine/types.js";
import { docsPath } from "../engine/docs.js";
import type { Hop, ServicePath } from "../reach/types.js";
import { printable } from "./escape.js";

const LABEL: Record<Hop["status"], string> = {
  ok: "ok",
  broken: "BROKEN",
  warning: "warning",
  unknown: "unknown",
  info: "info",
};

/**
 * Formats a path; `findings` supplies the fix for the hop that breaks it. `untraced` gives the
 * reason a lint does not check this path, for a subnet the analysis leaves out. `severities`, the
 * config file's rule levels, adds a note when the rule of the breaking hop has one.
 */
export function formatExplain(
  path: ServicePath,
  findings: readonly Finding[],
  untraced?: string,
  severities?: ReadonlyMap<string, Severity | "off">,
  notRequired?: string,
): string {
  const lines = [
    `${path.subnetId} -> ${path.service} (${path.host}): ${path.verdict}, ${describeMode(path)}`,
  ];
  const firstBroken = path.hops.findIndex((hop) => hop.status === "broken");
  path.hops.forEach((hop, position) => {
    const marker = position === firstBroken ? ">" : " ";
    const owner = hop.owner && hop.status !== "ok" ? `  [${hop.owner}]` : "";
    lines.push(
      `${marker} ${String(position + 1).padStart(2)}  ${LABEL[hop.status].padEnd(7)}  ${hop.kind.padEnd(23)}  ${hop.text}${owner}`,
    );
    if (position !== firstBroken || !hop.owner) return;
    lines.push(`        fix: ${fixFor(hop, path, findings)}`);
    const level = severities?.get(hop.owner);
    if (level) lines.push(`        config: ${levelNote(hop.owner, level)}`);
  });
  if (path.verdict === "reachable") {
    const warned = path.hops.some((hop) => hop.status === "warning");
    lines.push(
      warned ? "The path works, but only in the cases the warnings name." : "Every hop works.",
    );
  }
  if (untraced) lines.push(`Not checked by a lint: ${untraced}.`);
  if (notRequired) lines.push(`Not required by a lint: ${notRequired}.`);
  // Hop texts and fixes quote snapshot names, and the view adds no control characters of its own.
  return `${lines.map(printable).join("\n")}\n`;
}

/** Returns the rule whose fix the view prints: the owner of the path's first broken hop. */
export function fixedRuleOf(path: ServicePath): string | undefined {
  return path.hops.find((hop) => hop.status === "broken")?.owner;
}

function levelNote(ruleId: string, level: Severity | "off"): string {
  if (level === "off") return `the config file turns ${ruleId} off, so a lint does not report it`;
  return `the config file sets ${ruleId} to ${level}, so a lint reports it as ${level}`;
}

function describeMode(path: ServicePath): string {
  switch (path.mode) {
    case "endpoint-ipv6":
      return `over IPv6 to endpoint ${path.endpoint?.VpcEndpointId}`;
    case "endpoint-nat64":
      return `over NAT64 to endpoint ${path.endpoint?.VpcEndpointId}`;
    case "public-nat64":
      return "over NAT64 to the public service";
    case "public-ipv6":
      return "over IPv6 to the public dual-stack name";
    case "shared-endpoint":
      return "through a shared endpoint in a hub VPC";
    case "none":
      return "no path";
  }
}

function fixFor(hop: Hop, path: ServicePath, findings: readonly Finding[]): string {
  const finding = findings.find(
    (item) =>
      item.ruleId === hop.owner &&
      (item.resource.id === hop.resourceId ||
        item.related.includes(hop.resourceId) ||
        item.related.includes(path.subnetId) ||
        item.resource.id === path.subnetId),
  );
  return finding ? finding.fix : `see ${docsPath(hop.owner as string)}`;
}
