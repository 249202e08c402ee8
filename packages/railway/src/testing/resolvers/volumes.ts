// The emulator's answers about volumes and their backups (VOL).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomBytes, randomUUID } from "node:crypto";
import type { VolumeInstanceRecord, VolumeRecord, RailwayEmulator, Resolvers } from "../emulator";
import { BACKUP_SCHEDULES, badInput, notFound } from "../answers";

export function volumesResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // VOL-1: every environment, none, or one
    volumeCreate: ({ input }) => {
      emu.requireProject(input.projectId);
      const volume: VolumeRecord = { id: randomUUID(), projectId: input.projectId, name: `volume-${randomBytes(3).toString("hex")}` };
      // environmentId: undefined = every environment, null = none (schema description).
      const envs =
        input.environmentId === undefined
          ? [...s.environments.values()].filter((e) => e.projectId === input.projectId).map((e) => e.id)
          : input.environmentId === null
            ? []
            : [emu.requireEnvironment(input.environmentId).id];
      for (const environmentId of envs) {
        if (
          input.serviceId &&
          [...s.volumeInstances.values()].some((v) => v.serviceId === input.serviceId && v.environmentId === environmentId)
        ) {
          throw badInput("Service already has a volume attached");
        }
      }
      s.volumes.set(volume.id, volume);
      for (const environmentId of envs) {
        const instance: VolumeInstanceRecord = {
          id: randomUUID(),
          volumeId: volume.id,
          environmentId,
          serviceId: input.serviceId ?? null,
          mountPath: input.mountPath,
          sizeMB: 5000,
          state: "READY",
        };
        s.volumeInstances.set(instance.id, instance);
      }
      return volume;
    },
    // VOL-1: rename
    volumeUpdate: ({ volumeId, input }) => {
      const volume = s.volumes.get(volumeId);
      if (!volume) throw notFound("Volume");
      if (input.name) volume.name = input.name;
      return volume;
    },
    // VOL-2: without serviceId the volume detaches
    volumeInstanceUpdate: ({ volumeId, environmentId, input }) => {
      if (!s.volumes.has(volumeId)) throw notFound("Volume");
      const targets = [...s.volumeInstances.values()].filter(
        (v) => v.volumeId === volumeId && (!environmentId || v.environmentId === environmentId),
      );
      if (!targets.length) throw notFound("VolumeInstance");
      for (const v of targets) {
        if (input.mountPath) v.mountPath = input.mountPath;
        // Railway's quirk: an update without serviceId detaches the volume.
        v.serviceId = input.serviceId ?? null;
        if (input.state) v.state = input.state;
      }
      return true;
    },
    // VOL-4: the instance's schedules become exactly the kinds given
    volumeInstanceBackupScheduleUpdate: ({ volumeInstanceId, kinds }) => {
      const instance = emu.requireVolumeInstance(volumeInstanceId);
      instance.backups = [...new Set(kinds as string[])];
      return true;
    },
    // VOL-4: retention from Railway's backups reference; the cron text and names are assumed
    volumeInstanceBackupScheduleList: ({ volumeInstanceId }) => {
      const instance = emu.requireVolumeInstance(volumeInstanceId);
      return (instance.backups ?? []).map((kind) => ({
        id: `${instance.id}-${kind.toLowerCase()}`,
        kind,
        name: kind.toLowerCase(),
        cron: BACKUP_SCHEDULES[kind].cron,
        retentionSeconds: BACKUP_SCHEDULES[kind].days * 86_400,
        createdAt: new Date().toISOString(),
      }));
    },
    // VOL-3: the volume and its instances
    volumeDelete: ({ volumeId }) => {
      if (!s.volumes.has(volumeId)) throw notFound("Volume");
      emu.deleteVolume(volumeId);
      return true;
    },
  };
}
