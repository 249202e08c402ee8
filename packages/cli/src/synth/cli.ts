// `trestle synth --stack <name> [--config <file>] [--out <dir>] [--json] [--diff-base <git-ref>]`
//
// Exit codes: 0 clean, 1 a mandatory policy violation, 2 invalid configuration
// or arguments, 3 the program failed.
import { escLine } from "./esc";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
// The diff, the report and the program run are loaded when needed: an argument
// error or `--help` answers without loading Pulumi's SDK.
import type { SynthResult } from "./run";
import { findProjectDir, installRoot, selfInvocation } from "../self";
import { eachFlag, fail, stackNameProblem } from "../cli-args";

interface Args {
  stack?: string;
  config?: string;
  out: string;
  json: boolean;
  diffBase?: string;
  projectDir: string;
  quiet: boolean;
}

/** `trestle diff` runs this module too (bin.ts names it in argv), with `--base` read as `--diff-base`. */
const AS_DIFF = path.basename(process.argv[1] ?? "") === "diff";
const USAGE = AS_DIFF
  ? "usage: trestle diff --stack <name> --base <git-ref> [--config <file>] [--out <dir>]   (what the stack deploys differently from that commit)"
  : "usage: trestle synth --stack <name> [--config <file>] [--out <dir>] [--json] [--diff-base <git-ref>]";

function parseArgs(argv: string[]): Args {
  const args: Args = { out: path.join(process.cwd(), ".trestle", "synth"), json: false, projectDir: findProjectDir(), quiet: false };
  for (const { flag, arg, value } of eachFlag(argv, USAGE, {
    stack: "string",
    config: "string",
    out: "string",
    json: "boolean",
    "diff-base": "string",
    "project-dir": "string",
    quiet: "boolean",
  })) {
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === "--stack") args.stack = value();
    else if (flag === "--config") args.config = path.resolve(value());
    else if (flag === "--out") args.out = path.resolve(value());
    else if (flag === "--json") args.json = true;
    else if (flag === "--diff-base") args.diffBase = value();
    else if (flag === "--project-dir") args.projectDir = path.resolve(value());
    else if (flag === "--quiet") args.quiet = true;
    else fail(`unknown argument \`${arg}\`\n${USAGE}`);
  }
  // A stack file with its own Pulumi.yaml beside it (as in examples/) belongs to that project.
  if (args.config && !argv.includes("--project-dir") && existsSync(path.join(path.dirname(args.config), "Pulumi.yaml"))) {
    args.projectDir = path.dirname(args.config);
  }
  if (!args.stack) fail(`--stack is required\n${USAGE}`);
  if (AS_DIFF && !args.diffBase) fail(`--base is required: the commit to compare with, e.g. \`origin/main\`\n${USAGE}`);
  const stackProblem = args.stack === undefined ? undefined : stackNameProblem(args.stack);
  if (stackProblem) fail(`--stack: ${stackProblem}`);
  if (args.config && !existsSync(args.config)) fail(`--config: ${args.config} does not exist`);
  if (args.config && !statSync(args.config).isFile())
    fail(`--config: ${args.config} is not a regular file; give the path of a YAML stack file`);
  if (args.diffBase !== undefined && (args.diffBase.startsWith("-") || /[\0\s]/.test(args.diffBase)))
    fail(`--diff-base: \`${args.diffBase}\` is not a git revision`);
  try {
    mkdirSync(args.out, { recursive: true });
    if (!statSync(args.out).isDirectory()) throw new Error("not a directory");
  } catch (error) {
    fail(
      `--out: cannot write reports to ${args.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a directory that can be created`,
    );
  }
  return args;
}

function progress(args: Args, message: string): void {
  if (!args.quiet) process.stderr.write(`synth ${args.stack}: ${message}\n`);
}

function exitCode(result: SynthResult): number {
  return result.configErrors.length ? 2 : result.policies.mandatory ? 1 : 0;
}

function summary(result: SynthResult, files: string[]): string {
  if (result.configErrors.length)
    return [`✗ ${result.stack}: invalid configuration (${result.config})`, ...result.configErrors.map((e) => `  - ${e}`)].join("\n");
  const { mandatory, advisory, violations } = result.policies;
  const lines = [
    `${mandatory ? "✗" : "✓"} ${result.stack}: ${result.resources.length} resources, policies ${mandatory} mandatory / ${advisory} advisory`,
    ...(result.environments ? [`  ${escLine(result.environments)}`] : []),
    ...violations.flatMap((v) => [
      `  ${v.enforcementLevel === "mandatory" ? "✗" : "!"} ${v.policy}: ${v.message}`,
      ...(v.where ? [`      in ${result.config}: ${v.where}`] : []),
      `      fix: ${v.remediationSteps}`,
    ]),
    ...files.map((f) => `  wrote ${path.relative(process.cwd(), f) || f}`),
  ];
  return lines.join("\n");
}

/** One stack in this process. */
async function synthOne(args: Args): Promise<number> {
  progress(
    args,
    `running the program for ${path.relative(process.cwd(), args.config ?? path.join(args.projectDir, `Pulumi.${args.stack}.yaml`))} under the mock runtime`,
  );
  const [{ synthesize }, { markdownReport }] = await Promise.all([import("./run"), import("./report")]);
  const result = await synthesize({
    projectDir: args.projectDir,
    stack: args.stack!,
    configFile: args.config,
    policyConfigFile: path.join(args.projectDir, "policies", "config.json"),
  });
  mkdirSync(args.out, { recursive: true });
  const jsonFile = path.join(args.out, `${args.stack}.json`);
  const mdFile = path.join(args.out, `${args.stack}.md`);
  writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(mdFile, markdownReport(result));
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else console.log(summary(result, [jsonFile, mdFile]));
  return exitCode(result);
}

/** A synth in a fresh process (the SDK's runtime state is per process). */
function synthInChild(projectDir: string, stack: string, config: string | undefined, out: string): SynthResult | undefined {
  const child = spawnSync(
    process.execPath,
    [
      ...selfInvocation("synth", __filename),
      "--stack",
      stack,
      "--project-dir",
      projectDir,
      "--out",
      out,
      "--quiet",
      ...(config ? ["--config", config] : []),
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status === 3 || child.status === null) throw new Error(`synth of ${stack} in ${projectDir} failed:\n${child.stderr}`);
  const file = path.join(out, `${stack}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SynthResult) : undefined;
}

/** `node_modules` for a checkout of another commit: links to this one's packages, Trestle's from that commit's `packages/`. */
function linkInstalledPackages(from: string, to: string): void {
  if (!existsSync(to) || existsSync(path.join(to, "node_modules"))) return;
  const modules = path.join(to, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(from, "node_modules"))) {
    if (entry === "@trestle") continue;
    symlinkSync(path.join(from, "node_modules", entry), path.join(modules, entry));
  }
  const ours = path.join(from, "node_modules", "@trestle");
  if (!existsSync(ours)) return;
  mkdirSync(path.join(modules, "@trestle"));
  for (const name of readdirSync(ours)) {
    const atBase = path.join(to, "packages", name);
    symlinkSync(existsSync(atBase) ? atBase : realpathSync(path.join(ours, name)), path.join(modules, "@trestle", name));
  }
}

/** The stack at `ref` against the working tree, as markdown. */
async function diffAgainst(args: Args): Promise<number> {
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: args.projectDir, encoding: "utf8" });
  if (top.error || top.status !== 0) {
    fail(
      `${AS_DIFF ? "--base" : "--diff-base"}: ${top.error ? "git is not installed" : `${args.projectDir} is not in a git repository`}; a diff compares against a commit (run \`git init\` and commit${AS_DIFF ? ", or run `trestle synth` for the stack alone" : ", or synthesize without --diff-base"})`,
    );
  }
  const repo = top.stdout.trim();
  const relProject = path.relative(repo, args.projectDir);
  const work = mkdtempSync(path.join(tmpdir(), "trestle-diff-"));
  try {
    progress(args, `checking out ${args.diffBase}`);
    // The revision is resolved to a commit first, with nothing user-supplied read as an option.
    const resolved = spawnSync("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${args.diffBase}^{commit}`], {
      cwd: repo,
      encoding: "utf8",
    });
    if (resolved.status !== 0)
      fail(`--diff-base: \`${args.diffBase}\` is not a commit in this repository (try \`origin/main\` after \`git fetch\`)`);
    const commit = resolved.stdout.trim();
    const archive = spawnSync("git", ["archive", "--format=tar", commit], { cwd: repo, maxBuffer: 512 * 1024 * 1024 });
    if (archive.status !== 0) fail(`--diff-base: git cannot read \`${args.diffBase}\`: ${archive.stderr.toString().trim()}`);
    const baseRoot = path.join(work, "base");
    mkdirSync(baseRoot);
    execFileSync("tar", ["-x", "-C", baseRoot], { input: archive.stdout });
    const baseProject = path.join(baseRoot, relProject);
    // The program at the base commit uses this checkout's installed packages,
    // except Trestle's own, which are the base commit's when it has them.
    const installed = installRoot(args.projectDir);
    if (installed) linkInstalledPackages(installed, path.join(baseRoot, path.relative(repo, installed)));
    const baseConfig = args.config ? path.join(baseProject, path.relative(args.projectDir, args.config)) : undefined;

    progress(args, `synthesizing ${args.diffBase}`);
    const empty: SynthResult = {
      format: 1,
      project: "",
      stack: args.stack!,
      config: "",
      configErrors: [],
      resources: [],
      outputs: {},
      policies: { violations: [], mandatory: 0, advisory: 0 },
      secretVariables: [],
    };
    const hasBaseStack =
      existsSync(baseConfig ?? path.join(baseProject, `Pulumi.${args.stack}.yaml`)) && existsSync(path.join(baseProject, "Pulumi.yaml"));
    const base = hasBaseStack ? (synthInChild(baseProject, args.stack!, baseConfig, path.join(work, "out-base")) ?? empty) : empty;
    progress(args, "synthesizing the working tree");
    const head = synthInChild(args.projectDir, args.stack!, args.config, path.join(work, "out-head"));
    if (!head) fail(`the synth of the working tree wrote nothing`);
    // A base that does not synthesize (invalid config then) diffs as empty.
    const { diffSynths, markdownDiff } = await import("./diff");
    const changes = await diffSynths(base.configErrors.length ? empty : base, head);
    const markdown = markdownDiff(args.stack!, args.diffBase!, changes, head);
    mkdirSync(args.out, { recursive: true });
    writeFileSync(path.join(args.out, `${args.stack}.diff.md`), markdown);
    process.stdout.write(markdown);
    return exitCode(head);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  try {
    process.exitCode = args.diffBase ? await diffAgainst(args) : await synthOne(args);
  } catch (error) {
    console.error(`synth ${args.stack}: the program failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 3;
  }
}

void main();
