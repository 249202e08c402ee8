// `trestle rehearse --stack <name> [--config <file>] [--plan free|hobby|pro] [--build-seconds <n>] [--json]`
//
// Exit codes: 0 every deployment would come up, 1 one would not (or the first
// up would not fit the plan's hourly request budget), 2 invalid configuration
// or arguments, 3 the program itself failed.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
// The light entry: a bad argument is answered without Pulumi's SDK.
import { PLAN_LIMITS, RAILWAY_PLANS, RailwayPlan } from "@trestle/railway/limits";
import type { RehearsalResult } from "./run";
import { findProjectDir } from "../self";
import { eachFlag, fail } from "../cli-args";

const USAGE =
  "usage: trestle rehearse --stack <name> [--config <file>] [--plan free|hobby|pro] [--build-seconds <n>] [--json]\n" +
  "  --plan defaults to the stack's railwayPlan, else hobby; --build-seconds (default 240) sizes the projected status polls";

interface Args {
  stack?: string;
  config?: string;
  /** Default: the stack's `railwayPlan`, else hobby. */
  plan?: RailwayPlan;
  buildSeconds: number;
  json: boolean;
  projectDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { buildSeconds: 240, json: false, projectDir: findProjectDir() };
  for (const { flag, arg, value } of eachFlag(argv, USAGE)) {
    if (flag === "--stack") args.stack = value();
    else if (flag === "--config") args.config = path.resolve(value());
    else if (flag === "--plan") {
      const plan = value();
      if (!(RAILWAY_PLANS as readonly string[]).includes(plan)) fail(`--plan: \`${plan}\` is not a Railway plan; give ${RAILWAY_PLANS.join(", ")}`);
      args.plan = plan as RailwayPlan;
    } else if (flag === "--build-seconds") {
      const seconds = Number(value());
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 7200) fail("--build-seconds: give whole seconds from 0 to 7200");
      args.buildSeconds = seconds;
    } else if (flag === "--json") args.json = true;
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
  if (!/^[A-Za-z0-9_.-]+$/.test(args.stack!)) fail(`--stack: \`${args.stack}\` is not a stack name (letters, digits, \`.\`, \`_\`, \`-\`)`);
  if (args.config && (!existsSync(args.config) || !statSync(args.config).isFile())) fail(`--config: ${args.config} is not a file`);
  return args;
}

function report(result: RehearsalResult): string {
  if (result.configErrors.length) return [`✗ ${result.stack}: invalid configuration (${result.config})`, ...result.configErrors.map((e) => `  - ${e}`)].join("\n");
  const lines = [`rehearsal of ${result.stack} (${result.config}) against the Railway emulator, plan ${result.plan}`];
  const width = Math.max(0, ...result.deployments.map((d) => d.resource.length));
  for (const d of result.deployments) {
    const up = d.status === "SUCCESS" || d.status === "SLEEPING";
    lines.push(`  ${up ? "✓" : "✗"} ${d.resource.padEnd(width)}  ${d.service}: ${d.status}`);
    for (const line of d.logs.slice(-8)) lines.push(`      ${line}`);
  }
  for (const f of result.failures) lines.push(`  ✗ ${f.resource} (${f.type}): ${f.message}`);
  const skipped = result.notRehearsed.filter((r) => !r.type.startsWith("random:"));
  if (skipped.length) lines.push(`  not rehearsed (no emulator for their providers): ${skipped.map((r) => `${r.name} (${r.type.split(":")[0]})`).join(", ")}`);
  const { requests, budget } = result;
  lines.push(
    `  requests: ${requests.total} (${requests.mutations} mutations), most in one second: ${requests.maxPerSecond}`,
    `  first up on ${budget.plan}: ${budget.requests} reads and writes + ${budget.polls} status polls for ${budget.waitSeconds ? `${budget.waitSeconds} s of database deploys, then ` : ""}${budget.buildSeconds} s builds (one every ${budget.pollIntervalSeconds} s) = ${budget.total} requests; the plan allows ${PLAN_LIMITS[budget.plan].perHour} an hour`,
  );
  if (!budget.fits) lines.push(`  ✗ the first up needs more requests than ${budget.plan} allows in an hour: use a plan with a larger budget, or deploy in parts`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  try {
    const { rehearse, rehearsalExitCode } = await import("./run");
    const result = await rehearse({ projectDir: args.projectDir, stack: args.stack!, configFile: args.config, plan: args.plan, buildSeconds: args.buildSeconds });
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
