// Named databases (`trestle:databases`): several Redis and Postgres, each its
// own Railway service (or Upstash database), each reached by name.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { isSecretValue } from "../../packages/components/src/testing/recorder";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;

beforeAll(async () => {
  const config = {
    railway: { project: "shop", environment: "staging" },
    services: {
      api: {
        source: { repo: "acme/shop" },
        port: 8000,
        public: true,
        healthcheck: { path: "/health" },
        connects: ["postgres", "analytics", "sessions", "jobs"],
      },
      worker: { source: { repo: "acme/shop" }, start: "celery -A app worker", connects: ["jobs"], celery: { redis: "jobs" } },
    },
    postgres: { version: 16 },
    databases: {
      analytics: { postgres: { version: 17, database: "events" } },
      sessions: { redis: { provider: "upstash", use: "cache", upstash: { primaryRegion: "us-east-1" } } },
      jobs: { redis: { use: "queue" } },
    },
  };
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  ({ recorder } = await runProgram("staging", { values, secretKeys: [] }));
});

describe("named databases", () => {
  it("are components of their own, named by their keys", () => {
    expect(recorder.get("trestle:index:PostgresDb", "analytics").inputs).toMatchObject({ serviceName: "analytics", version: 17 });
    expect(recorder.get("trestle:index:PostgresDb", "postgres").inputs).toMatchObject({ serviceName: "Postgres", version: 16 });
    expect(recorder.get("trestle:index:RedisCache", "sessions").inputs).toMatchObject({ provider: "upstash", use: "cache" });
    expect(recorder.get("trestle:index:RedisCache", "jobs").inputs).toMatchObject({
      provider: "railway",
      use: "queue",
      evictionPolicy: "noeviction",
      serviceName: "jobs",
    });
    expect(recorder.get(`${DYN}:Service`, "jobs").inputs.name).toBe("jobs");
  });

  it("set `<NAME>_URL` on the services that connect to them: references on Railway, a secret rediss:// URL for Upstash", () => {
    const api = recorder.get(`${DYN}:Variables`, "api-vars").inputs;
    expect(api.variables).toMatchObject({
      DATABASE_URL: "${{Postgres.DATABASE_URL}}",
      ANALYTICS_URL: "${{analytics.DATABASE_URL}}",
      JOBS_URL: "${{jobs.REDIS_URL}}",
    });
    expect(api.variables).not.toHaveProperty("SESSIONS_URL");
    expect(isSecretValue(api.secretVariables)).toBe(true);
    expect(Object.keys((api.secretVariables as { value: Record<string, string> }).value)).toContain("SESSIONS_URL");
    expect(recorder.get(`${DYN}:Variables`, "worker-vars").inputs.variables).toMatchObject({
      JOBS_URL: "${{jobs.REDIS_URL}}",
      CELERY_BROKER_URL: "${{jobs.REDIS_URL}}/0",
      CELERY_RESULT_BACKEND: "${{jobs.REDIS_URL}}/1",
    });
  });

  it("pass the policy pack", () => {
    expect(evaluatePolicies(toEvaluated(recorder.resources)).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });
});
