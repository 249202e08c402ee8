import { describe, expect, it } from "vitest";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("004-godo", "prod");

describe("seed 004: Godo", () => {
  it("is a web service, a Celery worker and a Celery beat with Redis as cache and broker", () => {
    expect(componentsOf(ex.recorder)).toEqual(["RailwayService::celery-beat", "RailwayService::celery-worker", "RailwayService::web", "RedisCache::redis"]);
    for (const name of ["web", "celery-worker", "celery-beat"]) {
      expect(ex.vars(name)).toMatchObject({ REDIS_URL: "${{Redis.REDIS_URL}}", CELERY_BROKER_URL: "${{Redis.REDIS_URL}}/0", CELERY_RESULT_BACKEND: "${{Redis.REDIS_URL}}/1" });
    }
  });

  it("never evicts the broker's keys (the seed's allkeys-lru, fixed), with the seed's persistence and timeouts", () => {
    expect(ex.recorder.get("trestle:index:RedisCache", "redis").inputs).toMatchObject({ use: "both", evictionPolicy: "noeviction" });
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs.startCommand).toBe(
      "/bin/sh -c \"rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server --requirepass $REDIS_PASSWORD --port 6379 --maxmemory 512mb --maxmemory-policy noeviction --save '900 1 300 10 60 10000' --appendonly no --dir /data --tcp-keepalive 60 --timeout 300\"",
    );
  });
});
