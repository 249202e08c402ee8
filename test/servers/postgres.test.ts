// PostgresDb's start command, run as Railway runs it: split into words in exec
// form (RUN-1, RUN-4), as root, through stand-ins for the template image's
// entrypoint chain (test/servers/entrypoints: wrapper.sh, then
// docker-entrypoint.sh, which runs initdb and drops to `postgres`), with the
// service's own variables rendered. A client then connects with the
// DATABASE_URL another service gets, and every setting reads back through SHOW.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config";
import { POSTGRES_DATA, postgresStartCommand, postgresVariables } from "../../components/postgres-db";
import { execWords, renderReferences, start as startModel } from "../../components/railway/testing/containers";
import { ROOT, readStackFile } from "../stack-harness";
import { ENTRYPOINTS, Started, freePort, isRoot, run, start, tempDir, waitFor, which } from "./servers";

const HAVE_POSTGRES = which("postgres") && which("initdb") && which("psql");

const prod = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const prodSettings = parseStackConfig({ values: prod.values, secretKeys: new Set(prod.secretKeys), stack: "prod" }).postgres!.settings;
/** Seed 003's tuning ("Optimize PostgreSQL for Railway"). */
const seed003 = { shared_buffers: "256MB", effective_cache_size: "1GB", maintenance_work_mem: "64MB", max_connections: 100 };
const PASSWORD = "pgTestPassword7f3a91";

if (!HAVE_POSTGRES && process.env.TRESTLE_REQUIRE_SERVERS) {
  throw new Error("TRESTLE_REQUIRE_SERVERS is set but the server binaries are not on PATH (.ci/run installs them)");
}

/** The variables the Postgres service runs with, rendered as Railway would, with this machine's volume and host. */
function serviceEnv(volume: string): Record<string, string> {
  const own: Record<string, string> = { ...postgresVariables({ database: "railway", user: "postgres", isPublic: false }), POSTGRES_PASSWORD: PASSWORD };
  own.PGDATA = own.PGDATA.replace(POSTGRES_DATA, volume);
  const provided: Record<string, string> = { RAILWAY_PRIVATE_DOMAIN: "127.0.0.1", RAILWAY_ENVIRONMENT: "production", RAILWAY_VOLUME_MOUNT_PATH: volume };
  const lookup = (_owner: string | undefined, name: string) => (own[name] ?? provided[name]) !== undefined ? { value: own[name] ?? provided[name] } : undefined;
  return { ...provided, ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, renderReferences(v, lookup)])) };
}

describe.skipIf(!HAVE_POSTGRES)("PostgreSQL started from the generated start command through the image's entrypoint chain", () => {
  for (const [title, settings] of [
    ["Pulumi.prod.yaml", prodSettings],
    ["seed 003", seed003],
  ] as const) {
    describe(title, () => {
      let server: Started;
      let url: string;

      beforeAll(async () => {
        const volume = tempDir("trestle-pg-");
        const port = await freePort();
        const env = serviceEnv(volume);
        // Exactly the words Railway executes, with Railway's port swapped for this machine's.
        const argv = execWords(postgresStartCommand(settings)!).map((w) => (w === "--port=5432" ? `--port=${port}` : w));
        expect(argv.slice(0, 3)).toEqual(["wrapper.sh", "postgres", `--port=${port}`]);
        server = start(argv[0], [...argv.slice(1), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${volume}`], {
          env: { ...env, TRESTLE_IMAGE: "postgres", TRESTLE_EXPECTED_VOLUME: volume, PATH: `${ENTRYPOINTS}${path.delimiter}${process.env.PATH}` },
          cleanup: [volume],
        });
        // The URL a service gets from `${{Postgres.DATABASE_URL}}`, on this machine's port.
        url = env.DATABASE_URL.replace(":5432/", `:${port}/`);
        await waitFor("PostgreSQL", () => run("psql", [url, "-Atc", "SELECT 1"]), 60_000);
      }, 90_000);

      afterAll(async () => {
        await server?.stop();
      });

      it("answers on the DATABASE_URL a service gets, as a non-root server with the password authenticating", async () => {
        const { stdout } = await run("psql", [url, "-Atc", "SELECT current_user, current_database(), (SELECT usesuper FROM pg_user WHERE usename = current_user)"]);
        expect(stdout.trim()).toBe("postgres|railway|t");
        const wrong = await run("psql", [url.replace(PASSWORD, "not-the-password"), "-Atc", "SELECT 1"]).catch((e: { stderr: string }) => e);
        expect((wrong as { stderr: string }).stderr).toContain('password authentication failed for user "postgres"');
      });

      it.each(Object.entries(settings))("SHOW %s returns the configured value", async (name, value) => {
        const { stdout } = await run("psql", [url, "-Atc", `SHOW ${name}`]);
        expect(stdout.trim()).toBe(String(value));
      });
    });
  }

  // The audit's first break (IMG-3): a start command without the entrypoint runs `postgres` as root.
  describe.skipIf(!isRoot)("the start command before the fix, run as root in exec form", () => {
    it("is refused by the real server with the lines the emulator prints", async () => {
      const old = ["postgres", "--port=5432", "-D", tempDir("trestle-pg-root-")];
      const real = await run(old[0], old.slice(1)).catch((e: { stderr: string; code: number }) => e);
      const model = startModel(["postgres", "--port=5432"], { PGDATA: "/var/lib/postgresql/data/pgdata" }, { flavour: "postgres-ssl", entrypoint: ["wrapper.sh"], cmd: [], source: "", entry: "IMG-1" }, { initialized: true });
      expect(model.ok).toBe(false);
      const realLines = (real as { stderr: string }).stderr.trim().split("\n");
      expect(realLines.slice(0, 4)).toEqual(model.logs.slice(0, 4));
    });
  });
});
