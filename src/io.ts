/** File output that never leaves a half-written file behind. */
import { realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "./errors.js";

/** File system error codes that a user fixes by choosing another path or permission. */
const PATH_ERRORS = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS"]);

/**
 * Writes to a temporary file beside the target, then renames it over the target. A symbolic link
 * is followed, so the file it points at is replaced and the link stays. A device, FIFO or socket
 * (such as /dev/stdout or a named pipe) is written directly, since renaming would replace it. A
 * path that cannot be written raises an InputError naming it.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    await writeOrExplain(path, () => writeFile(path, content, "utf8"));
    return;
  }
  const target = existing ? await realpath(path) : path;
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  await writeOrExplain(path, async () => {
    try {
      await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  });
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
