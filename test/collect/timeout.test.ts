import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectSnapshot } from "../../src/collect/collector.js";
import { InputError } from "../../src/errors.js";

/** A server on loopback that accepts connections and never responds. */
let server: Server;
let endpoint = "";
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no server address");
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("collector request timeout", () => {
  it("fails against a silent server", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", endpoint);
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing-secret");
    vi.stubEnv("AWS_CONFIG_FILE", "/dev/null");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    const lines: string[] = [];
    const run = collectSnapshot({
      vpcIds: ["vpc-0a1b2c3d4e5f60001"],
      region: "us-east-1",
      concurrency: 4,
      maxAttempts: 1,
      requestTimeoutMs: 300,
      log: (line) => lines.push(line),
    });
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/DescribeVpcs/);
    expect(lines.some((line) => /timeout|timed out/i.test(line))).toBe(true);
    vi.unstubAllEnvs();
  }, 20_000);
});
