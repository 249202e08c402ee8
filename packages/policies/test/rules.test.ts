// Every rule, starting from a compliant fixture (what the components produce
// for Pulumi.prod.yaml, plus an Upstash cache), then one failing case per
// condition that changes one field. Seed problems are among the failing cases.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EvaluatedResource, PackConfig, evaluatePolicies } from "../src/evaluate";
import { policies } from "../src/rules";
import { ROOT, readStackFile, runProgram } from "../../../test/stack-harness";
import { edited, toEvaluated } from "./fixtures";
import { RAILWAY_TYPE_PREFIX } from "../../railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
const VARS = `${DYN}:Variables`;
const SERVICE = `${DYN}:Service`;
let fixture: EvaluatedResource[];

beforeAll(async () => {
  const { recorder } = await runProgram("prod", readStackFile(path.join(ROOT, "Pulumi.prod.yaml")));
  const { RedisCache } = await import("../../components/src/redis-cache");
  new RedisCache("edge", { provider: "upstash", use: "cache", upstash: { primaryRegion: "us-east-1" }, production: true, protect: true });
  await recorder.settle();
  fixture = toEvaluated(recorder.resources);
});

function violations(resources: EvaluatedResource[], config?: PackConfig): string[] {
  return evaluatePolicies(resources, config).map((v) => `${v.enforcementLevel} ${v.policy}: ${v.message}`);
}

/** The fixture with the API's plain variables edited. */
function apiVars(edit: (vars: Record<string, string>) => void): EvaluatedResource[] {
  return edited(fixture, VARS, "api-vars", (r) => edit(r.props.variables as Record<string, string>));
}

const PROD_ORIGINS = "https://travel.example.com,https://www.travel.example.com";

/** A resource added under a parent, like one the components would declare. */
function withChild(
  type: string,
  name: string,
  parentName: string,
  dependsOnService: string,
  props: Record<string, unknown>,
): EvaluatedResource[] {
  const copy = structuredClone(fixture);
  const parent = copy.find((r) => r.name === parentName && r.type.startsWith("trestle:"))!;
  const service = copy.find((r) => r.type === SERVICE && r.name === dependsOnService)!;
  copy.push({
    urn: `${parent.urn}$${type}::${name}`,
    type,
    name,
    parent: parent.urn,
    dependencies: [service.urn],
    protect: false,
    additionalSecretOutputs: [],
    props,
  });
  return copy;
}

describe("the compliant fixture", () => {
  it("has no violation at all", () => {
    expect(violations(fixture)).toEqual([]);
    expect((fixture.find((r) => r.name === "api-vars")!.props.variables as Record<string, string>).ALLOWED_ORIGINS).toBe(PROD_ORIGINS);
  });

  it("has a name, a one-sentence description, a level and remediation steps for every rule", () => {
    for (const policy of policies) {
      expect(policy.name).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(policy.description).toMatch(/^[A-Z`].*\.$/);
      expect(["advisory", "mandatory"]).toContain(policy.enforcementLevel);
      expect(policy.remediationSteps.length).toBeGreaterThan(40);
    }
    expect(policies).toHaveLength(24);
  });
});

describe("CORS", () => {
  it.each<[string, (v: Record<string, string>) => void, string]>([
    [
      "the CORS variable is missing",
      (v) => delete v.ALLOWED_ORIGINS,
      "mandatory cors-origins-absolute: api: the CORS variable `ALLOWED_ORIGINS` is not set, so the API's allowed origins are undefined",
    ],
    [
      "CORS allows `*`",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},*`),
      "mandatory cors-origins-absolute: api: `ALLOWED_ORIGINS` allows `*`, so any website can call the API with its users' browsers",
    ],
    [
      "an origin has a trailing slash",
      (v) => (v.ALLOWED_ORIGINS = PROD_ORIGINS.replace("https://travel.example.com,", "https://travel.example.com/,")),
      "mandatory cors-origins-absolute: api: `https://travel.example.com/` in `ALLOWED_ORIGINS` is not an absolute origin (scheme://host[:port], no path or trailing slash)",
    ],
    [
      "an origin has a path",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://travel.example.com/app`),
      "mandatory cors-origins-absolute: api: `https://travel.example.com/app` in `ALLOWED_ORIGINS` is not an absolute origin (scheme://host[:port], no path or trailing slash)",
    ],
    [
      "a production origin is http",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},http://travel.example.com`),
      "mandatory cors-origins-absolute: api: `http://travel.example.com` in `ALLOWED_ORIGINS` is plain http in production; use https",
    ],
    [
      "a production origin is localhost",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://localhost:3000`),
      "mandatory cors-origins-absolute: api: `https://localhost:3000` in `ALLOWED_ORIGINS` is localhost in production",
    ],
    [
      "production allows `https://*.vercel.app` (seed 000's CORS fix)",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://*.vercel.app`),
      "mandatory cors-wildcard-production: api: `https://*.vercel.app` in `ALLOWED_ORIGINS` lets any site on that domain call the production API",
    ],
    [
      "an origin is not the frontend's",
      (v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://evil.example.net`),
      "mandatory cors-origins-from-frontend: api: `https://evil.example.net` in `ALLOWED_ORIGINS` is not a domain of the frontend (https://travel.example.com, https://www.travel.example.com)",
    ],
    [
      "the frontend's production domain is missing",
      (v) => (v.ALLOWED_ORIGINS = "https://www.travel.example.com"),
      "mandatory cors-origins-from-frontend: api: the frontend's production origin `https://travel.example.com` is missing from `ALLOWED_ORIGINS`, so the live site cannot call the API",
    ],
  ])("fails when %s", (_title, edit, expected) => {
    expect(violations(apiVars(edit))).toContain(expected);
  });

  it("only warns about a wildcard outside production", () => {
    const staging = apiVars((v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://*.vercel.app`)).map((r) =>
      r.type.startsWith("trestle:") ? { ...r, props: { ...r.props, production: false } } : r,
    );
    expect(violations(staging)).toEqual([
      "advisory cors-wildcard: api: `https://*.vercel.app` in `ALLOWED_ORIGINS` lets any site on that domain call the API",
    ]);
  });

  it("accepts another origin exempted with a reason", () => {
    const config: PackConfig = {
      "cors-origins-from-frontend": {
        exemptions: [{ resource: "api", value: "https://admin.example.com", reason: "the internal admin console calls the API" }],
      },
    };
    expect(
      violations(
        apiVars((v) => (v.ALLOWED_ORIGINS = `${PROD_ORIGINS},https://admin.example.com`)),
        config,
      ),
    ).toEqual([]);
  });
});

describe("secrets", () => {
  it.each<[string, (v: Record<string, string>) => void, string]>([
    [
      "a secret-named variable is plain",
      (v) => (v.SERPAPI_KEY = "abc123"),
      "mandatory railway-secret-variables: api: `SERPAPI_KEY` looks secret by its name but is a plain variable",
    ],
    [
      "a plain variable holds a Stripe key (seed 002)",
      (v) => (v.STRIPE_CONFIG = "sk_live_your-stripe-secret"),
      "mandatory railway-secret-variables: api: `STRIPE_CONFIG` holds a Stripe secret key as a plain variable",
    ],
    [
      "a plain variable holds an OpenAI key (seed 002)",
      (v) => (v.OPENAI = "sk-proj-your-openai-key"),
      "mandatory railway-secret-variables: api: `OPENAI` holds an OpenAI API key as a plain variable",
    ],
    [
      "a plain variable holds a webhook secret",
      (v) => (v.HOOK = "whsec_your-webhook-secret"),
      "mandatory railway-secret-variables: api: `HOOK` holds a webhook signing secret as a plain variable",
    ],
    [
      "a plain variable holds a GitHub token",
      (v) => (v.GH = "ghp_1234567890abcdefghij1234"),
      "mandatory railway-secret-variables: api: `GH` holds a GitHub token as a plain variable",
    ],
    [
      "a plain variable holds an AWS key",
      (v) => (v.AWS = "AKIAIOSFODNN7EXAMPLE"),
      "mandatory railway-secret-variables: api: `AWS` holds an AWS access key id as a plain variable",
    ],
    [
      "a plain URL has a password",
      (v) => (v.DATABASE_URL = "postgres://user:pass@db.example.com:5432/app"),
      "mandatory railway-secret-variables: api: `DATABASE_URL` holds a URL with a password as a plain variable",
    ],
  ])("fails when %s", (_title, edit, expected) => {
    expect(violations(apiVars(edit))).toContain(expected);
  });

  it("accepts secret-named variables that only hold references", () => {
    expect(violations(apiVars((v) => (v.REDIS_PASSWORD = "${{Redis.REDIS_PASSWORD}}")))).toEqual([]);
  });

  const frontendEnv = (edit: (vars: { key: string; value: string; sensitive: boolean }[]) => void) =>
    edited(fixture, "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "frontend-env", (r) =>
      edit(r.props.variables as { key: string; value: string; sensitive: boolean }[]),
    );

  it.each<[string, (vars: { key: string; value: string; sensitive: boolean }[]) => void, string]>([
    [
      "the frontend ships an OpenAI key to the browser (seed 002's `openaiApiKey: 'sk-proj-XXXX'`)",
      (v) => v.push({ key: "NEXT_PUBLIC_OPENAI_API_KEY", value: "sk-proj-XXXX", sensitive: false }),
      "mandatory vercel-public-variables: frontend: `NEXT_PUBLIC_OPENAI_API_KEY` is sent to every browser and holds an OpenAI API key",
    ],
    [
      "a browser variable is named like a secret",
      (v) => v.push({ key: "NEXT_PUBLIC_API_SECRET", value: "x", sensitive: false }),
      "mandatory vercel-public-variables: frontend: `NEXT_PUBLIC_API_SECRET` is sent to every browser and looks secret by its name",
    ],
    [
      "the frontend gets DATABASE_URL",
      (v) => v.push({ key: "DATABASE_URL", value: "${{Postgres.DATABASE_URL}}", sensitive: false }),
      "mandatory vercel-no-backend-urls: frontend: `DATABASE_URL` gives the frontend a database connection",
    ],
    [
      "the frontend gets a Redis URL by value",
      (v) => v.push({ key: "CACHE", value: "rediss://default:x@edge.upstash.io:6379", sensitive: true }),
      "mandatory vercel-no-backend-urls: frontend: `CACHE` gives the frontend a database connection",
    ],
    [
      "a secret frontend variable is not sensitive",
      (v) => v.push({ key: "STRIPE_SECRET_KEY", value: "x", sensitive: false }),
      "mandatory vercel-sensitive-secrets: frontend: `STRIPE_SECRET_KEY` is a secret stored as a readable (non-sensitive) Vercel variable",
    ],
  ])("fails when %s", (_title, edit, expected) => {
    expect(violations(frontendEnv(edit))).toContain(expected);
  });

  it("accepts a public publishable key in the browser", () => {
    expect(
      violations(frontendEnv((v) => v.push({ key: "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", value: "pk_live_123", sensitive: false }))),
    ).toEqual([]);
  });

  it("fails when the Edge Config secret is not sensitive", () => {
    const changed = edited(
      fixture,
      "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
      "frontend-secret-edge-config",
      (r) => (r.props.sensitive = false),
    );
    expect(violations(changed)).toEqual([]); // EDGE_CONFIG's name and placeholder value do not look secret …
    const token = edited(
      fixture,
      "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
      "frontend-secret-edge-config",
      (r) => Object.assign(r.props, { key: "EDGE_CONFIG_TOKEN", sensitive: false }),
    );
    expect(violations(token)).toEqual([
      "mandatory vercel-sensitive-secrets: frontend: `EDGE_CONFIG_TOKEN` is a secret stored as a readable (non-sensitive) Vercel variable",
    ]);
  });

  it.each<[string, string, string, string]>([
    [
      "Railway secret variables are not marked secret outputs",
      VARS,
      "api-vars",
      "mandatory secret-outputs-marked: api-vars: `secretVariables` would be stored in plain text in state",
    ],
    [
      "Upstash tokens are not marked secret outputs",
      "upstash:index/redisDatabase:RedisDatabase",
      "edge",
      "mandatory secret-outputs-marked: edge: `password`, `restToken`, `readOnlyRestToken` would be stored in plain text in state",
    ],
  ])("fails when %s", (_title, type, name, expected) => {
    expect(violations(edited(fixture, type, name, (r) => (r.additionalSecretOutputs = [])))).toEqual([expected]);
  });

  it("fails when a start command holds a literal password", () => {
    const changed = edited(
      fixture,
      SERVICE,
      "redis",
      (r) => (r.props.startCommand = String(r.props.startCommand).replace("$REDIS_PASSWORD", "hunter2hunter2")),
    );
    expect(violations(changed)).toEqual(["mandatory no-secrets-in-commands: Redis: a command line holds a literal password"]);
  });

  it("fails when a start command holds an API key", () => {
    const changed = edited(fixture, SERVICE, "api", (r) => (r.props.startCommand = "uvicorn app.main:app --api-key sk_live_abcdef123456"));
    expect(violations(changed)).toEqual(["mandatory no-secrets-in-commands: api: a command line holds a Stripe secret key"]);
  });

  it("fails when a list start command holds `$PORT`, which Railway runs without a shell", () => {
    const changed = edited(fixture, SERVICE, "api", (r) => (r.props.startCommand = 'uvicorn app.main:app --port "\\$PORT"'));
    expect(violations(changed)).toEqual([
      'mandatory exec-form-variables: api: `$PORT` in `uvicorn app.main:app --port "\\$PORT"` reaches the program as literal text: Railway runs this command without a shell',
    ]);
  });

  it("fails when a pre-deploy command holds `${DATABASE_URL}` outside a shell", () => {
    const changed = edited(fixture, SERVICE, "api", (r) => (r.props.preDeployCommand = ["alembic -x url=${DATABASE_URL} upgrade head"]));
    expect(violations(changed)).toEqual([
      "mandatory exec-form-variables: api: `url=${DATABASE_URL}` in `alembic -x url=${DATABASE_URL} upgrade head` reaches the program as literal text: Railway runs this command without a shell",
    ]);
  });

  it("passes `$PORT` inside Trestle's `/bin/sh -c` wrapper", () => {
    const changed = edited(fixture, SERVICE, "api", (r) => (r.props.startCommand = '/bin/sh -c "exec uvicorn app.main:app --port $PORT"'));
    expect(violations(changed)).toEqual([]);
  });

  it("fails when the health gate's environment holds a secret", () => {
    const changed = edited(
      fixture,
      "command:local:Command",
      "api-health",
      (r) => ((r.props.environment as Record<string, string>).TOKEN = "ghp_1234567890abcdefghij1234"),
    );
    expect(violations(changed)).toEqual([
      "mandatory no-secrets-in-commands: api-health: a local command holds a secret in its command line or environment",
    ]);
  });

  it("fails when a Docker build argument holds a secret", () => {
    const copy = structuredClone(fixture);
    copy.push({
      urn: "urn:image",
      type: "docker:index/image:Image",
      name: "api-image",
      parent: "",
      dependencies: [],
      protect: false,
      additionalSecretOutputs: [],
      props: { build: { args: { NPM_TOKEN: "x" } } },
    });
    expect(violations(copy)).toEqual([
      "mandatory no-secrets-in-commands: api-image: build argument `NPM_TOKEN` has a secret-looking name; build arguments stay in the image",
    ]);
  });
});

describe("private networking", () => {
  it("fails when Postgres gets a public domain", () => {
    expect(
      violations(withChild(`${DYN}:ServiceDomain`, "postgres-domain", "postgres", "postgres", { domain: "pg.up.railway.app" })),
    ).toEqual(["mandatory database-private-domain: Postgres: the postgres service has a public domain (postgres-domain)"]);
  });

  it("fails when production Redis gets a TCP proxy, unless exempted with a reason", () => {
    const proxied = withChild(`${DYN}:TcpProxy`, "redis-proxy", "redis", "redis", { applicationPort: 6379 });
    expect(violations(proxied)).toEqual([
      "mandatory database-tcp-proxy: Redis: the production redis is reachable from the internet through a TCP proxy",
    ]);
    expect(
      violations(proxied, { "database-tcp-proxy": { exemptions: [{ resource: "Redis", reason: "a migration window until 2026-12-01" }] } }),
    ).toEqual([]);
  });

  it.each<[string, (v: Record<string, string>) => void, string]>([
    [
      "a service uses DATABASE_PUBLIC_URL",
      (v) => (v.DATABASE_URL = "${{Postgres.DATABASE_PUBLIC_URL}}"),
      "mandatory private-database-urls: api: `DATABASE_URL` reaches a database through its public proxy",
    ],
    [
      "a service uses a *.proxy.rlwy.net host",
      (v) => (v.REDIS_URL = "redis://default:${{Redis.REDIS_PASSWORD}}@roundhouse.proxy.rlwy.net:12345"),
      "mandatory private-database-urls: api: `REDIS_URL` reaches a database through its public proxy",
    ],
  ])("fails when %s", (_title, edit, expected) => {
    expect(violations(apiVars(edit))).toEqual([expected]);
  });

  it("fails when Upstash has no TLS", () => {
    expect(violations(edited(fixture, "upstash:index/redisDatabase:RedisDatabase", "edge", (r) => (r.props.tls = false)))).toEqual([
      "mandatory upstash-tls: edge: the Upstash database does not set `tls: true`",
    ]);
  });

  it("fails when a service reaches Upstash over redis://", () => {
    // Secret variables arrive wrapped as a secret; the value goes inside the wrapper.
    const changed = edited(fixture, VARS, "worker-vars", (r) =>
      Object.assign((r.props.secretVariables as { value: object }).value, { REDIS_URL: "redis://default:pw@edge-1a2b.upstash.io:6379" }),
    );
    expect(violations(changed)).toEqual(["mandatory upstash-tls: worker: `REDIS_URL` connects to Upstash without TLS (`redis://`)"]);
  });
});

describe("reliability", () => {
  it("fails when a public service has no health check", () => {
    expect(violations(edited(fixture, SERVICE, "api", (r) => delete r.props.healthcheckPath))).toEqual([
      "mandatory public-service-healthcheck: api: the service is public but has no health-check path",
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "a service always restarts",
      { restartPolicyType: "ALWAYS", restartPolicyMaxRetries: undefined },
      "mandatory restart-policy-bounded: worker: restart policy is ALWAYS, not ON_FAILURE",
    ],
    [
      "restarts are unbounded",
      { restartPolicyMaxRetries: undefined },
      "mandatory restart-policy-bounded: worker: ON_FAILURE restarts are unbounded; allow at most 10",
    ],
    [
      "restarts are bounded too high",
      { restartPolicyMaxRetries: 50 },
      "mandatory restart-policy-bounded: worker: ON_FAILURE restarts are bounded at 50; allow at most 10",
    ],
  ])("fails when %s", (_title, change, expected) => {
    expect(violations(edited(fixture, SERVICE, "worker", (r) => Object.assign(r.props, change)))).toEqual([expected]);
  });

  it("accepts a cron job that never restarts", () => {
    expect(
      violations(
        edited(fixture, SERVICE, "beat", (r) =>
          Object.assign(r.props, { restartPolicyType: "NEVER", restartPolicyMaxRetries: undefined, cronSchedule: "0 * * * *" }),
        ),
      ),
    ).toEqual([]);
  });

  it("fails when the broker Redis evicts keys (seed 004's allkeys-lru)", () => {
    expect(violations(edited(fixture, "trestle:index:RedisCache", "redis", (r) => (r.props.evictionPolicy = "allkeys-lru")))).toEqual([
      "mandatory queue-redis-no-eviction: Redis: `allkeys-lru` can evict queued jobs from a Redis used as `both`",
    ]);
  });

  it("fails when a Redis labelled `cache` is a Celery broker of a service, whatever its label says", () => {
    expect(
      violations(
        edited(fixture, "trestle:index:RedisCache", "redis", (r) =>
          Object.assign(r.props, { use: "cache", evictionPolicy: "allkeys-lru" }),
        ),
      ),
    ).toEqual([
      "mandatory queue-redis-no-eviction: Redis: `allkeys-lru` can evict queued jobs from a Redis api, beat, worker use as a queue (its `use` says `cache`)",
    ]);
  });

  it("accepts eviction on a Redis no service uses as a queue", () => {
    let resources = edited(fixture, "trestle:index:RedisCache", "redis", (r) =>
      Object.assign(r.props, { use: "cache", evictionPolicy: "allkeys-lru" }),
    );
    for (const name of ["api-vars", "worker-vars", "beat-vars"]) {
      resources = edited(resources, `${DYN}:Variables`, name, (r) => {
        const vars = r.props.variables as Record<string, string>;
        for (const key of Object.keys(vars)) if (/CELERY/.test(key)) delete vars[key];
      });
    }
    expect(violations(resources)).toEqual([]);
  });

  it.each<[string, string, string]>([
    [
      "a wildcard `ALLOWED_ORIGINS` on a service without `cors`",
      "worker-vars",
      "mandatory cors-wildcard-production: worker: `https://*.vercel.app` in `CORS_ORIGINS` lets any site on that domain call the production API",
    ],
    [
      "`*` in a `*_CORS_*` variable of another service",
      "beat-vars",
      "mandatory cors-origins-absolute: beat: `APP_CORS_ALLOW` allows `*`, so any website can call the API with its users' browsers",
    ],
  ])("fails when %s", (_title, name, expected) => {
    const resources = edited(fixture, `${DYN}:Variables`, name, (r) => {
      const vars = r.props.variables as Record<string, string>;
      if (name === "worker-vars") vars.CORS_ORIGINS = "https://app.example.com,https://*.vercel.app";
      else vars.APP_CORS_ALLOW = "*";
    });
    expect(violations(resources)).toContain(expected);
  });

  // A browser variable that only references a secret renders it into the bundle all the same.
  it.each<[string, Record<string, string>, RegExp]>([
    [
      "Postgres's URL",
      { NEXT_PUBLIC_DB: "${{Postgres.DATABASE_URL}}" },
      /`NEXT_PUBLIC_DB` is sent to every browser and holds `\$\{\{Postgres\.DATABASE_URL\}\}`, which renders Postgres's `DATABASE_URL`/,
    ],
    ["Redis's URL", { NEXT_PUBLIC_CACHE: "redis-cache: ${{Redis.REDIS_URL}}" }, /`NEXT_PUBLIC_CACHE` .* renders Redis's `REDIS_URL`/],
    ["a database password", { VITE_PW: "${{Postgres.PGPASSWORD}}" }, /`VITE_PW` .* renders Postgres's `PGPASSWORD`/],
    ["the service's own secret", { NEXT_PUBLIC_K: "${{SERPAPI_KEY}}" }, /`NEXT_PUBLIC_K` .* renders api's `SERPAPI_KEY`, a secret/],
    [
      "another variable that references a secret",
      { INNER: "${{Postgres.DATABASE_URL}}", NEXT_PUBLIC_X: "${{INNER}}" },
      /`NEXT_PUBLIC_X` .* renders api's `INNER`: `\$\{\{Postgres\.DATABASE_URL\}\}`, which renders Postgres's `DATABASE_URL`/,
    ],
    ["another service's secret", { NEXT_PUBLIC_W: "${{worker.SERPAPI_KEY}}" }, /`NEXT_PUBLIC_W` .* renders worker's `SERPAPI_KEY`/],
    [
      "a shared secret",
      { REACT_APP_T: "${{shared.STRIPE_SECRET_KEY}}" },
      /`REACT_APP_T` .* names the shared variable `STRIPE_SECRET_KEY`, secret by its name/,
    ],
  ])("fails when a Railway frontend's public variable references %s", (_title, variables, expected) => {
    const frontend = edited(fixture, "trestle:index:RailwayService", "api", (r) => (r.props.frontend = true));
    const resources = edited(frontend, `${DYN}:Variables`, "api-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, variables),
    );
    expect(violations(resources).filter((v) => v.includes("vercel-public-variables"))).toEqual([expect.stringMatching(expected)]);
  });

  it("passes a Railway frontend's public variables that reference only addresses", () => {
    const frontend = edited(fixture, "trestle:index:RailwayService", "api", (r) => (r.props.frontend = true));
    const resources = edited(frontend, `${DYN}:Variables`, "api-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, {
        NEXT_PUBLIC_HOST: "https://${{api.RAILWAY_PUBLIC_DOMAIN}}",
        NEXT_PUBLIC_PGHOST: "${{Postgres.PGHOST}}",
      }),
    );
    expect(violations(resources).filter((v) => v.includes("vercel-public-variables"))).toEqual([]);
  });

  // CORS judged by the value, not only by a CORS-looking name; hosts normalised before comparing.
  it.each<[string, Record<string, string>, string]>([
    [
      "`*` under CLIENT_ORIGIN",
      { CLIENT_ORIGIN: "*" },
      "mandatory cors-origins-absolute: worker: `CLIENT_ORIGIN` allows `*`, so any website can call the API with its users' browsers",
    ],
    [
      "`*` under allowedOrigins",
      { allowedOrigins: "*" },
      "mandatory cors-origins-absolute: worker: `allowedOrigins` allows `*`, so any website can call the API with its users' browsers",
    ],
    [
      "all of vercel.app under FRONTEND_ORIGIN",
      { FRONTEND_ORIGIN: "https://*.vercel.app" },
      "mandatory cors-wildcard-production: worker: `https://*.vercel.app` in `FRONTEND_ORIGIN` lets any site on that domain call the production API",
    ],
    [
      "a list of origins under a neutral name",
      { TRUSTED_SITES: "https://app.example.com,https://*.vercel.app" },
      "mandatory cors-wildcard-production: worker: `https://*.vercel.app` in `TRUSTED_SITES` lets any site on that domain call the production API",
    ],
    [
      "localhost with a trailing dot",
      { CORS_ORIGINS: "https://app.example.com,https://localhost." },
      "mandatory cors-origins-absolute: worker: `https://localhost.` in `CORS_ORIGINS` is localhost in production",
    ],
    [
      "another loopback address",
      { CORS_ORIGINS: "https://app.example.com,https://127.0.0.2" },
      "mandatory cors-origins-absolute: worker: `https://127.0.0.2` in `CORS_ORIGINS` is localhost in production",
    ],
    [
      "LOCALHOST in capitals",
      { CORS_ORIGINS: "https://LOCALHOST:3000,https://app.example.com" },
      "mandatory cors-origins-absolute: worker: `https://LOCALHOST:3000` in `CORS_ORIGINS` is localhost in production",
    ],
  ])("fails when %s", (_title, vars, expected) => {
    const resources = edited(fixture, `${DYN}:Variables`, "worker-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, vars),
    );
    expect(violations(resources)).toContain(expected);
  });

  it("does not take a single URL under a neutral name for CORS", () => {
    const resources = edited(fixture, `${DYN}:Variables`, "worker-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, {
        API_BASE: "https://api.example.com",
        DOCS_URL: "https://docs.example.com",
      }),
    );
    expect(violations(resources)).toEqual([]);
  });

  // Seed 000: "Use Railway's private networking for internal communication".
  it.each<[string, Record<string, string>, string]>([
    [
      "a worker calls the API over its public domain",
      { API_URL: "https://${{api.RAILWAY_PUBLIC_DOMAIN}}/internal" },
      "mandatory private-service-calls: worker: `API_URL` calls `api` over its public domain (`${{api.RAILWAY_PUBLIC_DOMAIN}}`); use its private one, `http://${{api.RAILWAY_PRIVATE_DOMAIN}}:<port>`",
    ],
    [
      "a worker calls the API at its custom domain",
      { API_URL: "https://api.travel.example.com/v1" },
      "mandatory private-service-calls: worker: `API_URL` calls `api` at its custom domain `api.travel.example.com`; use its private one, `http://${{api.RAILWAY_PRIVATE_DOMAIN}}:<port>`",
    ],
  ])("fails when %s", (_title, vars, expected) => {
    const resources = edited(fixture, `${DYN}:Variables`, "worker-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, vars),
    );
    expect(violations(resources)).toContain(expected);
  });

  it("passes a worker that calls the API privately, and the frontend that names the public one", () => {
    const privately = edited(fixture, `${DYN}:Variables`, "worker-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, { API_URL: "http://${{api.RAILWAY_PRIVATE_DOMAIN}}:8000" }),
    );
    expect(violations(privately)).toEqual([]);
  });

  it("warns about a service made public only for another service of the stack", () => {
    const publicWorker = withChild(`${DYN}:ServiceDomain`, "worker-domain", "worker", "worker", { domain: "worker.up.railway.app" });
    expect(violations(publicWorker)).not.toContainEqual(expect.stringContaining("public-service-needed"));
    const calledPublicly = edited(publicWorker, `${DYN}:Variables`, "beat-vars", (r) =>
      Object.assign(r.props.variables as Record<string, string>, { WORKER_URL: "https://${{worker.RAILWAY_PUBLIC_DOMAIN}}" }),
    );
    expect(violations(calledPublicly)).toContain(
      "advisory public-service-needed: worker: is public only for `beat`, which can reach it privately; no browser needs its public domain",
    );
  });

  it.each<[string, string, (r: EvaluatedResource) => void, string]>([
    [
      "a Redis maxmemory without a memory limit",
      "redis",
      (r) => (r.props.unsizedMemory = ["maxmemory"]),
      "advisory database-memory-sized: Redis: `maxmemory` is set with no `limits.memoryGB`, so nothing checks it fits the plan's default memory",
    ],
    [
      "Postgres memory settings without a memory limit",
      "postgres",
      (r) => (r.props.unsizedMemory = ["shared_buffers", "work_mem"]),
      "advisory database-memory-sized: Postgres: `shared_buffers`, `work_mem` are set with no `limits.memoryGB`, so nothing checks they fit the plan's default memory",
    ],
  ])("warns about %s (the plan's default, which Trestle cannot see)", (_title, component, edit, expected) => {
    const type = component === "redis" ? "trestle:index:RedisCache" : "trestle:index:PostgresDb";
    expect(violations(edited(fixture, type, component, edit))).toEqual([expected]);
  });

  it("fails when a Next.js frontend on Railway gets a secret under a public prefix", async () => {
    const resources = edited(fixture, "trestle:index:RailwayService", "api", (r) => (r.props.frontend = true));
    const withSecret = edited(resources, `${DYN}:Variables`, "api-vars", (r) => {
      // Secret inputs arrive wrapped in Pulumi's secret marker.
      const secrets = r.props.secretVariables as { value?: Record<string, string> } & Record<string, string>;
      (secrets.value ?? secrets).NEXT_PUBLIC_STRIPE_SECRET = "sk_live_abcdefgh1234";
    });
    expect(violations(withSecret)).toContain(
      "mandatory vercel-public-variables: api: `NEXT_PUBLIC_STRIPE_SECRET` is sent to every browser and holds a Stripe secret key",
    );
  });

  it.each<[string, string, string, string]>([
    [
      "the production Postgres volume is unprotected",
      `${DYN}:Volume`,
      "postgres-data",
      "mandatory production-data-protected: Postgres: `postgres-data` holds production data and is not protected from deletion",
    ],
    [
      "the production Redis service is unprotected",
      SERVICE,
      "redis",
      "mandatory production-data-protected: Redis: `redis` holds production data and is not protected from deletion",
    ],
    [
      "the production Upstash database is unprotected",
      "upstash:index/redisDatabase:RedisDatabase",
      "edge",
      "mandatory production-data-protected: edge: the production Upstash database is not protected from deletion",
    ],
  ])("fails when %s", (_title, type, name, expected) => {
    expect(violations(edited(fixture, type, name, (r) => (r.protect = false)))).toEqual([expected]);
  });

  it.each<[string, string, string]>([
    [
      "the single Postgres",
      "postgres-data",
      "mandatory production-data-backups: Postgres: `postgres-data` holds production data and has no backup schedule; remove `backups: []` from `trestle:postgres` (production defaults to daily and weekly), or keep it and write why in `trestle:postgres.backupsWaiver`",
    ],
    [
      "the single Redis",
      "redis-data",
      "mandatory production-data-backups: Redis: `redis-data` holds production data and has no backup schedule; remove `backups: []` from `trestle:redis` (production defaults to daily and weekly), or keep it and write why in `trestle:redis.backupsWaiver`",
    ],
  ])("refuses production data without backups on %s (VOL-4), naming the setting and the fix", (_label, volume, expected) => {
    expect(violations(edited(fixture, `${DYN}:Volume`, volume, (r) => (r.props.backups = [])))).toEqual([expected]);
    expect(violations(edited(fixture, `${DYN}:Volume`, volume, (r) => delete r.props.backups))).toEqual([expected]);
    expect(violations(edited(fixture, `${DYN}:Volume`, volume, (r) => (r.props.backups = ["MONTHLY"])))).toEqual([]);
  });

  it("accepts production data without backups when the stack file says why (backupsWaiver)", () => {
    const noBackups = edited(fixture, `${DYN}:Volume`, "postgres-data", (r) => (r.props.backups = []));
    const waived = edited(
      noBackups,
      "trestle:index:PostgresDb",
      "postgres",
      (r) => (r.props.backupsWaiver = "rebuilt nightly from the warehouse export"),
    );
    expect(violations(waived)).toEqual([]);
  });
});

describe("pack config", () => {
  it("refuses an exemption without a written reason", () => {
    expect(() => evaluatePolicies(fixture, { "database-tcp-proxy": { exemptions: [{ resource: "Redis" }] } })).toThrow(
      "database-tcp-proxy.exemptions[0].reason: an exemption needs a written reason of at least 10 characters saying why it is acceptable",
    );
    expect(() => evaluatePolicies(fixture, { "database-tcp-proxy": { exemptions: [{ resource: "Redis", reason: "ok" }] } })).toThrow(
      "at least 10 characters",
    );
  });

  it("refuses an exemption naming nothing in the stack, which would waive nothing in silence", () => {
    expect(() =>
      evaluatePolicies(fixture, { "database-tcp-proxy": { exemptions: [{ resource: "frontnd", reason: "a name with a typo in it" }] } }),
    ).toThrow(
      /database-tcp-proxy\.exemptions\[0\]\.resource: `frontnd` is nothing in this stack, so it waives nothing; name one of .*`frontend`/,
    );
  });

  it("refuses unknown policies and levels", () => {
    expect(() => evaluatePolicies(fixture, { "cors-wildcards": "advisory", "upstash-tls": "strict" as never })).toThrow(
      "Invalid policy pack config:\n  - cors-wildcards: no such policy in the pack\n  - upstash-tls.enforcementLevel: `strict` is not one of advisory, mandatory, remediate, disabled",
    );
  });

  it("applies enforcement levels from config", () => {
    const broken = edited(fixture, SERVICE, "api", (r) => delete r.props.healthcheckPath);
    expect(violations(broken, { "public-service-healthcheck": "advisory" })).toEqual([
      "advisory public-service-healthcheck: api: the service is public but has no health-check path",
    ]);
    expect(violations(broken, { "public-service-healthcheck": { enforcementLevel: "disabled" } })).toEqual([]);
    expect(violations(broken, { all: "disabled" })).toEqual([]);
  });
});
