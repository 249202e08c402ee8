// The Postgres flags PostgresDb generates, run by a real PostgreSQL server:
// every configured setting reads back through SHOW.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config";
import { postgresStartCommand } from "../../components/postgres-db";
import { ROOT, readStackFile } from "../stack-harness";
import { Started, asPostgres, freePort, run, start, tempDir, waitFor, which } from "./servers";

const HAVE_POSTGRES = which("postgres") && which("initdb") && which("psql");

const prod = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const prodSettings = parseStackConfig({ values: prod.values, secretKeys: new Set(prod.secretKeys), stack: "prod" }).postgres!.settings;
/** Seed 003's tuning ("Optimize PostgreSQL for Railway"). */
const seed003 = { shared_buffers: "256MB", effective_cache_size: "1GB", maintenance_work_mem: "64MB", max_connections: 100 };

if (!HAVE_POSTGRES && process.env.TRESTLE_REQUIRE_SERVERS) {
  throw new Error("TRESTLE_REQUIRE_SERVERS is set but the server binaries are not on PATH (.ci/run installs them)");
}

describe.skipIf(!HAVE_POSTGRES)("PostgreSQL started with the generated flags (postgres, initdb and psql from Debian's packages)", () => {
  for (const [title, settings] of [
    ["Pulumi.prod.yaml", prodSettings],
    ["seed 003", seed003],
  ] as const) {
    describe(title, () => {
      let server: Started;
      let port: number;

      beforeAll(async () => {
        const dir = tempDir("trestle-pg-", "postgres");
        const data = path.join(dir, "data");
        await run(...asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]));
        port = await freePort();
        // The start command Railway runs, with this machine's data dir, socket dir and port after it.
        const [binary, ...args] = postgresStartCommand(settings)!.split(" ");
        expect(binary).toBe("postgres");
        server = start(...asPostgres("postgres", [...args, "-D", data, "-k", dir, "-c", "listen_addresses=127.0.0.1", "-p", String(port)]), { cleanup: [dir] });
        await waitFor("PostgreSQL", () => run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-Atc", "SELECT 1"]));
      }, 60_000);

      afterAll(async () => {
        await server?.stop();
      });

      it.each(Object.entries(settings))("SHOW %s returns the configured value", async (name, value) => {
        const { stdout } = await run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-Atc", `SHOW ${name}`]);
        expect(stdout.trim()).toBe(String(value));
      });
    });
  }
});
