import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Recorder } from "../src/testing/recorder";
import { childrenOf, leaks, resolve, showSecrets } from "../src/testing/secrets";
import { RAILWAY_TYPE_PREFIX } from "../../railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let mod: typeof import("../src/postgres-db");

beforeAll(async () => {
  recorder = new Recorder("trestle", "prod");
  await recorder.install();
  mod = await import("../src/postgres-db");
});

describe("PostgresDb", () => {
  it("declares the template image with server flags, a volume, a generated password and Railway's variables", async () => {
    const db = new mod.PostgresDb("pg", {
      projectId: "proj",
      environmentId: "env",
      version: 15,
      settings: { shared_buffers: "256MB", max_connections: "100" },
      protect: true,
    });
    await resolve(db.serviceId);
    await recorder.settle();
    const component = recorder.get("trestle:index:PostgresDb", "pg");
    // shared_buffers with no memory limit is recorded for the policy pack's warning (database-memory-sized).
    const intent = {
      serviceName: "Postgres",
      version: 15,
      public: false,
      protect: true,
      production: false,
      unsizedMemory: ["shared_buffers"],
    };
    expect(component.inputs).toEqual(intent);
    expect(component.outputs).toMatchObject({ ...intent, urlReference: "${{Postgres.DATABASE_URL}}" });
    expect(
      childrenOf(recorder, component)
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
    ).toEqual([
      `${DYN}:Deployment::pg-deploy`,
      `${DYN}:Service::pg`,
      `${DYN}:Variables::pg-vars`,
      `${DYN}:Volume::pg-data`,
      "random:index/randomPassword:RandomPassword::pg-password",
    ]);

    expect(recorder.get("random:index/randomPassword:RandomPassword", "pg-password").inputs).toEqual({ length: 32, special: false });
    const service = recorder.get(`${DYN}:Service`, "pg");
    expect(service.inputs).toMatchObject({
      projectId: "proj",
      environmentId: "env",
      name: "Postgres",
      image: "ghcr.io/railwayapp-templates/postgres-ssl:15",
      startCommand: "wrapper.sh postgres --port=5432 -c max_connections=100 -c shared_buffers=256MB",
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 10,
      sleepApplication: false,
    });
    expect(service.protect).toBe(true);
    const volume = recorder.get(`${DYN}:Volume`, "pg-data");
    expect(volume.inputs).toMatchObject({ mountPath: "/var/lib/postgresql/data", serviceId: expect.any(String) });
    expect(volume.protect).toBe(true);
    expect(volume.dependencies).toContain(service.urn);

    const vars = recorder.get(`${DYN}:Variables`, "pg-vars");
    expect(showSecrets(vars.inputs.variables)).toEqual({
      POSTGRES_USER: "postgres",
      POSTGRES_DB: "railway",
      PGDATA: "/var/lib/postgresql/data/pgdata",
      RAILWAY_DEPLOYMENT_DRAINING_SECONDS: "60",
      SSL_CERT_DAYS: "820",
      PGHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
      PGPORT: "5432",
      PGUSER: "${{POSTGRES_USER}}",
      PGPASSWORD: "${{POSTGRES_PASSWORD}}",
      PGDATABASE: "${{POSTGRES_DB}}",
      DATABASE_URL: "postgresql://${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{POSTGRES_DB}}",
    });
    expect(showSecrets(vars.inputs.secretVariables)).toEqual({ secret: { POSTGRES_PASSWORD: expect.stringMatching(/^generated-/) } });

    const deploy = recorder.get(`${DYN}:Deployment`, "pg-deploy");
    expect(deploy.dependencies).toEqual(expect.arrayContaining([service.urn, vars.urn, volume.urn]));
    // SVC-3: the deploy connects the template image.
    expect(deploy.inputs.source).toEqual({ image: "ghcr.io/railwayapp-templates/postgres-ssl:15" });
    expect(recorder.byType(`${DYN}:TcpProxy`)).toEqual([]);

    expect(db.urlReference).toBe("${{Postgres.DATABASE_URL}}");
    expect(await pulumi.isSecret(db.password)).toBe(true);
    expect(leaks(recorder, [await resolve(db.password)])).toEqual([]);
  });

  it("adds a TCP proxy and DATABASE_PUBLIC_URL only when public", async () => {
    const db = new mod.PostgresDb("pg-public", { projectId: "proj", environmentId: "env", serviceName: "Analytics", public: true });
    await resolve(db.publicEndpoint!);
    await recorder.settle();
    expect(recorder.get(`${DYN}:TcpProxy`, "pg-public-proxy").inputs).toMatchObject({ applicationPort: 5432 });
    const vars = recorder.get(`${DYN}:Variables`, "pg-public-vars").inputs.variables as Record<string, string>;
    expect(vars.DATABASE_PUBLIC_URL).toBe(
      "postgresql://${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{POSTGRES_DB}}",
    );
    expect(recorder.get(`${DYN}:Service`, "pg-public").inputs.startCommand).toBeUndefined();
    expect(recorder.get(`${DYN}:Volume`, "pg-public-data").protect).toBe(false);
    expect(db.urlReference).toBe("${{Analytics.DATABASE_URL}}");
  });

  it("backs up production data daily and weekly unless told otherwise, and leaves other stacks' schedules alone (VOL-4)", async () => {
    const scope = { projectId: "proj", environmentId: "env" };
    const dbs = [
      new mod.PostgresDb("pg-prod", { ...scope, serviceName: "A", production: true }),
      new mod.PostgresDb("pg-prod-off", { ...scope, serviceName: "B", production: true, backups: [] }),
      new mod.PostgresDb("pg-monthly", { ...scope, serviceName: "C", backups: ["MONTHLY"] }),
      new mod.PostgresDb("pg-staging", { ...scope, serviceName: "D" }),
    ];
    await resolve(pulumi.all(dbs.map((db) => db.urn)));
    await recorder.settle();
    const backups = (name: string) => recorder.get(`${DYN}:Volume`, `${name}-data`).inputs.backups;
    expect([backups("pg-prod"), backups("pg-prod-off"), backups("pg-monthly"), backups("pg-staging")]).toEqual([
      ["DAILY", "WEEKLY"],
      [],
      ["MONTHLY"],
      undefined,
    ]);
  });

  it("turns settings into -c flags in a stable order", () => {
    expect(mod.postgresServerArgs({ work_mem: "4MB", effective_cache_size: "1GB" })).toEqual([
      "-c",
      "effective_cache_size=1GB",
      "-c",
      "work_mem=4MB",
    ]);
    expect(mod.postgresStartCommand({})).toBeUndefined();
  });
});
