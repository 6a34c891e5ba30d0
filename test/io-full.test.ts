import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { InputError } from "../src/errors.js";
import { writeFileAtomic, writeFilesAtomic } from "../src/io.js";

/** Files whose name contains this fail to write as on a full file system or an exceeded quota. */
const FULL = "no-space";

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...fs,
    writeFile: async (...args: Parameters<typeof fs.writeFile>) => {
      const name = String(args[0]);
      const code = name.includes(`${FULL}-quota`) ? "EDQUOT" : "ENOSPC";
      if (name.includes(FULL)) throw Object.assign(new Error(`${code}: write failed`), { code });
      return fs.writeFile(...args);
    },
  };
});

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "vpc-lint-io-"));
}

describe("report writes on a full file system", () => {
  it("name the path and the cause", async () => {
    const path = join(await scratch(), `${FULL}.json`);
    const attempt = writeFileAtomic(path, "x");

    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      `${path}: cannot write the file (ENOSPC); the file system is full or over quota; free space or write the report elsewhere`,
    );
  });

  it("name an exceeded quota", async () => {
    const path = join(await scratch(), `${FULL}-quota.json`);

    await expect(writeFileAtomic(path, "x")).rejects.toThrow(
      `${path}: cannot write the file (EDQUOT); the file system is full or over quota`,
    );
  });

  it("change no file when one fails", async () => {
    const directory = await scratch();
    const existing = join(directory, "kept.json");
    await writeFile(existing, "old");

    await expect(
      writeFilesAtomic([
        { path: existing, content: "new" },
        { path: join(directory, `${FULL}.sarif`), content: "new" },
      ]),
    ).rejects.toThrow("no output file was written");
    expect(await readdir(directory)).toEqual(["kept.json"]);
  });
});
