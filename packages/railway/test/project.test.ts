import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectProvider } from "../src/project";
import { ownerProof, provenMarker, provesOwner } from "../src/ownership";
import { RailwayEmulator } from "../src/testing/emulator";
import { environmentProvider } from "../src/environment";
import { configureRailway } from "../src/settings";
import { CheckFailedError, create, destroy, refresh, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

const named = (name: string) => [...emulator.state.projects.values()].filter((p) => p.name === name);

describe("Project", () => {
  it("recognises the project an interrupted run made by its owner's proof, even with no state, and creates no second one", async () => {
    const owner = `trestle/interrupted-${Math.random().toString(16).slice(2, 8)}`;
    // The first run's projectCreate and its proof committed; the run died before Pulumi saved its state.
    const first = emulator["root"]().projectCreate({ input: { name: "orphan-check", description: "pending" } }) as { id: string };
    emulator["root"]().projectUpdate({ id: first.id, input: { description: `Managed by Trestle ${await provenMarker(owner, first.id)}` } });
    emulator["root"]().projectCreate({ input: { name: "orphan-check", description: "someone else's project of the same name" } });
    // The next run adopts it.
    const again = await create(projectProvider, { name: "orphan-check", owner });
    expect(again.id).toBe(first.id);
    expect(named("orphan-check")).toHaveLength(2);
    expect(again.outs.created).toBe(true);
  });

  // Ownership cannot be forged: a marker merely present, a marker without a
  // proof, a proof copied from another project, or one made with another token,
  // is someone else's project. Trestle makes its own and never touches theirs.
  it.each([
    ["a bare marker", async (owner: string) => `Managed by Trestle [trestle:${owner}]`],
    ["a marker with a made-up proof", async (owner: string) => `[trestle:${owner}#${"0".repeat(32)}]`],
    [
      "a proof copied from the real project",
      async (owner: string) => `[trestle:${owner}#${await ownerProof(owner, "the-real-projects-id")}]`,
    ],
    [
      "a proof made with another token",
      async (owner: string, id: string) => `[trestle:${owner}#${await ownerProof(owner, id, "another-token")}]`,
    ],
    ["the nonce marker of a create", async (owner: string) => `Managed by Trestle [trestle:${owner}~${"a".repeat(36)}]`],
  ])("never adopts a planted project with %s", async (_label, plant) => {
    const owner = `trestle/forged-${Math.random().toString(16).slice(2, 8)}`;
    const name = `forged-${Math.random().toString(16).slice(2, 8)}`;
    const planted = emulator["root"]().projectCreate({ input: { name, description: "x" } }) as { id: string };
    emulator["root"]().projectUpdate({ id: planted.id, input: { description: await plant(owner, planted.id) } });
    const mine = await create(projectProvider, { name, owner });
    expect(mine.id).not.toBe(planted.id);
    expect(await provesOwner(emulator.state.projects.get(mine.id)!.description, owner, mine.id)).toBe(true);
    // Its destroy deletes its own project only.
    await destroy(projectProvider, mine);
    expect(emulator.state.projects.has(planted.id)).toBe(true);
  });

  it("keeps each of two concurrent runs on the project its own request made, whose answers were lost", async () => {
    const owner = "trestle/concurrent";
    emulator.inject({ operation: "projectCreate", kind: "lostResponse", times: 2 });
    const [a, b] = await Promise.all([
      create(projectProvider, { name: "twice", owner }),
      create(projectProvider, { name: "twice", owner }),
    ]);
    expect(a.id).not.toBe(b.id);
    expect(
      named("twice")
        .map((p) => p.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    for (const run of [a, b]) expect(await provesOwner(emulator.state.projects.get(run.id)!.description, owner, run.id)).toBe(true);
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
      await expect(create(environmentProvider, { projectId: state.id, name: "preview" })).rejects.toThrow(
        /^a Railway project token cannot create environment `preview`/,
      );
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
    await expect(projectProvider.diff!("p", olds, { name: "a", workspaceId: "w2" })).rejects.toThrow(
      /^refused: replacing the Railway project `a` \(p\)/,
    );
    expect(await projectProvider.diff!("p", olds, { name: "a", workspaceId: "w2", allowReplace: true })).toMatchObject({
      changes: true,
      replaces: ["workspaceId"],
    });
    expect(await projectProvider.diff!("p", olds, { name: "a", existingProjectId: "q", allowReplace: true })).toMatchObject({
      changes: true,
      replaces: ["existingProjectId"],
    });
    // Naming the project it holds, or dropping the workspace, moves nothing.
    expect(await projectProvider.diff!("p", olds, { name: "a", workspaceId: "w1", existingProjectId: "p" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await projectProvider.diff!("p", olds, { name: "a" })).toMatchObject({ replaces: [] });
  });

  it("counts a name's length in characters and refuses control and bidirectional-override characters", async () => {
    expect((await projectProvider.check!({ name: "" }, { name: "🚂".repeat(100) })).failures).toEqual([]);
    expect((await projectProvider.check!({ name: "" }, { name: "🚂".repeat(101) })).failures).toEqual([
      { property: "name", reason: "Railway project names are at most 100 characters" },
    ]);
    expect((await projectProvider.check!({ name: "" }, { name: "bad\u0000name\u202e" })).failures).toEqual([
      { property: "name", reason: "a project name holds no control or bidirectional-override characters" },
    ]);
  });

  it("refuses a missing name", async () => {
    await expect(create(projectProvider, { name: " " })).rejects.toThrow(CheckFailedError);
    await expect(create(projectProvider, { name: "" })).rejects.toThrow("name: `name` is required");
  });
});
