// `npm run bench:synth`: wall time of the offline synth for each stack and
// example, and for generated architectures of 5, 25 and 100 services, against
// the time of loading the program alone (same process start, ts-node, imports)
// measured in the same run. Each is the median of a few fresh processes, in
// wall time and in CPU time (user + system, read by bench/cpu-probe.ts).
// The last line is the summary: the prod synth's CPU over the program load's,
// and the growth per resource (the slope of wall time between the generated
// 5- and 100-service stacks). The summary's ratio is the median of PAIRS
// runs of the two side by side (load, synth, load, synth, …), so a busy
// moment of the machine weighs on both sides of one pair, not on one side.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const work = mkdtempSync(path.join(tmpdir(), "trestle-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(args: string[], runs = RUNS): { ms: number; cpu: number; resources?: number } {
  const times: number[] = [];
  const cpuFile = path.join(work, `cpu-${Math.random().toString(36).slice(2)}`);
  let resources: number | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-r", "./bench/cpu-probe.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"), TRESTLE_BENCH_CPU_FILE: cpuFile },
    });
    times.push(performance.now() - started);
    if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
    const out = args[args.indexOf("--out") + 1];
    const stack = args[args.indexOf("--stack") + 1];
    if (args.includes("--out")) resources = JSON.parse(readFileSync(path.join(out, `${stack}.json`), "utf8")).resources.length;
  }
  const cpu = readFileSync(cpuFile, "utf8").trim().split("\n").map(Number);
  if (cpu.length !== runs) throw new Error(`expected ${runs} CPU readings from ${args.join(" ")}, got ${cpu.length}`);
  return { ms: median(times), cpu: median(cpu), resources };
}

function synth(stack: string, config?: string, runs = RUNS) {
  return timed(
    [
      "packages/cli/src/synth/cli.ts",
      "--stack",
      stack,
      "--quiet",
      "--out",
      path.join(work, "out"),
      ...(config ? ["--config", config] : []),
    ],
    runs,
  );
}

/** The prod synth's CPU over the program load's, one ratio per pair run back to back. */
function pairedRatios(): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) ratios.push(synth("prod", undefined, 1).cpu / timed(["bench/load-program.ts"], 1).cpu);
  return ratios;
}

/** A stack of `n` Railway services: an API behind a Vercel frontend, and workers. */
function generated(n: number): string {
  const dir = path.join(work, `generated-${n}`);
  require("node:fs").mkdirSync(dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: trestle\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
  const services: Record<string, unknown> = {
    api: {
      source: { repo: "acme/app" },
      port: 8000,
      public: true,
      healthcheck: { path: "/health" },
      connects: ["postgres", "redis"],
      cors: {},
    },
  };
  for (let i = 1; i < n; i++)
    services[`worker-${i}`] = {
      source: { repo: "acme/app" },
      start: `python -m worker ${i}`,
      connects: ["postgres", "redis"],
      variables: { SHARD: String(i) },
    };
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
  const rows: [string, { ms: number; cpu: number; resources?: number }][] = [];
  const load = timed(["bench/load-program.ts"]);
  rows.push(["load the program only (baseline)", load]);
  const stacks: Record<string, { ms: number; cpu: number; resources?: number }> = {};
  for (const stack of ["staging", "prod"]) {
    stacks[stack] = synth(stack);
    rows.push([`stack ${stack}`, stacks[stack]]);
  }
  for (const dir of readdirSync(path.join(ROOT, "examples")).sort()) {
    for (const file of readdirSync(path.join(ROOT, "examples", dir)).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
      const stack = file.slice("Pulumi.".length, -".yaml".length);
      rows.push([`example ${dir} (${stack})`, synth(stack, path.join(ROOT, "examples", dir, file))]);
    }
  }
  const sizes: Record<number, { ms: number; cpu: number; resources?: number }> = {};
  for (const n of [5, 25, 100]) {
    sizes[n] = synth("bench", generated(n));
    rows.push([`generated: ${n} services`, sizes[n]]);
  }
  const ratios = pairedRatios().sort((a, b) => a - b);
  rmSync(work, { recursive: true, force: true });

  console.log(`Offline synth wall time, median of ${RUNS} fresh processes (node ${process.version}, ts-node transpile-only)\n`);
  console.log("| what | resources | wall ms | over baseline | cpu ms | cpu / baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [label, r] of rows) {
    const extra = r.resources === undefined;
    console.log(
      `| ${label} | ${r.resources ?? ""} | ${r.ms.toFixed(0)} | ${extra ? "" : `+${(r.ms - load.ms).toFixed(0)}`} | ${r.cpu.toFixed(0)} | ${extra ? "" : `${(r.cpu / load.cpu).toFixed(2)}x`} |`,
    );
  }
  const slope = (sizes[100].ms - sizes[5].ms) / ((sizes[100].resources ?? 0) - (sizes[5].resources ?? 0));
  console.log(`\nprod synth CPU over program load, ${PAIRS} pairs run back to back: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
  console.log(`\nbench:synth prod ${median(ratios).toFixed(2)}x program load (cpu), ${slope.toFixed(1)} ms per resource`);
}

main();
