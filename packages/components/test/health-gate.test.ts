// The health gate's script, run for real (as @pulumi/command runs it: /bin/sh -c)
// against a local HTTP server.
import { execFile } from "node:child_process";
import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_GATE_SCRIPT } from "../src/health-gate";

let server: Server;
let base: string;
const hits: Record<string, number> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits[path] = (hits[path] ?? 0) + 1;
    // /warming answers 503 twice, then 200; /broken always 500.
    const status = path === "/warming" ? (hits[path] <= 2 ? 503 : 200) : path === "/healthy" ? 200 : 500;
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function gate(url: string, attempts: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/bin/sh",
      ["-c", HEALTH_GATE_SCRIPT],
      { env: { ...process.env, HEALTH_URL: url, HEALTH_ATTEMPTS: String(attempts), HEALTH_INTERVAL_SECONDS: "0.05" } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the post-deploy health gate", () => {
  it("passes at once when the endpoint is healthy", async () => {
    const result = await gate(`${base}/healthy`, 3);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`healthy: ${base}/healthy answered 200 (attempt 1)`);
  });

  it("retries until the endpoint becomes healthy", async () => {
    const result = await gate(`${base}/warming`, 5);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("attempt 1/5: HTTP 503");
    expect(result.stdout).toContain("(attempt 3)");
  });

  it("fails the update when the endpoint never answers 2xx", async () => {
    const result = await gate(`${base}/broken`, 3);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`${base}/broken did not answer 2xx after 3 attempts (last: HTTP 500)`);
    expect(hits["/broken"]).toBe(3);
  });

  it("fails when nothing listens", async () => {
    const result = await gate("http://127.0.0.1:1/health", 2);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("did not answer 2xx after 2 attempts");
  });
});
