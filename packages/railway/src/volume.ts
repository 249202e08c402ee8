// A persistent volume mounted into a service in one environment.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, deleteIfPresent, diffOf, requireStrings, sameValue, unlessGone } from "./common";
import { DataGuardInputs, deleteUnlessHeld, described, guardReplace, hold } from "./holdings";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface VolumeArgs {
  /** Changing it replaces the volume (and loses its data). */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the volume (and loses its data). */
  environmentId: pulumi.Input<string>;
  /** The service the volume is mounted into; changing it replaces the volume (and loses its data). */
  serviceId: pulumi.Input<string>;
  /** Absolute path inside the container, e.g. `/var/lib/postgresql/data`. */
  mountPath: pulumi.Input<string>;
  /** The volume's name in the dashboard. */
  name?: pulumi.Input<string>;
  /**
   * Backup schedules of this environment's volume (VOL-4): `DAILY` (kept 6
   * days), `WEEKLY` (1 month), `MONTHLY` (3 months). Unset: left as Railway
   * has them; `[]`: none.
   */
  backups?: pulumi.Input<pulumi.Input<BackupSchedule>[]>;
  /**
   * Leave the first setting of `backups` to the service's first Deployment,
   * which commits them with its source in one patch (DEP-6): pass this
   * volume's `volumeId`, `volumeInstanceId` and `backups` to its `firstDeploy`.
   * @default false
   */
  deferToDeploy?: pulumi.Input<boolean>;
  /** Allow this update to replace the volume, deleting its data. @default false */
  allowReplace?: pulumi.Input<boolean>;
}

export type BackupSchedule = "DAILY" | "WEEKLY" | "MONTHLY";
export const BACKUP_SCHEDULES: readonly BackupSchedule[] = ["DAILY", "WEEKLY", "MONTHLY"];

export interface VolumeInputs extends DataGuardInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  mountPath: string;
  name?: string;
  backups?: BackupSchedule[];
  deferToDeploy?: boolean;
}

export interface VolumeOutputs extends VolumeInputs {
  volumeId: string;
  volumeInstanceId: string;
  sizeMB: number;
  /** Which resource holds the volume (holdings.ts): a replaced resource never deletes it. */
  holder?: string;
}

interface VolumeNode {
  id: string;
  name: string;
}

interface VolumeInstanceNode {
  id: string;
  volumeId: string;
  serviceId?: string | null;
  mountPath: string;
  sizeMB: number;
  state?: string | null;
  volume: VolumeNode;
}

const VOLUME_CREATE = railwayOperation(`
mutation volumeCreate($input: VolumeCreateInput!) {
  volumeCreate(input: $input) { id name }
}`);

const VOLUME_UPDATE = railwayOperation(`
mutation volumeUpdate($volumeId: String!, $input: VolumeUpdateInput!) {
  volumeUpdate(volumeId: $volumeId, input: $input) { id name }
}`);

const VOLUME_INSTANCE_UPDATE = railwayOperation(`
mutation volumeInstanceUpdate($volumeId: String!, $environmentId: String!, $input: VolumeInstanceUpdateInput!) {
  volumeInstanceUpdate(volumeId: $volumeId, environmentId: $environmentId, input: $input)
}`);

const ENVIRONMENT_VOLUMES = railwayOperation(`
query environmentVolumeInstances($environmentId: String!) {
  environment(id: $environmentId) {
    volumeInstances(first: 500) {
      edges { node { id volumeId serviceId mountPath sizeMB state volume { id name } } }
    }
  }
}`);

const BACKUP_SCHEDULE_UPDATE = railwayOperation(`
mutation volumeInstanceBackupScheduleUpdate($volumeInstanceId: String!, $kinds: [VolumeInstanceBackupScheduleKind!]!) {
  volumeInstanceBackupScheduleUpdate(volumeInstanceId: $volumeInstanceId, kinds: $kinds)
}`);

const BACKUP_SCHEDULE_LIST = railwayOperation(`
query volumeInstanceBackupScheduleList($volumeInstanceId: String!) {
  volumeInstanceBackupScheduleList(volumeInstanceId: $volumeInstanceId) { kind }
}`);

/** In Railway's order, without repeats, so a reordered list is not a change. */
export const scheduleSet = (kinds: readonly BackupSchedule[]) => BACKUP_SCHEDULES.filter((k) => kinds.includes(k));

/** VOL-4: the instance's schedules become exactly `kinds` (`[]`: none). */
export async function setBackups(volumeInstanceId: string, kinds: readonly BackupSchedule[]): Promise<void> {
  await railwayClient().request(BACKUP_SCHEDULE_UPDATE, { volumeInstanceId, kinds: scheduleSet(kinds) });
}

async function readBackups(volumeInstanceId: string): Promise<BackupSchedule[]> {
  const data = await railwayClient().request<{ volumeInstanceBackupScheduleList: { kind: BackupSchedule }[] }>(BACKUP_SCHEDULE_LIST, {
    volumeInstanceId,
  });
  return scheduleSet(data.volumeInstanceBackupScheduleList.map((s) => s.kind));
}

const VOLUME_DELETE = railwayOperation(`
mutation volumeDelete($volumeId: String!) {
  volumeDelete(volumeId: $volumeId)
}`);

async function instances(environmentId: string): Promise<VolumeInstanceNode[]> {
  const data = await railwayClient().request<{ environment: { volumeInstances: { edges: { node: VolumeInstanceNode }[] } } }>(
    ENVIRONMENT_VOLUMES,
    { environmentId },
  );
  return data.environment.volumeInstances.edges.map((e) => e.node).filter((v) => v.state !== "DELETED" && v.state !== "DELETING");
}

function outputsOf(inputs: VolumeInputs, instance: VolumeInstanceNode): VolumeOutputs {
  return {
    ...inputs,
    volumeId: instance.volumeId,
    volumeInstanceId: instance.id,
    sizeMB: instance.sizeMB,
    mountPath: instance.mountPath,
    ...(inputs.name !== undefined ? { name: instance.volume.name } : {}),
  };
}

export const volumeProvider: dynamic.ResourceProvider<VolumeInputs, VolumeOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = requireStrings(news as unknown as Record<string, unknown>, [
      "projectId",
      "environmentId",
      "serviceId",
      "mountPath",
    ]);
    if (typeof news.mountPath === "string" && !news.mountPath.startsWith("/")) {
      failures.push({ property: "mountPath", reason: `\`${news.mountPath}\` must be an absolute path such as \`/data\`` });
    }
    if (news.backups !== undefined) {
      const unknown = Array.isArray(news.backups) ? news.backups.filter((k) => !BACKUP_SCHEDULES.includes(k)) : [news.backups];
      if (unknown.length)
        failures.push({
          property: "backups",
          reason: `\`${unknown.join(", ")}\` is not a backup schedule; give a list of ${BACKUP_SCHEDULES.join(", ")} (VOL-4)`,
        });
    }
    return { inputs: news.backups ? { ...news, backups: scheduleSet(news.backups) } : news, failures };
  },

  async diff(_id, olds, news) {
    return guardReplace(
      diffOf<VolumeInputs>(olds, news, { replace: ["projectId", "environmentId", "serviceId"], update: ["mountPath", "name", "backups"] }),
      news,
      `${described("the volume", olds.name, olds.volumeId)} mounted at \`${olds.mountPath}\``,
      "It follows its service, environment or project: keep those, or add the database's name to `trestle:allowReplace` for this one update.",
    );
  },

  async create(inputs) {
    const client = railwayClient();
    // A service holds one volume, so one already attached is this resource's lost create.
    const attached = async () => (await instances(inputs.environmentId)).find((v) => v.serviceId === inputs.serviceId);
    let instance = await attached();
    if (!instance) {
      // Railway throttles volume creates ("creating volumes too quickly"): the client retries those.
      await client.request(
        VOLUME_CREATE,
        {
          input: {
            projectId: inputs.projectId,
            environmentId: inputs.environmentId,
            serviceId: inputs.serviceId,
            mountPath: inputs.mountPath,
          },
        },
        { adopt: async () => ((await attached()) ? { volumeCreate: true } : undefined) },
      );
      instance = await attached();
      if (!instance) throw new Error(`Railway volumeCreate returned, but no volume is attached to service ${inputs.serviceId}`);
    }
    if (inputs.name !== undefined && instance.volume.name !== inputs.name) {
      await client.request(VOLUME_UPDATE, { volumeId: instance.volumeId, input: { name: inputs.name } });
      instance = { ...instance, volume: { ...instance.volume, name: inputs.name } };
    }
    if (instance.mountPath !== inputs.mountPath) {
      await client.request(VOLUME_INSTANCE_UPDATE, {
        volumeId: instance.volumeId,
        environmentId: inputs.environmentId,
        input: { mountPath: inputs.mountPath, serviceId: inputs.serviceId },
      });
      instance = { ...instance, mountPath: inputs.mountPath };
    }
    // DEP-6: a deferred schedule is set by the first deploy's patch.
    if (inputs.backups !== undefined && !inputs.deferToDeploy) await setBackups(instance.id, inputs.backups);
    return { id: instance.volumeId, outs: { ...outputsOf(inputs, instance), holder: hold("Volume", instance.volumeId) } };
  },

  async read(id, props) {
    const olds = props as VolumeOutputs;
    const instance = (await unlessGone(() => instances(olds.environmentId)))?.find((v) => v.volumeId === id);
    if (!instance) return {};
    // Schedules are compared only where Trestle manages them (VOL-4).
    const backups = olds.backups !== undefined ? await readBackups(instance.id) : undefined;
    return { id, props: { ...outputsOf(olds, instance), ...(backups ? { backups } : {}) } };
  },

  async update(id, olds, news) {
    const client = railwayClient();
    if (news.name !== olds.name && news.name !== undefined) {
      await client.request(VOLUME_UPDATE, { volumeId: id, input: { name: news.name } });
    }
    if (news.mountPath !== olds.mountPath) {
      // `serviceId` must be re-sent: an update without it detaches the volume.
      await client.request(VOLUME_INSTANCE_UPDATE, {
        volumeId: id,
        environmentId: news.environmentId,
        input: { mountPath: news.mountPath, serviceId: news.serviceId },
      });
    }
    // A schedule list taken out of the config is left as Railway has it.
    if (news.backups !== undefined && !sameValue(news.backups, olds.backups)) await setBackups(olds.volumeInstanceId, news.backups);
    const outs: VolumeOutputs = { ...olds, ...news };
    if (news.backups === undefined) delete outs.backups;
    return { outs };
  },

  async delete(id, props) {
    await deleteUnlessHeld("Volume", id, props?.holder, () =>
      deleteIfPresent(() => railwayClient().request(VOLUME_DELETE, { volumeId: id })),
    );
  },
};

/**
 * A volume mounted into a service. Protect it (`protect: true`) where its data matters.
 *
 * ```ts
 * new Volume("db-data", { projectId, environmentId, serviceId: db.serviceId, mountPath: "/var/lib/postgresql/data" }, { protect: true });
 * ```
 */
export class Volume extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Volume;
  declare readonly volumeId: pulumi.Output<string>;
  declare readonly mountPath: pulumi.Output<string>;
  declare readonly sizeMB: pulumi.Output<number>;
  declare readonly volumeInstanceId: pulumi.Output<string>;
  declare readonly backups: pulumi.Output<BackupSchedule[] | undefined>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      volumeProvider,
      name,
      { volumeId: undefined, volumeInstanceId: undefined, sizeMB: undefined, ...args },
      opts,
      RAILWAY_MODULE,
      "Volume",
    );
  }
}
