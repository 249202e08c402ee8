// The emulator's answers about the token's account: its workspaces and plans, and what Railway's GitHub app sees (PRE).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import type { RailwayEmulator, Resolvers } from "../emulator";
import { internal, notFound } from "../answers";

export function accountResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // PRE-1: the workspaces an account or workspace token reaches
    apiToken: () => ({ workspaces: emu.workspaces.map(({ id, name }) => ({ id, name })) }),
    // PRE-1: a project token's own project and environment
    projectToken: () => {
      const scope =
        emu.projectTokenScope ??
        (() => {
          const environment = [...s.environments.values()][0];
          if (!environment) throw notFound("ProjectToken");
          return { projectId: environment.projectId, environmentId: environment.id };
        })();
      return { id: "emulator-project-token", ...scope };
    },
    // PRE-3: a workspace's plan.
    workspace: ({ workspaceId }) => {
      const workspace = emu.workspaces.find((w) => w.id === workspaceId);
      if (!workspace) throw internal("Not Authorized");
      return { id: workspace.id, name: workspace.name, plan: workspace.plan };
    },
    // PRE-4: whether Railway's GitHub app sees the repository
    gitHubRepoAccessAvailable: ({ fullRepoName }) => ({
      hasAccess: !emu.github || emu.branchesOf(fullRepoName) !== undefined,
      isPublic: false,
    }),
    // PRE-4: the branches of a repository Railway's GitHub app sees
    githubRepoBranches: ({ owner, repo }) => {
      if (!emu.github) return [{ name: "main" }];
      const branches = emu.branchesOf(`${owner}/${repo}`);
      if (!branches) throw internal("Not Found");
      return branches.map((name) => ({ name }));
    },
  };
}
