// One deploy of a service instance, made after its settings and variables are
// written and awaited until Railway reports it healthy.
//
// The first deploy of a service is one `environmentPatchCommit` (DEP-6, in
// first-deploy.ts): the source, the settings, the variables and the volumes'
// backup schedules in one patch of the environment's config, which Railway
// applies and deploys. The Service, Variables and Volume made with
// `deferToDeploy` leave that first write to it, so a new service costs one
// mutation per object. A later source change connects it with
// `serviceConnect` (SVC-3); other deploys use `serviceInstanceDeployV2` (DEP-1).
// Either way this waits for the one deployment Railway started, never starting
// a second. The resource changes (and deploys again) only when `triggers` or
// the source change, so a `pulumi up` that changes nothing deploys nothing.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, compact, requireStrings, sameValue, unlessGone } from "./common";
import {
  type DeploymentNode,
  type DeploymentSource,
  IN_PROGRESS,
  START_PATIENCE_POLLS,
  awaitSettled,
  deploymentAfter,
  latestDeployment,
  pollMs,
  readSeen,
  sourceMatches,
} from "./deployment-watch";
import { type FirstDeploy, type FirstDeployInput, commitFirstDeploy, firstDeployFailures, writeCarried } from "./first-deploy";
import { redactLines } from "./redact";
import { RAILWAY_PROVIDED } from "./references";
import { EnvironmentScopeError, serviceNeighbours } from "./scope";
import { configureFromStack, railwayClient, resolveCredentials } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

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
  /** What the first deploy writes with the source (DEP-6): pass `firstDeployOf` the Variables and Volumes made with `deferToDeploy`. */
  firstDeploy?: FirstDeployInput;
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

/** Starts (or finds) the deployment for these inputs and waits until it is healthy. */
async function deployAndWait(
  inputs: DeploymentInputs,
  connected: DeploymentSource | undefined,
  carried?: FirstDeploy,
  written?: FirstDeploy["deployedWrite"],
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
      deploymentId = await commitFirstDeploy(inputs, desired, carried, latest?.id, () => connect(inputs, desired, latest?.id));
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
  failures.push(...firstDeployFailures(news.firstDeploy));
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
