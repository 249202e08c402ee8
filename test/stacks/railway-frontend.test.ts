// A Next.js server on Railway as the frontend (seeds 001 and 003): it is a
// Railway service, the API's CORS origins come from its computed domain, and
// it calls the API's public URL.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  const config = {
    railway: { project: "signals", environment: "production" },
    services: {
      backend: {
        source: { repo: "acme/signals", rootDirectory: "backend" },
        port: 8000,
        public: true,
        healthcheck: { path: "/health" },
        connects: ["redis"],
        cors: { variable: "CORS_ORIGINS", format: "json" },
      },
    },
    redis: { use: "cache", maxmemory: "512mb" },
    frontend: {
      platform: "railway",
      name: "web",
      domains: ["signals.example.com"],
      apiUrlVariable: "FASTAPI_BASE_URL",
      wsUrlVariable: null,
      service: {
        source: { repo: "acme/signals", dockerfilePath: "Dockerfile.frontend" },
        port: 3000,
        start: "node server.js",
        healthcheck: { path: "/api/health" },
      },
    },
  };
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  ({ recorder, outputs } = await runProgram("prod", { values, secretKeys: [] }));
});

describe("a frontend on Railway", () => {
  it("is a public Railway service with its own domain, health gate and no Vercel resources", () => {
    expect(recorder.get("trestle:index:RailwayService", "web").inputs).toMatchObject({ serviceName: "web", public: true });
    expect(recorder.get(`${DYN}:Service`, "web").inputs).toMatchObject({
      repo: "acme/signals",
      dockerfilePath: "Dockerfile.frontend",
      startCommand: "node server.js",
      healthcheckPath: "/api/health",
    });
    expect(recorder.get(`${DYN}:CustomDomain`, "web-domain-0").inputs).toMatchObject({ domain: "signals.example.com", targetPort: 3000 });
    expect(recorder.get("command:local:Command", "web-health")).toBeDefined();
    expect(recorder.resources.filter((r) => r.type.startsWith("vercel:"))).toEqual([]);
  });

  it("calls the API's public URL, and the API allows the frontend's computed and custom origins", () => {
    const web = recorder.get(`${DYN}:Variables`, "web-vars").inputs.variables as Record<string, string>;
    expect(web.FASTAPI_BASE_URL).toBe(outputs.apiUrl);
    expect(web).not.toHaveProperty("NEXT_PUBLIC_WS_URL");
    expect(web.PORT).toBe("3000");
    const api = recorder.get(`${DYN}:Variables`, "backend-vars").inputs.variables as Record<string, string>;
    const origins = JSON.parse(api.CORS_ORIGINS) as string[];
    expect(origins).toEqual([expect.stringMatching(/^https:\/\/web-prod-[0-9a-f]+\.up\.railway\.app$/), "https://signals.example.com"]);
    // Where users open it: the first custom domain, as for a Vercel frontend.
    expect(outputs.frontendUrl).toBe("https://signals.example.com");
  });
});
