// PostgresDb's start command, run as Railway runs it: split into words in exec
// form (RUN-1, RUN-4), as root, through stand-ins for the template image's
// entrypoint chain (test/servers/entrypoints: wrapper.sh, then
// docker-entrypoint.sh, which runs initdb and drops to `postgres`), with the
// service's own variables rendered. A client then connects with the
// DATABASE_URL another service gets, and every setting reads back through SHOW.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../packages/components/src/stack/config";
import { POSTGRES_DATA, postgresStartCommand, postgresVariables } from "../../packages/components/src/postgres-db";
import { execWords, renderReferences, start as startModel } from "../../packages/railway/src/testing/containers";
import { postgresSettingProblem } from "../../packages/components/src/server-settings";
import * as settingsData from "../../packages/components/src/data/server-settings.json";
import { ROOT, readStackFile } from "../stack-harness";
import { ENTRYPOINTS, Started, freePort, isRoot, run, start, tempDir, waitFor, which } from "./servers";

const HAVE_POSTGRES = which("postgres") && which("initdb") && which("psql");

const prod = readStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const prodSettings = parseStackConfig({ values: prod.values, secretKeys: new Set(prod.secretKeys), stack: "prod", project: prod.project })
  .postgres!.settings;
/** Seed 003's tuning ("Optimize PostgreSQL for Railway"). */
const seed003 = { shared_buffers: "256MB", effective_cache_size: "1GB", maintenance_work_mem: "64MB", max_connections: 100 };
const PASSWORD = "pgTestPassword7f3a91";

if (!HAVE_POSTGRES && process.env.TRESTLE_REQUIRE_SERVERS) {
  throw new Error("TRESTLE_REQUIRE_SERVERS is set but the server binaries are not on PATH (.ci/run installs them)");
}

/** The variables the Postgres service runs with, rendered as Railway would, with this machine's volume and host. */
function serviceEnv(volume: string): Record<string, string> {
  const own: Record<string, string> = {
    ...postgresVariables({ database: "railway", user: "postgres", isPublic: false }),
    POSTGRES_PASSWORD: PASSWORD,
  };
  own.PGDATA = own.PGDATA.replace(POSTGRES_DATA, volume);
  const provided: Record<string, string> = {
    RAILWAY_PRIVATE_DOMAIN: "127.0.0.1",
    RAILWAY_ENVIRONMENT: "production",
    RAILWAY_VOLUME_MOUNT_PATH: volume,
  };
  const lookup = (_owner: string | undefined, name: string) =>
    (own[name] ?? provided[name]) !== undefined ? { value: own[name] ?? provided[name] } : undefined;
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
          env: {
            ...env,
            TRESTLE_IMAGE: "postgres",
            TRESTLE_EXPECTED_VOLUME: volume,
            PATH: `${ENTRYPOINTS}${path.delimiter}${process.env.PATH}`,
          },
          cleanup: [volume],
        });
        // The URL a service gets from `${{Postgres.DATABASE_URL}}`, on this machine's port.
        url = env.DATABASE_URL.replace(":5432/", `:${port}/`);
        await waitFor("PostgreSQL", () => run("psql", [url, "-Atc", "SELECT 1"]));
      });

      afterAll(async () => {
        await server?.stop();
      });

      it("answers on the DATABASE_URL a service gets, as a non-root server with the password authenticating", async () => {
        const { stdout } = await run("psql", [
          url,
          "-Atc",
          "SELECT current_user, current_database(), (SELECT usesuper FROM pg_user WHERE usename = current_user)",
        ]);
        expect(stdout.trim()).toBe("postgres|railway|t");
        const wrong = await run("psql", [url.replace(PASSWORD, "not-the-password"), "-Atc", "SELECT 1"]).catch(
          (e: { stderr: string }) => e,
        );
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
      const model = startModel(
        ["postgres", "--port=5432"],
        { PGDATA: "/var/lib/postgresql/data/pgdata" },
        { flavour: "postgres-ssl", entrypoint: ["wrapper.sh"], cmd: [], source: "", entry: "IMG-1" },
        { initialized: true },
      );
      expect(model.ok).toBe(false);
      const realLines = (real as { stderr: string }).stderr.trim().split("\n");
      expect(realLines.slice(0, 4)).toEqual(model.logs.slice(0, 4));
    });
  });
});

// A property of the settings list: values the config accepts boot a real server and read back;
// values it refuses are refused. Sampled (seeded) from what PostgreSQL 15, the server here, reports.
describe.skipIf(!HAVE_POSTGRES)("sampled PostgreSQL settings (generated from the server itself)", () => {
  const known = (
    settingsData as unknown as {
      postgres: Record<
        string,
        { settings: Record<string, { type: string; unit?: string; min?: number; max?: number; values?: string[]; context: string }> }
      >;
    }
  ).postgres["15"].settings;
  const random = seeded(20261126);
  const candidates = Object.entries(known).filter(
    ([name, s]) =>
      ["user", "superuser"].includes(s.context) &&
      ["bool", "integer", "real", "enum"].includes(s.type) &&
      !name.startsWith("transaction_") &&
      postgresSettingProblem(
        15,
        name,
        valueFor(s, () => 0.5),
        false,
      ) === undefined,
  );
  const sample = Object.fromEntries(
    Array.from({ length: 30 }, () => candidates.splice(Math.floor(random() * candidates.length), 1)[0]).map(([name, s]) => [
      name,
      valueFor(s, random),
    ]),
  );
  // One memory value with a unit, read back in the setting's own unit.
  sample.work_mem = "8MB";
  let server: Started;
  let url: string;

  it("accepts every sampled value in config", () => {
    for (const [name, value] of Object.entries(sample)) expect(postgresSettingProblem(15, name, value, true), name).toBeUndefined();
  });

  it("refuses each setting with a value out of its range or set", () => {
    for (const [name] of Object.entries(sample)) {
      const setting = known[name];
      const invalid = setting.type === "bool" ? "maybe" : setting.type === "enum" ? "no-such-value" : String((setting.max ?? 0) + 1);
      const problems = configProblems({ postgres: { version: 15, settings: { [name]: invalid } } });
      expect(
        problems.some((p) => p.startsWith(`postgres.settings.${name}: `)),
        `${name}=${invalid}`,
      ).toBe(true);
    }
  });

  it("boots a real server with all of them through the generated start command, and reads each back", async () => {
    const volume = tempDir("trestle-pg-sample-");
    const port = await freePort();
    const env = serviceEnv(volume);
    const argv = execWords(postgresStartCommand(sample)!).map((w) => (w === "--port=5432" ? `--port=${port}` : w));
    server = start(argv[0], [...argv.slice(1), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${volume}`], {
      env: {
        ...env,
        TRESTLE_IMAGE: "postgres",
        TRESTLE_EXPECTED_VOLUME: volume,
        PATH: `${ENTRYPOINTS}${path.delimiter}${process.env.PATH}`,
      },
      cleanup: [volume],
    });
    url = env.DATABASE_URL.replace(":5432/", `:${port}/`);
    try {
      await waitFor("PostgreSQL", () => run("psql", [url, "-Atc", "SELECT 1"]));
      const names = Object.keys(sample)
        .map((n) => `'${n}'`)
        .join(",");
      const { stdout } = await run("psql", [url, "-AtF", "\t", "-c", `SELECT name, setting FROM pg_settings WHERE name IN (${names})`]);
      const read = Object.fromEntries(
        stdout
          .trim()
          .split("\n")
          .map((l) => l.split("\t")),
      );
      for (const [name, value] of Object.entries(sample)) {
        const setting = known[name];
        const expected =
          name === "work_mem"
            ? "8192"
            : setting.type === "bool"
              ? /^(on|true|yes|1)$/i.test(String(value))
                ? "on"
                : "off"
              : String(value).toLowerCase();
        // PostgreSQL shows reals to six significant digits.
        if (setting.type === "real")
          expect(Math.abs(Number(read[name]) - Number(value)) / Math.max(1, Math.abs(Number(value))), name).toBeLessThan(1e-5);
        else expect(read[name]?.toLowerCase(), name).toBe(expected);
      }
    } finally {
      await server?.stop();
    }
  });
});

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A value inside a setting's range or set. */
function valueFor(setting: { type: string; min?: number; max?: number; values?: string[] }, random: () => number): string | number {
  if (setting.type === "bool") return random() < 0.5 ? "on" : "off";
  if (setting.type === "enum") return setting.values![Math.floor(random() * setting.values!.length)];
  const min = setting.min ?? 0;
  const max = Math.min(setting.max ?? min + 1000, min + 100_000);
  const n = min + random() * (max - min);
  return setting.type === "integer" ? Math.round(n) : Math.round(n * 1000) / 1000;
}

function configProblems(config: Record<string, unknown>): string[] {
  const values: Record<string, string> = {
    "trestle:railway": JSON.stringify({ project: "p" }),
    "trestle:services": JSON.stringify({ api: { source: { image: "x" } } }),
  };
  for (const [key, value] of Object.entries(config)) values[`trestle:${key}`] = JSON.stringify(value);
  try {
    parseStackConfig({ values, secretKeys: new Set(), stack: "s" });
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
}
