/**
 * Collection that does not finish: a server that never responds, a server that is not running,
 * and a moto process whose parent dies. None may leave a partial snapshot or a process behind.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assertLoopback,
  checkMotoInstalled,
  isolatedEnvironment,
  MOTO_SERVER_PROGRAM,
  type IsolatedEnvironment,
} from "../../scripts/moto-server.js";
import { CLI, ROOT } from "../helpers.js";
import { runLive } from "./live.js";

let workDir: string;
let environment: IsolatedEnvironment | undefined;

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), "vpc-lint-interrupted-"));
});

afterEach(() => {
  environment?.cleanup();
  environment = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

describe("loopback guard", () => {
  it.each(["http://127.0.0.1:5000", "http://[::1]:5000"])("accepts %s", (endpoint) => {
    expect(() => assertLoopback(endpoint)).not.toThrow();
  });

  it.each([
    "https://ec2.us-east-1.amazonaws.com",
    "http://169.254.169.254",
    "http://[fd00:ec2::254]",
    "http://localhost.example.com:5000",
  ])("rejects %s", (endpoint) => {
    expect(() => assertLoopback(endpoint)).toThrow(/is not a loopback address/);
    expect(() => isolatedEnvironment(endpoint)).toThrow(/is not a loopback address/);
  });
});

describe("moto check", () => {
  it("names the fix when moto is missing", async () => {
    const python = join(workDir, "python3");
    const script = `#!/bin/sh\necho "ModuleNotFoundError: No module named 'moto'" >&2\nexit 1\n`;
    writeFileSync(python, script);
    chmodSync(python, 0o755);

    const check = checkMotoInstalled(python);

    await expect(check).rejects.toThrow(`${python} cannot import moto.server (ModuleNotFoundError`);
    await expect(check).rejects.toThrow("python3 -m pip install 'moto[server]'");
  });

  it("names the interpreter that cannot run", async () => {
    const python = join(workDir, "missing", "python3");

    await expect(checkMotoInstalled(python)).rejects.toThrow(
      `${python} cannot import moto.server (cannot run ${python}: spawn ${python} ENOENT)`,
    );
  });
});

describe("collect that does not finish", () => {
  it("leaves the previous snapshot when killed mid-collection", async () => {
    const silent = await startSilentServer();
    try {
      const output = join(workDir, "snapshot.json");
      writeFileSync(output, "previous\n");
      environment = isolatedEnvironment(silent.endpoint);
      const args = [CLI, "collect", "--vpc", "vpc-0a1b2c3d4e5f60001", "-o", output];
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: environment.env,
        stdio: "ignore",
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once("exit", (_code, signal) => resolve(signal)),
      );

      await silent.firstRequest;
      child.kill("SIGINT");

      expect(await exited).toBe("SIGINT");
      expect(readdirSync(workDir)).toEqual(["snapshot.json"]);
      expect(readFileSync(output, "utf8")).toBe("previous\n");
    } finally {
      await silent.close();
    }
  });

  it("writes nothing when the server is not running", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    environment = isolatedEnvironment(endpoint);
    const output = join(workDir, "snapshot.json");

    const run = await runLive(["collect", "--vpc", "vpc-0a1b2c3d4e5f60001", "-o", output], {
      ...environment.env,
      AWS_MAX_ATTEMPTS: "2",
    });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vpc-lint: every AWS call in us-east-1 failed");
    expect(run.stderr).toContain("ECONNREFUSED");
    expect(run.stderr).toContain("any AWS_ENDPOINT_URL setting");
    expect(readdirSync(workDir)).toEqual([]);
  });
});

describe("moto server process", () => {
  it("exits when its parent is killed", async () => {
    // A parent process starts moto with a pipe on its standard input, prints moto's pid and
    // kills itself, so it cannot stop moto.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `const { spawn } = require("node:child_process");
         const args = ["-c", process.argv[1], process.argv[2]];
         const moto = spawn("python3", args, { stdio: ["pipe", "ignore", "ignore"] });
         console.log(moto.pid);
         process.kill(process.pid, "SIGKILL");`,
        MOTO_SERVER_PROGRAM,
        String(await closedPort()),
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let printed = "";
    parent.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    await new Promise((resolve) => parent.once("close", resolve));
    const motoPid = Number.parseInt(printed, 10);
    expect(motoPid).toBeGreaterThan(0);

    expect(await exitsWithin(motoPid, 15_000)).toBe(true);
  });
});

interface SilentServer {
  endpoint: string;
  /** Resolves when the first request arrives. */
  firstRequest: Promise<void>;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 that reads requests and never responds to them. */
async function startSilentServer(): Promise<SilentServer> {
  let received!: () => void;
  const firstRequest = new Promise<void>((resolve) => (received = resolve));
  const server: Server = createServer(() => received());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    firstRequest,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Returns a loopback port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until the process is gone; returns false when it is still running at the deadline. */
async function exitsWithin(pid: number, milliseconds: number): Promise<boolean> {
  const deadline = Date.now() + milliseconds;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isRunning(pid)) process.kill(pid, "SIGTERM");
  return false;
}

/** Tells whether the process exists and is not a zombie waiting to be reaped. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state is the field after the parenthesized command name in /proc/PID/stat.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
