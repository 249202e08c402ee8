import { beforeAll, describe, expect, it } from "vitest";
import { volumeProvider } from "../src/volume";
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
    const state = await create(volumeProvider, {
      projectId,
      environmentId,
      serviceId,
      mountPath: "/var/lib/postgresql/data",
      name: "pgdata",
    });
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

  it("sets the backup schedules Trestle manages, reads them back as drift, and changes only what changed (VOL-4)", async () => {
    const serviceId = await service();
    const inputs = { projectId, environmentId, serviceId, mountPath: "/data", backups: ["WEEKLY" as const, "DAILY" as const] };
    let before = ctx.emulator.requests.length;
    const state = await create(volumeProvider, inputs);
    const [instance] = instancesOf(serviceId);
    const scheduleReqs = ctx.emulator.requests.slice(before).filter((r) => r.operation === "volumeInstanceBackupScheduleUpdate");
    // One mutation, in Railway's order whatever order the config gave.
    expect(scheduleReqs.map((r) => r.variables)).toEqual([{ volumeInstanceId: instance.id, kinds: ["DAILY", "WEEKLY"] }]);
    expect(instance.backups).toEqual(["DAILY", "WEEKLY"]);
    expect((await up(volumeProvider, state, inputs)).action).toBe("same");

    // A schedule removed in the dashboard is drift that the next `up` puts back.
    instance.backups = ["DAILY"];
    const read = await refresh(volumeProvider, state);
    expect(read!.outs.backups).toEqual(["DAILY"]);
    before = ctx.emulator.requests.length;
    const restored = await up(volumeProvider, { id: state.id, outs: read!.outs }, inputs);
    expect(restored.action).toBe("update");
    expect(ctx.emulator.operationsSince(before)).toEqual(["volumeInstanceBackupScheduleUpdate"]);
    expect(instance.backups).toEqual(["DAILY", "WEEKLY"]);

    // `[]` turns them off; leaving `backups` out leaves them as they are and sends nothing.
    await up(volumeProvider, restored, { ...inputs, backups: [] });
    expect(instance.backups).toEqual([]);
    before = ctx.emulator.requests.length;
    const { backups: _unmanaged, ...rest } = inputs;
    const unmanaged = await up(volumeProvider, { ...restored, outs: { ...restored.outs, backups: [] } }, rest);
    expect(ctx.emulator.operationsSince(before)).toEqual([]);
    expect(unmanaged.outs).not.toHaveProperty("backups");
    expect((await up(volumeProvider, unmanaged, rest)).action).toBe("same");
  });

  it("sends no schedule for a volume whose backups Trestle does not manage", async () => {
    const serviceId = await service();
    const before = ctx.emulator.requests.length;
    await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" });
    expect(ctx.emulator.operationsSince(before)).not.toContain("volumeInstanceBackupScheduleUpdate");
  });

  it("refuses a schedule Railway does not have", async () => {
    await expect(
      create(volumeProvider, { projectId, environmentId, serviceId: "s", mountPath: "/data", backups: ["HOURLY" as never] }),
    ).rejects.toThrow("backups: `HOURLY` is not a backup schedule; give a list of DAILY, WEEKLY, MONTHLY (VOL-4)");
  });

  it("refuses a relative mount path", async () => {
    await expect(create(volumeProvider, { projectId, environmentId, serviceId: "s", mountPath: "data" })).rejects.toThrow(
      "mountPath: `data` must be an absolute path such as `/data`",
    );
  });
});
