// Watching a service instance's deployments: what it runs now, the deployment
// Railway starts after a connect or a commit, and the status of each deployment
// this process awaits, with one status request per poll for every deployment
// of an environment (DEP-5): a first `up` of ten services polls as often as one of one.
import { railwayOperation } from "./client";
import { sameImage } from "./images";
import { pollIntervalSeconds } from "./limits";
import { railwayClient, railwaySettings } from "./settings";

/** The service instance a deploy is for, and the resource's own polling floor. */
export interface DeployTarget {
  projectId: string;
  environmentId: string;
  serviceId: string;
  pollSeconds?: number;
}

/** What the service runs: a repo at a branch, or an image. */
export interface DeploymentSource {
  repo?: string;
  branch?: string;
  image?: string;
}

/** DEP-2: statuses in which a deploy is still under way. */
export const IN_PROGRESS = new Set(["QUEUED", "WAITING", "INITIALIZING", "BUILDING", "DEPLOYING"]);

export interface DeploymentNode {
  id: string;
  status: string;
  staticUrl?: string | null;
  url?: string | null;
}

/** One request per poll for every deployment of an environment being awaited in this process. */
const ENVIRONMENT_DEPLOYMENTS = railwayOperation(`
query environmentDeployments($environmentId: String!, $first: Int) {
  deployments(first: $first, input: { environmentId: $environmentId }) { edges { node { id status staticUrl url } } }
}`);

const DEPLOYMENT_STATUS = railwayOperation(`
query deploymentStatus($id: String!) {
  deployment(id: $id) { id status staticUrl url }
}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiter {
  id: string;
  resolve: (node: DeploymentNode) => void;
  reject: (error: unknown) => void;
}

interface Watch {
  waiters: Map<string, Waiter[]>;
  intervalMs: number;
  running: boolean;
}

const WATCH_KEY = "__trestleDeploymentWatches";

function watches(): Map<string, Watch> {
  const global = globalThis as Record<string, unknown>;
  return ((global[WATCH_KEY] as Map<string, Watch> | undefined) ??= new Map<string, Watch>());
}

/** Resolves with the deployment's node as soon as it is no longer in progress. */
export function awaitSettled(environmentId: string, deploymentId: string, intervalMs: number): Promise<DeploymentNode> {
  const all = watches();
  let watch = all.get(environmentId);
  if (!watch) {
    watch = { waiters: new Map(), intervalMs, running: false };
    all.set(environmentId, watch);
  }
  watch.intervalMs = Math.min(watch.intervalMs, intervalMs);
  const promise = new Promise<DeploymentNode>((resolve, reject) => {
    const list = watch!.waiters.get(deploymentId) ?? [];
    list.push({ id: deploymentId, resolve, reject });
    watch!.waiters.set(deploymentId, list);
  });
  if (!watch.running) void pollLoop(environmentId, watch);
  return promise;
}

async function pollLoop(environmentId: string, watch: Watch): Promise<void> {
  watch.running = true;
  try {
    while (watch.waiters.size) {
      await sleep(watch.intervalMs);
      let nodes: DeploymentNode[];
      try {
        const data = await railwayClient().request<{ deployments: { edges: { node: DeploymentNode }[] } }>(ENVIRONMENT_DEPLOYMENTS, {
          environmentId,
          first: Math.max(50, watch.waiters.size * 4),
        });
        nodes = data.deployments.edges.map((e) => e.node);
        // One not in the list (older than the page) is asked for by id.
        for (const id of watch.waiters.keys()) {
          if (!nodes.some((n) => n.id === id))
            nodes.push((await railwayClient().request<{ deployment: DeploymentNode }>(DEPLOYMENT_STATUS, { id })).deployment);
        }
      } catch (error) {
        for (const list of watch.waiters.values()) list.forEach((w) => w.reject(error));
        watch.waiters.clear();
        break;
      }
      for (const node of nodes) {
        const list = watch.waiters.get(node.id);
        if (!list || IN_PROGRESS.has(node.status)) continue;
        watch.waiters.delete(node.id);
        list.forEach((w) => w.resolve(node));
      }
    }
  } finally {
    watch.running = false;
    watches().delete(environmentId);
  }
}

const LATEST_DEPLOYMENT = railwayOperation(`
query latestDeployment($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { latestDeployment { id status staticUrl url } }
}`);

/** The newest deployment of one service instance, or undefined before its first. */
export async function latestDeployment(where: { serviceId: string; environmentId: string }): Promise<DeploymentNode | undefined> {
  const data = await railwayClient().request<{ serviceInstance: { latestDeployment: DeploymentNode | null } }>(LATEST_DEPLOYMENT, {
    serviceId: where.serviceId,
    environmentId: where.environmentId,
  });
  return data.serviceInstance.latestDeployment ?? undefined;
}

/** Milliseconds between polls: the resource's floor, slowed to the plan's budget (RATE-2). */
export function pollMs(inputs: DeployTarget): number {
  const settings = railwaySettings();
  if (settings.pollIntervalMs !== undefined) return settings.pollIntervalMs;
  return pollIntervalSeconds(settings.plan ?? "hobby", inputs.pollSeconds ?? 5) * 1000;
}

/** Polls Railway is given to start the deployment a connect or commit asked for (60 s at the default 5 s). */
export const START_PATIENCE_POLLS = 12;

const INSTANCE_SOURCE = railwayOperation(`
query serviceInstanceSource($projectId: String!, $serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { source { image repo } latestDeployment { id status } }
  deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) { edges { node { branch repository } } }
  environment(id: $environmentId) { unmergedChangesCount }
}`);

/** The deployment Railway starts after `previous`: a connect or a deploy whose answer was lost (DEP-1, SVC-3). */
export async function deploymentAfter(
  inputs: DeployTarget,
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

export function sourceMatches(
  desired: DeploymentSource,
  seen: { source?: { image?: string | null; repo?: string | null } | null; branches: string[] },
): boolean {
  if (desired.image) return sameImage(seen.source?.image, desired.image);
  if (desired.repo) return seen.source?.repo === desired.repo && (desired.branch === undefined || seen.branches.includes(desired.branch));
  return true;
}

/** What the service instance runs now: its source, the branches its triggers follow, its latest deployment (DEP-6: and staged changes). */
export interface Seen {
  source?: { image?: string | null; repo?: string | null } | null;
  branches: string[];
  latest?: DeploymentNode;
  unmergedChangesCount: number;
}

export async function readSeen(inputs: DeployTarget): Promise<Seen> {
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
