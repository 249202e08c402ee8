import { describe, expect, it } from "vitest";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("003-gayed-signals", "prod");

describe("seed 003: Gayed Signals", () => {
  it("is a Next.js frontend, FastAPI and Backtrader services on Railway, tuned Postgres 15 and persistent Redis 7", () => {
    expect(componentsOf(ex.recorder)).toEqual([
      "PostgresDb::postgres",
      "RailwayService::backend",
      "RailwayService::backtrader",
      "RailwayService::frontend",
      "RedisCache::redis",
    ]);
    expect(ex.recorder.get(`${DYN}:Service`, "postgres").inputs).toMatchObject({
      image: "ghcr.io/railwayapp-templates/postgres-ssl:15",
      startCommand:
        "wrapper.sh postgres --port=5432 -c effective_cache_size=1GB -c maintenance_work_mem=64MB -c max_connections=100 -c shared_buffers=256MB",
    });
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs).toMatchObject({ image: "redis:7.2" });
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs.startCommand).toContain(
      "--maxmemory 384mb --maxmemory-policy allkeys-lru --save '900 1' --appendonly no --dir /data",
    );
    expect(ex.recorder.get(`${DYN}:Volume`, "redis-data")).toBeDefined();
  });

  it("sizes Postgres and Redis as the deployment guide does (1 vCPU / 1 GB, 0.5 vCPU / 512 MB), and leaves the rest at the plan's default", () => {
    expect(ex.recorder.get(`${DYN}:Service`, "postgres").inputs).toMatchObject({ vcpus: 1, memoryGB: 1 });
    expect(ex.recorder.get(`${DYN}:Service`, "redis").inputs).toMatchObject({ vcpus: 0.5, memoryGB: 0.5 });
    expect(ex.recorder.get(`${DYN}:Service`, "backend").inputs.vcpus).toBeUndefined();
  });

  it("backs up Postgres daily, weekly and monthly, and Redis with production's default", () => {
    expect(ex.recorder.get(`${DYN}:Volume`, "postgres-data").inputs.backups).toEqual(["DAILY", "WEEKLY", "MONTHLY"]);
    expect(ex.recorder.get(`${DYN}:Volume`, "redis-data").inputs.backups).toEqual(["DAILY", "WEEKLY"]);
  });

  it("builds the Backtrader image and deploys it by digest, privately", () => {
    expect(ex.recorder.get("docker:index/image:Image", "backtrader-image").inputs.imageName).toBe("ghcr.io/acme/gayed-backtrader:prod");
    expect(ex.recorder.get(`${DYN}:Service`, "backtrader").inputs.image).toMatch(/^ghcr\.io\/acme\/gayed-backtrader@sha256:/);
    expect(ex.recorder.resources.filter((r) => r.name.startsWith("backtrader-domain"))).toEqual([]);
    expect(ex.vars("frontend").PYTHON_SERVICE_URL).toBe("http://${{backtrader.RAILWAY_PRIVATE_DOMAIN}}:5000");
  });

  it("lets the Railway frontend call the backend, which allows exactly its origins", () => {
    expect(ex.vars("frontend").FASTAPI_BASE_URL).toBe(ex.outputs.apiUrl);
    expect(ex.vars("backend").ALLOWED_ORIGINS).toMatch(
      /^https:\/\/frontend-prod-[0-9a-f]+\.up\.railway\.app,https:\/\/signals\.example\.com$/,
    );
  });

  it("puts PgBouncer in front of Postgres, as its guide's CONNECTION_POOLING asks, and the backend reaches the database through it", () => {
    expect(ex.recorder.get(`${DYN}:Service`, "postgres-pgbouncer").inputs.name).toBe("Postgres-pgbouncer");
    expect(ex.vars("backend")).toMatchObject({
      DATABASE_URL: "${{Postgres-pgbouncer.DATABASE_URL}}",
      DATABASE_UNPOOLED_URL: "${{Postgres.DATABASE_URL}}",
    });
  });
});
