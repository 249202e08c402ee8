// The synth and the rehearsal run a project's TypeScript program in-process, as
// the Pulumi CLI does (it registers ts-node for `runtime.options.typescript`).
// Installed, the CLI is JavaScript and registers the project's own ts-node.
import { existsSync } from "node:fs";
import * as path from "node:path";

export function registerTypeScript(projectDir = process.cwd()): void {
  if (require.extensions[".ts"]) return; // already (Trestle's own repository, or `-r ts-node/register`)
  let tsNode: string;
  try {
    tsNode = require.resolve("ts-node", { paths: [projectDir] });
  } catch {
    const hint = existsSync(path.join(projectDir, "package.json"))
      ? "npm install --save-dev ts-node typescript"
      : "run it in a project made by `trestle init`";
    console.error(`trestle: loading the TypeScript program needs ts-node in the project; ${hint}`);
    process.exit(2);
  }
  (require(tsNode) as { register(options: object): void }).register({ transpileOnly: true, projectSearchDir: projectDir });
}
