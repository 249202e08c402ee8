// `trestle preview-env --pr <number> --branch <name> [--from staging] [--scope <vercel scope>] [--origin <url>]`
//
// Writes `Pulumi.pr-<number>.yaml`, a pull request's preview stack, from the
// base stack's file: the same architecture in a Railway project of its own
// (`<project>-pr-<number>`, environment `pr-<number>`) deploying the branch, so its Postgres and
// Redis are new and empty, never production's; the base stack's Vercel
// previews of the branch pointed at its API; CORS for exactly that preview.
// The base stack's secrets are kept as they are (the same `encryptionsalt`, so
// the same passphrase opens them). `trestle up --stack pr-<number>` deploys it;
// `pulumi destroy --stack pr-<number> --remove` takes it all away.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { findProjectDir } from "./self";
import { serviceNames, withoutProductionSettings } from "./stack-files";
import { eachFlag, fail, runCommand } from "./cli-args";

const USAGE =
  "usage: trestle preview-env --pr <number> --branch <name> [--from <base stack>] [--scope <vercel team slug>] [--origin <preview origin>] [--out <file>]";

interface Args {
  pr: number;
  branch: string;
  from: string;
  scope?: string;
  origin?: string;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const given: Partial<Record<string, string>> = {};
  for (const { flag, arg, value } of eachFlag(argv, USAGE, {
    pr: "string",
    branch: "string",
    from: "string",
    scope: "string",
    origin: "string",
    out: "string",
  })) {
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (!["--pr", "--branch", "--from", "--scope", "--origin", "--out"].includes(flag)) fail(`unknown argument \`${arg}\`\n${USAGE}`);
    given[flag.slice(2)] = value();
  }
  if (!given.pr || !/^[1-9]\d{0,8}$/.test(given.pr)) fail(`--pr: give the pull request's number\n${USAGE}`);
  if (!given.branch) fail(`--branch: give the pull request's branch\n${USAGE}`);
  if (/[\0\s]/.test(given.branch) || given.branch.startsWith("-")) fail(`--branch: \`${given.branch}\` is not a branch name`);
  return {
    pr: Number(given.pr),
    branch: given.branch,
    from: given.from ?? "staging",
    scope: given.scope,
    origin: given.origin,
    out: given.out,
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = findProjectDir();
  const base = path.join(projectDir, `Pulumi.${args.from}.yaml`);
  if (!existsSync(base)) fail(`${path.relative(process.cwd(), base) || base}: no such stack file; --from names the base stack (staging)`);
  const doc = parseDocument(readFileSync(base, "utf8"));
  if (doc.getIn(["config", "trestle:preview"])) fail(`--from: \`${args.from}\` is itself a preview; start from staging`);
  // A production stack's file holds production's secrets, settings and sizing: a
  // preview made from it would carry them into the pull request's own code.
  const production = doc.getIn(["config", "trestle:production"]);
  const environment = doc.getIn(["config", "trestle:railway", "environment"]) ?? "production";
  if (production === true || (production !== false && environment === "production")) {
    fail(
      `--from: \`${args.from}\` is a production stack (${production === true ? "`trestle:production: true`" : "its environment is `production`"}); a preview never copies production's secrets or settings: start from staging`,
    );
  }
  const project = doc.getIn(["config", "trestle:railway", "project"]);
  if (typeof project !== "string")
    fail(`${path.basename(base)}: \`trestle:railway.project\` is not set; a preview creates a project named after the base stack's`);

  // A Vercel frontend's preview origin is built from the team's slug: without it the stack file could not be synthesized.
  const platform =
    doc.getIn(["config", "trestle:frontend", "platform"]) ?? (doc.hasIn(["config", "trestle:frontend"]) ? "vercel" : undefined);
  if (platform === "vercel" && !args.scope && !args.origin) {
    fail(
      `--scope: \`${args.from}\`'s frontend is on Vercel, and its branch preview's origin is built from the team's slug; give --scope <vercel team slug> (or --origin <preview origin>)\n${USAGE}`,
    );
  }
  withoutProductionSettings(doc);
  // The pull request's code: every service built from the repository deploys its branch.
  for (const name of serviceNames(doc)) {
    if (doc.hasIn(["config", "trestle:services", name, "source", "repo"]))
      doc.setIn(["config", "trestle:services", name, "source", "branch"], args.branch);
  }
  if (doc.hasIn(["config", "trestle:frontend", "service", "source", "repo"]))
    doc.setIn(["config", "trestle:frontend", "service", "source", "branch"], args.branch);
  const stack = `pr-${args.pr}`;
  doc.setIn(["config", "trestle:railway"], doc.createNode({ project: `${project}-${stack}`, environment: stack }));
  // Preview data is throwaway: no protection to lift before `pulumi destroy`, no backups.
  doc.setIn(["config", "trestle:protect"], false);
  const named = (doc.getIn(["config", "trestle:databases"]) as { items: { key: { value: string } }[] } | undefined)?.items ?? [];
  const databases = [
    ["trestle:postgres"],
    ["trestle:redis"],
    ...named.flatMap((d) => ["redis", "postgres"].map((engine) => ["trestle:databases", String(d.key.value), engine])),
  ];
  for (const db of databases) if (doc.hasIn(["config", ...db, "backups"])) doc.deleteIn(["config", ...db, "backups"]);
  doc.setIn(
    ["config", "trestle:preview"],
    doc.createNode({
      pullRequest: args.pr,
      branch: args.branch,
      baseStack: args.from,
      ...(args.scope ? { scope: args.scope } : {}),
      ...(args.origin ? { origin: args.origin } : {}),
    }),
  );
  doc.commentBefore = ` Pull request #${args.pr} (${args.branch}): a preview of \`${args.from}\`, written by \`trestle preview-env\`.\n Its own Railway project, Postgres and Redis; the branch's Vercel previews point at its API.`;
  const out = args.out ? path.resolve(args.out) : path.join(projectDir, `Pulumi.${stack}.yaml`);
  writeFileSync(out, doc.toString({ lineWidth: 0 }));
  console.log(`wrote ${path.relative(process.cwd(), out) || out}: the preview of pull request #${args.pr}`);
}

runCommand("preview-env", main);
