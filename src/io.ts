/** File output that never leaves a half-written file behind. */
import { chmod, lstat, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "./errors.js";

/** File system error codes that a user fixes by choosing another path or permission. */
const PATH_ERRORS = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS"]);

/**
 * Writes to a temporary file beside the target, then renames it over the target, keeping an
 * existing file's permissions. A symbolic link is followed, even one whose target does not exist
 * yet, so the link stays. A device, FIFO or socket (such as /dev/stdout or a named pipe) is
 * written directly, since renaming would replace it. A path that cannot be written raises an
 * InputError naming it.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const target = await followLinks(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new InputError(`${path}: is a directory; name a file to write the report to`);
  }
  if (existing && !existing.isFile()) {
    await writeOrExplain(path, () => writeFile(target, content, "utf8"));
    return;
  }
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  await writeOrExplain(path, async () => {
    try {
      await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
      if (existing) await chmod(temporary, existing.mode & 0o7777);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  });
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
    if (code && PATH_ERRORS.has(code)) {
      throw new InputError(
        `${path}: cannot write the file (${code}); check that its directory exists and is writable`,
      );
    }
    throw error;
  }
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
