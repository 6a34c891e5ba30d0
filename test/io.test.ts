import { execFileSync } from "node:child_process";
import { createReadStream, readdirSync } from "node:fs";
import {
  link as hardLink,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import {
  checkDistinctOutputs,
  checkWritable,
  readFixHint,
  readText,
  writeFileAtomic,
  writeFilesAtomic,
} from "../src/io.js";
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

  it("name a pipe its reader closed", async () => {
    const directory = await scratch();
    const pipe = join(directory, "closed-pipe");
    execFileSync("mkfifo", [pipe]);
    // The reader takes one chunk and closes, so the rest of a large write has nowhere to go.
    const reader = createReadStream(pipe);
    reader.once("data", () => reader.destroy());

    await expect(writeFileAtomic(pipe, "x".repeat(4_000_000))).rejects.toThrow(
      `${pipe}: cannot write the file (EPIPE); the program reading the pipe closed it before the end`,
    );
  });

  it("create the target of a dangling link and keep the link", async () => {
    const directory = await scratch();
    const link = join(directory, "link.json");
    await symlink("target.json", link);

    await writeFileAtomic(link, "new");

    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(directory, "target.json"), "utf8")).toBe("new");
  });

  it("keep the permissions of the file it replaces", async () => {
    const directory = await scratch();
    const path = join(directory, "private.json");
    await writeFile(path, "old", { mode: 0o600 });

    await writeFileAtomic(path, "new");

    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("say so when the path is a directory", async () => {
    const directory = await scratch();

    await expect(writeFileAtomic(directory, "x")).rejects.toThrow(
      `${directory}: is a directory; name a file to write, such as ${join(directory, "out.json")}`,
    );
  });

  it("write a file with a long name", async () => {
    const directory = await scratch();
    const name = `${"r".repeat(245)}.json`;

    await writeFileAtomic(join(directory, name), "long");

    expect(await readFile(join(directory, name), "utf8")).toBe("long");
    expect(await readdir(directory)).toEqual([name]);
  });

  it("name a file name that is too long", async () => {
    const directory = await scratch();
    const path = join(directory, `${"r".repeat(300)}.json`);
    const message = `${path}: cannot write the file (ENAMETOOLONG); the file system does not allow`;

    await expect(checkWritable([path])).rejects.toThrow(InputError);
    await expect(checkWritable([path])).rejects.toThrow(message);
    await expect(writeFileAtomic(path, "x")).rejects.toThrow(message);
    expect(await readdir(directory)).toEqual([]);
  });

  it("name the path when its directory is missing", async () => {
    const path = join(await scratch(), "missing", "report.json");

    await expect(writeFileAtomic(path, "x")).rejects.toThrow(InputError);
    await expect(writeFileAtomic(path, "x")).rejects.toThrow(`${path}: cannot write the file`);
  });
});

describe("input file reads", () => {
  it("say that - does not read standard input", async () => {
    const attempt = readText("-", "--terraform-plan");

    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      "-: --terraform-plan reads a file, not standard input; save the input to a file and " +
        "pass its path",
    );
  });
});

describe("input file read errors", () => {
  it("name a directory given as a file", async () => {
    const directory = await scratch();
    const attempt = readText(directory, "--config");

    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      `${directory}: is a directory, not a file; pass a file to --config`,
    );
  });

  it("ask for read permission", () => {
    expect(readFixHint("EACCES", "--snapshot")).toBe(
      "give the user that runs vpc-lint permission to read it",
    );
    expect(readFixHint("EPERM", "--baseline")).toBe(
      "give the user that runs vpc-lint permission to read it",
    );
  });

  it("point at the path for other errors", () => {
    expect(readFixHint("EIO", "--template")).toBe("check the --template path");
    expect(readFixHint(undefined, "--template")).toBe("check the --template path");
  });
});

describe("writes of several files", () => {
  it("write every file when all succeed", async () => {
    const directory = await scratch();
    const first = join(directory, "a.json");
    const second = join(directory, "b.sarif");
    await writeFile(second, "old");

    await writeFilesAtomic([
      { path: first, content: "one" },
      { path: second, content: "two" },
    ]);

    expect(await readFile(first, "utf8")).toBe("one");
    expect(await readFile(second, "utf8")).toBe("two");
    expect((await readdir(directory)).sort()).toEqual(["a.json", "b.sarif"]);
  });

  it("render each content as its file is staged", async () => {
    const directory = await scratch();
    const staged: string[][] = [];
    const content = (text: string) => () => {
      staged.push(readdirSync(directory));
      return text;
    };

    await writeFilesAtomic([
      { path: join(directory, "a.json"), content: content("one") },
      { path: join(directory, "b.sarif"), content: content("two") },
    ]);

    expect(staged[0]).toEqual([]);
    // The first report is in its temporary file before the second one is rendered.
    expect(staged[1]).toHaveLength(1);
    expect(staged[1]?.[0]).toMatch(/^\.a\.json\..*\.tmp$/);
    expect(await readFile(join(directory, "b.sarif"), "utf8")).toBe("two");
  });

  it("change no file when one fails", async () => {
    const directory = await scratch();
    const existing = join(directory, "kept.json");
    const fresh = join(directory, "fresh.json");
    const missing = join(directory, "missing", "x.sarif");
    await writeFile(existing, "old");

    await expect(
      writeFilesAtomic([
        { path: existing, content: "new" },
        { path: fresh, content: "new" },
        { path: missing, content: "new" },
      ]),
    ).rejects.toThrow(
      `${missing}: cannot write the file (ENOENT); check that its directory exists and is ` +
        "writable; no output file was written",
    );

    expect(await readFile(existing, "utf8")).toBe("old");
    expect(await readdir(directory)).toEqual(["kept.json"]);
  });

  it("check a named pipe before writing", async () => {
    const directory = await scratch();
    const pipe = join(directory, "pipe");
    const report = join(directory, "report.json");
    execFileSync("mkfifo", [pipe]);

    await expect(
      writeFilesAtomic([
        { path: pipe, content: "piped" },
        { path: report, content: "new" },
        { path: directory, content: "x" },
      ]),
    ).rejects.toThrow(`${directory}: is a directory`);

    expect((await readdir(directory)).sort()).toEqual(["pipe"]);
    expect((await lstat(pipe)).isFIFO()).toBe(true);
  });
});

describe("report targets", () => {
  it("reject two outputs that name one file through a link", async () => {
    const directory = await scratch();
    const real = join(directory, "r.json");
    const link = join(directory, "link.json");
    const hard = join(directory, "hard.json");
    await writeFile(real, "{}");
    await symlink(real, link);
    await hardLink(real, hard);
    const outputs = (path: string) => [
      { label: "--format json=r.json", path: real },
      { label: "--format sarif=other", path },
    ];

    await expect(checkDistinctOutputs(outputs(link), [])).rejects.toThrow(
      "--format sarif=other names the same file as --format json=r.json",
    );
    await expect(checkDistinctOutputs(outputs(hard), [])).rejects.toThrow(InputError);
  });

  it("reject an output that names an input file", async () => {
    const directory = await scratch();
    const input = join(directory, "snapshot.json");
    await writeFile(input, "{}");

    await expect(
      checkDistinctOutputs([{ label: "-o snapshot.json", path: input }], [input]),
    ).rejects.toThrow(`-o snapshot.json names the same file as the input file ${input}`);
  });

  it("tell apart files reached through a linked directory", async () => {
    const directory = await scratch();
    await mkdir(join(directory, "sub", "inner"), { recursive: true });
    await symlink(join(directory, "sub", "inner"), join(directory, "il"));

    await expect(
      checkDistinctOutputs(
        [
          { label: "a", path: join(directory, "x.json") },
          { label: "b", path: `${join(directory, "il")}/../x.json` },
        ],
        [],
      ),
    ).resolves.toBeUndefined();
  });

  it("accept formats written to different files", () => {
    expect(parseTargets(["json=a.json", "sarif=a.sarif", "text"], undefined)).toEqual([
      { format: "json", path: "a.json" },
      { format: "sarif", path: "a.sarif" },
      { format: "text" },
    ]);
  });
});
