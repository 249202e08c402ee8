// A Railway project: created by Trestle, or an existing one adopted by id.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, compact, deleteIfPresent, diffOf, unlessGone } from "./common";
import { configureFromStack, railwayClient, resolveCredentials } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface ProjectArgs {
  /** The project's name in Railway. */
  name: pulumi.Input<string>;
  /** Free text shown in the dashboard. */
  description?: pulumi.Input<string>;
  /** Workspace to create the project in; changing it replaces the project. */
  workspaceId?: pulumi.Input<string>;
  /**
   * Adopt this existing project instead of creating one. An adopted project is
   * never deleted by Trestle; changing it replaces the resource.
   */
  existingProjectId?: pulumi.Input<string>;
  /**
   * The name of the environment Railway creates with the project (PROJ-1), so
   * that a stack's own project has exactly the one environment it deploys.
   * @default "production"
   */
  defaultEnvironmentName?: pulumi.Input<string>;
  /**
   * Who owns the project (`<pulumi project>/<stack>`): stored in its description
   * as a marker, so a later run recognises the project an interrupted run made
   * (project names are not unique in Railway).
   */
  owner?: pulumi.Input<string>;
}

export interface ProjectInputs {
  name: string;
  description?: string;
  workspaceId?: string;
  existingProjectId?: string;
  defaultEnvironmentName?: string;
  owner?: string;
}

export interface ProjectOutputs extends ProjectInputs {
  projectId: string;
  /** True when Trestle created the project (and so deletes it on destroy). */
  created: boolean;
}

interface ProjectNode {
  id: string;
  name: string;
  description?: string | null;
  workspaceId?: string | null;
  deletedAt?: string | null;
}

const PROJECT_CREATE = railwayOperation(`
mutation projectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name description workspaceId }
}`);

const PROJECT_READ = railwayOperation(`
query project($id: String!) {
  project(id: $id) { id name description workspaceId deletedAt }
}`);

const PROJECTS_LIST = railwayOperation(`
query projects($workspaceId: String) {
  projects(workspaceId: $workspaceId, first: 500) { edges { node { id name description workspaceId deletedAt } } }
}`);

const PROJECT_UPDATE = railwayOperation(`
mutation projectUpdate($id: String!, $input: ProjectUpdateInput!) {
  projectUpdate(id: $id, input: $input) { id name description }
}`);

const PROJECT_DELETE = railwayOperation(`
mutation projectDelete($id: String!) {
  projectDelete(id: $id)
}`);

/** The marker Trestle stores in the description of a project it creates. */
export function ownerMarker(owner: string): string {
  return `[trestle:${owner}]`;
}

/** The description Railway stores: the user's text and, when an owner is given, the marker. */
function descriptionOf(inputs: ProjectInputs): string | undefined {
  if (!inputs.owner) return inputs.description;
  return `${inputs.description ?? "Managed by Trestle"} ${ownerMarker(inputs.owner)}`;
}

async function listByName(name: string, workspaceId: string | undefined): Promise<ProjectNode[]> {
  const data = await railwayClient().request<{ projects: { edges: { node: ProjectNode }[] } }>(PROJECTS_LIST, { workspaceId });
  return data.projects.edges.map((e) => e.node).filter((p) => p.name === name && !p.deletedAt);
}

function outputsOf(inputs: ProjectInputs, node: ProjectNode, created: boolean): ProjectOutputs {
  return compact({ ...inputs, projectId: node.id, created, name: node.name });
}

export const projectProvider: dynamic.ResourceProvider<ProjectInputs, ProjectOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = [];
    if (typeof news.name !== "string" || !news.name.trim()) {
      failures.push({ property: "name", reason: "`name` is required: the Railway project's name" });
    } else if ([...news.name].length > 100) {
      // Counted in characters (code points), as the config counts them, not UTF-16 units.
      failures.push({ property: "name", reason: "Railway project names are at most 100 characters" });
    } else if (/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u.test(news.name)) {
      failures.push({ property: "name", reason: "a project name holds no control or bidirectional-override characters" });
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return diffOf<ProjectOutputs>(olds, news, {
      replace: ["existingProjectId", "workspaceId"],
      update: ["name", "description", "owner"],
    });
  },

  async create(inputs) {
    const client = railwayClient();
    // AUTH-2: a project token is scoped to one environment of an existing project.
    if (!inputs.existingProjectId && resolveCredentials().kind === "project") {
      throw new Error(
        "a Railway project token cannot create projects (it is scoped to one environment of an existing project): " +
          "use an account or workspace token (`RAILWAY_API_TOKEN`, or `railwayToken` with `railwayTokenKind: account`), " +
          "or adopt the token's project with `trestle:railway.projectId`",
      );
    }
    if (inputs.existingProjectId) {
      const { project } = await client.request<{ project: ProjectNode }>(PROJECT_READ, { id: inputs.existingProjectId });
      const outs = outputsOf(inputs, project, false);
      return { id: project.id, outs };
    }
    // PROJ-2: project names are not unique in Railway. With an owner, the project an
    // interrupted run created (even one whose state was never saved) carries
    // the owner's marker, and is adopted instead of created twice; concurrent
    // runs of one stack converge on the same one (the first by id).
    const marked = async () => {
      if (!inputs.owner) return undefined;
      const mine = (await listByName(inputs.name, inputs.workspaceId)).filter((p) => p.description?.includes(ownerMarker(inputs.owner!)));
      return mine.sort((a, b) => a.id.localeCompare(b.id))[0];
    };
    const existing = await marked();
    if (existing) return { id: existing.id, outs: outputsOf(inputs, existing, true) };
    const before = new Set((await listByName(inputs.name, inputs.workspaceId)).map((p) => p.id));
    const { projectCreate } = await client.request<{ projectCreate: ProjectNode }>(
      PROJECT_CREATE,
      { input: compact({ name: inputs.name, description: descriptionOf(inputs), workspaceId: inputs.workspaceId, defaultEnvironmentName: inputs.defaultEnvironmentName }) },
      {
        adopt: async () => {
          const mine = await marked();
          if (mine) return { projectCreate: mine };
          const fresh = (await listByName(inputs.name, inputs.workspaceId)).filter((p) => !before.has(p.id));
          return fresh.length === 1 ? { projectCreate: fresh[0] } : undefined;
        },
      },
    );
    return { id: projectCreate.id, outs: outputsOf(inputs, projectCreate, true) };
  },

  async read(id, props) {
    const found = await unlessGone(() => railwayClient().request<{ project: ProjectNode }>(PROJECT_READ, { id }));
    if (!found || found.project.deletedAt) return {};
    const outs = outputsOf(props as ProjectOutputs, found.project, (props as ProjectOutputs).created);
    return { id, props: outs };
  },

  async update(id, olds, news) {
    const input = compact({
      name: news.name !== olds.name ? news.name : undefined,
      description: descriptionOf(news) !== descriptionOf(olds) ? (descriptionOf(news) ?? "") : undefined,
    });
    const { projectUpdate } = await railwayClient().request<{ projectUpdate: ProjectNode }>(PROJECT_UPDATE, { id, input });
    return { outs: outputsOf(news, projectUpdate, olds.created) };
  },

  async delete(id, props) {
    if (!props.created) return; // adopted projects belong to someone else
    await deleteIfPresent(() => railwayClient().request(PROJECT_DELETE, { id }));
  },
};

/**
 * A Railway project.
 *
 * ```ts
 * const project = new Project("travel", { name: "travel-backend" });
 * ```
 */
export class Project extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Project;
  declare readonly projectId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly created: pulumi.Output<boolean>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(projectProvider, name, { projectId: undefined, created: undefined, ...args }, opts, RAILWAY_MODULE, "Project");
  }
}
