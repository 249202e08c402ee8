// Sealed variables (VAR-8): the first deploy's patch seals the secret
// variables of a Variables made with `sealSecrets`; Railway passes them to the
// deployment but never returns them, so refresh keeps the state's values.
import { describe, expect, it } from "vitest";
import { deploymentProvider } from "../src/deployment";
import { firstDeployPatch } from "../src/first-deploy";
import { variablesProvider } from "../src/variables";
import { CheckFailedError, create, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("sealed");
const IMAGE = "ghcr.io/acme/api:1";
const SECRET = "sk-live-4f1c9a7e2b";

async function sealedService(sealSecrets: boolean) {
  const { projectId, environmentId } = ctx;
  const serviceId = await ctx.service(`api-${sealSecrets ? "sealed" : "open"}`, IMAGE);
  const inputs = {
    projectId,
    environmentId,
    serviceId,
    variables: { LOG_LEVEL: "info" },
    secretVariables: { STRIPE_KEY: SECRET },
    deferToDeploy: true,
    sealSecrets,
  };
  const vars = await create(variablesProvider, inputs);
  const deploy = await create(deploymentProvider, {
    projectId,
    environmentId,
    serviceId,
    source: { image: IMAGE },
    pollSeconds: 0.01,
    timeoutSeconds: 5,
    firstDeploy: {
      variables: vars.outs.variables,
      secretVariables: vars.outs.secretVariables,
      ...(sealSecrets ? { sealed: ["STRIPE_KEY"] } : {}),
    },
  });
  return { serviceId, vars, deploy, inputs };
}

describe("sealed variables (VAR-8)", () => {
  it("are written sealed by the first deploy's patch; plain variables are not", () => {
    const patch = firstDeployPatch(
      "svc",
      { image: IMAGE },
      { variables: { LOG_LEVEL: "info" }, secretVariables: { STRIPE_KEY: SECRET }, sealed: ["STRIPE_KEY"] },
    );
    expect(patch.services.svc.variables).toEqual({ LOG_LEVEL: { value: "info" }, STRIPE_KEY: { value: SECRET, isSealed: true } });
  });

  it("reach the deployment, are never returned by the API, and refresh keeps the state's value", async () => {
    const { serviceId, vars, inputs } = await sealedService(true);
    const deployment = ctx.emulator.deploymentsOf(serviceId).at(-1)!;
    expect(deployment.env.STRIPE_KEY).toBe(SECRET);
    expect(ctx.emulator.state.sealed.has(`${ctx.environmentId}:${serviceId}:STRIPE_KEY`)).toBe(true);
    const refreshed = await refresh(variablesProvider, vars);
    expect(refreshed!.outs.secretVariables).toEqual({ STRIPE_KEY: SECRET });
    // Nothing to do on the next up: no drift was invented from the missing value.
    expect((await up(variablesProvider, refreshed!, inputs)).action).toBe("same");
  });

  it("a rotated value is written again and stays sealed, as a sealed variable cannot be un-sealed", async () => {
    const { serviceId, vars, inputs } = await sealedService(true);
    await up(variablesProvider, vars, { ...inputs, secretVariables: { STRIPE_KEY: "sk-live-rotated-9d8e" } });
    expect(ctx.emulator.state.sealed.has(`${ctx.environmentId}:${serviceId}:STRIPE_KEY`)).toBe(true);
  });

  it("unsealed secrets stay readable, and an unsealed variable deleted out of band is drift", async () => {
    const { serviceId, vars } = await sealedService(false);
    expect(ctx.emulator.state.sealed.has(`${ctx.environmentId}:${serviceId}:STRIPE_KEY`)).toBe(false);
    ctx.emulator.state.variables.get(`${ctx.environmentId}:${serviceId}`)!.delete("STRIPE_KEY");
    expect((await refresh(variablesProvider, vars))!.outs.secretVariables).toEqual({});
  });

  it("needs deferToDeploy: only the first deploy's patch can seal", async () => {
    const serviceId = await ctx.service("api-direct", IMAGE);
    await expect(
      create(variablesProvider, {
        projectId: ctx.projectId,
        environmentId: ctx.environmentId,
        serviceId,
        secretVariables: { STRIPE_KEY: SECRET },
        sealSecrets: true,
      }),
    ).rejects.toBeInstanceOf(CheckFailedError);
  });
});
