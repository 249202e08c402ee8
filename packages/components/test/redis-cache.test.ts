import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Recorder } from "../src/testing/recorder";
import { childrenOf, leaks, resolve, showSecrets } from "../src/testing/secrets";
import { RAILWAY_TYPE_PREFIX } from "../../railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let mod: typeof import("../src/redis-cache");

beforeAll(async () => {
  recorder = new Recorder("trestle", "staging");
  await recorder.install();
  mod = await import("../src/redis-cache");
});

describe("RedisCache on Railway", () => {
  it("runs redis-server with a generated password, its limits and persistence on a volume", async () => {
    const redis = new mod.RedisCache("cache", {
      use: "queue",
      projectId: "proj",
      environmentId: "env",
      maxmemory: "512mb",
      persistence: { enabled: true, save: ["900 1", "300 10"] },
      settings: { timeout: "300" },
      production: false,
    });
    await resolve(redis.id);
    await recorder.settle();
    const component = recorder.get("trestle:index:RedisCache", "cache");
    // Recorded for the policy pack, which judges eviction by use.
    // maxmemory with no memory limit is recorded for the policy pack's warning (database-memory-sized).
    const intent = {
      provider: "railway",
      use: "queue",
      evictionPolicy: "noeviction",
      persistence: true,
      serviceName: "Redis",
      public: false,
      production: false,
      unsizedMemory: ["maxmemory"],
    };
    expect(component.inputs).toEqual(intent);
    expect(component.outputs).toMatchObject({ ...intent, urlReference: "${{Redis.REDIS_URL}}" });
    expect(
      childrenOf(recorder, component)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["cache", "cache-data", "cache-deploy", "cache-password", "cache-vars"]);
    expect(recorder.get(`${DYN}:Service`, "cache").inputs).toMatchObject({
      name: "Redis",
      image: "redis:7.4",
      startCommand:
        "/bin/sh -c \"rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server --requirepass $REDIS_PASSWORD --port 6379 --maxmemory 512mb --maxmemory-policy noeviction --save '900 1 300 10' --appendonly no --dir /data --timeout 300\"",
    });
    expect(recorder.get(`${DYN}:Volume`, "cache-data").inputs).toMatchObject({ mountPath: "/data" });
    const vars = recorder.get(`${DYN}:Variables`, "cache-vars");
    expect(vars.inputs.variables).toEqual({
      REDISUSER: "default",
      REDISPASSWORD: "${{REDIS_PASSWORD}}",
      REDISHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
      REDISPORT: "6379",
      REDIS_URL: "redis://default:${{REDIS_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:6379",
    });
    expect(showSecrets(vars.inputs.secretVariables)).toEqual({ secret: { REDIS_PASSWORD: expect.stringMatching(/^generated-/) } });
    expect(redis.urlReference).toBe("${{Redis.REDIS_URL}}");
    expect(redis.secretUrl).toBeUndefined();
  });

  it("defaults a cache to allkeys-lru without persistence, and a queue to noeviction", async () => {
    const cache = new mod.RedisCache("lru", { use: "cache", serviceName: "Cache", projectId: "p", environmentId: "e", production: false });
    await resolve(cache.id);
    await recorder.settle();
    expect(cache.evictionPolicy).toBe("allkeys-lru");
    expect(recorder.get(`${DYN}:Service`, "lru").inputs.startCommand).toBe(
      "/bin/sh -c \"exec docker-entrypoint.sh redis-server --requirepass $REDIS_PASSWORD --port 6379 --maxmemory-policy allkeys-lru --save '' --appendonly no\"",
    );
    expect(recorder.resources.find((r) => r.name === "lru-data")).toBeUndefined();
    expect(mod.defaultEvictionPolicy("both")).toBe("noeviction");
  });
});

describe("RedisCache on Upstash", () => {
  it("creates a global TLS database, marks its tokens secret, and gives a secret rediss:// URL", async () => {
    const redis = new mod.RedisCache("edge", {
      provider: "upstash",
      use: "cache",
      upstash: { primaryRegion: "us-east-1", readRegions: ["eu-west-1"] },
      production: true,
      protect: true,
    });
    const url = await resolve(redis.secretUrl!);
    await recorder.settle();
    const db = recorder.get("upstash:index/redisDatabase:RedisDatabase", "edge");
    expect(db.inputs).toEqual({
      databaseName: "trestle-redis",
      region: "global",
      primaryRegion: "us-east-1",
      readRegions: ["eu-west-1"],
      tls: true,
      eviction: true,
    });
    expect(db.additionalSecretOutputs).toEqual(expect.arrayContaining(["password", "restToken", "readOnlyRestToken"]));
    expect(db.protect).toBe(true);
    expect(url).toMatch(/^rediss:\/\/default:upstash-[0-9a-f]+@edge-[0-9a-f]+\.upstash\.io:6379$/);
    expect(await pulumi.isSecret(redis.secretUrl!)).toBe(true);
    expect(redis.urlReference).toBeUndefined();
    expect(leaks(recorder, [url.split(":")[2].split("@")[0]])).toEqual([]);
  });

  it("names non-production databases after the stack", async () => {
    const redis = new mod.RedisCache("stg", {
      provider: "upstash",
      use: "queue",
      upstash: { primaryRegion: "eu-west-1" },
      production: false,
    });
    await resolve(redis.id);
    expect(recorder.get("upstash:index/redisDatabase:RedisDatabase", "stg").inputs).toMatchObject({
      databaseName: "trestle-redis-staging",
      eviction: false,
    });
  });
});

describe("redis-server arguments", () => {
  it("builds the arguments in a fixed order", () => {
    expect(
      mod.redisServerArgs({
        maxmemory: "256mb",
        evictionPolicy: "volatile-ttl",
        persistence: { enabled: true, appendonly: true },
        settings: { "tcp-keepalive": 60, timeout: 0 },
      }),
    ).toEqual([
      "--maxmemory",
      "256mb",
      "--maxmemory-policy",
      "volatile-ttl",
      "--save",
      "900 1 300 10 60 10000",
      "--appendonly",
      "yes",
      "--dir",
      "/data",
      "--tcp-keepalive",
      "60",
      "--timeout",
      "0",
    ]);
  });
});
