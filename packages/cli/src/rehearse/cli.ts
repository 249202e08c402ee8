// `trestle rehearse --stack <name> [--config <file>] [--plan free|hobby|pro] [--build-seconds <n>] [--json]`
//
// Exit codes: 0 every deployment would come up, 1 one would not (or the first
// up would not fit the plan's hourly request budget), 2 invalid configuration
// or arguments, 3 the program itself failed.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
// The light entry: a bad argument is answered without Pulumi's SDK.
import { PLAN_LIMITS, RAILWAY_PLANS, RailwayPlan } from "@trestle/railway/limits";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { RehearsalResult } from "./run";
import type { UpdateRehearsal } from "./update";
import { findProjectDir } from "../self";
import { eachFlag, fail, stackNameProblem } from "../cli-args";

const USAGE =
  "usage: trestle rehearse --stack <name> [--config <file>] [--from <old stack file>] [--plan free|hobby|pro] [--build-seconds <n>] [--json]\n" +
  "  --plan defaults to the stack's railwayPlan, else hobby; --build-seconds (default 240) sizes the projected status polls\n" +
  "  --from rehearses the update from that stack file to this one, and fails if it deletes a project, environment, database or volume";

interface Args {
  stack?: string;
  config?: string;
  /** Default: the stack's `railwayPlan`, else hobby. */
  plan?: RailwayPlan;
  buildSeconds: number;
  json: boolean;
  projectDir: string;
  /** The stack file to rehearse the update from. */
  from?: string;
  /** One step of `--from`, run in a child against the parent's emulator. */
  step?: { endpoint?: string; state?: string; result?: string };
}

const FLAGS = {
  stack: "string",
  config: "string",
  plan: "string",
  "build-seconds": "string",
  json: "boolean",
  from: "string",
  "step-endpoint": "string",
  "step-state": "string",
  "step-result": "string",
  "project-dir": "string",
} as const;

function parseArgs(argv: string[]): Args {
  const args: Args = { buildSeconds: 240, json: false, projectDir: findProjectDir() };
  for (const { flag, arg, value } of eachFlag(argv, USAGE, FLAGS)) {
    if (flag === "--stack") args.stack = value();
    else if (flag === "--config") args.config = path.resolve(value());
    else if (flag === "--plan") {
      const plan = value();
      if (!(RAILWAY_PLANS as readonly string[]).includes(plan))
        fail(`--plan: \`${plan}\` is not a Railway plan; give ${RAILWAY_PLANS.join(", ")}`);
      args.plan = plan as RailwayPlan;
    } else if (flag === "--build-seconds") {
      const seconds = Number(value());
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 7200) fail("--build-seconds: give whole seconds from 0 to 7200");
      args.buildSeconds = seconds;
    } else if (flag === "--json") args.json = true;
    else if (flag === "--from") args.from = path.resolve(value());
    else if (flag === "--step-endpoint") args.step = { ...args.step, endpoint: value() };
    else if (flag === "--step-state") args.step = { ...args.step, state: value() };
    else if (flag === "--step-result") args.step = { ...args.step, result: value() };
    else if (flag === "--project-dir") args.projectDir = path.resolve(value());
    else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument \`${arg}\`\n${USAGE}`);
  }
  if (args.config && !argv.some((a) => a.startsWith("--project-dir")) && existsSync(path.join(path.dirname(args.config), "Pulumi.yaml"))) {
    args.projectDir = path.dirname(args.config);
  }
  if (!args.stack) fail(`--stack is required\n${USAGE}`);
  const stackProblem = args.stack === undefined ? undefined : stackNameProblem(args.stack);
  if (stackProblem) fail(`--stack: ${stackProblem}`);
  if (args.config && (!existsSync(args.config) || !statSync(args.config).isFile())) fail(`--config: ${args.config} is not a file`);
  if (args.from && (!existsSync(args.from) || !statSync(args.from).isFile())) fail(`--from: ${args.from} is not a file`);
  if (args.step && !(args.step.endpoint && args.step.result))
    fail("--step-endpoint and --step-result go together (they are how --from runs each step)");
  return args;
}

function report(result: RehearsalResult): string {
  if (result.configErrors.length)
    return [`✗ ${result.stack}: invalid configuration (${result.config})`, ...result.configErrors.map((e) => `  - ${e}`)].join("\n");
  const lines = [`rehearsal of ${result.stack} (${result.config}) against the Railway emulator, plan ${result.plan}`];
  const width = Math.max(0, ...result.deployments.map((d) => d.resource.length));
  for (const d of result.deployments) {
    const up = d.status === "SUCCESS" || d.status === "SLEEPING";
    lines.push(`  ${up ? "✓" : "✗"} ${d.resource.padEnd(width)}  ${d.service}: ${d.status}`);
    for (const line of d.logs.slice(-8)) lines.push(`      ${line}`);
  }
  for (const f of result.failures) lines.push(`  ✗ ${f.resource} (${f.type}): ${f.message}`);
  // What the emulator cannot know: the repository's own code.
  const fromRepos = Object.values(result.state)
    .filter((r) => r.type.endsWith("railway:Deployment") && (r.outs.source as { repo?: string } | undefined)?.repo)
    .map((r) => r.name.replace(/-deploy$/, ""))
    .sort();
  if (fromRepos.length)
    lines.push(
      `  built from a repository (${fromRepos.join(", ")}): started from their start command in a stand-in container, so SUCCESS says the settings, wiring and command hold, not that the code builds or boots`,
    );
  const marks = { pass: "✓", fail: "✗", warn: "!", unverified: "?" } as const;
  for (const c of result.preflight.filter((c) => c.status !== "pass")) lines.push(`  ${marks[c.status]} preflight ${c.check}: ${c.detail}`);
  const skipped = result.notRehearsed.filter((r) => !r.type.startsWith("random:"));
  if (skipped.length)
    lines.push(
      `  not rehearsed (no emulator for their providers): ${skipped.map((r) => `${r.name} (${r.type.split(":")[0]})`).join(", ")}`,
    );
  const { requests, budget } = result;
  lines.push(
    `  requests in this rehearsal (its deploys finish in a few polls): ${requests.total} (${requests.mutations} mutations), most in one second: ${requests.maxPerSecond}`,
    `  first up on ${budget.plan}: ${budget.requests} reads and writes + ${budget.polls} status polls for ${budget.waitSeconds ? `${budget.waitSeconds} s of database deploys, then ` : ""}${budget.buildSeconds} s builds (one every ${budget.pollIntervalSeconds} s) = ${budget.total} requests; the plan allows ${PLAN_LIMITS[budget.plan].perHour} an hour`,
  );
  if (!budget.fits)
    lines.push(
      `  ✗ the first up needs more requests than ${budget.plan} allows in an hour: use a plan with a larger budget, or deploy in parts`,
    );
  return lines.join("\n");
}

function updateReport(update: UpdateRehearsal): string {
  const lines = [
    `rehearsal of the update of ${update.after.stack} from ${path.basename(update.from)} to ${path.basename(update.to)} against the Railway emulator`,
  ];
  for (const [file, errors] of [
    [update.from, update.before.configErrors],
    [update.to, update.after.configErrors],
  ] as const) {
    if (errors.length)
      return [...lines, `  ✗ ${path.basename(file)} is not a valid stack file:`, ...errors.map((e) => `    - ${e}`)].join("\n");
  }
  const actions = Object.entries(update.after.actions).filter(([, a]) => a !== "same");
  const count = (a: string) => actions.filter(([, x]) => x === a).length;
  lines.push(`  ${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete`);
  for (const [key, action] of actions)
    lines.push(`    ${action.padEnd(7)} ${key.split("::")[1]} (${key.split("::")[0].replace(/^.*railway:/, "railway:")})`);
  for (const f of update.after.failures) lines.push(`  ✗ ${f.resource} (${f.type}): ${f.message}`);
  if (update.after.skipped.length)
    lines.push(`  left as they were (they depend on a failed step, so the engine stops before them): ${update.after.skipped.join(", ")}`);
  if (update.lost.length) {
    lines.push(`  ✗ destroys data${update.optedIn ? " (trestle:allowReplace opted in)" : ""}:`);
    for (const l of update.lost) lines.push(`    - the ${l.kind} of \`${l.resource}\` (${l.id}) is deleted`);
  } else lines.push("  ✓ keeps every project, environment, database and volume");
  return lines.join("\n");
}

/** 0: the update keeps every piece of data (or deletes only what it opted in to) and comes up; 1 otherwise; 2: invalid configuration. */
function updateExitCode(update: UpdateRehearsal): number {
  if (update.before.configErrors.length || update.after.configErrors.length) return 2;
  if (update.lost.length && !update.optedIn) return 1;
  return update.after.failures.length || update.after.deployments.some((d) => d.status !== "SUCCESS" && d.status !== "SLEEPING") ? 1 : 0;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const options = {
    projectDir: args.projectDir,
    stack: args.stack!,
    configFile: args.config,
    plan: args.plan,
    buildSeconds: args.buildSeconds,
  };
  if (args.step) {
    // One step of `--from`: the result goes to a file, the exit code says whether it failed.
    const { rehearse, rehearsalExitCode } = await import("./run");
    const { STEP_TOKEN_ENV } = await import("./update");
    const { readFileSync, writeFileSync } = await import("node:fs");
    const previous = args.step.state ? JSON.parse(readFileSync(args.step.state, "utf8")) : undefined;
    const result = await rehearse({
      ...options,
      previous,
      endpoint: { url: args.step.endpoint!, token: process.env[STEP_TOKEN_ENV] ?? "" },
    });
    writeFileSync(args.step.result!, JSON.stringify(result));
    process.exitCode = Math.min(rehearsalExitCode(result), 1);
    setImmediate(() => process.exit(process.exitCode ?? 0));
    return;
  }
  if (args.from) {
    try {
      const { rehearseUpdate } = await import("./update");
      const to = args.config ?? path.join(args.projectDir, `Pulumi.${args.stack}.yaml`);
      let allowReplace: unknown;
      try {
        allowReplace = (parse(readFileSync(to, "utf8")) as { config?: Record<string, unknown> } | null)?.config?.["trestle:allowReplace"];
      } catch {
        // An unreadable stack file is reported by its own step, with where the problem is.
      }
      const update = await rehearseUpdate({
        projectDir: args.projectDir,
        stack: args.stack!,
        from: args.from,
        to,
        optedIn: Array.isArray(allowReplace) && allowReplace.length > 0,
      });
      if (args.json) process.stdout.write(`${JSON.stringify(update, null, 2)}\n`);
      else console.log(updateReport(update));
      process.exitCode = updateExitCode(update);
    } catch (error) {
      console.error(`rehearse ${args.stack} --from: ${(error as Error).message}`);
      process.exitCode = 3;
    }
    setImmediate(() => process.exit(process.exitCode ?? 0));
    return;
  }
  try {
    const { rehearse, rehearsalExitCode } = await import("./run");
    const result = await rehearse(options);
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else console.log(report(result));
    process.exitCode = rehearsalExitCode(result);
  } catch (error) {
    console.error(`rehearse ${args.stack}: the program failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 3;
  }
  // The SDK's mock runtime can hold the event loop open.
  setImmediate(() => process.exit(process.exitCode ?? 0));
}

void main();
