// `trestle init <dir> [--name <project>] [--from <example>]`: a new Trestle
// project that synthesizes and rehearses clean right away.
//
//   Pulumi.yaml            its own project name, the secrets its stacks declare
//   Pulumi.prod.yaml       the architecture (the starter, or an example system's)
//   Pulumi.staging.yaml    the same, as a staging environment
//   index.ts               `export = trestleStack();`
//   package.json           the Trestle packages and Pulumi, pinned
//   policies/              the pack (`new TrestlePolicies(...)`) and its config
//
// Secrets are placeholders encrypted with PULUMI_CONFIG_PASSPHRASE (empty when
// unset), so nothing real is ever written; `trestle secret set` replaces them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Document, parseDocument } from "yaml";
import { newEncryptionSalt, encryptValue } from "./secret/passphrase";
import { withoutProductionSettings } from "./stack-files";
import { eachFlag, fail, runCommand } from "./cli-args";

const USAGE = "usage: trestle init <dir> [--name <project>] [--from <example>]";
/** Where the example systems are: packed beside the CLI, or this repository's `examples/`. */
const EXAMPLE_DIRS = [path.join(__dirname, "..", "templates", "examples"), path.join(__dirname, "..", "..", "..", "examples")];
const STARTER = path.join(__dirname, "..", "templates", "starter");
/** Pulumi's rule for project names. */
const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Example systems by their short name (`godo` for `examples/004-godo`). */
export function examples(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of EXAMPLE_DIRS) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (existsSync(path.join(dir, entry, "Pulumi.prod.yaml"))) found.set(entry.replace(/^\d+-/, ""), path.join(dir, entry));
    }
    if (found.size) break;
  }
  return found;
}

interface Args {
  dir: string;
  name: string;
  from?: string;
}

function parseArgs(argv: string[]): Args {
  let dir: string | undefined;
  let name: string | undefined;
  let from: string | undefined;
  for (const { flag, arg, value } of eachFlag(argv, USAGE, { name: "string", from: "string" }, { positionals: true })) {
    if (flag === "--help" || flag === "-h") {
      console.log(`${USAGE}\n  examples: ${[...examples().keys()].join(", ")}`);
      process.exit(0);
    } else if (flag === "--name") name = value();
    else if (flag === "--from") from = value();
    else if (!flag.startsWith("-") && dir === undefined) dir = flag;
    else fail(`unknown argument \`${arg}\`\n${USAGE}`);
  }
  if (!dir) fail(`give the directory to create\n${USAGE}`);
  const target = path.resolve(dir);
  name ??= path
    .basename(target)
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-");
  if (!PROJECT_NAME.test(name))
    fail(`--name: \`${name}\` is not a Pulumi project name (letters, digits, \`_\`, \`.\`, \`-\`; at most 100)`);
  if (name === "trestle") fail("--name: `trestle` is the namespace of Trestle's own settings; give your project a name of its own");
  if (from !== undefined && !examples().has(from))
    fail(`--from: no example \`${from}\`; the examples are ${[...examples().keys()].map((e) => `\`${e}\``).join(", ")}`);
  if (existsSync(target) && readdirSync(target).length) fail(`${dir}: exists and is not empty; give a new directory`);
  return { dir: target, name, from };
}

/** Every stack-secret key a stack file's `secrets` maps (and registry logins) name. */
function secretKeys(doc: Document): string[] {
  const keys = new Set<string>();
  const visit = (node: unknown, parent?: string) => {
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (parent === "secrets" && typeof v === "string") keys.add(v);
      else if (k === "passwordSecret" && typeof v === "string") keys.add(v);
      else visit(v, k);
    }
  };
  visit(doc.toJS()?.config);
  return [...keys].sort();
}

/** Where the stack files' JSON Schema is in a project once installed (shipped in @trestle/components). */
const STACK_FILE_SCHEMA = "./node_modules/@trestle/components/stack-file.schema.json";

/** The stack file for `stack`: the template's config, Trestle's keys kept, secrets as fresh placeholders. */
function stackFile(template: string, stack: "prod" | "staging", project: string, passphrase: string): { text: string; secrets: string[] } {
  const doc = parseDocument(template);
  const config = doc.get("config") as { items: { key: { value: string } }[] } | undefined;
  // Only Trestle's settings carry over; a template's own secrets are re-made below.
  for (const item of [...(config?.items ?? [])])
    if (!String(item.key.value).startsWith("trestle:")) doc.deleteIn(["config", item.key.value]);
  if (stack === "staging") {
    withoutProductionSettings(doc);
    doc.setIn(["config", "trestle:railway", "environment"], "staging");
  }
  const railway = doc.getIn(["config", "trestle:railway"]) as { get(k: string): unknown } | undefined;
  if (railway?.get("project") !== undefined) doc.setIn(["config", "trestle:railway", "project"], `${project}-${stack}`);
  const secrets = secretKeys(doc);
  if (secrets.length) {
    const salt = newEncryptionSalt(passphrase);
    for (const key of secrets)
      doc.setIn(["config", `${project}:${key}`], { secure: encryptValue(passphrase, salt, `placeholder-${key}-${stack}`) });
    doc.set("encryptionsalt", salt);
  }
  // The first line tells editors (yaml-language-server) which JSON Schema checks the file.
  doc.commentBefore = ` yaml-language-server: $schema=${STACK_FILE_SCHEMA}\n ${stack === "prod" ? "Production" : "Staging"} of ${project}. Secrets are placeholders: set each with\n \`trestle secret set <key> --stack ${stack}\` (the value from standard input or a prompt).`;
  return { text: doc.toString({ lineWidth: 0 }), secrets };
}

function projectFile(name: string, secrets: string[], from: string | undefined): string {
  const lines = [
    `name: ${name}`,
    `description: ${from ? `Trestle stacks, started from the ${from} example` : "Railway + Vercel + Postgres + Redis, declared with Trestle"}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    "    packagemanager: npm",
  ];
  if (secrets.length) {
    lines.push("# The stack secrets the services and the frontend read; every stack sets each one.", "config:");
    for (const key of secrets) lines.push(`  ${key}: { type: string, secret: true }`);
  }
  return `${lines.join("\n")}\n`;
}

/** This checkout's packages directory, when the CLI runs from Trestle's own sources. */
function checkoutPackages(): string | undefined {
  const packages = path.resolve(__dirname, "..", "..");
  return path.basename(__dirname) === "src" && existsSync(path.join(packages, "components", "src")) ? packages : undefined;
}

/**
 * How the new project names each Trestle package: the published version, or,
 * when this CLI runs from a checkout (nothing is on npm yet), the checkout's
 * packages packed into the new project's own `vendor/trestle/` and named by
 * relative `file:` paths, so the project can be committed, cloned, moved and
 * installed by a teammate or CI without the checkout.
 */
function trestleSpecs(version: string, projectDir: string): Record<string, string> {
  const names = ["railway", "components", "policies", "cli"];
  const packages = checkoutPackages();
  if (!packages || process.env.TRESTLE_INIT_SPECS === "version") return Object.fromEntries(names.map((n) => [`@trestle/${n}`, version]));
  const dest = path.join(projectDir, VENDOR);
  mkdirSync(dest, { recursive: true });
  console.error(
    `packing this checkout's packages into ${path.join(path.basename(projectDir), VENDOR)} (nothing is published yet; commit them with the project)`,
  );
  const specs: Record<string, string> = {};
  for (const name of names) {
    const run = spawnSync("npm", ["pack", "--silent", "--workspace", `packages/${name}`, "--pack-destination", dest], {
      cwd: path.join(packages, ".."),
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    if (run.status !== 0) fail(`npm pack of @trestle/${name} failed: ${run.stderr.trim()}`);
    specs[`@trestle/${name}`] = `file:${VENDOR}/${run.stdout.trim().split("\n").pop()!}`;
  }
  return specs;
}

/** Where a project made from a checkout keeps the packed Trestle packages (committed with it). */
const VENDOR = "vendor/trestle";

function packageFile(name: string, projectDir: string): string {
  const own = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string };
  const pulumi = "3.270.0";
  const trestle = trestleSpecs(own.version, projectDir);
  return `${JSON.stringify(
    {
      name,
      private: true,
      main: "index.ts",
      scripts: {
        synth: "trestle synth",
        rehearse: "trestle rehearse",
        preview: "trestle preview",
        up: "trestle up",
      },
      dependencies: {
        "@pulumi/pulumi": pulumi,
        "@pulumi/policy": "1.21.0",
        "@trestle/components": trestle["@trestle/components"],
        "@trestle/policies": trestle["@trestle/policies"],
        // Its dependency, named here so a packed checkout's copy is the one installed.
        "@trestle/railway": trestle["@trestle/railway"],
      },
      devDependencies: {
        "@trestle/cli": trestle["@trestle/cli"],
        "@types/node": "24.19.2",
        "ts-node": "10.9.2",
        typescript: "5.9.3",
      },
      // Pulumi's CLI installs provider plugins itself; the packages' own install scripts are not needed.
      allowScripts: { "@pulumi/command": false, protobufjs: false },
    },
    null,
    2,
  )}\n`;
}

const FILES: Record<string, string> = {
  "index.ts": `// The whole architecture is in Pulumi.<stack>.yaml; Trestle's stack program declares it.\nimport { trestleStack } from "@trestle/components";\n\nexport = trestleStack();\n`,
  "tsconfig.json": `${JSON.stringify({ compilerOptions: { target: "ES2023", module: "commonjs", moduleResolution: "node", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"] }, include: ["**/*.ts"], exclude: ["node_modules"] }, null, 2)}\n`,
  ".gitignore": "node_modules/\n.trestle/\n",
  "policies/PulumiPolicy.yaml": "runtime: nodejs\ndescription: Trestle's rules for this project's stacks\n",
  "policies/index.ts": `// The policy pack \`trestle preview\` and \`trestle up\` run. Levels and exemptions\n// (each with a written reason) go here or in config.json.\nimport { TrestlePolicies } from "@trestle/policies";\n\nnew TrestlePolicies("trestle");\n`,
  "policies/config.json": "{}\n",
};

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const source = args.from ? examples().get(args.from)! : STARTER;
  const template = readFileSync(path.join(source, "Pulumi.prod.yaml"), "utf8");
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? "";
  const prod = stackFile(template, "prod", args.name, passphrase);
  const staging = stackFile(template, "staging", args.name, passphrase);
  const files: Record<string, string> = {
    ...FILES,
    "Pulumi.yaml": projectFile(args.name, prod.secrets, args.from),
    "Pulumi.prod.yaml": prod.text,
    "Pulumi.staging.yaml": staging.text,
    "package.json": packageFile(args.name, args.dir),
    "policies/package.json": `${JSON.stringify({ name: `${args.name}-policies`, private: true, main: "index.ts" }, null, 2)}\n`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(args.dir, file)), { recursive: true });
    writeFileSync(path.join(args.dir, file), text);
  }
  const rel = path.relative(process.cwd(), args.dir).startsWith("..") ? args.dir : path.relative(process.cwd(), args.dir) || ".";
  console.log(
    [
      `wrote ${rel} (project ${args.name}${args.from ? `, from the ${args.from} example` : ""})`,
      `  cd ${rel} && git init && npm install        # git: \`trestle diff\` compares with a commit`,
      "  npx trestle synth --stack staging      # offline, no account",
      ...(prod.secrets.length
        ? [
            `  npx trestle secret set ${prod.secrets[0]} --stack prod < value.txt   # then the others: ${prod.secrets.slice(1).join(", ") || "none"}`,
          ]
        : []),
      "  npx trestle up --stack staging         # with the policy pack",
    ].join("\n"),
  );
}

runCommand("init", main);
