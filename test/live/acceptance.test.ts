// A live acceptance run for anyone with a Railway token: `npm run test:live`.
// It deploys, through the real components and providers, a throwaway project
// `trestle-live-<time>` with a Postgres with settings, a Redis with its password,
// a public image service whose start command uses `$PORT`, and a private probe
// that becomes healthy only when both databases answer over their private URLs;
// checks every deployment; then deletes the project, also on failure, and
// sweeps `trestle-live-*` projects older than an hour. Public images only.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { railwayOperation } from "../../packages/railway/src/client";
import { projectProvider } from "../../packages/railway/src/project";
import { railwayClient, resetRailwaySettings } from "../../packages/railway/src/settings";
import type { RehearsalResult } from "../../packages/cli/src/rehearse/run";
import { ROOT } from "../stack-harness";

const LIVE = Boolean(process.env.RAILWAY_API_TOKEN);
const NAME = `trestle-live-${Math.floor(Date.now() / 1000)}`;
const HOUR = 3600;

const LIVE_PROJECTS = railwayOperation(`
query liveProjects($workspaceId: String) {
  projects(workspaceId: $workspaceId, first: 500) { edges { node { id name } } }
}`);

/** DEP-9: the settings Railway keeps for an instance after its first deploy. */
const LIVE_INSTANCE = railwayOperation(`
query liveInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { startCommand healthcheckPath numReplicas }
}`);

async function liveProjects(): Promise<{ id: string; name: string }[]> {
  const data = await railwayClient().request<{ projects: { edges: { node: { id: string; name: string } }[] } }>(LIVE_PROJECTS, {
    workspaceId: process.env.RAILWAY_WORKSPACE_ID,
  });
  return data.projects.edges.map((e) => e.node).filter((p) => /^trestle-live-\d+$/.test(p.name));
}

async function deleteProject(id: string): Promise<void> {
  await projectProvider.delete!(id, { projectId: id, name: "", created: true });
}

/** The probe: installs the clients, waits until both databases answer over the private network, then serves its health check. */
// (No double quotes inside: the URLs hold no spaces, and Trestle's `/bin/sh -c "…"` then needs no escapes.)
const PROBE =
  "apk add --no-cache postgresql16-client redis >/dev/null && " +
  "until psql $DATABASE_URL -c 'select 1' >/dev/null && redis-cli -u $REDIS_URL ping | grep -q PONG; do sleep 2; done && " +
  "python -m http.server $PORT";

const STACK = [
  "config:",
  `  trestle:railway: { project: ${NAME}, workspaceId: ${process.env.RAILWAY_WORKSPACE_ID ?? "null"}, environment: production }`,
  "  trestle:production: false",
  "  trestle:protect: false",
  "  trestle:postgres: { settings: { max_connections: 50, shared_buffers: 64MB } }",
  "  trestle:redis: { use: cache }",
  "  trestle:services:",
  "    web:",
  "      source: { image: python:3.12-alpine }",
  "      start: python -m http.server $PORT",
  "      port: 8080",
  "      public: true",
  "      healthcheck: { path: / }",
  "    probe:",
  "      source: { image: python:3.12-alpine }",
  `      start: ${JSON.stringify(PROBE)}`,
  "      port: 8080",
  "      healthcheck: { path: /, timeoutSeconds: 600 }",
  "      connects: [postgres, redis]",
  "",
]
  .filter((line) => !line.includes("workspaceId: null"))
  .join("\n");

if (!LIVE) console.info("live Railway acceptance skipped: set RAILWAY_API_TOKEN (an account or workspace token) to run it");

describe.skipIf(!LIVE)(
  `live Railway acceptance (${LIVE ? NAME : "skipped: set RAILWAY_API_TOKEN to an account or workspace token to run it"})`,
  () => {
    let dir: string;
    let result: RehearsalResult | undefined;

    beforeAll(async () => {
      resetRailwaySettings(); // the real endpoint and RAILWAY_API_TOKEN
      const now = Date.now() / 1000;
      for (const stale of (await liveProjects()).filter((p) => now - Number(p.name.slice("trestle-live-".length)) > HOUR)) {
        await deleteProject(stale.id);
      }
      dir = mkdtempSync(path.join(tmpdir(), "trestle-live-"));
      writeFileSync(path.join(dir, "Pulumi.yaml"), `name: trestle-live\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
      writeFileSync(path.join(dir, "Pulumi.live.yaml"), STACK);
    }, 300_000);

    afterAll(async () => {
      // Also on failure: the project holds everything the run made.
      resetRailwaySettings();
      const ours = (await liveProjects()).filter((p) => p.name === NAME);
      for (const project of ours) await deleteProject(project.id);
      expect((await liveProjects()).filter((p) => p.name === NAME)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }, 300_000);

    it(
      "deploys Postgres, Redis, a public $PORT service and a probe that reaches both, and every deployment comes up",
      { timeout: 45 * 60_000 },
      async () => {
        const run = spawnSync(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", path.join(__dirname, "rehearse-live.ts"), dir, "live"],
          {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(run.stderr).toBe("");
        result = JSON.parse(run.stdout) as RehearsalResult;
        expect(result.failures).toEqual([]);
        expect(result.deployments.map((d) => [d.resource, d.status, d.logs])).toEqual([
          ["postgres-deploy", "SUCCESS", []],
          ["probe-deploy", "SUCCESS", []],
          ["redis-deploy", "SUCCESS", []],
          ["web-deploy", "SUCCESS", []],
        ]);
        const domain = result.created.find((c) => c.type === "ServiceDomain" && c.name === "web-domain");
        const response = await fetch(domain!.url!);
        expect(response.status).toBe(200);
      },
    );

    it("asked the preflight first, and nothing in it failed (PRE-1 to PRE-6)", () => {
      expect(result!.preflight.filter((c) => c.status === "fail")).toEqual([]);
      expect(result!.preflight.map((c) => c.check)).toEqual(expect.arrayContaining(["token", "workspace", "plan"]));
    });

    it("kept the start command and health check the first-deploy patch carried (DEP-9)", async () => {
      resetRailwaySettings();
      const environmentId = result!.created.find((c) => c.type === "Environment")!.id;
      const web = result!.created.find((c) => c.type === "Service" && c.name === "web")!.id;
      const { serviceInstance } = await railwayClient().request<{
        serviceInstance: { startCommand: string | null; healthcheckPath: string | null; numReplicas: number | null };
      }>(LIVE_INSTANCE, {
        serviceId: web,
        environmentId,
      });
      expect(serviceInstance.startCommand).toContain("python -m http.server");
      expect(serviceInstance.healthcheckPath).toBe("/");
    });

    it("brought each service up with one patch commit of its source, variables and backups, not the fallback (DEP-6)", () => {
      // DEP-6 is documented, not yet observed: a fallback here means Railway refused the
      // patch or deployed nothing after it. The deploys above still came up (the
      // fallback is the observed path); report it so the catalogue entry can change.
      const ops = result!.requests.byOperation;
      expect({
        environmentPatchCommit: ops.environmentPatchCommit,
        serviceConnect: ops.serviceConnect ?? 0,
        variableCollectionUpsert: ops.variableCollectionUpsert ?? 0,
      }).toEqual({
        environmentPatchCommit: 4,
        serviceConnect: 0,
        variableCollectionUpsert: 0,
      });
    });
  },
);
