import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, RawStackConfig, StackConfigInput, parseStackConfig } from "../packages/components/src/stack/config";
import { PLAN_LIMITS } from "../packages/railway/src/limits";
import { ROOT, readStackFile } from "./stack-harness";

/** A valid stack: the reference system, small. */
function base(): StackConfigInput {
  return {
    railway: { project: "travel-backend", environment: "staging" },
    services: {
      api: {
        source: { repo: "acme/travel", rootDirectory: "backend" },
        port: 8000,
        public: true,
        healthcheck: { path: "/health" },
        connects: ["postgres", "redis"],
        cors: { variable: "ALLOWED_ORIGINS" },
        secrets: { SERPAPI_KEY: "serpapiKey" },
      },
      worker: { source: { repo: "acme/travel", rootDirectory: "backend" }, connects: ["redis"], celery: { broker: 0, results: 1 } },
    },
    postgres: { version: 16 },
    redis: { use: "both" },
    frontend: { platform: "vercel", name: "travel-web", repo: "acme/travel", rootDirectory: "frontend" },
  };
}

function raw(
  config: Record<string, unknown>,
  secrets: Record<string, string | { plain: string }> = { serpapiKey: "s3cr3t" },
): RawStackConfig {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(config)) values[`trestle:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  for (const [key, value] of Object.entries(secrets)) {
    values[`trestle:${key}`] = typeof value === "string" ? value : value.plain;
    if (typeof value === "string") secretKeys.add(`trestle:${key}`);
  }
  return { values, secretKeys, stack: "staging" };
}

function problems(config: Record<string, unknown>, secrets?: Record<string, string | { plain: string }>): string[] {
  try {
    parseStackConfig(raw(config, secrets));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

/** `base()` with one change applied to a deep copy. */
function change(edit: (c: any) => void): Record<string, unknown> {
  const config = structuredClone(base()) as any;
  edit(config);
  return config;
}

describe("stack config", () => {
  it("accepts the reference system and resolves defaults", () => {
    const config = parseStackConfig(raw(base() as Record<string, unknown>));
    expect(config.production).toBe(false);
    expect(config.protect).toBe(false);
    expect(config.apiService).toBe("api");
    expect(config.secretKeys).toEqual(["serpapiKey"]);
    expect(config.services.api.cors).toEqual({ variable: "ALLOWED_ORIGINS", origins: [], format: "comma" });
    expect(config.services.worker.celery).toEqual({ broker: 0, results: 1 });
    expect(config.redis).toMatchObject({ provider: "railway", name: "Redis", version: "7.4", persistence: { enabled: false } });
    expect(config.postgres).toMatchObject({ name: "Postgres", database: "railway", user: "postgres", public: false, settings: {} });
    expect(config.frontend).toMatchObject({
      apiUrlVariable: "NEXT_PUBLIC_API_URL",
      wsUrlVariable: "NEXT_PUBLIC_WS_URL",
      securityHeaders: true,
      branch: "main",
    });
  });

  it("treats the production environment as production and protects it", () => {
    const config = parseStackConfig(raw(change((c) => (c.railway.environment = "production"))));
    expect(config).toMatchObject({ production: true, protect: true });
  });

  it.each(["staging", "prod"])("accepts Pulumi.%s.yaml as committed", (stack) => {
    const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
    const config = parseStackConfig({ values: file.values, secretKeys: new Set(file.secretKeys), stack, project: file.project });
    expect(Object.keys(config.services)).toEqual(["api", "worker", "beat"]);
    expect(config.secretKeys).toEqual([
      "amadeusClientId",
      "amadeusClientSecret",
      "cloudinaryApiKey",
      "cloudinaryApiSecret",
      "edgeConfig",
      "serpapiKey",
    ]);
    expect(config.production).toBe(stack === "prod");
  });

  it.each<[string, (c: any) => void, string]>([
    [
      "a service without a source",
      (c) => delete c.services.worker.source,
      "services.worker.source: required; give `repo`, `image` or `build`",
    ],
    [
      "an empty source",
      (c) => (c.services.worker.source = {}),
      "services.worker.source: give a source: `repo` (GitHub `owner/name`), `image` (a Docker image) or `build` (a local context)",
    ],
    [
      "both repo and image",
      (c) => (c.services.api.source.image = "nginx"),
      "services.api.source: give exactly one of `repo`, `image` or `build`, not `repo` and `image`",
    ],
    [
      "a branch without a repo",
      (c) => (c.services.worker.source = { image: "x", branch: "main" }),
      "services.worker.source.branch: `branch` applies only to a `repo` source",
    ],
    [
      "a repo that is not owner/name",
      (c) => (c.services.api.source.repo = "https://github.com/acme/travel"),
      "services.api.source.repo: give the repository as `owner/name`",
    ],
    [
      "an unknown connects target",
      (c) => (c.services.api.connects = ["postgres", "mongo"]),
      "services.api.connects: `mongo` is not a database or bucket of this stack: declare it in `trestle:databases` or `trestle:buckets`, or connect `postgres` or `redis`",
    ],
    [
      "a preview marked production",
      (c) =>
        Object.assign(c, {
          preview: { pullRequest: 7, branch: "fix", scope: "acme" },
          production: true,
          railway: { project: "p-pr-7", environment: "pr-7" },
        }),
      "production: a pull request's preview is never production: remove `production`",
    ],
    [
      "a preview in the production environment",
      (c) =>
        Object.assign(c, {
          preview: { pullRequest: 7, branch: "fix", scope: "acme" },
          railway: { project: "p-pr-7", environment: "production" },
        }),
      "railway.environment: a preview's environment is its own (`pr-<number>`), never `production`",
    ],
    [
      "a preview with a custom domain",
      (c) => {
        Object.assign(c, {
          preview: { pullRequest: 7, branch: "fix", scope: "acme" },
          railway: { project: "p-pr-7", environment: "pr-7" },
        });
        c.services.api.domains = ["api.example.com"];
      },
      "services.api.domains: custom domains belong to production and staging; a preview uses Railway's own domain: remove `domains`",
    ],
    [
      "a Vercel preview without a scope",
      (c) => Object.assign(c, { preview: { pullRequest: 7, branch: "fix" }, railway: { project: "p-pr-7", environment: "pr-7" } }),
      "preview.scope: give the Vercel scope (the team's slug) so the branch's preview origin is known, or `origin`",
    ],
    [
      "an SPA rewrite on a Railway frontend",
      (c) => (c.frontend = { platform: "railway", name: "web", spa: true, service: { source: { repo: "acme/web" }, port: 3000 } }),
      "frontend.spa: `spa` sets a Vercel rewrite; a frontend on Railway serves its own routes: remove it",
    ],
    [
      "a vercelDomain that is not on vercel.app",
      (c) => (c.frontend.vercelDomain = "app.example.com"),
      "frontend.vercelDomain: give the project's `*.vercel.app` host as Vercel shows it, e.g. `threadr-plum.vercel.app`",
    ],
    [
      "an allowReplace naming nothing replaceable",
      (c) => (c.allowReplace = ["api"]),
      "allowReplace.0: `api` is nothing this stack can replace; give `project`, `environment`, `postgres`, `redis`",
    ],
    [
      "a Railway frontend named like a named database",
      (c) => {
        c.databases = { cache: { redis: { use: "cache" } } };
        c.frontend = { platform: "railway", name: "cache", service: { source: { repo: "acme/web" }, port: 3000 } };
      },
      "frontend.name: the Railway frontend would be the Railway service `cache`, which the database `cache` already is; Railway service names are unique: give one of them another name",
    ],
    [
      "a Postgres and a Redis of one name",
      (c) => {
        c.postgres.name = "Data";
        c.redis.name = "Data";
      },
      "redis.name: `trestle:redis` would be the Railway service `Data`, which `trestle:postgres` already is; Railway service names are unique: give one of them another name",
    ],
    [
      "a service named like the Postgres but for case",
      (c) => (c.services.postgres = { source: { image: "x" } }),
      "postgres.name: `trestle:postgres` would be the Railway service `Postgres` (and the service `postgres` is `postgres`: one private host, `postgres.railway.internal`), which the service `postgres` already is; Railway service names are unique: give one of them another name",
    ],
    [
      "a Railway frontend named like a service",
      (c) => (c.frontend = { platform: "railway", name: "worker", service: { source: { repo: "acme/web" }, port: 3000 } }),
      "frontend.name: the Railway frontend would be the Railway service `worker`, which the service `worker` already is; Railway service names are unique: give one of them another name",
    ],
    [
      "SPA rewrites on a Next.js frontend",
      (c) => Object.assign(c.frontend, { framework: "nextjs", spa: true }),
      "frontend.spa: `spa` rewrites every path to `/index.html`, which a Next.js build does not serve (it routes its own pages): remove `spa`, or give `framework` the single-page app's (`vite`, `create-react-app`)",
    ],
    [
      "SPA rewrites on a SvelteKit frontend",
      (c) => Object.assign(c.frontend, { framework: "sveltekit", spa: true }),
      "frontend.spa: `spa` rewrites every path to `/index.html`, which a SvelteKit build does not serve (it routes its own pages): remove `spa`, or give `framework` the single-page app's (`vite`, `create-react-app`)",
    ],
    [
      "a function duration on a static site",
      (c) => Object.assign(c.frontend, { maxDurationSeconds: 30 }),
      "frontend.maxDurationSeconds: `maxDurationSeconds` limits Vercel functions, and a static site (no `framework`) has none: remove it, or give `framework` the server framework that has functions",
    ],
    [
      "a function duration on a Vite build",
      (c) => Object.assign(c.frontend, { framework: "vite", maxDurationSeconds: 30 }),
      "frontend.maxDurationSeconds: `maxDurationSeconds` limits Vercel functions, and a Vite build has none: remove it, or give `framework` the server framework that has functions",
    ],
    [
      "a backups waiver beside backups",
      (c) => Object.assign(c.postgres, { backups: ["daily"], backupsWaiver: "rebuilt nightly from elsewhere" }),
      "postgres.backupsWaiver: a waiver is for a database without backups; this one has `backups`: remove `backupsWaiver`",
    ],
    [
      "a named database that is neither",
      (c) => (c.databases = { cache: {} }),
      "databases.cache: give exactly one of `redis` or `postgres`",
    ],
    [
      "a named database that is both",
      (c) => (c.databases = { cache: { redis: { use: "cache" }, postgres: {} } }),
      "databases.cache: give exactly one of `redis` or `postgres`",
    ],
    [
      "a named database called redis",
      (c) => (c.databases = { redis: { redis: { use: "cache" } } }),
      "databases.redis: `redis` is what `connects` calls `trestle:redis`; give this database another name",
    ],
    [
      "a named database with a name inside",
      (c) => (c.databases = { cache: { redis: { use: "cache", name: "Cache" } } }),
      "databases.cache.redis.name: the key `cache` is this database's name; remove `name`",
    ],
    [
      "a typo in a named database",
      (c) => (c.databases = { cache: { redis: { use: "cache", evictionPolicy: "allkeys-lru", maxmemroy: "64mb" } } }),
      "databases.cache.redis.maxmemroy: unknown key; did you mean `maxmemory`?",
    ],
    [
      "an evicting named broker",
      (c) => (c.databases = { broker: { redis: { use: "queue", evictionPolicy: "allkeys-lru" } } }),
      "databases.broker.redis.evictionPolicy: `allkeys-lru` can evict queued jobs from a Redis used as `queue`; use `noeviction`, or a separate cache Redis",
    ],
    [
      "Celery on a named cache",
      (c) => {
        c.databases = { cache: { redis: { use: "cache" } } };
        c.services.worker.connects = ["cache"];
        c.services.worker.celery = { redis: "cache" };
      },
      "databases.cache.redis.use: `cache`, but `services.worker` uses it as a Celery broker (`celery`): a cache may evict queued jobs; say `queue` or `both`, or give the queue a Redis of its own",
    ],
    [
      "Celery on a Redis it does not connect",
      (c) => {
        c.databases = { broker: { redis: { use: "queue" } } };
        c.services.worker.celery = { redis: "broker" };
      },
      "services.worker.celery: Celery URLs need Redis: add `broker` to `connects`",
    ],
    [
      "connects to an undeclared database",
      (c) => delete c.postgres,
      "services.api.connects: `postgres` is not declared in this stack: add `trestle:postgres` or remove it from `connects`",
    ],
    [
      "a bad cron",
      (c) => (c.services.worker.cron = "every 5 minutes"),
      "services.worker.cron: `every 5 minutes` has 3 fields; Railway cron schedules have 5 (minute hour day-of-month month day-of-week)",
    ],
    [
      "an out-of-range cron",
      (c) => (c.services.worker.cron = "0 25 * * *"),
      "services.worker.cron: `0 25 * * *` is not a schedule: Constraint error, got value 25 expected range 0-23",
    ],
    [
      "a cron of every minute (RUN-8)",
      (c) => (c.services.worker.cron = "*/1 * * * *"),
      "services.worker.cron: `*/1 * * * *` runs every minute at its tightest; Railway starts a cron service at most every 5 minutes (for example `*/5 * * * *`), or run the loop in a worker",
    ],
    ["negative replicas", (c) => (c.services.api.replicas = -2), "services.api.replicas: replicas must be at least 1"],
    ["fractional replicas", (c) => (c.services.api.replicas = 1.5), "services.api.replicas: give replicas as a whole number"],
    [
      "replicas and regions",
      (c) => Object.assign(c.services.api, { replicas: 2, regions: { "us-west2": 2 } }),
      "services.api.replicas: give either `replicas` or `regions` (replicas per region), not both",
    ],
    [
      "a typo in a service key",
      (c) => (c.services.api.healthchek = { path: "/health" }),
      "services.api.healthchek: unknown key; did you mean `healthcheck`?",
    ],
    ["a typo in a top-level key", (c) => (c.servics = c.services), "servics: unknown key `trestle:servics`; did you mean `services`?"],
    [
      "a relative health path",
      (c) => (c.services.api.healthcheck.path = "health"),
      "services.api.healthcheck.path: health-check paths start with `/`, e.g. `/health`",
    ],
    [
      "a public service without a port",
      (c) => delete c.services.api.port,
      "services.api.port: a service with a public or custom domain needs `port`, the port it listens on",
    ],
    [
      "a custom domain with a scheme",
      (c) => (c.services.api.domains = ["https://api.example.com"]),
      "services.api.domains.0: give a lower-case host name such as `api.example.com` (no scheme, path or port)",
    ],
    [
      "retries without ON_FAILURE",
      (c) => (c.services.api.restart = { policy: "ALWAYS", maxRetries: 3 }),
      "services.api.restart.maxRetries: retries apply only with `policy: ON_FAILURE`",
    ],
    [
      "celery without redis",
      (c) => (c.services.worker.connects = []),
      "services.worker.celery: Celery URLs need Redis: add `redis` to `connects`",
    ],
    [
      "celery on one database",
      (c) => (c.services.worker.celery = { broker: 1, results: 1 }),
      "services.worker.celery: give the broker and the results different Redis databases (e.g. `broker: 0`, `results: 1`)",
    ],
    [
      "celery on Upstash",
      (c) => (c.redis = { provider: "upstash", use: "queue", upstash: { primaryRegion: "us-east-1" } }),
      "services.worker.celery: Upstash Redis has a single database, so Celery cannot use separate ones: use Railway Redis, or drop `celery` and set the URLs yourself",
    ],
    [
      "an evicting broker (seed 004's allkeys-lru)",
      (c) => (c.redis = { use: "queue", evictionPolicy: "allkeys-lru" }),
      "redis.evictionPolicy: `allkeys-lru` can evict queued jobs from a Redis used as `queue`; use `noeviction`, or a separate cache Redis",
    ],
    ["Redis without a use", (c) => (c.redis = {}), "redis.use: required; say what Redis is for: `cache`, `queue` or `both`"],
    [
      "Upstash without a region",
      (c) => (c.redis = { provider: "upstash", use: "cache" }),
      "redis.upstash: Upstash needs `upstash.primaryRegion`, e.g. `us-east-1`",
    ],
    [
      "a Redis setting Trestle owns",
      (c) => (c.redis.settings = { requirepass: "x" }),
      "redis.settings.requirepass: `requirepass` is set by Trestle: Trestle generates the password",
    ],
    [
      "a Postgres setting with spaces",
      (c) => (c.postgres.settings = { shared_buffers: "256 MB" }),
      "postgres.settings.shared_buffers: give a value without spaces or quotes, e.g. `256MB`",
    ],
    [
      "an unsupported Postgres version",
      (c) => (c.postgres.version = 12),
      "postgres.version: give a PostgreSQL major version: 15, 16, 17 or 18",
    ],
    [
      "both project and projectId",
      (c) => (c.railway.projectId = "abc"),
      "railway: give `project` (a name, to create one) or `projectId` (to adopt one), not both or neither",
    ],
    [
      "no railway block",
      (c) => delete c.railway,
      "railway: required; add `trestle:railway` with `project` (or `projectId`) and `environment`",
    ],
    [
      "two CORS APIs",
      (c) => Object.assign(c.services.worker, { cors: {} }),
      "services: only one service is the CORS-protected API; `cors` is set on api, worker",
    ],
    [
      "a frontend calling a private API",
      (c) => (c.services.api.public = false),
      "services.api.public: the frontend calls this service from the browser: set `public: true` or give it `domains`",
    ],
    ["a frontend API that does not exist", (c) => (c.frontend.api = "backend"), "frontend.api: `backend` is not a service in `services`"],
    [
      "a secret the browser would see",
      (c) => (c.frontend.secrets = { NEXT_PUBLIC_OPENAI_KEY: "openaiKey" }),
      "frontend.secrets.NEXT_PUBLIC_OPENAI_KEY: `NEXT_PUBLIC_OPENAI_KEY` would be built into the browser bundle (`NEXT_PUBLIC_`); a secret must not be public. Rename it without the public prefix, or move the call server-side",
    ],
    [
      "a Vercel frontend without a repo",
      (c) => delete c.frontend.repo,
      "frontend.repo: a Vercel frontend needs `repo` (`owner/name`) to build from",
    ],
    [
      "a variable declared twice",
      (c) => (c.services.api.variables = { SERPAPI_KEY: "x" }),
      "services.api.variables.SERPAPI_KEY: `SERPAPI_KEY` is declared more than once across `variables`, `secrets` and `generated`; keep one",
    ],
    [
      "a variable named `__proto__` (a parsed map would drop it)",
      (c) => (c.services.api.variables = JSON.parse('{"__proto__":"x"}')),
      "services.api.variables.__proto__: `__proto__` cannot be used as a name here; rename it",
    ],
    [
      "a service named `constructor`",
      (c) => (c.services.constructor = { source: { image: "x" } }),
      "services.constructor: `constructor` cannot be used as a name here; rename it",
    ],
    [
      "a NUL in a start command",
      (c) => (c.services.worker.start = "celery\u0000 worker"),
      "services.worker.start: contains a NUL character; remove it",
    ],
    [
      "a control character in a variable",
      (c) => (c.services.api.variables = { MODE: "a\u001bb" }),
      "services.api.variables.MODE: contains a control character; remove it",
    ],
    [
      "a bidirectional override in an origin",
      (c) => (c.services.api.cors.origins = ["https://evil\u202Eexample.com"]),
      "services.api.cors.origins.0: contains a bidirectional-override character, which makes text display differently from what it is; remove it",
    ],
    [
      "a project name over 100 characters (counted as Railway counts them)",
      (c) => (c.railway.project = "🚂".repeat(101)),
      "railway.project: a project name has at most 100 characters",
    ],
    [
      "more replicas than any plan allows",
      (c) => (c.services.api.replicas = 51),
      "services.api.replicas: Railway allows at most 50 replicas per service",
    ],
    [
      "more replicas than the plan allows (PLAN-1)",
      (c) => (c.services.api.replicas = 7),
      "services.api.replicas: 7 replicas is more than the hobby plan allows a service (6); lower it, or set `railwayPlan` to your plan (pro allows 42)",
    ],
    [
      "more replicas over regions than the plan allows",
      (c) => (c.services.api.regions = { "us-west2": 4, "europe-west4-drams3a": 3 }),
      "services.api.regions: 7 replicas is more than the hobby plan allows a service (6); lower it, or set `railwayPlan` to your plan (pro allows 42)",
    ],
    [
      "more vCPUs than the plan gives a replica (LIM-1)",
      (c) => (c.services.api.limits = { vcpus: 9 }),
      "services.api.limits.vcpus: 9 vCPUs is more than the hobby plan allows a replica (8 vCPUs); lower it, or set `railwayPlan` to your plan (pro allows 24)",
    ],
    [
      "more Postgres memory than the plan gives",
      (c) => (c.postgres.limits = { memoryGB: 9 }),
      "postgres.limits.memoryGB: 9 GB is more than the hobby plan allows a replica (8 GB); lower it, or set `railwayPlan` to your plan (pro allows 24)",
    ],
    [
      "more vCPUs across replicas than Pro gives a service (LIM-1)",
      (c) => Object.assign(c, { railwayPlan: "pro" }) && Object.assign(c.services.api, { replicas: 42, limits: { vcpus: 24 } }),
      "services.api.limits.vcpus: 42 replicas × 24 vCPUs is more than the pro plan allows one service (1000 vCPUs); lower it or the replicas",
    ],
    ["zero memory", (c) => (c.services.api.limits = { memoryGB: 0 }), "services.api.limits.memoryGB: give more than 0 GB"],
    ["empty limits", (c) => (c.services.api.limits = {}), "services.api.limits: give `vcpus`, `memoryGB` or both, or remove `limits`"],
    ["a typo in limits", (c) => (c.services.api.limits = { cpus: 1 }), "services.api.limits.cpus: unknown key; did you mean `vcpus`?"],
    [
      "limits on Upstash",
      (c) => (c.redis = { provider: "upstash", use: "cache", upstash: { primaryRegion: "us-east-1" }, limits: { memoryGB: 1 } }),
      "redis.limits: `limits` sizes a Redis service on Railway; Upstash sizes itself by plan: remove `limits`",
    ],
    [
      "two frontend services",
      (c) => {
        c.services.api.frontend = true;
        c.services.worker.frontend = true;
      },
      "services: only one service is the frontend; `frontend` is set on api, worker",
    ],
    [
      "a frontend service beside a frontend block",
      (c) => (c.services.api.frontend = true),
      "services.api.frontend: the stack already has `trestle:frontend`; keep one frontend: remove this flag, or the `frontend` block",
    ],
    [
      "a private frontend service",
      (c) => Object.assign(c.services.worker, { frontend: true }),
      "services.worker.public: browsers load the frontend: set `public: true` or give it `domains`",
    ],
    [
      "a frontend service's secret under a public prefix",
      (c) => Object.assign(c.services.api, { frontend: true, secrets: { NEXT_PUBLIC_STRIPE_KEY: "serpapiKey" } }),
      "services.api.secrets.NEXT_PUBLIC_STRIPE_KEY: `NEXT_PUBLIC_STRIPE_KEY` would be built into the browser bundle (`NEXT_PUBLIC_`); a secret must not be public. Rename it without the public prefix, or move the call server-side",
    ],
    [
      "a function duration over Vercel's longest",
      (c) => (c.frontend.maxDurationSeconds = 900),
      "frontend.maxDurationSeconds: give the maximum duration in seconds as a whole number from 1 to 800",
    ],
    [
      "a function duration on a Railway frontend",
      (c) =>
        Object.assign(c.frontend, { platform: "railway", maxDurationSeconds: 30, service: { source: { repo: "acme/web" }, port: 3000 } }),
      "frontend.maxDurationSeconds: `maxDurationSeconds` limits Vercel functions; a frontend on Railway is a server with no per-request limit: remove it",
    ],
    ["an hourly backup (VOL-4)", (c) => (c.postgres.backups = ["hourly"]), "postgres.backups.0: give `daily`, `weekly` or `monthly`"],
    ["a backup schedule listed twice", (c) => (c.postgres.backups = ["daily", "daily"]), "postgres.backups: list each schedule once"],
    [
      "backups of a Redis that keeps nothing on disk",
      (c) => (c.redis = { use: "cache", backups: ["daily"] }),
      "redis.backups: backups copy the persistence volume, and this Redis has none: set `persistence.enabled: true`, or remove `backups`",
    ],
    [
      "a region that is not a region id",
      (c) => (c.services.api.regions = { "US West": 2 }),
      "services.api.regions.US West: give a Railway region id such as `us-west2` or `europe-west4-drams3a`",
    ],
    // The red team's settings that passed config and then failed to boot, or booted broken (§5).
    [
      "a Postgres setting that does not exist",
      (c) => (c.postgres.settings = { no_such_setting: 1 }),
      "postgres.settings.no_such_setting: PostgreSQL 16 has no setting `no_such_setting`",
    ],
    [
      "a misspelt Postgres setting",
      (c) => (c.postgres.settings = { shared_bufers: "256MB" }),
      "postgres.settings.shared_bufers: PostgreSQL 16 has no setting `shared_bufers`; did you mean `shared_buffers`?",
    ],
    [
      "shared_buffers too large",
      (c) => (c.postgres.settings = { shared_buffers: "999999GB" }),
      "postgres.settings.shared_buffers: `999999GB` is outside 16..1073741823 (in 8kB)",
    ],
    [
      "max_connections of 0",
      (c) => (c.postgres.settings = { max_connections: 0 }),
      "postgres.settings.max_connections: `0` is outside 1..262143",
    ],
    [
      "a negative work_mem",
      (c) => (c.postgres.settings = { work_mem: "-1" }),
      "postgres.settings.work_mem: `-1` is outside 64..2147483647 (in kB)",
    ],
    [
      "a value with a unit it does not take",
      (c) => (c.postgres.settings = { shared_buffers: "128MBfoo" }),
      "postgres.settings.shared_buffers: `128MBfoo` takes a memory unit (B, kB, MB, GB, TB), not `MBfoo`",
    ],
    [
      "a preload library the image lacks",
      (c) => (c.postgres.settings = { shared_preload_libraries: "nonexistent" }),
      "postgres.settings.shared_preload_libraries: the image has no `nonexistent`, and PostgreSQL stops at boot without it; use `pg_stat_statements`, `auto_explain`, `pg_prewarm`",
    ],
    [
      "data_directory",
      (c) => (c.postgres.settings = { data_directory: "/srv/elsewhere" }),
      "postgres.settings.data_directory: `data_directory` is set by Trestle's wiring: the data must stay on the volume (`PGDATA`)",
    ],
    [
      "a Postgres port",
      (c) => (c.postgres.settings = { port: 5433 }),
      "postgres.settings.port: `port` is set by Trestle's wiring: clients reach PostgreSQL on 5432 (`DATABASE_URL`)",
    ],
    [
      "listen_addresses",
      (c) => (c.postgres.settings = { listen_addresses: "localhost" }),
      "postgres.settings.listen_addresses: `listen_addresses` is set by Trestle's wiring: the private network must reach the server",
    ],
    [
      "fsync off in production",
      (c) => Object.assign(c, { production: true, postgres: { settings: { fsync: "off" } } }),
      "postgres.settings.fsync: turning `fsync` off in production can corrupt the database on a crash; remove it",
    ],
    [
      "a bad enum value",
      (c) => (c.postgres.settings = { wal_level: "verbose" }),
      "postgres.settings.wal_level: `verbose` is not one of `minimal`, `replica`, `logical`",
    ],
    [
      "a Redis directive that does not exist",
      (c) => (c.redis.settings = { "no-such-directive": 1 }),
      "redis.settings.no-such-directive: Redis 7.0.15 has no directive `no-such-directive`",
    ],
    ["a negative Redis timeout", (c) => (c.redis.settings = { timeout: -5 }), "redis.settings.timeout: `-5` is negative"],
    ["maxclients of 0", (c) => (c.redis.settings = { maxclients: 0 }), "redis.settings.maxclients: `0` must be at least 1"],
    [
      "a save rule of 0 0",
      (c) => (c.redis.persistence = { enabled: true, save: ["0 0"] }),
      "redis.persistence.save.0: `0 0`: both the seconds and the number of changes must be at least 1",
    ],
    [
      "a maxmemory too small for jobs",
      (c) => (c.redis.maxmemory = "1b"),
      "redis.maxmemory: `1b` is too small to hold queued jobs; give at least 10mb (or `0` for no limit)",
    ],
    [
      "fewer databases than Celery uses",
      (c) => (c.redis.settings = { databases: 1 }),
      "redis.settings.databases: 1 databases leave no database 1, which `services.worker.celery` uses; give at least 2",
    ],
    [
      "a Redis bind",
      (c) => (c.redis.settings = { bind: "127.0.0.1" }),
      "redis.settings.bind: `bind` is set by Trestle: the private network must reach the server",
    ],
    [
      "enable-module-command",
      (c) => (c.redis.settings = { "enable-module-command": "yes" }),
      "redis.settings.enable-module-command: `enable-module-command` is set by Trestle: it lets a client load code into the server",
    ],
    // One knowledge base with the policy pack, and no bypass of its kinds (issue: hardening, class 5).
    [
      "a Nuxt-public secret",
      (c) => (c.frontend.secrets = { NUXT_PUBLIC_ANALYTICS: "analyticsKey" }),
      "frontend.secrets.NUXT_PUBLIC_ANALYTICS: `NUXT_PUBLIC_ANALYTICS` would be built into the browser bundle (`NUXT_PUBLIC_`); a secret must not be public. Rename it without the public prefix, or move the call server-side",
    ],
    [
      "a Gatsby-public secret",
      (c) => (c.frontend.secrets = { GATSBY_TRACKING: "trackingKey" }),
      "frontend.secrets.GATSBY_TRACKING: `GATSBY_TRACKING` would be built into the browser bundle (`GATSBY_`); a secret must not be public. Rename it without the public prefix, or move the call server-side",
    ],
    [
      "a public-prefixed secret of a Next.js server on Railway",
      (c) =>
        (c.frontend = {
          platform: "railway",
          name: "web",
          service: { source: { repo: "acme/web" }, port: 3000, secrets: { NEXT_PUBLIC_STRIPE_SECRET: "stripeKey" } },
        }),
      "frontend.service.secrets.NEXT_PUBLIC_STRIPE_SECRET: `NEXT_PUBLIC_STRIPE_SECRET` would be built into the browser bundle (`NEXT_PUBLIC_`); a secret must not be public. Rename it without the public prefix, or move the call server-side",
    ],
    [
      "a CORS variable Trestle would overwrite",
      (c) => (c.services.api.variables = { ALLOWED_ORIGINS: "*" }),
      "services.api.variables.ALLOWED_ORIGINS: `ALLOWED_ORIGINS` is set by `cors` (the frontend's domains and `cors.origins`), which would replace this value; remove it, and put extra origins in `cors.origins`",
    ],
    [
      "a cache Redis that a service uses as a Celery broker",
      (c) => (c.redis = { use: "cache" }),
      "redis.use: `cache`, but `services.worker` uses it as a Celery broker (`celery`): a cache may evict queued jobs; say `queue` or `both`, or give the queue a Redis of its own",
    ],
    [
      "a subdomain on a service with no public domain (DOM-3)",
      (c) => (c.services.worker.subdomain = "acme-worker"),
      "services.worker.subdomain: `subdomain` names the Railway domain of a public service; add `public: true`, or remove it",
    ],
    [
      "a subdomain that is not a domain label",
      (c) => (c.services.api.subdomain = "Acme_API"),
      "services.api.subdomain: give a domain label: lower-case letters, digits and `-`, 1-63, not starting or ending with `-`",
    ],
    [
      "a frontend variable that would replace the API URL Trestle sets",
      (c) => (c.frontend = { ...c.frontend!, variables: { NEXT_PUBLIC_API_URL: "https://api.example.com" } } as never),
      "frontend.variables.NEXT_PUBLIC_API_URL: `NEXT_PUBLIC_API_URL` is set by Trestle to the API's URL (its first custom domain, else its Railway URL), and this value would replace it; remove it, or give the generated one another name with `apiUrlVariable` / `wsUrlVariable`",
    ],
    [
      "a cache Redis a connected service names a queue beside (BullMQ, `connects` giving the URL)",
      (c) =>
        Object.assign(c, {
          redis: { use: "cache" },
          services: { ...c.services, worker: { source: { image: "x" }, connects: ["redis"], variables: { BULLMQ_QUEUE: "emails" } } },
        }),
      "redis.use: `cache`, but `services.worker` uses it as a queue (`BULLMQ_QUEUE`): a cache may evict queued jobs; say `queue` or `both`, or give the queue a Redis of its own",
    ],
    [
      "a cache Redis a connected RQ worker uses",
      (c) =>
        Object.assign(c, {
          redis: { use: "cache" },
          services: { ...c.services, worker: { source: { image: "x" }, connects: ["redis"], start: "rq worker emails" } },
        }),
      "redis.use: `cache`, but `services.worker` uses it as a queue (its start command runs `rq worker`): a cache may evict queued jobs; say `queue` or `both`, or give the queue a Redis of its own",
    ],
    [
      "a cache Redis that a service uses as a BullMQ queue",
      (c) =>
        Object.assign(c, {
          redis: { use: "cache" },
          services: { ...c.services, worker: { source: { image: "x" }, variables: { BULLMQ_REDIS_URL: "${{Redis.REDIS_URL}}" } } },
        }),
      "redis.use: `cache`, but `services.worker` uses it as a queue (`BULLMQ_REDIS_URL`): a cache may evict queued jobs; say `queue` or `both`, or give the queue a Redis of its own",
    ],
    [
      "a reference to a service that is not in the stack",
      (c) => (c.services.api.variables = { SEARCH_URL: "http://${{search.RAILWAY_PRIVATE_DOMAIN}}:7700" }),
      "services.api.variables.SEARCH_URL: `${{search.RAILWAY_PRIVATE_DOMAIN}}` names service `search`, which is not in this stack; the services are `Postgres`, `Redis`, `api`, `worker` (and `shared`)",
    ],
    [
      "a reference to a variable the service does not have",
      (c) => (c.services.worker.variables = { DB: "${{Postgres.DATABASE_PUBLIC_URL}}" }),
      "services.worker.variables.DB: `${{Postgres.DATABASE_PUBLIC_URL}}`: `Postgres` has no variable `DATABASE_PUBLIC_URL`; it has `DATABASE_URL`, `PGDATA`, `PGDATABASE`, `PGHOST`, `PGPASSWORD`, `PGPORT`, `PGUSER`, `POSTGRES_DB`, `POSTGRES_PASSWORD`, `POSTGRES_USER`, `RAILWAY_DEPLOYMENT_DRAINING_SECONDS`, `SSL_CERT_DAYS` and Railway's own (`RAILWAY_PRIVATE_DOMAIN`, `PORT`, …)",
    ],
    [
      "a bare reference to a service name with a digit (VAR-7)",
      (c) => (
        (c.services["api-2"] = { source: { image: "ghcr.io/acme/api:1" }, port: 8000 }),
        (c.services.api.variables = { PEER: "http://${{api-2.RAILWAY_PRIVATE_DOMAIN}}:8000" })
      ),
      'services.api.variables.PEER: `${{api-2.RAILWAY_PRIVATE_DOMAIN}}`: Railway reads a service name with a digit only when it is quoted (VAR-7); write `${{"api-2".RAILWAY_PRIVATE_DOMAIN}}`',
    ],
    [
      "a reference to a variable of its own it does not define",
      (c) => (c.services.api.variables = { X: "${{SERPAPI_KY}}" }),
      "services.api.variables.X: `${{SERPAPI_KY}}`: `api` has no variable `SERPAPI_KY`; it has `ALLOWED_ORIGINS`, `DATABASE_URL`, `PORT`, `REDIS_URL`, `SERPAPI_KEY`, `X` and Railway's own (`RAILWAY_PRIVATE_DOMAIN`, `PORT`, …)",
    ],
    [
      "a Railway reference in a Vercel variable",
      (c) => (c.frontend.variables = { NEXT_PUBLIC_X: "${{api.RAILWAY_PUBLIC_DOMAIN}}" }),
      "frontend.variables.NEXT_PUBLIC_X: Railway references (`${{…}}`) are rendered only on Railway; a Vercel variable gets the text. Give the value itself",
    ],
    ["a port out of range", (c) => (c.services.api.port = 70000), "services.api.port: give the port as a whole number from 1 to 65535"],
    [
      "a Celery database out of range",
      (c) => (c.services.worker.celery = { broker: 99, results: 1 }),
      "services.worker.celery.broker: give the database as a whole number from 0 to 15",
    ],
    [
      "a service name with a non-ASCII letter",
      (c) => (c.services["wörker"] = { source: { image: "x" } }),
      "services.wörker: the name `wörker` is not allowed: service names are lower-case letters, digits and `-`, 2-32 characters",
    ],
    [
      "a variable name with a dash",
      (c) => (c.services.api.variables = { "BAD-NAME": "x" }),
      "services.api.variables.BAD-NAME: the name `BAD-NAME` is not allowed: variable names are letters, digits and `_`, not starting with a digit",
    ],
    [
      "a deploy timeout over two hours",
      (c) => (c.services.api.deployTimeoutSeconds = 99999),
      "services.api.deployTimeoutSeconds: give at most 7200 seconds (two hours); a longer build is better split",
    ],
  ])("refuses %s", (_title, edit, message) => {
    expect(problems(change(edit))).toContain(message);
  });

  it("keeps a 100-character project name of multi-unit characters, and a variable named `constructor`'s neighbours", () => {
    expect(problems(change((c) => (c.railway.project = "🚂".repeat(100))))).toEqual([]);
  });

  it("allows 7 replicas on Pro, and refuses a Railway token in plain text or a plan or token kind Railway does not have", () => {
    expect(problems({ ...change((c) => (c.services.api.replicas = 7)), railwayPlan: "pro" })).toEqual([]);
    expect(problems({ ...change((c) => (c.services.api.limits = { vcpus: 24, memoryGB: 24 })), railwayPlan: "pro" })).toEqual([]);
    expect(
      problems({ ...base(), railwayPlan: "team", railwayTokenKind: "bearer" }, { serpapiKey: "s3cr3t", railwayToken: { plain: "tok" } }),
    ).toEqual([
      "railwayToken: the Railway token is stored in plain text; run `trestle secret set railwayToken --stack staging` to encrypt it (the token from standard input or a prompt)",
      "railwayTokenKind: `bearer` is not a Railway token kind; use `account` (account or workspace token) or `project`",
      "railwayPlan: `team` is not a Railway plan; use `free`, `hobby` or `pro` (it paces Trestle to the plan's hourly request budget)",
    ]);
  });

  it("refuses a secret held in plain text, with the command to encrypt it", () => {
    expect(problems(base() as Record<string, unknown>, { serpapiKey: { plain: "sk-live-123" } })).toEqual([
      "services.api.secrets.SERPAPI_KEY: the stack secret `serpapiKey` is stored in plain text; run `trestle secret set serpapiKey --stack staging` to encrypt it (the value from standard input or a prompt)",
    ]);
  });

  it("refuses a secret that is not set", () => {
    expect(problems(base() as Record<string, unknown>, {})).toEqual([
      "services.api.secrets.SERPAPI_KEY: the stack secret `serpapiKey` is not set; run `trestle secret set serpapiKey --stack staging` (the value from standard input or a prompt)",
    ]);
  });

  it("refuses a stack secret nothing uses", () => {
    expect(problems(base() as Record<string, unknown>, { serpapiKey: "s", oldKey: "o" })).toEqual([
      "oldKey: the stack secret `oldKey` is not used by any service or frontend; reference it in a `secrets` map or remove it",
    ]);
  });

  it("lists every problem at once, each once", () => {
    const found = problems(
      change((c) => {
        c.services.api.replicas = 0;
        c.services.worker.cron = "* * *";
        c.redis.evictionPolicy = "allkeys-lru";
      }),
      { serpapiKey: { plain: "x" } },
    );
    expect(found).toHaveLength(4);
    expect(found.map((p) => p.split(":")[0])).toEqual([
      "services.api.replicas",
      "services.worker.cron",
      "redis.evictionPolicy",
      "services.api.secrets.SERPAPI_KEY",
    ]);
  });

  it("ignores other namespaces (provider config)", () => {
    const input = raw(base() as Record<string, unknown>);
    input.values["vercel:team"] = "acme";
    expect(() => parseStackConfig(input)).not.toThrow();
  });
});

describe("stack config under every wrong JSON type", () => {
  /** Every path in the reference system and in a Railway-frontend, named-database variant, down to its leaves. */
  function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    const here = at.length ? [at] : [];
    if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
    if (value && typeof value === "object") return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
    return here;
  }
  const variants: Record<string, Record<string, unknown>> = {
    reference: base() as Record<string, unknown>,
    rich: change((c) => {
      c.production = true;
      c.allowReplace = ["postgres"];
      c.databases = { cache: { redis: { use: "cache", limits: { memoryGB: 1 } } } };
      c.services.api.domains = ["api.example.com"];
      c.services.api.healthcheck = { path: "/health" };
      c.services.api.variables = { LOG_LEVEL: "info" };
      c.frontend = {
        platform: "railway",
        name: "web",
        service: { source: { repo: "acme/web" }, port: 3000, replicas: 2 },
        variables: { NEXT_PUBLIC_X: "1" },
      };
    }),
  };
  const WRONG: unknown[] = [null, true, 0, -1, 1.5, "x", "", [], ["x"], {}, { x: 1 }];
  const cases = Object.entries(variants).flatMap(([variant, config]) => paths(config).map((p) => [variant, p] as const));

  it.each(cases)("%s: %j of each wrong type is a configuration error, never a crash", (variant, at) => {
    for (const wrong of WRONG) {
      const config = structuredClone(variants[variant]) as any;
      let node = config;
      for (const key of at.slice(0, -1)) node = node[key];
      node[at.at(-1)!] = wrong;
      try {
        parseStackConfig(raw(config));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw new Error(`${JSON.stringify(at)} = ${JSON.stringify(wrong)}: ${(error as Error).stack}`);
        expect((error as ConfigError).problems.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("credentials in plain text, in any namespace", () => {
  /** The reference system in the project namespace `travel`, with `extra` config values (secret when listed in `secret`). */
  function withValues(extra: Record<string, string>, secret: string[] = []): string[] {
    const input = raw(base() as Record<string, unknown>, {});
    const values: Record<string, string> = { ...input.values, "travel:serpapiKey": "s3cr3t", ...extra };
    try {
      parseStackConfig({ values, secretKeys: new Set(["travel:serpapiKey", ...secret]), stack: "staging", project: "travel" });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
    return [];
  }

  it.each([
    [
      "vercel:apiToken",
      "vercel:apiToken: `vercel:apiToken` is a credential stored in plain text; encrypt it with `trestle secret set vercel:apiToken --stack staging`",
    ],
    [
      "upstash:apiKey",
      "upstash:apiKey: `upstash:apiKey` is a credential stored in plain text; encrypt it with `trestle secret set upstash:apiKey --stack staging`",
    ],
    ["docker:registryPassword", "docker:registryPassword: `docker:registryPassword` is a credential stored in plain text"],
  ])("refuses a plaintext %s, and accepts it encrypted", (key, message) => {
    expect(withValues({ [key]: "plain-credential-value" }).join("\n")).toContain(message);
    expect(withValues({ [key]: "ciphertext" }, [key])).toEqual([]);
  });

  it("refuses Railway provider keys under `trestle:` when the providers read them in the project's namespace", () => {
    expect(withValues({ "trestle:railwayToken": "ciphertext" }, ["trestle:railwayToken"])).toContain(
      "railwayToken: `trestle:railwayToken` is never read; Trestle's Railway providers read `travel:railwayToken`. Move it there with `trestle secret set railwayToken --stack staging`",
    );
    expect(withValues({ "trestle:railwayPlan": "pro" })).toContain(
      "railwayPlan: `trestle:railwayPlan` is never read; Trestle's Railway providers read `travel:railwayPlan`. Move it there",
    );
  });

  it("leaves provider settings that are not credentials alone", () => {
    expect(withValues({ "vercel:team": "acme", "upstash:email": "ops@example.com", "travel:railwayTokenKind": "account" })).toEqual([]);
  });
});

describe("every check runs wherever a thing can be declared", () => {
  /** Where a service can be declared: an edit of the base config that puts `service` there, and its config path. */
  const SERVICE_PLACES: [string, (c: any, service: Record<string, unknown>) => void][] = [
    ["services.worker", (c, service) => Object.assign(c.services.worker, service)],
    [
      "frontend.service",
      (c, service) =>
        (c.frontend = { platform: "railway", name: "web", service: { source: { repo: "acme/web" }, port: 3000, ...service } }),
    ],
  ];
  const SERVICE_CHECKS: [string, Record<string, unknown>, (at: string) => string][] = [
    [
      "replicas above the plan",
      { replicas: 7 },
      (at) =>
        `${at}.replicas: 7 replicas is more than the hobby plan allows a service (6); lower it, or set \`railwayPlan\` to your plan (pro allows 42)`,
    ],
    [
      "limits above the plan",
      { limits: { memoryGB: 5000 } },
      (at) =>
        `${at}.limits.memoryGB: 5000 GB is more than the hobby plan allows a replica (${PLAN_LIMITS.hobby.memoryGB} GB); lower it, or set \`railwayPlan\` to your plan (pro allows ${PLAN_LIMITS.pro.memoryGB})`,
    ],
    [
      "replicas with regions",
      { replicas: 2, regions: { "us-west2": 2 } },
      (at) => `${at}.replicas: give either \`replicas\` or \`regions\` (replicas per region), not both`,
    ],
    [
      "maxRetries with ALWAYS",
      { restart: { policy: "ALWAYS", maxRetries: 3 } },
      (at) => `${at}.restart.maxRetries: retries apply only with \`policy: ON_FAILURE\``,
    ],
    [
      "a variable declared twice",
      { variables: { TOKEN_TTL: "1" }, generated: { TOKEN_TTL: { length: 32 } } },
      (at) =>
        `${at}.variables.TOKEN_TTL: \`TOKEN_TTL\` is declared more than once across \`variables\`, \`secrets\` and \`generated\`; keep one`,
    ],
    [
      "Celery without its Redis",
      { celery: { broker: 0, results: 1 }, connects: [] },
      (at) => `${at}.celery: Celery URLs need Redis: add \`redis\` to \`connects\``,
    ],
  ];
  const cases = SERVICE_PLACES.flatMap(([at, put]) =>
    SERVICE_CHECKS.map(([check, service, message]) => [at, check, put, service, message(at)] as const),
  );

  it.each(cases)("%s: refuses %s", (_at, _check, put, service, message) => {
    expect(problems(change((c) => put(c, service)))).toContain(message);
  });

  it("refuses a cron job as the public frontend", () => {
    expect(problems(change((c) => SERVICE_PLACES[1][1](c, { cron: "0 * * * *" })))).toContain(
      "frontend.service.cron: the frontend serves browsers; a cron job has no public domain: run the job as a service of its own",
    );
  });

  /** Where a database can be declared, each with resource limits. */
  const DATABASE_PLACES: [string, (c: any, limits: Record<string, number>) => void][] = [
    ["postgres", (c, limits) => (c.postgres.limits = limits)],
    ["redis", (c, limits) => (c.redis.limits = limits)],
    ["databases.cache.redis", (c, limits) => (c.databases = { cache: { redis: { use: "cache", limits } } })],
    ["databases.reports.postgres", (c, limits) => (c.databases = { reports: { postgres: { limits } } })],
  ];
  it.each(DATABASE_PLACES)("%s: refuses limits above the plan", (at, put) => {
    expect(problems(change((c) => put(c, { vcpus: 5000 })))).toContain(
      `${at}.limits.vcpus: 5000 vCPUs is more than the hobby plan allows a replica (${PLAN_LIMITS.hobby.vcpus} vCPUs); lower it, or set \`railwayPlan\` to your plan (pro allows ${PLAN_LIMITS.pro.vcpus})`,
    );
  });
});

describe("memory settings fit the memory there is (seed 003's sizes)", () => {
  // Seed 003 sizes PostgreSQL at 1 GB and Redis at 512 MB with `maxmemory 512mb`.
  it.each<[string, (c: any) => void, string]>([
    [
      "a Redis maxmemory equal to its container",
      (c) => Object.assign(c.redis, { maxmemory: "512mb", limits: { memoryGB: 0.5 } }),
      "redis.maxmemory: `512mb` leaves Redis no room in 0.5 GB: fragmentation, buffers and a save's copy-on-write need a quarter of it, so give at most 384 MB, or raise `limits.memoryGB`",
    ],
    [
      "a Redis maxmemory above its container",
      (c) => Object.assign(c.redis, { maxmemory: "2gb", limits: { memoryGB: 1 } }),
      "redis.maxmemory: `2gb` leaves Redis no room in 1 GB: fragmentation, buffers and a save's copy-on-write need a quarter of it, so give at most 768 MB, or raise `limits.memoryGB`",
    ],
    [
      "a named Redis too",
      (c) => (c.databases = { cache: { redis: { use: "cache", maxmemory: "1gb", limits: { memoryGB: 1 } } } }),
      "databases.cache.redis.maxmemory: `1gb` leaves Redis no room in 1 GB: fragmentation, buffers and a save's copy-on-write need a quarter of it, so give at most 768 MB, or raise `limits.memoryGB`",
    ],
    [
      "shared_buffers over 40%",
      (c) => Object.assign(c.postgres, { settings: { shared_buffers: "512MB" }, limits: { memoryGB: 1 } }),
      "postgres.settings.shared_buffers: `512MB` is more than 40% of the 1 GB the server has (PostgreSQL's own ceiling for it): give at most 410 MB, or raise `limits.memoryGB`",
    ],
    [
      "work_mem times connections",
      (c) => Object.assign(c.postgres, { settings: { work_mem: "16MB", max_connections: 100 }, limits: { memoryGB: 1 } }),
      "postgres.settings.work_mem: `16MB` × 100 connections, with shared_buffers, needs 1.69 GB, more than the 1 GB the server has: lower `work_mem` or `max_connections`, or raise `limits.memoryGB`",
    ],
    [
      "effective_cache_size over the memory",
      (c) => Object.assign(c.postgres, { settings: { effective_cache_size: "4GB" }, limits: { memoryGB: 1 } }),
      "postgres.settings.effective_cache_size: `4GB` tells the planner of more cache than the 1 GB the server has: give at most 1GB",
    ],
  ])("refuses %s", (_title, edit, message) => {
    expect(problems(change(edit))).toContain(message);
  });

  it("accepts the seed's PostgreSQL sizes, and a Redis with a quarter of its memory free", () => {
    expect(
      problems(
        change((c) =>
          Object.assign(c.postgres, {
            settings: { shared_buffers: "256MB", effective_cache_size: "1GB", maintenance_work_mem: "64MB", max_connections: 100 },
            limits: { memoryGB: 1 },
          }),
        ),
      ),
    ).toEqual([]);
    expect(problems(change((c) => Object.assign(c.redis, { maxmemory: "384mb", limits: { memoryGB: 0.5 } })))).toEqual([]);
  });
});
