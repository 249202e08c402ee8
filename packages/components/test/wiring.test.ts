// The stack program's wiring on plain values, without the mock runtime: what a
// service's connections become, what its deploy waits for, and how its config
// turns into the component's arguments.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { ServiceConfig } from "../src/stack/config";
import { Placement, Wiring, connected, connections, publicUrlOf, readsShared, serviceArgs } from "../src/stack/wiring";

const resolved = <T>(value: pulumi.Input<T>) => new Promise<T>((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));

const postgres = { urlReference: "${{Postgres.DATABASE_URL}}" };
const jobs = { urlReference: "${{jobs.REDIS_URL}}" };
const upstash = { secretUrl: pulumi.secret("rediss://default:pw@x.upstash.io:6379") };
const databases = { postgres, jobs, sessions: upstash };

const service = (over: Partial<ServiceConfig>): ServiceConfig =>
  ({ source: { repo: "acme/shop" }, connects: [], variables: {}, secrets: {}, ...over }) as ServiceConfig;

describe("connections", () => {
  it("are references to a Railway database's private URL, named by the database", () => {
    expect(connections(service({ connects: ["postgres", "jobs"] }), databases)).toEqual({
      plain: { DATABASE_URL: "${{Postgres.DATABASE_URL}}", JOBS_URL: "${{jobs.REDIS_URL}}" },
      secret: {},
    });
  });

  it("are the secret URL of an Upstash database, never a plain value", async () => {
    const { plain, secret } = connections(service({ connects: ["sessions"] }), databases);
    expect(plain).toEqual({});
    expect(Object.keys(secret)).toEqual(["SESSIONS_URL"]);
    expect(await resolved(secret.SESSIONS_URL)).toBe("rediss://default:pw@x.upstash.io:6379");
  });

  it("put Celery's broker and results on their own databases of the Redis the service names", () => {
    const { plain } = connections(service({ celery: { redis: "jobs", broker: 0, results: 1 } }), databases);
    expect(plain).toEqual({ CELERY_BROKER_URL: "${{jobs.REDIS_URL}}/0", CELERY_RESULT_BACKEND: "${{jobs.REDIS_URL}}/1" });
  });
});

describe("connected: what a service's deploy waits for", () => {
  it("is each database it connects to and its Celery Redis, once", () => {
    expect(connected(service({ connects: ["postgres", "jobs"], celery: { redis: "jobs", broker: 0, results: 1 } }), databases)).toEqual([
      postgres,
      jobs,
    ]);
  });

  it("is the stack's `redis` for a Celery service that names none, and nothing that does not exist", () => {
    expect(connected(service({ celery: { broker: 0, results: 1 } }), { redis: jobs })).toEqual([jobs]);
    expect(connected(service({ celery: { broker: 0, results: 1 } }), {})).toEqual([]);
  });
});

describe("readsShared", () => {
  it("is true only for a service whose variables reference `${{shared.…}}`", () => {
    expect(readsShared(service({ variables: { LOG_LEVEL: "${{shared.LOG_LEVEL}}" } }))).toBe(true);
    expect(readsShared(service({ variables: { DB: "${{Postgres.DATABASE_URL}}", SHARED: "shared.X" } }))).toBe(false);
  });
});

describe("serviceArgs", () => {
  const place: Placement = {
    scope: { projectId: "p-1", environmentId: "e-1" },
    ownership: { projectCreated: true },
    production: true,
    preview: false,
  };
  const wiring: Wiring = { databases: databases as unknown as Wiring["databases"], frontendOrigins: ["https://app.example.com"] };

  it("translates the config's either-or forms and keeps the fields both spell alike", () => {
    const args = serviceArgs(
      place,
      wiring,
      "api",
      service({ start: "uvicorn app:app", preDeploy: "alembic upgrade head", port: 8000, replicas: 2, public: true }),
    );
    expect(args).toMatchObject({
      projectId: "p-1",
      environmentId: "e-1",
      serviceName: "api",
      start: "uvicorn app:app",
      preDeploy: ["alembic upgrade head"],
      port: 8000,
      replicas: 2,
      public: true,
      production: true,
      projectCreated: true,
    });
    expect(args).not.toHaveProperty("startExec");
    expect(args.preview).toBeUndefined();
    expect(serviceArgs(place, wiring, "w", service({ start: ["python", "-m", "w"] }))).toMatchObject({ startExec: ["python", "-m", "w"] });
  });

  it("lets a service's own variable win over a connection, and the stack's extra variables over both", () => {
    const args = serviceArgs(
      place,
      wiring,
      "api",
      service({ connects: ["postgres"], variables: { DATABASE_URL: "${{Postgres.DATABASE_PRIVATE_URL}}", A: "own" } }),
      { A: "extra" },
    );
    expect(args.variables).toEqual({ DATABASE_URL: "${{Postgres.DATABASE_PRIVATE_URL}}", A: "extra" });
  });

  it("allows the frontend's origins and the service's own extras", async () => {
    const args = serviceArgs(
      place,
      wiring,
      "api",
      service({ cors: { variable: "ALLOWED_ORIGINS", format: "comma", origins: ["https://admin.example.com"] } }),
    );
    expect(await resolved(args.cors!.origins!)).toEqual(["https://app.example.com", "https://admin.example.com"]);
  });
});

describe("publicUrlOf", () => {
  it("is the first custom domain, else the Railway URL", () => {
    expect(publicUrlOf(["api.example.com", "b.example.com"], "https://api.up.railway.app")).toBe("https://api.example.com");
    expect(publicUrlOf([], "https://api.up.railway.app")).toBe("https://api.up.railway.app");
    expect(publicUrlOf(undefined, undefined)).toBeUndefined();
  });
});
