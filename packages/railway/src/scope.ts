// Which environments a service-level change reaches, and the refusals that
// keep one stack's change inside its own environment.
//
// SVC-5 is unsettled: the schema's description of
// `serviceInstanceUpdate(environmentId:)` says a non-fork environment's update
// applies to every non-fork environment, while Railway's API docs and CLI treat
// it as per-environment. SVC-3: `serviceConnect` takes no environment at all.
// Until that is settled, Trestle assumes the wider reading and refuses to make
// such a change when another environment of the project runs the service.
import { railwayOperation } from "./client";
import { railwayClient } from "./settings";

export interface Neighbours {
  /** This environment's name. */
  name: string;
  fork: boolean;
  /** This environment's latest deployment of the service, if any. */
  latestDeployment?: { id: string; status: string };
  others: NeighbourInstance[];
}

export interface NeighbourInstance {
  environmentId: string;
  environmentName: string;
  /** A fork (created from another environment): changes made elsewhere do not reach it (SVC-5). */
  fork: boolean;
  source?: { image?: string | null; repo?: string | null } | null;
  /** It has a deployment that is not removed: someone runs the service there. */
  deployed: boolean;
}

const PROJECT_INSTANCES = railwayOperation(`
query projectServiceInstances($projectId: String!) {
  environments(projectId: $projectId, first: 100) {
    edges { node { id name sourceEnvironment { id } serviceInstances(first: 500) { edges { node { serviceId source { image repo } latestDeployment { id status } } } } } }
  }
}`);

interface EnvironmentNode {
  id: string;
  name: string;
  sourceEnvironment?: { id: string } | null;
  serviceInstances: {
    edges: {
      node: { serviceId: string; source?: NeighbourInstance["source"]; latestDeployment?: { id: string; status: string } | null };
    }[];
  };
}

const GONE = new Set(["REMOVED", "REMOVING"]);

/** This environment (is it a fork?) and the service's instances in the project's other environments, in one request. */
export async function serviceNeighbours(projectId: string, environmentId: string, serviceId: string): Promise<Neighbours> {
  const data = await railwayClient().request<{ environments: { edges: { node: EnvironmentNode }[] } }>(PROJECT_INSTANCES, { projectId });
  const envs = data.environments.edges.map((e) => e.node);
  const self = envs.find((e) => e.id === environmentId);
  const mine = self?.serviceInstances.edges.map((e) => e.node).find((i) => i.serviceId === serviceId);
  const others: NeighbourInstance[] = [];
  for (const env of envs) {
    if (env.id === environmentId) continue;
    const instance = env.serviceInstances.edges.map((e) => e.node).find((i) => i.serviceId === serviceId);
    if (!instance) continue;
    const status = instance.latestDeployment?.status;
    others.push({
      environmentId: env.id,
      environmentName: env.name,
      fork: Boolean(env.sourceEnvironment),
      source: instance.source,
      deployed: status !== undefined && !GONE.has(status),
    });
  }
  return {
    name: self?.name ?? environmentId,
    fork: Boolean(self?.sourceEnvironment),
    latestDeployment: mine?.latestDeployment ?? undefined,
    others,
  };
}

/** A change Trestle will not make because it could reach another environment. */
export class EnvironmentScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "EnvironmentScopeError";
  }
}

/**
 * Refuses a settings update that, read as the schema describes (SVC-5), would
 * also change a non-fork environment where the service is running.
 */
export function assertSettingsStayHere(serviceName: string, neighbours: Neighbours): void {
  if (neighbours.fork) return;
  const reached = neighbours.others.filter((o) => !o.fork && o.deployed);
  if (!reached.length) return;
  const names = reached.map((o) => `\`${o.environmentName}\``).join(", ");
  throw new EnvironmentScopeError(
    `service \`${serviceName}\`: Railway may apply a settings change in environment \`${neighbours.name}\` to every environment that is not a fork ` +
      `(the schema's description of serviceInstanceUpdate), and ${names} runs this service too. ` +
      "Give this stack its own Railway project (`trestle:railway.project`), or make its environment a fork of the other (`trestle:railway.forkOf`).",
  );
}
