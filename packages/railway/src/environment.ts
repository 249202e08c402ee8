// A Railway environment, adopted by name when it exists (every project has
// `production`) and created otherwise. Only a created environment is deleted.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isAlreadyExists, railwayOperation } from "./client";
import { CheckFailure, compact, deleteIfPresent, diffOf, requireStrings, unlessGone } from "./common";
import { DataGuardInputs, deleteUnlessHeld, described, guardReplace, hold } from "./holdings";
import { configureFromStack, railwayClient, resolveCredentials } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface EnvironmentArgs {
  /** The project the environment belongs to; changing it replaces the environment. */
  projectId: pulumi.Input<string>;
  /** The environment's name (`production`, `staging`); changing it replaces the environment. */
  name: pulumi.Input<string>;
  /** When created, copy services, variables and settings from this environment. */
  sourceEnvironmentId?: pulumi.Input<string>;
  /**
   * Create it as a fork of the environment with this name (ENV-2): settings
   * changed in a non-fork environment never reach a fork, so two stacks can
   * share one project safely (SVC-5). Ignored when the environment exists.
   */
  forkOf?: pulumi.Input<string>;
  /** Allow this update to replace the environment (deleting it, if Trestle created it). @default false */
  allowReplace?: pulumi.Input<boolean>;
}

export interface EnvironmentInputs extends DataGuardInputs {
  projectId: string;
  name: string;
  sourceEnvironmentId?: string;
  forkOf?: string;
}

export interface EnvironmentOutputs extends EnvironmentInputs {
  environmentId: string;
  /** True when Trestle created the environment (and so deletes it on destroy). */
  created: boolean;
  /** Which resource holds the environment (holdings.ts): a replaced resource never deletes it. */
  holder?: string;
}

interface EnvironmentNode {
  id: string;
  name: string;
  projectId: string;
}

const ENVIRONMENT_CREATE = railwayOperation(`
mutation environmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) { id name projectId }
}`);

export const ENVIRONMENTS_LIST = railwayOperation(`
query environments($projectId: String!) {
  environments(projectId: $projectId, first: 500) { edges { node { id name projectId } } }
}`);

const ENVIRONMENT_READ = railwayOperation(`
query environment($id: String!) {
  environment(id: $id) { id name projectId deletedAt }
}`);

const ENVIRONMENT_DELETE = railwayOperation(`
mutation environmentDelete($id: String!) {
  environmentDelete(id: $id)
}`);

async function findByName(projectId: string, name: string): Promise<EnvironmentNode | undefined> {
  const data = await railwayClient().request<{ environments: { edges: { node: EnvironmentNode }[] } }>(ENVIRONMENTS_LIST, { projectId });
  return data.environments.edges.map((e) => e.node).find((env) => env.name === name);
}

export const environmentProvider: dynamic.ResourceProvider<EnvironmentInputs, EnvironmentOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = requireStrings(news as unknown as Record<string, unknown>, ["projectId", "name"]);
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return guardReplace(
      diffOf<EnvironmentOutputs>(olds, news, { replace: ["projectId", "name"], update: [] }),
      news,
      `${described("the Railway environment", olds.name, olds.environmentId)} with its services' deployments and volumes`,
      olds.projectId !== news.projectId
        ? "It follows its project: keep the project (see the project's own refusal), or add `environment` to `trestle:allowReplace` with `project` for this one update."
        : `To keep it, set \`trestle:railway.environment\` back to \`${olds.name}\`. To replace it on purpose, add \`environment\` to \`trestle:allowReplace\` for this one update.`,
    );
  },

  async create(inputs) {
    const existing = await findByName(inputs.projectId, inputs.name);
    if (existing)
      return { id: existing.id, outs: { ...inputs, environmentId: existing.id, created: false, holder: hold("Environment", existing.id) } };
    // AUTH-2: a project token is scoped to one existing environment.
    if (resolveCredentials().kind === "project") {
      throw new Error(
        `a Railway project token cannot create environment \`${inputs.name}\` (it is scoped to one existing environment): ` +
          "use an account or workspace token, or name the token's own environment in `trestle:railway.environment`",
      );
    }
    let sourceEnvironmentId = inputs.sourceEnvironmentId;
    if (!sourceEnvironmentId && inputs.forkOf) {
      const source = await findByName(inputs.projectId, inputs.forkOf);
      if (!source)
        throw new Error(`environment \`${inputs.forkOf}\` (forkOf) does not exist in project ${inputs.projectId}; deploy that stack first`);
      sourceEnvironmentId = source.id;
    }
    const adopt = async () => {
      const found = await findByName(inputs.projectId, inputs.name);
      return found ? { environmentCreate: found } : undefined;
    };
    let node: EnvironmentNode;
    try {
      ({ environmentCreate: node } = await railwayClient().request<{ environmentCreate: EnvironmentNode }>(
        ENVIRONMENT_CREATE,
        {
          input: compact({
            projectId: inputs.projectId,
            name: inputs.name,
            sourceEnvironmentId,
            skipInitialDeploys: sourceEnvironmentId ? true : undefined,
          }),
        },
        { adopt },
      ));
    } catch (error) {
      // Created concurrently (or by a lost earlier attempt): names are unique per project.
      const adopted = isAlreadyExists(error) ? await adopt() : undefined;
      if (!adopted) throw error;
      node = adopted.environmentCreate;
    }
    return { id: node.id, outs: { ...inputs, environmentId: node.id, created: true, holder: hold("Environment", node.id) } };
  },

  async read(id, props) {
    const found = await unlessGone(() =>
      railwayClient().request<{ environment: EnvironmentNode & { deletedAt?: string | null } }>(ENVIRONMENT_READ, { id }),
    );
    if (!found || found.environment.deletedAt) return {};
    return { id, props: { ...(props as EnvironmentOutputs), name: found.environment.name, environmentId: id } };
  },

  async delete(id, props) {
    if (!props.created) return; // adopted environments (like `production`) belong to the project
    await deleteUnlessHeld("Environment", id, props.holder, () =>
      deleteIfPresent(() => railwayClient().request(ENVIRONMENT_DELETE, { id })),
    );
  },
};

/**
 * A Railway environment in a project.
 *
 * ```ts
 * const env = new Environment("staging", { projectId: project.projectId, name: "staging" });
 * ```
 */
export class Environment extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Environment;
  declare readonly environmentId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly created: pulumi.Output<boolean>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(environmentProvider, name, { environmentId: undefined, created: undefined, ...args }, opts, RAILWAY_MODULE, "Environment");
  }
}
