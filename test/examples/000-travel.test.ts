import { describe, expect, it } from "vitest";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("000-travel", "prod");

describe("seed 000: travel planner", () => {
  it("is a Vercel Next.js frontend, a FastAPI API, a Celery worker and beat, Postgres and Redis", () => {
    expect(componentsOf(ex.recorder)).toEqual([
      "PostgresDb::postgres",
      "RailwayService::api",
      "RailwayService::beat",
      "RailwayService::worker",
      "RedisCache::redis",
      "VercelFrontend::frontend",
    ]);
    expect(ex.recorder.get("vercel:index/project:Project", "frontend").inputs).toMatchObject({
      name: "travel-web",
      framework: "nextjs",
      resourceConfig: { functionDefaultTimeout: 30 },
    });
  });

  it("puts Celery on separate Redis databases and allows only the frontend's origins", () => {
    expect(ex.vars("worker")).toMatchObject({
      CELERY_BROKER_URL: "${{Redis.REDIS_URL}}/0",
      CELERY_RESULT_BACKEND: "${{Redis.REDIS_URL}}/1",
    });
    expect(ex.vars("api").ALLOWED_ORIGINS).toBe("https://travel.example.com");
    expect(ex.recorder.get(`${DYN}:Service`, "api").inputs.replicas).toBe(2);
  });
});
