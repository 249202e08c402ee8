import { beforeAll, describe, expect, it } from "vitest";
import { DeploymentFailedError, DeploymentInputs, deploymentProvider } from "../../components/railway/deployment";
import { create, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("deployments");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const service = () => ctx.service("api", "ghcr.io/acme/api:1");

const deploy = (serviceId: string, triggers: unknown = { settings: "v1" }): DeploymentInputs => ({
  projectId,
  environmentId,
  serviceId,
  triggers,
  pollSeconds: 0.01,
  timeoutSeconds: 5,
});

describe("Deployment", () => {
  it("deploys once and waits for SUCCESS", async () => {
    const serviceId = await service();
    const before = ctx.emulator.requests.length;
    const state = await create(deploymentProvider, deploy(serviceId));
    expect(ctx.emulator.operationsSince(before)).toEqual(["serviceInstanceDeployV2", "deploymentStatus", "deploymentStatus", "deploymentStatus"]);
    expect(state.outs).toMatchObject({ deploymentId: state.id, status: "SUCCESS" });
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["SUCCESS"]);
  });

  it("deploys again only when its triggers change", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    expect((await up(deploymentProvider, state, deploy(serviceId))).action).toBe("same");
    const next = await up(deploymentProvider, state, deploy(serviceId, { settings: "v2" }));
    expect(next.action).toBe("update");
    expect(next.outs.deploymentId).not.toBe(state.outs.deploymentId);
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["REMOVED", "SUCCESS"]);
  });

  it("accepts a sleeping service as deployed", async () => {
    const serviceId = await service();
    ctx.emulator.deploySteps = ["BUILDING", "SLEEPING"];
    try {
      expect((await create(deploymentProvider, deploy(serviceId))).outs.status).toBe("SLEEPING");
    } finally {
      ctx.emulator.deploySteps = ["BUILDING", "DEPLOYING", "SUCCESS"];
    }
  });

  it("fails a FAILED build with its status and the end of the build log", async () => {
    const serviceId = await service();
    ctx.emulator.failNextDeploy(serviceId, "FAILED", ["Step 4/9: RUN pip install -r requirements.txt", "ERROR: No matching distribution found for fastapi==0.999"]);
    const error = await create(deploymentProvider, deploy(serviceId)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect((error as DeploymentFailedError).status).toBe("FAILED");
    expect((error as Error).message).toMatch(/^Railway deployment [0-9a-f-]+ ended FAILED\.\nLast log lines:\n {2}Step 4\/9/);
    expect((error as Error).message).toContain("No matching distribution found for fastapi==0.999");
  });

  it("fails a CRASHED deploy with the end of the runtime log", async () => {
    const serviceId = await service();
    ctx.emulator.failNextDeploy(serviceId, "CRASHED", ["Traceback (most recent call last):", "KeyError: 'DATABASE_URL'"]);
    await expect(create(deploymentProvider, deploy(serviceId))).rejects.toThrow(/ended CRASHED\.[\s\S]*KeyError: 'DATABASE_URL'/);
  });

  it("times out a deploy that never finishes", async () => {
    const serviceId = await service();
    ctx.emulator.deploySteps = ["BUILDING"];
    try {
      await expect(create(deploymentProvider, { ...deploy(serviceId), timeoutSeconds: 0.05 })).rejects.toThrow(
        /is still BUILDING after 0\.05 s; raise `timeoutSeconds`/,
      );
    } finally {
      ctx.emulator.deploySteps = ["BUILDING", "DEPLOYING", "SUCCESS"];
    }
  });

  it("redeploys on the next up when refresh finds the service crashed", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    ctx.emulator.deploymentsOf(serviceId).at(-1)!.status = "CRASHED";
    const refreshed = (await refresh(deploymentProvider, state))!;
    expect(refreshed.outs.status).toBe("CRASHED");
    const next = await up(deploymentProvider, refreshed, deploy(serviceId));
    expect(next).toMatchObject({ action: "update", outs: { status: "SUCCESS" } });
  });

  it("is gone when its service was deleted", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    ctx.emulator.deleteOutOfBand("service", serviceId);
    expect(await refresh(deploymentProvider, state)).toBeUndefined();
  });
});
