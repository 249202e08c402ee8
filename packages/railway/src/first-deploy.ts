// A service's first deploy as one concept (DEP-6): what it carries (the
// settings of a Service, the values of its Variables, the backups of its
// Volumes, all made with `deferToDeploy`), the one `environmentPatchCommit`
// that writes them with the source, and the direct path when Railway refuses
// the patch or deploys nothing (DEP-11). The Deployment resource calls it for
// a service's first source; this module is where a secret leaves for Railway
// on a first deploy, and where the Variables and Volume writes it stands in
// for are called.
import * as pulumi from "@pulumi/pulumi";
import { RailwayApiError, type RailwayErrorKind, railwayOperation } from "./client";
import { type CheckFailure, compact } from "./common";
import {
  type DeployTarget,
  type DeploymentSource,
  START_PATIENCE_POLLS,
  deploymentAfter,
  pollMs,
  readSeen,
  sourceMatches,
} from "./deployment-watch";
import { whenInstanceShows } from "./instance-lag";
import { redactLines } from "./redact";
import { railwayClient } from "./settings";
import { type PatchSettings, SERVICE_INSTANCE_UPDATE, type Service, instanceInputOfPatch, limitOverrideOf, updateLimits } from "./service";
import { type DeployedWrite, type Variables, upsertVariables, variableFailures } from "./variables";
import { BACKUP_SCHEDULES, type BackupSchedule, type Volume, scheduleSet, setBackups } from "./volume";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A volume's backup schedules, for the first deploy's patch to set (VOL-4, DEP-6). */
export interface FirstDeployBackups {
  volumeId: string;
  volumeInstanceId: string;
  kinds: BackupSchedule[];
}

/**
 * What the first deploy writes with the source, in the same patch (DEP-6): the
 * values of the service's Variables and the backups of its Volumes made with
 * `deferToDeploy`. Read only by create; always stored as a secret.
 */
export interface FirstDeploy {
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  backups?: FirstDeployBackups[];
  /** The service's settings, from a Service made with `deferToDeploy` (DEP-6). */
  settings?: PatchSettings;
  /** VAR-1: the last variables change Railway redeployed for, which an update waits on instead of deploying. */
  deployedWrite?: DeployedWrite;
  /** VAR-8: the secret variables the patch seals (from Variables made with `sealSecrets`). */
  sealed?: string[];
}

/**
 * The `firstDeploy` of a service from its Variables and Volumes made with
 * `deferToDeploy` (DEP-6). Secret values stay secret; a volume without
 * `backups` carries nothing.
 */
export function firstDeployOf(parts: { variables?: Variables; volumes?: Volume[]; service?: Service }): pulumi.Output<FirstDeploy> {
  const backups = (parts.volumes ?? []).map((v) =>
    pulumi
      .all([v.volumeId, v.volumeInstanceId, v.backups])
      .apply(([volumeId, volumeInstanceId, kinds]) => (kinds === undefined ? undefined : { volumeId, volumeInstanceId, kinds })),
  );
  return pulumi
    .all([
      parts.variables?.variables,
      parts.variables?.secretVariables,
      pulumi.all(backups),
      parts.service?.patchSettings,
      parts.variables?.deployedWrite,
      parts.variables?.sealSecrets,
    ])
    .apply(([variables, secretVariables, mounts, settings, deployedWrite, seal]) => {
      const sealed = seal && secretVariables ? Object.keys(secretVariables).sort() : undefined;
      return compact({
        variables,
        secretVariables,
        backups: mounts.filter((b) => b !== undefined),
        settings,
        deployedWrite,
        sealed: sealed?.length ? sealed : undefined,
      }) as FirstDeploy;
    });
}

/** What a Deployment's `firstDeploy` takes: the outputs of the Service, Variables and Volumes made with `deferToDeploy` (`firstDeployOf`). */
export type FirstDeployInput = pulumi.Input<{
  variables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  secretVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  backups?: pulumi.Input<
    pulumi.Input<{
      volumeId: pulumi.Input<string>;
      volumeInstanceId: pulumi.Input<string>;
      kinds: pulumi.Input<pulumi.Input<BackupSchedule>[]>;
    }>[]
  >;
}>;

/**
 * DEP-6: the patch of a first deploy, in the shape of Railway's environment
 * config (railwayapp/cli `controllers/config/environment.rs`): the instance
 * marked new (`isCreated`, which Railway's own guide requires of a new service
 * instance), the source, the variables as `{ value }` (sealed ones as
 * `{ value, isSealed: true }`, VAR-8), and each volume mount's backup schedules.
 */
export function firstDeployPatch(
  serviceId: string,
  source: DeploymentSource,
  carried: FirstDeploy,
): { services: Record<string, Record<string, unknown>> } {
  const service: Record<string, unknown> = {
    isCreated: true,
    source: compact({
      image: source.image,
      repo: source.repo,
      branch: source.repo ? source.branch : undefined,
      ...carried.settings?.source,
    }),
  };
  // DEP-6: every setting of the new instance in the same patch as its source (Railway's own guides do).
  if (carried.settings?.build) service.build = carried.settings.build;
  if (carried.settings?.deploy) service.deploy = carried.settings.deploy;
  // LIM-1: the limits in the same patch, as the environment config spells them.
  if (carried.settings?.limits) service.deploy = { ...(service.deploy as object), limitOverride: limitOverrideOf(carried.settings.limits) };
  const variables = Object.entries({ ...carried.variables, ...carried.secretVariables });
  const sealed = new Set(carried.sealed ?? []);
  if (variables.length)
    service.variables = Object.fromEntries(
      variables.map(([name, value]) => [name, sealed.has(name) ? { value, isSealed: true } : { value }]),
    );
  if (carried.backups?.length) {
    service.volumeMounts = Object.fromEntries(carried.backups.map((b) => [b.volumeId, { backupSchedules: scheduleSet(b.kinds) }]));
  }
  return { services: { [serviceId]: service } };
}

/** Writes what a first deploy carries when no patch of this resource commits it (a retry, no source, the fallback). */
export async function writeCarried(inputs: DeployTarget, carried: FirstDeploy | undefined): Promise<void> {
  if (!carried) return;
  if (carried.settings) {
    await railwayClient().request(SERVICE_INSTANCE_UPDATE, {
      serviceId: inputs.serviceId,
      environmentId: inputs.environmentId,
      input: instanceInputOfPatch(carried.settings),
    });
    if (carried.settings.limits) await updateLimits(inputs.serviceId, { environmentId: inputs.environmentId, ...carried.settings.limits });
  }
  await upsertVariables(inputs, { ...carried.variables, ...carried.secretVariables }, Object.values(carried.secretVariables ?? {}));
  for (const b of carried.backups ?? []) await setBackups(b.volumeInstanceId, b.kinds);
}

export const PATCH_COMMIT = railwayOperation(`
mutation environmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
  environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
}`);

/** DEP-10: what became of the workflow a commit started (railwayapp/cli controllers/workflow.rs reads it the same way). */
const WORKFLOW_STATUS = railwayOperation(`
query workflowStatus($workflowId: String!) {
  workflowStatus(workflowId: $workflowId) { status error }
}`);

/** A first deploy whose workflow Railway reports as failed, with Railway's own words. */
export class WorkflowFailedError extends Error {
  constructor(
    readonly serviceId: string,
    readonly reason: string,
  ) {
    const message = `Railway could not apply the first deploy of service ${serviceId}: its workflow ended in Error: ${reason}. Fix what it names (often the source: an image Railway cannot pull, a repository its GitHub app cannot see), then run \`pulumi up\` again`;
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "WorkflowFailedError";
  }
}

/**
 * DEP-10: waits for the workflow a commit started to leave `Running`. An
 * `Error` is surfaced with Railway's text instead of showing later as "no
 * deployment started"; `NotFound` (a workflow already gone) and `Complete`
 * go on to the deployment it started. Polled at the deploy's own pace.
 */
async function awaitWorkflow(inputs: DeployTarget, workflowId: string): Promise<void> {
  for (let poll = 0; poll < START_PATIENCE_POLLS * 4; poll++) {
    const { workflowStatus } = await railwayClient().request<{ workflowStatus: { status: string; error?: string | null } }>(
      WORKFLOW_STATUS,
      { workflowId },
    );
    if (workflowStatus.status === "Error")
      throw new WorkflowFailedError(inputs.serviceId, redactLines([workflowStatus.error ?? "no reason given"])[0]);
    if (workflowStatus.status !== "Running") return;
    await sleep(pollMs(inputs));
  }
}

/** Refusals of a first-deploy commit that end in the direct path or in a reason (DEP-11); the rest were retried already. */
const FALLS_BACK = new Set<RailwayErrorKind>(["invalid", "internal", "alreadyExists", "notFound", "planLimit", "auth"]);

/** A first deploy Railway refused for a reason the direct path would meet too: what it was, and what to do. */
export class FirstDeployRefusedError extends Error {
  constructor(
    readonly serviceId: string,
    readonly kind: RailwayErrorKind,
    reason: string,
  ) {
    super(reason);
    this.message = reason; // see RailwayApiError
    this.name = "FirstDeployRefusedError";
  }
}

/**
 * DEP-11: which refusals of the first-deploy commit the direct path (variables
 * written, then `serviceConnect`) can still satisfy. A patch Railway finds
 * invalid, an internal error, or a collision with something already there
 * (`variableCollectionUpsert` overwrites; a patch may not) falls back. A
 * refusal the direct path would meet in the same way ends the up with the
 * reason and the fix, before anything is written piecemeal: the plan (assumed:
 * the same plan guards the direct mutations), the token (AUTH-3: the same token
 * sends them), and a service or environment Railway still does not show after
 * the instance lag was waited out (SVC-9).
 * Railway's own text is kept, already redacted by the client.
 */
function firstDeployRefusal(inputs: DeployTarget, error: RailwayApiError): FirstDeployRefusedError | undefined {
  const where = `the first deploy of service ${inputs.serviceId} in environment ${inputs.environmentId}`;
  switch (error.kind) {
    case "planLimit":
      return new FirstDeployRefusedError(
        inputs.serviceId,
        error.kind,
        `Railway's plan refused ${where} (${error.message}). The workspace's plan does not allow something the deploy carries (replicas, volume size, backups, resources): ` +
          "run `trestle preflight --stack <stack>` to see which, then lower that setting or upgrade the workspace's plan, and run `pulumi up` again; nothing was deployed",
      );
    case "auth":
      return new FirstDeployRefusedError(
        inputs.serviceId,
        error.kind,
        `Railway refused the token for ${where} (${error.message}). The token must reach this project and environment: ` +
          "use an account or workspace token of the project's workspace (a project token reaches only its own environment), check it with `trestle preflight --stack <stack>`, then run `pulumi up` again",
      );
    case "notFound":
      return new FirstDeployRefusedError(
        inputs.serviceId,
        error.kind,
        `Railway no longer shows the service or environment of ${where} (${error.message}), after waiting for a new instance to show: ` +
          "it was deleted outside Pulumi. Run `pulumi refresh` so the state forgets it, then `pulumi up` creates it again",
      );
    default:
      return undefined;
  }
}

const COMMIT_QUEUES_KEY = "__trestleRailwayCommitQueues";
/** What a lost commit's adoption answers in place of a workflow id. */
const LANDED = "landed";

/**
 * Runs `commit` after every earlier commit of the same environment has been
 * answered. A commit applies a patch to the environment's whole config
 * (DEP-6), and no source says two may run at once in one environment (the
 * fidelity audit's blind spot 5), so this process sends them one at a time
 * (DEP-8, assumed). Only the request waits: the deploys it starts still run
 * side by side. Process-wide, on `globalThis`, as the limiter is.
 */
export async function oneCommitAtATime<T>(environmentId: string, commit: () => Promise<T>): Promise<T> {
  const global = globalThis as Record<string, unknown>;
  const queues = (global[COMMIT_QUEUES_KEY] ??= new Map<string, Promise<unknown>>()) as Map<string, Promise<unknown>>;
  const before = queues.get(environmentId) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(commit);
  queues.set(
    environmentId,
    mine.catch(() => undefined),
  );
  return mine;
}

/**
 * DEP-6: the first deploy as one `environmentPatchCommit` of the source with
 * what it carries; Railway applies it and deploys the service. This is
 * documented (Railway's guide and CLI), not yet observed, so a patch Railway
 * refuses, or one after which nothing deploys, falls back to the observed path:
 * the carried values written directly, then `connectSource` (the Deployment's
 * `serviceConnect`, SVC-3). Answers the id of the deployment Railway started.
 */
export async function commitFirstDeploy(
  inputs: DeployTarget,
  desired: DeploymentSource,
  carried: FirstDeploy,
  previous: string | undefined,
  connectSource: () => Promise<string>,
): Promise<string> {
  const directPath = async () => {
    await writeCarried(inputs, carried);
    return connectSource();
  };
  let workflowId: string | undefined;
  try {
    ({ environmentPatchCommit: workflowId } = await oneCommitAtATime(inputs.environmentId, () =>
      whenInstanceShows(() =>
        railwayClient().request<{ environmentPatchCommit: string }>(
          PATCH_COMMIT,
          {
            environmentId: inputs.environmentId,
            patch: firstDeployPatch(inputs.serviceId, desired, carried),
            commitMessage: "Trestle: first deploy",
          },
          {
            secrets: Object.values(carried.secretVariables ?? {}),
            // A commit whose answer was lost shows as the source in place; the
            // deployment it started is awaited below, never committed twice.
            adopt: async () => (sourceMatches(desired, await readSeen(inputs)) ? { environmentPatchCommit: LANDED } : undefined),
          },
        ),
      ),
    ));
  } catch (error) {
    if (!(error instanceof RailwayApiError) || !FALLS_BACK.has(error.kind)) throw error;
    const refusal = firstDeployRefusal(inputs, error);
    if (refusal) throw refusal;
    return directPath();
  }
  // A commit adopted after a lost answer has no workflow id to read.
  if (workflowId && workflowId !== LANDED) await awaitWorkflow(inputs, workflowId);
  const started = await deploymentAfter(inputs, previous, pollMs(inputs) * START_PATIENCE_POLLS);
  return started ? started.id : directPath();
}

/** Problems of a Deployment's `firstDeploy` input, as `check` reports them. */
export function firstDeployFailures(carried: FirstDeploy | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  // In a preview the whole value may be unknown (a string placeholder): nothing to check yet.
  if (carried === undefined || typeof carried !== "object" || carried === null) return failures;
  for (const group of ["variables", "secretVariables"] as const) failures.push(...variableFailures(`firstDeploy.${group}`, carried[group]));
  for (const [i, b] of (carried.backups ?? []).entries()) {
    const unknown = Array.isArray(b.kinds) ? b.kinds.filter((k) => !BACKUP_SCHEDULES.includes(k)) : [];
    if (typeof b.volumeId !== "string" || typeof b.volumeInstanceId !== "string" || unknown.length) {
      failures.push({
        property: `firstDeploy.backups[${i}]`,
        reason: `give a Volume's \`volumeId\`, \`volumeInstanceId\` and \`kinds\` from ${BACKUP_SCHEDULES.join(", ")} (VOL-4); \`railway.firstDeployOf\` does`,
      });
    }
  }
  return failures;
}
