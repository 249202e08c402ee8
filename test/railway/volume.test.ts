import { beforeAll, describe, expect, it } from "vitest";
import { volumeProvider } from "../../components/railway/volume";
import { create, destroy, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("volumes");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const service = () => ctx.service("db", "postgres:16");

const instancesOf = (serviceId: string) => [...ctx.emulator.state.volumeInstances.values()].filter((v) => v.serviceId === serviceId);

describe("Volume", () => {
  it("creates a named volume in this environment only, mounted into the service", async () => {
    const serviceId = await service();
    const state = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/var/lib/postgresql/data", name: "pgdata" });
    expect(instancesOf(serviceId)).toMatchObject([{ volumeId: state.id, environmentId, mountPath: "/var/lib/postgresql/data" }]);
    expect(ctx.emulator.state.volumes.get(state.id)!.name).toBe("pgdata");
    expect(state.outs).toMatchObject({ volumeId: state.id, sizeMB: 5000 });
    const createReq = ctx.emulator.requests.find((r) => r.operation === "volumeCreate" && JSON.stringify(r.variables).includes(serviceId))!;
    expect(createReq.variables).toEqual({ input: { projectId, environmentId, serviceId, mountPath: "/var/lib/postgresql/data" } });
  });

  it("moves the mount path without detaching the volume", async () => {
    const serviceId = await service();
    const state = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    const moved = await up(volumeProvider, state, { projectId, environmentId, serviceId, mountPath: "/bitnami" });
    expect(moved.action).toBe("update");
    expect(instancesOf(serviceId)).toMatchObject([{ volumeId: state.id, mountPath: "/bitnami", serviceId }]);
  });

  it("retries Railway's volume-create throttle", async () => {
    const serviceId = await service();
    ctx.emulator.inject({ operation: "volumeCreate", kind: "throttle" });
    const state = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    expect(instancesOf(serviceId).map((v) => v.volumeId)).toEqual([state.id]);
  });

  it("leaves no duplicate when the create response is lost", async () => {
    const serviceId = await service();
    ctx.emulator.inject({ operation: "volumeCreate", kind: "lostResponse" });
    const state = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    expect(instancesOf(serviceId).map((v) => v.volumeId)).toEqual([state.id]);
  });

  it("deletes the volume, and is gone after an out-of-band delete", async () => {
    const serviceId = await service();
    const state = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    await destroy(volumeProvider, state);
    expect(ctx.emulator.state.volumes.has(state.id)).toBe(false);

    const other = await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    ctx.emulator.deleteOutOfBand("volume", other.id);
    expect(await refresh(volumeProvider, other)).toBeUndefined();
    await expect(destroy(volumeProvider, other)).resolves.toBeUndefined();
  });

  it("refuses a relative mount path", async () => {
    await expect(create(volumeProvider, { projectId, environmentId, serviceId: "s", mountPath: "data" })).rejects.toThrow(
      "mountPath: `data` must be an absolute path such as `/data`",
    );
  });
});
