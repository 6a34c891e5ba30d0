/** File output that never leaves a half-written file behind. */
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "./errors.js";

/** File system error codes that a user fixes by choosing another path or permission. */
const PATH_ERRORS = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS"]);

/**
 * Writes to a temporary file beside the target, then renames it over the target. A path that
 * cannot be written raises an InputError naming it.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code && PATH_ERRORS.has(code)) {
      throw new InputError(
        `${path}: cannot write the file (${code}); check that its directory exists and is writable`,
      );
    }
    throw error;
  }
}
