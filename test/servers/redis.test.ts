// RedisCache's start command, run as Railway runs it: split into words in exec
// form (RUN-1, RUN-4), so `/bin/sh -c "…"` expands the service's own variables,
// as root, through a stand-in for the image's docker-entrypoint.sh (which drops
// to the `redis` user). A client then uses the REDIS_URL another service gets:
// its password authenticates, none is refused, and every value reads back.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../packages/components/src/stack/config";
import { RedisServerConfig, defaultEvictionPolicy, redisStartCommand, redisVariables } from "../../packages/components/src/redis-cache";
import { connectionRefusal, execWords, renderReferences } from "../../packages/railway/src/testing/containers";
import { redisSettingProblem } from "../../packages/components/src/server-settings";
import * as settingsData from "../../packages/components/src/data/server-settings.json";
import { ROOT, readStackFile } from "../stack-harness";
import { ENTRYPOINTS, Started, freePort, isRoot, run, start, tempDir, waitFor, which } from "./servers";

const HAVE_REDIS = which("redis-server") && which("redis-cli");

const prodFile = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const prod = parseStackConfig({
  values: prodFile.values,
  secretKeys: new Set(prodFile.secretKeys),
  stack: "prod",
  project: prodFile.project,
}).redis!;
const fromProd: RedisServerConfig = {
  maxmemory: prod.maxmemory,
  evictionPolicy: prod.evictionPolicy ?? defaultEvictionPolicy(prod.use),
  persistence: prod.persistence,
  settings: prod.settings,
};
/** Seed 003's cache: 512mb, allkeys-lru, persistence with `save 900 1`. */
const seed003: RedisServerConfig = {
  maxmemory: "512mb",
  evictionPolicy: "allkeys-lru",
  persistence: { enabled: true, save: ["900 1"] },
  settings: {},
};
/** A cache without persistence. */
const ephemeral: RedisServerConfig = { evictionPolicy: "allkeys-lfu", persistence: { enabled: false }, settings: {} };

/** Letters and digits, as the generated password is. */
const PASSWORD = "testPassword7f3a91";

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

/** The Redis service's variables rendered as Railway would, with this machine's host and volume. */
function serviceEnv(volume: string): Record<string, string> {
  const own: Record<string, string> = { ...redisVariables(false), REDIS_PASSWORD: PASSWORD };
  const provided: Record<string, string> = { RAILWAY_PRIVATE_DOMAIN: "127.0.0.1", RAILWAY_VOLUME_MOUNT_PATH: volume };
  const lookup = (_owner: string | undefined, name: string) =>
    (own[name] ?? provided[name]) !== undefined ? { value: own[name] ?? provided[name] } : undefined;
  return { ...provided, ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, renderReferences(v, lookup)])) };
}

/** Runs a start command the way Railway does for an image: its exec-form words, the entrypoint stand-in first on PATH. */
function runAsRailway(command: string, env: Record<string, string>, volume: string): Started {
  const [program, ...args] = execWords(command);
  // In the volume, as the image's WORKDIR is its /data volume (IMG-4).
  return start(program, args, {
    env: { ...env, TRESTLE_IMAGE: "redis", PATH: `${ENTRYPOINTS}${path.delimiter}${process.env.PATH}` },
    cwd: volume,
    cleanup: [volume],
  });
}

describe.skipIf(!HAVE_REDIS)("redis-server started from the generated start command through the image's entrypoint", () => {
  for (const [title, config] of [
    ["Pulumi.prod.yaml", fromProd],
    ["seed 003", seed003],
    ["an ephemeral cache", ephemeral],
  ] as const) {
    describe(title, () => {
      let server: Started;
      let url: string;
      const cli = (...args: string[]) => run("redis-cli", ["--no-auth-warning", ...args]);

      beforeAll(async () => {
        const volume = tempDir("trestle-redis-");
        const port = await freePort();
        const env = serviceEnv(volume);
        // Railway's port and volume path swapped for this machine's; loopback only.
        const command = redisStartCommand(config)
          .replace("--port 6379", `--port ${port} --bind 127.0.0.1`)
          .replace("--dir /data", `--dir ${volume}`);
        server = runAsRailway(command, env, volume);
        url = env.REDIS_URL.replace(":6379", `:${port}`);
        await waitFor("Redis", async () => {
          const { stdout } = await cli("-u", url, "PING");
          if (stdout.trim() !== "PONG") throw new Error(stdout);
        });
      });

      afterAll(async () => {
        await server?.stop();
      });

      it("accepts the password in the REDIS_URL a service gets", async () => {
        expect(new URL(url).password).toBe(PASSWORD);
        const { stdout } = await cli("-u", url, "PING");
        expect(stdout.trim()).toBe("PONG");
      });

      it.each(Object.entries(expectedConfig(config)))("CONFIG GET %s returns %s", async (name, value) => {
        const { stdout } = await cli("-u", url, "CONFIG", "GET", name);
        expect(stdout.split("\n").slice(0, 2)).toEqual([name, value]);
      });

      it("refuses commands without the password", async () => {
        const { stdout } = await cli("-u", url.replace(`:${PASSWORD}@`, "@"), "PING");
        expect(stdout.trim()).toMatch(/^NOAUTH/);
      });

      it.skipIf(!isRoot)("runs as the redis user, not root", async () => {
        const { stdout } = await run("ps", ["-o", "user=", "-p", String(server.process.pid)]);
        expect(stdout.trim()).toBe("redis");
      });
    });
  }

  // The audit's fourth break: the command before the fix, in exec form, makes the literal text the password.
  describe("the start command before the fix, run in exec form", () => {
    let server: Started;
    let url: string;
    beforeAll(async () => {
      const volume = tempDir("trestle-redis-old-");
      const port = await freePort();
      const env = serviceEnv(volume);
      server = runAsRailway(`redis-server --requirepass "$REDIS_PASSWORD" --port ${port} --bind 127.0.0.1 --save ''`, env, volume);
      url = env.REDIS_URL.replace(":6379", `:${port}`);
      await waitFor("Redis", async () => {
        const { stdout } = await run("redis-cli", ["--no-auth-warning", "-p", String(port), "-a", "$REDIS_PASSWORD", "PING"]);
        if (stdout.trim() !== "PONG") throw new Error(stdout);
      });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("refuses the REDIS_URL password with the answer the emulator gives", async () => {
      const { stderr } = await run("redis-cli", ["--no-auth-warning", "-u", url, "PING"]);
      const model = connectionRefusal(new URL(url), {
        program: "redis-server",
        user: "root",
        port: Number(new URL(url).port),
        redisPassword: "$REDIS_PASSWORD",
      });
      expect(model).toMatch(/^WRONGPASS/);
      expect(stderr.trim()).toBe(`AUTH failed: ${model}`);
    });
  });
});

// A property of the directive list: directives the config accepts boot a real Redis through the
// generated start command and read back; ones it refuses are refused. Sampled (seeded) from what
// this Redis reports (CONFIG GET *).
describe.skipIf(!HAVE_REDIS)("sampled Redis directives (generated from the server itself)", () => {
  const known = (settingsData as unknown as { redis: { settings: Record<string, { kind: string; negative?: boolean; default: string }> } })
    .redis.settings;
  // Directives that change what the server is (cluster, replication, TLS, process model) are not tuning.
  const structural =
    /^(cluster-|replica|slave|masterauth|masteruser|tls-|repl-|io-threads|daemonize|supervised|pidfile|logfile|syslog|always-show-logo|set-proc-title|oom-score-adj|disable-thp|jemalloc-bg-thread|latency-tracking|aof-|appenddirname|appendfilename|dbfilename|min-replicas|propagation-error|shutdown-|crash-|locale-collate|enable-)/;
  let state = 20261126;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0), state / 2 ** 32);
  const candidates = Object.entries(known).filter(
    ([name, s]) =>
      (s.kind === "bool" || s.kind === "integer") && !structural.test(name) && redisSettingProblem(name, s.default) === undefined,
  );
  const sample: Record<string, string> = {};
  for (let i = 0; i < 25 && candidates.length; i++) {
    const [name, s] = candidates.splice(Math.floor(random() * candidates.length), 1)[0];
    sample[name] = s.kind === "bool" ? (s.default === "yes" ? "no" : "yes") : String(Math.abs(Number(s.default)) + 1);
  }

  it("accepts every sampled value, and refuses each with a value of the wrong kind", () => {
    for (const [name, value] of Object.entries(sample)) {
      expect(redisSettingProblem(name, value), name).toBeUndefined();
      expect(redisSettingProblem(name, known[name].kind === "bool" ? "maybe" : "many"), name).toMatch(/is not (yes or no|a whole number)/);
    }
  });

  it("boots a real Redis with all of them through the generated start command, and reads each back", async () => {
    const volume = tempDir("trestle-redis-sample-");
    const port = await freePort();
    const env = serviceEnv(volume);
    const config: RedisServerConfig = { evictionPolicy: "noeviction", persistence: { enabled: false }, settings: sample };
    const server = runAsRailway(redisStartCommand(config).replace("--port 6379", `--port ${port} --bind 127.0.0.1`), env, volume);
    const url = env.REDIS_URL.replace(":6379", `:${port}`);
    try {
      await waitFor("Redis", async () => {
        const { stdout } = await run("redis-cli", ["--no-auth-warning", "-u", url, "PING"]);
        if (stdout.trim() !== "PONG") throw new Error(`${stdout} ${server.output()}`);
      });
      for (const [name, value] of Object.entries(sample)) {
        const { stdout } = await run("redis-cli", ["--no-auth-warning", "-u", url, "CONFIG", "GET", name]);
        expect(stdout.split("\n").slice(0, 2), name).toEqual([name, value]);
      }
    } finally {
      await server.stop();
    }
  });
});
