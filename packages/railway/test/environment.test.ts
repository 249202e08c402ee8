import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { environmentProvider } from "../src/environment";
import { projectProvider } from "../src/project";
import { RailwayEmulator } from "../src/testing/emulator";
import { create, destroy, refresh, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
let projectId: string;
beforeAll(async () => {
  emulator = await startEmulator();
  projectId = (await create(projectProvider, { name: "envs" })).id;
});
afterAll(() => emulator.stop());

const envsNamed = (name: string) => [...emulator.state.environments.values()].filter((e) => e.projectId === projectId && e.name === name);

describe("Environment", () => {
  it("adopts the project's production environment and never deletes it", async () => {
    const before = emulator.requests.length;
    const prod = await create(environmentProvider, { projectId, name: "production" });
    expect(emulator.operationsSince(before)).toEqual(["environments"]);
    expect(prod.outs).toMatchObject({ environmentId: envsNamed("production")[0].id, created: false });
    await destroy(environmentProvider, prod);
    expect(envsNamed("production")).toHaveLength(1);
  });

  it("creates a missing environment and deletes what it created", async () => {
    const staging = await create(environmentProvider, { projectId, name: "staging" });
    expect(staging.outs.created).toBe(true);
    expect(envsNamed("staging").map((e) => e.id)).toEqual([staging.id]);
    expect((await up(environmentProvider, staging, { projectId, name: "staging" })).action).toBe("same");
    await destroy(environmentProvider, staging);
    expect(envsNamed("staging")).toEqual([]);
  });

  it("leaves no duplicate when the create response is lost", async () => {
    emulator.inject({ operation: "environmentCreate", kind: "lostResponse", status: 502 });
    const state = await create(environmentProvider, { projectId, name: "lost" });
    expect(envsNamed("lost").map((e) => e.id)).toEqual([state.id]);
  });

  it("retries Railway's one-environment-per-30-seconds throttle", async () => {
    emulator.inject({
      operation: "environmentCreate",
      kind: "throttle",
      message: "You can only create one environment can be created per user every 30s",
    });
    const before = emulator.requests.length;
    const state = await create(environmentProvider, { projectId, name: "throttled" });
    expect(emulator.operationsSince(before)).toEqual(["environments", "environmentCreate", "environmentCreate"]);
    expect(envsNamed("throttled").map((e) => e.id)).toEqual([state.id]);
  });

  it("replaces on a new name only when allowed, and reports an out-of-band delete as gone", async () => {
    const state = await create(environmentProvider, { projectId, name: "pr-1" });
    await expect(up(environmentProvider, state, { projectId, name: "pr-2" })).rejects.toThrow(
      /^refused: replacing the Railway environment `pr-1`/,
    );
    expect(envsNamed("pr-1")).toHaveLength(1);
    const renamed = await up(environmentProvider, state, { projectId, name: "pr-2", allowReplace: true });
    expect(renamed.action).toBe("replace");
    expect(envsNamed("pr-1")).toEqual([]);
    emulator.deleteOutOfBand("environment", renamed.id);
    expect(await refresh(environmentProvider, renamed)).toBeUndefined();
    await expect(destroy(environmentProvider, renamed)).resolves.toBeUndefined();
  });
});
