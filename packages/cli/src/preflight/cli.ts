// `trestle preflight --stack <name> [--config <file>] [--json]`
//
// Read-only questions to Railway before a first `up` (PRE-1 to PRE-6): the
// token, the workspace a new project lands in, the plan, GitHub access for
// each repository, the plan's quotas, and names already taken. The token comes
// from `RAILWAY_API_TOKEN` (account or workspace) or `RAILWAY_TOKEN` (project);
// `TRESTLE_RAILWAY_ENDPOINT` points it at another API (the emulator in tests).
//
// Exit codes: 0 nothing failed, 1 a check failed, 2 invalid configuration,
// arguments or no token, 3 the program itself failed.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { RAILWAY_PLANS, type RailwayPlan } from "@trestle/railway/limits";
import { eachFlag, fail, stackNameProblem } from "../cli-args";
import { findProjectDir } from "../self";

const USAGE =
  "usage: trestle preflight --stack <name> [--config <file>] [--json]\n" +
  "  asks Railway, read-only, whether the first `up` can succeed; the token comes from RAILWAY_API_TOKEN (account or workspace) or RAILWAY_TOKEN (project)";

interface Args {
  stack: string;
  config?: string;
  json: boolean;
  projectDir: string;
}

function parseArgs(argv: string[]): Args {
  let stack: string | undefined;
  const args: Omit<Args, "stack"> = { json: false, projectDir: findProjectDir() };
  for (const { flag, arg, value } of eachFlag(argv, USAGE, {
    stack: "string",
    config: "string",
    json: "boolean",
    "project-dir": "string",
  })) {
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === "--stack") stack = value();
    else if (flag === "--config") args.config = path.resolve(value());
    else if (flag === "--json") args.json = true;
    else if (flag === "--project-dir") args.projectDir = path.resolve(value());
    else fail(`unknown argument \`${arg}\`\n${USAGE}`);
  }
  if (!stack) fail(`--stack is required\n${USAGE}`);
  const problem = stackNameProblem(stack);
  if (problem) fail(`--stack: ${problem}`);
  if (args.config && (!existsSync(args.config) || !statSync(args.config).isFile())) fail(`--config: ${args.config} is not a file`);
  if (args.config && !argv.includes("--project-dir") && existsSync(path.join(path.dirname(args.config), "Pulumi.yaml")))
    args.projectDir = path.dirname(args.config);
  if (!process.env.RAILWAY_API_TOKEN && !process.env.RAILWAY_TOKEN) {
    fail(
      "preflight asks Railway, and there is no token: export RAILWAY_API_TOKEN (an account or workspace token, https://railway.com/account/tokens) " +
        "or RAILWAY_TOKEN (a project token). Without an account, `trestle rehearse --stack " +
        stack +
        "` runs the same checks against the emulator",
    );
  }
  return { ...args, stack };
}

const MARK = { pass: "✓", fail: "✗", warn: "!", unverified: "?" } as const;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { synthesize, loadStack } = await import("../synth/run");
  const { configureRailway, preflight, preflightFailed, ENDPOINT_ENV } = await import("@trestle/railway");
  const { intentOf } = await import("./intent");
  const configFile = args.config ?? path.join(args.projectDir, `Pulumi.${args.stack}.yaml`);
  const synth = await synthesize({ projectDir: args.projectDir, stack: args.stack, configFile });
  if (synth.configErrors.length) {
    console.error([`✗ ${args.stack}: invalid configuration (${synth.config})`, ...synth.configErrors.map((e) => `  - ${e}`)].join("\n"));
    process.exitCode = 2;
    return;
  }
  const loaded = loadStack(args.projectDir, configFile);
  const stated = "values" in loaded ? loaded.values[`${loaded.project.name}:railwayPlan`] : undefined;
  const plan: RailwayPlan = (RAILWAY_PLANS as readonly string[]).includes(stated ?? "") ? (stated as RailwayPlan) : "hobby";
  configureRailway({ endpoint: process.env[ENDPOINT_ENV] || undefined, plan });
  const checks = await preflight(intentOf(synth.resources, plan));
  if (args.json) process.stdout.write(`${JSON.stringify({ stack: args.stack, config: synth.config, checks }, null, 2)}\n`);
  else {
    const width = Math.max(...checks.map((c) => c.check.length));
    console.log(
      [
        `preflight of ${args.stack} (${synth.config}) against ${process.env[ENDPOINT_ENV] || "Railway"}`,
        ...checks.map((c) => `  ${MARK[c.status]} ${c.check.padEnd(width)}  ${c.detail}`),
      ].join("\n"),
    );
  }
  process.exitCode = preflightFailed(checks) ? 1 : 0;
}

main()
  .catch((error) => {
    console.error(`trestle preflight: ${(error as Error).message.split("\n")[0]}`);
    process.exitCode = 3;
  })
  .finally(() => setImmediate(() => process.exit(process.exitCode ?? 0)));
