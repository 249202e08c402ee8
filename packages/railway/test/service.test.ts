import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceInputs, checkService, instanceInput, privateDomainOf, serviceProvider } from "../src/service";
import { environmentProvider } from "../src/environment";
import { RailwayEmulator } from "../src/testing/emulator";
import { create, destroy, projectWithEnvironment, refresh, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
let projectId: string;
let environmentId: string;

beforeAll(async () => {
  emulator = await startEmulator();
  ({ projectId, environmentId } = await projectWithEnvironment("services"));
});
afterAll(() => emulator.stop());

function api(overrides: Partial<ServiceInputs> = {}): ServiceInputs {
  return {
    projectId,
    environmentId,
    name: `api-${Math.random().toString(16).slice(2, 8)}`,
    image: "ghcr.io/acme/api:1.4.2",
    startCommand: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
    preDeployCommand: ["alembic upgrade head"],
    healthcheckPath: "/health",
    healthcheckTimeout: 120,
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 5,
    replicas: 3,
    ...overrides,
  };
}

const servicesNamed = (name: string) => [...emulator.state.services.values()].filter((s) => s.projectId === projectId && s.name === name);

describe("Service", () => {
  it("creates the service without a source, writes every setting for its environment, and reads back its private host, without deploying", async () => {
    const inputs = api();
    const before = emulator.requests.length;
    const state = await create(serviceProvider, inputs);
    expect(emulator.operationsSince(before)).toEqual([
      "serviceCreate",
      "projectServiceInstances",
      "serviceInstanceUpdate",
      "privateNetworks",
      "privateNetworkEndpoint",
    ]);
    const [createReq, , updateReq] = emulator.requests.slice(before);
    expect(createReq.variables).toEqual({ input: { projectId, environmentId, name: inputs.name } });
    expect(updateReq.variables).toEqual({
      serviceId: state.id,
      environmentId,
      input: {
        startCommand: inputs.startCommand,
        preDeployCommand: ["alembic upgrade head"],
        healthcheckPath: "/health",
        healthcheckTimeout: 120,
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 5,
        numReplicas: 3,
      },
    });
    const instance = emulator.instance(state.id, environmentId)!;
    expect(instance.settings).toMatchObject({ healthcheckPath: "/health", numReplicas: 3, restartPolicyMaxRetries: 5 });
    // SVC-3: the source is connected by the Deployment, once variables exist.
    expect(instance.settings.source).toBeUndefined();
    expect(instance.connected).toBe(false);
    expect(emulator.deploymentsOf(state.id)).toEqual([]);
    expect(state.outs).toMatchObject({ serviceId: state.id, privateDomain: `${inputs.name}.railway.internal` });
  });

  it("sends only what changed, and always re-sends replicas (Railway resets omitted ones to 1)", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    expect((await up(serviceProvider, state, inputs)).action).toBe("same");

    const before = emulator.requests.length;
    const next = await up(serviceProvider, state, { ...inputs, startCommand: "gunicorn app.main:app" });
    expect(next.action).toBe("update");
    expect(emulator.operationsSince(before)).toEqual(["projectServiceInstances", "serviceInstanceUpdate"]);
    expect(emulator.requests.at(-1)!.variables).toEqual({
      serviceId: state.id,
      environmentId,
      input: { startCommand: "gunicorn app.main:app", numReplicas: 3 },
    });
    expect(emulator.instance(state.id, environmentId)!.settings.numReplicas).toBe(3);
  });

  it("sets vCPU and memory limits after the settings, only when given, and again only when they change (LIM-1)", async () => {
    const plain = api();
    let before = emulator.requests.length;
    await create(serviceProvider, plain);
    expect(emulator.operationsSince(before)).not.toContain("serviceInstanceLimitsUpdate");

    const inputs = api({ vcpus: 2, memoryGB: 4 });
    before = emulator.requests.length;
    const state = await create(serviceProvider, inputs);
    expect(emulator.operationsSince(before)).toEqual([
      "serviceCreate",
      "projectServiceInstances",
      "serviceInstanceUpdate",
      "serviceInstanceLimitsUpdate",
      "privateNetworks",
      "privateNetworkEndpoint",
    ]);
    const limitsReq = emulator.requests.slice(before).find((r) => r.operation === "serviceInstanceLimitsUpdate")!;
    expect(limitsReq.variables).toEqual({ input: { serviceId: state.id, environmentId, vCPUs: 2, memoryGB: 4 } });
    expect(emulator.instance(state.id, environmentId)!.limits).toEqual({ vCPUs: 2, memoryGB: 4 });
    expect(state.outs).toMatchObject({ vcpus: 2, memoryGB: 4 });

    expect((await up(serviceProvider, state, inputs)).action).toBe("same");
    before = emulator.requests.length;
    const next = await up(serviceProvider, state, { ...inputs, memoryGB: 8 });
    expect(next.action).toBe("update");
    expect(emulator.operationsSince(before)).toEqual(["serviceInstanceLimitsUpdate"]);
    expect(emulator.instance(state.id, environmentId)!.limits).toEqual({ vCPUs: 2, memoryGB: 8 });

    // LIM-2: a limit taken out leaves Railway's value; nothing is sent for it.
    before = emulator.requests.length;
    const { vcpus: _dropped, ...rest } = inputs;
    await up(serviceProvider, next, { ...rest, memoryGB: 8 });
    expect(emulator.operationsSince(before)).toEqual([]);
    expect(emulator.instance(state.id, environmentId)!.limits).toEqual({ vCPUs: 2, memoryGB: 8 });
  });

  it("clears a setting removed from config", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    const { healthcheckTimeout: _removed, ...rest } = inputs;
    await up(serviceProvider, state, rest);
    expect(emulator.requests.at(-1)!.variables).toMatchObject({ input: { healthcheckTimeout: null, numReplicas: 3 } });
  });

  it("spreads replicas over regions with multiRegionConfig", async () => {
    const state = await create(serviceProvider, api({ replicas: undefined, regions: { "us-west2": 2, "europe-west4": 1 } }));
    const instance = emulator.instance(state.id, environmentId)!;
    expect(instance.multiRegionConfig).toEqual({ "us-west2": { numReplicas: 2 }, "europe-west4": { numReplicas: 1 } });
    expect(instance.settings.numReplicas).toBe(3);
  });

  it("renames with serviceUpdate, not a replacement, keeping the private host Railway reports (SVC-8)", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    const before = emulator.requests.length;
    const renamed = await up(serviceProvider, state, { ...inputs, name: `${inputs.name}-v2` });
    expect(renamed).toMatchObject({ action: "update", id: state.id, outs: { privateDomain: `${inputs.name}.railway.internal` } });
    expect(emulator.operationsSince(before)).toEqual(["serviceUpdate"]);
    expect((await refresh(serviceProvider, renamed))!.outs.privateDomain).toBe(`${inputs.name}.railway.internal`);
  });

  it("clears the pre-deploy command with [], since Railway ignores null for it (SVC-7)", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    expect(emulator.instance(state.id, environmentId)!.settings.preDeployCommand).toEqual(["alembic upgrade head"]);
    await up(serviceProvider, state, { ...inputs, preDeployCommand: undefined });
    expect(emulator.requests.at(-1)!.variables).toMatchObject({ input: { preDeployCommand: [] } });
    expect(emulator.instance(state.id, environmentId)!.settings.preDeployCommand).toBeNull();
  });

  it("replaces when the project or environment changes", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    const staging = await create(environmentProvider, { projectId, name: "staging-replace" });
    expect(await serviceProvider.diff!(state.id, state.outs, { ...inputs, environmentId: staging.id })).toMatchObject({
      changes: true,
      replaces: ["environmentId"],
    });
  });

  it("records a repo source, its root directory and Dockerfile, and leaves connecting it to the Deployment", async () => {
    const inputs = api({ image: undefined, repo: "acme/travel", branch: "main", rootDirectory: "backend", dockerfilePath: "Dockerfile" });
    const state = await create(serviceProvider, inputs);
    expect(emulator.instance(state.id, environmentId)!.settings).toMatchObject({ rootDirectory: "backend", dockerfilePath: "Dockerfile" });
    expect(emulator.instance(state.id, environmentId)!.connected).toBe(false);
    const before = emulator.requests.length;
    const next = await up(serviceProvider, state, { ...inputs, branch: "release" });
    expect(next).toMatchObject({ action: "update", outs: { branch: "release" } });
    expect(emulator.operationsSince(before)).toEqual([]);
  });

  it("refuses a settings change that Railway may apply to another environment running the service (SVC-5)", async () => {
    const shared = await projectWithEnvironment("shared-svc5");
    const inputs = api({ projectId: shared.projectId, environmentId: shared.environmentId });
    const stagingEnv = await create(environmentProvider, { projectId: shared.projectId, name: "staging" });
    const prod = await create(serviceProvider, inputs); // in every non-fork environment (SVC-1)
    await emulator["root"]().serviceConnect({ id: prod.id, input: { image: "ghcr.io/acme/api:1.4.2" } }); // both run it
    const error = await up(serviceProvider, prod, { ...inputs, healthcheckPath: "/ready" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `service \`${inputs.name}\`: Railway may apply a settings change in environment \`production\` to every environment that is not a fork ` +
        "(the schema's description of serviceInstanceUpdate), and `staging` runs this service too. " +
        "Give this stack its own Railway project (`trestle:railway.project`), or make its environment a fork of the other (`trestle:railway.forkOf`).",
    );
    expect(emulator.instance(prod.id, stagingEnv.id)!.settings.healthcheckPath).toBe("/health");
  });

  it("changes a fork's settings, which reach no other environment", async () => {
    const inputs = api();
    const prod = await create(serviceProvider, inputs);
    await emulator["root"]().serviceConnect({ id: prod.id, input: { image: "ghcr.io/acme/api:1.4.2" } });
    const fork = await create(environmentProvider, { projectId, name: `fork-${inputs.name}`, forkOf: "production" });
    const forked = await create(serviceProvider, { ...inputs, environmentId: fork.id, healthcheckPath: "/ready", takeOver: true });
    expect(forked.id).toBe(prod.id);
    expect(emulator.instance(prod.id, fork.id)!.settings.healthcheckPath).toBe("/ready");
    expect(emulator.instance(prod.id, environmentId)!.settings.healthcheckPath).toBe("/health");
  });

  it("keeps registry credentials out of everything but the instance update", async () => {
    const password = "registry-password-never-shown";
    const state = await create(serviceProvider, api({ registryCredentials: { username: "bot", password } }));
    expect(emulator.instance(state.id, environmentId)!.registryCredentials).toEqual({ username: "bot", password });
    const carrying = emulator.requests.filter((r) => JSON.stringify(r.variables).includes(password)).map((r) => r.operation);
    expect(carrying).toEqual(["serviceInstanceUpdate"]);
  });

  it("leaves no duplicate when the create response is lost", async () => {
    const inputs = api({ projectCreated: true });
    emulator.inject({ operation: "serviceCreate", kind: "lostResponse" });
    const state = await create(serviceProvider, inputs);
    expect(servicesNamed(inputs.name).map((s) => s.id)).toEqual([state.id]);
  });

  it("in a project it did not create, says it cannot tell whose the service is after a lost answer, and makes no second one", async () => {
    const inputs = api();
    emulator.inject({ operation: "serviceCreate", kind: "lostResponse" });
    await expect(create(serviceProvider, inputs)).rejects.toThrow(
      new RegExp(`^Trestle's create of service \`${inputs.name}\` lost its answer.*set \`takeOver: true\``),
    );
    expect(servicesNamed(inputs.name)).toHaveLength(1);
  });

  it("waits for a new service's instance that Railway does not show yet, instead of failing (SVC-9)", async () => {
    emulator.lagNewInstances = 2;
    try {
      const inputs = api({ projectCreated: true });
      const since = emulator.requests.length;
      const state = await create(serviceProvider, inputs);
      expect(emulator.operationsSince(since).filter((op) => op === "serviceInstanceUpdate")).toHaveLength(3);
      expect(servicesNamed(inputs.name).map((s) => s.id)).toEqual([state.id]);
      expect(emulator.instance(state.id, environmentId)!.settings.healthcheckPath).toBe(inputs.healthcheckPath);
    } finally {
      emulator.lagNewInstances = 0;
    }
  });

  it("adopts a service a failed earlier run created in its own project (Railway says it already exists)", async () => {
    const inputs = api({ projectCreated: true });
    const first = await create(serviceProvider, inputs);
    const second = await create(serviceProvider, { ...inputs, startCommand: "./start.sh" });
    expect(second.id).toBe(first.id);
    expect(servicesNamed(inputs.name)).toHaveLength(1);
    expect(emulator.instance(first.id, environmentId)!.settings.startCommand).toBe("./start.sh");
  });

  it.each([
    ["a 503", { kind: "serverError", status: 503 }],
    ["a lost answer", { kind: "lostResponse" }],
    ["a dropped connection", { kind: "dropConnection" }],
  ])("never adopts someone else's service after %s on the create in a project it did not make", async (_label, fault) => {
    const name = `raced-${Math.random().toString(16).slice(2, 8)}`;
    // Someone else's service of the same name appears while Trestle's create is in flight, and the create fails.
    let theirs: { id: string } | undefined;
    emulator.inject({
      operation: "serviceCreate",
      ...(fault as { kind: "serverError" }),
      meanwhile: () => void (theirs = emulator["root"]().serviceCreate({ input: { projectId, environmentId, name } }) as { id: string }),
    });
    const error = await create(serviceProvider, api({ name })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Trestle's create of service \`${name}\` lost its answer, and a service of that name now exists in project ${projectId}: it may be .* someone else's`,
      ),
    );
    // Theirs is untouched: no settings written, no variables, no takeover.
    expect(emulator.instance(theirs!.id, environmentId)!.settings.healthcheckPath).toBeUndefined();
  });

  it("refuses a same-name service Trestle did not create, and leaves it untouched, unless told to take it over", async () => {
    const name = `hand-made-${Math.random().toString(16).slice(2, 8)}`;
    const foreign = (await emulator["root"]().serviceCreate({ input: { projectId, environmentId, name } })) as { id: string };
    const before = emulator.requests.length;
    const error = await create(serviceProvider, api({ name })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^a service named \`${name}\` already exists in project ${projectId}, and Trestle did not create it\. To manage it .* set \`takeOver: true\` on it`,
      ),
    );
    expect(emulator.operationsSince(before)).toEqual(["serviceCreate"]);
    expect(emulator.instance(foreign.id, environmentId)!.settings.healthcheckPath).toBeUndefined();
    const taken = await create(serviceProvider, api({ name, takeOver: true }));
    expect(taken.id).toBe(foreign.id);
  });

  it("reads dashboard drift in managed settings without adopting Railway's defaults", async () => {
    const inputs = api();
    const state = await create(serviceProvider, inputs);
    const refreshed = (await refresh(serviceProvider, state))!;
    expect(refreshed.outs.builder).toBeUndefined();
    expect((await up(serviceProvider, refreshed, inputs)).action).toBe("same");

    emulator.instance(state.id, environmentId)!.settings.healthcheckPath = "/";
    emulator.instance(state.id, environmentId)!.settings.numReplicas = 1;
    const drifted = (await refresh(serviceProvider, state))!;
    expect(drifted.outs).toMatchObject({ healthcheckPath: "/", replicas: 1 });
    const before = emulator.requests.length;
    await up(serviceProvider, drifted, inputs);
    expect(
      emulator.requests
        .slice(before)
        .filter((r) => r.operation === "serviceInstanceUpdate")
        .map((r) => r.variables),
    ).toEqual([{ serviceId: state.id, environmentId, input: { healthcheckPath: "/health", numReplicas: 3 } }]);
  });

  it("reports a service deleted in the dashboard as gone, and deleting it again succeeds", async () => {
    const state = await create(serviceProvider, api());
    emulator.deleteOutOfBand("service", state.id);
    expect(await refresh(serviceProvider, state)).toBeUndefined();
    await expect(destroy(serviceProvider, state)).resolves.toBeUndefined();
  });

  it("deletes the service when no other environment runs it", async () => {
    const state = await create(serviceProvider, api());
    await destroy(serviceProvider, state);
    expect(emulator.state.services.has(state.id)).toBe(false);
  });

  it("keeps a service another environment still runs, removing only this environment's deployment", async () => {
    const inputs = api();
    const prod = await create(serviceProvider, inputs);
    const stagingEnv = await create(environmentProvider, { projectId, name: `staging-${inputs.name}`, forkOf: "production" });
    const staging = await create(serviceProvider, { ...inputs, environmentId: stagingEnv.id, takeOver: true });
    expect(staging.id).toBe(prod.id);
    await emulator["root"]().serviceConnect({ id: prod.id, input: { image: "ghcr.io/acme/api:1.4.2" } }); // both are live
    const stagingDeploy = emulator.deploymentsOf(prod.id, stagingEnv.id).at(-1)!.id;

    await destroy(serviceProvider, staging);
    expect(emulator.state.services.has(prod.id)).toBe(true);
    expect(emulator.state.deployments.get(stagingDeploy as string)!.status).toBe("REMOVED");
  });
});

describe("Service check", () => {
  const base = (): ServiceInputs => ({ projectId: "p", environmentId: "e", name: "api", image: "nginx" });
  const reasons = (inputs: ServiceInputs) => checkService(inputs).map((f) => `${f.property}: ${f.reason}`);

  it("accepts a minimal image service", () => {
    expect(reasons(base())).toEqual([]);
  });

  it.each<[string, Partial<ServiceInputs>, string]>([
    ["both sources", { repo: "acme/api" }, "image: give either `image` or `repo`, not both"],
    ["no source", { image: undefined }, "image: give a source: `image` (a Docker image) or `repo` (a GitHub repository)"],
    ["a branch without a repo", { branch: "main" }, "branch: `branch` applies only to a `repo` source"],
    ["negative replicas", { replicas: -1 }, "replicas: `-1` is not a whole number of replicas of at least 1"],
    ["fractional replicas", { replicas: 1.5 }, "replicas: `1.5` is not a whole number of replicas of at least 1"],
    [
      "replicas and regions",
      { replicas: 2, regions: { "us-west2": 2 } },
      "replicas: give either `replicas` or `regions` (replicas per region), not both",
    ],
    ["a zero region", { regions: { "us-west2": 0 } }, "regions.us-west2: `0` is not a whole number of replicas of at least 1"],
    [
      "a six-field cron",
      { cronSchedule: "0 0 * * * *" },
      "cronSchedule: `0 0 * * * *` has 6 fields; Railway cron schedules have 5 (minute hour day-of-month month day-of-week)",
    ],
    [
      "an out-of-range cron",
      { cronSchedule: "61 * * * *" },
      "cronSchedule: `61 * * * *` is not a schedule: Constraint error, got value 61 expected range 0-59",
    ],
    ["a replicated cron", { cronSchedule: "*/5 * * * *", replicas: 2 }, "cronSchedule: a cron service runs exactly 1 replica"],
    ["a relative health path", { healthcheckPath: "health" }, "healthcheckPath: `health` must start with `/`"],
    [
      "retries without ON_FAILURE",
      { restartPolicyType: "ALWAYS", restartPolicyMaxRetries: 3 },
      "restartPolicyMaxRetries: retries apply only with `restartPolicyType: ON_FAILURE`",
    ],
    [
      "credentials without a password",
      { registryCredentials: { username: "u", password: "" } },
      "registryCredentials: give both `username` and `password`",
    ],
    ["no name", { name: "" }, "name: `name` is required and must be a non-empty string"],
    ["more replicas than Railway allows", { replicas: 51 }, "replicas: Railway allows at most 50 replicas per service (PLAN-1)"],
    ["a health-check timeout over an hour", { healthcheckTimeout: 99999 }, "healthcheckTimeout: give at most 3600 seconds"],
    ["zero vCPUs", { vcpus: 0 }, "vcpus: `0` is not a limit Railway takes: give more than 0 and at most 24 vCPUs (LIM-1)"],
    [
      "more memory than any plan gives a replica",
      { memoryGB: 25 },
      "memoryGB: `25` is not a limit Railway takes: give more than 0 and at most 24 GB (LIM-1)",
    ],
  ])("refuses %s", (_title, change, reason) => {
    expect(reasons({ ...base(), ...change })).toContain(reason);
  });

  it("accepts cron lists, ranges and steps", () => {
    expect(reasons({ ...base(), cronSchedule: "0,30 9-17/2 1 */3 1-5" })).toEqual([]);
  });
});

describe("Service helpers", () => {
  it("derives Railway's private host from the name", () => {
    expect(privateDomainOf("Celery Worker")).toBe("celery-worker.railway.internal");
  });

  it("builds the update input for changed keys only, with replicas, and never the source", () => {
    const news: ServiceInputs = { projectId: "p", environmentId: "e", name: "n", repo: "a/b", healthcheckPath: "/h", replicas: 2 };
    expect(instanceInput(news, ["repo", "healthcheckPath"])).toEqual({ healthcheckPath: "/h", numReplicas: 2 });
  });
});
