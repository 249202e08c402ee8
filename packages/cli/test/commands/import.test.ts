// `trestle import` against a Railway project shaped like an example system:
// the emulator holds what a first `up` of the travel planner made; the import
// writes a stack file for it; the first `up` of that stack file (rehearsed
// against the same emulator, with no Pulumi state) adopts every object and
// creates none, and no secret is ever written in plain text.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RailwayEmulator } from "../../../railway/src/testing/emulator";
import { decryptValue } from "../../src/secret/passphrase";
import type { RehearsalResult } from "../../src/rehearse/run";
import { ROOT } from "../root";

const BIN = path.join(ROOT, "packages", "cli", "bin", "trestle.js");
const PASSPHRASE = "import-test";
let emulator: RailwayEmulator;
let work: string;
let project: string;

/** A rehearsal against the test's emulator, in a fresh process. */
function rehearseAgainst(projectDir: string, stack: string, configFile: string): Promise<RehearsalResult> {
  const out = path.join(work, `result-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        path.join(__dirname, "fixtures", "rehearse-against.ts"),
        projectDir,
        stack,
        configFile,
        emulator.url,
        emulator.token,
        out,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) =>
      code === 3 ? reject(new Error(stderr)) : resolve(JSON.parse(readFileSync(out, "utf8")) as RehearsalResult),
    );
  });
}

const counts = () => ({
  projects: emulator.state.projects.size,
  services: emulator.state.services.size,
  volumes: emulator.state.volumes.size,
  domains: emulator.state.domains.size,
});

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "trestle-import-"));
  emulator = await RailwayEmulator.start();
  // What a team runs today: the travel planner, made by a first `up`.
  const made = await rehearseAgainst(
    path.join(ROOT, "examples", "000-travel"),
    "prod",
    path.join(ROOT, "examples", "000-travel", "Pulumi.prod.yaml"),
  );
  expect(made.failures).toEqual([]);
  // A project of the team's own to import into.
  project = path.join(work, "travel");
  mkdirSync(project);
  writeFileSync(path.join(project, "Pulumi.yaml"), `name: travel\nmain: ${ROOT}\nruntime: nodejs\n`);
  symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
});

afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The command, in a child that must not block this process: the emulator it reads serves from here. */
function trestleImport(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "import", ...args], {
      cwd: project,
      env: {
        ...process.env,
        TRESTLE_RAILWAY_ENDPOINT: emulator.url,
        RAILWAY_API_TOKEN: emulator.token,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("trestle import", () => {
  let file: string;
  let stack: { encryptionsalt?: string; config: Record<string, any> };

  it("writes the stack file of an existing project: services, Postgres and Redis recognised, adoption on", async () => {
    const projectId = [...emulator.state.projects.values()][0].id;
    const result = await trestleImport(["--project", projectId, "--environment", "production", "--stack", "imported"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote Pulumi\.imported\.yaml: 3 service\(s\), \d+ secret\(s\) encrypted/);
    file = path.join(project, "Pulumi.imported.yaml");
    stack = parse(readFileSync(file, "utf8"));
    expect(stack.config["trestle:railway"]).toEqual({ projectId, environment: "production" });
    expect(Object.keys(stack.config["trestle:services"]).sort()).toEqual(["api", "beat", "worker"]);
    expect(stack.config["trestle:services"].api).toMatchObject({
      takeOver: true,
      source: { repo: "acme/travel-planner", rootDirectory: "backend" },
      start: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
      port: 8000,
      public: true,
      connects: ["postgres", "redis"],
      celery: { broker: 0, results: 1 },
    });
    expect(stack.config["trestle:postgres"]).toMatchObject({ takeOver: true, passwordSecret: "postgresPassword" });
    expect(stack.config["trestle:redis"]).toMatchObject({ takeOver: true, use: "both", evictionPolicy: "noeviction" });
  });

  it("writes every secret encrypted, keeps the Postgres password, and never a secret in plain text", () => {
    const text = readFileSync(file, "utf8");
    const secretValues = [...emulator.state.variables.values()]
      .flatMap((vars) => [...vars.entries()])
      .filter(([k]) => /PASSWORD|SECRET|_KEY$/.test(k))
      .map(([, v]) => v)
      .filter((v) => !v.includes("${{"));
    expect(secretValues.length).toBeGreaterThan(0);
    for (const value of secretValues) expect(text).not.toContain(value);
    const password = stack.config["travel:postgresPassword"].secure as string;
    const real = [...emulator.state.variables.values()].map((vars) => vars.get("POSTGRES_PASSWORD")).find(Boolean);
    expect(decryptValue(PASSPHRASE, stack.encryptionsalt!, password)).toBe(real);
  });

  it("is adopted whole by a first up: every deployment comes up, and no project, service, volume or domain is made anew", async () => {
    const before = counts();
    const result = await rehearseAgainst(project, "imported", file);
    expect(result.configErrors).toEqual([]);
    expect(result.failures).toEqual([]);
    expect(result.deployments.map((d) => [d.service, d.status]).sort()).toEqual([
      ["Postgres", "SUCCESS"],
      ["Redis", "SUCCESS"],
      ["api", "SUCCESS"],
      ["beat", "SUCCESS"],
      ["worker", "SUCCESS"],
    ]);
    expect(counts()).toEqual(before);
  });

  it.each([
    [["--environment", "production"], {}, "--project: give the Railway project's id"],
    // Another flag where a value belongs is refused, as every trestle command does (cli-args eachFlag).
    [["--project", "--stack", "imported"], {}, "--project needs a value"],
    [["--project", "no-such-project"], {}, "--project: Railway has no project `no-such-project` this token can read"],
    [["--project", "x", "--stack", "imported"], {}, "Pulumi.imported.yaml: exists"],
  ])("refuses %j with exit 2", async (args, env, message) => {
    const result = await trestleImport(args as string[], env as Record<string, string>);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("importedStack: what is secret, whose password, where the data is", () => {
  const service = (name: string, image: string, variables: Record<string, string>) => ({
    id: `${name}-id`,
    name,
    instance: { source: { image }, startCommand: null } as never,
    variables,
    serviceDomains: [],
    customDomains: [],
  });
  const inventory = {
    projectId: "p",
    environment: { id: "e", name: "production" },
    services: [
      service("api", "ghcr.io/acme/api:1", {
        DATABASE_URL: "${{Postgres.DATABASE_URL}}",
        SIGNING_MATERIAL: Buffer.from(
          "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        ).toString("base64"),
        REPORTING_DB: "jdbc:postgresql://reports:5432/app?user=app&password=s3cr3tjdbc",
        BLOB: "Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4OTBhYmNkZWZnaGlq",
        POSTGRES_PASSWORD: "the-apps-own-password-1",
        LOG_LEVEL: "info",
      }),
      service("Postgres", "ghcr.io/railwayapp-templates/postgres-ssl:16", {
        POSTGRES_PASSWORD: "the-databases-password-2",
        PGDATA: "/var/lib/postgresql/data/custom",
        POSTGRES_USER: "postgres",
        POSTGRES_DB: "railway",
      }),
    ],
  };

  it("puts every secret-looking value in as a secret, whatever its name: a base64 key, a JDBC password, key material", async () => {
    const { importedStack } = await import("../../src/import-stack");
    const { config, secrets } = importedStack(inventory as never);
    const api = (config["trestle:services"] as Record<string, { variables?: Record<string, string>; secrets?: Record<string, string> }>)
      .api;
    expect(Object.keys(api.secrets ?? {}).sort()).toEqual(["BLOB", "POSTGRES_PASSWORD", "REPORTING_DB", "SIGNING_MATERIAL"]);
    expect(api.variables).toEqual({ LOG_LEVEL: "info" });
    expect(JSON.stringify(config)).not.toMatch(/s3cr3tjdbc|LS0tLS1CRUdJTi|the-apps-own|the-databases/);
    // The app's own POSTGRES_PASSWORD stays its own; the database keeps its password under another key.
    const postgres = config["trestle:postgres"] as { passwordSecret: string; dataDirectory?: string };
    expect(secrets[api.secrets!.POSTGRES_PASSWORD]).toBe("the-apps-own-password-1");
    expect(secrets[postgres.passwordSecret]).toBe("the-databases-password-2");
    // Its cluster stays where it is.
    expect(postgres.dataDirectory).toBe("/var/lib/postgresql/data/custom");
  });
});
