// One deploy of a service instance, made after its settings and variables are
// written and awaited until Railway reports it healthy.
//
// The first deploy of a service is one `environmentPatchCommit` (DEP-6): the
// source, the variables and the volumes' backup schedules in one patch of the
// environment's config, which Railway applies and deploys. The Variables and
// Volume made with `deferToDeploy` leave that first write to it, so a new
// service costs one mutation per object. A later source change connects it with
// `serviceConnect` (SVC-3); other deploys use `serviceInstanceDeployV2` (DEP-1).
// Either way this waits for the one deployment Railway started, never starting
// a second. The resource changes (and deploys again) only when `triggers` or
// the source change, so a `pulumi up` that changes nothing deploys nothing.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RailwayApiError, type RailwayErrorKind, railwayOperation } from "./client";
import { CheckFailure, compact, requireStrings, sameValue, unlessGone } from "./common";
import { type DeploymentNode, IN_PROGRESS, awaitSettled, latestDeployment } from "./deployment-watch";
import { pollIntervalSeconds } from "./limits";
import { sameImage } from "./images";
import { redactLines } from "./redact";
import { RAILWAY_PROVIDED } from "./references";
import { EnvironmentScopeError, serviceNeighbours } from "./scope";
import { configureFromStack, railwayClient, railwaySettings, resolveCredentials } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";
import { whenInstanceShows } from "./instance-lag";
import { type PatchSettings, SERVICE_INSTANCE_UPDATE, type Service, instanceInputOfPatch } from "./service";
import { type DeployedWrite, type Variables, upsertVariables, variableFailures } from "./variables";
import { BACKUP_SCHEDULES, type BackupSchedule, type Volume, scheduleSet, setBackups } from "./volume";

/** What the service runs: a repo at a branch, or an image. */
export interface DeploymentSource {
  repo?: string;
  branch?: string;
  image?: string;
}

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
    ])
    .apply(
      ([variables, secretVariables, mounts, settings, deployedWrite]) =>
        compact({ variables, secretVariables, backups: mounts.filter((b) => b !== undefined), settings, deployedWrite }) as FirstDeploy,
    );
}

export interface DeploymentArgs {
  projectId: pulumi.Input<string>;
  /** Changing it replaces the deployment. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the deployment. */
  serviceId: pulumi.Input<string>;
  /** The source to connect and deploy; a change connects the new one. */
  source?: pulumi.Input<{ repo?: pulumi.Input<string>; branch?: pulumi.Input<string>; image?: pulumi.Input<string> }>;
  /** Anything whose change must redeploy: settings, variables, an image digest. */
  triggers?: pulumi.Input<unknown>;
  /** What the first deploy writes with the source (DEP-6): pass the outputs of the Variables and Volumes made with `deferToDeploy`. */
  firstDeploy?: pulumi.Input<{
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
  /** Seconds to wait for SUCCESS before failing the update. @default 1200 */
  timeoutSeconds?: pulumi.Input<number>;
  /** The shortest wait between status polls; the plan's budget may make it longer. @default 5 */
  pollSeconds?: pulumi.Input<number>;
}

export interface DeploymentInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  source?: DeploymentSource;
  triggers?: unknown;
  firstDeploy?: FirstDeploy;
  timeoutSeconds?: number;
  pollSeconds?: number;
}

export interface DeploymentOutputs extends Omit<DeploymentInputs, "firstDeploy"> {
  deploymentId: string;
  status: string;
  url?: string;
  /** The source this resource connected (so a re-run does not connect it again). */
  connected?: DeploymentSource;
  /** VAR-1: the variables write whose deployment this resource last waited on. */
  consumedWrite?: string;
}

/** DEP-2: statuses after which a deploy is done, and whether each is healthy. */
const HEALTHY = new Set(["SUCCESS", "SLEEPING"]);
const BROKEN = new Set(["FAILED", "CRASHED", "REMOVED", "SKIPPED"]);
const LOG_LINES = 40;

const DEPLOY = railwayOperation(`
mutation serviceInstanceDeployV2($serviceId: String!, $environmentId: String!) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId)
}`);

const SERVICE_CONNECT = railwayOperation(`
mutation serviceConnect($id: String!, $input: ServiceConnectInput!) {
  serviceConnect(id: $id, input: $input) { id }
}`);

const PATCH_COMMIT = railwayOperation(`
mutation environmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
  environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
}`);

const INSTANCE_SOURCE = railwayOperation(`
query serviceInstanceSource($projectId: String!, $serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { source { image repo } latestDeployment { id status } }
  deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) { edges { node { branch repository } } }
  environment(id: $environmentId) { unmergedChangesCount }
}`);

const DEPLOYMENT_LOGS = railwayOperation(`
query deploymentLogs($deploymentId: String!, $limit: Int) {
  deploymentLogs(deploymentId: $deploymentId, limit: $limit) { message severity timestamp }
}`);

const BUILD_LOGS = railwayOperation(`
query buildLogs($deploymentId: String!, $limit: Int) {
  buildLogs(deploymentId: $deploymentId, limit: $limit) { message severity timestamp }
}`);

/** A failed deploy, with its status and the end of its logs. */
export class DeploymentFailedError extends Error {
  constructor(
    readonly deploymentId: string,
    readonly status: string,
    readonly logExcerpt: string[],
    hint = "",
  ) {
    const logs = logExcerpt.length ? `\nLast log lines:\n${logExcerpt.map((l) => `  ${l}`).join("\n")}` : "";
    const message = `Railway deployment ${deploymentId} ended ${status}.${hint ? ` ${hint}` : ""}${logs}`;
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "DeploymentFailedError";
  }
}

/** VAR-3: the service's variables as its deployment sees them (references rendered), to scrub its logs of them. */
const RENDERED_VARIABLES = railwayOperation(`
query renderedVariables($projectId: String!, $environmentId: String!, $serviceId: String!) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId)
}`);

/** Values of the service's own variables worth scrubbing: not Railway's own (domains, ids), not short words. */
async function variableValues(inputs: DeploymentInputs): Promise<string[]> {
  try {
    const { variables } = await railwayClient().request<{ variables: Record<string, string> }>(RENDERED_VARIABLES, {
      projectId: inputs.projectId,
      environmentId: inputs.environmentId,
      serviceId: inputs.serviceId,
    });
    return Object.entries(variables ?? {})
      .filter(([name, value]) => !(RAILWAY_PROVIDED as readonly string[]).includes(name) && typeof value === "string" && value.length >= 8)
      .map(([, value]) => value);
  } catch {
    return [];
  }
}

/**
 * The end of a failed deployment's log, redacted (redact.ts): every credential
 * in a URL or a `password=` pair, every secret this process sent, the token,
 * and every value of the service's own rendered variables.
 */
async function logExcerpt(inputs: DeploymentInputs, deploymentId: string, status: string): Promise<string[]> {
  const client = railwayClient();
  // A FAILED deploy usually failed to build; CRASHED ones failed at runtime.
  const op = status === "FAILED" ? BUILD_LOGS : DEPLOYMENT_LOGS;
  const field = status === "FAILED" ? "buildLogs" : "deploymentLogs";
  let lines: string[];
  try {
    const data = await client.request<Record<string, { message: string }[]>>(op, { deploymentId, limit: LOG_LINES });
    lines = data[field].map((l) => l.message).slice(-LOG_LINES);
  } catch {
    return ["(the deployment's logs could not be read)"];
  }
  return redactLines(lines, [resolveCredentials().token, ...(await variableValues(inputs))]);
}

/** Milliseconds between polls: the resource's floor, slowed to the plan's budget (RATE-2). */
function pollMs(inputs: DeploymentInputs): number {
  const settings = railwaySettings();
  if (settings.pollIntervalMs !== undefined) return settings.pollIntervalMs;
  return pollIntervalSeconds(settings.plan ?? "hobby", inputs.pollSeconds ?? 5) * 1000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for a deployment to finish, within the resource's timeout. */
async function waitFor(inputs: DeploymentInputs, deploymentId: string): Promise<DeploymentNode> {
  const timeoutSeconds = inputs.timeoutSeconds ?? 1200;
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `Railway deployment ${deploymentId} has not finished after ${timeoutSeconds} s; ` +
              "raise `timeoutSeconds` (`deployTimeoutSeconds` in the stack config) or look at its build logs in the Railway dashboard",
          ),
        ),
      timeoutSeconds * 1000,
    );
    timer.unref?.();
  });
  const node = await Promise.race([awaitSettled(inputs.environmentId, deploymentId, pollMs(inputs)), timeout]);
  if (node.status === "NEEDS_APPROVAL") {
    throw new DeploymentFailedError(
      deploymentId,
      node.status,
      [],
      "Railway is holding it for approval (DEP-2): approve the deployment in the Railway dashboard, or connect a repository and branch the workspace's members own, then run `pulumi up` again.",
    );
  }
  if (BROKEN.has(node.status))
    throw new DeploymentFailedError(deploymentId, node.status, await logExcerpt(inputs, deploymentId, node.status));
  if (!HEALTHY.has(node.status))
    throw new DeploymentFailedError(
      deploymentId,
      node.status,
      [],
      "Trestle does not know this status; look at the deployment in the Railway dashboard.",
    );
  return node;
}

/** The deployment Railway starts after `previous`: a connect or a deploy whose answer was lost (DEP-1, SVC-3). */
async function deploymentAfter(
  inputs: DeploymentInputs,
  previous: string | undefined,
  patienceMs: number,
): Promise<DeploymentNode | undefined> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const latest = await latestDeployment(inputs);
    if (latest && latest.id !== previous) return latest;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(pollMs(inputs), Math.max(0, deadline - Date.now())));
  }
}

function sourceMatches(
  desired: DeploymentSource,
  seen: { source?: { image?: string | null; repo?: string | null } | null; branches: string[] },
): boolean {
  if (desired.image) return sameImage(seen.source?.image, desired.image);
  if (desired.repo) return seen.source?.repo === desired.repo && (desired.branch === undefined || seen.branches.includes(desired.branch));
  return true;
}

/** What the service instance runs now: its source, the branches its triggers follow, its latest deployment (DEP-6: and staged changes). */
interface Seen {
  source?: { image?: string | null; repo?: string | null } | null;
  branches: string[];
  latest?: DeploymentNode;
  unmergedChangesCount: number;
}

async function readSeen(inputs: DeploymentInputs): Promise<Seen> {
  const data = await railwayClient().request<{
    serviceInstance: { source?: { image?: string | null; repo?: string | null } | null; latestDeployment?: DeploymentNode | null };
    deploymentTriggers: { edges: { node: { branch: string; repository: string } }[] };
    environment: { unmergedChangesCount?: number | null };
  }>(INSTANCE_SOURCE, { projectId: inputs.projectId, serviceId: inputs.serviceId, environmentId: inputs.environmentId });
  return {
    source: data.serviceInstance.source,
    branches: data.deploymentTriggers.edges.map((e) => e.node.branch),
    latest: data.serviceInstance.latestDeployment ?? undefined,
    unmergedChangesCount: data.environment.unmergedChangesCount ?? 0,
  };
}

/** Polls Railway is given to start the deployment a connect or commit asked for (60 s at the default 5 s). */
const START_PATIENCE_POLLS = 12;

/**
 * DEP-6: the patch of a first deploy, in the shape of Railway's environment
 * config (railwayapp/cli `controllers/config/environment.rs`): the instance
 * marked new (`isCreated`, which Railway's own guide requires of a new service
 * instance), the source, the variables as `{ value }`, and each volume mount's
 * backup schedules.
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
  const variables = Object.entries({ ...carried.variables, ...carried.secretVariables });
  if (variables.length) service.variables = Object.fromEntries(variables.map(([name, value]) => [name, { value }]));
  if (carried.backups?.length) {
    service.volumeMounts = Object.fromEntries(carried.backups.map((b) => [b.volumeId, { backupSchedules: scheduleSet(b.kinds) }]));
  }
  return { services: { [serviceId]: service } };
}

/** Writes what a first deploy carries when no patch of this resource commits it (a retry, no source, the fallback). */
async function writeCarried(inputs: DeploymentInputs, carried: FirstDeploy | undefined): Promise<void> {
  if (!carried) return;
  if (carried.settings) {
    await railwayClient().request(SERVICE_INSTANCE_UPDATE, {
      serviceId: inputs.serviceId,
      environmentId: inputs.environmentId,
      input: instanceInputOfPatch(carried.settings),
    });
  }
  await upsertVariables(inputs, { ...carried.variables, ...carried.secretVariables }, Object.values(carried.secretVariables ?? {}));
  for (const b of carried.backups ?? []) await setBackups(b.volumeInstanceId, b.kinds);
}

/** SVC-3: connects the source with `serviceConnect` and returns the deployment it started. */
async function connect(inputs: DeploymentInputs, desired: DeploymentSource, previous: string | undefined): Promise<string> {
  const neighbours = await serviceNeighbours(inputs.projectId, inputs.environmentId, inputs.serviceId);
  const running = neighbours.others.filter((o) => o.deployed);
  if (running.length) {
    throw new EnvironmentScopeError(
      `connecting ${desired.image ? `image \`${desired.image}\`` : `\`${desired.repo}\``} would change the source of the service in ` +
        `${running.map((o) => `\`${o.environmentName}\``).join(", ")} too: Railway's serviceConnect is not scoped to an environment (SVC-3). ` +
        "Give this stack its own Railway project, or use the same source in every environment that shares the service.",
    );
  }
  await railwayClient().request(SERVICE_CONNECT, { id: inputs.serviceId, input: desired });
  const started = await deploymentAfter(inputs, previous, pollMs(inputs) * START_PATIENCE_POLLS);
  if (!started) {
    throw new Error(
      `Railway connected ${desired.image ?? desired.repo} to service ${inputs.serviceId} but started no deployment within ${START_PATIENCE_POLLS} polls; ` +
        "check the service in the Railway dashboard (a repository Railway's GitHub app cannot see does not deploy), then run `pulumi up` again",
    );
  }
  return started.id;
}

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
async function awaitWorkflow(inputs: DeploymentInputs, workflowId: string): Promise<void> {
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
function firstDeployRefusal(inputs: DeploymentInputs, error: RailwayApiError): FirstDeployRefusedError | undefined {
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
async function oneCommitAtATime<T>(environmentId: string, commit: () => Promise<T>): Promise<T> {
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
 * refuses, or one after which nothing deploys, falls back to the observed path
 * (the carried values written directly, then `serviceConnect`).
 */
async function commitFirstDeploy(
  inputs: DeploymentInputs,
  desired: DeploymentSource,
  carried: FirstDeploy,
  previous: string | undefined,
): Promise<string> {
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
    await writeCarried(inputs, carried);
    return connect(inputs, desired, previous);
  }
  // A commit adopted after a lost answer has no workflow id to read.
  if (workflowId && workflowId !== LANDED) await awaitWorkflow(inputs, workflowId);
  const started = await deploymentAfter(inputs, previous, pollMs(inputs) * START_PATIENCE_POLLS);
  if (started) return started.id;
  await writeCarried(inputs, carried);
  return connect(inputs, desired, previous);
}

/** Starts (or finds) the deployment for these inputs and waits until it is healthy. */
async function deployAndWait(
  inputs: DeploymentInputs,
  connected: DeploymentSource | undefined,
  carried?: FirstDeploy,
  written?: DeployedWrite,
): Promise<DeploymentOutputs> {
  const client = railwayClient();
  const desired = inputs.source && Object.keys(compact(inputs.source)).length ? compact(inputs.source) : undefined;
  let deploymentId: string | undefined;
  /** The latest deployment before this one, when already read. */
  let before: { id?: string } | undefined;
  /** What the first deploy carries and nothing has written yet. */
  let unwritten = carried;

  if (desired && !sameValue(desired, connected)) {
    const seen = await readSeen(inputs);
    const latest = seen.latest;
    before = { id: latest?.id };
    if (sourceMatches(desired, seen)) {
      // Already connected: an earlier `up` connected it and lost its state, or
      // the environment was forked with it. Wait for a deploy still running
      // rather than starting a second one.
      if (latest && IN_PROGRESS.has(latest.status)) deploymentId = latest.id;
    } else if (carried && !seen.unmergedChangesCount) {
      deploymentId = await commitFirstDeploy(inputs, desired, carried, latest?.id);
      unwritten = undefined;
    } else {
      // DEP-6: changes someone staged are theirs to deploy; Railway's CLI stages
      // beside them rather than commit, and Trestle takes the observed path.
      await writeCarried(inputs, unwritten);
      unwritten = undefined;
      deploymentId = await connect(inputs, desired, latest?.id);
    }
  }
  await writeCarried(inputs, unwritten);

  if (!deploymentId && written) {
    // VAR-1: the variables write redeployed the service; that deployment is this one.
    deploymentId = (await deploymentAfter(inputs, written.after, pollMs(inputs) * START_PATIENCE_POLLS))?.id;
  }
  if (!deploymentId) {
    before ??= { id: (await latestDeployment(inputs))?.id };
    const { serviceInstanceDeployV2 } = await client.request<{ serviceInstanceDeployV2: string }>(
      DEPLOY,
      { serviceId: inputs.serviceId, environmentId: inputs.environmentId },
      {
        // A deploy whose answer was lost started a deployment: wait for that one.
        adopt: async () => {
          const started = await deploymentAfter(inputs, before?.id, 0);
          return started ? { serviceInstanceDeployV2: started.id } : undefined;
        },
      },
    );
    deploymentId = serviceInstanceDeployV2;
  }

  const node = await waitFor(inputs, deploymentId);
  return outputsOf(inputs, node, desired);
}

function outputsOf(inputs: DeploymentInputs, node: DeploymentNode, connected: DeploymentSource | undefined): DeploymentOutputs {
  const url = node.staticUrl ?? node.url ?? undefined;
  const { firstDeploy: _carried, ...kept } = inputs;
  return compact({ ...kept, deploymentId: node.id, status: node.status, url, connected });
}

export function checkDeployment(news: DeploymentInputs): CheckFailure[] {
  const failures = requireStrings(news as unknown as Record<string, unknown>, ["projectId", "environmentId", "serviceId"]);
  for (const [key, max] of [
    ["timeoutSeconds", 7200],
    ["pollSeconds", 600],
  ] as const) {
    const value = news[key];
    if (value !== undefined && (typeof value !== "number" || !(value > 0) || value > max)) {
      failures.push({ property: key, reason: `\`${value}\` must be a positive number of seconds, at most ${max}` });
    }
  }
  if (news.source?.image && news.source.repo) failures.push({ property: "source", reason: "give either `image` or `repo`, not both" });
  const carried = news.firstDeploy;
  // In a preview the whole value may be unknown (a string placeholder): nothing to check yet.
  if (carried !== undefined && typeof carried === "object" && carried !== null) {
    for (const group of ["variables", "secretVariables"] as const)
      failures.push(...variableFailures(`firstDeploy.${group}`, carried[group]));
    for (const [i, b] of (carried.backups ?? []).entries()) {
      const unknown = Array.isArray(b.kinds) ? b.kinds.filter((k) => !BACKUP_SCHEDULES.includes(k)) : [];
      if (typeof b.volumeId !== "string" || typeof b.volumeInstanceId !== "string" || unknown.length) {
        failures.push({
          property: `firstDeploy.backups[${i}]`,
          reason: `give a Volume's \`volumeId\`, \`volumeInstanceId\` and \`kinds\` from ${BACKUP_SCHEDULES.join(", ")} (VOL-4); \`railway.firstDeployOf\` does`,
        });
      }
    }
  }
  return failures;
}

export const deploymentProvider: dynamic.ResourceProvider<DeploymentInputs, DeploymentOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    return { inputs: news, failures: checkDeployment(news) };
  },

  async diff(_id, olds, news) {
    const replaces = (["environmentId", "serviceId"] as const).filter((k) => olds[k] !== news[k]);
    // A deploy that ended broken (seen by refresh) is redeployed by the next up.
    const unhealthy = olds.status !== undefined && !HEALTHY.has(olds.status);
    // VAR-1: a variables change Railway redeployed for is awaited, even where `triggers` do not cover the variables.
    const write = typeof news.firstDeploy === "object" ? news.firstDeploy?.deployedWrite : undefined;
    const redeployed = write !== undefined && write.id !== olds.consumedWrite;
    const changes =
      replaces.length > 0 || unhealthy || redeployed || !sameValue(olds.triggers, news.triggers) || !sameValue(olds.source, news.source);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await deployAndWait(inputs, undefined, inputs.firstDeploy);
    return { id: outs.deploymentId, outs };
  },

  async read(id, props) {
    const olds = props as DeploymentOutputs;
    const found = await unlessGone(async () => ({ latest: await latestDeployment(olds) }));
    if (!found) return {}; // the service is gone, and its deployments with it
    if (!found.latest) return { id, props: { ...olds, status: "REMOVED" } };
    return { id, props: outputsOf(olds, found.latest, olds.connected) };
  },

  async update(_id, olds, news) {
    // VAR-1: a variables change Railway already redeployed for is waited on, not deployed again.
    const write = news.firstDeploy?.deployedWrite;
    const pending = write && write.id !== olds.consumedWrite ? write : undefined;
    const outs = await deployAndWait(news, olds.connected, undefined, pending);
    return { outs: compact({ ...outs, consumedWrite: write?.id ?? olds.consumedWrite }) as DeploymentOutputs };
  },

  // Deployments are history: destroying this resource leaves the service
  // running, and deleting the service (its own resource) stops it.
  async delete() {},
};

/**
 * Deploys a service instance and waits until it is healthy.
 *
 * ```ts
 * new Deployment("api-deploy", { projectId, environmentId, serviceId: api.serviceId,
 *   source: { repo: "acme/api", branch: "main" }, triggers: [settingsHash] }, { dependsOn: [api, apiVars] });
 * ```
 */
export class Deployment extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Deployment;
  declare readonly deploymentId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string | undefined>;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, firstDeploy: args.firstDeploy === undefined ? undefined : pulumi.secret(args.firstDeploy) };
    super(
      deploymentProvider,
      name,
      { deploymentId: undefined, status: undefined, url: undefined, connected: undefined, ...props },
      opts,
      RAILWAY_MODULE,
      "Deployment",
    );
  }
}
