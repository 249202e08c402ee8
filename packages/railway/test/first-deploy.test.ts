// DEP-6: a service's first deploy is one environmentPatchCommit carrying its
// source, variables and backup schedules; the Variables and Volume made with
// `deferToDeploy` send nothing of their own. Where the patch is refused or
// deploys nothing, the observed path (write, then serviceConnect) takes over.
import { describe, expect, it } from "vitest";
import { DeploymentInputs, checkDeployment, deploymentProvider } from "../src/deployment";
import { FirstDeployRefusedError, firstDeployPatch } from "../src/first-deploy";
import { patchSettingsOf, serviceProvider } from "../src/service";
import { variablesProvider } from "../src/variables";
import { volumeProvider } from "../src/volume";
import { create, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("first-deploy");
const IMAGE = "ghcr.io/railwayapp-templates/postgres-ssl:17";
const SECRET = "s3cret-pg-password-0001";

/** A service with deferred variables and a deferred volume, as the components make them. */
async function deferred(source: DeploymentInputs["source"] = { image: IMAGE }) {
  const { projectId, environmentId } = ctx;
  const serviceId = await ctx.service("db", IMAGE);
  const scope = { projectId, environmentId, serviceId };
  const vars = await create(variablesProvider, {
    ...scope,
    variables: { PGDATA: "/var/lib/postgresql/data/pgdata" },
    secretVariables: { POSTGRES_PASSWORD: SECRET },
    deferToDeploy: true,
  });
  const volume = await create(volumeProvider, {
    ...scope,
    mountPath: "/var/lib/postgresql/data",
    backups: ["DAILY", "WEEKLY"],
    deferToDeploy: true,
  });
  const inputs: DeploymentInputs = {
    ...scope,
    source,
    triggers: { v: 1 },
    pollSeconds: 0.01,
    timeoutSeconds: 5,
    firstDeploy: {
      variables: vars.outs.variables,
      secretVariables: vars.outs.secretVariables,
      backups: [{ volumeId: volume.outs.volumeId, volumeInstanceId: volume.outs.volumeInstanceId, kinds: ["DAILY", "WEEKLY"] }],
    },
  };
  return { serviceId, volume, inputs };
}

const mutations = (since: number) =>
  ctx.emulator.requests
    .slice(since)
    .filter((r) => r.kind === "mutation")
    .map((r) => r.operation);

describe("the first deploy (DEP-6)", () => {
  it("sends nothing for deferred variables and backups, then one commit that writes them and deploys once", async () => {
    const since = ctx.emulator.requests.length;
    const { serviceId, volume, inputs } = await deferred();
    const beforeDeploy = ctx.emulator.requests.length;
    expect(mutations(since).filter((op) => op === "variableCollectionUpsert" || op === "volumeInstanceBackupScheduleUpdate")).toEqual([]);
    expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId)).toEqual({});

    const state = await create(deploymentProvider, inputs);
    expect(mutations(beforeDeploy)).toEqual(["environmentPatchCommit"]);
    expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId)).toMatchObject({
      PGDATA: "/var/lib/postgresql/data/pgdata",
      POSTGRES_PASSWORD: SECRET,
    });
    const instance = [...ctx.emulator.state.volumeInstances.values()].find((v) => v.volumeId === volume.outs.volumeId)!;
    expect(instance.backups).toEqual(["DAILY", "WEEKLY"]);
    // The one deployment saw the variables: they were in the same commit.
    const deployments = ctx.emulator.deploymentsOf(serviceId);
    expect(deployments.map((d) => d.status)).toEqual(["SUCCESS"]);
    expect(deployments[0].env.POSTGRES_PASSWORD).toBe(SECRET);
    expect(state.outs).toMatchObject({ deploymentId: deployments[0].id, status: "SUCCESS", connected: { image: IMAGE } });
    // What the first deploy carried is not kept in the outputs (the inputs hold it, encrypted).
    expect(JSON.stringify(state.outs)).not.toContain(SECRET);
    expect(state.outs).not.toHaveProperty("firstDeploy");
  });

  it("sends the patch in the shape of Railway's environment config", () => {
    expect(
      firstDeployPatch(
        "svc-1",
        { repo: "acme/app", branch: "main" },
        {
          variables: { A: "1" },
          secretVariables: { B: "2" },
          backups: [{ volumeId: "vol-1", volumeInstanceId: "vi-1", kinds: ["WEEKLY", "DAILY"] }],
        },
      ),
    ).toEqual({
      services: {
        "svc-1": {
          isCreated: true,
          source: { repo: "acme/app", branch: "main" },
          variables: { A: { value: "1" }, B: { value: "2" } },
          volumeMounts: { "vol-1": { backupSchedules: ["DAILY", "WEEKLY"] } },
        },
      },
    });
  });

  it("refuses what it cannot send, naming the place and never a value", () => {
    const failures = checkDeployment({
      projectId: "p",
      environmentId: "e",
      serviceId: "s",
      firstDeploy: {
        secretVariables: { "BAD-NAME": SECRET },
        backups: [{ volumeId: "v", volumeInstanceId: "vi", kinds: ["HOURLY" as "DAILY"] }],
      },
    });
    expect(failures.map((f) => f.property)).toEqual(["firstDeploy.secretVariables.BAD-NAME", "firstDeploy.backups[0]"]);
    expect(JSON.stringify(failures)).not.toContain(SECRET);
  });

  it("touches only its own environment's instance, where serviceConnect would change every environment (SVC-3)", async () => {
    const { inputs, serviceId } = await deferred();
    const other = ctx.emulator.state.instances.size;
    await create(deploymentProvider, inputs);
    expect(ctx.emulator.state.instances.size).toBe(other);
    const elsewhere = [...ctx.emulator.state.instances.values()].filter(
      (i) => i.serviceId === serviceId && i.environmentId !== ctx.environmentId,
    );
    for (const i of elsewhere) expect(i.connected).toBe(false);
  });

  it("connects a repository at its branch through the patch", async () => {
    const { inputs, serviceId } = await deferred({ repo: "acme/travel", branch: "release" });
    const since = ctx.emulator.requests.length;
    await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual(["environmentPatchCommit"]);
    expect([...ctx.emulator.state.triggers.values()].filter((t) => t.serviceId === serviceId)).toMatchObject([
      { repository: "acme/travel", branch: "release" },
    ]);
  });

  it("falls back to writing the values and serviceConnect when the patch deploys nothing (a repo the patch does not connect)", async () => {
    const { inputs, serviceId } = await deferred({ repo: "acme/travel", branch: "main" });
    ctx.emulator.patchConnectsRepo = false;
    try {
      const since = ctx.emulator.requests.length;
      const state = await create(deploymentProvider, inputs);
      expect(mutations(since)).toEqual([
        "environmentPatchCommit",
        "variableCollectionUpsert",
        "volumeInstanceBackupScheduleUpdate",
        "serviceConnect",
      ]);
      expect(state.outs.status).toBe("SUCCESS");
      expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
      expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId).POSTGRES_PASSWORD).toBe(SECRET);
    } finally {
      ctx.emulator.patchConnectsRepo = true;
    }
  });

  it("falls back the same way when Railway refuses the patch, and keeps the secret out of everything it reports", async () => {
    const { inputs, serviceId } = await deferred();
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "graphqlError", code: "BAD_USER_INPUT", message: "Invalid patch" });
    const since = ctx.emulator.requests.length;
    const state = await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual([
      "environmentPatchCommit",
      "variableCollectionUpsert",
      "volumeInstanceBackupScheduleUpdate",
      "serviceConnect",
    ]);
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["SUCCESS"]);
    expect(state.outs.status).toBe("SUCCESS");
  });

  const refusedWith = async (fault: { code: string; message: string; times?: number }) => {
    const { inputs, serviceId } = await deferred();
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "graphqlError", ...fault });
    const since = ctx.emulator.requests.length;
    const error = await create(deploymentProvider, inputs).then(
      () => undefined,
      (e: Error) => e,
    );
    return { error, serviceId, sent: mutations(since) };
  };

  it("does not fall back on an authorization error: it ends with the fix (a token of the project's workspace), and names no secret (DEP-11)", async () => {
    const { error, sent } = await refusedWith({ code: "FORBIDDEN", message: `Not Authorized for ${SECRET}` });
    expect(error).toBeInstanceOf(FirstDeployRefusedError);
    expect(error!.message).toMatch(/account or workspace token of the project's workspace/);
    expect(error!.message).toMatch(/trestle preflight/);
    expect(error!.message).not.toContain(SECRET);
    expect(sent).toEqual(["environmentPatchCommit"]);
  });

  it("ends a plan refusal with what to lower or upgrade, writing nothing piecemeal (DEP-11)", async () => {
    const { error, sent, serviceId } = await refusedWith({ code: "PLAN_LIMIT", message: "Backups are not available on your plan" });
    expect(error).toBeInstanceOf(FirstDeployRefusedError);
    expect(error!.message).toMatch(/Backups are not available on your plan/);
    expect(error!.message).toMatch(/upgrade the workspace's plan/);
    expect(sent).toEqual(["environmentPatchCommit"]);
    expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId).POSTGRES_PASSWORD).toBeUndefined();
  });

  it("falls back when the patch collides with something already there: the direct path overwrites it (DEP-11)", async () => {
    const { error, sent, serviceId } = await refusedWith({
      code: "INTERNAL_SERVER_ERROR",
      message: "Variable POSTGRES_PASSWORD already exists",
    });
    expect(error).toBeUndefined();
    expect(sent).toEqual(["environmentPatchCommit", "variableCollectionUpsert", "volumeInstanceBackupScheduleUpdate", "serviceConnect"]);
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.status)).toEqual(["SUCCESS"]);
  });

  it("waits out a new instance's lag on the commit and sends it again, deploying once (SVC-9, DEP-11)", async () => {
    const { error, sent, serviceId } = await refusedWith({ code: "INTERNAL_SERVER_ERROR", message: "ServiceInstance not found", times: 2 });
    expect(error).toBeUndefined();
    expect(sent).toEqual(["environmentPatchCommit", "environmentPatchCommit", "environmentPatchCommit"]);
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
  });

  it("ends with `pulumi refresh` when the service stays gone after the wait, naming no secret (DEP-11)", async () => {
    const { error, sent } = await refusedWith({ code: "INTERNAL_SERVER_ERROR", message: `Service not found (${SECRET})`, times: 8 });
    expect(error).toBeInstanceOf(FirstDeployRefusedError);
    expect(error!.message).toMatch(/deleted outside Pulumi.*pulumi refresh/);
    expect(error!.message).not.toContain(SECRET);
    expect(sent).toHaveLength(8);
  });

  it("leaves changes someone staged alone: with any, it writes the values and connects (the observed path), committing nothing", async () => {
    const { inputs, serviceId } = await deferred();
    const environment = ctx.emulator.state.environments.get(ctx.environmentId)!;
    environment.unmergedChangesCount = 2;
    try {
      const since = ctx.emulator.requests.length;
      const state = await create(deploymentProvider, inputs);
      expect(mutations(since)).toEqual(["variableCollectionUpsert", "volumeInstanceBackupScheduleUpdate", "serviceConnect"]);
      expect(state.outs.status).toBe("SUCCESS");
      expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId).POSTGRES_PASSWORD).toBe(SECRET);
    } finally {
      environment.unmergedChangesCount = 0;
    }
  });

  it("waits for the deployment a commit whose answer was lost started, without committing again", async () => {
    const { inputs, serviceId } = await deferred();
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "lostResponse" });
    const since = ctx.emulator.requests.length;
    const state = await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual(["environmentPatchCommit"]);
    expect(ctx.emulator.deploymentsOf(serviceId).map((d) => d.id)).toEqual([state.outs.deploymentId]);
  });

  it("recognises its commit when Railway reports the image in another spelling (docker.io/library/…), and commits once", async () => {
    ctx.emulator.spellsImagesInFull = true;
    try {
      const { inputs, serviceId } = await deferred({ image: "redis:7.4" });
      ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "lostResponse" });
      const since = ctx.emulator.requests.length;
      await create(deploymentProvider, inputs);
      expect(ctx.emulator.instance(serviceId, ctx.environmentId)!.settings.source).toEqual({ image: "docker.io/library/redis:7.4" });
      expect(mutations(since)).toEqual(["environmentPatchCommit"]);
      expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
    } finally {
      ctx.emulator.spellsImagesInFull = false;
    }
  });

  it("sends one environment's commits one at a time, while their deploys run side by side (DEP-8)", async () => {
    const [a, b] = await Promise.all([deferred(), deferred()]);
    ctx.emulator.maxConcurrentCommits = 0;
    // The first commit is held a while, as a slow Railway would: the second must wait for its answer.
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "lateAnswer", delayMs: 300 });
    const [sa, sb] = await Promise.all([create(deploymentProvider, a.inputs), create(deploymentProvider, b.inputs)]);
    expect(ctx.emulator.maxConcurrentCommits).toBe(1);
    expect([sa.outs.status, sb.outs.status]).toEqual(["SUCCESS", "SUCCESS"]);
  });

  it("sends the commit again when Railway failed before running it (a 503), and deploys once", async () => {
    const { inputs, serviceId } = await deferred();
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "serverError", status: 503 });
    const since = ctx.emulator.requests.length;
    await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual(["environmentPatchCommit", "environmentPatchCommit"]);
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(1);
  });

  it("writes the values itself when an earlier up committed the source and lost its state, and deploys once more", async () => {
    const { inputs, serviceId } = await deferred();
    await create(deploymentProvider, inputs);
    // The state is lost; someone changed a value in between.
    ctx.emulator.state.variables.get(`${ctx.environmentId}:${serviceId}`)!.set("PGDATA", "/elsewhere");
    const since = ctx.emulator.requests.length;
    const state = await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual(["variableCollectionUpsert", "volumeInstanceBackupScheduleUpdate", "serviceInstanceDeployV2"]);
    expect(ctx.emulator.variablesOf(ctx.environmentId, serviceId).PGDATA).toBe("/var/lib/postgresql/data/pgdata");
    expect(state.outs.status).toBe("SUCCESS");
  });
});

const APP_IMAGE = "nginx";

describe("a later change to deferred variables (VAR-1)", () => {
  it("is one mutation: the upsert lets Railway redeploy, and the Deployment waits on that deployment instead of deploying again", async () => {
    const { projectId, environmentId } = ctx;
    const serviceId = await ctx.service("app", APP_IMAGE);
    const scope = { projectId, environmentId, serviceId };
    const vars = await create(variablesProvider, {
      ...scope,
      variables: { MODE: "a" },
      secretVariables: { TOKEN: SECRET },
      deferToDeploy: true,
    });
    const deployInputs = (v: typeof vars.outs, triggers: unknown): DeploymentInputs => ({
      ...scope,
      source: { image: APP_IMAGE },
      triggers,
      pollSeconds: 0.01,
      timeoutSeconds: 5,
      firstDeploy: {
        variables: v.variables,
        secretVariables: v.secretVariables,
        ...(v.deployedWrite ? { deployedWrite: v.deployedWrite } : {}),
      },
    });
    const deployed = await create(deploymentProvider, deployInputs(vars.outs, 1));

    const since = ctx.emulator.requests.length;
    const changed = await up(variablesProvider, vars, {
      ...scope,
      variables: { MODE: "b" },
      secretVariables: { TOKEN: SECRET },
      deferToDeploy: true,
    });
    const redeployed = await up(deploymentProvider, deployed, deployInputs(changed.outs, 2));
    expect(mutations(since)).toEqual(["variableCollectionUpsert"]);
    const deployments = ctx.emulator.deploymentsOf(serviceId);
    expect(deployments).toHaveLength(2);
    expect(deployments[1].env.MODE).toBe("b");
    expect(redeployed.outs).toMatchObject({
      deploymentId: deployments[1].id,
      status: "SUCCESS",
      consumedWrite: changed.outs.deployedWrite!.id,
    });

    // Another change of the deploy's triggers alone deploys once, itself: the write was already waited on.
    const again = ctx.emulator.requests.length;
    await up(deploymentProvider, redeployed, deployInputs(changed.outs, 3));
    expect(mutations(again)).toEqual(["serviceInstanceDeployV2"]);
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(3);
  });

  it("is awaited even where the Deployment's triggers do not cover the variables (a database's)", async () => {
    const { projectId, environmentId } = ctx;
    const serviceId = await ctx.service("db2", APP_IMAGE);
    const scope = { projectId, environmentId, serviceId };
    const vars = await create(variablesProvider, { ...scope, variables: { PGDATA: "/a" }, deferToDeploy: true });
    const inputs = (v: typeof vars.outs): DeploymentInputs => ({
      ...scope,
      source: { image: APP_IMAGE },
      triggers: "settings",
      pollSeconds: 0.01,
      timeoutSeconds: 5,
      firstDeploy: { variables: v.variables, ...(v.deployedWrite ? { deployedWrite: v.deployedWrite } : {}) },
    });
    const deployed = await create(deploymentProvider, inputs(vars.outs));
    const changed = await up(variablesProvider, vars, { ...scope, variables: { PGDATA: "/b" }, deferToDeploy: true });
    const next = await up(deploymentProvider, deployed, inputs(changed.outs));
    expect(next.action).toBe("update");
    expect(next.outs.status).toBe("SUCCESS");
    expect(ctx.emulator.deploymentsOf(serviceId)).toHaveLength(2);
  });
});

describe("the workflow a commit starts (DEP-10)", () => {
  it("reads it after the commit, and goes on to the deployment once it completes", async () => {
    const { inputs } = await deferred();
    const since = ctx.emulator.requests.length;
    await create(deploymentProvider, inputs);
    const ops = ctx.emulator.operationsSince(since);
    expect(ops.indexOf("workflowStatus")).toBeGreaterThan(ops.indexOf("environmentPatchCommit"));
  });

  it("fails with Railway's own words when the workflow ends in Error, instead of waiting for a deployment that never starts", async () => {
    const { inputs, serviceId } = await deferred();
    ctx.emulator.failNextWorkflow("Failed to pull image ghcr.io/railwayapp-templates/postgres-ssl:17: manifest unknown");
    const error = await create(deploymentProvider, inputs).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Railway could not apply the first deploy of service [0-9a-f-]+: its workflow ended in Error: Failed to pull image ghcr\.io\/railwayapp-templates\/postgres-ssl:17: manifest unknown\. Fix what it names/,
    );
    expect(ctx.emulator.deploymentsOf(serviceId)).toEqual([]);
  });

  it("fails a repository Railway's GitHub app cannot see with the workflow's words, deploying nothing (PRE-4)", async () => {
    const { inputs, serviceId } = await deferred({ repo: "acme/private", branch: "main" });
    ctx.emulator.github = { "acme/travel": ["main"] };
    try {
      const error = await create(deploymentProvider, inputs).catch((e: unknown) => e);
      expect((error as Error).name).toBe("WorkflowFailedError");
      expect((error as Error).message).toContain("GitHub repo acme/private not found or Railway's GitHub app has no access to it");
      expect(ctx.emulator.deploymentsOf(serviceId)).toEqual([]);
    } finally {
      ctx.emulator.github = undefined;
    }
  });
});

describe("a new service's settings ride in the first-deploy patch (DEP-9)", () => {
  it("sends no serviceInstanceUpdate or limits update for a deferred service; its start command, health check, replicas, restart policy and limits arrive with the commit", async () => {
    const { projectId, environmentId } = ctx;
    const since = ctx.emulator.requests.length;
    const settings = {
      image: "ghcr.io/acme/cache:1",
      startCommand: '/bin/sh -c "exec cache-server --password $CACHE_PASSWORD"',
      healthcheckPath: "/health",
      healthcheckTimeout: 30,
      restartPolicyType: "ON_FAILURE" as const,
      restartPolicyMaxRetries: 10,
      replicas: 2,
      sleepApplication: false,
      vcpus: 2,
      memoryGB: 1.5,
    };
    const service = await create(serviceProvider, {
      projectId,
      environmentId,
      name: `cache-${Math.random().toString(16).slice(2, 8)}`,
      projectCreated: true,
      deferToDeploy: true,
      ...settings,
    });
    expect(mutations(since)).toEqual(["serviceCreate"]);
    const inputs: DeploymentInputs = {
      projectId,
      environmentId,
      serviceId: service.id,
      source: { image: settings.image },
      triggers: { v: 1 },
      pollSeconds: 0.01,
      timeoutSeconds: 5,
      firstDeploy: { settings: patchSettingsOf({ ...settings }) },
    };
    await create(deploymentProvider, inputs);
    expect(mutations(since)).toEqual(["serviceCreate", "environmentPatchCommit"]);
    expect(ctx.emulator.instance(service.id, environmentId)!.settings).toMatchObject({
      startCommand: settings.startCommand,
      healthcheckPath: "/health",
      healthcheckTimeout: 30,
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 10,
      numReplicas: 2,
      sleepApplication: false,
    });
    // LIM-1: as the environment config spells limits, in the same commit.
    const commit = ctx.emulator.requests.filter((r) => r.operation === "environmentPatchCommit").at(-1)!;
    expect(
      (commit.variables as { patch: { services: Record<string, { deploy: unknown }> } }).patch.services[service.id].deploy,
    ).toMatchObject({
      limitOverride: { containers: { cpu: 2, memoryBytes: 1_500_000_000 } },
    });
    expect(ctx.emulator.instance(service.id, environmentId)!.limits).toEqual({ vCPUs: 2, memoryGB: 1.5 });
  });

  it("carries a repo service's root directory in the patch's source", () => {
    expect(
      firstDeployPatch(
        "svc",
        { repo: "acme/app", branch: "main" },
        { settings: patchSettingsOf({ rootDirectory: "backend", builder: "RAILPACK", startCommand: "npm start" }) },
      ),
    ).toEqual({
      services: {
        svc: {
          isCreated: true,
          source: { repo: "acme/app", branch: "main", rootDirectory: "backend" },
          build: { builder: "RAILPACK" },
          deploy: { startCommand: "npm start", numReplicas: 1 },
        },
      },
    });
  });

  it("writes the settings directly when the patch is refused and the fallback connects", async () => {
    const { projectId, environmentId } = ctx;
    const service = await create(serviceProvider, {
      projectId,
      environmentId,
      name: `cache-${Math.random().toString(16).slice(2, 8)}`,
      image: "redis:7.4",
      projectCreated: true,
      deferToDeploy: true,
      startCommand: "redis-server --port 6379",
    });
    ctx.emulator.inject({ operation: "environmentPatchCommit", kind: "graphqlError", code: "BAD_USER_INPUT", message: "invalid patch" });
    await create(deploymentProvider, {
      projectId,
      environmentId,
      serviceId: service.id,
      source: { image: "redis:7.4" },
      triggers: { v: 1 },
      pollSeconds: 0.01,
      timeoutSeconds: 5,
      firstDeploy: { settings: patchSettingsOf({ startCommand: "redis-server --port 6379", vcpus: 1, memoryGB: 0.5 }) },
    });
    expect(ctx.emulator.instance(service.id, environmentId)!.settings.startCommand).toBe("redis-server --port 6379");
    // The direct path sends the limits with their own mutation (LIM-1).
    expect(ctx.emulator.instance(service.id, environmentId)!.limits).toEqual({ vCPUs: 1, memoryGB: 0.5 });
  });
});
