// The emulator's answers about services, their instances' settings and the private network (SVC, LIM).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomBytes, randomUUID } from "node:crypto";
import type { ServiceRecord, TriggerRecord, RailwayEmulator, Resolvers } from "../emulator";
import { alreadyExists, badInput, INSTANCE_DEFAULTS, notFound, now, SETTING_KEYS } from "../answers";

export function servicesResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // ERR-3: a missing service is "Service not found" (assumed shape)
    service: ({ id }) => emu.serviceView(emu.requireService(id)),
    serviceInstance: ({ serviceId, environmentId }) => {
      emu.requireService(serviceId);
      return emu.instanceView(emu.requireInstance(serviceId, environmentId));
    },
    serviceCreate: ({ input }) => {
      emu.requireProject(input.projectId);
      if (input.environmentId) emu.requireEnvironment(input.environmentId);
      const name = input.name ?? `service-${randomBytes(2).toString("hex")}`;
      if ([...s.services.values()].some((x) => x.projectId === input.projectId && x.name === name)) {
        throw alreadyExists(`A service named "${name}" already exists in this project`); // ERR-2
      }
      const service: ServiceRecord = { id: randomUUID(), projectId: input.projectId, name, createdAt: now() };
      s.services.set(service.id, service);
      // SVC-1: in the given fork only, or in every non-fork environment.
      const envs = input.environmentId
        ? emu.reach(input.projectId, input.environmentId)
        : [...s.environments.values()].filter((e) => e.projectId === input.projectId && !e.sourceEnvironmentId);
      for (const env of envs) {
        const instance = emu.createInstance(service.id, env.id);
        if (emu.lagNewInstances > 0) emu.hiddenInstances.set(`${service.id}:${env.id}`, emu.lagNewInstances);
        if (input.source) {
          // SVC-2: a service created with a source is connected and deploys at once.
          Object.assign(instance, { connected: true });
          instance.settings.source = input.source;
          emu.deploy(service.id, env.id, "connect");
        }
      }
      return emu.serviceView(service);
    },
    // SVC-8: a rename keeps the private endpoint
    serviceUpdate: ({ id, input }) => {
      const service = emu.requireService(id);
      if (input.name) service.name = input.name;
      return emu.serviceView(service);
    },
    // SVC-1: a service is deleted in every environment
    serviceDelete: ({ id }) => {
      emu.requireService(id);
      emu.deleteService(id);
      return true;
    },
    serviceInstanceUpdate: ({ serviceId, environmentId, input }) => {
      const service = emu.requireService(serviceId);
      if (environmentId) emu.requireInstance(serviceId, environmentId);
      // SVC-5 (the schema's reading, the wider of the two): a non-fork environment's update reaches every non-fork one.
      const reached = environmentId ? new Set(emu.reach(service.projectId, environmentId).map((e) => e.id)) : undefined;
      const targets = [...s.instances.values()].filter((i) => i.serviceId === service.id && (!reached || reached.has(i.environmentId)));
      for (const instance of targets) {
        for (const key of SETTING_KEYS) {
          if (!(key in input)) continue;
          // SVC-7: `null` leaves preDeployCommand unchanged; `[]` clears it.
          if (key === "preDeployCommand" && input[key] === null) continue;
          instance.settings[key] =
            key === "preDeployCommand" && Array.isArray(input[key]) && !input[key].length
              ? null
              : (input[key] ?? INSTANCE_DEFAULTS[key] ?? null);
        }
        if ("source" in input) {
          // SVC-4: a source written here is recorded but not connected.
          instance.settings.source = input.source ?? undefined;
          instance.connected = false;
        }
        if ("registryCredentials" in input) instance.registryCredentials = input.registryCredentials ?? undefined;
        if (input.multiRegionConfig) {
          instance.multiRegionConfig = input.multiRegionConfig;
          instance.settings.numReplicas = Object.values(input.multiRegionConfig as Record<string, { numReplicas: number }>).reduce(
            (n, r) => n + r.numReplicas,
            0,
          );
        } else {
          // Railway's quirk: an update that omits numReplicas resets it to 1.
          instance.settings.numReplicas = input.numReplicas ?? 1;
        }
      }
      return true;
    },
    // LIM-1: this environment's instance only; fields not given keep their value.
    serviceInstanceLimitsUpdate: ({ input }) => {
      emu.requireService(input.serviceId);
      const instance = emu.requireInstance(input.serviceId, input.environmentId);
      instance.limits = {
        ...instance.limits,
        ...(input.vCPUs != null ? { vCPUs: input.vCPUs } : {}),
        ...(input.memoryGB != null ? { memoryGB: input.memoryGB } : {}),
      };
      return true;
    },
    // SVC-3: connects a repo (with its branch) or an image to the service, in every environment that has it, and deploys.
    serviceConnect: ({ id, input }) => {
      const service = emu.requireService(id);
      if (!input.repo && !input.image) throw badInput("Give a repo or an image to connect");
      const blocked = emu.unreachable(input.repo, input.branch);
      if (blocked) throw badInput(blocked);
      const instances = [...s.instances.values()].filter((i) => i.serviceId === id);
      for (const instance of instances) {
        instance.settings.source = input.image ? { image: emu.spelled(input.image) } : { repo: input.repo };
        instance.connected = true;
        for (const [key, t] of s.triggers) if (t.serviceId === id && t.environmentId === instance.environmentId) s.triggers.delete(key);
        if (input.repo) {
          const trigger: TriggerRecord = {
            id: randomUUID(),
            projectId: service.projectId,
            environmentId: instance.environmentId,
            serviceId: id,
            repository: input.repo,
            branch: input.branch ?? "main",
            provider: "github",
          };
          s.triggers.set(trigger.id, trigger);
        }
        emu.deploy(id, instance.environmentId, "connect");
      }
      return emu.serviceView(service);
    },
    // SVC-8: one default network per environment, one endpoint per service instance.
    privateNetworks: ({ environmentId }) => {
      const env = emu.requireEnvironment(environmentId);
      return [
        {
          publicId: `net-${env.id}`,
          name: "railway",
          dnsName: "railway",
          deletedAt: null,
          environmentId: env.id,
          projectId: env.projectId,
        },
      ];
    },
    // SVC-8: an instance's endpoint on its environment's network
    privateNetworkEndpoint: ({ environmentId, privateNetworkId, serviceId }) => {
      if (privateNetworkId !== `net-${environmentId}`) throw notFound("PrivateNetwork");
      const instance = emu.instance(serviceId, environmentId);
      return instance ? { dnsName: instance.privateDnsName, deletedAt: null } : null;
    },
  };
}
