import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Recorder } from "../src/testing/recorder";
import { childrenOf, leaks, resolve, showSecrets } from "../src/testing/secrets";
import { RAILWAY_TYPE_PREFIX } from "../../railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let mod: typeof import("../src/railway-service");

beforeAll(async () => {
  recorder = new Recorder("trestle", "prod");
  await recorder.install();
  mod = await import("../src/railway-service");
});

const scope = { projectId: "proj", environmentId: "env" };

describe("RailwayService", () => {
  it("declares a repo service with its settings, variables, domains, one deploy and a health gate", async () => {
    const api = new mod.RailwayService("api", {
      ...scope,
      serviceName: "api",
      source: { repo: "acme/travel", rootDirectory: "backend", dockerfilePath: "Dockerfile" },
      start: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
      preDeploy: ["alembic upgrade head"],
      port: 8000,
      healthcheck: { path: "/health", timeoutSeconds: 60 },
      restart: { maxRetries: 3 },
      replicas: 2,
      public: true,
      domains: ["api.example.com"],
      variables: { DATABASE_URL: "${{Postgres.DATABASE_URL}}", ENVIRONMENT: "production" },
      secrets: { SERPAPI_KEY: pulumi.secret("serp-secret-value") },
      generated: { SECRET_KEY: { length: 48 } },
      cors: {
        variable: "ALLOWED_ORIGINS",
        origins: ["https://travel.example.com", "https://travel-web.vercel.app", "https://travel.example.com"],
        format: "comma",
      },
    });
    await resolve(api.deploymentId);
    await recorder.settle();

    const component = recorder.get("trestle:index:RailwayService", "api");
    const intent = {
      serviceName: "api",
      production: false,
      public: true,
      cors: { variable: "ALLOWED_ORIGINS", format: "comma" },
      cron: false,
      frontend: false,
    };
    expect(component.inputs).toEqual(intent);
    expect(component.outputs).toMatchObject({
      ...intent,
      origins: [expect.stringMatching(/^https:\/\/api-prod-/), "https://api.example.com"],
    });
    expect(
      childrenOf(recorder, component)
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
    ).toEqual([
      "command:local:Command::api-health",
      `${DYN}:CustomDomain::api-domain-0`,
      `${DYN}:Deployment::api-deploy`,
      `${DYN}:Service::api`,
      `${DYN}:ServiceDomain::api-domain`,
      `${DYN}:Variables::api-vars`,
      "random:index/randomPassword:RandomPassword::api-secret-key",
    ]);

    const service = recorder.get(`${DYN}:Service`, "api");
    const { __provider, ...serviceInputs } = service.inputs;
    expect(typeof __provider).toBe("string");
    expect(serviceInputs).toEqual({
      projectId: "proj",
      environmentId: "env",
      name: "api",
      repo: "acme/travel",
      branch: "main",
      rootDirectory: "backend",
      dockerfilePath: "Dockerfile",
      // RUN-1: a Dockerfile build runs the start command in exec form, so `$PORT` needs the shell Trestle adds.
      startCommand: '/bin/sh -c "exec uvicorn app.main:app --host 0.0.0.0 --port $PORT"',
      preDeployCommand: ["alembic upgrade head"],
      healthcheckPath: "/health",
      healthcheckTimeout: 60,
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 3,
      replicas: 2,
      sleepApplication: false,
      // DEP-6/DEP-9: these settings reach Railway in the first deploy's patch, with the source.
      deferToDeploy: true,
    });

    const vars = recorder.get(`${DYN}:Variables`, "api-vars");
    expect(vars.inputs.variables).toEqual({
      DATABASE_URL: "${{Postgres.DATABASE_URL}}",
      ENVIRONMENT: "production",
      PORT: "8000",
      ALLOWED_ORIGINS: "https://travel.example.com,https://travel-web.vercel.app",
    });
    expect(showSecrets(vars.inputs.secretVariables)).toEqual({
      secret: { SERPAPI_KEY: "serp-secret-value", SECRET_KEY: expect.stringMatching(/^generated-/) },
    });
    expect(recorder.get("random:index/randomPassword:RandomPassword", "api-secret-key").inputs).toEqual({ length: 48, special: false });

    expect(recorder.get(`${DYN}:ServiceDomain`, "api-domain").inputs).toMatchObject({ targetPort: 8000 });
    expect(recorder.get(`${DYN}:CustomDomain`, "api-domain-0").inputs).toMatchObject({ domain: "api.example.com", targetPort: 8000 });

    const deploy = recorder.get(`${DYN}:Deployment`, "api-deploy");
    expect(deploy.dependencies).toEqual(
      expect.arrayContaining([
        service.urn,
        vars.urn,
        recorder.get(`${DYN}:ServiceDomain`, "api-domain").urn,
        recorder.get(`${DYN}:CustomDomain`, "api-domain-0").urn,
      ]),
    );
    expect(deploy.inputs.source).toEqual({ repo: "acme/travel", branch: "main" });
    // Secret values are among the triggers (so rotating one redeploys) and keep the whole input secret.
    expect(showSecrets(deploy.inputs.triggers)).toMatchObject({ secret: expect.any(Array) });

    const gate = recorder.get("command:local:Command", "api-health");
    expect(gate.dependencies).toContain(deploy.urn);
    expect(gate.inputs.environment).toEqual({
      HEALTH_URL: expect.stringMatching(/^https:\/\/api-prod-[0-9a-f]+\.up\.railway\.app\/health$/),
      HEALTH_ATTEMPTS: "30",
      HEALTH_INTERVAL_SECONDS: "10",
    });
    expect(gate.inputs.triggers).toEqual([expect.any(String)]);

    expect(await resolve(api.origins)).toEqual([expect.stringMatching(/^https:\/\/api-prod-/), "https://api.example.com"]);
    expect(leaks(recorder, ["serp-secret-value"])).toEqual([]);
  });

  it("writes CORS origins as JSON when the API parses JSON", async () => {
    const svc = new mod.RailwayService("json-api", {
      ...scope,
      serviceName: "json-api",
      source: { image: "nginx:1.27" },
      cors: { variable: "CORS_ORIGINS", origins: ["https://a.example.com"], format: "json" },
    });
    await resolve(svc.deploymentId);
    expect((recorder.get(`${DYN}:Variables`, "json-api-vars").inputs.variables as Record<string, string>).CORS_ORIGINS).toBe(
      '["https://a.example.com"]',
    );
  });

  it("sizes the service's replicas, and redeploys when the limits change, since Railway applies them with the next deployment (LIM-1)", async () => {
    const sized = (name: string, limits?: { vcpus?: number; memoryGB?: number }) =>
      new mod.RailwayService(name, { ...scope, serviceName: "sized", source: { image: "nginx:1.27" }, limits });
    await resolve(
      pulumi.all([
        sized("small", { vcpus: 0.5, memoryGB: 1 }).deploymentId,
        sized("large", { vcpus: 2, memoryGB: 1 }).deploymentId,
        sized("default").deploymentId,
      ]),
    );
    await recorder.settle();
    expect(recorder.get(`${DYN}:Service`, "small").inputs).toMatchObject({ vcpus: 0.5, memoryGB: 1 });
    expect(recorder.get(`${DYN}:Service`, "default").inputs).not.toHaveProperty("vcpus");
    const triggers = (name: string) => recorder.get(`${DYN}:Deployment`, `${name}-deploy`).inputs.triggers;
    expect(triggers("small")).not.toEqual(triggers("large"));
    expect(triggers("small")).not.toEqual(triggers("default"));
  });

  it("has no domains and no health gate when it is private", async () => {
    const worker = new mod.RailwayService("worker", {
      ...scope,
      serviceName: "worker",
      source: { repo: "acme/travel" },
      start: "celery -A app worker",
      healthcheck: { path: "/health" },
    });
    await resolve(worker.deploymentId);
    await recorder.settle();
    expect(
      childrenOf(recorder, recorder.get("trestle:index:RailwayService", "worker"))
        .map((r) => r.name)
        .sort(),
    ).toEqual(["worker", "worker-deploy", "worker-vars"]);
    expect(worker.publicUrl).toBeUndefined();
  });

  it("builds and pushes a local context and deploys the image by digest, with the registry password secret", async () => {
    const svc = new mod.RailwayService("signals", {
      ...scope,
      serviceName: "signals",
      source: {
        build: {
          context: "./backtrader",
          dockerfile: "Dockerfile",
          imageName: "ghcr.io/acme/signals",
          registry: { server: "ghcr.io", username: "acme-bot", password: pulumi.secret("ghcr-token-value") },
        },
      },
    });
    await resolve(svc.deploymentId);
    await recorder.settle();
    const image = recorder.get("docker:index/image:Image", "signals-image");
    // The registry block travels as one secret (it holds the password).
    expect(showSecrets(image.inputs)).toEqual({
      imageName: "ghcr.io/acme/signals:prod",
      build: { context: "./backtrader", dockerfile: "Dockerfile", platform: "linux/amd64" },
      registry: { secret: { server: "ghcr.io", username: "acme-bot", password: "ghcr-token-value" } },
      skipPush: false,
      buildOnPreview: false,
    });
    const service = recorder.get(`${DYN}:Service`, "signals");
    expect(service.inputs.image).toMatch(/^ghcr\.io\/acme\/signals@sha256:[0-9a-f]{64}$/);
    expect(service.dependencies).toContain(image.urn);
    expect(showSecrets(service.inputs.registryCredentials)).toEqual({ secret: { username: "acme-bot", password: "ghcr-token-value" } });
    expect(leaks(recorder, ["ghcr-token-value"])).toEqual([]);
  });
});
