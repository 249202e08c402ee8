// `trestle preview|up --stack <s> [-- <pulumi args>]`: Pulumi with the policy
// pack on, so nobody has to remember two flags for the rules to run:
//   pulumi <preview|up> --stack <s> --policy-pack <project>/policies
//     --policy-pack-config <project>/policies/config.json <pulumi args>
// The pack directory is the project's `policies/` (what `trestle init` writes), or
// the nearest one above it in the same repository (this repository's examples).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { findProjectDir, nearestHolding } from "./self";
import { fail } from "./cli-args";

const [command, ...argv] = process.argv.slice(2);
const USAGE = `usage: trestle ${command} --stack <name> [-- <more pulumi ${command} arguments>]`;

/** The project's `policies/`, or in a repository of several projects the nearest one above it (up to the repository's root). */
function findPack(projectDir: string): string {
  return path.join(nearestHolding(projectDir, path.join("policies", "PulumiPolicy.yaml"), ".git") ?? projectDir, "policies");
}

let stack: string | undefined;
const passThrough: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === "--") {
    passThrough.push(...argv.slice(i + 1));
    break;
  }
  if (arg === "--help" || arg === "-h") {
    console.log(USAGE);
    process.exit(0);
  }
  if (arg === "--stack" || arg === "-s") stack = argv[++i];
  else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
  else fail(`unknown argument \`${arg}\`; give Pulumi's own arguments after \`--\`\n${USAGE}`);
}
if (!stack) fail(`--stack is required\n${USAGE}`);
if (!/^[A-Za-z0-9_./-]+$/.test(stack) || stack.startsWith("-")) fail(`--stack: \`${stack}\` is not a stack name`);

const projectDir = findProjectDir();
const pack = findPack(projectDir);
if (!existsSync(path.join(pack, "PulumiPolicy.yaml"))) {
  fail(
    `${path.relative(process.cwd(), pack) || pack}: no policy pack here; \`trestle init\` writes one (policies/index.ts constructs \`TrestlePolicies\`)`,
  );
}
const args = [command, "--stack", stack, "--policy-pack", pack];
const packConfig = path.join(pack, "config.json");
if (existsSync(packConfig)) args.push("--policy-pack-config", packConfig);
args.push(...passThrough);

const run = spawnSync("pulumi", args, { stdio: "inherit", cwd: projectDir });
if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT") {
  fail(
    "trestle: the Pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/), or run `trestle synth` for an offline preview",
  );
}
process.exit(run.status ?? 1);
