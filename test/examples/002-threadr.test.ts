import { describe, expect, it } from "vitest";
import { showSecrets } from "../../packages/components/src/testing/secrets";
import { DYN, componentsOf, useExample } from "./example-harness";

const ex = useExample("002-threadr", "prod");

describe("Threadr today", () => {
  it("is a static Vercel site, a FastAPI backend and Upstash Redis over TLS", () => {
    expect(componentsOf(ex.recorder)).toEqual(["RailwayService::api", "RedisCache::redis", "VercelFrontend::frontend"]);
    expect(ex.recorder.get("vercel:index/project:Project", "frontend").inputs.framework).toBeUndefined();
    expect(ex.recorder.get("upstash:index/redisDatabase:RedisDatabase", "redis").inputs).toMatchObject({
      region: "global",
      primaryRegion: "us-east-1",
      tls: true,
      eviction: false,
    });
  });

  it("gives the backend the rediss:// URL as a secret and keeps the OpenAI key off the frontend", () => {
    const secrets = showSecrets(ex.recorder.get(`${DYN}:Variables`, "api-vars").inputs.secretVariables) as {
      secret: Record<string, string>;
    };
    expect(secrets.secret.REDIS_URL).toMatch(/^rediss:\/\/default:/);
    expect(Object.keys(secrets.secret).sort()).toEqual(["OPENAI_API_KEY", "REDIS_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]);
    expect(ex.vars("api").CORS_ORIGINS).toBe("https://threadr.example.com,https://threadr-plum.vercel.app");
    const frontend = ex.recorder.get("vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "frontend-env").inputs
      .variables as { key: string }[];
    expect(frontend.map((v) => v.key).sort()).toEqual(["NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_ENVIRONMENT", "NEXT_PUBLIC_STRIPE_PUBLIC_KEY"]);
  });

  it("serves index.html for its client-side routes, with the pattern its deployment guide settled on, and files as they are", () => {
    expect(ex.recorder.get("vercel:index/projectRoute:ProjectRoute", "frontend-spa").inputs).toMatchObject({
      name: "spa-fallback",
      srcSyntax: "path-to-regexp",
      route: { src: "/:path([^.]*)", dest: "/index.html" },
    });
  });

  it("allows its real vercel.app host in CORS, not `threadr.vercel.app`, which is not this project", () => {
    expect(ex.vars("api").CORS_ORIGINS.split(",")).not.toContain("https://threadr.vercel.app");
  });
});
