// The emulator's answers about variables, a service's and the environment's shared ones (VAR).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import type { RailwayEmulator, Resolvers } from "../emulator";
import { renderReferences } from "../containers";

export function variablesResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // VAR-2: per service and environment, or shared
    // VAR-3: `unrendered: true` gives the references as written; without it they are rendered.
    variables: ({ environmentId, serviceId, unrendered }) => {
      emu.requireEnvironment(environmentId);
      if (serviceId) emu.requireService(serviceId);
      const raw = Object.fromEntries(s.variables.get(`${environmentId}:${serviceId ?? "shared"}`) ?? new Map()) as Record<string, string>;
      if (unrendered || !serviceId) return raw;
      const lookup = emu.referenceLookup(serviceId, environmentId);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, renderReferences(v, lookup)]));
    },
    variableCollectionUpsert: ({ input }) => {
      emu.requireProject(input.projectId);
      emu.requireEnvironment(input.environmentId);
      if (input.serviceId) emu.requireService(input.serviceId);
      const key = `${input.environmentId}:${input.serviceId ?? "shared"}`;
      const vars = input.replace ? new Map<string, string>() : (s.variables.get(key) ?? new Map<string, string>());
      for (const [name, value] of Object.entries(input.variables as Record<string, string>)) vars.set(name, String(value));
      s.variables.set(key, vars);
      // VAR-1: Railway redeploys a service whose variables change unless told not to (when it has something to deploy).
      const instance = input.serviceId ? emu.instance(input.serviceId, input.environmentId) : undefined;
      if (!input.skipDeploys && instance?.connected) emu.deploy(input.serviceId, input.environmentId, "variables");
      return true;
    },
    // VAR-2: one variable of a service or shared
    variableDelete: ({ input }) => {
      emu.requireEnvironment(input.environmentId);
      if (input.serviceId) emu.requireService(input.serviceId);
      s.variables.get(`${input.environmentId}:${input.serviceId ?? "shared"}`)?.delete(input.name);
      return true;
    },
  };
}
