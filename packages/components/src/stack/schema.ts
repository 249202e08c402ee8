// The stack schema: the whole architecture of one environment as zod
// validates it, each setting with its description (docs/configuration.md is
// generated from these), and the types the program reads.
import { z } from "zod";
import {
  BUCKET_REGIONS,
  BUCKET_VARIABLES,
  BUILDERS,
  HOSTNAME,
  MAX_REPLICAS,
  RAILWAY_PROVIDED,
  RESTART_POLICY_TYPES,
  VARIABLE_NAME,
  cronProblem,
  needsQuotes,
  referencesIn,
} from "@trestle/railway/facts";
import { postgresSettingProblem, redisBytes, redisSettingProblem } from "../server-settings";
import { PGBOUNCER_DEFAULTS, pgbouncerVariables, postgresVariables } from "../postgres-db";
import { CORS_FORMATS } from "../railway-service";
import { EVICTION_POLICIES, REDIS_PROVIDERS, REDIS_USES, redisVariables } from "../redis-cache";
import { publicPrefix } from "../contract/secrets";
import { QUEUE_VARIABLE } from "../contract/variables";
import { bucketVariables } from "../storage-bucket";

/** Start commands of queue workers: Celery, RQ, Sidekiq, BullMQ, Dramatiq, arq, Huey. */
const QUEUE_WORKER = /\b(celery\b[^;&|]*\bworker|rq worker|rqworker|sidekiq|bullmq|dramatiq|arq|huey_consumer)\b/;

export const NAMESPACE = "trestle";

/** The top-level keys (`trestle:<key>`) this schema reads. */
export const TOP_LEVEL_KEYS = [
  "railway",
  "production",
  "protect",
  "allowReplace",
  "sharedWithProduction",
  "services",
  "postgres",
  "redis",
  "databases",
  "buckets",
  "shared",
  "frontend",
  "vercel",
  "preview",
] as const;
/** Keys read elsewhere (the Railway providers' `configure`). */
export const PROVIDER_KEYS = ["railwayToken", "railwayTokenKind", "railwayPlan"];

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ENV_NAME = VARIABLE_NAME;
export const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const MEMORY = /^\d+(b|kb|mb|gb)$/i;
const PG_SETTING_NAME = /^[a-z_]+(\.[a-z_]+)?$/;
const PG_SETTING_VALUE = /^[A-Za-z0-9_.:/+-]+$/;

export const UPSTASH_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-central-1",
  "eu-west-1",
  "sa-east-1",
  "ap-southeast-1",
  "ap-southeast-2",
] as const;

/**
 * Cross-field checks run even when a field is already invalid, so one run lists
 * every problem (zod skips refinements after other issues by default). They
 * therefore read fields defensively.
 */
const ALWAYS = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

/**
 * The strings of a list as a cross-field check may read it. Those checks run
 * on objects whose fields may still have the wrong shape (ALWAYS), where the
 * field's own check reports the shape: they see only what could be valid.
 */
function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

const secretKey = z.string().regex(CONFIG_KEY, {
  error: "name a stack secret such as `serpapiKey` (letters, digits, `_`), set with `trestle secret set <key> --stack <s>`",
});
const envName = z.string().regex(ENV_NAME, { error: "variable names are letters, digits and `_`, not starting with a digit" });
const hostname = z.string().regex(HOSTNAME, { error: "give a lower-case host name such as `api.example.com` (no scheme, path or port)" });
const positiveInt = (what: string) =>
  z.number({ error: `give ${what} as a whole number` }).int({ error: `give ${what} as a whole number` });
/** A whole number in a range, each bound saying what it is. */
const wholeIn = (what: string, min: number, max?: number) => {
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  const base = positiveInt(what).min(min, { error: `give ${what} as a whole number ${range}` });
  return max === undefined ? base : base.max(max, { error: `give ${what} as a whole number ${range}` });
};

/**
 * The most vCPUs and memory each replica may use (LIM-1), e.g.
 * `limits: { vcpus: 1, memoryGB: 1 }`. Unset: the plan's default. The stack's
 * `railwayPlan` bounds them.
 */
const limitsSchema = z
  .strictObject({
    vcpus: z
      .number({ error: "give vCPUs as a number, e.g. `0.5` or `2`" })
      .positive({ error: "give more than 0 vCPUs" })
      .optional()
      .describe("vCPUs per replica, e.g. `0.5` or `2`; the plan bounds it."),
    memoryGB: z
      .number({ error: "give memory in GB as a number, e.g. `0.5` or `2`" })
      .positive({ error: "give more than 0 GB" })
      .optional()
      .describe("Memory per replica in GB, e.g. `0.5` or `2`; the plan bounds it."),
  })
  .refine((l) => l.vcpus !== undefined || l.memoryGB !== undefined, { error: "give `vcpus`, `memoryGB` or both, or remove `limits`" });

/** Backup schedules of a database's volume (VOL-4); `[]` for none. */
const backupsSchema = z
  .array(z.enum(["daily", "weekly", "monthly"], { error: "give `daily`, `weekly` or `monthly`" }))
  .refine((list) => new Set(list).size === list.length, { error: "list each schedule once" });

const sourceSchema = z
  .strictObject({
    repo: z
      .string()
      .regex(REPO, { error: "give the repository as `owner/name`" })
      .optional()
      .describe("A GitHub repository `owner/name` Railway builds."),
    branch: z.string().min(1).optional().describe('The branch Railway deploys. @default "main"'),
    rootDirectory: z.string().min(1).optional().describe("The directory of `repo` Railway builds. @default the repository's root"),
    dockerfilePath: z.string().min(1).optional().describe("The Dockerfile in `repo`. @default Railway's detection"),
    image: z.string().min(1).optional().describe("A prebuilt image."),
    /** A local build context Trestle builds with Docker and pushes, deploying it by digest. */
    build: z
      .strictObject({
        context: z.string().min(1).describe("The directory to build, relative to the project."),
        dockerfile: z.string().min(1).optional().describe("The Dockerfile. @default `<context>/Dockerfile`"),
        imageName: z.string().min(1).describe("Repository to push to, e.g. `ghcr.io/acme/api` (tagged with the stack and a content hash)."),
        registry: z
          .strictObject({
            server: z.string().min(1).describe("The registry host, e.g. `ghcr.io`."),
            username: z.string().min(1).describe("The registry user."),
            passwordSecret: secretKey.describe("The stack secret holding the registry password or token."),
          })
          .describe("Where the built image is pushed."),
        args: z.record(z.string(), z.string()).optional().describe("Docker build arguments."),
        platform: z.string().default("linux/amd64").describe("The platform built for (Railway runs linux/amd64)."),
      })
      .optional()
      .describe("A local build context Trestle builds with Docker and pushes, deploying it by digest."),
    registry: z
      .strictObject({
        username: z.string().min(1).describe("The registry user."),
        passwordSecret: secretKey.describe("The stack secret holding the registry password or token."),
      })
      .optional()
      .describe("For `image` sources from a private registry: the login; `passwordSecret` names the stack secret with the password."),
  })
  .superRefine((source, ctx) => {
    const given = (["repo", "image", "build"] as const).filter((k) => source[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: given.length
          ? `give exactly one of \`repo\`, \`image\` or \`build\`, not ${given.map((k) => `\`${k}\``).join(" and ")}`
          : "give a source: `repo` (GitHub `owner/name`), `image` (a Docker image) or `build` (a local context)",
      });
    }
    for (const key of ["branch", "rootDirectory", "dockerfilePath"] as const) {
      if (source[key] !== undefined && !source.repo)
        ctx.addIssue({ code: "custom", path: [key], message: `\`${key}\` applies only to a \`repo\` source` });
    }
    if (source.registry && !source.image)
      ctx.addIssue({ code: "custom", path: ["registry"], message: "`registry` applies only to an `image` source (a `build` has its own)" });
  }, ALWAYS);

const corsSchema = z.strictObject({
  variable: envName.default("ALLOWED_ORIGINS").describe("The variable the API reads its allowed origins from."),
  origins: z.array(z.string()).default([]).describe("Origins beyond the frontend's own domains, e.g. an admin site."),
  format: z.enum(CORS_FORMATS).default("comma").describe('`comma` (`a,b`) or `json` (`["a","b"]`), as the API parses it.'),
});

export const serviceFields = {
  source: sourceSchema.describe("Where the code comes from: exactly one of `repo`, `image` or `build`."),
  start: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
      error: "give the start command as a string, or as a list of words (exec form)",
    })
    .optional()
    .describe("A shell command (wrapped in `/bin/sh -c` when it needs a shell), or a list: exec form, passed exactly."),
  buildCommand: z.string().min(1).optional().describe("Railway's build command. @default the builder's"),
  builder: z.enum(BUILDERS).optional().describe("The Railway builder. @default Railway's choice"),
  preDeploy: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe("Runs before each deploy inside the private network: migrations."),
  port: wholeIn("the port", 1, 65535).optional().describe("The port the service listens on; public domains route to it."),
  healthcheck: z
    .strictObject({
      path: z
        .string()
        .startsWith("/", { error: "health-check paths start with `/`, e.g. `/health`" })
        .describe("The path Railway probes, e.g. `/health`."),
      timeoutSeconds: wholeIn("the timeout in seconds", 1, 3600).optional().describe("How long Railway waits for it. @default 300"),
    })
    .optional()
    .describe("Railway's health check: a new deployment takes traffic only once `path` answers 2xx."),
  restart: z
    .strictObject({
      policy: z.enum(RESTART_POLICY_TYPES).default("ON_FAILURE").describe("Restart on failure, always, or never."),
      maxRetries: wholeIn("the retries", 0, 1000).optional().describe("Restarts before Railway gives up (with `ON_FAILURE`). @default 10"),
    })
    .optional()
    .describe("What Railway does when the process exits."),
  replicas: positiveInt("replicas")
    .min(1, { error: "replicas must be at least 1" })
    .max(MAX_REPLICAS, { error: `Railway allows at most ${MAX_REPLICAS} replicas per service` })
    .optional()
    .describe("Instances of the service."),
  regions: z
    .record(
      z.string(),
      positiveInt("replicas")
        .min(1, { error: "replicas must be at least 1" })
        .max(MAX_REPLICAS, { error: `Railway allows at most ${MAX_REPLICAS} replicas per service` }),
    )
    .optional()
    .describe("Replicas per Railway region, e.g. `{ us-west2: 2, europe-west4-drams3a: 1 }`, instead of `replicas`."),
  cron: z
    .string()
    .optional()
    .describe("A cron schedule (UTC), e.g. `0 3 * * *`: the service runs on it and exits; at most every 5 minutes."),
  sleep: z.boolean().optional().describe("Let Railway sleep the service when it has no traffic."),
  public: z.boolean().default(false).describe("A public `*.up.railway.app` domain."),
  domains: z.array(hostname).default([]).describe("Custom domains (the DNS records to create are stack outputs)."),
  subdomain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: "give a domain label: lower-case letters, digits and `-`, 1-63, not starting or ending with `-`",
    })
    .optional()
    .describe("With `public: true`: the Railway domain's name, `<subdomain>.up.railway.app`. @default Railway's generated name"),
  sealSecrets: z
    .boolean()
    .optional()
    .describe(
      "Seal `secrets` and `generated` on the first deploy, so Railway never shows them again (not in its dashboard, API or `railway run`); sealing cannot be undone. @default true in production",
    ),
  connects: z
    .array(z.string().regex(SERVICE_NAME, { error: "`connects` names `postgres`, `redis` or a database of `trestle:databases`" }))
    .default([])
    .describe(
      "Private connections: `postgres` sets `DATABASE_URL`, `redis` sets `REDIS_URL`, and a database of `trestle:databases` named `cache` sets `CACHE_URL`.",
    ),
  /** Celery URLs on separate Redis databases (`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`). */
  celery: z
    .strictObject({
      redis: z
        .string()
        .optional()
        .describe("The Redis that holds them: `redis`, or a Redis of `trestle:databases`; it must be in `connects`. @default redis"),
      broker: wholeIn("the database", 0, 15).default(0).describe("The Redis database of the broker."),
      results: wholeIn("the database", 0, 15).default(1).describe("The Redis database of the results."),
    })
    .optional()
    .describe("Celery URLs on separate Redis databases (`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`)."),
  variables: z
    .record(envName, z.string())
    .default({})
    .describe("Plain variables, e.g. `LOG_LEVEL: info` or references like `${{Postgres.DATABASE_URL}}`."),
  secrets: z.record(envName, secretKey).default({}).describe("Variable name → stack secret key, e.g. `SERPAPI_KEY: serpapiKey`."),
  generated: z
    .record(envName, z.strictObject({ length: wholeIn("the length", 16, 256).default(32).describe("Characters (letters and digits).") }))
    .default({})
    .describe("Variables Trestle generates once and keeps, e.g. `SECRET_KEY: { length: 48 }`."),
  cors: corsSchema.optional().describe("Marks this service as the CORS-protected API."),
  takeOver: z
    .boolean()
    .optional()
    .describe("Manage a same-name service this stack did not create (in an adopted project); `pulumi destroy` then deletes it."),
  limits: limitsSchema.optional().describe("The most vCPUs and memory (GB) each replica may use."),
  /**
   * This service is the app's frontend, a server such as Next.js that browsers
   * load (the pilot handbook's shape): the `frontendUrl` output, the origins an API's CORS
   * allows, and its browser-public variables checked like a Vercel frontend's.
   */
  frontend: z
    .boolean()
    .optional()
    .describe(
      "This service is the app's frontend, a server such as Next.js that browsers load: the `frontendUrl` output, the origins an API's CORS allows, and its browser-public variables checked like a Vercel frontend's.",
    ),
  deployTimeoutSeconds: positiveInt("seconds")
    .min(30, { error: "give at least 30 seconds" })
    .max(7200, { error: "give at most 7200 seconds (two hours); a longer build is better split" })
    .optional()
    .describe("Seconds to wait for a deploy to become healthy."),
};

/**
 * Every check of a service, wherever a service can be declared: the services
 * of `trestle:services` and a Railway frontend's `frontend.service` alike.
 */
function serviceChecks(
  service: z.output<z.ZodObject<typeof serviceFields>> | Partial<z.output<z.ZodObject<typeof serviceFields>>>,
  ctx: z.RefinementCtx,
): void {
  if (service.cron !== undefined) {
    const problem = cronProblem(service.cron);
    if (problem) ctx.addIssue({ code: "custom", path: ["cron"], message: `\`${service.cron}\` ${problem}` });
    if ((service.replicas ?? 1) !== 1 || service.regions)
      ctx.addIssue({ code: "custom", path: ["cron"], message: "a cron service runs exactly 1 replica; remove `replicas`/`regions`" });
    if (service.public) ctx.addIssue({ code: "custom", path: ["public"], message: "a cron service has no public domain" });
  }
  for (const region of Object.keys(service.regions ?? {})) {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(region)) {
      ctx.addIssue({
        code: "custom",
        path: ["regions", region],
        message: "give a Railway region id such as `us-west2` or `europe-west4-drams3a`",
      });
    }
  }
  if (service.replicas !== undefined && service.regions !== undefined) {
    ctx.addIssue({ code: "custom", path: ["replicas"], message: "give either `replicas` or `regions` (replicas per region), not both" });
  }
  if (service.restart?.maxRetries !== undefined && service.restart.policy !== "ON_FAILURE") {
    ctx.addIssue({ code: "custom", path: ["restart", "maxRetries"], message: "retries apply only with `policy: ON_FAILURE`" });
  }
  if (service.celery && !texts(service.connects).includes(service.celery.redis ?? "redis")) {
    ctx.addIssue({
      code: "custom",
      path: ["celery"],
      message: `Celery URLs need Redis: add \`${service.celery.redis ?? "redis"}\` to \`connects\``,
    });
  }
  if (service.celery && service.celery.broker === service.celery.results) {
    ctx.addIssue({
      code: "custom",
      path: ["celery"],
      message: "give the broker and the results different Redis databases (e.g. `broker: 0`, `results: 1`)",
    });
  }
  if (service.subdomain && !service.public) {
    ctx.addIssue({
      code: "custom",
      path: ["subdomain"],
      message: "`subdomain` names the Railway domain of a public service; add `public: true`, or remove it",
    });
  }
  if ((service.public || service.domains?.length) && !service.port) {
    ctx.addIssue({
      code: "custom",
      path: ["port"],
      message: "a service with a public or custom domain needs `port`, the port it listens on",
    });
  }
  if (service.cors && Object.keys({ ...service.variables, ...service.secrets }).includes(service.cors.variable ?? "ALLOWED_ORIGINS")) {
    const variable = service.cors.variable ?? "ALLOWED_ORIGINS";
    ctx.addIssue({
      code: "custom",
      path: ["variables", variable],
      message: `\`${variable}\` is set by \`cors\` (the frontend's domains and \`cors.origins\`), which would replace this value; remove it, and put extra origins in \`cors.origins\``,
    });
  }
  const names = [service.variables, service.secrets, service.generated].flatMap((group) => Object.keys(group ?? {}));
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    ctx.addIssue({
      code: "custom",
      path: ["variables", name],
      message: `\`${name}\` is declared more than once across \`variables\`, \`secrets\` and \`generated\`; keep one`,
    });
  }
}

const serviceSchema = z.strictObject(serviceFields).superRefine(serviceChecks, ALWAYS);

/** PgBouncer in front of a Postgres, with Railway's PgBouncer template's defaults (PostgresDb's `PgBouncerArgs`). */
const pgbouncerSchema = z.strictObject({
  poolMode: z
    .enum(["transaction", "session", "statement"])
    .default("transaction")
    .describe(
      "`transaction` (best multiplexing; no session features such as LISTEN/NOTIFY, advisory locks or `SET` across statements), `session` (every feature) or `statement`.",
    ),
  maxClientConn: z.int().min(1).max(100_000).default(1000).describe("The most client connections PgBouncer accepts."),
  defaultPoolSize: z
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .describe("Server connections per database and user; at most the server's `max_connections`."),
  maxPreparedStatements: z
    .int()
    .min(0)
    .max(100_000)
    .default(100)
    .describe("Prepared statements PgBouncer tracks, so ORMs' prepared statements work in transaction mode; 0 turns it off."),
});

export const postgresSchema = z.strictObject({
  passwordSecret: secretKey
    .optional()
    .describe(
      "The stack secret holding the password of a database that already exists (`trestle import` sets it): its data keeps the password it was created with. @default generated",
    ),
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,31}$/)
    .default("Postgres")
    .describe("The Railway service name; other services reference `${{<name>.DATABASE_URL}}`."),
  version: z
    .union([z.literal(15), z.literal(16), z.literal(17), z.literal(18)], { error: "give a PostgreSQL major version: 15, 16, 17 or 18" })
    .default(16)
    .describe("Major version of Railway's `postgres-ssl` template image; changing it replaces the server (dump first)."),
  database: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("railway")
    .describe("The database created on first start (`PGDATABASE`)."),
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("postgres")
    .describe("The superuser (`PGUSER`)."),
  dataDirectory: z
    .string()
    .regex(/^\/var\/lib\/postgresql\/data(\/[A-Za-z0-9._-]+)+$/, {
      error: "give a directory on the data volume, under `/var/lib/postgresql/data/` (e.g. `/var/lib/postgresql/data/pgdata`)",
    })
    .optional()
    .describe(
      "The cluster's data directory (`PGDATA`) on the volume; a database that already exists keeps its own (`trestle import` sets it). @default /var/lib/postgresql/data/pgdata",
    ),
  /** Server settings passed as `-c name=value`, e.g. `shared_buffers: 256MB`. */
  settings: z
    .record(
      z.string().regex(PG_SETTING_NAME, { error: "PostgreSQL setting names are lower-case words joined by `_`, e.g. `shared_buffers`" }),
      z.union([z.string().regex(PG_SETTING_VALUE, { error: "give a value without spaces or quotes, e.g. `256MB`" }), z.number()]),
    )
    .default({})
    .describe(
      "Server settings passed as `-c name=value`, e.g. `shared_buffers: 256MB`; each checked against what that major version's server accepts.",
    ),
  public: z.boolean().default(false).describe("A public TCP proxy and `DATABASE_PUBLIC_URL`. Off unless asked."),
  pgbouncer: pgbouncerSchema
    .optional()
    .describe(
      "PgBouncer in front of the database, as its own service: services that connect get its pooled URL as `DATABASE_URL` and the database's own as `DATABASE_UNPOOLED_URL` (for migrations and session features).",
    ),
  takeOver: z.boolean().optional().describe("Manage a same-name Postgres service this stack did not create (in an adopted project)."),
  limits: limitsSchema.optional().describe("The most vCPUs and memory (GB) the Postgres service may use."),
  backups: backupsSchema.optional().describe("Backup schedules of the data volume. @default [daily, weekly] in production"),
  backupsWaiver: z
    .string()
    .min(10, { error: "say why in at least 10 characters: who restores this data, and from where" })
    .optional()
    .describe(
      "Why this production database goes without backups (with `backups: []`): production data needs backups unless a reason is written here; the synth report shows it.",
    ),
});

export const redisSchema = z
  .strictObject({
    provider: z
      .enum(REDIS_PROVIDERS)
      .default("railway")
      .describe("`railway` (a Redis service on the private network) or `upstash` (serverless, TLS)."),
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,31}$/)
      .default("Redis")
      .describe("The Railway service name (`${{Redis.REDIS_URL}}`), or the base of the Upstash database name."),
    use: z
      .enum(REDIS_USES, { error: "say what Redis is for: `cache`, `queue` or `both`" })
      .describe("What it holds: `cache`, `queue` (a broker: keys must never be evicted) or `both`."),
    version: z.enum(["7.2", "7.4", "8.0"]).default("7.4").describe("The Redis image version on Railway."),
    maxmemory: z
      .string()
      .regex(MEMORY, { error: "give a size such as `512mb`" })
      .optional()
      .describe("The memory limit, e.g. `512mb`. @default no limit"),
    evictionPolicy: z
      .enum(EVICTION_POLICIES)
      .optional()
      .describe("`maxmemory-policy`. @default `allkeys-lru` for a cache, `noeviction` for a queue"),
    persistence: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Snapshots on a volume at `/data`."),
        save: z
          .array(z.string().regex(/^\d+ \d+$/, { error: "give each rule as `<seconds> <changes>`, e.g. `900 1`" }))
          .default(["900 1", "300 10", "60 10000"])
          .describe('`save` rules, each "<seconds> <changes>".'),
        appendonly: z.boolean().default(false).describe("An append-only file as well (`appendonly yes`)."),
      })
      .default({ enabled: false, save: [], appendonly: false })
      .describe(
        "Keep the data on a volume across restarts. Without this key, none (a cache); `persistence: {}` turns it on with the defaults below.",
      ),
    /** More `redis.conf` directives, e.g. `timeout: 300`, `tcp-keepalive: 60`. */
    settings: z
      .record(
        z.string().regex(/^[a-z][a-z-]*$/, { error: "Redis directive names are lower-case words joined by `-`, e.g. `tcp-keepalive`" }),
        z.union([z.string().regex(/^[A-Za-z0-9_.:-]+$/, { error: "give a single value without spaces or quotes" }), z.number()]),
      )
      .default({})
      .describe("More `redis.conf` directives, e.g. `timeout: 300`, `tcp-keepalive: 60`; each checked against what the server accepts."),
    public: z.boolean().default(false).describe("A public TCP proxy and `REDIS_PUBLIC_URL` (Railway only)."),
    takeOver: z.boolean().optional().describe("Manage a same-name Redis service this stack did not create (in an adopted project)."),
    limits: limitsSchema.optional().describe("The most vCPUs and memory (GB) the Redis service may use (a Railway Redis only)."),
    backups: backupsSchema.optional().describe("Backup schedules of the persistence volume. @default [daily, weekly] in production"),
    backupsWaiver: z
      .string()
      .min(10, { error: "say why in at least 10 characters: who restores this data, and from where" })
      .optional()
      .describe(
        "Why this production database goes without backups (with `backups: []`): production data needs backups unless a reason is written here; the synth report shows it.",
      ),
    upstash: z
      .strictObject({
        primaryRegion: z.enum(UPSTASH_REGIONS).describe("Where the database lives; changing it replaces the database."),
        readRegions: z.array(z.enum(UPSTASH_REGIONS)).default([]).describe("Read replicas."),
        budget: wholeIn("the budget", 1).optional().describe("Monthly budget in USD; the database is throttled at it."),
        autoScale: z
          .boolean()
          .optional()
          .describe("Move to a higher Upstash plan automatically when the database hits its quotas. @default false"),
        prodPack: z
          .boolean()
          .optional()
          .describe("Upstash's Prod Pack (uptime SLA, multi-zone, monitoring), billed per database. @default false"),
      })
      .optional()
      .describe("Upstash placement and spending, with `provider: upstash`."),
  })
  .superRefine((redis, ctx) => {
    if (redis.provider === "upstash" && !redis.upstash)
      ctx.addIssue({ code: "custom", path: ["upstash"], message: "Upstash needs `upstash.primaryRegion`, e.g. `us-east-1`" });
    if (redis.provider === "railway" && redis.upstash)
      ctx.addIssue({ code: "custom", path: ["upstash"], message: "`upstash` applies only with `provider: upstash`" });
    if (
      redis.provider === "upstash" &&
      (redis.maxmemory || redis.persistence?.enabled || redis.public || Object.keys(redis.settings ?? {}).length)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["provider"],
        message: "Upstash manages memory, persistence and access itself: remove `maxmemory`, `persistence`, `settings` and `public`",
      });
    }
    if (redis.backups?.length && !redis.persistence?.enabled) {
      ctx.addIssue({
        code: "custom",
        path: ["backups"],
        message: "backups copy the persistence volume, and this Redis has none: set `persistence.enabled: true`, or remove `backups`",
      });
    }
    if (redis.provider === "upstash" && redis.limits) {
      ctx.addIssue({
        code: "custom",
        path: ["limits"],
        message: "`limits` sizes a Redis service on Railway; Upstash sizes itself by plan: remove `limits`",
      });
    }
    // Every directive against what the Redis server reports, and Trestle's own (maxmemory, save, …).
    for (const [name, value] of Object.entries(redis.settings ?? {})) {
      const problem = redisSettingProblem(name, value);
      if (problem) ctx.addIssue({ code: "custom", path: ["settings", name], message: problem });
    }
    // A Redis that holds jobs needs room for them; 1mb is Redis's own smallest useful budget.
    const floor = redis.use === "cache" ? 1024 ** 2 : 10 * 1024 ** 2;
    if (redis.maxmemory && redisBytes(redis.maxmemory) > 0 && redisBytes(redis.maxmemory) < floor) {
      ctx.addIssue({
        code: "custom",
        path: ["maxmemory"],
        message: `\`${redis.maxmemory}\` is too small to hold ${redis.use === "cache" ? "a cache" : "queued jobs"}; give at least ${redis.use === "cache" ? "1mb" : "10mb"} (or \`0\` for no limit)`,
      });
    }
    for (const [i, rule] of (redis.persistence?.save ?? []).entries()) {
      if (/^0 |^\d+ 0$/.test(rule))
        ctx.addIssue({
          code: "custom",
          path: ["persistence", "save", i],
          message: `\`${rule}\`: both the seconds and the number of changes must be at least 1`,
        });
    }
    const policy = redis.evictionPolicy;
    if (policy && policy !== "noeviction" && redis.use !== "cache") {
      ctx.addIssue({
        code: "custom",
        path: ["evictionPolicy"],
        message: `\`${policy}\` can evict queued jobs from a Redis used as \`${redis.use}\`; use \`noeviction\`, or a separate cache Redis`,
      });
    }
  }, ALWAYS);

/** Names `connects` gives the single databases; a database of `trestle:databases` takes any other. */
const RESERVED_DATABASE_NAMES = ["postgres", "redis"];

/** A named database: exactly one of `redis` or `postgres`, each with the settings of `trestle:redis` / `trestle:postgres`. */
const databaseSchema = z
  .strictObject({
    redis: redisSchema.optional().describe("A Redis, with every setting of `trestle:redis` but `name` (the database's key is its name)."),
    postgres: postgresSchema.optional().describe("A PostgreSQL database, with every setting of `trestle:postgres` but `name`."),
  })
  .superRefine((db, ctx) => {
    const given = (["redis", "postgres"] as const).filter((k) => db[k] !== undefined);
    if (given.length !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of `redis` or `postgres`" });
  }, ALWAYS);

/** The variable a connection to database `name` sets: `CACHE_URL` for `cache`. */
export function databaseVariable(name: string): string {
  return name === "postgres" ? "DATABASE_URL" : name === "redis" ? "REDIS_URL" : `${name.toUpperCase().replace(/-/g, "_")}_URL`;
}

/** The variable with a pooled Postgres's own URL, past PgBouncer: `DATABASE_UNPOOLED_URL`, `ANALYTICS_UNPOOLED_URL` (Railway's PgBouncer template's name). */
export function unpooledVariable(name: string): string {
  return databaseVariable(name).replace(/_URL$/, "_UNPOOLED_URL");
}

interface DatabaseEntry<T> {
  /** What `connects` calls it. */
  key: string;
  /** Where it is in the config. */
  path: PropertyKey[];
  /** Its Railway service name. */
  serviceName: string;
  config: T;
}

/** Every Redis or every Postgres of a (raw) stack: the single one (`trestle:redis` / `trestle:postgres`) and those of `trestle:databases`. */
export function databaseEntries<T = Record<string, any>>(stack: Record<string, any>, engine: "redis" | "postgres"): DatabaseEntry<T>[] {
  const single = stack[engine];
  const named = Object.entries((stack.databases ?? {}) as Record<string, any>).filter(([, db]) => db?.[engine]);
  return [
    ...(single
      ? [{ key: engine, path: [engine], serviceName: single.name ?? (engine === "redis" ? "Redis" : "Postgres"), config: single }]
      : []),
    ...named.map(([name, db]) => ({ key: name, path: ["databases", name, engine], serviceName: name, config: db[engine] })),
  ];
}

/** A frontend's secrets never go under a prefix frameworks build into the browser bundle. */
function refusePublicSecrets(ctx: z.RefinementCtx, where: PropertyKey[], secrets: Record<string, unknown> | undefined): void {
  for (const name of Object.keys(secrets ?? {})) {
    const prefix = publicPrefix(name);
    if (prefix) {
      ctx.addIssue({
        code: "custom",
        path: [...where, name],
        message: `\`${name}\` would be built into the browser bundle (\`${prefix}\`); a secret must not be public. Rename it without the public prefix, or move the call server-side`,
      });
    }
  }
}

/** Vercel framework presets whose builds route pages on the server (and have functions); the others build static files. */
const SERVER_ROUTED: string[] = ["nextjs", "remix", "astro", "sveltekit"];
const FRAMEWORK_NAMES: Record<string, string> = {
  nextjs: "Next.js",
  remix: "Remix",
  astro: "Astro",
  sveltekit: "SvelteKit",
  vite: "Vite",
  "create-react-app": "Create React App",
};

export const frontendObject = z.strictObject({
  platform: z.enum(["vercel", "railway"]).describe("`vercel`, or `railway` for a Next.js server run as a Railway service."),
  name: z
    .string()
    .regex(SERVICE_NAME, { error: "give a lower-case name such as `travel-web`" })
    .default("web")
    .describe("The Vercel project name, or the Railway service name."),
  // Vercel allows up to 300 s on Hobby and 800 on Pro and Enterprise (docs: functions/limitations).
  maxDurationSeconds: wholeIn("the maximum duration in seconds", 1, 800)
    .optional()
    .describe("Vercel: the longest a function may run, in seconds (the project's default function timeout). @default Vercel's (300)"),
  framework: z
    .enum(["nextjs", "vite", "remix", "astro", "sveltekit", "create-react-app"])
    .optional()
    .describe("Vercel framework preset; omit for a static site."),
  repo: z
    .string()
    .regex(REPO, { error: "give the repository as `owner/name`" })
    .optional()
    .describe("The GitHub repository `owner/name` Vercel builds (required on Vercel)."),
  branch: z.string().min(1).default("main").describe("The branch production deploys from."),
  rootDirectory: z.string().min(1).optional().describe("The directory of `repo` to build. @default the repository's root"),
  domains: z.array(hostname).default([]).describe("Custom domains; the first is the production domain."),
  api: z.string().optional().describe("The service whose public URL the frontend calls (default: the service with `cors`)."),
  apiUrlVariable: envName.default("NEXT_PUBLIC_API_URL").describe("The variable the frontend reads the API's URL from."),
  wsUrlVariable: envName.nullable().default("NEXT_PUBLIC_WS_URL").describe("`null` for a frontend without WebSockets."),
  variables: z.record(envName, z.string()).default({}).describe("Plain variables (`NEXT_PUBLIC_*` ones reach every browser)."),
  secrets: z
    .record(envName, secretKey)
    .default({})
    .describe("Variable name → stack secret key; stored as Vercel sensitive variables (server-side only)."),
  vercelDomain: z
    .string()
    .regex(/^[a-z0-9-]+\.vercel\.app$/, {
      error: "give the project's `*.vercel.app` host as Vercel shows it, e.g. `threadr-plum.vercel.app`",
    })
    .optional()
    .describe(
      "Vercel: the project's production `*.vercel.app` host as Vercel shows it (Vercel suffixes it when `<project>.vercel.app` is taken). CORS admits it. @default `<project>.vercel.app` without custom domains; none with them",
    ),
  spa: z
    .boolean()
    .optional()
    .describe("Vercel: a single-page app; every path without a file extension (a client-side route) is served `index.html`."),
  securityHeaders: z.boolean().default(true).describe("Security headers on every response (HSTS, nosniff, frame denial, referrer policy)."),
  service: z
    .strictObject(serviceFields)
    .partial({ source: true })
    .superRefine((service, ctx) => {
      serviceChecks(service, ctx);
      // Browsers load the frontend: it is a web server, never a job that runs and exits.
      if (service.cron !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["cron"],
          message: "the frontend serves browsers; a cron job has no public domain: run the job as a service of its own",
        });
    }, ALWAYS)
    .optional()
    .describe("With `platform: railway`: the service that runs the frontend."),
});

export const frontendSchema = frontendObject
  .superRefine((frontend, ctx) => {
    if (frontend.platform === "vercel" && !frontend.repo)
      ctx.addIssue({ code: "custom", path: ["repo"], message: "a Vercel frontend needs `repo` (`owner/name`) to build from" });
    if (frontend.platform === "railway" && frontend.vercelDomain !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["vercelDomain"],
        message: "`vercelDomain` names a Vercel project's host; a frontend on Railway has Railway's: remove it",
      });
    }
    if (frontend.platform === "railway" && frontend.spa !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["spa"],
        message: "`spa` sets a Vercel rewrite; a frontend on Railway serves its own routes: remove it",
      });
    }
    if (frontend.platform === "railway" && frontend.maxDurationSeconds !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["maxDurationSeconds"],
        message: "`maxDurationSeconds` limits Vercel functions; a frontend on Railway is a server with no per-request limit: remove it",
      });
    }
    if (frontend.platform === "vercel" && frontend.service)
      ctx.addIssue({ code: "custom", path: ["service"], message: "`service` applies only with `platform: railway`" });
    // Options that fit one kind of frontend, judged by its Vercel framework preset.
    const framework = frontend.framework;
    if (frontend.platform === "vercel" && frontend.spa && framework && SERVER_ROUTED.includes(framework)) {
      ctx.addIssue({
        code: "custom",
        path: ["spa"],
        message: `\`spa\` rewrites every path to \`/index.html\`, which a ${FRAMEWORK_NAMES[framework]} build does not serve (it routes its own pages): remove \`spa\`, or give \`framework\` the single-page app's (\`vite\`, \`create-react-app\`)`,
      });
    }
    if (frontend.platform === "vercel" && frontend.maxDurationSeconds !== undefined && !(framework && SERVER_ROUTED.includes(framework))) {
      ctx.addIssue({
        code: "custom",
        path: ["maxDurationSeconds"],
        message: `\`maxDurationSeconds\` limits Vercel functions, and ${framework ? `a ${FRAMEWORK_NAMES[framework]} build` : "a static site (no \`framework\`)"} has none: remove it, or give \`framework\` the server framework that has functions`,
      });
    }
    if (frontend.platform === "railway" && !frontend.service?.source) {
      ctx.addIssue({
        code: "custom",
        path: ["service", "source"],
        message: "a Railway frontend needs `service.source`: `repo`, `image` or `build`",
      });
    }
    if (frontend.platform === "railway" && !frontend.service?.port) {
      ctx.addIssue({
        code: "custom",
        path: ["service", "port"],
        message: "a Railway frontend needs `service.port`, the port its server listens on (3000 for Next.js)",
      });
    }
    // Secrets of the frontend, on Vercel or on Railway, never under a prefix frameworks build into the bundle.
    const secretGroups: [PropertyKey[], Record<string, unknown> | undefined][] = [
      [["secrets"], frontend.secrets],
      [["service", "secrets"], frontend.service?.secrets],
    ];
    for (const [where, group] of secretGroups) refusePublicSecrets(ctx, where, group);
  }, ALWAYS)
  // One strict object checked field by field keeps each mistake's own message
  // (`a Vercel frontend needs \`repo\``); what the program gets is the
  // discriminated union those checks guarantee.
  .transform((frontend) => frontend as FrontendConfig);

export const railwaySchema = z.strictObject({
  project: z
    .string()
    .min(1)
    .refine((name) => [...name].length <= 100, { error: "a project name has at most 100 characters" })
    .optional()
    .describe("Create (or, after an interrupted run, find) a Railway project with this name; give this or `projectId`."),
  projectId: z
    .string()
    .min(1)
    .optional()
    .describe("Adopt an existing project by id instead of `project`; Trestle never deletes an adopted project."),
  workspaceId: z.string().min(1).optional().describe("The Railway workspace a new project is created in. @default the token's"),
  environment: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "give a lower-case environment name such as `production` or `staging`" })
    .default("production")
    .describe("The Railway environment this stack owns."),
  forkOf: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: "name the environment to fork, such as `production`" })
    .optional()
    .describe(
      "In a shared project (`projectId`), create this environment as a fork of that one, so settings changed in either never reach the other.",
    ),
});

/** The variables a service defines: its own, those Trestle adds (`PORT`, CORS, connections), and Railway's. */
function definedVariables(
  service: Record<string, any> | undefined,
  extra: string[] = [],
  pooled: Set<string> = new Set(),
  buckets: Set<string> = new Set(),
): Set<string> {
  const own = [service?.variables, service?.secrets, service?.generated].flatMap((group) => Object.keys(group ?? {}));
  const added = [
    ...(service?.port ? ["PORT"] : []),
    ...(service?.cors ? [service.cors.variable ?? "ALLOWED_ORIGINS"] : []),
    ...texts(service?.connects)
      .filter((name) => !buckets.has(name))
      .map(databaseVariable),
    ...(texts(service?.connects).some((name) => buckets.has(name)) ? Object.keys(bucketVariables("b")) : []),
    ...texts(service?.connects)
      .filter((name) => pooled.has(name))
      .map(unpooledVariable),
    ...(service?.celery ? ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"] : []),
  ];
  return new Set([...own, ...added, ...extra, ...RAILWAY_PROVIDED]);
}

/**
 * Every `${{Service.NAME}}` and `${{NAME}}` in a service's variables must name a
 * service of the stack (or `shared`) and a variable it defines or Railway
 * provides (VAR-3, VAR-4); a Vercel variable cannot use them at all.
 */
function referenceProblems(stack: Record<string, any>): [PropertyKey[], string][] {
  const problems: [PropertyKey[], string][] = [];
  const services: Record<string, any> = stack.services && typeof stack.services === "object" ? stack.services : {};
  const defined = new Map<string, Set<string>>();
  const pooled = new Set(
    databaseEntries(stack, "postgres")
      .filter((db) => db.config.pgbouncer)
      .map((db) => db.key),
  );
  const buckets = new Set(Object.keys(stack.buckets && typeof stack.buckets === "object" ? stack.buckets : {}));
  for (const [name, service] of Object.entries(services)) defined.set(name, definedVariables(service, [], pooled, buckets));
  for (const bucket of buckets) defined.set(bucket, new Set(BUCKET_VARIABLES));
  const frontend = stack.frontend;
  if (frontend?.platform === "railway" && frontend.service) {
    const urls = [frontend.apiUrlVariable ?? "NEXT_PUBLIC_API_URL", frontend.wsUrlVariable ?? "NEXT_PUBLIC_WS_URL"].filter(Boolean);
    defined.set(
      frontend.name ?? "web",
      definedVariables({ ...frontend.service, port: frontend.service.port }, [
        ...urls,
        ...Object.keys(frontend.variables ?? {}),
        ...Object.keys(frontend.secrets ?? {}),
      ]),
    );
  }
  for (const db of databaseEntries(stack, "postgres"))
    defined.set(
      db.serviceName,
      definedVariables(undefined, [
        ...Object.keys(postgresVariables({ database: "d", user: "u", isPublic: Boolean(db.config.public) })),
        "POSTGRES_PASSWORD",
      ]),
    );
  for (const db of databaseEntries(stack, "postgres").filter((d) => d.config.pgbouncer))
    defined.set(
      `${db.serviceName}-pgbouncer`,
      definedVariables(undefined, Object.keys(pgbouncerVariables(db.serviceName, PGBOUNCER_DEFAULTS))),
    );
  for (const db of databaseEntries(stack, "redis")) {
    if ((db.config.provider ?? "railway") === "railway")
      defined.set(
        db.serviceName,
        definedVariables(undefined, [...Object.keys(redisVariables(Boolean(db.config.public))), "REDIS_PASSWORD"]),
      );
  }
  const explicitPort = (name: string) =>
    Boolean(services[name]?.port) || (name === (frontend?.name ?? "web") && Boolean(frontend?.service?.port));
  const list = (names: Iterable<string>) =>
    [...names]
      .sort()
      .map((n) => `\`${n}\``)
      .join(", ");
  const check = (self: string, path: PropertyKey[], value: unknown) => {
    if (typeof value !== "string") return;
    for (const ref of referencesIn(value)) {
      if (ref.owner === "shared") {
        // VAR-2: once the stack declares the environment's shared variables, a reference names one of them.
        const shared = stack.shared as { variables?: Record<string, unknown>; secrets?: Record<string, unknown> } | undefined;
        const names = shared ? [...Object.keys(shared.variables ?? {}), ...Object.keys(shared.secrets ?? {})] : undefined;
        if (names && !names.includes(ref.name)) {
          problems.push([
            path,
            `\`${ref.text}\` names a shared variable \`trestle:shared\` does not declare; it declares ${names.length ? list(names) : "none"}. Add \`${ref.name}\` under \`trestle:shared.variables\` (or \`.secrets\`)`,
          ]);
        }
        continue;
      }
      if (ref.owner && needsQuotes(ref.owner) && !ref.text.includes(`"${ref.owner}"`)) {
        problems.push([
          path,
          `\`${ref.text}\`: Railway reads a service name with a digit only when it is quoted (VAR-7); write \`\${{"${ref.owner}".${ref.name}}}\``,
        ]);
        continue;
      }
      const owner = ref.owner ?? self;
      const variables = defined.get(owner);
      if (!variables) {
        problems.push([
          path,
          `\`${ref.text}\` names service \`${owner}\`, which is not in this stack; the services are ${list(defined.keys())} (and \`shared\`)`,
        ]);
      } else if (!variables.has(ref.name)) {
        const own = [...variables].filter(
          (v) => !(RAILWAY_PROVIDED as readonly string[]).includes(v) || (v === "PORT" && explicitPort(owner)),
        );
        problems.push([
          path,
          `\`${ref.text}\`: \`${owner}\` has no variable \`${ref.name}\`; it has ${list(own)} and Railway's own (\`RAILWAY_PRIVATE_DOMAIN\`, \`PORT\`, …)`,
        ]);
      }
    }
  };
  for (const [name, service] of Object.entries(services)) {
    for (const [key, value] of Object.entries(service?.variables ?? {})) check(name, ["services", name, "variables", key], value);
  }
  // The API URL and its WebSocket twin are Trestle's to set (the API's custom domain when it has one): a value given here would win in silence.
  if (frontend) {
    const generated = [frontend.apiUrlVariable ?? "NEXT_PUBLIC_API_URL", frontend.wsUrlVariable ?? "NEXT_PUBLIC_WS_URL"].filter(Boolean);
    for (const key of Object.keys(frontend.variables ?? {}).filter((k) => generated.includes(k))) {
      problems.push([
        ["frontend", "variables", key],
        `\`${key}\` is set by Trestle to the API's URL (its first custom domain, else its Railway URL), and this value would replace it; remove it, or give the generated one another name with \`apiUrlVariable\` / \`wsUrlVariable\``,
      ]);
    }
  }
  if (frontend?.platform === "railway") {
    for (const [key, value] of Object.entries(frontend.variables ?? {}))
      check(frontend.name ?? "web", ["frontend", "variables", key], value);
    for (const [key, value] of Object.entries(frontend.service?.variables ?? {}))
      check(frontend.name ?? "web", ["frontend", "service", "variables", key], value);
  } else if (frontend) {
    for (const [key, value] of Object.entries(frontend.variables ?? {})) {
      if (typeof value === "string" && referencesIn(value).length)
        problems.push([
          ["frontend", "variables", key],
          "Railway references (`${{…}}`) are rendered only on Railway; a Vercel variable gets the text. Give the value itself",
        ]);
    }
  }
  return problems;
}

export const stackSchema = z
  .strictObject({
    railway: railwaySchema.describe("The Railway project and the environment this stack deploys to."),
    production: z
      .boolean()
      .optional()
      .describe("A production environment: protected data, https-only CORS. @default environment is `production`"),
    protect: z
      .boolean()
      .optional()
      .describe(
        "Protect the project, its environment, databases and volumes from `pulumi destroy` and from replacement. @default production",
      ),
    allowReplace: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "What this one update may replace, deleting what it holds: `project`, `environment`, or a database's name (`postgres`, `redis`, a key of `databases`). Without it, a change that would replace one of them is refused before anything changes. Remove it after the update. @default []",
      ),
    sharedWithProduction: z
      .array(secretKey)
      .default([])
      .describe(
        "Stack secrets this non-production stack deliberately holds with the same value as production (a third-party key with no production data behind it). Any other secret equal to one of the production stack file's beside it is refused. @default []",
      ),
    services: z
      .record(
        z.string().regex(SERVICE_NAME, { error: "service names are lower-case letters, digits and `-`, 2-32 characters" }),
        serviceSchema,
      )
      .describe(
        "The Railway services (an API, workers, cron jobs), by name: the name is the Railway service name and its private host `<name>.railway.internal`.",
      ),
    postgres: postgresSchema
      .optional()
      .describe("A PostgreSQL database on Railway (Railway's `postgres-ssl` image), reachable privately as `${{Postgres.DATABASE_URL}}`."),
    redis: redisSchema.optional().describe("A Redis: a Railway service on the private network, or an Upstash database over TLS."),
    databases: z
      .record(
        z.string().regex(SERVICE_NAME, { error: "database names are lower-case letters, digits and `-`, 2-32 characters" }),
        databaseSchema,
      )
      .default({})
      .describe(
        "Named databases beyond `trestle:postgres` and `trestle:redis`, e.g. a `cache` Redis that evicts and a `broker` Redis that never does. Each is a Railway service of that name; a service reaches one with `connects: [<name>]`, which sets `<NAME>_URL`.",
      ),
    buckets: z
      .record(
        z.string().regex(SERVICE_NAME, { error: "bucket names are lower-case letters, digits and `-`, 2-32 characters" }),
        z.strictObject({
          region: z
            .enum(BUCKET_REGIONS)
            .describe("`sjc` (US West), `iad` (US East), `ams` (EU West) or `sin` (Asia Pacific); fixed once created."),
          takeOver: z.boolean().optional().describe("Manage a same-name bucket this stack did not create (in an adopted project)."),
        }),
      )
      .default({})
      .describe(
        "Storage buckets (S3-compatible), by name. A service reaches one with `connects: [<name>]`, which sets `AWS_ENDPOINT_URL`, `AWS_DEFAULT_REGION`, `AWS_S3_BUCKET_NAME`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` as references to the bucket's own. Protected in production: deleting a bucket deletes its objects.",
      ),
    shared: z
      .strictObject({
        variables: z.record(envName, z.string()).default({}).describe("Plain shared variables, e.g. `LOG_LEVEL: info`."),
        secrets: z
          .record(envName, secretKey)
          .default({})
          .describe("Shared variable name → stack secret key, e.g. `SENTRY_AUTH_TOKEN: sentryAuthToken`."),
      })
      .optional()
      .describe(
        "The environment's shared variables, which every service reads as `${{shared.NAME}}` (VAR-2). Trestle writes them before the services deploy, redeploys a service that reads one when it changes, and refuses a `${{shared.NAME}}` it does not declare.",
      ),
    frontend: frontendSchema.optional().describe("The app browsers load: a Vercel project built from Git, or a server on Railway."),
    preview: z
      .strictObject({
        pullRequest: wholeIn("the pull request number", 1).describe("The pull request this stack previews."),
        branch: z.string().min(1).describe("The pull request's branch, as Git names it."),
        baseStack: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/)
          .default("staging")
          .describe("The stack whose Vercel project builds the branch's previews (its frontend keeps its name there)."),
        scope: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, { error: "give the Vercel team's slug (or your user name), as in its URLs" })
          .optional()
          .describe(
            "The Vercel scope in the branch's preview URL (`<project>-git-<branch>-<scope>.vercel.app`): the team's slug, or the personal account's user name.",
          ),
        origin: z
          .string()
          .regex(/^https:\/\/[a-z0-9.-]+$/, { error: "give an https origin such as `https://web-git-feature-acme.vercel.app` (no path)" })
          .optional()
          .describe("The branch's preview origin, when Vercel shortens its branch URL (longer than 63 characters). @default from `scope`"),
      })
      .optional()
      .describe(
        "Makes this stack a pull request's preview: its own Railway project, Postgres and Redis (never production's), the base stack's Vercel previews of the branch pointed at its API, and CORS for exactly that preview. `trestle preview-env` writes such a stack file.",
      ),
    vercel: z
      .strictObject({
        team: z
          .string()
          .min(1)
          .optional()
          .describe("The Vercel team (id or slug) that owns the project. @default the token's personal account"),
      })
      .default({})
      .describe("Vercel settings shared by the frontend."),
  })
  .superRefine((stack, ctx) => {
    const railway = stack.railway ?? {};
    const services = stack.services && typeof stack.services === "object" ? stack.services : {};
    if (stack.railway && !railway.project === !railway.projectId) {
      ctx.addIssue({
        code: "custom",
        path: ["railway"],
        message: "give `project` (a name, to create one) or `projectId` (to adopt one), not both or neither",
      });
    }
    if (railway.forkOf && !railway.projectId) {
      ctx.addIssue({
        code: "custom",
        path: ["railway", "forkOf"],
        message: "`forkOf` applies to a shared project (`projectId`); a project of its own has one environment",
      });
    }
    if (railway.forkOf && railway.forkOf === railway.environment) {
      ctx.addIssue({
        code: "custom",
        path: ["railway", "forkOf"],
        message: "an environment cannot be a fork of itself; name the other stack's environment",
      });
    }
    if (stack.services && Object.keys(services).length === 0)
      ctx.addIssue({ code: "custom", path: ["services"], message: "declare at least one service" });
    const replaceable = [
      "project",
      "environment",
      ...(stack.postgres ? ["postgres"] : []),
      ...(stack.redis ? ["redis"] : []),
      ...Object.keys(stack.databases ?? {}),
      ...Object.keys(stack.buckets ?? {}),
    ];
    texts(stack.allowReplace).forEach((entry, i) => {
      if (!replaceable.includes(entry)) {
        ctx.addIssue({
          code: "custom",
          path: ["allowReplace", i],
          message: `\`${entry}\` is nothing this stack can replace; give ${replaceable.map((k) => `\`${k}\``).join(", ")}`,
        });
      }
    });
    for (const [name, service] of Object.entries(services)) {
      for (const target of texts(service?.connects)) {
        if ((target === "postgres" || target === "redis") && !stack[target]) {
          ctx.addIssue({
            code: "custom",
            path: ["services", name, "connects"],
            message: `\`${target}\` is not declared in this stack: add \`${NAMESPACE}:${target}\` or remove it from \`connects\``,
          });
        } else if (target !== "postgres" && target !== "redis" && !stack.databases?.[target] && !stack.buckets?.[target]) {
          const known = Object.keys(stack.databases ?? {});
          ctx.addIssue({
            code: "custom",
            path: ["services", name, "connects"],
            message: `\`${target}\` is not a database or bucket of this stack: declare it in \`${NAMESPACE}:databases\` or \`${NAMESPACE}:buckets\`${known.length ? ` (there: ${known.map((k) => `\`${k}\``).join(", ")})` : ""}, or connect \`postgres\` or \`redis\``,
          });
        }
      }
      const buckets = texts(service?.connects).filter((target) => stack.buckets?.[target]);
      if (buckets.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: ["services", name, "connects"],
          message: `connects to ${buckets.length} buckets, and each would set the same \`AWS_*\` variables: connect one, and reference the others' variables yourself (\`\${{${buckets[1]}.ENDPOINT}}\`, …)`,
        });
      }
      const celeryRedis = service?.celery
        ? databaseEntries(stack, "redis").find((db) => db.key === (service.celery?.redis ?? "redis"))
        : undefined;
      if (service?.celery && service.celery.redis && service.celery.redis !== "redis" && !stack.databases?.[service.celery.redis]?.redis) {
        ctx.addIssue({
          code: "custom",
          path: ["services", name, "celery", "redis"],
          message: `\`${service.celery.redis}\` is not a Redis of \`${NAMESPACE}:databases\``,
        });
      }
      if (service?.celery && celeryRedis?.config.provider === "upstash") {
        ctx.addIssue({
          code: "custom",
          path: ["services", name, "celery"],
          message:
            "Upstash Redis has a single database, so Celery cannot use separate ones: use Railway Redis, or drop `celery` and set the URLs yourself",
        });
      }
    }
    // Every Postgres setting against what that major version's server reports, and Trestle's own rules.
    const production = stack.production ?? railway.environment === "production";
    for (const db of databaseEntries(stack, "postgres")) {
      for (const [name, value] of Object.entries(db.config.settings ?? {})) {
        const problem = postgresSettingProblem(db.config.version ?? 16, name, value as string | number, production);
        if (problem) ctx.addIssue({ code: "custom", path: [...db.path, "settings", name], message: problem });
      }
    }
    // A Redis some service uses as a queue is a queue, whatever its `use` label says.
    for (const db of databaseEntries(stack, "redis")) {
      if (db.config.use !== "cache") continue;
      for (const [name, service] of Object.entries(services)) {
        const connected = texts(service?.connects).includes(db.key);
        const names = (v: unknown) => typeof v === "string" && referencesIn(v).some((r) => r.owner === db.serviceName);
        // A queue-named variable or a worker's start command names no Redis itself: it points at this one when the
        // variable's value does, or when this is the only Redis the service connects to and `celery` names no other.
        const redisKeys = databaseEntries(stack, "redis")
          .map((d) => d.key)
          .filter((k) => texts(service?.connects).includes(k));
        const celeryElsewhere = service?.celery && (service.celery.redis ?? "redis") !== db.key;
        const only = connected && redisKeys.length === 1 && !celeryElsewhere;
        const queueVariable = Object.entries(service?.variables ?? {}).find(([k, v]) => QUEUE_VARIABLE.test(k) && (names(v) || only));
        const start = [service?.start]
          .flat()
          .filter((w): w is string => typeof w === "string")
          .join(" ");
        const queueWorker = only ? QUEUE_WORKER.exec(start)?.[0] : undefined;
        const celeryHere = service?.celery && (service.celery.redis ?? "redis") === db.key;
        const why = celeryHere
          ? "a Celery broker (`celery`)"
          : queueVariable
            ? `a queue (\`${queueVariable[0]}\`)`
            : queueWorker
              ? `a queue (its start command runs \`${queueWorker}\`)`
              : undefined;
        if (why) {
          ctx.addIssue({
            code: "custom",
            path: [...db.path, "use"],
            message: `\`cache\`, but \`services.${name}\` uses it as ${why}: a cache may evict queued jobs; say \`queue\` or \`both\`, or give the queue a Redis of its own`,
          });
        }
      }
    }
    // Celery's databases must exist on the Redis it uses.
    for (const [name, service] of Object.entries(services)) {
      const celery = service?.celery;
      const db = celery ? databaseEntries(stack, "redis").find((entry) => entry.key === (celery.redis ?? "redis")) : undefined;
      if (!celery || !db) continue;
      const databases = Number(db.config.settings?.databases ?? 16);
      const highest = Math.max(celery.broker ?? 0, celery.results ?? 0);
      if (highest >= databases) {
        ctx.addIssue({
          code: "custom",
          path: [...db.path, "settings", "databases"],
          message: `${databases} databases leave no database ${highest}, which \`services.${name}.celery\` uses; give at least ${highest + 1}`,
        });
      }
    }
    for (const [path, message] of referenceProblems(stack)) ctx.addIssue({ code: "custom", path, message });
    const corsServices = Object.entries(services)
      .filter(([, s]) => s?.cors)
      .map(([n]) => n);
    if (corsServices.length > 1)
      ctx.addIssue({
        code: "custom",
        path: ["services"],
        message: `only one service is the CORS-protected API; \`cors\` is set on ${corsServices.join(", ")}`,
      });
    const frontendServices = Object.entries(services)
      .filter(([, s]) => s?.frontend)
      .map(([n]) => n);
    if (frontendServices.length > 1)
      ctx.addIssue({
        code: "custom",
        path: ["services"],
        message: `only one service is the frontend; \`frontend\` is set on ${frontendServices.join(", ")}`,
      });
    for (const name of frontendServices) {
      const service = services[name]!;
      if (stack.frontend) {
        ctx.addIssue({
          code: "custom",
          path: ["services", name, "frontend"],
          message: "the stack already has `trestle:frontend`; keep one frontend: remove this flag, or the `frontend` block",
        });
      }
      if (!service.public && !service.domains?.length) {
        ctx.addIssue({
          code: "custom",
          path: ["services", name, "public"],
          message: "browsers load the frontend: set `public: true` or give it `domains`",
        });
      }
      refusePublicSecrets(ctx, ["services", name, "secrets"], service.secrets);
    }
    if (stack.frontend) {
      const api = stack.frontend.api ?? corsServices[0];
      if (!api) {
        ctx.addIssue({
          code: "custom",
          path: ["frontend", "api"],
          message: "name the service the frontend calls (`api`), or mark one service with `cors`",
        });
      } else if (!services[api]) {
        ctx.addIssue({ code: "custom", path: ["frontend", "api"], message: `\`${api}\` is not a service in \`services\`` });
      } else if (!services[api].public && !services[api].domains?.length) {
        ctx.addIssue({
          code: "custom",
          path: ["services", api, "public"],
          message: "the frontend calls this service from the browser: set `public: true` or give it `domains`",
        });
      }
    }
    if (stack.preview) {
      // A preview never touches production: its own project and environment, no production flag, no custom domain.
      if (stack.production)
        ctx.addIssue({
          code: "custom",
          path: ["production"],
          message: "a pull request's preview is never production: remove `production`",
        });
      if (railway.environment === "production")
        ctx.addIssue({
          code: "custom",
          path: ["railway", "environment"],
          message: "a preview's environment is its own (`pr-<number>`), never `production`",
        });
      if (railway.projectId)
        ctx.addIssue({
          code: "custom",
          path: ["railway", "projectId"],
          message: "a preview creates a Railway project of its own (`project`); adopting one by id could be production's",
        });
      for (const [name, service] of Object.entries(services)) {
        if (service?.domains?.length)
          ctx.addIssue({
            code: "custom",
            path: ["services", name, "domains"],
            message: "custom domains belong to production and staging; a preview uses Railway's own domain: remove `domains`",
          });
      }
      if (stack.frontend?.domains?.length)
        ctx.addIssue({
          code: "custom",
          path: ["frontend", "domains"],
          message: "custom domains belong to production and staging; a preview uses the branch's preview URL: remove `domains`",
        });
      if (stack.frontend?.platform === "vercel" && !stack.preview.scope && !stack.preview.origin) {
        ctx.addIssue({
          code: "custom",
          path: ["preview", "scope"],
          message: "give the Vercel scope (the team's slug) so the branch's preview origin is known, or `origin`",
        });
      }
    }
    for (const name of Object.keys(stack.databases ?? {})) {
      if (RESERVED_DATABASE_NAMES.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["databases", name],
          message: `\`${name}\` is what \`connects\` calls \`${NAMESPACE}:${name}\`; give this database another name`,
        });
      }
    }
    for (const [path, message] of serviceNameCollisions(stack)) ctx.addIssue({ code: "custom", path, message });
    for (const db of [...databaseEntries(stack, "postgres"), ...databaseEntries(stack, "redis")]) {
      if (typeof db.config?.backupsWaiver === "string" && Array.isArray(db.config.backups) && db.config.backups.length) {
        ctx.addIssue({
          code: "custom",
          path: [...db.path, "backupsWaiver"],
          message: "a waiver is for a database without backups; this one has `backups`: remove `backupsWaiver`",
        });
      }
    }
  }, ALWAYS);

/**
 * Every Railway service the stack declares, wherever it is declared, by the
 * name Railway gives it: two of one name would be one Railway service managed
 * twice, and names equal but for case share one private host
 * (`<name>.railway.internal`, SVC-8).
 */
function serviceNameCollisions(stack: Record<string, any>): [PropertyKey[], string][] {
  const declared: { name: string; path: PropertyKey[]; what: string }[] = [];
  const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  for (const name of Object.keys(stack.services && typeof stack.services === "object" ? stack.services : {}))
    declared.push({ name, path: ["services", name], what: `the service \`${name}\`` });
  for (const engine of ["postgres", "redis"] as const) {
    for (const db of databaseEntries(stack, engine)) {
      if (engine === "redis" && db.config?.provider === "upstash") continue; // not a Railway service
      const name = text(db.serviceName);
      if (name)
        declared.push({
          name,
          path: db.key === engine ? [engine, "name"] : ["databases", db.key],
          what: db.key === engine ? `\`${NAMESPACE}:${engine}\`` : `the database \`${db.key}\``,
        });
    }
  }
  if (stack.frontend?.platform === "railway")
    declared.push({ name: text(stack.frontend.name) ?? "web", path: ["frontend", "name"], what: "the Railway frontend" });
  // A bucket is referenced by its name as a service is (`${{uploads.ENDPOINT}}`, BKT-3): the two must differ.
  for (const name of Object.keys(stack.buckets && typeof stack.buckets === "object" ? stack.buckets : {}))
    declared.push({ name, path: ["buckets", name], what: `the bucket \`${name}\`` });
  const problems: [PropertyKey[], string][] = [];
  declared.forEach((d, i) => {
    const first = declared.findIndex((o) => o.name.toLowerCase() === d.name.toLowerCase());
    if (first < i) {
      const other = declared[first];
      const same =
        other.name === d.name
          ? `\`${d.name}\``
          : `\`${d.name}\` (and ${other.what} is \`${other.name}\`: one private host, \`${d.name.toLowerCase()}.railway.internal\`)`;
      problems.push([
        d.path,
        `${d.what} would be the Railway service ${same}, which ${other.what} already is; Railway service names are unique: give one of them another name`,
      ]);
    }
  });
  return problems;
}

export type StackConfigInput = z.input<typeof stackSchema>;
type Parsed = z.output<typeof stackSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type PostgresConfig = z.output<typeof postgresSchema>;
export type RedisConfig = z.output<typeof redisSchema>;
type FrontendFields = z.output<typeof frontendObject>;
/** Settings both kinds of frontend have. */
type FrontendCommon = Omit<
  FrontendFields,
  | "platform"
  | "service"
  | "repo"
  | "branch"
  | "rootDirectory"
  | "framework"
  | "maxDurationSeconds"
  | "securityHeaders"
  | "spa"
  | "vercelDomain"
>;
/** A Vercel project built from Git. */
export interface VercelFrontendConfig extends FrontendCommon {
  platform: "vercel";
  repo: string;
  branch: string;
  rootDirectory?: string;
  framework?: FrontendFields["framework"];
  maxDurationSeconds?: number;
  spa?: boolean;
  vercelDomain?: string;
  securityHeaders: boolean;
}
/** A server (Next.js) run as a Railway service. */
export interface RailwayFrontendConfig extends FrontendCommon {
  platform: "railway";
  service: ServiceConfig;
}
/** The frontend: which fields exist depends on `platform`. */
export type FrontendConfig = VercelFrontendConfig | RailwayFrontendConfig;
export type SourceConfig = z.output<typeof sourceSchema>;

/** The validated stack, with defaults resolved. */
export interface StackConfig extends Parsed {
  production: boolean;
  protect: boolean;
  /** The service the frontend calls, if there is a frontend. */
  apiService?: string;
  /** Every stack secret key the program reads (all verified to be stored encrypted). */
  secretKeys: string[];
}
