// The emulator's answers about projects and their environments (PROJ, ENV).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomUUID } from "node:crypto";
import type { ProjectRecord, RailwayEmulator, Resolvers } from "../emulator";
import { alreadyExists, connection, notAuthorized, now } from "../answers";

export function projectsResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // ERR-3: a missing project is "Project not found"
    project: ({ id }) => emu.projectView(emu.requireProject(id)),
    projects: ({ workspaceId }) =>
      connection([...s.projects.values()].filter((p) => !workspaceId || p.workspaceId === workspaceId).map((p) => emu.projectView(p))),
    projectCreate: ({ input }) => {
      // AUTH-2: a project token is scoped to one environment of an existing project.
      if (emu.usingProjectToken) throw notAuthorized();
      const project: ProjectRecord = {
        id: randomUUID(),
        name: input.name ?? "new-project",
        description: input.description ?? undefined,
        workspaceId: input.workspaceId ?? emu.workspaceId,
        createdAt: now(),
      };
      s.projects.set(project.id, project);
      emu.createEnvironment(project.id, input.defaultEnvironmentName ?? "production");
      return emu.projectView(project);
    },
    // PROJ-1: rename and describe
    projectUpdate: ({ id, input }) => {
      const project = emu.requireProject(id);
      if (input.name != null) project.name = input.name;
      if (input.description !== undefined) project.description = input.description ?? undefined;
      return emu.projectView(project);
    },
    // ERR-3: deleting a missing project is "Project not found"
    projectDelete: ({ id }) => {
      emu.requireProject(id);
      emu.deleteProject(id);
      return true;
    },
    // ENV-2: an environment names its fork source
    environment: ({ id }) => emu.environmentView(emu.requireEnvironment(id)),
    environments: ({ projectId }) => {
      emu.requireProject(projectId);
      return connection([...s.environments.values()].filter((e) => e.projectId === projectId).map((e) => emu.environmentView(e)));
    },
    environmentCreate: ({ input }) => {
      if (emu.usingProjectToken) throw notAuthorized(); // AUTH-2
      emu.requireProject(input.projectId);
      if ([...s.environments.values()].some((e) => e.projectId === input.projectId && e.name === input.name)) {
        throw alreadyExists(`An environment named "${input.name}" already exists in this project`); // ERR-2 (message assumed)
      }
      const source = input.sourceEnvironmentId ? emu.requireEnvironment(input.sourceEnvironmentId) : undefined;
      return emu.environmentView(emu.createEnvironment(input.projectId, input.name, source, input.skipInitialDeploys ?? false));
    },
    // ENV-2: deleting an environment removes its instances
    environmentDelete: ({ id }) => {
      emu.requireEnvironment(id);
      emu.deleteEnvironment(id);
      return true;
    },
  };
}
