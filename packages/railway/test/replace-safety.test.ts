// No config change deletes live data: every replace-triggering input of every
// Railway resource, driven through the engine's own replace order
// (create-before-delete unless the diff says otherwise), against a project
// that holds a Postgres service and its volume. Each change either only
// re-describes the object (an update that sends nothing), is refused before
// any request with the setting and the opt-in named, or replaces something
// that holds no data, and in every case the project and the volume survive.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { customDomainProvider } from "../src/custom-domain";
import { environmentProvider } from "../src/environment";
import { DataLossRefusedError } from "../src/holdings";
import { projectProvider } from "../src/project";
import { serviceProvider } from "../src/service";
import { serviceDomainProvider } from "../src/service-domain";
import { tcpProxyProvider } from "../src/tcp-proxy";
import { variablesProvider } from "../src/variables";
import { volumeProvider } from "../src/volume";
import { RailwayEmulator } from "../src/testing/emulator";
import { Managed, create, destroy, startEmulator, up } from "./harness";

let emulator: RailwayEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

/** A stack's world: its own project, its environment, a Postgres service with its volume, an API. */
async function world(name: string) {
  const owner = `trestle/${name}`;
  const project = await create(projectProvider, { name, owner, defaultEnvironmentName: "staging" });
  const env = await create(environmentProvider, { projectId: project.id, name: "staging" });
  const scope = { projectId: project.id, environmentId: env.id };
  const db = await create(serviceProvider, {
    ...scope,
    name: "Postgres",
    image: "ghcr.io/railwayapp-templates/postgres-ssl:16",
    projectCreated: true,
    holdsData: true,
  });
  const volume = await create(volumeProvider, { ...scope, serviceId: db.id, mountPath: "/var/lib/postgresql/data", name: "postgres-data" });
  const api = await create(serviceProvider, { ...scope, name: "api", image: "ghcr.io/acme/api:1", projectCreated: true });
  return { project, env, scope, db, volume, api };
}

type World = Awaited<ReturnType<typeof world>>;

/** The data is still there: the project, its environment, the database's service and its volume. */
function expectDataKept(w: World): void {
  expect(emulator.state.projects.has(w.project.id)).toBe(true);
  expect(emulator.state.environments.has(w.env.id)).toBe(true);
  expect(emulator.state.services.has(w.db.id)).toBe(true);
  expect(emulator.state.volumes.has(w.volume.id)).toBe(true);
}

/** One `pulumi up` of one resource; a refusal is returned, not thrown. */
async function tryUp<I, O>(provider: dynamic.ResourceProvider<I, O>, state: Managed<O>, inputs: I) {
  const before = emulator.requests.filter((r) => r.kind === "mutation").length;
  try {
    const result = await up(provider, state, inputs);
    return { result, mutations: emulator.requests.filter((r) => r.kind === "mutation").length - before };
  } catch (error) {
    if (!(error instanceof DataLossRefusedError)) throw error;
    return { refused: error, mutations: emulator.requests.filter((r) => r.kind === "mutation").length - before };
  }
}

describe("a change that only re-describes the project changes nothing", () => {
  it("switching `project: X` to `projectId: <X's id>` is an update that sends nothing, and the project stays the stack's", async () => {
    const w = await world("redescribe-by-id");
    const { result, mutations } = await tryUp(projectProvider, w.project, { ...inputsOf(w.project.outs), existingProjectId: w.project.id });
    expect(result).toMatchObject({ action: "update", id: w.project.id, outs: { existingProjectId: w.project.id, created: true } });
    expect(mutations).toBe(0);
    expectDataKept(w);
  });

  it("adding the `workspaceId` the project is already in is an update that sends nothing", async () => {
    const w = await world("redescribe-workspace");
    const { result, mutations } = await tryUp(projectProvider, w.project, {
      ...inputsOf(w.project.outs),
      workspaceId: emulator.workspaceId,
    });
    expect(result).toMatchObject({ action: "update", id: w.project.id });
    expect(mutations).toBe(0);
    expectDataKept(w);
  });

  it("judges the workspace from Railway when the state predates recording it", async () => {
    const w = await world("redescribe-old-state");
    const oldState = { ...w.project, outs: { ...w.project.outs, workspace: undefined } };
    const { result } = await tryUp(projectProvider, oldState, { ...inputsOf(w.project.outs), workspaceId: emulator.workspaceId });
    expect(result).toMatchObject({ action: "update" });
    expectDataKept(w);
  });
});

/** The inputs a resource was created with, as the program would send them again. */
function inputsOf<O extends object>(outs: O): any {
  const { holder: _holder, created: _created, workspace: _workspace, projectId: _projectId, ...inputs } = outs as Record<string, unknown>;
  return inputs;
}

interface ReplaceCase {
  resource: string;
  input: string;
  /** The changed inputs, from the world. */
  change: (w: World) => { provider: dynamic.ResourceProvider<any, any>; state: Managed<any>; inputs: Record<string, unknown> };
  /** Refused without `allowReplace` (it holds data), or allowed (it holds none). */
  holdsData: boolean;
  /** The setting the refusal names. */
  names?: RegExp;
}

const CASES: ReplaceCase[] = [
  {
    resource: "Project",
    input: "workspaceId (another workspace)",
    holdsData: true,
    names: /trestle:allowReplace/,
    change: (w) => ({
      provider: projectProvider,
      state: w.project,
      inputs: { ...inputsOf(w.project.outs), workspaceId: "another-workspace" },
    }),
  },
  {
    resource: "Project",
    input: "existingProjectId (another project)",
    holdsData: true,
    names: /trestle:railway\.projectId.*back to/,
    change: (w) => ({
      provider: projectProvider,
      state: w.project,
      inputs: { ...inputsOf(w.project.outs), existingProjectId: "someone-elses-project" },
    }),
  },
  {
    resource: "Project",
    input: "existingProjectId removed (an adopted project named instead)",
    holdsData: true,
    names: /trestle:railway\.projectId/,
    change: (w) => ({
      provider: projectProvider,
      state: { ...w.project, outs: { ...w.project.outs, existingProjectId: w.project.id } },
      inputs: { ...inputsOf(w.project.outs) },
    }),
  },
  {
    resource: "Environment",
    input: "name",
    holdsData: true,
    names: /trestle:railway\.environment.*back to `staging`/,
    change: (w) => ({
      provider: environmentProvider,
      state: w.env,
      inputs: { ...inputsOf(w.env.outs), projectId: w.project.id, name: "renamed" },
    }),
  },
  {
    resource: "Environment",
    input: "projectId",
    holdsData: true,
    names: /follows its project/,
    change: (w) => ({ provider: environmentProvider, state: w.env, inputs: { ...inputsOf(w.env.outs), projectId: "another-project" } }),
  },
  {
    resource: "Service (database)",
    input: "environmentId",
    holdsData: true,
    names: /database's name to `trestle:allowReplace`/,
    change: (w) => ({
      provider: serviceProvider,
      state: w.db,
      inputs: { ...inputsOf(w.db.outs), projectId: w.project.id, environmentId: "another-environment" },
    }),
  },
  {
    resource: "Service (database)",
    input: "projectId",
    holdsData: true,
    names: /trestle:allowReplace/,
    change: (w) => ({ provider: serviceProvider, state: w.db, inputs: { ...inputsOf(w.db.outs), projectId: "another-project" } }),
  },
  {
    resource: "Volume",
    input: "serviceId",
    holdsData: true,
    names: /trestle:allowReplace/,
    change: (w) => ({
      provider: volumeProvider,
      state: w.volume,
      inputs: { ...inputsOf(w.volume.outs), projectId: w.project.id, serviceId: w.api.id },
    }),
  },
  {
    resource: "Volume",
    input: "environmentId",
    holdsData: true,
    names: /trestle:allowReplace/,
    change: (w) => ({
      provider: volumeProvider,
      state: w.volume,
      inputs: { ...inputsOf(w.volume.outs), projectId: w.project.id, environmentId: "another-environment" },
    }),
  },
  {
    resource: "Volume",
    input: "projectId",
    holdsData: true,
    names: /trestle:allowReplace/,
    change: (w) => ({ provider: volumeProvider, state: w.volume, inputs: { ...inputsOf(w.volume.outs), projectId: "another-project" } }),
  },
];

describe("a change that replaces what holds data is refused before any request", () => {
  it.each(CASES)("$resource: $input", async (c) => {
    const w = await world(`refuse-${c.resource}-${c.input}`.replace(/[^a-z0-9]+/gi, "-").slice(0, 60));
    const { provider, state, inputs } = c.change(w);
    const { refused, mutations } = await tryUp(provider, state, inputs as never);
    expect(refused).toBeInstanceOf(DataLossRefusedError);
    expect(refused!.message).toMatch(/^refused: replacing .* would delete it and the data it holds/);
    expect(refused!.message).toMatch(c.names!);
    expect(mutations).toBe(0);
    expectDataKept(w);
  });

  it("replaces the project when the stack opts in, and then (only then) the old one goes", async () => {
    const w = await world("opt-in-replace");
    const { result } = await tryUp(projectProvider, w.project, {
      ...inputsOf(w.project.outs),
      workspaceId: "another-workspace",
      allowReplace: true,
    });
    expect(result).toMatchObject({ action: "replace" });
    expect(result!.id).not.toBe(w.project.id);
    expect(emulator.state.projects.has(w.project.id)).toBe(false);
  });
});

describe("a replacement of what holds no data leaves the data where it was", () => {
  const allowed: [
    string,
    (w: World) => Promise<{ provider: dynamic.ResourceProvider<any, any>; state: Managed<any>; inputs: Record<string, unknown> }>,
  ][] = [
    [
      "Variables: serviceId",
      async (w) => {
        const vars = await create(variablesProvider, { ...w.scope, serviceId: w.api.id, variables: { A: "1" } });
        return { provider: variablesProvider, state: vars, inputs: { ...w.scope, serviceId: w.db.id, variables: { A: "1" } } };
      },
    ],
    [
      "ServiceDomain: serviceId",
      async (w) => {
        const domain = await create(serviceDomainProvider, { ...w.scope, serviceId: w.api.id });
        return { provider: serviceDomainProvider, state: domain, inputs: { ...w.scope, serviceId: w.db.id } };
      },
    ],
    [
      "CustomDomain: domain",
      async (w) => {
        const domain = await create(customDomainProvider, {
          ...w.scope,
          serviceId: w.api.id,
          domain: `api-${w.api.id.slice(0, 6)}.example.com`,
        });
        return {
          provider: customDomainProvider,
          state: domain,
          inputs: { ...w.scope, serviceId: w.api.id, domain: `www-${w.api.id.slice(0, 6)}.example.com` },
        };
      },
    ],
    [
      "TcpProxy: applicationPort",
      async (w) => {
        const proxy = await create(tcpProxyProvider, { environmentId: w.env.id, serviceId: w.db.id, applicationPort: 5432 });
        return { provider: tcpProxyProvider, state: proxy, inputs: { environmentId: w.env.id, serviceId: w.db.id, applicationPort: 5433 } };
      },
    ],
  ];

  it.each(allowed)("%s", async (label, make) => {
    const w = await world(`allowed-${label}`.replace(/[^a-z0-9]+/gi, "-").slice(0, 60));
    const { provider, state, inputs } = await make(w);
    const { result, refused } = await tryUp(provider, state, inputs as never);
    expect(refused).toBeUndefined();
    expect(result!.action).toBe("replace");
    expectDataKept(w);
  });
});

describe("a delete never removes what a newer resource holds", () => {
  // The engine's create-before-delete, where the new resource adopts the very
  // object the old one names: the old delete must leave it alone.
  it("Project: the replacement adopted the same id", async () => {
    const w = await world("held-project");
    const replacement = await create(projectProvider, { name: "held-project", existingProjectId: w.project.id });
    expect(replacement.id).toBe(w.project.id);
    await destroy(projectProvider, w.project);
    expectDataKept(w);
  });

  it("Project: state written before holder tokens is judged the same way", async () => {
    const w = await world("held-project-old-state");
    await create(projectProvider, { name: "held-project-old-state", existingProjectId: w.project.id });
    await destroy(projectProvider, { ...w.project, outs: { ...w.project.outs, holder: undefined } });
    expectDataKept(w);
  });

  it("Environment: the replacement adopted the same environment by name", async () => {
    const w = await world("held-environment");
    const fresh = await create(environmentProvider, { projectId: w.project.id, name: "preview" });
    await create(environmentProvider, { projectId: w.project.id, name: "preview" });
    await destroy(environmentProvider, fresh);
    expect(emulator.state.environments.has(fresh.id)).toBe(true);
  });

  it("Service: the replacement adopted the same-name service", async () => {
    const w = await world("held-service");
    const again = await create(serviceProvider, {
      ...w.scope,
      name: "Postgres",
      image: "ghcr.io/railwayapp-templates/postgres-ssl:16",
      projectCreated: true,
      holdsData: true,
    });
    expect(again.id).toBe(w.db.id);
    await destroy(serviceProvider, w.db);
    expectDataKept(w);
  });

  it("Volume: the replacement adopted the volume already attached", async () => {
    const w = await world("held-volume");
    const again = await create(volumeProvider, {
      ...w.scope,
      serviceId: w.db.id,
      mountPath: "/var/lib/postgresql/data",
      name: "postgres-data",
    });
    expect(again.id).toBe(w.volume.id);
    await destroy(volumeProvider, w.volume);
    expectDataKept(w);
  });

  it("a resource that still holds its object deletes it as before", async () => {
    const w = await world("held-by-itself");
    await destroy(volumeProvider, w.volume);
    expect(emulator.state.volumes.has(w.volume.id)).toBe(false);
  });
});
