// The redis-server command RedisCache generates, run by a real Redis through a
// shell as Railway runs it: every configured value reads back through CONFIG GET.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config";
import { RedisServerConfig, defaultEvictionPolicy, redisStartCommand } from "../../components/redis-cache";
import { ROOT, readStackFile } from "../stack-harness";
import { Started, freePort, run, start, tempDir, waitFor, which } from "./servers";

const HAVE_REDIS = which("redis-server") && which("redis-cli");

const prodFile = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const prod = parseStackConfig({ values: prodFile.values, secretKeys: new Set(prodFile.secretKeys), stack: "prod" }).redis!;
const fromProd: RedisServerConfig = {
  maxmemory: prod.maxmemory,
  evictionPolicy: prod.evictionPolicy ?? defaultEvictionPolicy(prod.use),
  persistence: prod.persistence,
  settings: prod.settings,
};
/** Seed 003's cache: 512mb, allkeys-lru, persistence with `save 900 1`. */
const seed003: RedisServerConfig = { maxmemory: "512mb", evictionPolicy: "allkeys-lru", persistence: { enabled: true, save: ["900 1"] }, settings: {} };
/** A cache without persistence. */
const ephemeral: RedisServerConfig = { evictionPolicy: "allkeys-lfu", persistence: { enabled: false }, settings: {} };

const PASSWORD = "test-password-7f3a";

function expectedConfig(config: RedisServerConfig): Record<string, string> {
  const bytes = (size: string) => {
    const m = /^(\d+)(b|kb|mb|gb)$/i.exec(size)!;
    return String(Number(m[1]) * { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[m[2].toLowerCase() as "b"]);
  };
  return {
    requirepass: PASSWORD,
    maxmemory: config.maxmemory ? bytes(config.maxmemory) : "0",
    "maxmemory-policy": config.evictionPolicy,
    save: config.persistence.enabled ? (config.persistence.save ?? ["900 1", "300 10", "60 10000"]).join(" ") : "",
    appendonly: config.persistence.enabled && config.persistence.appendonly ? "yes" : "no",
    ...Object.fromEntries(Object.entries(config.settings).map(([k, v]) => [k, String(v)])),
  };
}

if (!HAVE_REDIS && process.env.TRESTLE_REQUIRE_SERVERS) {
  throw new Error("TRESTLE_REQUIRE_SERVERS is set but the server binaries are not on PATH (.ci/run installs them)");
}

describe.skipIf(!HAVE_REDIS)("redis-server started with the generated command (redis-server from Debian's packages)", () => {
  for (const [title, config] of [
    ["Pulumi.prod.yaml", fromProd],
    ["seed 003", seed003],
    ["an ephemeral cache", ephemeral],
  ] as const) {
    describe(title, () => {
      let server: Started;
      let port: number;
      const cli = (...args: string[]) => run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning", ...args]);

      beforeAll(async () => {
        const dir = tempDir("trestle-redis-");
        port = await freePort();
        // Railway's port and volume path swapped for this machine's.
        const command = redisStartCommand(config).replace("--port 6379", `--port ${port}`).replace("--dir /data", `--dir ${dir}`);
        server = start("sh", ["-c", `exec ${command} --bind 127.0.0.1`], { env: { REDIS_PASSWORD: PASSWORD }, cleanup: [dir] });
        await waitFor("Redis", async () => {
          const { stdout } = await cli("-a", PASSWORD, "PING");
          if (stdout.trim() !== "PONG") throw new Error(stdout);
        });
      }, 60_000);

      afterAll(async () => {
        await server?.stop();
      });

      it.each(Object.entries(expectedConfig(config)))("CONFIG GET %s returns %s", async (name, value) => {
        const { stdout } = await cli("-a", PASSWORD, "CONFIG", "GET", name);
        expect(stdout.split("\n").slice(0, 2)).toEqual([name, value]);
      });

      it("refuses commands without the password", async () => {
        const { stdout } = await cli("PING");
        expect(stdout.trim()).toMatch(/^NOAUTH/);
      });
    });
  }
});
