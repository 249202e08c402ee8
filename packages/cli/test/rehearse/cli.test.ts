// The rehearsal as a user runs it: `npm run rehearse -- …` (ts-node, like the
// Pulumi CLI): every Railway resource created by its real provider against the
// emulator, each deployment started the way Railway starts containers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RehearsalResult } from "../../src/rehearse/run";
import type { UpdateRehearsal } from "../../src/rehearse/update";
import { ROOT } from "../root";

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function rehearse(args: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(ROOT, "packages/cli/src/rehearse/cli.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    },
  );
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** A stack of its own (a Pulumi.yaml beside it, over the root program). */
function stackFile(name: string, body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trestle-rehearse-test-"));
  temp.push(dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: rehearse-test\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

describe("npm run rehearse", () => {
  it("brings up every deployment of the prod stack, within 10 requests a second and the Hobby budget", () => {
    const run = rehearse(["--stack", "prod", "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RehearsalResult;
    expect(result.deployments.map((d) => [d.resource, d.service, d.status])).toEqual([
      ["api-deploy", "api", "SUCCESS"],
      ["beat-deploy", "beat", "SUCCESS"],
      ["postgres-deploy", "Postgres", "SUCCESS"],
      ["redis-deploy", "Redis", "SUCCESS"],
      ["worker-deploy", "worker", "SUCCESS"],
    ]);
    expect(result.failures).toEqual([]);
    expect(result.requests.maxPerSecond).toBeLessThanOrEqual(10);
    // DEP-6: each first deploy is one patch commit carrying source, variables and backups.
    expect(result.requests.byOperation.environmentPatchCommit).toBe(5);
    expect(result.requests.byOperation.serviceConnect).toBeUndefined();
    expect(result.requests.byOperation.variableCollectionUpsert).toBeUndefined();
    expect(result.requests.byOperation.volumeInstanceBackupScheduleUpdate).toBeUndefined();
    expect(result.requests.byOperation.serviceInstanceDeployV2).toBeUndefined();
    expect(result.budget).toMatchObject({
      plan: "hobby",
      perHour: 1000,
      fits: true,
      pollIntervalSeconds: 7.2,
      buildSeconds: 240,
      waitSeconds: 60,
      polls: 43,
    });
    expect(result.notRehearsed.map((r) => r.type)).toContain("vercel:index/project:Project");
    // PRE-1 to PRE-6: the preflight, asked before what each check guards is created, and not counted in the up.
    expect(result.preflight.map((c) => [c.check, c.status])).toEqual([
      ["token", "pass"],
      ["workspace", "pass"],
      ["plan", "pass"],
      ["names", "pass"],
      ["github acme/travel-planner@main", "pass"],
      ["custom domains", "pass"],
      ["volumes", "pass"],
      ["backups", "unverified"],
    ]);
    expect(Object.keys(result.requests.byOperation).filter((op) => op.startsWith("preflight"))).toEqual([]);
    // DEP-10: the workflow of each commit is read.
    expect(result.requests.byOperation.workflowStatus).toBeGreaterThanOrEqual(5);
    expect(result.requests.byOperation.serviceInstanceUpdate).toBeUndefined();
  });

  it("says in its report what it cannot know: a repository's code, and the preflight's unverified checks", () => {
    const run = rehearse(["--stack", "prod"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("built from a repository (api, beat, worker): started from their start command in a stand-in container");
    expect(run.stdout).toContain("? preflight backups: ");
  });

  it("says a deploy would crash, with uvicorn's own line, when a list start command passes `$PORT` (exit 1)", () => {
    const file = stackFile(
      "staging",
      [
        "config:",
        "  trestle:railway: { project: rehearse-test, environment: staging }",
        "  trestle:services:",
        "    api:",
        "      source: { image: ghcr.io/acme/api:1 }",
        '      start: [uvicorn, app.main:app, --host, 0.0.0.0, --port, "$PORT"]',
        "      port: 8000",
        "      public: true",
        "      healthcheck: { path: /health }",
        "",
      ].join("\n"),
    );
    const run = rehearse(["--stack", "staging", "--config", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ api-deploy  api: CRASHED");
    expect(run.stdout).toContain("Error: Invalid value for '--port': '$PORT' is not a valid integer.");
  });

  it("paces polls to the Free plan's 100 requests an hour, and says when the first up cannot fit (exit 1)", () => {
    const file = stackFile(
      "free",
      [
        "config:",
        "  trestle:railway: { project: rehearse-free, environment: staging }",
        "  trestle:services:",
        "    worker:",
        "      source: { image: ghcr.io/acme/worker:1 }",
        "      start: celery -A app worker",
        "",
      ].join("\n"),
    );
    const fits = rehearse(["--stack", "free", "--config", file, "--plan", "free", "--json"]);
    expect(fits.code).toBe(0);
    expect((JSON.parse(fits.stdout) as RehearsalResult).budget).toMatchObject({
      plan: "free",
      perHour: 100,
      pollIntervalSeconds: 72,
      polls: 5,
      fits: true,
    });

    const slow = rehearse(["--stack", "free", "--config", file, "--plan=free", "--build-seconds", "7200"]);
    expect(slow.code).toBe(1);
    expect(slow.stdout).toMatch(
      /first up on free: \d+ reads and writes \+ 101 status polls for 7200 s builds \(one every 72 s\) = \d+ requests; the plan allows 100 an hour/,
    );
    expect(slow.stdout).toContain("✗ the first up needs more requests than free allows in an hour");
  });

  it.each([
    [[], "--stack is required"],
    [["--stack", "prod", "--plan", "enterprise"], "--plan: `enterprise` is not a Railway plan; give free, hobby, pro"],
    [["--stack", "prod", "--config", "/no/such/file.yaml"], "--config: /no/such/file.yaml is not a file"],
    [["--stack", "prod", "--frobnicate"], "unknown argument `--frobnicate`"],
  ])("exits 2 on bad arguments %j", (args, message) => {
    const run = rehearse(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("npm run rehearse -- --from <old stack file>: an update never loses data without the opt-in", () => {
  /** A stack of its own with an API and a Postgres; `extra` lines go under `config:`. */
  const small = (extra: string[] = [], options: { postgres?: boolean; environment?: string } = {}) =>
    [
      "config:",
      `  trestle:railway: { project: rehearse-update, environment: ${options.environment ?? "staging"} }`,
      ...extra,
      "  trestle:services:",
      "    api:",
      "      source: { image: ghcr.io/acme/api:1 }",
      "      start: uvicorn app.main:app --host 0.0.0.0 --port $PORT",
      "      port: 8000",
      ...(options.postgres === false ? [] : ["      connects: [postgres]", "  trestle:postgres: {}"]),
      "",
    ].join("\n");

  function update(before: string, after: string): { code: number; out: UpdateRehearsal; stdout: string } {
    const to = stackFile("update", after);
    const from = path.join(path.dirname(to), "old.yaml");
    writeFileSync(from, before);
    const run = rehearse(["--stack", "update", "--config", to, "--from", from, "--json"]);
    if (run.code === 3) throw new Error(run.stderr);
    return { code: run.code, out: JSON.parse(run.stdout) as UpdateRehearsal, stdout: run.stdout };
  }

  it("naming the workspace the project is already in only re-describes it: an update, nothing lost (exit 0)", () => {
    const { code, out } = update(
      small(),
      small(["  trestle:railway: { project: rehearse-update, environment: staging, workspaceId: emulator-personal-workspace }"]).replace(
        "  trestle:railway: { project: rehearse-update, environment: staging }\n",
        "",
      ),
    );
    expect(out.after.failures).toEqual([]);
    expect(out.after.actions["pulumi-nodejs:dynamic/railway:Project::project"]).toBe("update");
    expect(Object.values(out.after.actions).filter((a) => a === "replace" || a === "delete")).toEqual([]);
    expect(out.lost).toEqual([]);
    expect(code).toBe(0);
  });

  it("renaming the environment is refused with the setting and the opt-in named, and nothing is touched (exit 1)", () => {
    const { code, out } = update(small(), small([], { environment: "qa" }));
    expect(out.after.failures.map((f) => f.resource)).toEqual(["environment"]);
    expect(out.after.failures[0].message).toMatch(
      /^refused: replacing the Railway environment `staging` .* set `trestle:railway\.environment` back to `staging`.*add `environment` to `trestle:allowReplace`/,
    );
    expect(out.after.skipped).toEqual(expect.arrayContaining(["postgres", "postgres-data", "api"]));
    expect(out.lost).toEqual([]);
    expect(code).toBe(1);
  });

  it("dropping a database from a staging stack is reported as destroying data (exit 1)", () => {
    const { code, out } = update(small(), small([], { postgres: false }));
    expect(out.lost.map((l) => [l.kind, l.resource]).sort()).toEqual([
      ["database service", "postgres"],
      ["volume", "postgres-data"],
    ]);
    expect(code).toBe(1);
  });

  it("dropping a database from a production stack is refused: it is protected, and nothing is lost (exit 1)", () => {
    const { code, out } = update(small(["  trestle:production: true"]), small(["  trestle:production: true"], { postgres: false }));
    expect(out.after.failures.map((f) => f.resource).sort()).toEqual(["postgres", "postgres-data"]);
    expect(out.after.failures[0].message).toContain(
      "it is protected (`trestle:protect`, on by default in production): `pulumi up` refuses to delete it",
    );
    expect(out.lost).toEqual([]);
    expect(code).toBe(1);
  });
});
