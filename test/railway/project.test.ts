import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectProvider } from "../../packages/railway/src/project";
import { RailwayEmulator } from "../../packages/railway/src/testing/emulator";
import { environmentProvider } from "../../packages/railway/src/environment";
import { configureRailway } from "../../packages/railway/src/settings";
import { CheckFailedError, create, destroy, refresh, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

const named = (name: string) => [...emulator.state.projects.values()].filter((p) => p.name === name);

describe("Project", () => {
  it("recognises the project an interrupted run made by its owner marker, even with no state, and creates no second one", async () => {
    const owner = `trestle/interrupted-${Math.random().toString(16).slice(2, 8)}`;
    // The first run's projectCreate committed; the run died before Pulumi saved its state.
    emulator["root"]().projectCreate({ input: { name: "orphan-check", description: `Managed by Trestle [trestle:${owner}]` } });
    emulator["root"]().projectCreate({ input: { name: "orphan-check", description: "someone else's project of the same name" } });
    // The next run adopts it.
    const again = await create(projectProvider, { name: "orphan-check", owner });
    expect(named("orphan-check")).toHaveLength(2);
    expect(emulator.state.projects.get(again.id)!.description).toBe(`Managed by Trestle [trestle:${owner}]`);
    expect(again.outs.created).toBe(true);
  });

  it("converges two concurrent runs of one stack on one project", async () => {
    const owner = "trestle/concurrent";
    emulator.inject({ operation: "projectCreate", kind: "lostResponse", times: 2 });
    const [a, b] = await Promise.all([create(projectProvider, { name: "twice", owner }), create(projectProvider, { name: "twice", owner })]);
    expect(a.id).toBe(b.id);
  });

  it("creates a project with exactly the stack's environment (PROJ-1)", async () => {
    const state = await create(projectProvider, { name: "staging-only", defaultEnvironmentName: "staging" });
    expect([...emulator.state.environments.values()].filter((e) => e.projectId === state.id).map((e) => e.name)).toEqual(["staging"]);
  });

  it("refuses to create a project or an environment with a project token, before any request (AUTH-2)", async () => {
    const state = await create(projectProvider, { name: "token-scope" });
    configureRailway({ token: emulator.projectToken, tokenKind: "project" });
    try {
      const before = emulator.requests.length;
      await expect(create(projectProvider, { name: "not-allowed" })).rejects.toThrow(/^a Railway project token cannot create projects/);
      expect(emulator.requests.length).toBe(before);
      await expect(create(environmentProvider, { projectId: state.id, name: "preview" })).rejects.toThrow(/^a Railway project token cannot create environment `preview`/);
      // Its own, existing environment is adopted.
      expect((await create(environmentProvider, { projectId: state.id, name: "production" })).outs.created).toBe(false);
    } finally {
      configureRailway({ token: emulator.token, tokenKind: "account" });
    }
  });

  it("creates, renames, refreshes and deletes a project", async () => {
    const state = await create(projectProvider, { name: "travel", description: "seed 000" });
    expect(state.outs).toMatchObject({ projectId: state.id, name: "travel", created: true });
    expect(emulator.state.projects.get(state.id)).toMatchObject({ name: "travel", description: "seed 000" });
    expect([...emulator.state.environments.values()].filter((e) => e.projectId === state.id).map((e) => e.name)).toEqual(["production"]);

    const same = await up(projectProvider, state, { name: "travel", description: "seed 000" });
    expect(same.action).toBe("same");

    const before = emulator.requests.length;
    const renamed = await up(projectProvider, state, { name: "travel-backend", description: "seed 000" });
    expect(renamed.action).toBe("update");
    expect(emulator.operationsSince(before)).toEqual(["projectUpdate"]);
    expect(emulator.requests.at(-1)!.variables).toEqual({ id: state.id, input: { name: "travel-backend" } });
    expect(emulator.state.projects.get(state.id)!.name).toBe("travel-backend");

    expect(await refresh(projectProvider, renamed)).toMatchObject({ id: state.id, outs: { name: "travel-backend" } });
    await destroy(projectProvider, renamed);
    expect(emulator.state.projects.has(state.id)).toBe(false);
  });

  it("adopts an existing project by id and never deletes it", async () => {
    const existing = await create(projectProvider, { name: "theirs" });
    const adopted = await create(projectProvider, { name: "ignored", existingProjectId: existing.id });
    expect(adopted).toMatchObject({ id: existing.id, outs: { created: false, name: "theirs" } });
    await destroy(projectProvider, adopted);
    expect(emulator.state.projects.has(existing.id)).toBe(true);
  });

  it("leaves no duplicate when the create response is lost", async () => {
    emulator.inject({ operation: "projectCreate", kind: "lostResponse" });
    const state = await create(projectProvider, { name: "lost-create" });
    expect(named("lost-create").map((p) => p.id)).toEqual([state.id]);
  });

  it("leaves no duplicate when the connection drops after the create", async () => {
    emulator.inject({ operation: "projectCreate", kind: "dropConnection" });
    const state = await create(projectProvider, { name: "dropped-create" });
    expect(named("dropped-create").map((p) => p.id)).toEqual([state.id]);
  });

  it("does not adopt a same-named project that existed before", async () => {
    const older = await create(projectProvider, { name: "twin" });
    const mine = await create(projectProvider, { name: "twin" });
    expect(mine.id).not.toBe(older.id);
    expect(named("twin")).toHaveLength(2);
  });

  it("reports a project deleted in the dashboard as gone, and deleting it again succeeds", async () => {
    const state = await create(projectProvider, { name: "doomed" });
    emulator.deleteOutOfBand("project", state.id);
    expect(await refresh(projectProvider, state)).toBeUndefined();
    await expect(destroy(projectProvider, state)).resolves.toBeUndefined();
  });

  it("replaces when the workspace or adopted id names another object, and only with the opt-in", async () => {
    const olds = { name: "a", workspaceId: "w1", projectId: "p", created: true };
    await expect(projectProvider.diff!("p", olds, { name: "a", workspaceId: "w2" })).rejects.toThrow(/^refused: replacing the Railway project `a` \(p\)/);
    expect(await projectProvider.diff!("p", olds, { name: "a", workspaceId: "w2", allowReplace: true })).toMatchObject({ changes: true, replaces: ["workspaceId"] });
    expect(await projectProvider.diff!("p", olds, { name: "a", existingProjectId: "q", allowReplace: true })).toMatchObject({ changes: true, replaces: ["existingProjectId"] });
    // Naming the project it holds, or dropping the workspace, moves nothing.
    expect(await projectProvider.diff!("p", olds, { name: "a", workspaceId: "w1", existingProjectId: "p" })).toMatchObject({ changes: true, replaces: [] });
    expect(await projectProvider.diff!("p", olds, { name: "a" })).toMatchObject({ replaces: [] });
  });

  it("counts a name's length in characters and refuses control and bidirectional-override characters", async () => {
    expect((await projectProvider.check!({ name: "" }, { name: "🚂".repeat(100) })).failures).toEqual([]);
    expect((await projectProvider.check!({ name: "" }, { name: "🚂".repeat(101) })).failures).toEqual([{ property: "name", reason: "Railway project names are at most 100 characters" }]);
    expect((await projectProvider.check!({ name: "" }, { name: "bad\u0000name\u202e" })).failures).toEqual([{ property: "name", reason: "a project name holds no control or bidirectional-override characters" }]);
  });

  it("refuses a missing name", async () => {
    await expect(create(projectProvider, { name: " " })).rejects.toThrow(CheckFailedError);
    await expect(create(projectProvider, { name: "" })).rejects.toThrow("name: `name` is required");
  });
});
