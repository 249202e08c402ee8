// Every command line the README and docs/*.md give a user is parsed against
// what it names: a `trestle` command and each of its flags against that
// command's own usage, an npm script against package.json (and, when it runs
// `trestle`, its flags too), a Pulumi CLI command against the commands Pulumi
// has. A renamed flag or a removed command fails here before a reader meets it.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const BIN = path.join(ROOT, "packages", "cli", "bin", "trestle.js");
const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const SCRIPTS = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** Pulumi CLI commands the docs may name (`pulumi <command> …`). */
const PULUMI = new Set([
  "config",
  "preview",
  "up",
  "destroy",
  "refresh",
  "login",
  "stack",
  "policy",
  "package",
  "new",
  "import",
  "plugin",
  "env",
]);

interface Line {
  file: string;
  text: string;
}

/** Command lines: each line of a ```bash block (comments dropped, `&&` and `;` split), and inline code that starts with a command. */
function commandLines(): Line[] {
  const lines: Line[] = [];
  for (const file of DOCS) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const [, block] of text.matchAll(/```bash\n([\s\S]*?)```/g)) {
      for (const raw of block.split("\n")) {
        const line = raw.replace(/\s+#.*$/, "").trim();
        if (line) for (const part of line.split(/\s*(?:&&|;)\s*/)) lines.push({ file, text: part });
      }
    }
    for (const [, code] of text.matchAll(/`((?:npx|npm run) [^`]+)`/g)) lines.push({ file, text: code.replace(/\\\|/g, "|") });
  }
  return lines;
}

/** What a line runs: `trestle <command>` with its arguments, an npm script, or a Pulumi command. */
function parse(
  line: string,
):
  | { kind: "trestle"; command: string; args: string[] }
  | { kind: "npm"; script: string; args: string[] }
  | { kind: "pulumi"; command: string }
  | undefined {
  const words = line.replace(/^(\w+=\S+\s+)+/, "").split(/\s+/);
  if (words[0] === "npx") {
    const at = words.indexOf("trestle");
    if (at < 0) return undefined;
    return { kind: "trestle", command: words[at + 1], args: words.slice(at + 2) };
  }
  if (words[0] === "npm" && words[1] === "run") return { kind: "npm", script: words[2], args: words.slice(words.indexOf("--") + 1) };
  if (words[0] === "pulumi") return { kind: "pulumi", command: words[1] };
  return undefined;
}

const usages = new Map<string, string>();
beforeAll(() => {
  const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" }).stdout;
  for (const [, command] of help.matchAll(/^ {2}([a-z-]+) /gm)) {
    usages.set(command, spawnSync(process.execPath, [BIN, command, "--help"], { encoding: "utf8" }).stdout);
  }
});

/** The flags a trestle command line uses that its command's usage does not name. */
function unknownFlags(command: string, args: string[]): string[] {
  const usage = usages.get(command) ?? "";
  const until = args.indexOf("--"); // what follows `--` goes to Pulumi
  return (until < 0 ? args : args.slice(0, until))
    .filter((a) => a.startsWith("--"))
    .map((a) => a.split("=")[0])
    .filter((flag) => !new RegExp(`${flag}\\b`).test(usage));
}

describe("the command lines of README.md and docs/*.md", () => {
  const lines = commandLines();

  it("are there to check (more than 30)", () => {
    expect(lines.length).toBeGreaterThan(30);
  });

  it("name trestle commands that exist, with flags their usage names", () => {
    const wrong: string[] = [];
    for (const { file, text } of lines) {
      const run = parse(text);
      if (run?.kind !== "trestle") continue;
      // `preview|up` in a table stands for each of them.
      for (const command of run.command.split("|")) {
        if (!usages.has(command)) wrong.push(`${file}: \`${text}\`: no command \`${command}\``);
        else for (const flag of unknownFlags(command, run.args)) wrong.push(`${file}: \`${text}\`: \`${command}\` has no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("name npm scripts that exist, and a script that runs trestle gets flags that command takes", () => {
    const wrong: string[] = [];
    for (const { file, text } of lines) {
      const run = parse(text);
      if (run?.kind !== "npm") continue;
      for (const name of run.script.split("|")) {
        const script = SCRIPTS[name];
        if (script === undefined) {
          wrong.push(`${file}: \`${text}\`: no npm script \`${name}\``);
          continue;
        }
        const trestle = /^trestle ([a-z-]+)/.exec(script)?.[1];
        if (trestle && text.includes(" -- "))
          for (const flag of unknownFlags(trestle, run.args)) wrong.push(`${file}: \`${text}\`: \`${trestle}\` has no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("name Pulumi CLI commands that exist", () => {
    const wrong = lines
      .map(({ file, text }) => ({ file, text, run: parse(text) }))
      .filter(({ run }) => run?.kind === "pulumi" && !PULUMI.has(run.command))
      .map(({ file, text }) => `${file}: \`${text}\``);
    expect(wrong).toEqual([]);
  });
});
