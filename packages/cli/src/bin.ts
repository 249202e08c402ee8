// `trestle <command>`: one entry for the CLI's commands. Each command is a
// module that reads its own arguments from process.argv, so it also runs alone.
import * as path from "node:path";
import { registerTypeScript } from "./typescript";

const COMMANDS: Record<string, { module: string; about: string; prefix?: string[] }> = {
  synth: { module: "./synth/cli", about: "offline preview of a stack: resources, policies, a report (no account needed)" },
  diff: { module: "./synth/cli", about: "what a stack deploys differently from a git commit (`--base <ref>`)" },
  rehearse: { module: "./rehearse/cli", about: "create every Railway resource against the emulator and start each deployment" },
  preflight: {
    module: "./preflight/cli",
    about: "ask Railway, read-only, whether a first `up` can succeed: token, workspace, plan, GitHub access, quotas, names",
  },
  "preview-env": { module: "./preview-env", about: "write a pull request's preview stack file from staging (`--pr <n> --branch <name>`)" },
  import: {
    module: "./import",
    about: "write a stack file from an existing Railway project, adopting everything (`--project <id> [--environment <name>]`)",
  },
  init: { module: "./init", about: "write a new Trestle project (`trestle init <dir> [--name <project>] [--from <example>]`)" },
  secret: { module: "./secret/cli", about: "set a stack secret from a prompt or standard input (`trestle secret set <key> --stack <s>`)" },
  preview: { module: "./pulumi", about: "`pulumi preview` with the project's policy pack and its config" },
  up: { module: "./pulumi", about: "`pulumi up` with the project's policy pack and its config" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: trestle <command> [options]   (trestle <command> --help for its options; trestle --version)",
    "",
    ...Object.entries(COMMANDS).map(([c, { about }]) => `  ${c.padEnd(width)}  ${about}`),
  ].join("\n");
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "--help" || command === "-h" || command === "help") {
  console.log(usage());
  process.exit(command === undefined ? 2 : 0);
}
if (command === "--version" || command === "-v") {
  console.log(`trestle ${(require("../package.json") as { version: string }).version}`);
  process.exit(0);
}
const entry = COMMANDS[command];
if (!entry) {
  console.error(`trestle: unknown command \`${command}\`\n${usage()}`);
  process.exit(2);
}
// `diff --base <ref>` is the synth's `--diff-base`.
const args =
  command === "diff" ? rest.map((a) => (a === "--base" ? "--diff-base" : a.startsWith("--base=") ? `--diff-base=${a.slice(7)}` : a)) : rest;
process.argv = [process.argv[0], path.join(__dirname, command), ...(entry.module === "./pulumi" ? [command] : []), ...args];
if (["synth", "diff", "rehearse", "preflight"].includes(command)) registerTypeScript();
require(entry.module);
