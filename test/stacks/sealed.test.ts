// A production stack's service secrets are sealed on their first deploy
// (VAR-8); a service can keep them readable (`sealSecrets: false`), and a
// staging stack's are not sealed.
import { describe, expect, it } from "vitest";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPES } from "../../packages/railway/src/types";

const config = (environment: string, sealSecrets?: boolean) => ({
  railway: { project: "shop", environment },
  services: {
    api: { source: { repo: "acme/shop" }, start: "node server.js", generated: { SESSION_KEY: { length: 32 } } },
    tools: { source: { repo: "acme/shop" }, start: "node tools.js", generated: { TOOL_KEY: { length: 32 } }, sealSecrets },
  },
});
const run = async (environment: string, sealSecrets?: boolean) => {
  const values = Object.fromEntries(Object.entries(config(environment, sealSecrets)).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  const { recorder } = await runProgram(environment === "production" ? "prod" : "staging", { values, secretKeys: [] });
  return (name: string) => recorder.get(RAILWAY_TYPES.Variables, `${name}-vars`).inputs.sealSecrets;
};

describe("sealed secrets (VAR-8)", () => {
  it("are the default in production, and a service may opt out", async () => {
    const sealed = await run("production", false);
    expect(sealed("api")).toBe(true);
    expect(sealed("tools")).toBeUndefined();
  });

  it("are not used outside production", async () => {
    const sealed = await run("staging");
    expect(sealed("api")).toBeUndefined();
  });
});
