import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { lstat, mkdtemp, readFile, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { writeFileAtomic } from "../src/io.js";
import { parseTargets } from "../src/report/formats.js";

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "vpc-lint-io-"));
}

describe("report file writes", () => {
  it("replace a regular file and leave no temporary file", async () => {
    const directory = await scratch();
    const path = join(directory, "report.json");
    await writeFile(path, "old");

    await writeFileAtomic(path, "new");

    expect(await readFile(path, "utf8")).toBe("new");
    expect(await readdir(directory)).toEqual(["report.json"]);
  });

  it("write through a symbolic link and keep the link", async () => {
    const directory = await scratch();
    const target = join(directory, "real.sarif");
    const link = join(directory, "link.sarif");
    await writeFile(target, "old");
    await symlink(target, link);

    await writeFileAtomic(link, "new");

    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, "utf8")).toBe("new");
  });

  it("write into a named pipe without replacing it", async () => {
    const directory = await scratch();
    const pipe = join(directory, "pipe");
    execFileSync("mkfifo", [pipe]);
    const received = new Promise<string>((resolve, reject) => {
      let text = "";
      createReadStream(pipe, "utf8")
        .on("data", (chunk) => (text += chunk))
        .on("end", () => resolve(text))
        .on("error", reject);
    });

    await writeFileAtomic(pipe, "report");

    expect(await received).toBe("report");
    expect((await lstat(pipe)).isFIFO()).toBe(true);
  });

  it("name the path when its directory is missing", async () => {
    const path = join(await scratch(), "missing", "report.json");

    await expect(writeFileAtomic(path, "x")).rejects.toThrow(InputError);
    await expect(writeFileAtomic(path, "x")).rejects.toThrow(`${path}: cannot write the file`);
  });
});

describe("report targets", () => {
  it("reject two formats written to one file", () => {
    expect(() => parseTargets(["json=out/report", "sarif=./out/report"], undefined)).toThrow(
      "--format json=out/report and --format sarif=./out/report name the same file",
    );
  });

  it("accept formats written to different files", () => {
    expect(parseTargets(["json=a.json", "sarif=a.sarif", "text"], undefined)).toEqual([
      { format: "json", path: "a.json" },
      { format: "sarif", path: "a.sarif" },
      { format: "text" },
    ]);
  });
});
