// One `pulumi up` of a stack against an emulator another process keeps, run by
// bench/railway.ts in a fresh process (the SDK's runtime state is per process):
// the rehearsal engine with the state the previous step left.
//   railway-step.ts <projectDir> <stack> <configFile> <endpoint> <token> <stateIn|-> <resultOut>
import { readFileSync, writeFileSync } from "node:fs";
import { RehearsalState, rehearse } from "../packages/cli/src/rehearse/run";

async function main(): Promise<void> {
  const [projectDir, stack, configFile, url, token, stateIn, resultOut] = process.argv.slice(2);
  const previous = stateIn === "-" ? undefined : (JSON.parse(readFileSync(stateIn, "utf8")) as RehearsalState);
  const result = await rehearse({ projectDir, stack, configFile, previous, endpoint: { url, token } });
  writeFileSync(resultOut, JSON.stringify(result));
  process.exit(result.configErrors.length || result.failures.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? error);
  process.exit(3);
});
