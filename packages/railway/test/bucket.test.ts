// Bucket (BKT-1..BKT-4): created in the project, deployed into this environment
// by an environment patch, renamed in place, its region fixed, deleted from the
// environment only as the data guard allows; services reach it by reference.
import { beforeAll, describe, expect, it } from "vitest";
import { DataLossRefusedError } from "../src/holdings";
import { bucketProvider } from "../src/bucket";
import { variablesProvider } from "../src/variables";
import { create, destroy, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("buckets");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const instance = (bucketId: string) => ctx.emulator.state.bucketInstances.get(`${environmentId}:${bucketId}`);

describe("Bucket", () => {
  it("creates the bucket in the project, then deploys it into this environment with its region, as Railway's CLI does", async () => {
    const since = ctx.emulator.requests.length;
    const state = await create(bucketProvider, { projectId, environmentId, name: "uploads", region: "iad" });
    expect(ctx.emulator.state.buckets.get(state.id)).toMatchObject({ name: "uploads", projectId });
    expect(instance(state.id)).toMatchObject({ region: "iad" });
    const sent = ctx.emulator.requests.slice(since).filter((r) => r.kind === "mutation");
    expect(sent.map((r) => r.operation)).toEqual(["bucketCreate", "environmentPatchCommit"]);
    expect(sent[0].variables).toEqual({ input: { projectId, name: "uploads" } });
    expect(sent[1].variables).toMatchObject({ environmentId, patch: { buckets: { [state.id]: { region: "iad", isCreated: true } } } });
  });

  it("gives a service that references it the instance's credentials, which never pass through Trestle", async () => {
    const state = await create(bucketProvider, { projectId, environmentId, name: "media", region: "ams" });
    const serviceId = await ctx.service("api", "ghcr.io/acme/api:1");
    await create(variablesProvider, {
      projectId,
      environmentId,
      serviceId,
      variables: { AWS_ACCESS_KEY_ID: "${{media.ACCESS_KEY_ID}}", AWS_S3_BUCKET_NAME: "${{media.BUCKET}}" },
    });
    const rendered = ctx.emulator.renderVariables(serviceId, environmentId);
    expect(rendered.AWS_ACCESS_KEY_ID).toBe(instance(state.id)!.accessKeyId);
    expect(rendered.AWS_S3_BUCKET_NAME).toMatch(/^media-[0-9a-f]{6}$/);
    expect(JSON.stringify(state.outs)).not.toContain(instance(state.id)!.secretAccessKey);
  });

  it("renames in place, and refuses a new region unless this update may replace it", async () => {
    const state = await create(bucketProvider, { projectId, environmentId, name: "assets", region: "sjc" });
    const renamed = await up(bucketProvider, state, { projectId, environmentId, name: "static-assets", region: "sjc" });
    expect(renamed.action).toBe("update");
    expect(ctx.emulator.state.buckets.get(state.id)!.name).toBe("static-assets");
    await expect(up(bucketProvider, renamed, { projectId, environmentId, name: "static-assets", region: "sin" })).rejects.toBeInstanceOf(
      DataLossRefusedError,
    );
    expect(instance(state.id)!.region).toBe("sjc");
  });

  it("refuses an unknown region before anything is sent", async () => {
    await expect(create(bucketProvider, { projectId, environmentId, name: "x", region: "us-east-1" })).rejects.toThrow(
      /`us-east-1` is not a bucket region; give one of sjc, iad, ams, sin/,
    );
  });

  it("leaves no duplicate when the create answer is lost", async () => {
    ctx.emulator.inject({ operation: "bucketCreate", kind: "lostResponse" });
    const state = await create(bucketProvider, { projectId, environmentId, name: "lost", region: "iad" });
    expect([...ctx.emulator.state.buckets.values()].filter((b) => b.name === "lost").map((b) => b.id)).toEqual([state.id]);
    expect(instance(state.id)).toBeDefined();
  });

  it("does not take over a same-name bucket another owner deployed here", async () => {
    const theirs = await create(bucketProvider, { projectId, environmentId, name: "shared-files", region: "iad" });
    await expect(create(bucketProvider, { projectId, environmentId, name: "shared-files", region: "iad" })).rejects.toThrow(
      /already deployed in environment .* and this stack did not create it/,
    );
    const adopted = await create(bucketProvider, { projectId, environmentId, name: "shared-files", region: "iad", takeOver: true });
    expect(adopted.id).toBe(theirs.id);
  });

  it("deletes the environment's instance, and is gone after an out-of-band delete", async () => {
    const state = await create(bucketProvider, { projectId, environmentId, name: "scratch", region: "iad" });
    await destroy(bucketProvider, state);
    expect(instance(state.id)).toBeUndefined();
    const again = await create(bucketProvider, { projectId, environmentId, name: "scratch-2", region: "iad" });
    ctx.emulator.state.bucketInstances.delete(`${environmentId}:${again.id}`);
    expect(await refresh(bucketProvider, again)).toBeUndefined();
  });
});
