// What both committed stacks must produce under the mock runtime, given as one
// spec run by staging.test.ts and prod.test.ts (each program run needs its own
// test file: the SDK's runtime state is per process).
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Recorder, isSecretValue } from "../../packages/components/src/testing/recorder";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { leaks, showSecrets } from "../../packages/components/src/testing/secrets";
import { ROOT, StackFileConfig, readStackFile, runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);

export interface StackExpectations {
  production: boolean;
  replicas: { api: number; worker: number; beat: number };
  /** Custom domains on the API (Railway) and the frontend (Vercel). */
  apiDomains: string[];
  frontendDomains: string[];
  vercelProject: string;
  postgresStart: string | undefined;
}

export function stackSpec(stack: string, expected: StackExpectations): void {
  let recorder: Recorder;
  let outputs: Record<string, unknown>;
  let file: StackFileConfig;

  beforeAll(async () => {
    file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
    ({ recorder, outputs } = await runProgram(stack, file));
  });

  const vars = (name: string) => recorder.get(`${DYN}:Variables`, `${name}-vars`).inputs;

  describe(`the ${stack} stack`, () => {
    it("declares exactly the reference system of seed 000", () => {
      const names = recorder.resources.map((r) => `${r.type}::${r.name}`).sort();
      const expectedNames = [
        "trestle:index:PostgresDb::postgres",
        "trestle:index:RedisCache::redis",
        "trestle:index:RailwayService::api",
        "trestle:index:RailwayService::worker",
        "trestle:index:RailwayService::beat",
        "trestle:index:VercelFrontend::frontend",
        `${DYN}:Project::project`,
        `${DYN}:Environment::environment`,
        ...["postgres", "redis", "api", "worker", "beat"].flatMap((s) => [
          `${DYN}:Service::${s}`,
          `${DYN}:Variables::${s}-vars`,
          `${DYN}:Deployment::${s}-deploy`,
        ]),
        `${DYN}:Volume::postgres-data`,
        `${DYN}:Volume::redis-data`,
        `${DYN}:ServiceDomain::api-domain`,
        ...expected.apiDomains.map((_, i) => `${DYN}:CustomDomain::api-domain-${i}`),
        "random:index/randomPassword:RandomPassword::postgres-password",
        "random:index/randomPassword:RandomPassword::redis-password",
        "random:index/randomPassword:RandomPassword::api-secret-key",
        "command:local:Command::api-health",
        "vercel:index/project:Project::frontend",
        "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables::frontend-env",
        "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable::frontend-secret-edge-config",
        "vercel:index/projectRoute:ProjectRoute::frontend-security-headers",
        ...expected.frontendDomains.map((_, i) => `vercel:index/projectDomain:ProjectDomain::frontend-domain-${i}`),
      ].sort();
      expect(names).toEqual(expectedNames);
    });

    it("keeps the databases private and protects them only in production", () => {
      expect(recorder.byType(`${DYN}:TcpProxy`)).toEqual([]);
      for (const name of ["postgres-data", "redis-data"]) expect(recorder.get(`${DYN}:Volume`, name).protect).toBe(expected.production);
      for (const name of ["postgres", "redis"]) expect(recorder.get(`${DYN}:Service`, name).protect).toBe(expected.production);
      expect(recorder.get(`${DYN}:Project`, "project").protect).toBe(expected.production);
      expect(recorder.get(`${DYN}:Environment`, "environment").protect).toBe(expected.production);
      // Their replacement is refused without `trestle:allowReplace`, which neither stack sets.
      for (const name of ["postgres", "redis"]) expect(recorder.get(`${DYN}:Service`, name).inputs).toMatchObject({ holdsData: true });
      expect(recorder.resources.filter((r) => r.inputs.allowReplace !== undefined)).toEqual([]);
      expect(recorder.get(`${DYN}:Service`, "postgres").inputs.startCommand).toBe(expected.postgresStart);
    });

    it("runs the API, worker and beat from the repo with their replicas", () => {
      for (const [name, replicas] of Object.entries(expected.replicas)) {
        expect(recorder.get(`${DYN}:Service`, name).inputs).toMatchObject({
          repo: "acme/travel-planner",
          rootDirectory: "backend",
          replicas,
          restartPolicyType: "ON_FAILURE",
        });
      }
      expect(recorder.get(`${DYN}:Service`, "api").inputs).toMatchObject({
        healthcheckPath: "/health",
        preDeployCommand: ["alembic upgrade head"],
      });
    });

    it("connects services over the private network, Celery on separate Redis databases", () => {
      expect(vars("api").variables).toMatchObject({
        DATABASE_URL: "${{Postgres.DATABASE_URL}}",
        REDIS_URL: "${{Redis.REDIS_URL}}",
        CELERY_BROKER_URL: "${{Redis.REDIS_URL}}/0",
        CELERY_RESULT_BACKEND: "${{Redis.REDIS_URL}}/1",
        PORT: "8000",
      });
      expect(vars("worker").variables).toMatchObject({
        DATABASE_URL: "${{Postgres.DATABASE_URL}}",
        CELERY_BROKER_URL: "${{Redis.REDIS_URL}}/0",
      });
      expect(vars("beat").variables).not.toHaveProperty("DATABASE_URL");
      expect(vars("beat").variables).toMatchObject({ CELERY_BROKER_URL: "${{Redis.REDIS_URL}}/0" });
    });

    it("deploys a service only after the databases it connects to are up (their variables come with their first deploy, DEP-6)", () => {
      const deploysBefore = (name: string) =>
        recorder
          .get(`${DYN}:Deployment`, `${name}-deploy`)
          .dependencies.filter((urn) => urn.includes(`${DYN}:Deployment::`))
          .map((urn) => urn.split("::").pop())
          .sort();
      expect(deploysBefore("api")).toEqual(["postgres-deploy", "redis-deploy"]);
      expect(deploysBefore("worker")).toEqual(["postgres-deploy", "redis-deploy"]);
      expect(deploysBefore("beat")).toEqual(["redis-deploy"]);
      expect(deploysBefore("postgres")).toEqual([]);
    });

    it("allows exactly the frontend's origins in the API's CORS variable", () => {
      // Custom domains alone when there are some: `<project>.vercel.app` may be somebody else's.
      const origins = expected.frontendDomains.length
        ? expected.frontendDomains.map((d) => `https://${d}`)
        : [`https://${expected.vercelProject}.vercel.app`];
      expect((vars("api").variables as Record<string, string>).ALLOWED_ORIGINS).toBe(origins.join(","));
      expect(outputs.frontendUrl).toBe(origins[0]);
    });

    it("points the frontend at the API's public URL", () => {
      const env = recorder.get("vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "frontend-env").inputs.variables as {
        key: string;
        value: string;
      }[];
      const byKey = Object.fromEntries(env.map((v) => [v.key, v.value]));
      expect(byKey.NEXT_PUBLIC_API_URL).toBe(outputs.apiUrl);
      expect(byKey.NEXT_PUBLIC_WS_URL).toBe(String(outputs.apiUrl).replace("https://", "wss://"));
      expect(recorder.get("vercel:index/project:Project", "frontend").inputs).toMatchObject({
        name: expected.vercelProject,
        framework: "nextjs",
      });
    });

    it("passes every stack secret as a secret and never in plain text", () => {
      const placeholders = file.secretKeys.map((key) => file.values[key]);
      expect(placeholders).toHaveLength(6);
      expect(leaks(recorder, placeholders)).toEqual([]);
      const apiSecrets = showSecrets(vars("api").secretVariables) as { secret: Record<string, string> };
      expect(Object.keys(apiSecrets.secret).sort()).toEqual([
        "AMADEUS_CLIENT_ID",
        "AMADEUS_CLIENT_SECRET",
        "CLOUDINARY_API_KEY",
        "CLOUDINARY_API_SECRET",
        "SECRET_KEY",
        "SERPAPI_KEY",
      ]);
      expect(apiSecrets.secret.SERPAPI_KEY).toBe(file.values["travel-planner:serpapiKey"]);
      expect(file.values["travel-planner:serpapiKey"]).toMatch(/^\[secret travel-planner:serpapiKey [0-9a-f]{12}\]$/);
      const edge = recorder.get("vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable", "frontend-secret-edge-config").inputs;
      expect(isSecretValue(edge.value)).toBe(true);
      expect(edge.sensitive).toBe(true);
    });

    it("passes the policy pack with no violation", () => {
      expect(evaluatePolicies(toEvaluated(recorder.resources)).map((v) => `${v.enforcementLevel} ${v.policy}: ${v.message}`)).toEqual([]);
    });

    it("exports the URLs and ids a user needs, and no secret", () => {
      expect(Object.keys(outputs).sort()).toEqual([
        "apiUrl",
        "dnsRecords",
        "frontendUrl",
        "railwayEnvironmentId",
        "railwayProjectId",
        "redisUse",
        "serviceUrls",
      ]);
      const text = JSON.stringify(outputs);
      for (const key of file.secretKeys) expect(text).not.toContain(file.values[key]);
      expect(text).not.toContain("generated-");
    });
  });
}
