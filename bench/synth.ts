// `npm run bench:synth`: wall time of the offline synth for each stack and
// example, and for generated architectures of 5, 25 and 100 services, against
// the time of loading the program alone (same process start, ts-node, imports)
// measured in the same run. Each is the median of a few fresh processes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const work = mkdtempSync(path.join(tmpdir(), "trestle-bench-"));

function timed(args: string[]): { ms: number; resources?: number } {
  const times: number[] = [];
  let resources: number | undefined;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
    });
    times.push(performance.now() - started);
    if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
    const out = args[args.indexOf("--out") + 1];
    const stack = args[args.indexOf("--stack") + 1];
    if (args.includes("--out")) resources = JSON.parse(readFileSync(path.join(out, `${stack}.json`), "utf8")).resources.length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], resources };
}

function synth(stack: string, config?: string) {
  return timed(["synth/cli.ts", "--stack", stack, "--quiet", "--out", path.join(work, "out"), ...(config ? ["--config", config] : [])]);
}

/** A stack of `n` Railway services: an API behind a Vercel frontend, and workers. */
function generated(n: number): string {
  const dir = path.join(work, `generated-${n}`);
  require("node:fs").mkdirSync(dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: trestle\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
  const services: Record<string, unknown> = {
    api: { source: { repo: "acme/app" }, port: 8000, public: true, healthcheck: { path: "/health" }, connects: ["postgres", "redis"], cors: {} },
  };
  for (let i = 1; i < n; i++) services[`worker-${i}`] = { source: { repo: "acme/app" }, start: `python -m worker ${i}`, connects: ["postgres", "redis"], variables: { SHARD: String(i) } };
  const config = {
    config: {
      "trestle:railway": { project: `bench-${n}`, environment: "production" },
      "trestle:services": services,
      "trestle:postgres": { version: 16 },
      "trestle:redis": { use: "both" },
      "trestle:frontend": { platform: "vercel", name: "bench-web", repo: "acme/app" },
    },
  };
  const file = path.join(dir, "Pulumi.bench.yaml");
  writeFileSync(file, stringify(config));
  return file;
}

function main() {
  const rows: [string, number, number | undefined][] = [];
  const baseline = timed(["bench/load-program.ts"]).ms;
  rows.push(["load the program only (baseline)", baseline, undefined]);
  for (const stack of ["staging", "prod"]) {
    const r = synth(stack);
    rows.push([`stack ${stack}`, r.ms, r.resources]);
  }
  for (const dir of readdirSync(path.join(ROOT, "examples")).sort()) {
    for (const file of readdirSync(path.join(ROOT, "examples", dir)).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
      const stack = file.slice("Pulumi.".length, -".yaml".length);
      const r = synth(stack, path.join(ROOT, "examples", dir, file));
      rows.push([`example ${dir} (${stack})`, r.ms, r.resources]);
    }
  }
  for (const n of [5, 25, 100]) {
    const r = synth("bench", generated(n));
    rows.push([`generated: ${n} services`, r.ms, r.resources]);
  }
  rmSync(work, { recursive: true, force: true });

  console.log(`Offline synth wall time, median of ${RUNS} fresh processes (node ${process.version}, ts-node transpile-only)\n`);
  console.log("| what | resources | ms | over baseline |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [label, ms, resources] of rows) {
    console.log(`| ${label} | ${resources ?? ""} | ${ms.toFixed(0)} | ${resources === undefined ? "" : `+${(ms - baseline).toFixed(0)}`} |`);
  }
}

main();
