import { describe, expect, it } from "vitest";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("004-godo", "prod");

describe("Godo", () => {
  it("is a web service, a Celery worker and a Celery beat, with a cache Redis and a broker Redis of its own", () => {
    expect(componentsOf(ex.recorder)).toEqual([
      "RailwayService::celery-beat",
      "RailwayService::celery-worker",
      "RailwayService::web",
      "RedisCache::broker",
      "RedisCache::redis",
    ]);
    const celery = {
      CELERY_BROKER_URL: "${{broker.REDIS_URL}}/0",
      CELERY_RESULT_BACKEND: "${{broker.REDIS_URL}}/1",
      BROKER_URL: "${{broker.REDIS_URL}}",
    };
    for (const name of ["web", "celery-worker"]) expect(ex.vars(name)).toMatchObject({ REDIS_URL: "${{Redis.REDIS_URL}}", ...celery });
    expect(ex.vars("celery-beat")).toEqual(expect.objectContaining(celery));
    expect(ex.vars("celery-beat")).not.toHaveProperty("REDIS_URL");
  });

  it("lets the cache evict and never evicts the broker's keys (its documents' allkeys-lru broker, fixed), with their persistence and timeouts", () => {
    expect(ex.recorder.get("trestle:index:RedisCache", "redis").inputs).toMatchObject({
      use: "cache",
      evictionPolicy: "allkeys-lru",
      serviceName: "Redis",
    });
    expect(ex.recorder.get("trestle:index:RedisCache", "broker").inputs).toMatchObject({
      use: "queue",
      evictionPolicy: "noeviction",
      serviceName: "broker",
      persistence: true,
    });
    expect(ex.recorder.get(`${DYN}:Service`, "broker").inputs.startCommand).toBe(
      "/bin/sh -c \"rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server --requirepass $REDIS_PASSWORD --port 6379 --maxmemory 512mb --maxmemory-policy noeviction --save '900 1 300 10 60 10000' --appendonly no --dir /data --tcp-keepalive 60 --timeout 300\"",
    );
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs.startCommand).toContain("--maxmemory 256mb --maxmemory-policy allkeys-lru");
  });
});
