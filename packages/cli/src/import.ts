// `trestle import --project <id> [--environment <name>] [--stack <name>]`
//
// Reads an existing Railway project (one environment) and writes the stack file
// that describes it, so the first `trestle up` adopts every existing object and
// replaces none: the project by id, each service by name (`takeOver`), its
// domains and volumes as the resources find them. Postgres and Redis services
// started from the images Trestle uses become `trestle:postgres` /
// `trestle:redis` (more as `trestle:databases`), with the existing Postgres
// password kept; variables that look secret become stack secrets, encrypted
// with PULUMI_CONFIG_PASSPHRASE and never written in plain text.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Document, parse } from "yaml";
import type { Imported } from "./import-stack";
import { findProjectDir } from "./self";
import { encryptValue, newEncryptionSalt, passphraseMatches } from "./secret/passphrase";
import { eachFlag, fail, stackNameProblem } from "./cli-args";

const USAGE = "usage: trestle import --project <railway project id> [--environment <name>] [--stack <name>]";

function parseArgs(argv: string[]): { project: string; environment: string; stack?: string } {
  const given: Record<string, string> = {};
  for (const { flag, arg, value } of eachFlag(argv, USAGE, { project: "string", environment: "string", stack: "string" })) {
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    if (!["--project", "--environment", "--stack"].includes(flag)) fail(`unknown argument \`${arg}\`\n${USAGE}`);
    given[flag.slice(2)] = value();
  }
  if (!given.project) fail(`--project: give the Railway project's id (its settings page shows it)\n${USAGE}`);
  const stackProblem = given.stack === undefined ? undefined : stackNameProblem(given.stack);
  if (stackProblem) fail(`--stack: ${stackProblem}`);
  return { project: given.project, environment: given.environment ?? "production", stack: given.stack };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const projectDir = findProjectDir();
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) fail("no Pulumi.yaml here: run `trestle init <dir>` first, then import from inside it");
  const projectName = (parse(readFileSync(projectFile, "utf8")) as { name?: string } | null)?.name;
  if (!projectName) fail("Pulumi.yaml has no `name:`");
  const stack = args.stack ?? (args.environment === "production" ? "prod" : args.environment);
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (existsSync(file)) fail(`${path.relative(process.cwd(), file) || file}: exists; give another --stack, or move it away`);
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined)
    fail("set PULUMI_CONFIG_PASSPHRASE: the project's secrets are written encrypted with it, never in plain text");

  // Loaded now, not at start: a bad argument is answered without Pulumi's SDK.
  const [{ importedStack }, { InventoryError, RailwayTokenMissingError, isNotFound, readInventory }] = await Promise.all([
    import("./import-stack"),
    import("@trestle/railway"),
  ]);
  let imported: Imported;
  try {
    imported = importedStack(await readInventory(args.project, args.environment));
  } catch (error) {
    if (error instanceof InventoryError) fail(`--environment: ${error.message}`);
    if (error instanceof RailwayTokenMissingError) fail(`trestle import: ${error.message}`);
    if (isNotFound(error)) fail(`--project: Railway has no project \`${args.project}\` this token can read`);
    throw error;
  }
  const doc = new Document({ config: imported.config });
  if (Object.keys(imported.secrets).length) {
    const salt = newEncryptionSalt(passphrase);
    if (!passphraseMatches(passphrase, salt)) throw new Error("the passphrase does not open the salt it just made");
    for (const [key, value] of Object.entries(imported.secrets))
      doc.setIn(["config", `${projectName}:${key}`], { secure: encryptValue(passphrase, salt, value) });
    doc.set("encryptionsalt", salt);
  }
  doc.commentBefore = ` Imported by \`trestle import\` from Railway project ${args.project} (${args.environment}).\n The first \`trestle up\` adopts the project and each service by name; it replaces nothing.`;
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  const services = Object.keys(imported.config["trestle:services"] as Record<string, unknown>).length;
  console.log(
    `wrote ${path.relative(process.cwd(), file) || file}: ${services} service(s), ${Object.keys(imported.secrets).length} secret(s) encrypted`,
  );
  for (const note of imported.notes) console.log(`  note: ${note}`);
  console.log(`  next: trestle synth --stack ${stack}, then trestle rehearse --stack ${stack}, then trestle up --stack ${stack}`);
}

void main().catch((error: Error) => {
  console.error(`trestle import: ${error.message}`);
  process.exit(1);
});
