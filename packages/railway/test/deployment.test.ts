import { beforeAll, describe, expect, it } from "vitest";
import { DeploymentFailedError, DeploymentInputs, deploymentProvider } from "../src/deployment";
import { environmentProvider } from "../src/environment";
import { create, projectWithEnvironment, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("deployments");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const IMAGE = "ghcr.io/acme/api:1";
const service = () => ctx.service("api", IMAGE);

const deploy = (
  serviceId: string,
  triggers: unknown = { settings: "v1" },
  source: DeploymentInputs["source"] = { image: IMAGE },
): DeploymentInputs => ({
  projectId,
  environmentId,
  serviceId,
  source,
  triggers,
  pollSeconds: 0.01,
  timeoutSeconds: 5,
});

describe("Deployment", () => {
  it("connects the source once (SVC-3) and waits for the deployment the connect started, without deploying again", async () => {
    const serviceId = await service();
    const before = ctx.emulator.requests.length;
    const state = await create(deploymentProvider, deploy(serviceId));
    expect(ctx.emulator.operationsSince(before)).toEqual([
      "serviceInstanceSource",
      "projectServiceInstances",
      "serviceConnect",
      "latestDeployment",
      "environmentDeployments",
      "environmentDeployments",
      "environmentDeployments",
    ]);
    expect(ctx.emulator.requests[before + 2].variables).toEqual({ id: serviceId, input: { image: IMAGE } });
    expect(state.outs).toMatchObject({ deploymentId: state.id, status: "SUCCESS", connected: { image: IMAGE } });
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => [d.cause, d.status])).toEqual([["connect", "SUCCESS"]]);
  });

  it("deploys again with serviceInstanceDeployV2 only when its triggers change", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    expect((await up(deploymentProvider, state, deploy(serviceId))).action).toBe("same");
    const before = ctx.emulator.requests.length;
    const next = await up(deploymentProvider, state, deploy(serviceId, { settings: "v2" }));
    expect(next.action).toBe("update");
    expect(ctx.emulator.operationsSince(before).filter((o) => o !== "environmentDeployments")).toEqual([
      "latestDeployment",
      "serviceInstanceDeployV2",
    ]);
    expect(next.outs.deploymentId).not.toBe(state.outs.deploymentId);
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["REMOVED", "SUCCESS"]);
  });

  it("connects a new image when the source changes", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    const next = await up(deploymentProvider, state, deploy(serviceId, { settings: "v1" }, { image: "ghcr.io/acme/api:2" }));
    expect(next.outs.connected).toEqual({ image: "ghcr.io/acme/api:2" });
    expect(ctx.emulator.instance(serviceId, environmentId)!.settings.source).toEqual({ image: "ghcr.io/acme/api:2" });
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.cause)).toEqual(["connect", "connect"]);
  });

  it("connects a repository at its branch, which Railway's trigger then follows", async () => {
    const serviceId = await service();
    await create(deploymentProvider, deploy(serviceId, {}, { repo: "acme/travel", branch: "release" }));
    expect([...ctx.emulator.state.triggers.values()].filter((t) => t.serviceId === serviceId)).toMatchObject([
      { environmentId, repository: "acme/travel", branch: "release" },
    ]);
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
  });

  it("waits for a deploy already running when an earlier up connected the source and lost its state", async () => {
    const serviceId = await service();
    await ctx.emulator["root"]().serviceConnect({ id: serviceId, input: { image: IMAGE } });
    const state = await create(deploymentProvider, deploy(serviceId));
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
    expect(state.outs.status).toBe("SUCCESS");
  });

  it("adopts the deployment a deploy started when its answer was lost, instead of deploying twice", async () => {
    const serviceId = await service();
    const state = await create(deploymentProvider, deploy(serviceId));
    ctx.emulator.inject({ operation: "serviceInstanceDeployV2", kind: "lostResponse" });
    const next = await up(deploymentProvider, state, deploy(serviceId, { settings: "v2" }));
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["REMOVED", "SUCCESS"]);
    expect(next.outs.deploymentId).toBe(ctx.emulator.deploymentsOf(serviceId).at(-1)!.id);
  });

  it("shares one status request per poll among every deployment awaited in the environment", async () => {
    const [a, b, c] = await Promise.all([service(), service(), service()]);
    const before = ctx.emulator.requests.length;
    await Promise.all([a, b, c].map((id) => create(deploymentProvider, deploy(id))));
    expect(ctx.emulator.operationsSince(before).filter((o) => o === "environmentDeployments").length).toBeLessThanOrEqual(4);
  });

  it("refuses to connect a different source to a service another environment runs (serviceConnect is not per environment)", async () => {
    const shared = await projectWithEnvironment("shared-connect");
    const { serviceProvider } = await import("../src/service");
    const other = await create(environmentProvider, { projectId: shared.projectId, name: "staging" });
    const svc = await create(serviceProvider, {
      projectId: shared.projectId,
      environmentId: shared.environmentId,
      name: "web",
      image: IMAGE,
    });
    await ctx.emulator["root"]().serviceConnect({ id: svc.id, input: { image: IMAGE } });
    const error = await create(deploymentProvider, {
      ...deploy(svc.id, {}, { image: "ghcr.io/acme/api:9" }),
      projectId: shared.projectId,
      environmentId: other.id,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "connecting image `ghcr.io/acme/api:9` would change the source of the service in `production` too: Railway's serviceConnect is not scoped to an environment (SVC-3). " +
        "Give this stack its own Railway project, or use the same source in every environment that shares the service.",
    );
    expect(ctx.emulator.instance(svc.id, shared.environmentId)!.settings.source).toEqual({ image: IMAGE });
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

  it("fails at once, saying what to do, when Railway holds the deploy for approval (NEEDS_APPROVAL)", async () => {
    const serviceId = await service();
    ctx.emulator.failNextDeploy(serviceId, "NEEDS_APPROVAL");
    const error = await create(deploymentProvider, { ...deploy(serviceId), timeoutSeconds: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect((error as Error).message).toMatch(
      /ended NEEDS_APPROVAL\. Railway is holding it for approval \(DEP-2\): approve the deployment in the Railway dashboard/,
    );
  });

  it("fails a FAILED build with its status and the end of the build log", async () => {
    const serviceId = await service();
    ctx.emulator.failNextDeploy(serviceId, "FAILED", [
      "Step 4/9: RUN pip install -r requirements.txt",
      "ERROR: No matching distribution found for fastapi==0.999",
    ]);
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

  // What a crashing app prints reaches `pulumi up`'s output and CI's log only redacted.
  it.each<[string, string, string]>([
    [
      "a rendered DATABASE_URL",
      "connecting to postgresql://postgres:Gen3ratedPassw0rd@postgres.railway.internal:5432/railway",
      "connecting to postgresql://postgres:[redacted]@postgres.railway.internal:5432/railway",
    ],
    ["a URL whose password holds `/`", "redis://default:ab/cd/ef@redis:6379", "redis://default:[redacted]@redis:6379"],
    ["a libpq DSN", "dsn: host=db user=app password=hunter22hunter dbname=app", "dsn: host=db user=app password=[redacted] dbname=app"],
    [
      "a JDBC URL",
      "jdbc:postgresql://db:5432/app?user=app&password=s3cr3tjdbc",
      "jdbc:postgresql://db:5432/app?user=app&password=[redacted]",
    ],
    ["an Authorization header", "GET /v1 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef", "GET /v1 Authorization: Bearer [redacted]"],
    ["a secret variable's value, printed bare", "SERPAPI_KEY is 9f8e7d6c5b4a39281706", "SERPAPI_KEY is [redacted]"],
    ["a secret variable's value, base64-encoded", `cfg=${Buffer.from("9f8e7d6c5b4a39281706").toString("base64")}`, "cfg=[redacted]"],
  ])("redacts %s from a failed deploy's log lines", async (_label, line, shown) => {
    const serviceId = await service();
    await ctx.emulator["root"]().variableCollectionUpsert({
      input: { projectId, environmentId, serviceId, variables: { SERPAPI_KEY: "9f8e7d6c5b4a39281706" }, skipDeploys: true },
    });
    ctx.emulator.failNextDeploy(serviceId, "CRASHED", ["Traceback (most recent call last):", line]);
    const error = (await create(deploymentProvider, deploy(serviceId)).catch((e: unknown) => e)) as DeploymentFailedError;
    expect(error.logExcerpt.at(-1)).toBe(shown);
    expect(error.message).toContain(shown);
    expect(error.message).not.toMatch(
      /Gen3ratedPassw0rd|ab\/cd\/ef|hunter22hunter|s3cr3tjdbc|eyJhbGciOiJIUzI1NiJ9abcdef|9f8e7d6c5b4a39281706/,
    );
  });

  it("times out a deploy that never finishes", async () => {
    const serviceId = await service();
    ctx.emulator.deploySteps = ["BUILDING"];
    try {
      await expect(create(deploymentProvider, { ...deploy(serviceId), timeoutSeconds: 0.05 })).rejects.toThrow(
        /has not finished after 0\.05 s; raise `timeoutSeconds`/,
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
