// One status request per poll for every deployment of an environment this
// process awaits (DEP-5): a first `up` of ten services polls as often as one of one.
import { railwayOperation } from "./client";
import { railwayClient } from "./settings";

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
