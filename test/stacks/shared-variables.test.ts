// The environment's shared variables (`trestle:shared`, VAR-2): one Variables
// resource with no service, written before the services that read
// `${{shared.NAME}}` deploy, and redeploying them when it changes.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { isSecretValue } from "../../packages/components/src/testing/recorder";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);

function stack(shared: unknown, preview = false) {
  const config: Record<string, unknown> = {
    railway: { project: "shop", environment: preview ? "pr-7" : "staging" },
    services: {
      api: {
        source: { repo: "acme/shop" },
        port: 8000,
        variables: { LOG_LEVEL: "${{shared.LOG_LEVEL}}", SENTRY_TOKEN: "${{shared.SENTRY_TOKEN}}" },
      },
      worker: { source: { repo: "acme/shop" }, start: "python -m worker" },
    },
    shared,
  };
  if (preview) config.preview = { pullRequest: 7, branch: "feat/x", baseStack: "staging", scope: "acme" };
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  const secrets = ["sentryToken", ...(JSON.stringify(shared).includes("dbUrl") ? ["dbUrl"] : [])];
  for (const key of secrets) values[`shop:${key}`] = `[secret shop:${key} 0123456789ab]`;
  return { values, secretKeys: secrets.map((k) => `shop:${k}`), project: "shop" };
}

let recorder: Recorder;
beforeAll(async () => {
  ({ recorder } = await runProgram("staging", stack({ variables: { LOG_LEVEL: "info" }, secrets: { SENTRY_TOKEN: "sentryToken" } })));
});

describe("shared variables (trestle:shared)", () => {
  it("are one Variables resource with no service, its secrets kept secret", () => {
    const shared = recorder.get(`${DYN}:Variables`, "shared-vars");
    expect(shared.inputs.serviceId).toBeUndefined();
    expect(shared.inputs.variables).toEqual({ LOG_LEVEL: "info" });
    expect(isSecretValue(shared.inputs.secretVariables)).toBe(true);
  });

  it("are written before a service that reads them deploys, and its deploy changes with them; a service that reads none waits for nothing", () => {
    const shared = recorder.get(`${DYN}:Variables`, "shared-vars");
    expect(recorder.get(`${DYN}:Deployment`, "api-deploy").dependencies).toContain(shared.urn);
    expect(recorder.get(`${DYN}:Deployment`, "worker-deploy").dependencies).not.toContain(shared.urn);
    // The shared values are one more (secret) entry of the reader's redeploy triggers.
    const entries = (name: string) => {
      const triggers = recorder.get(`${DYN}:Deployment`, name).inputs.triggers;
      return (isSecretValue(triggers) ? triggers.value : triggers) as unknown[];
    };
    expect(entries("api-deploy")).toHaveLength(entries("worker-deploy").length + 1);
  });

  it("refuse a `${{shared.NAME}}` they do not declare, naming what they do", async () => {
    const { parseStackConfig } = await import("../../packages/components/src/stack/config");
    const { values, secretKeys } = stack({ variables: { LOG_LEVEL: "info" } });
    expect(() => parseStackConfig({ stack: "staging", project: "shop", values, secretKeys: new Set(secretKeys) } as never)).toThrow(
      "services.api.variables.SENTRY_TOKEN: `${{shared.SENTRY_TOKEN}}` names a shared variable `trestle:shared` does not declare; it declares `LOG_LEVEL`. Add `SENTRY_TOKEN` under `trestle:shared.variables` (or `.secrets`)",
    );
  });

  it("in a preview, refuse a database URL from a stack secret, as a service's", async () => {
    const { recorder: preview } = await runProgram(
      "pr-7",
      stack({ variables: { LOG_LEVEL: "info" }, secrets: { SENTRY_TOKEN: "sentryToken", DATABASE_URL: "dbUrl" } }, true),
    );
    const violations = evaluatePolicies(toEvaluated(preview.resources)).filter((v) => v.policy === "preview-isolation");
    expect(violations.map((v) => v.message)).toContain(
      "shared: a preview's shared variable `DATABASE_URL` comes from a stack secret, which may be production's database; connect the preview's own with `connects`",
    );
  });
});
