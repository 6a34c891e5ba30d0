/** File output that never leaves a half-written file behind. */
import { constants, rmSync, type Stats } from "node:fs";
import {
  access,
  chmod,
  lstat,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "./errors.js";

/** File system error codes that a user fixes by choosing another path or permission. */
const PATH_ERRORS = new Set([
  "ENOENT",
  "ENOTDIR",
  "EISDIR",
  "EACCES",
  "EPERM",
  "EROFS",
  "EPIPE",
  "ENAMETOOLONG",
  "ENOSPC",
  "EDQUOT",
]);
const PERMISSION_ERRORS = new Set(["EACCES", "EPERM", "EROFS"]);

/**
 * Reads a text file given by `flag`, decoded as decodeText does, raising an InputError that names
 * both when it cannot.
 */
export async function readText(file: string, flag: string): Promise<string> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    // Only --snapshot reads standard input for `-`, so a file named `-` is still read here.
    if (file === "-" && error.code === "ENOENT") {
      throw new InputError(
        `-: ${flag} reads a file, not standard input; save the input to a file and pass its path`,
      );
    }
    let reason = `cannot read the file (${error.code ?? error.message})`;
    if (error.code === "ENOENT") reason = "file not found";
    if (error.code === "EISDIR") reason = "is a directory, not a file";
    throw new InputError(`${file}: ${reason}; ${readFixHint(error.code, flag)}`);
  });
  return decodeText(file, bytes);
}

/**
 * Returns the fix for an input file that cannot be read with the error `code`. The fix is read
 * permission, a file in place of a directory, or otherwise a check of the path of `flag`.
 */
export function readFixHint(code: string | undefined, flag: string): string {
  if (code === "EACCES" || code === "EPERM") {
    return "give the user that runs vpc-lint permission to read it";
  }
  if (code === "EISDIR") return `pass a file to ${flag}`;
  return `check the ${flag} path`;
}

/**
 * Decodes a file as UTF-8, or as UTF-16 when it starts with a UTF-16 byte order mark, which is how
 * Windows PowerShell 5.1 redirects `aws ... > file.json`. A UTF-8 byte order mark is dropped.
 * UTF-16 without a byte order mark, and a gzip file, raise an InputError that names the fix.
 */
export function decodeText(file: string, bytes: Buffer): string {
  // Every gzip stream starts with these two bytes (RFC 1952). They are not valid UTF-8, and UTF-16
  // is read only after a byte order mark.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new InputError(
      `${file}: is compressed with gzip, not text; decompress it, for example with gunzip, ` +
        "and run again",
    );
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff && bytes.length % 2 === 0) {
    return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
  }
  // ASCII text in UTF-16 has a NUL in every second byte: the odd ones (LE) or the even ones (BE).
  const start = bytes.subarray(0, Math.min(bytes.length, 16) & ~1);
  const nulAt = (parity: number) =>
    start.every((byte, index) => (index % 2 === parity) === (byte === 0));
  if (start.length >= 2 && (nulAt(1) || nulAt(0))) {
    throw new InputError(
      `${file}: looks like UTF-16 text without a byte order mark, not UTF-8; ` +
        "re-save the file as UTF-8 and run again",
    );
  }
  // Decoded as UTF-8 even when it is ASCII. Node.js returns a large Latin-1 or ASCII decoding as an
  // external string, and V8's JSON.parse took about 60% longer over one: for a 44 MB snapshot,
  // 290 ms against 175 ms, while the UTF-8 decoding cost 6 ms more. The file's buffer and that
  // string together exceeded the external memory at which V8 starts marking the heap
  // (node --trace-incremental-marking), and the parse ran beside the marking.
  const text = bytes.toString("utf8");
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** One file to write and its content. */
export interface FileWrite {
  path: string;
  /**
   * The content, or a function that renders it when the write is staged. A run that writes
   * several large reports then need not keep them all in memory, except those for a device or
   * FIFO, which are written only when every write is staged.
   */
  content: string | (() => string);
}

/**
 * Writes to a temporary file beside the target, then renames it over the target, keeping an
 * existing file's permissions. A symbolic link is followed, even one whose target does not exist
 * yet, so the link stays. A device, FIFO or socket (such as /dev/stdout or a named pipe) is
 * written directly, since renaming would replace it. A path that cannot be written raises an
 * InputError naming it.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await writeFilesAtomic([{ path, content }]);
}

/**
 * Writes all the files or none: each goes to a temporary file first (a device or FIFO is only
 * checked), and the renames start once every one succeeded. A failure names its path.
 */
export async function writeFilesAtomic(writes: readonly FileWrite[]): Promise<void> {
  const prepared: PreparedWrite[] = [];
  try {
    for (const write of writes) prepared.push(await prepareWrite(write));
  } catch (error) {
    await Promise.all(prepared.map((write) => write.discard()));
    if (error instanceof InputError && writes.length > 1) {
      throw new InputError(`${error.message}; no output file was written`);
    }
    throw error;
  }
  // Direct writes go first because they can still fail, while a rename in one directory rarely does.
  const ordered = [...prepared].sort((a, b) => Number(a.renamed) - Number(b.renamed));
  const written: string[] = [];
  for (const [index, write] of ordered.entries()) {
    try {
      await write.commit();
    } catch (error) {
      await Promise.all(ordered.slice(index + 1).map((rest) => rest.discard()));
      if (error instanceof InputError && written.length > 0) {
        throw new InputError(`${error.message}; already written: ${written.join(", ")}`);
      }
      throw error;
    }
    written.push(write.path);
  }
}

/** A write checked and staged, waiting to replace its target or to be thrown away. */
interface PreparedWrite {
  path: string;
  /** True when the commit renames a temporary file, false when it writes the target directly. */
  renamed: boolean;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Temporary files written but not yet renamed or removed. */
const STAGED = new Set<string>();

/**
 * Removes the temporary files of writes in progress, for a process that stops before they end,
 * such as one interrupted while a FIFO waits for its reader.
 */
export function removeStagedFiles(): void {
  for (const file of STAGED) rmSync(file, { force: true });
  STAGED.clear();
}

/** Counts temporary files, so two written in the same millisecond never share a name. */
let temporaryCount = 0;

/**
 * Raises the InputError that writing a path would raise later, without writing anything. Runs
 * that collect for minutes before they write call it first. It catches a directory, a file or
 * device that is not writable, and a new file whose directory is missing or not writable.
 */
export async function checkWritable(paths: readonly string[]): Promise<void> {
  try {
    for (const path of paths) {
      const { target, existing } = await inspectTarget(path);
      if (!existing) await writeOrExplain(path, () => access(dirname(target), constants.W_OK));
    }
  } catch (error) {
    // writeFilesAtomic adds the same words when a write of several files fails.
    if (error instanceof InputError && paths.length > 1) {
      throw new InputError(`${error.message}; no output file was written`);
    }
    throw error;
  }
}

/** Follows links from a path to its file and checks that the file is no directory and is writable. */
async function inspectTarget(path: string): Promise<{ target: string; existing?: Stats }> {
  const target = await followLinks(path);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    // A name longer than the file system allows fails the write too, so it is reported now.
    if (error.code === "ENAMETOOLONG") throw pathError(path, error.code);
    return undefined;
  });
  if (existing?.isDirectory()) {
    // The same check guards reports, snapshots and baselines, so the message names none of them.
    const example = join(path, "out.json");
    throw new InputError(`${path}: is a directory; name a file to write, such as ${example}`);
  }
  if (!existing) return { target };
  // Renaming over a read-only file would succeed in a writable directory, so check the file too.
  await writeOrExplain(path, () => access(target, constants.W_OK));
  return { target, existing };
}

/** Stages one write: a temporary file with the content, or a checked device or FIFO. */
async function prepareWrite(write: FileWrite): Promise<PreparedWrite> {
  const { path } = write;
  const { target, existing } = await inspectTarget(path);
  const content = typeof write.content === "string" ? write.content : write.content();
  if (existing && !existing.isFile()) {
    return {
      path,
      renamed: false,
      commit: () => writeOrExplain(path, () => writeFile(target, content, "utf8")),
      discard: async () => {},
    };
  }
  temporaryCount += 1;
  const temporary = join(
    dirname(target),
    `.${temporaryStem(target)}.${process.pid}.${Date.now()}.${temporaryCount}.tmp`,
  );
  const discard = async (): Promise<void> => {
    STAGED.delete(temporary);
    await rm(temporary, { force: true });
  };
  STAGED.add(temporary);
  await writeOrExplain(path, async () => {
    try {
      await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
      if (existing) await chmod(temporary, existing.mode & 0o7777);
    } catch (error) {
      await discard();
      throw error;
    }
  });
  return {
    path,
    renamed: true,
    commit: () =>
      writeOrExplain(path, async () => {
        try {
          await rename(temporary, target);
          STAGED.delete(temporary);
        } catch (error) {
          await discard();
          throw error;
        }
      }),
    discard,
  };
}

/**
 * The maximum length in bytes of the target's name inside a temporary file's name. The rest of
 * the name adds about 30 bytes, and ext4, XFS and Btrfs allow names of up to 255 bytes.
 */
const MAX_STEM_BYTES = 200;

/** Returns the target's file name for its temporary file, or a fixed stem when it is too long. */
function temporaryStem(target: string): string {
  const name = basename(target);
  return Buffer.byteLength(name) <= MAX_STEM_BYTES ? name : "vpc-lint-output";
}

/** The maximum number of symbolic links followed before a path counts as a loop (Linux: 40). */
const MAX_LINKS = 40;

/** Returns the path a chain of symbolic links leads to, whether or not that file exists. */
async function followLinks(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < MAX_LINKS; hops += 1) {
    const info = await lstat(current).catch(() => undefined);
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new InputError(`${path}: too many levels of symbolic links`);
}

/**
 * Returns a key that two paths share when they name the same file: the device and inode of an
 * existing file (so hard links match too), else the real directory and the file name.
 */
export async function fileIdentity(path: string): Promise<string> {
  const target = await followLinks(path);
  const info = await stat(target).catch(() => undefined);
  if (info) return `${info.dev}:${info.ino}`;
  const directory = await realpath(dirname(target)).catch(() => resolve(dirname(target)));
  return join(directory, basename(target));
}

/** Runs a write and turns a path error into an InputError naming the path. */
async function writeOrExplain(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && PATH_ERRORS.has(code)) throw pathError(path, code);
    throw error;
  }
}

/** Returns the InputError for a path that cannot be written, with the fix for its error code. */
function pathError(path: string, code: string): InputError {
  let hint = "check that its directory exists and is writable";
  if (PERMISSION_ERRORS.has(code)) hint = "check that the file and its directory are writable";
  if (code === "EPIPE") hint = "the program reading the pipe closed it before the end";
  if (code === "ENAMETOOLONG") hint = "the file system does not allow so long a name; shorten it";
  if (code === "ENOSPC" || code === "EDQUOT")
    hint = "the file system is full or over quota; free space or write the report elsewhere";
  return new InputError(`${path}: cannot write the file (${code}); ${hint}`);
}

/** A file the run writes, named as the user gave it, such as `--format json=report.json`. */
export interface NamedPath {
  label: string;
  path: string;
}

/**
 * Raises an InputError when two outputs name the same file, or an output names an input file,
 * since one would silently replace the other. Links and relative paths are resolved first.
 */
export async function checkDistinctOutputs(
  outputs: readonly NamedPath[],
  inputs: readonly string[],
): Promise<void> {
  const claimed = new Map<string, string>();
  for (const input of inputs) claimed.set(await fileIdentity(input), `the input file ${input}`);
  for (const output of outputs) {
    const identity = await fileIdentity(output.path);
    const earlier = claimed.get(identity);
    if (earlier) {
      throw new InputError(
        `${output.label} names the same file as ${earlier}, so one would overwrite the other; ` +
          "give it a file of its own",
      );
    }
    claimed.set(identity, output.label);
  }
}
