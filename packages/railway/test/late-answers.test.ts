// A late answer is never a second request (ERR-5). Every create, commit and
// deploy Trestle sends is held by the emulator past the client's attempt
// deadline, then executed and committed, as a slow Railway would. The client
// must not send it again: it adopts the effect once it shows, or stops and
// says the next run will find it. Either way exactly one request and one
// object (or deploy) result.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customDomainProvider } from "../src/custom-domain";
import { DeploymentInputs, deploymentProvider } from "../src/deployment";
import { environmentProvider } from "../src/environment";
import { projectProvider } from "../src/project";
import { serviceProvider } from "../src/service";
import { serviceDomainProvider } from "../src/service-domain";
import { configureRailway } from "../src/settings";
import { tcpProxyProvider } from "../src/tcp-proxy";
import { RailwayEmulator } from "../src/testing/emulator";
import { variablesProvider } from "../src/variables";
import { volumeProvider } from "../src/volume";
import { FAST_RETRY, create, projectWithEnvironment, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
let projectId: string;
let environmentId: string;
/** The client gives an attempt 300 ms; the emulator holds the request 900 ms, then commits it. */
const DEADLINE_MS = 300;
const HELD_MS = 900;

beforeAll(async () => {
  emulator = await startEmulator();
  ({ projectId, environmentId } = await projectWithEnvironment("late-answers"));
  configureRailway({ retry: { ...FAST_RETRY, attemptTimeoutMs: DEADLINE_MS, maxDelayMs: 100 } });
});
afterAll(() => emulator.stop());

const IMAGE = "ghcr.io/acme/api:1";
const sent = (operation: string, since: number) => emulator.requests.slice(since).filter((r) => r.operation === operation).length;
const newService = async (name = `svc-${Math.random().toString(16).slice(2, 8)}`) =>
  (await create(serviceProvider, { projectId, environmentId, name, image: IMAGE, projectCreated: true })).id;
const deploy = (serviceId: string, triggers: unknown = { v: 1 }): DeploymentInputs => ({
  projectId,
  environmentId,
  serviceId,
  source: { image: IMAGE },
  triggers,
  pollSeconds: 0.01,
  timeoutSeconds: 10,
});

/** Deployments of the service in this environment (a connect starts one in every environment the service is in, SVC-3). */
const deploymentsHere = (serviceId: string) => emulator.deploymentsOf(serviceId).filter((d) => d.environmentId === environmentId).length;

interface Case {
  operation: string;
  /** Runs the provider call whose request is held; returns how many objects of its kind exist after. */
  run: () => Promise<() => number>;
}

const CASES: Case[] = [
  {
    operation: "projectCreate",
    run: async () => {
      const name = `late-${Math.random().toString(16).slice(2, 8)}`;
      await create(projectProvider, { name, owner: `trestle/${name}` }).catch(() => undefined);
      return () => [...emulator.state.projects.values()].filter((p) => p.name === name).length;
    },
  },
  {
    operation: "environmentCreate",
    run: async () => {
      const name = `late-${Math.random().toString(16).slice(2, 8)}`;
      await create(environmentProvider, { projectId, name }).catch(() => undefined);
      return () => [...emulator.state.environments.values()].filter((e) => e.name === name).length;
    },
  },
  {
    operation: "serviceCreate",
    run: async () => {
      const name = `late-${Math.random().toString(16).slice(2, 8)}`;
      await create(serviceProvider, { projectId, environmentId, name, image: IMAGE, projectCreated: true }).catch(() => undefined);
      return () => [...emulator.state.services.values()].filter((s) => s.name === name).length;
    },
  },
  {
    operation: "volumeCreate",
    run: async () => {
      const serviceId = await newService();
      await create(volumeProvider, { projectId, environmentId, serviceId, mountPath: "/data" }).catch(() => undefined);
      return () => [...emulator.state.volumeInstances.values()].filter((v) => v.serviceId === serviceId).length;
    },
  },
  {
    operation: "serviceDomainCreate",
    run: async () => {
      const serviceId = await newService();
      await create(serviceDomainProvider, { projectId, environmentId, serviceId }).catch(() => undefined);
      return () => [...emulator.state.domains.values()].filter((d) => d.serviceId === serviceId && d.kind === "service").length;
    },
  },
  {
    operation: "customDomainCreate",
    run: async () => {
      const serviceId = await newService();
      await create(customDomainProvider, { projectId, environmentId, serviceId, domain: `${serviceId.slice(0, 8)}.example.com` }).catch(
        () => undefined,
      );
      return () => [...emulator.state.domains.values()].filter((d) => d.serviceId === serviceId && d.kind === "custom").length;
    },
  },
  {
    operation: "tcpProxyCreate",
    run: async () => {
      const serviceId = await newService();
      await create(tcpProxyProvider, { environmentId, serviceId, applicationPort: 5432 }).catch(() => undefined);
      return () => [...emulator.state.tcpProxies.values()].filter((p) => p.serviceId === serviceId).length;
    },
  },
  {
    operation: "serviceConnect",
    run: async () => {
      const serviceId = await newService();
      await create(deploymentProvider, deploy(serviceId)).catch(() => undefined);
      return () => deploymentsHere(serviceId);
    },
  },
  {
    operation: "serviceInstanceDeployV2",
    run: async () => {
      const serviceId = await newService();
      const state = await create(deploymentProvider, deploy(serviceId));
      emulator.inject({ operation: "serviceInstanceDeployV2", kind: "lateAnswer", delayMs: HELD_MS });
      await up(deploymentProvider, state, deploy(serviceId, { v: 2 })).catch(() => undefined);
      return () => deploymentsHere(serviceId) - 1;
    },
  },
  {
    operation: "environmentPatchCommit",
    run: async () => {
      const serviceId = await newService();
      const scope = { projectId, environmentId, serviceId };
      const vars = await create(variablesProvider, { ...scope, variables: { A: "1" }, deferToDeploy: true });
      await create(deploymentProvider, { ...deploy(serviceId), firstDeploy: { variables: vars.outs.variables } } as DeploymentInputs).catch(
        () => undefined,
      );
      return () => deploymentsHere(serviceId);
    },
  },
];

describe("a late answer is never a second request", () => {
  it.each(CASES)("$operation", async ({ operation, run }) => {
    const since = emulator.requests.length;
    if (operation !== "serviceInstanceDeployV2") emulator.inject({ operation, kind: "lateAnswer", delayMs: HELD_MS });
    const count = await run();
    // Let the held request land, then look.
    await new Promise((resolve) => setTimeout(resolve, HELD_MS + 100));
    expect(sent(operation, since)).toBe(1);
    expect(count()).toBe(1);
  });

  it("still retries an update that timed out: sending it twice changes nothing", async () => {
    const serviceId = await newService();
    const vars = await create(variablesProvider, { projectId, environmentId, serviceId, variables: { A: "1" } });
    const since = emulator.requests.length;
    emulator.inject({ operation: "variableCollectionUpsert", kind: "lateAnswer", delayMs: HELD_MS });
    await up(variablesProvider as dynamic.ResourceProvider, vars, { projectId, environmentId, serviceId, variables: { A: "2" } });
    expect(sent("variableCollectionUpsert", since)).toBeGreaterThanOrEqual(2);
    expect(emulator.renderVariables(serviceId, environmentId).A).toBe("2");
  });
});
