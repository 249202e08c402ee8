// `trestle secret set <key> --stack <s> [--config <file>]`: sets a stack secret
// the Pulumi way. The value comes from standard input (piped) or a prompt that
// does not echo, never from the command line, where shell history and `ps` see
// it. With the Pulumi CLI installed, this is `pulumi config set --secret <key>`;
// without it, the value is encrypted with the stack's passphrase
// (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE) and written under
// the project's namespace, where `Pulumi.yaml` declares it.
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { findProjectDir } from "../self";
import { PassphraseError, setStackSecret } from "./passphrase";
import { eachFlag, fail, runCommand } from "../cli-args";

const USAGE = "usage: trestle secret set <key> --stack <name> [--config <stack file>]   (the value from standard input or a prompt)";

function parseArgs(argv: string[]): { key: string; stack?: string; config?: string } {
  const [verb, key, ...rest] = argv;
  if (verb === "--help" || verb === "-h") {
    console.log(USAGE);
    process.exit(0);
  }
  if (verb !== "set") fail(`${verb === undefined ? "give a verb" : `unknown verb \`${verb}\``}\n${USAGE}`);
  if (!key || key.startsWith("-")) fail(`give the secret's key\n${USAGE}`);
  // `key` is the project's own; `namespace:key` is another's, such as a provider's credential (`vercel:apiToken`).
  if (!/^([A-Za-z][A-Za-z0-9_-]*:)?[A-Za-z][A-Za-z0-9_]*$/.test(key))
    fail(`\`${key}\` is not a config key (letters, digits and \`_\`, starting with a letter; \`namespace:key\` for another namespace)`);
  const out: { key: string; stack?: string; config?: string } = { key };
  for (const { flag, arg, value } of eachFlag(rest, USAGE, { stack: "string", config: "string" }, { positionals: true })) {
    if (flag === "--stack") out.stack = value();
    else if (flag === "--config") out.config = path.resolve(value());
    else fail(`unknown argument \`${arg}\`; the value is read from standard input or a prompt, never from the command line\n${USAGE}`);
  }
  if (!out.stack && !out.config) fail(`--stack is required\n${USAGE}`);
  return out;
}

/** Reads the value: all of standard input when piped, else a prompt that does not echo. */
async function readValue(key: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  process.stderr.write(`${key}: `);
  process.stdin.setRawMode(true);
  return new Promise((resolve) => {
    let value = "";
    process.stdin.on("data", (data: Buffer) => {
      for (const c of data.toString("utf8")) {
        if (c === "\r" || c === "\n") {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (c === "\u0003") process.exit(130);
        value = c === "\u007f" ? value.slice(0, -1) : value + c;
      }
    });
  });
}

function passphrase(): string {
  if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined) return process.env.PULUMI_CONFIG_PASSPHRASE;
  const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) {
    if (!existsSync(file)) fail(`PULUMI_CONFIG_PASSPHRASE_FILE: ${file} does not exist`);
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  }
  fail(
    "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase; for a stack on another secrets provider use `pulumi config set --secret`",
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const file = args.config ?? path.join(findProjectDir(), `Pulumi.${args.stack}.yaml`);
  if (!existsSync(file) || !statSync(file).isFile())
    fail(`${path.relative(process.cwd(), file) || file}: no such stack file; give --stack of an existing stack or --config <file>`);
  const projectFile = path.join(path.dirname(file), "Pulumi.yaml");
  if (!existsSync(projectFile))
    fail(
      `${path.relative(process.cwd(), projectFile)}: no Pulumi.yaml beside the stack file; the secret's namespace is the project's name`,
    );
  const project = (parse(readFileSync(projectFile, "utf8")) as { name?: string } | null)?.name;
  if (!project) fail(`${path.relative(process.cwd(), projectFile)}: no \`name:\`; the secret's namespace is the project's name`);
  const fullKey = args.key.includes(":") ? args.key : `${project}:${args.key}`;
  const secret = passphrase();
  const value = await readValue(args.key);
  if (!value) fail(`${args.key}: the value is empty; pipe it in or type it at the prompt`);
  let rekeyed = 0;
  try {
    ({ rekeyed } = setStackSecret(file, secret, fullKey, value));
  } catch (error) {
    if (error instanceof PassphraseError) fail(error.message);
    throw error;
  }
  if (rekeyed)
    console.log(
      `the stack's ${rekeyed} placeholder secret(s) now use your passphrase (a new \`encryptionsalt\`); set each with \`trestle secret set\``,
    );
  console.log(`set ${fullKey} (encrypted) in ${path.relative(process.cwd(), file) || file}`);
}

runCommand("secret", main);
