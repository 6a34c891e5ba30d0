/**
 * Shared setup of the live tests: one moto server per test file, the EC2 client that builds the
 * designs on it, and a runner for the built CLI whose environment reaches only that server.
 */
import { spawn } from "node:child_process";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, vi } from "vitest";
import {
  assertLoopback,
  isolatedEnvironment,
  MOTO_CREDENTIALS,
  MOTO_REGION,
  startMoto,
  type IsolatedEnvironment,
  type MotoServer,
} from "../../scripts/moto-server.js";
import { motoEc2Client } from "../../scripts/moto-designs.js";
import { CLI, ROOT, type CliRun } from "../helpers.js";

/** Time for starting moto and building designs on it, in milliseconds. */
export const SETUP_TIMEOUT_MS = 90_000;

export interface LiveServer {
  endpoint: string;
  ec2: EC2Client;
  /** Environment for the CLI: dummy keys, the server as AWS_ENDPOINT_URL, empty config files. */
  env: Record<string, string>;
}

/**
 * Starts a moto server before the tests of the calling file and stops it after them, also when
 * setup or a test fails. Returns a handle whose fields are set once beforeAll has run.
 */
export function useMotoServer(): LiveServer {
  const live = {} as LiveServer;
  let server: MotoServer | undefined;
  let environment: IsolatedEnvironment | undefined;

  beforeAll(async () => {
    server = await startMoto();
    assertLoopback(server.endpoint);
    environment = isolatedEnvironment(server.endpoint);
    // The test process builds designs with explicit settings; these variables keep any
    // SDK look-up that still reads the environment away from real accounts and metadata.
    for (const [name, value] of Object.entries(environment.env)) {
      if (name.startsWith("AWS_")) vi.stubEnv(name, value);
    }
    vi.stubEnv("AWS_PROFILE", undefined);
    live.endpoint = server.endpoint;
    live.ec2 = motoEc2Client(server.endpoint);
    live.env = environment.env;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      live.ec2?.destroy();
      environment?.cleanup();
      vi.unstubAllEnvs();
    } finally {
      await server?.stop();
    }
  }, SETUP_TIMEOUT_MS);

  return live;
}

export { MOTO_CREDENTIALS, MOTO_REGION };

/** Runs the built CLI and resolves when it exits; `env` replaces the whole environment. */
export function runLive(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}
