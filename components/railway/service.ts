// A Railway service and its instance settings in one environment.
//
// Every instance setting goes through `serviceInstanceUpdate` with an explicit
// `environmentId`: Railway's config-as-code files stop being read on 2026-12-01,
// and a null environment means "every non-fork environment".
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isAlreadyExists, railwayOperation } from "./client";
import { CheckFailure, changedKeys, compact, cronProblem, deleteIfPresent, diffOf, requireStrings, sameValue, unlessGone } from "./common";
import { configureFromStack, railwayClient } from "./settings";

export type Builder = "RAILPACK" | "NIXPACKS" | "HEROKU" | "PAKETO";
export type RestartPolicyType = "ON_FAILURE" | "ALWAYS" | "NEVER";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface ServiceArgs {
  /** The project; changing it replaces the service. */
  projectId: pulumi.Input<string>;
  /** The environment whose instance this resource configures; changing it replaces the service. */
  environmentId: pulumi.Input<string>;
  /** The service's name, which is also its private host `<name>.railway.internal`. */
  name: pulumi.Input<string>;
  /** A Docker image (`redis:7.4`, `ghcr.io/org/app@sha256:…`). Give either `image` or `repo`. */
  image?: pulumi.Input<string>;
  /** A GitHub repository (`org/app`). Give either `image` or `repo`. */
  repo?: pulumi.Input<string>;
  /** The branch Railway deploys from `repo`. @default the repository's default branch */
  branch?: pulumi.Input<string>;
  /** The directory of `repo` to build. @default "/" */
  rootDirectory?: pulumi.Input<string>;
  /** The Dockerfile to build, relative to `rootDirectory`. */
  dockerfilePath?: pulumi.Input<string>;
  /** The builder when there is no Dockerfile. @default Railway's default (Railpack) */
  builder?: pulumi.Input<Builder>;
  buildCommand?: pulumi.Input<string>;
  startCommand?: pulumi.Input<string>;
  /** Commands run before each deploy inside the private network (migrations). */
  preDeployCommand?: pulumi.Input<pulumi.Input<string>[]>;
  /** Path Railway polls during a deploy until it answers 200. */
  healthcheckPath?: pulumi.Input<string>;
  /** Seconds a deploy may take to become healthy. @default 300 */
  healthcheckTimeout?: pulumi.Input<number>;
  /** @default "ON_FAILURE" */
  restartPolicyType?: pulumi.Input<RestartPolicyType>;
  /** Restarts before giving up, with `ON_FAILURE`. @default 10 */
  restartPolicyMaxRetries?: pulumi.Input<number>;
  /** Replicas in the default region. Give `replicas` or `regions`. @default 1 */
  replicas?: pulumi.Input<number>;
  /** Replicas per region (`{ "us-west2": 2, "europe-west4": 1 }`). */
  regions?: pulumi.Input<Record<string, pulumi.Input<number>>>;
  /** A five-field crontab schedule; the service then runs as a cron job. */
  cronSchedule?: pulumi.Input<string>;
  /** Let Railway sleep the service when idle. @default false */
  sleepApplication?: pulumi.Input<boolean>;
  /** Credentials for a private image registry; always stored as a secret. */
  registryCredentials?: pulumi.Input<{ username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  /** Paths whose changes trigger repo deploys. */
  watchPatterns?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface ServiceInputs {
  projectId: string;
  environmentId: string;
  name: string;
  image?: string;
  repo?: string;
  branch?: string;
  rootDirectory?: string;
  dockerfilePath?: string;
  builder?: Builder;
  buildCommand?: string;
  startCommand?: string;
  preDeployCommand?: string[];
  healthcheckPath?: string;
  healthcheckTimeout?: number;
  restartPolicyType?: RestartPolicyType;
  restartPolicyMaxRetries?: number;
  replicas?: number;
  regions?: Record<string, number>;
  cronSchedule?: string;
  sleepApplication?: boolean;
  registryCredentials?: RegistryCredentials;
  watchPatterns?: string[];
}

export interface ServiceOutputs extends ServiceInputs {
  serviceId: string;
  /** `<name>.railway.internal`, reachable from the environment's other services. */
  privateDomain: string;
  deploymentTriggerId?: string;
}

/** Instance settings written as themselves (null clears them). */
const SIMPLE_KEYS = [
  "rootDirectory",
  "dockerfilePath",
  "builder",
  "buildCommand",
  "startCommand",
  "preDeployCommand",
  "healthcheckPath",
  "healthcheckTimeout",
  "restartPolicyType",
  "restartPolicyMaxRetries",
  "cronSchedule",
  "sleepApplication",
  "registryCredentials",
  "watchPatterns",
] as const satisfies readonly (keyof ServiceInputs)[];

/** Every setting sent through `serviceInstanceUpdate`: the source and replicas are mapped, the rest written as is. */
const INSTANCE_KEYS = ["image", "repo", "replicas", "regions", ...SIMPLE_KEYS] as const;

const REPLACE_KEYS = ["projectId", "environmentId"] as const;

interface ServiceNode {
  id: string;
  name: string;
  deletedAt?: string | null;
}

interface InstanceNode {
  source?: { image?: string | null; repo?: string | null } | null;
  rootDirectory?: string | null;
  dockerfilePath?: string | null;
  builder?: Builder | null;
  buildCommand?: string | null;
  startCommand?: string | null;
  preDeployCommand?: string[] | string | null;
  healthcheckPath?: string | null;
  healthcheckTimeout?: number | null;
  restartPolicyType?: RestartPolicyType | null;
  restartPolicyMaxRetries?: number | null;
  numReplicas?: number | null;
  cronSchedule?: string | null;
  sleepApplication?: boolean | null;
  watchPatterns?: string[] | null;
  deletedAt?: string | null;
  latestDeployment?: { id: string; status: string } | null;
}

interface TriggerNode {
  id: string;
  branch: string;
  repository: string;
}

const SERVICE_CREATE = railwayOperation(`
mutation serviceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { id name }
}`);

const PROJECT_SERVICES = railwayOperation(`
query projectServices($projectId: String!) {
  project(id: $projectId) { services(first: 500) { edges { node { id name } } } }
}`);

const SERVICE_INSTANCE_UPDATE = railwayOperation(`
mutation serviceInstanceUpdate($serviceId: String!, $environmentId: String!, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}`);

const SERVICE_UPDATE = railwayOperation(`
mutation serviceUpdate($id: String!, $input: ServiceUpdateInput!) {
  serviceUpdate(id: $id, input: $input) { id name }
}`);

const SERVICE_READ = railwayOperation(`
query serviceInstanceSettings($serviceId: String!, $environmentId: String!) {
  service(id: $serviceId) { id name deletedAt }
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    source { image repo }
    rootDirectory dockerfilePath builder buildCommand startCommand preDeployCommand
    healthcheckPath healthcheckTimeout restartPolicyType restartPolicyMaxRetries
    numReplicas cronSchedule sleepApplication watchPatterns deletedAt
  }
}`);

const DEPLOYMENT_TRIGGERS = railwayOperation(`
query deploymentTriggers($projectId: String!, $environmentId: String!, $serviceId: String!) {
  deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    edges { node { id branch repository } }
  }
}`);

const DEPLOYMENT_TRIGGER_CREATE = railwayOperation(`
mutation deploymentTriggerCreate($input: DeploymentTriggerCreateInput!) {
  deploymentTriggerCreate(input: $input) { id branch repository }
}`);

const DEPLOYMENT_TRIGGER_UPDATE = railwayOperation(`
mutation deploymentTriggerUpdate($id: String!, $input: DeploymentTriggerUpdateInput!) {
  deploymentTriggerUpdate(id: $id, input: $input) { id branch repository }
}`);

const DEPLOYMENT_TRIGGER_DELETE = railwayOperation(`
mutation deploymentTriggerDelete($id: String!) {
  deploymentTriggerDelete(id: $id)
}`);

const PROJECT_ENVIRONMENTS = railwayOperation(`
query projectEnvironmentIds($projectId: String!) {
  environments(projectId: $projectId, first: 500) { edges { node { id } } }
}`);

const INSTANCE_LATEST_DEPLOYMENT = railwayOperation(`
query serviceInstanceLatestDeployment($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { latestDeployment { id status } }
}`);

const DEPLOYMENT_REMOVE = railwayOperation(`
mutation deploymentRemove($id: String!) {
  deploymentRemove(id: $id)
}`);

const SERVICE_DELETE = railwayOperation(`
mutation serviceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId)
}`);

/** Railway's private DNS name for a service: its name, lower-cased, non-alphanumerics as `-`. */
export function privateDomainOf(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return `${label}.railway.internal`;
}

function totalReplicas(inputs: ServiceInputs): number {
  if (inputs.regions) return Object.values(inputs.regions).reduce((sum, n) => sum + n, 0);
  return inputs.replicas ?? 1;
}

/**
 * The `serviceInstanceUpdate` input for the changed keys. Replicas are always
 * sent: Railway resets `numReplicas` to 1 when an update omits it.
 */
export function instanceInput(news: ServiceInputs, changed: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (changed.includes("image") || changed.includes("repo")) {
    input.source = news.image ? { image: news.image } : news.repo ? { repo: news.repo } : null;
  }
  for (const key of SIMPLE_KEYS) {
    if (changed.includes(key)) input[key] = news[key] ?? null;
  }
  input.numReplicas = totalReplicas(news);
  if (news.regions) {
    input.multiRegionConfig = Object.fromEntries(Object.entries(news.regions).map(([region, n]) => [region, { numReplicas: n }]));
  }
  return input;
}

function outputsOf(inputs: ServiceInputs, serviceId: string, deploymentTriggerId: string | undefined): ServiceOutputs {
  return compact({ ...inputs, serviceId, privateDomain: privateDomainOf(inputs.name), deploymentTriggerId });
}

async function findServiceByName(projectId: string, name: string): Promise<ServiceNode | undefined> {
  const data = await railwayClient().request<{ project: { services: { edges: { node: ServiceNode }[] } } }>(PROJECT_SERVICES, { projectId });
  return data.project.services.edges.map((e) => e.node).find((s) => s.name === name);
}

/** Creates the service, or adopts the one a lost or concurrent create left behind. */
async function createOrAdoptService(inputs: ServiceInputs): Promise<ServiceNode> {
  const adopt = async () => {
    const found = await findServiceByName(inputs.projectId, inputs.name);
    return found ? { serviceCreate: found } : undefined;
  };
  try {
    // No source here: a service created with a source deploys at once, before
    // its settings and variables exist (terraform-provider-railway#22).
    const { serviceCreate } = await railwayClient().request<{ serviceCreate: ServiceNode }>(
      SERVICE_CREATE,
      { input: { projectId: inputs.projectId, environmentId: inputs.environmentId, name: inputs.name } },
      { adopt },
    );
    return serviceCreate;
  } catch (error) {
    const adopted = isAlreadyExists(error) ? await adopt() : undefined;
    if (!adopted) throw error;
    return adopted.serviceCreate;
  }
}

/** Points the environment's deployment trigger at `repo`/`branch`, creating or deleting it as needed. */
async function syncTrigger(inputs: ServiceInputs, serviceId: string, knownId: string | undefined): Promise<string | undefined> {
  const client = railwayClient();
  let trigger: TriggerNode | undefined;
  if (knownId || inputs.repo) {
    const data = await client.request<{ deploymentTriggers: { edges: { node: TriggerNode }[] } }>(DEPLOYMENT_TRIGGERS, {
      projectId: inputs.projectId,
      environmentId: inputs.environmentId,
      serviceId,
    });
    const triggers = data.deploymentTriggers.edges.map((e) => e.node);
    trigger = triggers.find((t) => t.id === knownId) ?? triggers[0];
  }
  if (!inputs.repo) {
    if (trigger) await deleteIfPresent(() => client.request(DEPLOYMENT_TRIGGER_DELETE, { id: trigger.id }));
    return undefined;
  }
  const branch = inputs.branch ?? "main";
  if (!trigger) {
    const { deploymentTriggerCreate } = await client.request<{ deploymentTriggerCreate: TriggerNode }>(DEPLOYMENT_TRIGGER_CREATE, {
      input: compact({
        projectId: inputs.projectId,
        environmentId: inputs.environmentId,
        serviceId,
        provider: "github",
        repository: inputs.repo,
        branch,
        rootDirectory: inputs.rootDirectory,
      }),
    });
    return deploymentTriggerCreate.id;
  }
  if (trigger.branch !== branch || trigger.repository !== inputs.repo) {
    await client.request(DEPLOYMENT_TRIGGER_UPDATE, {
      id: trigger.id,
      input: compact({ branch, repository: inputs.repo, rootDirectory: inputs.rootDirectory }),
    });
  }
  return trigger.id;
}

/** Folds what Railway reports into the state, for the settings Trestle manages. */
function observed(props: ServiceOutputs, service: ServiceNode, instance: InstanceNode): ServiceOutputs {
  const seen: Partial<ServiceInputs> = {
    image: instance.source?.image ?? undefined,
    repo: instance.source?.repo ?? undefined,
    rootDirectory: instance.rootDirectory ?? undefined,
    dockerfilePath: instance.dockerfilePath ?? undefined,
    builder: instance.builder ?? undefined,
    buildCommand: instance.buildCommand ?? undefined,
    startCommand: instance.startCommand ?? undefined,
    preDeployCommand:
      typeof instance.preDeployCommand === "string" ? [instance.preDeployCommand] : (instance.preDeployCommand ?? undefined),
    healthcheckPath: instance.healthcheckPath ?? undefined,
    healthcheckTimeout: instance.healthcheckTimeout ?? undefined,
    restartPolicyType: instance.restartPolicyType ?? undefined,
    restartPolicyMaxRetries: instance.restartPolicyMaxRetries ?? undefined,
    cronSchedule: instance.cronSchedule ?? undefined,
    sleepApplication: instance.sleepApplication ?? undefined,
    watchPatterns: instance.watchPatterns?.length ? instance.watchPatterns : undefined,
  };
  const next: ServiceOutputs = { ...props, name: service.name };
  // Only settings present in the state are compared: Railway fills defaults
  // (builder, restart policy) that the user never set, and adopting them would churn.
  for (const [key, value] of Object.entries(seen) as [keyof ServiceInputs, unknown][]) {
    if (props[key] !== undefined || ((key === "image" || key === "repo") && value !== undefined)) {
      (next as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (instance.numReplicas != null && instance.numReplicas !== totalReplicas(props)) {
    // Replica counts per region are not readable; a changed total is drift in both.
    next.replicas = instance.numReplicas;
    delete next.regions;
  }
  return compact(next);
}

export function checkService(news: ServiceInputs): CheckFailure[] {
  const failures = requireStrings(news as unknown as Record<string, unknown>, ["projectId", "environmentId", "name"]);
  if (news.image && news.repo) failures.push({ property: "image", reason: "give either `image` or `repo`, not both" });
  if (!news.image && !news.repo) failures.push({ property: "image", reason: "give a source: `image` (a Docker image) or `repo` (a GitHub repository)" });
  for (const key of ["branch", "rootDirectory", "watchPatterns"] as const) {
    if (news[key] !== undefined && !news.repo) failures.push({ property: key, reason: `\`${key}\` applies only to a \`repo\` source` });
  }
  if (news.registryCredentials !== undefined) {
    if (!news.image) failures.push({ property: "registryCredentials", reason: "`registryCredentials` applies only to an `image` source" });
    if (!news.registryCredentials.username || !news.registryCredentials.password) {
      failures.push({ property: "registryCredentials", reason: "give both `username` and `password`" });
    }
  }
  if (news.replicas !== undefined && news.regions !== undefined) {
    failures.push({ property: "replicas", reason: "give either `replicas` or `regions` (replicas per region), not both" });
  }
  if (news.replicas !== undefined && (!Number.isInteger(news.replicas) || news.replicas < 1)) {
    failures.push({ property: "replicas", reason: `\`${news.replicas}\` is not a whole number of replicas of at least 1` });
  }
  for (const [region, count] of Object.entries(news.regions ?? {})) {
    if (!Number.isInteger(count) || count < 1) {
      failures.push({ property: `regions.${region}`, reason: `\`${count}\` is not a whole number of replicas of at least 1` });
    }
  }
  if (news.cronSchedule !== undefined) {
    const problem = cronProblem(news.cronSchedule);
    if (problem) failures.push({ property: "cronSchedule", reason: `\`${news.cronSchedule}\` ${problem}` });
    if (totalReplicas(news) !== 1) failures.push({ property: "cronSchedule", reason: "a cron service runs exactly 1 replica" });
  }
  if (news.healthcheckTimeout !== undefined && (!Number.isInteger(news.healthcheckTimeout) || news.healthcheckTimeout < 1)) {
    failures.push({ property: "healthcheckTimeout", reason: "give whole seconds, at least 1" });
  }
  if (news.healthcheckPath !== undefined && !news.healthcheckPath.startsWith("/")) {
    failures.push({ property: "healthcheckPath", reason: `\`${news.healthcheckPath}\` must start with \`/\`` });
  }
  if (news.restartPolicyMaxRetries !== undefined) {
    if (!Number.isInteger(news.restartPolicyMaxRetries) || news.restartPolicyMaxRetries < 0) {
      failures.push({ property: "restartPolicyMaxRetries", reason: "give a whole number of retries, 0 or more" });
    }
    if ((news.restartPolicyType ?? "ON_FAILURE") !== "ON_FAILURE") {
      failures.push({ property: "restartPolicyMaxRetries", reason: "retries apply only with `restartPolicyType: ON_FAILURE`" });
    }
  }
  return failures;
}

export const serviceProvider: dynamic.ResourceProvider<ServiceInputs, ServiceOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    return { inputs: news, failures: checkService(news) };
  },

  async diff(_id, olds, news) {
    return diffOf<ServiceInputs>(olds, news, { replace: REPLACE_KEYS, update: ["name", "branch", ...INSTANCE_KEYS] });
  },

  async create(inputs) {
    const service = await createOrAdoptService(inputs);
    const configured = INSTANCE_KEYS.filter((key) => inputs[key] !== undefined);
    await railwayClient().request(SERVICE_INSTANCE_UPDATE, {
      serviceId: service.id,
      environmentId: inputs.environmentId,
      input: instanceInput(inputs, configured),
    });
    const triggerId = inputs.repo ? await syncTrigger(inputs, service.id, undefined) : undefined;
    return { id: service.id, outs: outputsOf(inputs, service.id, triggerId) };
  },

  async read(id, props) {
    const olds = props as ServiceOutputs;
    const found = await unlessGone(() =>
      railwayClient().request<{ service: ServiceNode; serviceInstance: InstanceNode }>(SERVICE_READ, {
        serviceId: id,
        environmentId: olds.environmentId,
      }),
    );
    if (!found || found.service.deletedAt || found.serviceInstance.deletedAt) return {};
    return { id, props: observed(olds, found.service, found.serviceInstance) };
  },

  async update(id, olds, news) {
    const client = railwayClient();
    if (news.name !== olds.name) {
      await client.request(SERVICE_UPDATE, { id, input: { name: news.name } });
    }
    const changed = changedKeys<ServiceInputs>(olds, news, INSTANCE_KEYS);
    if (changed.length) {
      await client.request(SERVICE_INSTANCE_UPDATE, { serviceId: id, environmentId: news.environmentId, input: instanceInput(news, changed) });
    }
    let triggerId = olds.deploymentTriggerId;
    if (!sameValue([olds.repo, olds.branch, olds.rootDirectory], [news.repo, news.branch, news.rootDirectory])) {
      triggerId = await syncTrigger(news, id, olds.deploymentTriggerId);
    }
    return { outs: outputsOf(news, id, triggerId) };
  },

  async delete(id, props) {
    const client = railwayClient();
    // Staging and prod may share one project as two environments, and a Railway
    // service spans every environment. If another environment still runs this
    // service, only this environment's deployment is removed.
    const envs = await unlessGone(() =>
      client.request<{ environments: { edges: { node: { id: string } }[] } }>(PROJECT_ENVIRONMENTS, { projectId: props.projectId }),
    );
    if (!envs) return; // the project is gone, and the service with it
    for (const { node } of envs.environments.edges) {
      if (node.id === props.environmentId) continue;
      const other = await unlessGone(() =>
        client.request<{ serviceInstance: InstanceNode }>(INSTANCE_LATEST_DEPLOYMENT, { serviceId: id, environmentId: node.id }),
      );
      const status = other?.serviceInstance.latestDeployment?.status;
      if (status && status !== "REMOVED" && status !== "REMOVING") {
        const mine = await unlessGone(() =>
          client.request<{ serviceInstance: InstanceNode }>(INSTANCE_LATEST_DEPLOYMENT, { serviceId: id, environmentId: props.environmentId }),
        );
        const deployment = mine?.serviceInstance.latestDeployment;
        if (deployment) await deleteIfPresent(() => client.request(DEPLOYMENT_REMOVE, { id: deployment.id }));
        return;
      }
    }
    await deleteIfPresent(() => client.request(SERVICE_DELETE, { id }));
  },
};

/**
 * A Railway service configured for one environment.
 *
 * ```ts
 * const api = new Service("api", {
 *   projectId: project.projectId, environmentId: env.environmentId, name: "api",
 *   repo: "acme/travel", branch: "main", rootDirectory: "backend",
 *   healthcheckPath: "/health", replicas: 2,
 * });
 * ```
 */
export class Service extends pulumi.dynamic.Resource {
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly privateDomain: pulumi.Output<string>;
  declare readonly environmentId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      serviceId: undefined,
      privateDomain: undefined,
      deploymentTriggerId: undefined,
      ...args,
      registryCredentials: args.registryCredentials === undefined ? undefined : pulumi.secret(args.registryCredentials),
    };
    super(serviceProvider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "registryCredentials"] }, "railway", "Service");
  }
}
