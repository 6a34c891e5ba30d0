/**
 * Live collection without an AWS account: builds the broken NAT64 design on a local moto server
 * and lints it with `vpc-lint --vpc`, the way a user lints a VPC in an account.
 *
 * Usage: node moto-demo.js [--endpoint http://127.0.0.1:PORT] [vpc-lint flags...]
 * Without --endpoint, the script starts moto on a free loopback port and stops it at the end.
 * With --endpoint, it builds on that server and leaves it running for collecting by hand.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { buildBrokenNat64, motoEc2Client } from "./moto-designs.js";
import { assertLoopback, isolatedEnvironment, startMoto, type MotoServer } from "./moto-server.js";

const CLI = resolve("dist", "cli.js");

async function main(argv: string[]): Promise<number> {
  const { endpoint: given, lintFlags } = parseArguments(argv);
  if (!existsSync(CLI)) {
    process.stderr.write(`${CLI} not found: run npm run build first\n`);
    return 2;
  }

  let server: MotoServer | undefined;
  try {
    if (!given) process.stderr.write("starting moto on 127.0.0.1...\n");
    server = given ? undefined : await startMoto();
    const endpoint = given ?? server?.endpoint ?? "";
    assertLoopback(endpoint);

    const ec2 = motoEc2Client(endpoint);
    const design = await buildBrokenNat64(ec2);
    ec2.destroy();
    process.stderr.write(`built the broken NAT64 design as ${design.vpcId} on ${endpoint}\n`);

    const flags = lintFlags.length > 0 ? lintFlags : ["--fail-on", "never"];
    const args = ["--vpc", design.vpcId, ...flags];
    process.stderr.write(`AWS_ENDPOINT_URL=${endpoint} vpc-lint ${args.join(" ")}\n\n`);
    return await runCli(args, endpoint);
  } finally {
    await server?.stop();
  }
}

function parseArguments(argv: string[]): { endpoint?: string; lintFlags: string[] } {
  const position = argv.indexOf("--endpoint");
  if (position === -1) return { lintFlags: argv };
  const endpoint = argv[position + 1];
  if (!endpoint) throw new Error("--endpoint needs a URL such as http://127.0.0.1:5000");
  assertLoopback(endpoint);
  const lintFlags = [...argv.slice(0, position), ...argv.slice(position + 2)];
  return { endpoint, lintFlags };
}

/** Runs the built CLI with an environment that reaches only the loopback endpoint. */
async function runCli(args: string[], endpoint: string): Promise<number> {
  const environment = isolatedEnvironment(endpoint);
  try {
    // Colors follow the caller's terminal and NO_COLOR, as when vpc-lint runs directly.
    const { NO_COLOR: _noColor, ...env } = environment.env;
    if (process.env.NO_COLOR !== undefined) env.NO_COLOR = process.env.NO_COLOR;
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: "inherit" });
    return await new Promise((done) => child.on("close", (status) => done(status ?? 2)));
  } finally {
    environment.cleanup();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`live demo failed: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
