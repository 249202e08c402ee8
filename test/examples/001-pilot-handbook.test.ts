import { describe, expect, it } from "vitest";
import { isSecretValue } from "../../packages/components/src/testing/recorder";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("001-pilot-handbook", "prod");

describe("seed 001: pilot handbook", () => {
  it("is a Next.js server on Railway, a worker service, Postgres and Redis, and no separate frontend", () => {
    expect(componentsOf(ex.recorder)).toEqual([
      "PostgresDb::postgres",
      "RailwayService::web",
      "RailwayService::worker",
      "RedisCache::redis",
    ]);
    expect(ex.recorder.resources.filter((r) => r.type.startsWith("vercel:"))).toEqual([]);
    expect(ex.recorder.get(`${DYN}:Service`, "web").inputs).toMatchObject({
      dockerfilePath: "Dockerfile",
      healthcheckPath: "/api/health",
      healthcheckTimeout: 300,
      restartPolicyMaxRetries: 3,
    });
    expect(ex.recorder.get(`${DYN}:Service`, "worker").inputs).toMatchObject({
      rootDirectory: "workers",
      startCommand: "node dist/worker.js",
    });
    expect(ex.recorder.get(`${DYN}:CustomDomain`, "web-domain-0").inputs).toMatchObject({
      domain: "handbook.example.com",
      targetPort: 3000,
    });
  });

  it("has the web service as its frontend: the frontendUrl output is its own domain, and the pack judges it as a browser bundle", () => {
    expect(ex.outputs.frontendUrl).toBe("https://handbook.example.com");
    expect(ex.recorder.get("trestle:index:RailwayService", "web").inputs).toMatchObject({ frontend: true });
    expect(ex.recorder.get("trestle:index:RailwayService", "worker").inputs).toMatchObject({ frontend: false });
  });

  it("reaches the databases privately and generates its own secrets", () => {
    expect(ex.vars("web")).toMatchObject({ DATABASE_URL: "${{Postgres.DATABASE_URL}}", REDIS_URL: "${{Redis.REDIS_URL}}", PORT: "3000" });
    expect(ex.vars("postgres")).toMatchObject({ POSTGRES_DB: "pilot_handbook", POSTGRES_USER: "handbook_user" });
    expect(ex.recorder.get("random:index/randomPassword:RandomPassword", "web-nextauth-secret").inputs).toEqual({
      length: 48,
      special: false,
    });
    expect(isSecretValue(ex.recorder.get(`${DYN}:Variables`, "web-vars").inputs.secretVariables)).toBe(true);
  });
});
