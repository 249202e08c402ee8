// The post-deploy health gate: after a deploy, poll the public health endpoint
// from the machine running `pulumi up` and fail the update if it never answers.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/**
 * A Node script (Node runs every Pulumi TypeScript program, so it is always
 * there; curl may not be) that GETs HEALTH_URL until it answers 2xx.
 */
export const HEALTH_GATE_SCRIPT = `node -e '
const url = process.env.HEALTH_URL;
const attempts = Number(process.env.HEALTH_ATTEMPTS);
const intervalMs = Number(process.env.HEALTH_INTERVAL_SECONDS) * 1000;
(async () => {
  let last = "no answer";
  for (let i = 1; i <= attempts; i++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10000), redirect: "follow" });
      if (response.ok) { console.log("healthy: " + url + " answered " + response.status + " (attempt " + i + ")"); return; }
      last = "HTTP " + response.status;
    } catch (error) {
      last = String(error && error.cause ? error.cause.code || error.message : error);
    }
    console.log("attempt " + i + "/" + attempts + ": " + last);
    if (i < attempts) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  console.error(url + " did not answer 2xx after " + attempts + " attempts (last: " + last + ")");
  process.exit(1);
})();
'`;

export interface HealthGateOptions {
  /** Whether to poll at all. @default true */
  enabled?: boolean;
  /** @default 30 */
  attempts?: number;
  /** @default 10 */
  intervalSeconds?: number;
}

/**
 * A command that runs once per deployment (its trigger is the deployment id, and
 * a changed trigger replaces it), never during preview.
 */
export function createHealthGate(
  name: string,
  args: { url: pulumi.Input<string>; deploymentId: pulumi.Input<string> } & HealthGateOptions,
  opts: pulumi.CustomResourceOptions,
): command.local.Command {
  return new command.local.Command(
    name,
    {
      create: HEALTH_GATE_SCRIPT,
      environment: {
        HEALTH_URL: args.url,
        HEALTH_ATTEMPTS: String(args.attempts ?? 30),
        HEALTH_INTERVAL_SECONDS: String(args.intervalSeconds ?? 10),
      },
      triggers: [args.deploymentId],
    },
    opts,
  );
}
