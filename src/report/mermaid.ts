/**
 * Mermaid flowcharts of each VPC for the Markdown report: subnets grouped by Availability Zone,
 * their route tables and route targets, NAT gateways and endpoints. Resources named in error
 * findings are drawn red, and so are blackhole routes and links between two such resources.
 */
import type { NatGateway, Subnet } from "@aws-sdk/client-ec2";
import { SnapshotIndex } from "../index/snapshot-index.js";
import { routeTarget } from "../index/routes.js";
import { groupBy } from "../index/util.js";
import { compareText } from "../engine/lint.js";
import type { RunResult } from "../run.js";
import { markdownText, printable } from "./escape.js";
import { scopeId } from "../snapshot/locations.js";
import { scopeLabeler } from "./scope.js";

interface Edge {
  from: string;
  to: string;
  label?: string;
  dotted?: boolean;
  broken: boolean;
}

/**
 * Mermaid's default limits on a diagram's text and links. Past either, Mermaid draws an error in
 * place of the diagram. NOTE: GitHub is assumed to render with these defaults.
 */
const MAX_DIAGRAM_CHARACTERS = 50_000;
const MAX_DIAGRAM_LINKS = 500;

/** A link line: a node id, a space, then an arrow. Node lines have no space after the id. */
const LINK_LINE = /^ {2}[nx]_\S* (?:-->|-\.-)/gm;

/**
 * Returns, for each linted VPC, a function that renders its `### Network of <vpc-id>` section
 * with a Mermaid block, or a note in place of a block that is over Mermaid's limits. A long
 * report leaves its diagrams out, so each is drawn only when called.
 */
export function vpcDiagrams(result: RunResult): (() => string)[] {
  const brokenByScope = brokenResources(result);
  const scopeOf = scopeLabeler(result.source);
  return result.snapshots.flatMap((snapshot, position) => {
    const index = new SnapshotIndex(snapshot);
    const source = result.source[position];
    const scope = markdownText(scopeOf(source ?? {}));
    const broken = brokenByScope.get(scopeId(source?.accountId, source?.region)) ?? new Set();
    return index.vpcIds().map((vpcId) => () => {
      const diagram = vpcFlowchart(index, vpcId, broken);
      const heading = `### Network of ${markdownText(vpcId)}${scope}`;
      const links = diagram.match(LINK_LINE)?.length ?? 0;
      if (diagram.length <= MAX_DIAGRAM_CHARACTERS && links <= MAX_DIAGRAM_LINKS) {
        return `${heading}\n\n\`\`\`mermaid\n${diagram}\`\`\``;
      }
      return (
        `${heading}\n\nThe diagram of ${markdownText(vpcId)} is left out: it has ${links} links ` +
        `and ${diagram.length} characters, and Mermaid draws at most ${MAX_DIAGRAM_LINKS} links ` +
        `and ${MAX_DIAGRAM_CHARACTERS} characters.`
      );
    });
  });
}

/**
 * Collects every resource id an unsuppressed error finding names as subject or evidence, by the
 * scopeId of the finding's account and Region. Accounts that share a VPC see the same ids, so a
 * resource broken in one account's snapshot is drawn red only in that account's diagram. Related
 * resources stay out: they include working ones, such as the target of a route that is wrong.
 */
function brokenResources(result: RunResult): Map<string, Set<string>> {
  const byScope = new Map<string, Set<string>>();
  for (const finding of result.findings) {
    if (finding.severity !== "error" || finding.suppressed) continue;
    const scope = scopeId(finding.resource.accountId, finding.resource.region);
    let ids = byScope.get(scope);
    if (!ids) {
      ids = new Set<string>();
      byScope.set(scope, ids);
    }
    ids.add(finding.resource.id);
    for (const item of finding.evidence) ids.add(item.resourceId);
  }
  return byScope;
}

/** Builds the flowchart text of one VPC, ending with a newline. */
export function vpcFlowchart(
  index: SnapshotIndex,
  vpcId: string,
  broken: ReadonlySet<string>,
): string {
  const lines = ["flowchart LR"];
  const nodes = new Set<string>();
  const edges: Edge[] = [];
  const vpcName = nameTag(index.vpc(vpcId)?.Tags);

  lines.push(`  subgraph ${nodeId(vpcId)}["${label(vpcId, vpcName)}"]`);
  for (const [zone, subnets] of subnetsByZone(index.subnetsOf(vpcId))) {
    lines.push(`    subgraph ${nodeId(`az-${vpcId}-${zone}`)}["${escapeLabel(zone)}"]`);
    for (const subnet of subnets) {
      lines.push(`      ${node(subnet.SubnetId as string, subnetLabel(subnet), nodes)}`);
      for (const nat of index.natGatewaysIn(subnet.SubnetId as string)) {
        const id = nat.NatGatewayId as string;
        const kind = `NAT gateway, ${natTypeLabel(nat)}${natStateLabel(nat)}`;
        lines.push(`      ${node(id, label(id, kind), nodes)}`);
      }
    }
    lines.push("    end");
  }
  for (const endpoint of index.endpointsOf(vpcId)) {
    const id = endpoint.VpcEndpointId as string;
    lines.push(`    ${node(id, label(id, endpoint.ServiceName), nodes)}`);
    for (const subnetId of endpoint.SubnetIds ?? []) {
      edges.push({ from: id, to: subnetId, dotted: true, broken: false });
    }
  }
  lines.push("  end");

  lines.push(...routeLines(index, vpcId, nodes, edges, broken));
  lines.push(...edgeLines(edges, nodes, broken));
  return `${lines.join("\n")}\n`;
}

/** Adds route tables, their targets outside the VPC box, and subnet and route edges. */
function routeLines(
  index: SnapshotIndex,
  vpcId: string,
  nodes: Set<string>,
  edges: Edge[],
  broken: ReadonlySet<string>,
): string[] {
  const lines: string[] = [];
  for (const subnet of index.subnetsOf(vpcId)) {
    const association = index.routeTableOf(subnet);
    if (!association) continue;
    const tableId = association.table.RouteTableId as string;
    if (!nodes.has(tableId)) {
      lines.push(
        `  ${node(tableId, label(tableId, association.explicit ? undefined : "main"), nodes)}`,
      );
      lines.push(...targetLines(index, tableId, nodes, edges));
    }
    const both = broken.has(subnet.SubnetId as string) && broken.has(tableId);
    edges.push({ from: subnet.SubnetId as string, to: tableId, broken: both });
  }
  return lines;
}

function targetLines(
  index: SnapshotIndex,
  tableId: string,
  nodes: Set<string>,
  edges: Edge[],
): string[] {
  const lines: string[] = [];
  for (const route of index.routeTable(tableId)?.Routes ?? []) {
    const target = routeTarget(route);
    if (target.kind === "local") continue;
    const destination =
      route.DestinationIpv6CidrBlock ??
      route.DestinationCidrBlock ??
      route.DestinationPrefixListId ??
      "?";
    const blackhole = route.State === "blackhole";
    if (!nodes.has(target.id))
      lines.push(`  ${node(target.id, label(target.id, target.kind), nodes)}`);
    const text = blackhole ? `${destination}, blackhole` : destination;
    edges.push({ from: tableId, to: target.id, label: text, broken: blackhole });
  }
  return lines;
}

function edgeLines(edges: Edge[], nodes: Set<string>, broken: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  const redEdges: number[] = [];
  for (const edge of edges) {
    if (!nodes.has(edge.from) || !nodes.has(edge.to)) continue;
    const arrow = edge.dotted ? "-.-" : "-->";
    const text = edge.label ? `|"${escapeLabel(edge.label)}"|` : "";
    const isBroken = edge.broken || (broken.has(edge.from) && broken.has(edge.to));
    if (isBroken) redEdges.push(lines.length);
    lines.push(`  ${nodeId(edge.from)} ${arrow}${text} ${nodeId(edge.to)}`);
  }
  const red = [...nodes].filter((id) => broken.has(id)).map(nodeId);
  lines.push("  classDef broken fill:#fde2e2,stroke:#c00,stroke-width:2px,color:#600");
  if (red.length > 0) lines.push(`  class ${red.join(",")} broken`);
  if (redEdges.length > 0)
    lines.push(`  linkStyle ${redEdges.join(",")} stroke:#c00,stroke-width:2px`);
  return lines;
}

function subnetsByZone(subnets: Subnet[]): Map<string, Subnet[]> {
  const sorted = [...subnets].sort((a, b) => compareText(a.SubnetId, b.SubnetId));
  const zones = groupBy(sorted, (subnet) => subnet.AvailabilityZone ?? "unknown zone");
  return new Map([...zones].sort(([a], [b]) => compareText(a, b)));
}

function subnetLabel(subnet: Subnet): string {
  const facts = [
    nameTag(subnet.Tags),
    subnet.Ipv6Native ? "IPv6-only" : subnet.CidrBlock,
    subnet.EnableDns64 ? "DNS64" : undefined,
  ].filter((fact): fact is string => Boolean(fact));
  return label(subnet.SubnetId as string, facts.join(", ") || undefined);
}

function node(id: string, text: string, nodes: Set<string>): string {
  nodes.add(id);
  return `${nodeId(id)}["${text}"]`;
}

/** Mermaid node ids allow letters, digits and underscores; AWS ids map one to one. */
/**
 * Returns a Mermaid node id for a resource id, different for different resource ids. AWS ids of
 * letters, digits and hyphens stay readable, and any other id has each other character spelt out.
 */
export function nodeId(id: string): string {
  if (/^[A-Za-z0-9-]+$/.test(id)) return `n_${id.replace(/-/g, "_")}`;
  return `x_${id.replace(/[^A-Za-z0-9]/g, (char) => `_${char.codePointAt(0)?.toString(16)}_`)}`;
}

function label(id: string, detail: string | undefined): string {
  return detail ? `${escapeLabel(id)}<br/>${escapeLabel(detail)}` : escapeLabel(id);
}

/** Mermaid entity codes for the characters that a quoted label cannot contain unescaped. */
const LABEL_ENTITIES: Record<string, string> = {
  '"': "#quot;",
  "<": "#lt;",
  ">": "#gt;",
  "#": "#35;",
  "&": "#amp;",
  "`": "#96;",
};

/**
 * Escapes text for a quoted Mermaid label, where `"` ends the label, `<` starts HTML, `#` starts
 * an entity code and a backtick starts Markdown. Control characters become visible escapes.
 */
function escapeLabel(text: string): string {
  return printable(text).replace(/["<>#&`]/g, (char) => LABEL_ENTITIES[char] as string);
}

function nameTag(tags: { Key?: string; Value?: string }[] | undefined): string | undefined {
  return tags?.find((tag) => tag.Key === "Name")?.Value;
}

/**
 * Returns a NAT gateway's connectivity type for its label. A collected gateway without
 * ConnectivityType predates private ones, so it is public. A gateway built from a template whose
 * type is known only after deployment lacks State as well, and its type is unknown.
 */
function natTypeLabel(nat: NatGateway): string {
  if (nat.ConnectivityType) return nat.ConnectivityType;
  return nat.State ? "public" : "type unknown";
}

/** Returns the state part of a NAT gateway's label, empty for an available gateway. */
function natStateLabel(nat: NatGateway): string {
  if (!nat.State) return ", state unknown";
  // A NAT gateway that cannot carry traffic shows its state, such as deleted or failed.
  return nat.State.toLowerCase() === "available" ? "" : `, ${nat.State}`;
}
