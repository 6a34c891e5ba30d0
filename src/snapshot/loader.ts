/** Reads snapshot files and directories of AWS CLI outputs, validates them and merges them. */
import { readFileSync, type Dirent } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { InputError } from "../errors.js";
import { decodeText, readFixHint } from "../io.js";
import type { SourceLocation } from "../run.js";
import { MergedLocations, locateResources, scopeId } from "./locations.js";
import { SECTIONS, itemKeyOf } from "./sections.js";
import { ShapeError, TruncatedOutputError, shapeInput, type ShapedInput } from "./shape.js";
import {
  SNAPSHOT_VERSION,
  type SectionName,
  type Snapshot,
  type SnapshotSource,
  type VpcAttributes,
} from "./types.js";
import { foundText, instancesWithoutSubnet, validateSnapshot } from "./validate.js";
import { joinNames, uniqueBy } from "../index/util.js";
import { makeRoomForInput } from "../v8-flags.js";

/** The path of standard input, which `--snapshot -` names. */
export const STDIN_PATH = "/dev/stdin";

/** Returns the name of an input file for messages, `standard input` for STDIN_PATH. */
function inputName(file: string): string {
  return file === STDIN_PATH ? "standard input" : file;
}

/** The merged snapshot and what the loader noticed on the way. */
export interface LoadedInput {
  snapshot: Snapshot;
  /** Every file that contributed to the snapshot. */
  files: string[];
  /** Files skipped, keys left out and copies of a resource that differ, for the reports. */
  warnings: string[];
  /**
   * The file and line of each resource, found on first use: from the file collected last when
   * every file has Source.CollectedAt, else from the first file that has it.
   */
  locations: ReadonlyMap<string, SourceLocation>;
}

/** A file's partial snapshot, with when it was collected and how to find its resources' lines. */
interface LoadedPart {
  file: string;
  snapshot: Snapshot;
  collectedAt: number;
  locations: () => Map<string, SourceLocation>;
}

/**
 * Loads files and directories into one snapshot. Files named directly must be in a known shape;
 * inside a directory, a `.json` file in another shape is skipped with a warning.
 */
export async function loadSnapshotFiles(paths: string[]): Promise<LoadedInput> {
  const [loaded] = await loadSnapshotScopes(paths, false);
  return loaded as LoadedInput;
}

/**
 * Loads files and directories into one snapshot per account and Region, as `collect` writes one
 * file per Region. Files of one account and Region merge. When the files name several, every
 * file must name its Region, and its account unless no file does, since a file without them
 * could belong to any. The warnings of the load travel with the first snapshot.
 */
export async function loadSnapshotScopes(
  paths: string[],
  severalScopes = true,
): Promise<LoadedInput[]> {
  const warnings: string[] = [];
  /** Sections of which a skipped file contains one page, so the other files may lack the rest. */
  const truncated = new Set<SectionName>();
  const parts = await loadParts(paths, truncated, warnings);
  const groups = severalScopes ? groupByScope(parts) : [parts];
  return groups.map((group, position) =>
    mergeParts(group, truncated, position === 0 ? warnings : []),
  );
}

async function loadParts(
  paths: string[],
  truncated: Set<SectionName>,
  warnings: string[],
): Promise<LoadedPart[]> {
  const parts: LoadedPart[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputError(`${path}: snapshot file not found; check the --snapshot path`);
    const files = info.isDirectory() ? await jsonFilesIn(path, warnings) : [path];
    if (info.isDirectory() && files.length === 0) throw await noJsonFilesError(path);
    for (const file of files) {
      // Directories list only regular files, but a named path may be a pipe such as /dev/stdin.
      const regular = info.isDirectory() || info.isFile();
      const options = { inDirectory: info.isDirectory(), regular, truncated };
      const part = await loadFile(file, options, warnings);
      if (!part) continue;
      const collectedAt = Date.parse(part.snapshot.Source?.CollectedAt ?? "");
      parts.push({ file, snapshot: part.snapshot, collectedAt, locations: part.locations });
    }
  }
  if (parts.length === 0) {
    // Every file was skipped, and the warnings that give the reasons would otherwise be lost.
    const reasons = warnings.map((warning) => `\n  ${warning}`).join("");
    throw new InputError(
      `${paths.join(", ")}: no file in a shape vpc-lint reads${reasons ? `:${reasons}` : ""}`,
    );
  }
  return parts;
}

/**
 * Groups files by the account and Region of their Source, in the order the groups first appear.
 * Files that name one account and Region, or none, form one group.
 */
function groupByScope(parts: LoadedPart[]): LoadedPart[][] {
  const regions = new Set(parts.flatMap((part) => part.snapshot.Source?.Region ?? []));
  const accounts = new Set(parts.flatMap((part) => part.snapshot.Source?.AccountId ?? []));
  if (regions.size <= 1 && accounts.size <= 1) return [parts];
  const groups = new Map<string, LoadedPart[]>();
  for (const part of parts) {
    const { AccountId: account, Region: region } = part.snapshot.Source ?? {};
    if (!region || (accounts.size > 0 && !account)) {
      const missing = region ? "Source.AccountId" : "Source.Region";
      throw new InputError(
        `${part.file}: no ${missing}, while the other files cover ` +
          `${[...regions].sort().join(", ")} in ${[...accounts].sort().join(", ") || "one account"}, ` +
          "so the file cannot be placed; add the field or lint the file in a run of its own",
      );
    }
    const key = `${account ?? ""}/${region}`;
    const group = groups.get(key);
    if (group) group.push(part);
    else groups.set(key, [part]);
  }
  return [...groups.values()];
}

/** Merges the files of one account and Region into one snapshot, checked for missing data. */
function mergeParts(
  parts: LoadedPart[],
  truncated: Set<SectionName>,
  warnings: string[],
): LoadedInput {
  const files = parts.map((part) => part.file);
  const snapshot = mergeSnapshots(parts, warnings);
  leaveOutTruncated(snapshot, truncated, warnings);
  leaveOutUncovered(snapshot, parts, warnings);
  // Without a section or a failed call, every check would be skipped and the run would pass. An
  // empty Errors list records no failed call.
  if (!snapshot.Errors?.length && SECTIONS.every((info) => snapshot[info.name] === undefined)) {
    throw new InputError(
      `${files.join(", ")}: no snapshot section (such as Subnets or RouteTables) and no Errors; ` +
        "collect the snapshot again or name the files that hold the sections" +
        // A misspelt section or a skipped file is then the likely cause.
        warnings.map((warning) => `\n${warning}`).join(""),
    );
  }
  return { snapshot, files, warnings, locations: mergedLocations(parts) };
}

/**
 * Leaves out each section of which a skipped, truncated output contains one page. The pages in
 * other files are then only part of the section. Read as the whole of it, they would hide
 * resources, such as the route table of a subnet, which would then seem to use the main table.
 */
function leaveOutTruncated(
  snapshot: Snapshot,
  truncated: Set<SectionName>,
  warnings: string[],
): void {
  for (const section of truncated) {
    if (snapshot[section] === undefined) continue;
    delete snapshot[section];
    warnings.push(
      `${section} is left out, since a skipped file contains one page of it and the other pages ` +
        "may be missing; the checks that need it are reported as skipped",
    );
  }
}

/**
 * Leaves out each section that a collected snapshot lacks for a VPC no other collected snapshot
 * with the section covers. A collected snapshot names its VPCs in Source.VpcIds, and read as the
 * whole section, the merged items would make such a VPC seem to have none of its resources.
 * Outputs without VPC ids are not compared, and a section that one of them has is kept, since
 * such an output may hold any VPC's resources, as an unfiltered AWS CLI call returns them. Files
 * without sections are not compared either.
 */
function leaveOutUncovered(
  snapshot: Snapshot,
  parts: { file: string; snapshot: Snapshot }[],
  warnings: string[],
): void {
  const hasVpcIds = (part: { snapshot: Snapshot }): boolean =>
    (part.snapshot.Source?.VpcIds?.length ?? 0) > 0;
  const collected = parts.filter(
    (part) => hasVpcIds(part) && SECTIONS.some((info) => part.snapshot[info.name] !== undefined),
  );
  const outputs = parts.filter((part) => !hasVpcIds(part));
  for (const info of SECTIONS) {
    if (snapshot[info.name] === undefined) continue;
    if (outputs.some((part) => part.snapshot[info.name] !== undefined)) continue;
    const covered = new Set(
      collected
        .filter((part) => part.snapshot[info.name] !== undefined)
        .flatMap((part) => part.snapshot.Source?.VpcIds ?? []),
    );
    const uncovered = collected
      .filter((part) => part.snapshot[info.name] === undefined)
      .flatMap((part) => (part.snapshot.Source?.VpcIds ?? []).map((vpcId) => ({ part, vpcId })))
      .filter(({ vpcId }) => !covered.has(vpcId));
    if (uncovered.length === 0) continue;
    delete snapshot[info.name];
    const files = [...new Set(uncovered.map(({ part }) => part.file))].join(", ");
    const vpcIds = [...new Set(uncovered.map(({ vpcId }) => vpcId))].sort().join(", ");
    warnings.push(
      `${info.name} is left out, since ${files} lacks it for ${vpcIds} and no other file ` +
        "collected it for them; the checks that need it are reported as skipped",
    );
  }
}

/**
 * Merges the locations so that a resource points at the copy mergeSnapshots keeps. When every
 * file is dated, the latest file goes first, and the stable sort keeps file order among ties.
 */
function mergedLocations(
  located: { collectedAt: number; locations: () => Map<string, SourceLocation> }[],
): MergedLocations {
  const dated = located.every((entry) => !Number.isNaN(entry.collectedAt));
  // NOTE: when some files are undated, a resource found only in dated files keeps the latest copy
  // but still points at the first file that has it.
  const ordered = dated ? [...located].sort((a, b) => b.collectedAt - a.collectedAt) : located;
  const locations = new MergedLocations();
  for (const entry of ordered) locations.add(entry.locations);
  return locations;
}

/**
 * Lists the `.json` files of a directory, following symbolic links to files, because skipping a
 * link would leave out its sections without a warning. Subdirectories are not read, so each one
 * with `.json` files gets a warning, since its files would otherwise be left out unnoticed.
 */
async function jsonFilesIn(directory: string, warnings: string[]): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.name.endsWith(".json")) continue;
    const path = join(directory, entry.name);
    if (entry.isFile()) files.push(path);
    else if (entry.isSymbolicLink() && (await linksToFile(path))) files.push(path);
  }
  if (files.length > 0) {
    for (const subdirectory of await subdirectoriesWithJson(directory, entries)) {
      warnings.push(
        `${subdirectory}: a subdirectory with .json files, which is not read; pass it with ` +
          "--snapshot to lint its files",
      );
    }
  }
  return files.sort();
}

/**
 * Returns the subdirectories of a directory that directly contain `.json` files, sorted, from the
 * directory's entries as the caller read them.
 */
async function subdirectoriesWithJson(directory: string, entries: Dirent[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(directory, entry.name);
    const inside = await readdir(path).catch(() => [] as string[]);
    if (inside.some((name) => name.endsWith(".json"))) found.push(path);
  }
  return found.sort();
}

/**
 * Returns the error for a directory without `.json` files. It names the other files, since a
 * snapshot written under a name without `.json`, such as the file per Region that
 * `collect -o prod --region a,b` writes as `prod.a`, is left out of a directory.
 */
async function noJsonFilesError(directory: string): Promise<InputError> {
  const entries = await readdir(directory, { withFileTypes: true });
  const others = entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => entry.name)
    .sort();
  if (others.length === 0) {
    const subdirectories = await subdirectoriesWithJson(directory, entries);
    if (subdirectories.length === 0) {
      return new InputError(`${directory}: the directory contains no .json files`);
    }
    return new InputError(
      `${directory}: the directory contains no .json files, and its subdirectories are not ` +
        `read; pass ${joinNames(subdirectories)} with --snapshot`,
    );
  }
  const listed =
    others.slice(0, 3).join(", ") + (others.length > 3 ? `, and ${others.length - 3} more` : "");
  return new InputError(
    `${directory}: the directory contains no .json files, which are the only files read from a ` +
      `directory. It contains ${listed}. Rename a snapshot among them to end in .json, or pass it ` +
      "with --snapshot FILE",
  );
}

/** Tells whether a symbolic link leads to a regular file, raising an InputError when it is broken. */
async function linksToFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(
      `${path}: cannot read the file (${code ?? message}); fix the link or move it out of the directory`,
    );
  }
}

async function loadFile(
  file: string,
  {
    inDirectory,
    regular,
    truncated,
  }: { inDirectory: boolean; regular: boolean; truncated: Set<SectionName> },
  warnings: string[],
): Promise<{ snapshot: Snapshot; locations: () => Map<string, SourceLocation> } | undefined> {
  const text = decodeText(file, await readBytes(file, regular));
  makeRoomForInput(text.length);
  const shaped = parseShaped(file, text, inDirectory, warnings, truncated);
  if (!shaped) return undefined;

  for (const key of shaped.unusedKeys) {
    warnings.push(
      `${inputName(file)}: top-level key ${key} names no snapshot section and was left out`,
    );
  }
  checkVersion(file, shaped.snapshot);
  const problems = validateSnapshot(shaped.snapshot);
  if (problems.length === 0) problems.push(...instancesWithoutSubnet(shaped.snapshot));
  if (problems.length > 0) {
    const lines = problems.slice(0, 20).map((problem) => {
      const where = shaped.toFilePointer(problem.pointer) || "/";
      return `  ${where}: found ${foundText(problem.value)}, expected ${problem.expected}`;
    });
    const more = problems.length > 20 ? [`  ... and ${problems.length - 20} more`] : [];
    throw new InputError(
      `${inputName(file)}: invalid ${shaped.shape}:\n${[...lines, ...more].join("\n")}\n` +
        "Fix these values or re-export the file with the AWS CLI's --output json.",
    );
  }
  const { snapshot } = shaped;
  const scope = scopeId(snapshot.Source?.AccountId, snapshot.Source?.Region);
  return { snapshot, locations: () => locateResources(file, text, scope) };
}

/**
 * Reads a whole file. For a 44 MB snapshot readFileSync took about a third less time than
 * fs.promises.readFile, and files load one after another anyway. A pipe or other special file is
 * read asynchronously, so Ctrl-C still stops a run that waits for its writer.
 */
async function readBytes(file: string, regular: boolean): Promise<Buffer> {
  try {
    if (file === STDIN_PATH && !regular) return await readStream(process.stdin);
    return regular ? readFileSync(file) : await readFile(file);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(
      `${inputName(file)}: cannot read the file (${code ?? message}); ${readFixHint(code, "--snapshot")}`,
    );
  }
}

/**
 * Reads a stream to its end. Standard input is read this way, since a socket, which a parent
 * process may pass as standard input, cannot be opened by its /dev/stdin path.
 */
async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function parseShaped(
  file: string,
  text: string,
  inDirectory: boolean,
  warnings: string[],
  truncated: Set<SectionName>,
): ShapedInput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // A broken file is most likely a truncated AWS CLI output. Skipping it, even inside a
    // directory, would drop its section without a trace.
    const where = inDirectory ? "; fix it or move it out of the directory" : "";
    // A failed `aws ... > file.json` leaves an empty file.
    if (text.trim() === "") {
      if (file === STDIN_PATH) {
        throw new InputError(
          "standard input is empty, so the command that piped into vpc-lint may have failed; " +
            "run it again",
        );
      }
      throw new InputError(
        `${file}: the file is empty, so the command that wrote it may have failed; run it ` +
          `again${where}`,
      );
    }
    const { message } = error as Error;
    throw new InputError(
      `${inputName(file)}: not valid JSON (${message})${syntaxErrorPlace(text, message)}${where}`,
    );
  }
  try {
    return shapeInput(value);
  } catch (error) {
    // Only the datetime objects of a recording are searched recursively.
    if (error instanceof RangeError) {
      throw new InputError(
        `${inputName(file)}: a value in the recording is nested too deeply to read; remove it or record ` +
          "the call again",
      );
    }
    if (!(error instanceof ShapeError)) throw error;
    if (inDirectory) {
      warnings.push(`${file}: skipped, ${error.message}`);
      if (error instanceof TruncatedOutputError) {
        for (const section of error.sections) truncated.add(section);
      }
      return undefined;
    }
    throw new InputError(`${inputName(file)}: unsupported input: ${error.message}`);
  }
}

/**
 * Returns the line and column of a JSON syntax error, noting when it is at the end of the text, as
 * in a truncated file. Node.js 20 gives only an offset. A message that already names a line, as
 * later Node.js releases write, gets nothing added, and so does an error whose place is unknown.
 */
function syntaxErrorPlace(text: string, message: string): string {
  // An unexpected token's message quotes the file around it. It is read first, because the other
  // patterns would also match words of the file in that quote.
  const quoted = UNEXPECTED_TOKEN.exec(message);
  let position: number | undefined;
  if (quoted) {
    position = unexpectedTokenPosition(text, quoted);
  } else if (!/\bline \d+/.test(message)) {
    const offset = /at position (\d+)/.exec(message)?.[1];
    if (offset !== undefined) position = Number(offset);
    else if (/end of JSON input/.test(message)) position = text.length;
  }
  if (position === undefined) return "";
  const before = text.slice(0, position);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;
  const place = `at line ${line}, column ${position - lineStart + 1}`;
  const atEnd = position >= text.trimEnd().length;
  return atEnd ? ` ${place}, the end of the file, which may be truncated` : ` ${place}`;
}

/** The number of characters V8 quotes on either side of an unexpected token in a JSON error. */
const TOKEN_CONTEXT_LENGTH = 10;

/** The message of an unexpected token with the excerpt of the text around it. */
const UNEXPECTED_TOKEN = /^Unexpected token [^]*?, (\.\.\.)?"([^]*)"(\.\.\.)? is not valid JSON$/;

/**
 * Returns the offset of an unexpected token in the text, found from the excerpt around it that
 * Node.js 20 quotes instead of an offset. A leading "..." means the excerpt starts ten characters
 * before the token, and a trailing one that it ends ten characters after it. An excerpt that is
 * the whole text or occurs more than once gives no offset.
 */
function unexpectedTokenPosition(text: string, quoted: RegExpExecArray): number | undefined {
  const [, before, excerpt = "", after] = quoted;
  if (!before) {
    return after && text.startsWith(excerpt) ? excerpt.length - TOKEN_CONTEXT_LENGTH : undefined;
  }
  const start = after ? text.indexOf(excerpt) : text.length - excerpt.length;
  if (start < 0 || !text.startsWith(excerpt, start)) return undefined;
  if (after && text.indexOf(excerpt, start + 1) >= 0) return undefined;
  return start + TOKEN_CONTEXT_LENGTH;
}

function checkVersion(file: string, snapshot: Snapshot): void {
  const version: unknown = snapshot.SnapshotVersion;
  if (version === undefined || version === SNAPSHOT_VERSION) return;
  if (typeof version !== "number") {
    throw new InputError(
      `${inputName(file)}: SnapshotVersion is ${JSON.stringify(version)}, a ${typeof version}; write it as ` +
        `the number ${SNAPSHOT_VERSION}, without quotes.`,
    );
  }
  if (!Number.isFinite(version)) {
    throw new InputError(
      `${inputName(file)}: SnapshotVersion is ${foundText(version)}; write it as the number ${SNAPSHOT_VERSION}.`,
    );
  }
  throw new InputError(
    `${inputName(file)}: SnapshotVersion ${JSON.stringify(version)} is not supported; this vpc-lint reads ` +
      `version ${SNAPSHOT_VERSION}. Upgrade vpc-lint or collect the snapshot again.`,
  );
}

/**
 * Merges partial snapshots by concatenating their sections. A resource present in several files is
 * kept once, with a warning when the copies differ: the copy from the file collected last when
 * every such file has Source.CollectedAt, else the first copy. Files of different accounts or
 * regions do not merge.
 */
export function mergeSnapshots(
  parts: { file: string; snapshot: Snapshot }[],
  warnings: string[] = [],
): Snapshot {
  const merged: Snapshot = { SnapshotVersion: SNAPSHOT_VERSION };
  const source = mergeSources(parts);
  if (source) merged.Source = source;

  for (const info of SECTIONS) {
    const present = parts.filter((part) => part.snapshot[info.name] !== undefined);
    if (present.length === 0) continue;
    const section =
      info.name === "VpcAttributes"
        ? mergeVpcAttributes(present, warnings)
        : uniqueItems(withoutDeleted(present, info.name, warnings), info.name, warnings);
    (merged as Record<string, unknown>)[info.name] = section;
  }
  const errors = parts.flatMap((part) => part.snapshot.Errors ?? []);
  if (parts.some((part) => part.snapshot.Errors)) {
    merged.Errors = uniqueBy(errors, (error) => `${error.Operation}|${error.Code}|${error.Scope}`);
  }
  return merged;
}

function mergeSources(parts: { file: string; snapshot: Snapshot }[]): SnapshotSource | undefined {
  let source: SnapshotSource | undefined;
  let from = "";
  for (const part of parts) {
    const next = part.snapshot.Source;
    if (!next) continue;
    if (!source) {
      source = { ...next };
      from = part.file;
      continue;
    }
    for (const field of ["AccountId", "Region"] as const) {
      if (next[field] && source[field] && next[field] !== source[field]) {
        throw new InputError(
          `${part.file}: Source.${field} ${next[field]} differs from ${source[field]} in ${from}; ` +
            "a snapshot covers one account and one region, so lint these files in separate runs",
        );
      }
      source[field] ??= next[field];
    }
    const vpcIds = new Set([...(source.VpcIds ?? []), ...(next.VpcIds ?? [])]);
    if (vpcIds.size > 0) source.VpcIds = [...vpcIds].sort();
  }
  return source;
}

function mergeVpcAttributes(
  parts: { file: string; snapshot: Snapshot }[],
  warnings: string[],
): VpcAttributes[] {
  const byVpc = new Map<string, Map<VpcAttributeName, Copy<AttributeValue>[]>>();
  for (const part of parts) {
    for (const item of part.snapshot.VpcAttributes ?? []) {
      const attributes = byVpc.get(item.VpcId) ?? new Map();
      byVpc.set(item.VpcId, attributes);
      for (const name of VPC_ATTRIBUTE_NAMES) {
        const value = item[name];
        if (value === undefined) continue;
        attributes.set(name, [...(attributes.get(name) ?? []), copyOf(value, part)]);
      }
    }
  }

  const merged: VpcAttributes[] = [];
  for (const [vpcId, attributes] of byVpc) {
    const entry: VpcAttributes = { VpcId: vpcId };
    for (const [name, copies] of attributes) {
      const { kept, reason } = chooseCopy(copies);
      entry[name] = kept.value;
      const texts = new Set(copies.map((copy) => canonical(copy.value)));
      if (texts.size === 1) continue;
      const values = copies.map((copy) => `${attributeText(copy.value)} in ${copy.file}`);
      warnings.push(`VpcAttributes of ${vpcId}: ${name} is ${joinNames(values)}; ${reason}`);
    }
    merged.push(dropUndefined(entry));
  }
  return merged;
}

/** The maximum number of left-out resource ids that a warning names. */
const MAX_NAMED_IDS = 10;

/**
 * Leaves out the resources that a collected snapshot has and a later one of the same VPCs lacks,
 * because they were deleted in between. Kept, a deleted route table would still route its subnet.
 */
function withoutDeleted(
  parts: { file: string; snapshot: Snapshot }[],
  section: SectionName,
  warnings: string[],
): { file: string; snapshot: Snapshot }[] {
  const keyOf = itemKeyOf(section);
  const timeOf = (part: { snapshot: Snapshot }) =>
    Date.parse(part.snapshot.Source?.CollectedAt ?? "");
  const vpcIdsOf = (part: { snapshot: Snapshot }) => part.snapshot.Source?.VpcIds ?? [];
  return parts.map((part) => {
    const time = timeOf(part);
    const vpcIds = vpcIdsOf(part);
    if (Number.isNaN(time) || vpcIds.length === 0) return part;
    let latest: { file: string; snapshot: Snapshot } | undefined;
    for (const other of parts) {
      if (!(timeOf(other) > time) || !vpcIds.every((id) => vpcIdsOf(other).includes(id))) continue;
      if (!latest || timeOf(other) > timeOf(latest)) latest = other;
    }
    if (!latest) return part;

    const current = new Set((latest.snapshot[section] as object[]).map(keyOf));
    const deleted = new Set<object>();
    for (const item of part.snapshot[section] as object[]) {
      const id = keyOf(item);
      if (id !== undefined && !current.has(id)) deleted.add(item);
    }
    if (deleted.size === 0) return part;

    const ids = [...deleted].map((item) => keyOf(item) as string);
    const named =
      ids.length > MAX_NAMED_IDS
        ? [...ids.slice(0, MAX_NAMED_IDS), `${ids.length - MAX_NAMED_IDS} more`]
        : ids;
    const verb = ids.length === 1 ? "is" : "are";
    const pronoun = ids.length === 1 ? "it" : "them";
    warnings.push(
      `${section}: ${joinNames(named)} of ${part.file} ${verb} left out, since ${latest.file}, ` +
        `collected later (${latest.snapshot.Source?.CollectedAt}) for the same VPCs, lacks ${pronoun}`,
    );
    const remaining = (part.snapshot[section] as object[]).filter((item) => !deleted.has(item));
    return { file: part.file, snapshot: { ...part.snapshot, [section]: remaining } };
  });
}

/**
 * Keeps one copy of each resource by id, at the place of its first copy, and warns when the
 * copies differ, naming the copy kept and why (see chooseCopy).
 */
function uniqueItems(
  parts: { file: string; snapshot: Snapshot }[],
  section: SectionName,
  warnings: string[],
): object[] {
  const keyOf = itemKeyOf(section);
  // One file without repeated ids, the usual input, keeps its list as it is.
  const only = parts.length === 1 ? (parts[0]?.snapshot[section] as object[]) : undefined;
  if (only && !hasRepeatedIds(only, keyOf)) return only;
  // Each id maps to the position of its first copy. Copies are gathered only for repeated ids, so
  // a large file's merge costs one map entry per resource.
  const positions = new Map<string, number>();
  const firstPart: { file: string; snapshot: Snapshot }[] = [];
  const repeated = new Map<string, Copy<object>[]>();
  const items: object[] = [];
  for (const part of parts) {
    for (const item of part.snapshot[section] as object[]) {
      const id = keyOf(item);
      const position = id === undefined ? undefined : positions.get(id);
      if (position === undefined) {
        if (id !== undefined) positions.set(id, items.length);
        firstPart.push(part);
        items.push(item);
        continue;
      }
      const copies = repeated.get(id as string);
      if (copies) copies.push(copyOf(item, part));
      else {
        const first = copyOf(items[position] as object, firstPart[position] as typeof part);
        repeated.set(id as string, [first, copyOf(item, part)]);
      }
    }
  }

  // Warnings follow the order of the first copies.
  const byPosition = [...repeated].map(([id, copies]) => ({
    id,
    copies,
    position: positions.get(id) as number,
  }));
  byPosition.sort((a, b) => a.position - b.position);
  for (const { id, copies, position } of byPosition) {
    const { kept, reason } = chooseCopy(copies);
    items[position] = kept.value;
    const differs = copies.some(
      (copy) => copy !== kept && !sameContent(kept.value, copy.value, `${section}: ${id}`),
    );
    if (differs) warnings.push(`${section}: ${id} ${whereCopiesAre(copies)} ${reason}`);
  }
  return items;
}

/** Tells whether two items of a list have the same id. Items without an id are not compared. */
function hasRepeatedIds(
  items: readonly object[],
  keyOf: (item: object) => string | undefined,
): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const id = keyOf(item);
    if (id === undefined) continue;
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

const VPC_ATTRIBUTE_NAMES = ["EnableDnsSupport", "EnableDnsHostnames"] as const;
type VpcAttributeName = (typeof VPC_ATTRIBUTE_NAMES)[number];
type AttributeValue = NonNullable<VpcAttributes[VpcAttributeName]>;

/** One copy of a resource or attribute, with the file it came from. */
interface Copy<T> {
  value: T;
  file: string;
  /** The file's Source.CollectedAt, as written. */
  collectedAt?: string;
}

function copyOf<T>(value: T, part: { file: string; snapshot: Snapshot }): Copy<T> {
  const collectedAt = part.snapshot.Source?.CollectedAt;
  return collectedAt === undefined
    ? { value, file: part.file }
    : { value, file: part.file, collectedAt };
}

/**
 * Chooses the copy a merge keeps: the one from the file collected last when every copy's file has
 * a Source.CollectedAt that Date.parse reads, else the first copy in file order. Among files with
 * the same latest time, the first one wins. The reason completes the conflict warning.
 */
function chooseCopy<T>(copies: Copy<T>[]): { kept: Copy<T>; reason: string } {
  const first = copies[0] as Copy<T>;
  const files = [...new Set(copies.map((copy) => copy.file))];
  if (files.length === 1) {
    return {
      kept: first,
      reason: "the first copy is used, so remove the stale copy or collect the VPC again",
    };
  }
  const stale = "so remove the stale copy or collect the VPC again";
  const times = copies.map((copy) => Date.parse(copy.collectedAt ?? ""));
  const undated = [
    ...new Set(copies.filter((_, at) => Number.isNaN(times[at])).map((c) => c.file)),
  ];
  if (undated.length > 0) {
    const verb = undated.length === 1 ? "has" : "have";
    return {
      kept: first,
      reason: `the first copy is used because ${joinNames(undated)} ${verb} no Source.CollectedAt, ${stale}`,
    };
  }

  const latest = Math.max(...times);
  const kept = copies[times.indexOf(latest)] as Copy<T>;
  const latestFiles = new Set(copies.filter((_, at) => times[at] === latest).map((c) => c.file));
  if (latestFiles.size === files.length) {
    return {
      kept,
      reason: `the first copy is used because every file has Source.CollectedAt ${kept.collectedAt}, ${stale}`,
    };
  }
  if (latestFiles.size > 1) {
    return {
      kept,
      reason: `the copy in ${kept.file} is used because it is the first file with the latest Source.CollectedAt, ${kept.collectedAt}, ${stale}`,
    };
  }
  const other = copies.find((copy) => copy.file !== kept.file) as Copy<T>;
  const comparison =
    files.length === 2 ? `later than ${other.collectedAt} in ${other.file}` : "the latest";
  return {
    kept,
    reason: `the copy in ${kept.file} is used because its Source.CollectedAt ${kept.collectedAt} is ${comparison}`,
  };
}

/** Names where the copies of a resource are, ending in "with different content;". */
function whereCopiesAre(copies: Copy<object>[]): string {
  const files = [...new Set(copies.map((copy) => copy.file))];
  if (files.length > 1) return `appears in ${joinNames(files)} with different content;`;
  const times = copies.length === 2 ? "twice" : `${copies.length} times`;
  return `appears ${times} in ${files[0]} with different content;`;
}

function attributeText(attribute: { Value?: boolean }): string {
  return attribute.Value === undefined ? canonical(attribute) : String(attribute.Value);
}

/** Tells whether two copies of a resource have the same content, in any key or item order. */
function sameContent(first: unknown, second: unknown, resource: string): boolean {
  try {
    // Copies from two collections of one VPC are mostly equal with their lists in one order,
    // which this finds without building the sorted JSON of each copy.
    if (isDeepStrictEqual(first, second)) return true;
    return canonical(first) === canonical(second);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(
      `${resource} appears twice and is nested too deeply to compare the copies; keep one copy`,
    );
  }
}

/**
 * Returns JSON with object keys and array items sorted, so copies that differ only in order
 * compare equal: AWS returns tags, rules and associations in no fixed order.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, inner: unknown) => sortedForComparison(inner));
}

function sortedForComparison(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    return value.map((item) => canonical(item)).sort();
  }
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : Number(a > b)));
  return Object.fromEntries(entries);
}

function dropUndefined<T extends object>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;
}
