// A Railway service and its instance settings in one environment.
//
// Every instance setting goes through `serviceInstanceUpdate` with an explicit
// `environmentId`: Railway's config-as-code files stop being read on 2026-12-01.
// The source (repo or image) is not written here: Railway attaches a source only
// through `serviceConnect` (SVC-3, SVC-4), which deploys, so the Deployment
// resource connects it once the settings and variables exist.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isAlreadyExists, railwayOperation } from "./client";
import { CheckFailure, changedKeys, compact, cronProblem, deleteIfPresent, diffOf, requireStrings, unlessGone } from "./common";
import { deleteUnlessHeld, described, guardReplace, hold } from "./holdings";
import { sameImage } from "./images";
import { whenInstanceShows } from "./instance-lag";
import { assertSettingsStayHere, serviceNeighbours } from "./scope";
import { MAX_MEMORY_GB, MAX_REPLICAS, MAX_VCPUS } from "./limits";
import { configureFromStack, railwayClient } from "./settings";
import { BUILDERS, RESTART_POLICY_TYPES } from "./patterns";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";
export { BUILDERS, RESTART_POLICY_TYPES } from "./patterns";

export type Builder = (typeof BUILDERS)[number];
export type RestartPolicyType = (typeof RESTART_POLICY_TYPES)[number];

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
  /**
   * The most vCPUs and memory (GB) each replica may use (LIM-1: applied by the
   * next deployment). Unset: the plan's default. @default the plan's
   */
  vcpus?: pulumi.Input<number>;
  memoryGB?: pulumi.Input<number>;
  /** A five-field crontab schedule; the service then runs as a cron job. */
  cronSchedule?: pulumi.Input<string>;
  /** Let Railway sleep the service when idle. @default false */
  sleepApplication?: pulumi.Input<boolean>;
  /** Credentials for a private image registry; always stored as a secret. */
  registryCredentials?: pulumi.Input<{ username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  /** Paths whose changes trigger repo deploys. */
  watchPatterns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Whether Trestle created the project: a same-name service found there is one
   * an interrupted run of this stack made, and is adopted. @default false
   */
  projectCreated?: pulumi.Input<boolean>;
  /**
   * Manage a same-name service Trestle did not create (in a project it adopted):
   * its settings, variables and deploys become Trestle's, and `pulumi destroy`
   * deletes it. Without it, finding one is an error. @default false
   */
  takeOver?: pulumi.Input<boolean>;
  /** A database's service: replacing it deletes its data, so a replacement is refused without `allowReplace`. @default false */
  holdsData?: pulumi.Input<boolean>;
  /** Allow this update to replace a service that `holdsData`. @default false */
  allowReplace?: pulumi.Input<boolean>;
  /**
   * Leave the settings a first-deploy patch carries (DEP-6: source root, build
   * and deploy settings) to the service's first Deployment, which commits them
   * with the source in one patch: pass this Service to `firstDeployOf`.
   * @default false
   */
  deferToDeploy?: pulumi.Input<boolean>;
}

/** The most vCPUs and memory (GB) each replica of a service may use (LIM-1). */
export interface ServiceLimits {
  vcpus?: number;
  memoryGB?: number;
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
  vcpus?: number;
  memoryGB?: number;
  cronSchedule?: string;
  sleepApplication?: boolean;
  registryCredentials?: RegistryCredentials;
  watchPatterns?: string[];
  projectCreated?: boolean;
  takeOver?: boolean;
  holdsData?: boolean;
  allowReplace?: boolean;
  deferToDeploy?: boolean;
}

export interface ServiceOutputs extends ServiceInputs {
  serviceId: string;
  /** Which resource holds the service (holdings.ts): a replaced resource never deletes it. */
  holder?: string;
  /** The private host other services of the environment reach it at, as Railway reports it (SVC-8). */
  privateDomain: string;
}

/** DEP-9: the build and deploy settings a first-deploy patch carries, by the section they go in. */
const PATCH_BUILD_KEYS = ["builder", "buildCommand", "dockerfilePath", "watchPatterns"] as const;
const PATCH_DEPLOY_KEYS = [
  "startCommand",
  "preDeployCommand",
  "healthcheckPath",
  "healthcheckTimeout",
  "restartPolicyType",
  "restartPolicyMaxRetries",
  "cronSchedule",
  "sleepApplication",
] as const;
/** Instance settings written as themselves (null clears them): the source's directory, the patch's keys above, and the registry login. */
const SIMPLE_KEYS = [
  "rootDirectory",
  ...PATCH_BUILD_KEYS,
  ...PATCH_DEPLOY_KEYS,
  "registryCredentials",
] as const satisfies readonly (keyof ServiceInputs)[];

/** Every setting sent through `serviceInstanceUpdate`: replicas are mapped, the rest written as is. */
const INSTANCE_KEYS = ["replicas", "regions", ...SIMPLE_KEYS] as const;

/** Resource limits, sent through `serviceInstanceLimitsUpdate` (LIM-1). */
const LIMIT_KEYS = ["vcpus", "memoryGB"] as const;

const REPLACE_KEYS = ["projectId", "environmentId"] as const;

interface ServiceNode {
  id: string;
  name: string;
  deletedAt?: string | null;
}

/** Instance settings Railway reports back as they were written (the rest of SIMPLE_KEYS, the registry login, is never shown). */
const READ_BACK_KEYS = ["rootDirectory", ...PATCH_BUILD_KEYS, ...PATCH_DEPLOY_KEYS] as const;
type ReadBackKey = (typeof READ_BACK_KEYS)[number];

/** A service instance as SERVICE_READ selects it: the read-back settings (null when unset), the source, replicas. */
export type InstanceNode = { [K in ReadBackKey]?: ServiceInputs[K] | null } & {
  /** Older instances report one pre-deploy command as a string. */
  preDeployCommand?: string[] | string | null;
  source?: { image?: string | null; repo?: string | null } | null;
  numReplicas?: number | null;
  deletedAt?: string | null;
  latestDeployment?: { id: string; status: string } | null;
};

const SERVICE_CREATE = railwayOperation(`
mutation serviceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { id name }
}`);

export const PROJECT_SERVICES = railwayOperation(`
query projectServices($projectId: String!) {
  project(id: $projectId) { services(first: 500) { edges { node { id name } } } }
}`);

export const SERVICE_INSTANCE_UPDATE = railwayOperation(`
mutation serviceInstanceUpdate($serviceId: String!, $environmentId: String!, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}`);

const SERVICE_LIMITS_UPDATE = railwayOperation(`
mutation serviceInstanceLimitsUpdate($input: ServiceInstanceLimitsUpdateInput!) {
  serviceInstanceLimitsUpdate(input: $input)
}`);

/**
 * LIM-1: sets the instance's limits. Only the given ones are sent; Railway
 * reports limits as an untyped scalar, so they are not read back (LIM-2).
 */
export async function updateLimits(
  serviceId: string,
  inputs: Pick<ServiceInputs, "environmentId" | "vcpus" | "memoryGB">,
  keys: readonly (typeof LIMIT_KEYS)[number][] = LIMIT_KEYS,
): Promise<void> {
  const vCPUs = keys.includes("vcpus") ? inputs.vcpus : undefined;
  const memoryGB = keys.includes("memoryGB") ? inputs.memoryGB : undefined;
  if (vCPUs === undefined && memoryGB === undefined) return;
  await railwayClient().request(SERVICE_LIMITS_UPDATE, {
    input: compact({ serviceId, environmentId: inputs.environmentId, vCPUs, memoryGB }),
  });
}

const SERVICE_UPDATE = railwayOperation(`
mutation serviceUpdate($id: String!, $input: ServiceUpdateInput!) {
  serviceUpdate(id: $id, input: $input) { id name }
}`);

export const SERVICE_READ = railwayOperation(`
query serviceInstanceSettings($serviceId: String!, $environmentId: String!) {
  service(id: $serviceId) { id name deletedAt }
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    source { image repo }
    ${READ_BACK_KEYS.join(" ")}
    numReplicas deletedAt
  }
}`);

const DEPLOYMENT_REMOVE = railwayOperation(`
mutation deploymentRemove($id: String!) {
  deploymentRemove(id: $id)
}`);

const PRIVATE_NETWORKS = railwayOperation(`
query privateNetworks($environmentId: String!) {
  privateNetworks(environmentId: $environmentId) { publicId name dnsName deletedAt }
}`);

const PRIVATE_NETWORK_ENDPOINT = railwayOperation(`
query privateNetworkEndpoint($environmentId: String!, $privateNetworkId: String!, $serviceId: String!) {
  privateNetworkEndpoint(environmentId: $environmentId, privateNetworkId: $privateNetworkId, serviceId: $serviceId) { dnsName deletedAt }
}`);

const SERVICE_DELETE = railwayOperation(`
mutation serviceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId)
}`);

/**
 * The private DNS name Railway gives a new service: its name, lower-cased,
 * non-alphanumerics as `-`, under `railway.internal` (assumed shape, SVC-8).
 * Used until Railway reports the endpoint, which it may not have made yet.
 */
export function privateDomainOf(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${label}.railway.internal`;
}

function totalReplicas(inputs: ServiceInputs): number {
  if (inputs.regions) return Object.values(inputs.regions).reduce((sum, n) => sum + n, 0);
  return inputs.replicas ?? 1;
}

/**
 * The `serviceInstanceUpdate` input for the changed keys. Replicas are always
 * sent: Railway resets `numReplicas` to 1 when an update omits it (SVC-6).
 */
export function instanceInput(news: ServiceInputs, changed: readonly string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of SIMPLE_KEYS) {
    // SVC-7: `null` leaves preDeployCommand as it was; `[]` clears it.
    if (changed.includes(key)) input[key] = news[key] ?? (key === "preDeployCommand" ? [] : null);
  }
  input.numReplicas = totalReplicas(news);
  if (news.regions) {
    input.multiRegionConfig = Object.fromEntries(Object.entries(news.regions).map(([region, n]) => [region, { numReplicas: n }]));
  }
  return input;
}

/**
 * DEP-6: a new service's settings as its first-deploy patch carries them, in
 * the environment config's sections (railway-skills reference/environment-config.md:
 * `source.rootDirectory`; `build` builder, buildCommand, dockerfilePath,
 * watchPatterns; `deploy` startCommand, numReplicas, healthcheckPath,
 * healthcheckTimeout, restartPolicyType, restartPolicyMaxRetries, cronSchedule,
 * sleepApplication). `deploy.preDeployCommand` and `deploy.multiRegionConfig`
 * are config-as-code's names for the same settings (DEP-9, assumed).
 */
export interface PatchSettings {
  source?: { rootDirectory?: string };
  build?: Record<string, unknown>;
  deploy?: Record<string, unknown>;
  /** LIM-1: the resource limits, which the patch carries as `deploy.limitOverride` (the direct path sends them on their own). */
  limits?: { vcpus?: number; memoryGB?: number };
}

/**
 * LIM-1: limits as the environment config spells them, `limitOverride:
 * { containers: { cpu, memoryBytes } }` (railwayapp/cli `controllers/config/environment.rs`
 * `LimitOverride`); a GB is 10^9 bytes, as the CLI's own fixture pairs 2 vCPUs with 2,000,000,000 bytes.
 */
export function limitOverrideOf(limits: { vcpus?: number; memoryGB?: number }): Record<string, unknown> {
  return {
    containers: compact({ cpu: limits.vcpus, memoryBytes: limits.memoryGB === undefined ? undefined : Math.round(limits.memoryGB * 1e9) }),
  };
}

/** The instance settings a first-deploy patch cannot carry: written with `serviceInstanceUpdate` even for a deferred service. */
const UNPATCHED_KEYS = ["registryCredentials"] as const;

export function patchSettingsOf(inputs: Partial<ServiceInputs>): PatchSettings {
  const pick = (keys: readonly string[]) =>
    Object.fromEntries(
      keys.filter((k) => (inputs as Record<string, unknown>)[k] !== undefined).map((k) => [k, (inputs as Record<string, unknown>)[k]]),
    );
  const deploy: Record<string, unknown> = { ...pick(PATCH_DEPLOY_KEYS), numReplicas: totalReplicas(inputs as ServiceInputs) };
  if (inputs.regions)
    deploy.multiRegionConfig = Object.fromEntries(Object.entries(inputs.regions).map(([region, n]) => [region, { numReplicas: n }]));
  const build = pick(PATCH_BUILD_KEYS);
  const limits = compact({ vcpus: inputs.vcpus, memoryGB: inputs.memoryGB });
  return compact({
    source: inputs.rootDirectory !== undefined ? { rootDirectory: inputs.rootDirectory } : undefined,
    build: Object.keys(build).length ? build : undefined,
    deploy,
    limits: Object.keys(limits).length ? limits : undefined,
  });
}

/** The `serviceInstanceUpdate` input of settings a patch carried (the fallback writes them directly). */
export function instanceInputOfPatch(settings: PatchSettings): Record<string, unknown> {
  return compact({ ...settings.build, ...settings.deploy, rootDirectory: settings.source?.rootDirectory });
}

/** The secret inputs of a service (kept out of every error, however short). */
function secretsOf(inputs: ServiceInputs): string[] {
  return inputs.registryCredentials ? [inputs.registryCredentials.password] : [];
}

function outputsOf(inputs: ServiceInputs, serviceId: string, privateDomain: string | undefined): ServiceOutputs {
  return compact({ ...inputs, serviceId, privateDomain: privateDomain ?? privateDomainOf(inputs.name) });
}

/**
 * SVC-8: the host other services reach this one at, `<endpoint>.<network>.internal`
 * (railwayapp/cli src/controllers/private_network.rs `full_hostname`), on the
 * environment's default network `railway`. Undefined while Railway has not made it.
 */
async function readPrivateDomain(environmentId: string, serviceId: string): Promise<string | undefined> {
  const client = railwayClient();
  const { privateNetworks } = await client.request<{
    privateNetworks: { publicId: string; name: string; dnsName: string; deletedAt?: string | null }[];
  }>(PRIVATE_NETWORKS, { environmentId });
  const network = privateNetworks.find((n) => !n.deletedAt && n.name === "railway") ?? privateNetworks.find((n) => !n.deletedAt);
  if (!network) return undefined;
  const { privateNetworkEndpoint: endpoint } = await client.request<{
    privateNetworkEndpoint: { dnsName: string; deletedAt?: string | null } | null;
  }>(PRIVATE_NETWORK_ENDPOINT, { environmentId, privateNetworkId: network.publicId, serviceId });
  return endpoint && !endpoint.deletedAt ? `${endpoint.dnsName}.${network.dnsName}.internal` : undefined;
}

async function findServiceByName(projectId: string, name: string): Promise<ServiceNode | undefined> {
  const data = await railwayClient().request<{ project: { services: { edges: { node: ServiceNode }[] } } }>(PROJECT_SERVICES, {
    projectId,
  });
  return data.project.services.edges.map((e) => e.node).find((s) => s.name === name);
}

/** Creates the service, or adopts the one a lost or concurrent create left behind. */
async function createOrAdoptService(inputs: ServiceInputs): Promise<ServiceNode> {
  const adopt = async () => {
    const found = await findServiceByName(inputs.projectId, inputs.name);
    return found ? { serviceCreate: found } : undefined;
  };
  // Only where a same-name service can only be this stack's: in a project it
  // created (proven, ownership.ts), or one the user said to take over. In any
  // other project a service found after a lost answer may be someone else's
  // made meanwhile, so it goes through the same test as a first adoption: the
  // retry meets it as ERR-2 and is refused without `takeOver`.
  const ours = inputs.projectCreated || inputs.takeOver;
  try {
    // No source here: a service created with a source deploys at once, before
    // its settings and variables exist (terraform-provider-railway#22).
    const { serviceCreate } = await railwayClient().request<{ serviceCreate: ServiceNode }>(
      SERVICE_CREATE,
      { input: { projectId: inputs.projectId, environmentId: inputs.environmentId, name: inputs.name } },
      ours ? { adopt } : {},
    );
    return serviceCreate;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    // ERR-2 on a first attempt: the name is taken. In a project Trestle created
    // that can only be an interrupted run of this stack; elsewhere it may be
    // someone else's service, which is managed only when asked to.
    if (!ours) throw takeOverRefusal(inputs, (error as { attempts?: number }).attempts! > 1);
    const adopted = await adopt();
    if (!adopted) throw error;
    return adopted.serviceCreate;
  }
}

function takeOverRefusal(inputs: ServiceInputs, afterLostAnswer: boolean): ServiceTakeOverError {
  return new ServiceTakeOverError(
    (afterLostAnswer
      ? `Trestle's create of service \`${inputs.name}\` lost its answer, and a service of that name now exists in project ${inputs.projectId}: ` +
        "it may be the one Trestle made, or someone else's made meanwhile, and Trestle cannot tell which. If nobody else creates services in this project, it is this stack's: "
      : `a service named \`${inputs.name}\` already exists in project ${inputs.projectId}, and Trestle did not create it. `) +
      "To manage it (its settings, variables and deploys become Trestle's, and `pulumi destroy` deletes it), set `takeOver: true` on it " +
      "(`trestle:services.<name>.takeOver`, or `takeOver` in `trestle:postgres` / `trestle:redis`); otherwise give this service another name.",
  );
}

/** A same-name service Trestle did not create, met without `takeOver`. */
export class ServiceTakeOverError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "ServiceTakeOverError";
  }
}

/** Folds what Railway reports into the state, for the settings Trestle manages. */
function observed(props: ServiceOutputs, service: ServiceNode, instance: InstanceNode): ServiceOutputs {
  const seen: Partial<ServiceInputs> = {
    // Railway may spell the image another way (images.ts): the same image is no drift.
    image: sameImage(instance.source?.image, props.image) ? props.image : (instance.source?.image ?? undefined),
    repo: instance.source?.repo ?? undefined,
    ...Object.fromEntries(READ_BACK_KEYS.map((key) => [key, instance[key] ?? undefined])),
    preDeployCommand:
      typeof instance.preDeployCommand === "string" ? [instance.preDeployCommand] : (instance.preDeployCommand ?? undefined),
    watchPatterns: instance.watchPatterns?.length ? instance.watchPatterns : undefined,
  };
  const next: ServiceOutputs = { ...props, name: service.name };
  // Only settings present in the state are compared: Railway fills defaults
  // (builder, restart policy) that the user never set, and adopting them would churn.
  for (const [key, value] of Object.entries(seen) as [keyof ServiceInputs, unknown][]) {
    // The source is Railway's once connected (by the Deployment); before that it reports none.
    if (key === "image" || key === "repo") {
      if (instance.source?.image || instance.source?.repo) (next as unknown as Record<string, unknown>)[key] = value;
      continue;
    }
    if (props[key] !== undefined) {
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
  if (!news.image && !news.repo)
    failures.push({ property: "image", reason: "give a source: `image` (a Docker image) or `repo` (a GitHub repository)" });
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
  if (totalReplicas(news) > MAX_REPLICAS)
    failures.push({ property: "replicas", reason: `Railway allows at most ${MAX_REPLICAS} replicas per service (PLAN-1)` });
  for (const [key, most, unit] of [
    ["vcpus", MAX_VCPUS, "vCPUs"],
    ["memoryGB", MAX_MEMORY_GB, "GB"],
  ] as const) {
    const value = news[key];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > most)) {
      failures.push({
        property: key,
        reason: `\`${value}\` is not a limit Railway takes: give more than 0 and at most ${most} ${unit} (LIM-1)`,
      });
    }
  }
  if (news.healthcheckTimeout !== undefined && news.healthcheckTimeout > 3600)
    failures.push({ property: "healthcheckTimeout", reason: "give at most 3600 seconds" });
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
    // The source is recorded here and connected by the Deployment (SVC-3).
    const diff = diffOf<ServiceInputs>(olds, news, {
      replace: REPLACE_KEYS,
      update: ["name", "image", "repo", "branch", ...INSTANCE_KEYS, ...LIMIT_KEYS],
    });
    if (!news.holdsData) return diff;
    return guardReplace(
      diff,
      news,
      described("the database service", olds.name, (olds as ServiceOutputs).serviceId),
      "It follows its environment or project: keep those, or add the database's name to `trestle:allowReplace` for this one update.",
    );
  },

  async create(inputs) {
    const service = await createOrAdoptService(inputs);
    assertSettingsStayHere(inputs.name, await serviceNeighbours(inputs.projectId, inputs.environmentId, service.id));
    // DEP-6: a deferred service's settings go in its first deploy's patch; only what a patch cannot carry is written here.
    const configured = INSTANCE_KEYS.filter(
      (key) => inputs[key] !== undefined && (!inputs.deferToDeploy || (UNPATCHED_KEYS as readonly string[]).includes(key)),
    );
    if (!inputs.deferToDeploy || configured.length) {
      const input = inputs.deferToDeploy
        ? Object.fromEntries(configured.map((key) => [key, inputs[key]]))
        : instanceInput(inputs, configured);
      await whenInstanceShows(() =>
        railwayClient().request(
          SERVICE_INSTANCE_UPDATE,
          { serviceId: service.id, environmentId: inputs.environmentId, input },
          { secrets: secretsOf(inputs) },
        ),
      );
    }
    // LIM-1: a deferred service's limits ride in its first deploy's patch too.
    if (!inputs.deferToDeploy) await updateLimits(service.id, inputs);
    const outs = outputsOf(inputs, service.id, await readPrivateDomain(inputs.environmentId, service.id));
    return { id: service.id, outs: { ...outs, holder: hold("Service", service.id) } };
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
    const privateDomain = (await readPrivateDomain(olds.environmentId, id)) ?? olds.privateDomain;
    return { id, props: { ...observed(olds, found.service, found.serviceInstance), privateDomain } };
  },

  async update(id, olds, news) {
    const client = railwayClient();
    if (news.name !== olds.name) {
      await client.request(SERVICE_UPDATE, { id, input: { name: news.name } });
    }
    const changed = changedKeys<ServiceInputs>(olds, news, INSTANCE_KEYS);
    if (changed.length) {
      assertSettingsStayHere(news.name, await serviceNeighbours(news.projectId, news.environmentId, id));
      await client.request(
        SERVICE_INSTANCE_UPDATE,
        { serviceId: id, environmentId: news.environmentId, input: instanceInput(news, changed) },
        { secrets: secretsOf(news) },
      );
    }
    // LIM-2: a limit taken out of the config is left as Railway has it (how to
    // return to the plan's default is not documented); the synth says so.
    await updateLimits(id, news, changedKeys<ServiceInputs>(olds, news, LIMIT_KEYS) as (typeof LIMIT_KEYS)[number][]);
    return { outs: { ...outputsOf(news, id, olds.privateDomain), ...(olds.holder ? { holder: olds.holder } : {}) } };
  },

  async delete(id, props) {
    await deleteUnlessHeld("Service", id, props.holder, () => deleteService(id, props));
  },
};

async function deleteService(id: string, props: ServiceOutputs): Promise<void> {
  const client = railwayClient();
  // Staging and prod may share one project as two environments, and a Railway
  // service spans every environment. If another environment still runs this
  // service, only this environment's deployment is removed.
  const neighbours = await unlessGone(() => serviceNeighbours(props.projectId, props.environmentId, id));
  if (!neighbours) return; // the project is gone, and the service with it
  if (neighbours.others.some((o) => o.deployed)) {
    const deployment = neighbours.latestDeployment;
    if (deployment) await deleteIfPresent(() => client.request(DEPLOYMENT_REMOVE, { id: deployment.id }));
    return;
  }
  await deleteIfPresent(() => client.request(SERVICE_DELETE, { id }));
}

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
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Service;
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly privateDomain: pulumi.Output<string>;
  declare readonly environmentId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string>;
  /** DEP-6: the settings its first-deploy patch carries (for `firstDeployOf`); not a resource output. */
  readonly patchSettings: pulumi.Output<PatchSettings>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      serviceId: undefined,
      privateDomain: undefined,
      ...args,
      registryCredentials: args.registryCredentials === undefined ? undefined : pulumi.secret(args.registryCredentials),
    };
    super(
      serviceProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "registryCredentials"] },
      RAILWAY_MODULE,
      "Service",
    );
    const { registryCredentials: _secret, ...settings } = args;
    this.patchSettings = pulumi.output(settings).apply((resolved) => patchSettingsOf(resolved as Partial<ServiceInputs>));
  }
}
