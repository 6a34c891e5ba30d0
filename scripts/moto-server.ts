/**
 * Starts and stops a local moto server, an EC2 and SSM API emulator, for live collection without
 * an AWS account. The server listens on 127.0.0.1 only, and every helper here rejects an endpoint
 * that is not a loopback address, so nothing built on it can reach AWS.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MOTO_REGION = "us-east-1";

/** Dummy keys, which moto accepts and AWS rejects. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

/** How long to wait for the server to respond to HTTP after it starts, in milliseconds. */
const START_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 200;
const PORT_ATTEMPTS = 3;

/**
 * Runs moto.server and exits as soon as standard input closes. The parent keeps the pipe open, so
 * when it exits or is killed the server follows it and no orphan process remains.
 */
export const MOTO_SERVER_PROGRAM = `
import os, sys, threading
def watch_parent():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch_parent, daemon=True).start()
from moto.server import main
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
`;

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, the value for AWS_ENDPOINT_URL. */
  endpoint: string;
  pid: number;
  /** Stops the server and waits for its process to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Throws unless the URL's host is a loopback address, so no request can leave the machine. */
export function assertLoopback(endpoint: string): void {
  const host = new URL(endpoint).hostname;
  if (host === "127.0.0.1" || host === "[::1]") return;
  throw new Error(
    `endpoint ${endpoint} is not a loopback address: the live tests and demo only run against ` +
      "a local server on 127.0.0.1",
  );
}

/** Throws an error that names the fix when the Python interpreter cannot import moto.server. */
export async function checkMotoInstalled(python = "python3"): Promise<void> {
  const child = spawn(python, ["-c", "import moto.server"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  if (outcome.code === 0) return;

  const lastLine = stderr.trim().split("\n").pop() ?? "";
  const reason = outcome.error
    ? `cannot run ${python}: ${outcome.error.message}`
    : lastLine || `exit code ${outcome.code}`;
  throw new Error(
    `${python} cannot import moto.server (${reason}): install it with ` +
      "python3 -m pip install 'moto[server]'",
  );
}

/**
 * Starts moto on a free loopback port and waits until it responds to HTTP. Retries on another
 * port when the process exits before responding, because another program may take the port first.
 */
export async function startMoto(python = "python3"): Promise<MotoServer> {
  await checkMotoInstalled(python);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    try {
      return await startOnPort(python, port);
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw lastError ?? new Error("moto did not start");
}

/**
 * Starts moto with its request log in a temporary file. A pipe would fill when the parent stops
 * reading it, such as during a synchronous child process, and moto would then hang mid-request.
 */
async function startOnPort(python: string, port: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  assertLoopback(endpoint);
  const logDirectory = mkdtempSync(join(tmpdir(), "vpc-lint-moto-"));
  const logFile = join(logDirectory, "moto.log");
  const log = openSync(logFile, "w");
  const child = spawn(python, ["-c", MOTO_SERVER_PROGRAM, String(port)], {
    stdio: ["pipe", log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = stopper(child, exited, logDirectory);

  try {
    await waitForHttp(endpoint, child);
  } catch (error) {
    const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n");
    await stop();
    throw new Error(`${(error as Error).message}${tail ? `\nmoto output:\n${tail}` : ""}`);
  }
  return { endpoint, pid: child.pid ?? -1, stop };
}

function stopper(
  child: ChildProcess,
  exited: Promise<void>,
  logDirectory: string,
): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(logDirectory, { recursive: true, force: true });
  };
}

async function waitForHttp(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto exited with code ${child.exitCode} before responding on ${endpoint}`);
    }
    if (await answers(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`moto did not respond on ${endpoint} within ${START_TIMEOUT_MS / 1000} s`);
}

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request(endpoint, { method: "GET", timeout: 1_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    probe.on("timeout", () => probe.destroy());
    probe.on("error", () => resolve(false));
    probe.end();
  });
}

/** Asks the kernel for a free loopback port. Another program may take it before moto binds it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Variables that an isolated AWS environment sets or clears, beside PATH. */
export interface IsolatedEnvironment {
  env: Record<string, string>;
  /** Removes the empty AWS config and credentials files. */
  cleanup(): void;
}

/**
 * Builds an environment for the AWS SDK that reaches only the given loopback endpoint: dummy keys,
 * a fixed Region, no instance metadata, and empty config and credentials files so that a profile
 * or key on the machine cannot take part.
 */
export function isolatedEnvironment(endpoint: string): IsolatedEnvironment {
  assertLoopback(endpoint);
  const directory = mkdtempSync(join(tmpdir(), "vpc-lint-aws-"));
  const config = join(directory, "config");
  const credentials = join(directory, "credentials");
  writeFileSync(config, "");
  writeFileSync(credentials, "");
  return {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: directory,
      NO_COLOR: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: MOTO_REGION,
      AWS_ENDPOINT_URL: endpoint,
    },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
