import { beforeAll, describe, expect, it } from "vitest";
import { VariablesInputs, checkVariables, variablesProvider } from "../src/variables";
import { create, destroy, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("variables");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const service = () => ctx.service("svc", "nginx");

function vars(serviceId: string, overrides: Partial<VariablesInputs> = {}): VariablesInputs {
  return {
    projectId,
    environmentId,
    serviceId,
    variables: { ENVIRONMENT: "production", DATABASE_URL: "${{Postgres.DATABASE_URL}}", REDIS_URL: "${{Redis.REDIS_URL}}" },
    secretVariables: { SERPAPI_KEY: "serp-secret-1", AMADEUS_CLIENT_SECRET: "amadeus-secret-2" },
    ...overrides,
  };
}

describe("Variables", () => {
  it("writes the environment's shared variables when given no service (VAR-2), reads them back and deletes them", async () => {
    const inputs: VariablesInputs = {
      projectId,
      environmentId,
      variables: { LOG_LEVEL: "info" },
      secretVariables: { SENTRY_TOKEN: "shared-secret-1" },
    };
    const state = await create(variablesProvider, inputs);
    expect(state.id).toBe(`shared:${environmentId}`);
    expect(Object.fromEntries(ctx.emulator.state.variables.get(`${environmentId}:shared`) ?? [])).toEqual({
      LOG_LEVEL: "info",
      SENTRY_TOKEN: "shared-secret-1",
    });
    const changed = await up(variablesProvider, state, { ...inputs, variables: { LOG_LEVEL: "debug" } });
    expect(changed.action).toBe("update");
    expect(ctx.emulator.state.variables.get(`${environmentId}:shared`)?.get("LOG_LEVEL")).toBe("debug");
    expect(await refresh(variablesProvider, changed)).toBeDefined();
    await destroy(variablesProvider, changed);
    expect([...(ctx.emulator.state.variables.get(`${environmentId}:shared`)?.keys() ?? [])]).toEqual([]);
  });

  it("refuses deferToDeploy on shared variables, which no deploy of theirs follows", () => {
    expect(checkVariables({ projectId, environmentId, deferToDeploy: true })).toEqual([
      {
        property: "deferToDeploy",
        reason: "shared variables (no `serviceId`) have no deploy of their own to wait for; leave `deferToDeploy` out",
      },
    ]);
  });

  it("writes plain, secret and reference values in one upsert that skips deploys", async () => {
    const serviceId = await service();
    const before = ctx.emulator.requests.length;
    await create(variablesProvider, vars(serviceId));
    expect(ctx.emulator.operationsSince(before)).toEqual(["variableCollectionUpsert"]);
    expect(ctx.emulator.requests.at(-1)!.variables).toMatchObject({ input: { skipDeploys: true, replace: false } });
    expect(ctx.emulator.variablesOf(environmentId, serviceId)).toEqual({
      ENVIRONMENT: "production",
      DATABASE_URL: "${{Postgres.DATABASE_URL}}",
      REDIS_URL: "${{Redis.REDIS_URL}}",
      SERPAPI_KEY: "serp-secret-1",
      AMADEUS_CLIENT_SECRET: "amadeus-secret-2",
    });
    expect(ctx.emulator.deploymentsOf(serviceId)).toEqual([]);
  });

  it("upserts only changed keys, deletes removed ones, and does nothing when nothing changed", async () => {
    const serviceId = await service();
    const state = await create(variablesProvider, vars(serviceId));
    expect((await up(variablesProvider, state, vars(serviceId))).action).toBe("same");

    const before = ctx.emulator.requests.length;
    const next = vars(serviceId, {
      variables: { ENVIRONMENT: "staging", DATABASE_URL: "${{Postgres.DATABASE_URL}}" },
      secretVariables: { SERPAPI_KEY: "serp-secret-1", AMADEUS_CLIENT_SECRET: "amadeus-rotated" },
    });
    await up(variablesProvider, state, next);
    expect(ctx.emulator.operationsSince(before)).toEqual(["variableCollectionUpsert", "variableDelete"]);
    const [upsert, del] = ctx.emulator.requests.slice(before);
    expect(upsert.variables).toMatchObject({ input: { variables: { ENVIRONMENT: "staging", AMADEUS_CLIENT_SECRET: "amadeus-rotated" } } });
    expect(Object.keys((upsert.variables.input as { variables: object }).variables)).toHaveLength(2);
    expect(del.variables).toEqual({ input: { projectId, environmentId, serviceId, name: "REDIS_URL" } });
    expect(ctx.emulator.variablesOf(environmentId, serviceId)).not.toHaveProperty("REDIS_URL");
    expect(ctx.emulator.deploymentsOf(serviceId)).toEqual([]);
  });

  it("sees a value changed in the dashboard and sets it back", async () => {
    const serviceId = await service();
    const state = await create(variablesProvider, vars(serviceId));
    ctx.emulator.state.variables.get(`${environmentId}:${serviceId}`)!.set("SERPAPI_KEY", "pasted-by-hand");
    ctx.emulator.state.variables.get(`${environmentId}:${serviceId}`)!.delete("ENVIRONMENT");
    const drifted = (await refresh(variablesProvider, state))!;
    expect(drifted.outs.secretVariables!.SERPAPI_KEY).toBe("pasted-by-hand");
    expect(drifted.outs.variables).not.toHaveProperty("ENVIRONMENT");
    await up(variablesProvider, drifted, vars(serviceId));
    expect(ctx.emulator.variablesOf(environmentId, serviceId)).toMatchObject({ SERPAPI_KEY: "serp-secret-1", ENVIRONMENT: "production" });
  });

  it("clears a service whose variables are all its own with one replace, without deploying", async () => {
    const serviceId = await service();
    const state = await create(variablesProvider, vars(serviceId));
    const before = ctx.emulator.requests.length;
    await destroy(variablesProvider, state);
    expect(ctx.emulator.operationsSince(before)).toEqual(["variables", "variableCollectionUpsert"]);
    expect(ctx.emulator.requests.at(-1)!.variables).toEqual({
      input: { projectId, environmentId, serviceId, variables: {}, replace: true, skipDeploys: true },
    });
    expect(ctx.emulator.variablesOf(environmentId, serviceId)).toEqual({});
    expect(ctx.emulator.deploymentsOf(serviceId)).toEqual([]);
  });

  it("deletes only the keys it owns", async () => {
    const serviceId = await service();
    ctx.emulator.state.variables.set(`${environmentId}:${serviceId}`, new Map([["SET_BY_HAND", "1"]]));
    const state = await create(variablesProvider, vars(serviceId));
    const before = ctx.emulator.requests.length;
    await destroy(variablesProvider, state);
    expect(ctx.emulator.variablesOf(environmentId, serviceId)).toEqual({ SET_BY_HAND: "1" });
    expect(ctx.emulator.counts(before).byOperation).toEqual({ variables: 1, variableDelete: 5 });
  });

  it("is gone when its service was deleted, and deleting it then succeeds", async () => {
    const serviceId = await service();
    const state = await create(variablesProvider, vars(serviceId));
    ctx.emulator.deleteOutOfBand("service", serviceId);
    expect(await refresh(variablesProvider, state)).toBeUndefined();
    await expect(destroy(variablesProvider, state)).resolves.toBeUndefined();
  });

  it("replaces when moved to another service", async () => {
    const diff = await variablesProvider.diff!("x", vars("a"), vars("b"));
    expect(diff).toMatchObject({ changes: true, replaces: ["serviceId"] });
  });

  it("refuses bad names and a key that is both plain and secret", () => {
    const failures = checkVariables(vars("s", { variables: { "1BAD": "x", SERPAPI_KEY: "plain" } })).map(
      (f) => `${f.property}: ${f.reason}`,
    );
    expect(failures).toEqual([
      "variables.1BAD: variable names are letters, digits and `_`, not starting with a digit",
      "variables.SERPAPI_KEY: declared both plain and secret; keep it in `secretVariables` only",
    ]);
  });
});
