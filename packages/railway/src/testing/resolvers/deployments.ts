// The emulator's answers about deployments, their triggers, logs and workflows, and the environment patch (DEP).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomUUID } from "node:crypto";
import type { TriggerRecord, RailwayEmulator, Resolvers } from "../emulator";
import { badInput, connection, notFound } from "../answers";

export function deploymentsResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // DEP-5: one list answers for every deployment of an environment (newest first).
    deployments: ({ input, first }) => {
      const list = [...s.deployments.values()]
        .filter(
          (d) =>
            (!input.environmentId || d.environmentId === input.environmentId) &&
            (!input.serviceId || d.serviceId === input.serviceId) &&
            (!input.projectId || d.projectId === input.projectId),
        )
        .reverse()
        .slice(0, first ?? 50);
      return connection(list.map((d) => emu.deploymentView(emu.advance(d))));
    },
    // DEP-2: a status poll moves a deployment one step on
    deployment: ({ id }) => {
      const d = s.deployments.get(id);
      if (!d) throw notFound("Deployment");
      return emu.deploymentView(emu.advance(d));
    },
    // DEP-10: a workflow runs for one status read, then completes (or ended in Error at once).
    workflowStatus: ({ workflowId }) => {
      const workflow = emu.workflows.get(workflowId);
      if (!workflow) return { status: "NotFound", error: null };
      if (workflow.status === "Running" && workflow.polls++ >= 1) workflow.status = "Complete";
      return { status: workflow.status, error: workflow.error ?? null };
    },
    // DEP-2: the runtime log a CRASHED deploy is reported with
    deploymentLogs: ({ deploymentId, limit }) => emu.logs(deploymentId, "logs", limit),
    buildLogs: ({ deploymentId, limit }) => emu.logs(deploymentId, "buildLogs", limit),
    deploymentTriggers: ({ environmentId, serviceId }) =>
      connection([...s.triggers.values()].filter((t) => t.environmentId === environmentId && t.serviceId === serviceId)),
    // DEP-6: one patch of an environment's config, applied at once; every service it touches that has a source deploys
    environmentPatchCommit: ({ environmentId, patch }) => {
      emu.requireEnvironment(environmentId);
      // DEP-10: the commit answers a workflow id; a failed workflow applies nothing.
      const failure = emu.workflowFailures.shift();
      if (failure !== undefined) {
        const id = randomUUID();
        emu.workflows.set(id, { status: "Error", error: failure, polls: 0 });
        return id;
      }
      const config = (patch ?? {}) as {
        services?: Record<string, Record<string, unknown>>;
        buckets?: Record<string, { region?: string; isCreated?: boolean; isDeleted?: boolean }>;
      } & Record<string, unknown>;
      // PRE-4: a repository the GitHub app cannot see fails the workflow, and nothing is applied.
      const blocked = Object.values(config.services ?? {})
        .map((changes) => changes.source as { repo?: string; branch?: string } | undefined)
        .map((source) => emu.unreachable(source?.repo, source?.branch))
        .find(Boolean);
      if (blocked) {
        const id = randomUUID();
        emu.workflows.set(id, { status: "Error", error: blocked, polls: 0 });
        return id;
      }
      const unmodelled = Object.keys(config).filter((k) => k !== "services" && k !== "buckets");
      if (unmodelled.length) throw badInput(`the emulator does not model \`${unmodelled.join("`, `")}\` in an environment patch`);
      const touched = Object.entries(config.services ?? {}).map(([serviceId, changes]) => {
        const service = emu.requireService(serviceId);
        const instance = emu.requireInstance(serviceId, environmentId);
        emu.applyServicePatch(service, instance, changes);
        return instance;
      });
      // BKT-2: buckets deploy into (or leave) the environment with the same commit.
      if (config.buckets) emu.applyBucketPatch(environmentId, config.buckets);
      for (const instance of touched) if (instance.connected) emu.deploy(instance.serviceId, environmentId, "connect");
      const workflowId = randomUUID();
      emu.workflows.set(workflowId, { status: "Running", polls: 0 });
      return workflowId;
    },
    // DEP-3: a removed deployment stops
    deploymentRemove: ({ id }) => {
      const d = s.deployments.get(id);
      if (!d) throw notFound("Deployment");
      d.status = "REMOVED";
      return true;
    },
    // SVC-3: triggers follow a connected repo
    deploymentTriggerCreate: ({ input }) => {
      emu.requireService(input.serviceId);
      const trigger: TriggerRecord = { id: randomUUID(), ...input };
      s.triggers.set(trigger.id, trigger);
      return trigger;
    },
    // SVC-3: triggers follow a connected repo
    deploymentTriggerUpdate: ({ id, input }) => {
      const trigger = s.triggers.get(id);
      if (!trigger) throw notFound("DeploymentTrigger");
      Object.assign(trigger, Object.fromEntries(Object.entries(input).filter(([, v]) => v != null)));
      return trigger;
    },
    // SVC-3: triggers follow a connected repo
    deploymentTriggerDelete: ({ id }) => {
      if (!s.triggers.delete(id)) throw notFound("DeploymentTrigger");
      return true;
    },
    serviceInstanceDeployV2: ({ serviceId, environmentId }) => {
      emu.requireService(serviceId);
      return emu.deploy(serviceId, environmentId, "api").id; // DEP-1
    },
  };
}
