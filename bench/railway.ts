// `npm run bench:railway`: the Railway requests the real program sends for its
// stacks (staging, prod, and a generated 20-service stack), against the Railway
// emulator: a first `up`, a no-op `up`, an `up` that changes one variable, and a
// destroy. Each `up` is the real program, its real providers and the rehearsal
// engine, in a fresh process, with the state the previous step left.
// Numbers, not assertions; the last line sums them up in a fixed form.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { railwayProviders } from "../packages/railway/src";
import { DATABASE_DEPLOY_SECONDS, planBudget } from "../packages/railway/src/limits";
import { configureRailway, resetRailwaySettings } from "../packages/railway/src/settings";
import { RailwayEmulator } from "../packages/railway/src/testing/emulator";
import type { RehearsalResult, RehearsalState } from "../packages/cli/src/rehearse/run";

const ROOT = path.resolve(__dirname, "..");

interface Row {
  stack: string;
  step: string;
  /** Mutations by operation. */
  byMutation: Record<string, number>;
  requests: number;
  mutations: number;
  deploys: number;
  objects?: number;
  maxPerSecond: number;
  ms: number;
}

/** A stack of `count` services in the shape of the example systems: an API, workers, Postgres and Redis. */
function generatedStack(count: number): string {
  const services: Record<string, unknown> = {
    api: {
      source: { image: "ghcr.io/acme/api:1" },
      start: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
      port: 8000,
      public: true,
      healthcheck: { path: "/health" },
      connects: ["postgres", "redis"],
      variables: { ENVIRONMENT: "bench" },
    },
  };
  for (let i = 1; i < count; i++)
    services[`worker-${i}`] = {
      source: { image: "ghcr.io/acme/api:1" },
      start: `celery -A app worker -Q q${i}`,
      connects: ["redis"],
      variables: { QUEUE: `q${i}` },
    };
  return stringify({
    config: {
      "trestle:railway": { project: "bench-20", environment: "staging" },
      "trestle:services": services,
      "trestle:postgres": {},
      "trestle:redis": { use: "queue" },
    },
  });
}

/** The stack file with one variable of one service changed. */
function oneVariableChanged(file: string, out: string): void {
  const doc = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  const services = doc.config["trestle:services"] as Record<string, { variables?: Record<string, string> }>;
  const [name, service] = Object.entries(services).find(([, s]) => s.variables && Object.keys(s.variables).length)!;
  const key = Object.keys(service.variables!)[0];
  service.variables![key] = `${service.variables![key]}-changed`;
  writeFileSync(out, stringify(doc));
  console.error(`  one variable: services.${name}.variables.${key}`);
}

function mutationsBy(emulator: RailwayEmulator, since: number): Record<string, number> {
  const by: Record<string, number> = {};
  for (const r of emulator.requests.slice(since)) if (r.kind === "mutation") by[r.operation] = (by[r.operation] ?? 0) + 1;
  return by;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "trestle-bench-"));
  const emulator = await RailwayEmulator.start();
  const rows: Row[] = [];
  try {
    resetRailwaySettings();
    configureRailway({ token: emulator.token, tokenKind: "account", endpoint: emulator.url, pollIntervalMs: 5 });
    // A project of its own over the root program, as the examples are.
    const generated = path.join(work, "Pulumi.bench20.yaml");
    writeFileSync(generated, generatedStack(20));
    writeFileSync(path.join(work, "Pulumi.yaml"), `name: bench-20\nmain: ${path.relative(work, ROOT)}\nruntime: nodejs\n`);
    const stacks: [string, string, string][] = [
      ["staging", ROOT, path.join(ROOT, "Pulumi.staging.yaml")],
      ["prod", ROOT, path.join(ROOT, "Pulumi.prod.yaml")],
      ["bench20", work, generated],
    ];

    for (const [stack, projectDir, file] of stacks) {
      let state: RehearsalState | undefined;
      // Async: the emulator answers from this process, so it must not block while the step runs.
      const up = async (step: string, config: string): Promise<RehearsalResult> => {
        const since = emulator.requests.length;
        const deploymentsBefore = emulator.state.deployments.size;
        const started = performance.now();
        const stateIn = path.join(work, `${stack}-in.json`);
        const resultOut = path.join(work, `${stack}-${step}.json`);
        if (state) writeFileSync(stateIn, JSON.stringify(state));
        const child = spawn(
          process.execPath,
          [
            "-r",
            "ts-node/register/transpile-only",
            path.join(__dirname, "railway-step.ts"),
            projectDir,
            stack,
            config,
            emulator.url,
            emulator.token,
            state ? stateIn : "-",
            resultOut,
          ],
          { env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") }, cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        if (status !== 0) throw new Error(`${stack} ${step} failed (exit ${status}):\n${stderr}`);
        const result = JSON.parse(readFileSync(resultOut, "utf8")) as RehearsalResult;
        const counts = emulator.counts(since);
        rows.push({
          stack,
          step,
          byMutation: mutationsBy(emulator, since),
          requests: counts.requests,
          mutations: counts.mutations,
          // Deployments Railway started in this step, whatever started them (a commit, a connect, a deploy, a variables write: VAR-1).
          deploys: emulator.state.deployments.size - deploymentsBefore,
          objects: step === "create" ? Object.keys(result.state).length : undefined,
          maxPerSecond: emulator.maxRequestsPerSecond(since),
          ms: performance.now() - started,
        });
        state = result.state;
        return result;
      };

      await up("create", file);
      await up("no-op", file);
      const changed = path.join(work, `Pulumi.${stack}-changed.yaml`);
      oneVariableChanged(file, changed);
      await up("one variable", changed);

      // Destroy: dependents first, as the engine deletes (protect ignored: every object is counted).
      const since = emulator.requests.length;
      const started = performance.now();
      const objects = Object.values(state!).sort((a, b) => b.order - a.order);
      for (const r of objects) {
        const provider = railwayProviders[r.type.replace(/^.*:/, "") as keyof typeof railwayProviders] as {
          delete?(id: string, props: unknown): Promise<void>;
        };
        await provider.delete?.(r.id, r.outs);
      }
      const counts = emulator.counts(since);
      // The floor counts what exists to delete: deployments are history, and an adopted environment is the project's.
      const deletable = objects.filter((r) => !r.type.endsWith(":Deployment") && r.outs.created !== false).length;
      rows.push({
        stack,
        step: "destroy",
        byMutation: mutationsBy(emulator, since),
        requests: counts.requests,
        mutations: counts.mutations,
        deploys: 0,
        objects: deletable,
        maxPerSecond: emulator.maxRequestsPerSecond(since),
        ms: performance.now() - started,
      });
    }
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }

  console.log("Railway requests of the real program's stacks against the emulator (deploys take 3 status polls here)\n");
  console.log("| stack   | step         | objects | requests | mutations | mutations/object | deploys | max req/s | ms    |");
  console.log("|---------|--------------|--------:|---------:|----------:|-----------------:|--------:|----------:|------:|");
  for (const r of rows) {
    const ratio = r.objects ? (r.mutations / r.objects).toFixed(2) : "";
    console.log(
      `| ${r.stack.padEnd(7)} | ${r.step.padEnd(12)} | ${String(r.objects ?? "").padStart(7)} | ${String(r.requests).padStart(8)} | ${String(r.mutations).padStart(9)} | ${ratio.padStart(16)} | ${String(r.deploys).padStart(7)} | ${String(r.maxPerSecond).padStart(9)} | ${r.ms.toFixed(0).padStart(5)} |`,
    );
  }
  const prod = (step: string) => rows.find((r) => r.stack === "prod" && r.step === step)!;
  console.log("\nMutations of prod's first up and destroy, by operation:\n");
  for (const step of ["create", "destroy"]) {
    const by = Object.entries(prod(step).byMutation).sort(([a], [b]) => a.localeCompare(b));
    console.log(`- ${step}: ${by.map(([op, n]) => `${op} ${n}`).join(", ")}`);
  }
  const floor = (r: Row) => (r.mutations / r.objects!).toFixed(2);
  const maxPerSecond = Math.max(...rows.filter((r) => r.stack === "bench20").map((r) => r.maxPerSecond));
  // Every deployment waiting in an environment shares one status request per poll:
  // a first up with four-minute builds on Hobby, after the databases' own deploy
  // (their clients wait for it), polls this many times, whatever the number of services.
  const polls = planBudget("hobby", 0, 240, DATABASE_DEPLOY_SECONDS).polls;
  console.log(
    `\nbench:railway create ${floor(prod("create"))}x floor, destroy ${floor(prod("destroy"))}x floor, no-op ${prod("no-op").mutations} mutations, ` +
      `one-variable ${prod("one variable").mutations} mutations ${prod("one variable").deploys} deploys, max ${maxPerSecond} req/s, first-up polls ${polls}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
