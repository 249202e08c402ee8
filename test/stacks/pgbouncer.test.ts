// PgBouncer in front of Postgres (`pgbouncer:` on a Postgres, IMG-9): its own
// service, deployed after the database; services that connect get the pooled
// URL as DATABASE_URL and the database's own as DATABASE_UNPOOLED_URL.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { ConfigError, parseStackConfig } from "../../packages/components/src/stack/config";
import { PGBOUNCER_IMAGE } from "../../packages/components/src/postgres-db";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;

const stack = (extra: Record<string, unknown> = {}) => ({
  railway: { project: "shop", environment: "production" },
  services: {
    api: {
      source: { repo: "acme/shop" },
      start: "uvicorn app:app --host 0.0.0.0 --port $PORT",
      preDeploy: "alembic upgrade head",
      port: 8000,
      connects: ["postgres", "events"],
    },
    worker: { source: { repo: "acme/shop" }, start: "python -m worker", variables: { DB: "${{Postgres-pgbouncer.DATABASE_URL}}" } },
  },
  postgres: { version: 17, settings: { max_connections: 200 }, pgbouncer: { defaultPoolSize: 40 } },
  databases: { events: { postgres: { version: 16, database: "events", pgbouncer: { poolMode: "session" } } } },
  ...extra,
});
const values = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));

beforeAll(async () => {
  ({ recorder } = await runProgram("prod", { values: values(stack()), secretKeys: [] }));
});

describe("PgBouncer", () => {
  it("is a service of its own in front of each pooled database, on the pinned image, with the pool's settings", () => {
    const service = recorder.get(`${DYN}:Service`, "postgres-pgbouncer");
    expect(service.inputs).toMatchObject({ name: "Postgres-pgbouncer", image: PGBOUNCER_IMAGE });
    expect(recorder.get(`${DYN}:Variables`, "postgres-pgbouncer-vars").inputs.variables).toEqual({
      DATABASE_URLS: "${{Postgres.DATABASE_URL}}",
      DATABASE_URL: "postgresql://${{Postgres.PGUSER}}:${{Postgres.PGPASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:6432/${{Postgres.PGDATABASE}}",
      LISTEN_PORT: "6432",
      AUTH_TYPE: "scram-sha-256",
      POOL_MODE: "transaction",
      MAX_CLIENT_CONN: "1000",
      DEFAULT_POOL_SIZE: "40",
      MAX_PREPARED_STATEMENTS: "100",
    });
    expect((recorder.get(`${DYN}:Variables`, "events-pgbouncer-vars").inputs.variables as Record<string, string>).POOL_MODE).toBe(
      "session",
    );
    // It holds no data: no volume, and nothing of it is protected.
    expect(recorder.resources.filter((r) => r.name === "postgres-pgbouncer-data")).toEqual([]);
  });

  it("gives a connecting service the pooled URL and the database's own", () => {
    expect(recorder.get(`${DYN}:Variables`, "api-vars").inputs.variables).toMatchObject({
      DATABASE_URL: "${{Postgres-pgbouncer.DATABASE_URL}}",
      DATABASE_UNPOOLED_URL: "${{Postgres.DATABASE_URL}}",
      EVENTS_URL: "${{events-pgbouncer.DATABASE_URL}}",
      EVENTS_UNPOOLED_URL: "${{events.DATABASE_URL}}",
    });
  });

  it("deploys after its database, and a connecting service after both", () => {
    const deploy = (name: string) => recorder.get(`${DYN}:Deployment`, name);
    expect(deploy("postgres-pgbouncer-deploy").dependencies).toContain(deploy("postgres-deploy").urn);
    expect(deploy("api-deploy").dependencies).toEqual(
      expect.arrayContaining([
        deploy("postgres-deploy").urn,
        deploy("postgres-pgbouncer-deploy").urn,
        deploy("events-pgbouncer-deploy").urn,
      ]),
    );
  });

  it("passes the policy pack in production (a pooler holds no data to protect or back up)", () => {
    expect(evaluatePolicies(toEvaluated(recorder.resources)).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("refuses a pool larger than the server's max_connections, and an unknown pool mode, naming the setting", () => {
    const parse = (config: Record<string, unknown>) => {
      try {
        parseStackConfig({ values: values(config), secretKeys: new Set(), stack: "prod" });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(parse(stack({ postgres: { pgbouncer: { defaultPoolSize: 150 } } }))).toEqual([
      "postgres.pgbouncer.defaultPoolSize: 150 server connections is more than the server's max_connections (100); lower it, or raise `settings.max_connections`",
    ]);
    expect(parse(stack({ postgres: { pgbouncer: { poolMode: "sessions" } } }))[0]).toMatch(/^postgres\.pgbouncer\.poolMode: /);
  });
});
