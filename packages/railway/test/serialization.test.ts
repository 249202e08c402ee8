// The provider closures Pulumi stores in state: they serialize, hold no token,
// and run from their serialized text in a fresh process the way Pulumi's
// dynamic-provider host runs them.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as railway from "../src";
import { RailwayEmulator } from "../src/testing/emulator";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../../..");
const TOKEN = "serialization-test-token-5f1c2a9e";

let emulator: RailwayEmulator;
let outDir: string;
let summary: Record<string, { bytes: number; containsSecrets: boolean }>;

beforeAll(async () => {
  emulator = await RailwayEmulator.start({ token: TOKEN });
  outDir = mkdtempSync(path.join(tmpdir(), "trestle-serialized-"));
  const { stdout } = await run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "fixtures/serialize-providers.ts"), outDir],
    {
      cwd: ROOT,
      env: { ...process.env, TRESTLE_TEST_TOKEN: TOKEN, RAILWAY_API_TOKEN: TOKEN, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    },
  );
  summary = JSON.parse(stdout);
});

afterAll(async () => {
  await emulator.stop();
  rmSync(outDir, { recursive: true, force: true });
});

const NAMES = [
  "Project",
  "Environment",
  "Service",
  "Variables",
  "ServiceDomain",
  "CustomDomain",
  "TcpProxy",
  "Volume",
  "Bucket",
  "Deployment",
];

describe("serialized Railway providers", () => {
  it("serializes all ten under ts-node", () => {
    expect(Object.keys(summary).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)("%s holds no token and captured no secret", (name) => {
    const text = readFileSync(path.join(outDir, `${name}.js`), "utf8");
    expect(text).toContain("configure");
    expect(text).not.toContain(TOKEN);
    expect(summary[name].containsSecrets).toBe(false);
  });

  it("serializes under the test runner too (as dynamic.Resource does under mocks), without the token", async () => {
    railway.configureRailway({ token: TOKEN });
    try {
      const serialized = await pulumi.runtime.serializeFunction(() => railway.serviceProvider, { allowSecrets: true });
      expect(serialized.text).not.toContain(TOKEN);
    } finally {
      railway.configureRailway({ token: undefined });
    }
  });

  it("runs from its serialized text in a fresh process, configured from the stack secret", async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(__dirname, "fixtures/run-serialized-provider.js"), path.join(outDir, "Project.js"), "from-state"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TRESTLE_TEST_TOKEN: TOKEN, TRESTLE_RAILWAY_ENDPOINT: emulator.url },
      },
    );
    const { created, read, gone } = JSON.parse(stdout);
    expect(created.outs).toMatchObject({ name: "from-state", created: true });
    expect(read).toMatchObject({ id: created.id });
    expect(gone).toEqual({});
    expect(emulator.requests.map((r) => r.operation)).toEqual(["projects", "projectCreate", "project", "projectDelete", "project"]);
    expect(emulator.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("keeps its error messages when run from serialized text", async () => {
    const failed = await run(
      process.execPath,
      [path.join(__dirname, "fixtures/run-serialized-provider.js"), path.join(outDir, "Project.js"), "bad-token"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TRESTLE_TEST_TOKEN: "wrong-token-123456", TRESTLE_RAILWAY_ENDPOINT: emulator.url },
      },
    ).catch((error: { stderr: string; code: number }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr.trim()).toBe("Railway projects failed (INTERNAL_SERVER_ERROR): Not Authorized");
  });
});
