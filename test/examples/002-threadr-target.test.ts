import { describe, expect, it } from "vitest";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("002-threadr", "target");

describe("seed 002: Threadr's planned target", () => {
  it("is Next.js on Vercel, FastAPI on Railway, PostgreSQL for data and Redis as a cache", () => {
    expect(componentsOf(ex.recorder)).toEqual([
      "PostgresDb::postgres",
      "RailwayService::api",
      "RedisCache::redis",
      "VercelFrontend::frontend",
    ]);
    expect(ex.recorder.get("vercel:index/project:Project", "frontend").inputs.framework).toBe("nextjs");
    expect(ex.recorder.get(`${DYN}:Service`, "postgres").inputs.image).toBe("ghcr.io/railwayapp-templates/postgres-ssl:17");
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs.startCommand).toContain("--maxmemory-policy allkeys-lru");
    expect(ex.vars("api")).toMatchObject({ DATABASE_URL: "${{Postgres.DATABASE_URL}}", REDIS_URL: "${{Redis.REDIS_URL}}" });
  });
});
