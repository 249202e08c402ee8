// Run by acceptance.test.ts in a fresh process (the SDK's runtime state is per
// process): the rehearsal engine against the real Railway API, printing its
// result as JSON. It creates real resources; the test deletes them.
import { rehearse } from "../../packages/cli/src/rehearse/run";

const [projectDir, stack] = process.argv.slice(2);
rehearse({ projectDir, stack, against: "railway", plan: (process.env.TRESTLE_LIVE_PLAN as "hobby" | undefined) ?? "hobby" })
  .then((result) => {
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(3);
  });
