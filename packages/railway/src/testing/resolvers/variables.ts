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
      const key = `${environmentId}:${serviceId ?? "shared"}`;
      // VAR-8: a sealed value is never retrieved through the API (the emulator leaves it out; assumed).
      const raw = Object.fromEntries(
        [...(s.variables.get(key) ?? new Map<string, string>())].filter(([name]) => !s.sealed.has(`${key}:${name}`)),
      );
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
      // A replace drops what it does not name, seal and all; a sealed variable written again stays sealed (VAR-8).
      if (input.replace)
        for (const sealed of [...s.sealed])
          if (sealed.startsWith(`${key}:`) && !vars.has(sealed.slice(key.length + 1))) s.sealed.delete(sealed);
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
      const key = `${input.environmentId}:${input.serviceId ?? "shared"}`;
      s.variables.get(key)?.delete(input.name);
      s.sealed.delete(`${key}:${input.name}`);
      return true;
    },
  };
}
