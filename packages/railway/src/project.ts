// A Railway project: created by Trestle, or an existing one adopted by id.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, compact, deleteIfPresent, diffOf, unlessGone } from "./common";
import { DataGuardInputs, deleteUnlessHeld, described, guardReplace, hold } from "./holdings";
import { provenMarker, provesOwner } from "./ownership";
import { configureFromStack, railwayClient, resolveCredentials } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface ProjectArgs {
  /** The project's name in Railway. */
  name: pulumi.Input<string>;
  /** Free text shown in the dashboard. */
  description?: pulumi.Input<string>;
  /**
   * Workspace to create the project in. Naming the workspace the project is
   * already in changes nothing; naming another replaces the project, which
   * deletes it and everything in it, so it is refused unless `allowReplace`.
   */
  workspaceId?: pulumi.Input<string>;
  /**
   * Adopt this existing project instead of creating one. An adopted project is
   * never deleted by Trestle. Naming the project this resource already holds
   * (a stack that switches from `project:` to `projectId:`) changes nothing;
   * naming another replaces the resource, refused unless `allowReplace`.
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
  /** Allow this update to replace the project (deleting it, if Trestle created it). @default false */
  allowReplace?: pulumi.Input<boolean>;
}

export interface ProjectInputs extends DataGuardInputs {
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
  /** The workspace the project is in, as Railway reports it. */
  workspace?: string;
  /** Which resource holds the project (holdings.ts): a replaced resource never deletes it. */
  holder?: string;
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

export { ownerMarker } from "./ownership";

/**
 * The description Railway stores: the user's text and, with an owner, the
 * owner's marker: proven over the project's id once it has one (ownership.ts),
 * and before that carrying the create attempt's nonce.
 */
async function descriptionOf(inputs: ProjectInputs, at: { id: string } | { nonce: string }): Promise<string | undefined> {
  if (!inputs.owner) return inputs.description;
  const marker = "id" in at ? await provenMarker(inputs.owner, at.id) : `[trestle:${inputs.owner}~${at.nonce}]`;
  return `${inputs.description ?? "Managed by Trestle"} ${marker}`;
}

async function listByName(name: string, workspaceId: string | undefined): Promise<ProjectNode[]> {
  const data = await railwayClient().request<{ projects: { edges: { node: ProjectNode }[] } }>(PROJECTS_LIST, { workspaceId });
  return data.projects.edges.map((e) => e.node).filter((p) => p.name === name && !p.deletedAt);
}

function outputsOf(inputs: ProjectInputs, node: ProjectNode, created: boolean, holder: string | undefined): ProjectOutputs {
  return compact({ ...inputs, projectId: node.id, created, name: node.name, workspace: node.workspaceId ?? undefined, holder });
}

/** The project's workspace: as recorded, else as Railway reports it (state written before it was recorded). */
async function workspaceOf(olds: ProjectOutputs): Promise<string | undefined> {
  if (olds.workspace ?? olds.workspaceId) return olds.workspace ?? olds.workspaceId;
  if (typeof olds.projectId !== "string") return undefined;
  try {
    const { project } = await railwayClient().request<{ project: ProjectNode }>(PROJECT_READ, { id: olds.projectId });
    return project.workspaceId ?? undefined;
  } catch {
    return undefined; // unknown: the change is judged a replacement, and refused without the opt-in
  }
}

/**
 * The replace-triggering inputs that name another object than the one held.
 * Naming the held project by id, or its own workspace, only re-describes it
 * (before this rule, a stack that switched from `project:` to `projectId:`
 * replaced the project: the new resource adopted the same id, and the old
 * one's delete then removed the live project and its volumes).
 */
async function realReplaces(olds: ProjectOutputs, news: ProjectInputs, replaces: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const key of replaces) {
    if (key === "existingProjectId" && news.existingProjectId !== undefined && news.existingProjectId === olds.projectId) continue;
    // Dropping the workspace from the config moves nothing either.
    if (key === "workspaceId" && (news.workspaceId === undefined || news.workspaceId === (await workspaceOf(olds)))) continue;
    kept.push(key);
  }
  return kept;
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
    const diff = diffOf<ProjectOutputs>(olds, news, {
      replace: ["existingProjectId", "workspaceId"],
      update: ["name", "description", "owner"],
    });
    // A re-description stays a change: the update records the new inputs and sends nothing.
    const replaces = await realReplaces(olds, news, diff.replaces ?? []);
    return guardReplace(
      { ...diff, replaces, stables: ["existingProjectId", "workspaceId"].filter((k) => !replaces.includes(k)) },
      news,
      described("the Railway project", olds.name, olds.projectId),
      olds.existingProjectId || news.existingProjectId
        ? `To keep it, set \`trestle:railway.projectId\` back to \`${olds.projectId}\`. To move the stack to another project on purpose, add \`project\` to \`trestle:allowReplace\` for this one update.`
        : `To keep it, undo the change${olds.workspace ? ` (its workspace is \`${olds.workspace}\`; \`trestle:railway.projectId: ${olds.projectId}\` names it)` : ""}. To replace it on purpose, add \`project\` to \`trestle:allowReplace\` for this one update.`,
    );
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
      const outs = outputsOf(inputs, project, false, hold("Project", project.id));
      return { id: project.id, outs };
    }
    // PROJ-2: project names are not unique in Railway. With an owner, the project an
    // interrupted run created (even one whose state was never saved) carries the
    // owner's proof over its own id, and is adopted instead of created twice. A
    // marker without a proof that verifies is someone else's (ownership.ts).
    const named = await listByName(inputs.name, inputs.workspaceId);
    const proven: ProjectNode[] = [];
    for (const p of named) if (inputs.owner && (await provesOwner(p.description, inputs.owner, p.id))) proven.push(p);
    const existing = proven.sort((a, b) => a.id.localeCompare(b.id))[0];
    if (existing) return { id: existing.id, outs: outputsOf(inputs, existing, true, hold("Project", existing.id)) };
    // A lost answer is recognised by this attempt's nonce, which nobody could
    // know before the project existed; two projects carrying it prove nothing.
    const before = new Set(named.map((p) => p.id));
    const nonce = globalThis.crypto.randomUUID();
    const description = await descriptionOf(inputs, { nonce });
    const { projectCreate } = await client.request<{ projectCreate: ProjectNode }>(
      PROJECT_CREATE,
      {
        input: compact({
          name: inputs.name,
          description,
          workspaceId: inputs.workspaceId,
          defaultEnvironmentName: inputs.defaultEnvironmentName,
        }),
      },
      {
        adopt: async () => {
          const fresh = (await listByName(inputs.name, inputs.workspaceId)).filter(
            (p) => !before.has(p.id) && (!inputs.owner || p.description === description),
          );
          return fresh.length === 1 ? { projectCreate: fresh[0] } : undefined;
        },
      },
    );
    if (!inputs.owner) return { id: projectCreate.id, outs: outputsOf(inputs, projectCreate, true, hold("Project", projectCreate.id)) };
    // The proof needs the id, so it is written once the project exists.
    const { projectUpdate } = await client.request<{ projectUpdate: ProjectNode }>(PROJECT_UPDATE, {
      id: projectCreate.id,
      input: { description: await descriptionOf(inputs, { id: projectCreate.id }) },
    });
    const node = { ...projectCreate, ...projectUpdate, workspaceId: projectCreate.workspaceId };
    return { id: node.id, outs: outputsOf(inputs, node, true, hold("Project", node.id)) };
  },

  async read(id, props) {
    const found = await unlessGone(() => railwayClient().request<{ project: ProjectNode }>(PROJECT_READ, { id }));
    if (!found || found.project.deletedAt) return {};
    const olds = props as ProjectOutputs;
    return { id, props: outputsOf(olds, found.project, olds.created, olds.holder) };
  },

  async update(id, olds, news) {
    const described = news.description !== olds.description || news.owner !== olds.owner;
    const input = compact({
      name: news.name !== olds.name ? news.name : undefined,
      description: described ? ((await descriptionOf(news, { id })) ?? "") : undefined,
    });
    // A re-description (the project named by its id, or its own workspace) sends nothing.
    // `created` stays: a project this stack made is still its own.
    const node: ProjectNode = Object.keys(input).length
      ? (await railwayClient().request<{ projectUpdate: ProjectNode }>(PROJECT_UPDATE, { id, input })).projectUpdate
      : { id, name: olds.name, workspaceId: olds.workspace };
    return { outs: outputsOf(news, { ...node, workspaceId: node.workspaceId ?? olds.workspace }, olds.created, olds.holder) };
  },

  async delete(id, props) {
    if (!props.created) return; // adopted projects belong to someone else
    await deleteUnlessHeld("Project", id, props.holder, () => deleteIfPresent(() => railwayClient().request(PROJECT_DELETE, { id })));
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
