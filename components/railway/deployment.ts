// One deploy of a service instance, made after its settings and variables are
// written and awaited until Railway reports it healthy.
//
// The resource changes (and deploys again) only when `triggers` change, so a
// `pulumi up` that changes nothing deploys nothing.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, requireStrings, sameValue, unlessGone } from "./common";
import { configureFromStack, railwayClient } from "./settings";

export interface DeploymentArgs {
  projectId: pulumi.Input<string>;
  /** Changing it replaces the deployment. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the deployment. */
  serviceId: pulumi.Input<string>;
  /** Anything whose change must redeploy: settings, variables, an image digest. */
  triggers?: pulumi.Input<unknown>;
  /** Seconds to wait for SUCCESS before failing the update. @default 1200 */
  timeoutSeconds?: pulumi.Input<number>;
  /** Seconds between status polls. @default 5 */
  pollSeconds?: pulumi.Input<number>;
}

export interface DeploymentInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  triggers?: unknown;
  timeoutSeconds?: number;
  pollSeconds?: number;
}

export interface DeploymentOutputs extends DeploymentInputs {
  deploymentId: string;
  status: string;
  url?: string;
}

/** Statuses after which a deploy is done, and whether each is healthy. */
const HEALTHY = new Set(["SUCCESS", "SLEEPING"]);
const BROKEN = new Set(["FAILED", "CRASHED", "REMOVED", "SKIPPED"]);
const LOG_LINES = 40;

const DEPLOY = railwayOperation(`
mutation serviceInstanceDeployV2($serviceId: String!, $environmentId: String!) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId)
}`);

const DEPLOYMENT_STATUS = railwayOperation(`
query deploymentStatus($id: String!) {
  deployment(id: $id) { id status staticUrl url }
}`);

const DEPLOYMENT_LOGS = railwayOperation(`
query deploymentLogs($deploymentId: String!, $limit: Int) {
  deploymentLogs(deploymentId: $deploymentId, limit: $limit) { message severity timestamp }
}`);

const BUILD_LOGS = railwayOperation(`
query buildLogs($deploymentId: String!, $limit: Int) {
  buildLogs(deploymentId: $deploymentId, limit: $limit) { message severity timestamp }
}`);

const LATEST_DEPLOYMENT = railwayOperation(`
query latestDeployment($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { latestDeployment { id status staticUrl url } }
}`);

interface DeploymentNode {
  id: string;
  status: string;
  staticUrl?: string | null;
  url?: string | null;
}

/** A failed deploy, with its status and the end of its logs. */
export class DeploymentFailedError extends Error {
  constructor(
    readonly deploymentId: string,
    readonly status: string,
    readonly logExcerpt: string[],
  ) {
    const logs = logExcerpt.length ? `\nLast log lines:\n${logExcerpt.map((l) => `  ${l}`).join("\n")}` : "";
    const message = `Railway deployment ${deploymentId} ended ${status}.${logs}`;
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "DeploymentFailedError";
  }
}

async function logExcerpt(deploymentId: string, status: string): Promise<string[]> {
  const client = railwayClient();
  // A FAILED deploy usually failed to build; CRASHED ones failed at runtime.
  const op = status === "FAILED" ? BUILD_LOGS : DEPLOYMENT_LOGS;
  const field = status === "FAILED" ? "buildLogs" : "deploymentLogs";
  try {
    const data = await client.request<Record<string, { message: string }[]>>(op, { deploymentId, limit: LOG_LINES });
    return data[field].map((l) => l.message).slice(-LOG_LINES);
  } catch {
    return ["(the deployment's logs could not be read)"];
  }
}

async function deployAndWait(inputs: DeploymentInputs): Promise<DeploymentOutputs> {
  const client = railwayClient();
  const { serviceInstanceDeployV2: deploymentId } = await client.request<{ serviceInstanceDeployV2: string }>(DEPLOY, {
    serviceId: inputs.serviceId,
    environmentId: inputs.environmentId,
  });
  const timeoutMs = (inputs.timeoutSeconds ?? 1200) * 1000;
  const pollMs = (inputs.pollSeconds ?? 5) * 1000;
  const deadline = Date.now() + timeoutMs;
  let node: DeploymentNode = { id: deploymentId, status: "QUEUED" };
  for (;;) {
    ({ deployment: node } = await client.request<{ deployment: DeploymentNode }>(DEPLOYMENT_STATUS, { id: deploymentId }));
    if (HEALTHY.has(node.status)) break;
    if (BROKEN.has(node.status)) throw new DeploymentFailedError(deploymentId, node.status, await logExcerpt(deploymentId, node.status));
    if (Date.now() + pollMs > deadline) {
      throw new Error(
        `Railway deployment ${deploymentId} is still ${node.status} after ${inputs.timeoutSeconds ?? 1200} s; ` +
          "raise `timeoutSeconds` or look at its build logs in the Railway dashboard",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return outputsOf(inputs, node);
}

function outputsOf(inputs: DeploymentInputs, node: DeploymentNode): DeploymentOutputs {
  const url = node.staticUrl ?? node.url ?? undefined;
  return { ...inputs, deploymentId: node.id, status: node.status, ...(url ? { url } : {}) };
}

export function checkDeployment(news: DeploymentInputs): CheckFailure[] {
  const failures = requireStrings(news as unknown as Record<string, unknown>, ["projectId", "environmentId", "serviceId"]);
  for (const key of ["timeoutSeconds", "pollSeconds"] as const) {
    const value = news[key];
    if (value !== undefined && (typeof value !== "number" || !(value > 0))) {
      failures.push({ property: key, reason: `\`${value}\` must be a positive number of seconds` });
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
    const changes = replaces.length > 0 || unhealthy || !sameValue(olds.triggers, news.triggers);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    const outs = await deployAndWait(inputs);
    return { id: outs.deploymentId, outs };
  },

  async read(id, props) {
    const olds = props as DeploymentOutputs;
    const found = await unlessGone(() =>
      railwayClient().request<{ serviceInstance: { latestDeployment: DeploymentNode | null } }>(LATEST_DEPLOYMENT, {
        serviceId: olds.serviceId,
        environmentId: olds.environmentId,
      }),
    );
    if (!found) return {};
    const latest = found.serviceInstance.latestDeployment;
    return { id, props: latest ? outputsOf(olds, latest) : { ...olds, status: "REMOVED" } };
  },

  async update(_id, _olds, news) {
    return { outs: await deployAndWait(news) };
  },

  // Deployments are history: destroying this resource leaves the service
  // running, and deleting the service (its own resource) stops it.
  async delete() {},
};

/**
 * Deploys a service instance and waits until it is healthy.
 *
 * ```ts
 * new Deployment("api-deploy", { projectId, environmentId, serviceId: api.serviceId, triggers: [settingsHash] },
 *   { dependsOn: [api, apiVars] });
 * ```
 */
export class Deployment extends pulumi.dynamic.Resource {
  declare readonly deploymentId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string | undefined>;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    super(deploymentProvider, name, { deploymentId: undefined, status: undefined, url: undefined, ...args }, opts, "railway", "Deployment");
  }
}
