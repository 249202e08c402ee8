// The emulator starts deployments the way Railway does (RUN-1..RUN-7, IMG-1..IMG-7):
// each case is one of the fidelity audit's breaks, before and after the fix.
import { describe, expect, it } from "vitest";
import {
  PGBOUNCER_DEFAULTS,
  PGBOUNCER_IMAGE,
  pgbouncerVariables,
  postgresStartCommand,
  postgresVariables,
} from "../../components/src/postgres-db";
import { redisStartCommand, redisVariables } from "../../components/src/redis-cache";
import { railwayCommand } from "../../components/src/start-command";
import { execWords, imageSpec, resolveArgv, start, tokenize } from "../src/testing/containers";
import { deploymentProvider } from "../src/deployment";
import { serviceProvider } from "../src/service";
import { variablesProvider } from "../src/variables";
import { volumeProvider } from "../src/volume";
import { create } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("containers");

const vars = async (serviceId: string, variables: Record<string, string>, secretVariables: Record<string, string> = {}) =>
  create(variablesProvider, { projectId: ctx.projectId, environmentId: ctx.environmentId, serviceId, variables, secretVariables });
const deployOf = (serviceId: string, image: string) =>
  create(deploymentProvider, {
    projectId: ctx.projectId,
    environmentId: ctx.environmentId,
    serviceId,
    source: { image },
    timeoutSeconds: 5,
  });
const service = (name: string, image: string, startCommand?: string, extra: Record<string, unknown> = {}) =>
  create(serviceProvider, { projectId: ctx.projectId, environmentId: ctx.environmentId, name, image, startCommand, ...extra });

describe("how Railway splits and starts a command", () => {
  it("splits exec form on spaces, groups quotes, and expands nothing (RUN-4)", () => {
    expect(execWords('/bin/sh -c "exec uvicorn app:app --port $PORT"')).toEqual(["/bin/sh", "-c", "exec uvicorn app:app --port $PORT"]);
    expect(execWords("uvicorn app:app --port $PORT")).toEqual(["uvicorn", "app:app", "--port", "$PORT"]);
    expect(execWords(`redis-server --save '' --x "a\\"b"`)).toEqual(["redis-server", "--save", "", "--x", 'a"b']);
  });

  it("expands variables and separates lists in a shell (RUN-2)", () => {
    expect(tokenize("a $X ${Y}z 'lit $X' && b", { X: "1", Y: "2" })).toEqual([
      { text: "a" },
      { text: "1" },
      { text: "2z" },
      { text: "lit $X" },
      { op: "&&" },
      { text: "b" },
    ]);
  });

  it("replaces an image's ENTRYPOINT and CMD with a start command, and keeps them without one (RUN-1, RUN-3, RUN-6)", () => {
    const redis = imageSpec("redis:7.4")!;
    expect(resolveArgv("image", undefined, redis)).toEqual({ argv: ["docker-entrypoint.sh", "redis-server"], form: "image" });
    expect(resolveArgv("image", "redis-server --port 1", redis)).toEqual({ argv: ["redis-server", "--port", "1"], form: "exec" });
    expect(resolveArgv("railpack", "npm start", undefined)).toEqual({ argv: ["/bin/sh", "-c", "npm start"], form: "shell" });
  });

  it("knows the template images' entrypoints from their Dockerfiles", () => {
    expect(imageSpec("ghcr.io/railwayapp-templates/postgres-ssl:16")).toMatchObject({
      entrypoint: ["wrapper.sh"],
      cmd: ["postgres", "--port=5432"],
      entry: "IMG-1",
    });
    expect(imageSpec("postgres:16")).toMatchObject({ entrypoint: ["docker-entrypoint.sh"], cmd: ["postgres"] });
    expect(imageSpec("ghcr.io/acme/api:1")).toBeUndefined();
  });
});

describe("the audit's breaks, in the container model", () => {
  const pgImage = imageSpec("ghcr.io/railwayapp-templates/postgres-ssl:16");
  const pgEnv = {
    POSTGRES_PASSWORD: "pw",
    POSTGRES_USER: "postgres",
    POSTGRES_DB: "railway",
    PGDATA: "/var/lib/postgresql/data/pgdata",
    RAILWAY_ENVIRONMENT: "production",
    RAILWAY_VOLUME_MOUNT_PATH: "/var/lib/postgresql/data",
  };

  it("#1: `postgres -c …` bypasses the entrypoint and is refused as root; through wrapper.sh it starts as postgres", () => {
    const before = start(execWords("postgres --port=5432 -c max_connections=100"), pgEnv, pgImage);
    expect(before).toMatchObject({
      ok: false,
      logs: ['"root" execution of the PostgreSQL server is not permitted.', expect.any(String), expect.any(String), expect.any(String)],
    });
    const after = start(execWords(postgresStartCommand({ max_connections: 100 })!), pgEnv, pgImage);
    expect(after).toMatchObject({
      ok: true,
      process: { program: "postgres", user: "postgres", port: 5432, postgres: { settings: { max_connections: "100" } } },
    });
  });

  it("#1: the template's wrapper refuses a volume at the wrong path", () => {
    const wrong = start(
      execWords(postgresStartCommand({ max_connections: 100 })!),
      { ...pgEnv, RAILWAY_VOLUME_MOUNT_PATH: "/data" },
      pgImage,
    );
    expect(wrong).toMatchObject({
      ok: false,
      logs: ["Railway volume not mounted to the correct path, expected /var/lib/postgresql/data but got /data", expect.any(String)],
    });
  });

  it("#3: a literal `$PORT` reaches uvicorn in exec form; wrapped, the shell expands it", () => {
    const before = start(execWords("uvicorn app.main:app --host 0.0.0.0 --port $PORT"), { PORT: "8000" }, undefined);
    expect(before.ok).toBe(false);
    expect(before.logs.at(-1)).toBe("Error: Invalid value for '--port': '$PORT' is not a valid integer.");
    const after = start(execWords(railwayCommand("uvicorn app.main:app --host 0.0.0.0 --port $PORT")), { PORT: "8000" }, undefined);
    expect(after).toMatchObject({ ok: true, process: { program: "uvicorn", port: 8000 } });
  });

  it("#2: the literal `$REDIS_PASSWORD` becomes the password in exec form; the template's shell form expands it, as the redis user", () => {
    const redis = imageSpec("redis:7.4");
    const before = start(execWords('redis-server --requirepass "$REDIS_PASSWORD" --port 6379'), { REDIS_PASSWORD: "s3cret" }, redis);
    expect(before).toMatchObject({ ok: true, process: { redisPassword: "$REDIS_PASSWORD", user: "root" } });
    const command = redisStartCommand({ evictionPolicy: "noeviction", persistence: { enabled: true }, settings: {} });
    const after = start(execWords(command), { REDIS_PASSWORD: "s3cret", RAILWAY_VOLUME_MOUNT_PATH: "/data" }, redis);
    expect(after).toMatchObject({ ok: true, process: { redisPassword: "s3cret", user: "redis", port: 6379 } });
  });
});

describe("emulated deploys end as the container would", () => {
  it("crashes an API whose `$PORT` is not expanded, with uvicorn's own line", async () => {
    const api = await service("port-api", "ghcr.io/acme/api:1", "uvicorn app.main:app --host 0.0.0.0 --port $PORT");
    await vars(api.id, { PORT: "8000" });
    await expect(deployOf(api.id, "ghcr.io/acme/api:1")).rejects.toThrow(
      /ended CRASHED\.\nLast log lines:[\s\S]*Error: Invalid value for '--port': '\$PORT' is not a valid integer\./,
    );
  });

  it("starts Postgres and Redis with Trestle's commands, and an API whose URLs they accept", async () => {
    const pg = await service("Postgres", "ghcr.io/railwayapp-templates/postgres-ssl:16", postgresStartCommand({ shared_buffers: "256MB" }));
    await create(volumeProvider, {
      projectId: ctx.projectId,
      environmentId: ctx.environmentId,
      serviceId: pg.id,
      mountPath: "/var/lib/postgresql/data",
      name: "pg-data",
    });
    await vars(pg.id, postgresVariables({ database: "railway", user: "postgres", isPublic: false }), { POSTGRES_PASSWORD: "pgpass123" });
    const redis = await service(
      "Redis",
      "redis:7.4",
      redisStartCommand({ evictionPolicy: "noeviction", persistence: { enabled: false }, settings: {} }),
    );
    await vars(redis.id, redisVariables(false), { REDIS_PASSWORD: "redispass123" });
    const api = await service("ok-api", "ghcr.io/acme/api:1", railwayCommand("uvicorn app.main:app --port $PORT"), {
      healthcheckPath: "/health",
    });
    await vars(api.id, { PORT: "8000", DATABASE_URL: "${{Postgres.DATABASE_URL}}", REDIS_URL: "${{Redis.REDIS_URL}}" });
    const results = await Promise.all([
      deployOf(pg.id, "ghcr.io/railwayapp-templates/postgres-ssl:16"),
      deployOf(redis.id, "redis:7.4"),
      deployOf(api.id, "ghcr.io/acme/api:1"),
    ]);
    expect(results.map((r) => r.outs.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    const deployed = ctx.emulator.deploymentsOf(api.id).at(-1)!;
    expect(deployed.env.DATABASE_URL).toBe("postgresql://postgres:pgpass123@postgres.railway.internal:5432/railway");
  });

  it("crashes a client whose REDIS_URL password the server does not have (the audit's #2 as the app sees it)", async () => {
    const redis = await service("Cache", "redis:7.4", 'redis-server --requirepass "$REDIS_PASSWORD" --port 6379');
    await vars(redis.id, redisVariables(false), { REDIS_PASSWORD: "right-password" });
    const worker = await service("worker-auth", "ghcr.io/acme/api:1", "celery -A app worker");
    await vars(worker.id, { CELERY_BROKER_URL: "${{Cache.REDIS_URL}}/0" });
    const [redisDeploy, workerDeploy] = await Promise.allSettled([
      deployOf(redis.id, "redis:7.4"),
      deployOf(worker.id, "ghcr.io/acme/api:1"),
    ]);
    expect(redisDeploy.status).toBe("fulfilled");
    expect(workerDeploy.status).toBe("rejected");
    const message = String((workerDeploy as PromiseRejectedResult).reason.message);
    expect(message).toContain(
      "CELERY_BROKER_URL (redis://default:***@cache.railway.internal:6379/0): WRONGPASS invalid username-password pair or user is disabled.",
    );
    expect(message).not.toContain("right-password");
  });

  it("crashes a client that deploys before its database has the variable it references (VAR-3: it renders empty)", async () => {
    await service("Later", "redis:7.4");
    const early = await service("early-worker", "ghcr.io/acme/api:1", "celery -A app worker");
    await vars(early.id, { CELERY_BROKER_URL: "${{Later.REDIS_URL}}/0", GREETING: "${{Later.NOT_THERE}}" });
    await expect(deployOf(early.id, "ghcr.io/acme/api:1")).rejects.toThrow(
      /ended CRASHED[\s\S]*CELERY_BROKER_URL is empty: its \$\{\{Later\.REDIS_URL\}\} rendered nothing/,
    );
  });

  it("fails a deploy whose process listens away from PORT, where Railway checks its health (RUN-7)", async () => {
    const api = await service("elsewhere", "ghcr.io/acme/api:1", "uvicorn app.main:app --port 9000", { healthcheckPath: "/health" });
    await vars(api.id, { PORT: "8000" });
    await expect(deployOf(api.id, "ghcr.io/acme/api:1")).rejects.toThrow(
      /ended FAILED[\s\S]*Healthcheck failed: \/health on port 8000 \(the process listens on 9000\)/,
    );
  });

  it("refuses to deploy a source written by serviceInstanceUpdate but never connected (SVC-4, DEP-4)", async () => {
    const svc = await service("unconnected", "ghcr.io/acme/api:1");
    await ctx.emulator["root"]().serviceInstanceUpdate({
      serviceId: svc.id,
      environmentId: ctx.environmentId,
      input: { source: { repo: "acme/api" } },
    });
    expect(() => ctx.emulator["root"]().serviceInstanceDeployV2({ serviceId: svc.id, environmentId: ctx.environmentId })).toThrow(
      /no connected source/,
    );
  });
});

describe("PgBouncer in front of Postgres (IMG-9)", () => {
  const pgbouncer = imageSpec(PGBOUNCER_IMAGE)!;
  const upstream = "postgresql://postgres:pgpass123@postgres.railway.internal:5432/railway";

  it("starts from its entrypoint, listening where LISTEN_PORT says, and needs a database URL", () => {
    const argv = resolveArgv("image", undefined, pgbouncer)!.argv;
    expect(argv).toEqual(["/entrypoint.sh", "/usr/bin/pgbouncer", "/etc/pgbouncer/pgbouncer.ini"]);
    const started = start(argv, { DATABASE_URLS: upstream, LISTEN_PORT: "6432" }, pgbouncer);
    expect(started.ok && started.process).toMatchObject({
      program: "pgbouncer",
      port: 6432,
      postgres: { user: "postgres", database: "railway" },
    });
    const bare = start(argv, {}, pgbouncer);
    expect(bare.ok).toBe(false);
    expect(bare.logs.at(-1)).toContain("You must set DB_HOST env");
  });

  it("is deployed by Trestle's variables, after Postgres, and an API's pooled URL reaches Postgres through it", async () => {
    const pg = await service("Pooledpg", "ghcr.io/railwayapp-templates/postgres-ssl:16");
    await create(volumeProvider, {
      projectId: ctx.projectId,
      environmentId: ctx.environmentId,
      serviceId: pg.id,
      mountPath: "/var/lib/postgresql/data",
      name: "pooled-data",
    });
    await vars(pg.id, postgresVariables({ database: "railway", user: "postgres", isPublic: false }), { POSTGRES_PASSWORD: "pgpass123" });
    const pooler = await service("Pooledpg-pgbouncer", PGBOUNCER_IMAGE);
    await vars(pooler.id, pgbouncerVariables("Pooledpg", PGBOUNCER_DEFAULTS));
    const api = await service("pooled-api", "ghcr.io/acme/api:1", railwayCommand("uvicorn app.main:app --port $PORT"));
    await vars(api.id, {
      PORT: "8000",
      DATABASE_URL: "${{Pooledpg-pgbouncer.DATABASE_URL}}",
      DATABASE_UNPOOLED_URL: "${{Pooledpg.DATABASE_URL}}",
    });
    expect((await deployOf(pg.id, "ghcr.io/railwayapp-templates/postgres-ssl:16")).outs.status).toBe("SUCCESS");
    expect((await deployOf(pooler.id, PGBOUNCER_IMAGE)).outs.status).toBe("SUCCESS");
    expect((await deployOf(api.id, "ghcr.io/acme/api:1")).outs.status).toBe("SUCCESS");
    const env = ctx.emulator.deploymentsOf(api.id).at(-1)!.env;
    expect(env.DATABASE_URL).toBe("postgresql://postgres:pgpass123@pooledpg-pgbouncer.railway.internal:6432/railway");
    expect(env.DATABASE_UNPOOLED_URL).toBe("postgresql://postgres:pgpass123@pooledpg.railway.internal:5432/railway");
  });

  it("refuses a client that reaches it on the database's port, as a PgBouncer left on its default would", async () => {
    const pooler = await service("Portpg-pgbouncer", PGBOUNCER_IMAGE);
    const { LISTEN_PORT: _port, ...variables } = pgbouncerVariables("Pooledpg", PGBOUNCER_DEFAULTS);
    await vars(pooler.id, variables);
    await deployOf(pooler.id, PGBOUNCER_IMAGE);
    const api = await service("port-pooled-api", "ghcr.io/acme/api:1", railwayCommand("uvicorn app.main:app --port $PORT"));
    await vars(api.id, { PORT: "8000", DATABASE_URL: "postgresql://postgres:pgpass123@portpg-pgbouncer.railway.internal:6432/railway" });
    await expect(deployOf(api.id, "ghcr.io/acme/api:1")).rejects.toThrow(/Connection refused \(it listens on 5432\)/);
  });
});

describe("references to service names that need quotes (VAR-7)", () => {
  it("quotes a service name with a digit, and leaves Railway's usual names bare", async () => {
    const { serviceReference, referencesIn } = await import("../src/references");
    expect(serviceReference("Postgres", "DATABASE_URL")).toBe("${{Postgres.DATABASE_URL}}");
    expect(serviceReference("api-v2", "PORT")).toBe('${{"api-v2".PORT}}');
    expect(serviceReference("Postgres2", "DATABASE_URL")).toBe('${{"Postgres2".DATABASE_URL}}');
    expect(referencesIn('http://${{"api-v2".RAILWAY_PRIVATE_DOMAIN}}:8000')).toEqual([
      { owner: "api-v2", name: "RAILWAY_PRIVATE_DOMAIN", text: '${{"api-v2".RAILWAY_PRIVATE_DOMAIN}}' },
    ]);
  });

  it("renders a quoted name, and renders a bare name with a digit empty, as wasp found Railway does", async () => {
    const { renderReferences } = await import("../src/testing/containers");
    const lookup = (owner: string | undefined, name: string) =>
      owner === "api-2" && name === "HOST" ? { value: "api-2.railway.internal" } : undefined;
    expect(renderReferences('${{"api-2".HOST}}', lookup)).toBe("api-2.railway.internal");
    expect(renderReferences("${{api-2.HOST}}", lookup)).toBe("");
  });
});
