// The variables one service has in one environment, plain and secret.
//
// Written with `skipDeploys: true`, so a change to ten variables is one deploy,
// not ten, except a change to deferred variables: written in one upsert that
// lets Railway redeploy, which the service's Deployment then waits on (VAR-1). Railway references such as
// `${{Postgres.DATABASE_URL}}` are stored verbatim and read back unrendered.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, VARIABLE_NAME, deleteIfPresent, diffOf, requireStrings, sameValue, unlessGone } from "./common";
import { latestDeployment } from "./deployment-watch";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface VariablesArgs {
  /** Changing it replaces the collection. */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the collection. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the collection. Without it, the environment's shared variables (`${{shared.NAME}}`, VAR-2). */
  serviceId?: pulumi.Input<string>;
  /** Plain values, shown in previews. */
  variables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Secret values: stored encrypted in state and never shown. */
  secretVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Leave the first write to the service's first Deployment, which commits
   * these with its source in one patch (DEP-6): pass this resource's
   * `variables` and `secretVariables` to its `firstDeploy`. @default false
   */
  deferToDeploy?: pulumi.Input<boolean>;
  /**
   * Seal the secret variables (VAR-8): the first deploy's patch writes them
   * sealed, and Railway then passes them to builds and deployments but never
   * shows them again, in its dashboard or its API. A sealed value cannot be read
   * back, so refresh keeps the state's. Needs `deferToDeploy`. @default false
   */
  sealSecrets?: pulumi.Input<boolean>;
}

export interface VariablesInputs {
  projectId: string;
  environmentId: string;
  /** Undefined: the environment's shared variables (VAR-2). */
  serviceId?: string;
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  deferToDeploy?: boolean;
  sealSecrets?: boolean;
}

/**
 * VAR-1: a change to deferred variables written with Railway's own redeploy,
 * once: `id` names this write, `after` the deployment that was newest before
 * it. The service's Deployment waits for the deployment it started instead of
 * deploying again (one mutation for a one-variable change).
 */
export interface DeployedWrite {
  id: string;
  after?: string;
}

export interface VariablesOutputs extends VariablesInputs {
  deployedWrite?: DeployedWrite;
}

const VARIABLES_UPSERT = railwayOperation(`
mutation variableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}`);

export const VARIABLES_READ = railwayOperation(`
query variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}`);

const VARIABLE_DELETE = railwayOperation(`
mutation variableDelete($input: VariableDeleteInput!) {
  variableDelete(input: $input)
}`);

function allOf(inputs: VariablesInputs): Record<string, string> {
  return { ...(inputs.variables ?? {}), ...(inputs.secretVariables ?? {}) };
}

/** Where the variables are: one service's in one environment, or (no `serviceId`) the environment's shared ones (VAR-2). */
function scope(inputs: { projectId: string; environmentId: string; serviceId?: string }) {
  return { projectId: inputs.projectId, environmentId: inputs.environmentId, ...(inputs.serviceId ? { serviceId: inputs.serviceId } : {}) };
}

/** Writes `values`, without deploying unless `deploy` (VAR-1); `secrets` are kept out of any error. */
export async function upsertVariables(
  where: { projectId: string; environmentId: string; serviceId?: string },
  values: Record<string, string>,
  secrets: readonly string[],
  deploy = false,
): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await railwayClient().request(
    VARIABLES_UPSERT,
    { input: { ...scope(where), variables: values, replace: false, skipDeploys: !deploy } },
    { secrets },
  );
}

const upsert = (inputs: VariablesInputs, values: Record<string, string>) =>
  upsertVariables(inputs, values, Object.values(inputs.secretVariables ?? {}));

async function remove(inputs: VariablesInputs, names: string[]): Promise<void> {
  // Railway has no bulk delete.
  for (const name of names) {
    await deleteIfPresent(() => railwayClient().request(VARIABLE_DELETE, { input: { ...scope(inputs), name } }));
  }
}

/**
 * One group of variables (`variables`, `secretVariables`) as Railway takes it:
 * names of letters, digits and `_`, string values. A failure names the place
 * (`<at>.<NAME>`), never a value, which may be secret.
 */
export function variableFailures(at: string, values: Record<string, unknown> | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (!VARIABLE_NAME.test(name))
      failures.push({ property: `${at}.${name}`, reason: "variable names are letters, digits and `_`, not starting with a digit" });
    if (typeof value !== "string") failures.push({ property: `${at}.${name}`, reason: "variable values are strings" });
  }
  return failures;
}

export function checkVariables(news: VariablesInputs): CheckFailure[] {
  const failures = requireStrings(
    news as unknown as Record<string, unknown>,
    news.serviceId === undefined ? ["projectId", "environmentId"] : ["projectId", "environmentId", "serviceId"],
  );
  if (news.sealSecrets && !news.deferToDeploy)
    failures.push({
      property: "sealSecrets",
      reason:
        "secrets are sealed by the first deploy's patch (VAR-8): set `deferToDeploy` too, and pass this resource to the Deployment's `firstDeploy`",
    });
  if (news.serviceId === undefined && news.deferToDeploy)
    failures.push({
      property: "deferToDeploy",
      reason: "shared variables (no `serviceId`) have no deploy of their own to wait for; leave `deferToDeploy` out",
    });
  for (const group of ["variables", "secretVariables"] as const) failures.push(...variableFailures(group, news[group]));
  for (const name of Object.keys(news.variables ?? {})) {
    if (news.secretVariables && name in news.secretVariables) {
      failures.push({ property: `variables.${name}`, reason: "declared both plain and secret; keep it in `secretVariables` only" });
    }
  }
  return failures;
}

export const variablesProvider: dynamic.ResourceProvider<VariablesInputs & { deployedWrite?: DeployedWrite }, VariablesOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    return { inputs: news, failures: checkVariables(news) };
  },

  async diff(_id, olds, news) {
    return diffOf<VariablesInputs>(olds, news, {
      replace: ["projectId", "environmentId", "serviceId"],
      update: ["variables", "secretVariables"],
    });
  },

  async create(inputs) {
    // DEP-6: deferred values are written by the first deploy's patch.
    if (!inputs.deferToDeploy) await upsert(inputs, allOf(inputs));
    return { id: `${inputs.serviceId ?? "shared"}:${inputs.environmentId}`, outs: inputs };
  },

  async read(id, props) {
    const olds = props as VariablesOutputs;
    const found = await unlessGone(() => railwayClient().request<{ variables: Record<string, string> }>(VARIABLES_READ, scope(olds)));
    if (!found) return {};
    // Only the keys this resource owns are compared; others belong to someone else.
    const pick = (group: Record<string, string> | undefined) =>
      group &&
      Object.fromEntries(
        Object.keys(group)
          .filter((k) => k in found.variables)
          .map((k) => [k, found.variables[k]]),
      );
    // VAR-8: a sealed value cannot be read back; the state's stands for it.
    const secretVariables = olds.sealSecrets ? olds.secretVariables : pick(olds.secretVariables);
    return { id, props: { ...olds, variables: pick(olds.variables), secretVariables } };
  },

  async update(_id, olds, news) {
    const before = allOf(olds);
    const after = allOf(news);
    const changed = Object.fromEntries(Object.entries(after).filter(([k, v]) => !sameValue(before[k], v)));
    let deployedWrite = olds.deployedWrite;
    if (news.deferToDeploy && news.serviceId && Object.keys(changed).length) {
      // VAR-1: the service's Deployment follows; Railway's own redeploy is that deploy.
      const where = { serviceId: news.serviceId, environmentId: news.environmentId };
      const newest = await unlessGone(() => latestDeployment(where));
      await upsertVariables(news, changed, Object.values(news.secretVariables ?? {}), true);
      deployedWrite = { id: globalThis.crypto.randomUUID(), ...(newest?.id ? { after: newest.id } : {}) };
    } else await upsert(news, changed);
    await remove(
      news,
      Object.keys(before).filter((k) => !(k in after)),
    );
    return { outs: { ...news, ...(deployedWrite ? { deployedWrite } : {}) } };
  },

  async delete(_id, props) {
    const owned = Object.keys(allOf(props));
    const found = await unlessGone(() => railwayClient().request<{ variables: Record<string, string> }>(VARIABLES_READ, scope(props)));
    if (!found) return; // the service is gone, and its variables with it
    const present = Object.keys(found.variables);
    if (present.length > 1 && present.every((name) => owned.includes(name))) {
      // Every variable is ours: one replace with nothing clears them all, where
      // per-key deletes would cost one mutation each (Railway has no bulk delete).
      await railwayClient().request(VARIABLES_UPSERT, { input: { ...scope(props), variables: {}, replace: true, skipDeploys: true } });
      return;
    }
    await remove(
      props,
      owned.filter((name) => present.includes(name)),
    );
  },
};

/**
 * The variables of one Railway service in one environment.
 *
 * ```ts
 * new Variables("api-vars", {
 *   projectId, environmentId, serviceId: api.serviceId,
 *   variables: { DATABASE_URL: "${{Postgres.DATABASE_URL}}" },
 *   secretVariables: { SERPAPI_KEY: config.requireSecret("serpapiKey") },
 * });
 * ```
 */
export class Variables extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Variables;
  declare readonly variables: pulumi.Output<Record<string, string> | undefined>;
  declare readonly secretVariables: pulumi.Output<Record<string, string> | undefined>;
  /** VAR-1: the last change written with Railway's redeploy, for the service's Deployment to wait on. */
  declare readonly deployedWrite: pulumi.Output<DeployedWrite | undefined>;
  declare readonly sealSecrets: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: VariablesArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      secretVariables: args.secretVariables === undefined ? undefined : pulumi.secret(args.secretVariables),
    };
    super(
      variablesProvider,
      name,
      { deployedWrite: undefined, ...props },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "secretVariables"] },
      RAILWAY_MODULE,
      "Variables",
    );
  }
}
