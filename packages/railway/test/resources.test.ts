// The Pulumi resource classes, under Pulumi's mock runtime: their type tokens
// and which of their inputs and outputs are secret.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { PROVIDER_NOT_SERIALIZED } from "../../components/src/testing/recorder";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registered: Registered[] = [];
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecretInput = (value: unknown) =>
  typeof value === "object" && value !== null && (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIG;

let railway: typeof import("../src");

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "trestle",
    "staging",
  );
  railway = await import("../src");
});

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("Railway resources under mocks", () => {
  it("register as pulumi-nodejs:dynamic/railway:<Type> with their serialized provider", async () => {
    const project = new railway.Project("travel", { name: "travel" });
    const env = new railway.Environment("prod-env", { projectId: project.projectId, name: "production" });
    const common = { projectId: project.projectId, environmentId: env.environmentId };
    const api = new railway.Service("api", { ...common, name: "api", image: "nginx" });
    const children = [
      new railway.Variables("api-vars", { ...common, serviceId: api.serviceId, variables: { A: "1" } }),
      new railway.ServiceDomain("api-domain", { ...common, serviceId: api.serviceId }),
      new railway.CustomDomain("api-custom", { ...common, serviceId: api.serviceId, domain: "api.example.com" }),
      new railway.TcpProxy("api-proxy", { environmentId: env.environmentId, serviceId: api.serviceId, applicationPort: 5432 }),
      new railway.Volume("api-volume", { ...common, serviceId: api.serviceId, mountPath: "/data" }),
      new railway.Bucket("uploads", { ...common, name: "uploads", region: "iad" }),
      new railway.Deployment("api-deploy", { ...common, serviceId: api.serviceId }),
    ];
    await resolved(pulumi.all(children.map((c) => c.id)));
    // Registration order follows input resolution, so compare as sets.
    expect(registered.map((r) => [r.type, r.name]).sort()).toEqual(
      [
        ["pulumi-nodejs:dynamic/railway:Project", "travel"],
        ["pulumi-nodejs:dynamic/railway:Environment", "prod-env"],
        ["pulumi-nodejs:dynamic/railway:Service", "api"],
        ["pulumi-nodejs:dynamic/railway:Variables", "api-vars"],
        ["pulumi-nodejs:dynamic/railway:ServiceDomain", "api-domain"],
        ["pulumi-nodejs:dynamic/railway:CustomDomain", "api-custom"],
        ["pulumi-nodejs:dynamic/railway:TcpProxy", "api-proxy"],
        ["pulumi-nodejs:dynamic/railway:Volume", "api-volume"],
        ["pulumi-nodejs:dynamic/railway:Bucket", "uploads"],
        ["pulumi-nodejs:dynamic/railway:Deployment", "api-deploy"],
      ].sort(),
    );
    // The engine runs what this text defines; the synth and the rehearsal skip
    // producing it (synth/recorder.ts), so this is where every provider is
    // shown to serialize: a module exporting the handler, for every kind.
    for (const r of registered) {
      expect(typeof r.inputs.__provider).toBe("string");
      expect(r.inputs.__provider).not.toBe(PROVIDER_NOT_SERIALIZED);
      expect(r.inputs.__provider).toMatch(/^exports\.handler = /m);
    }
    expect(new Set(registered.map((r) => r.type.split(":").pop()))).toEqual(new Set(Object.keys(railway.railwayProviders)));
  });

  it("passes secret variables and registry credentials as secrets, even when given in plain text", async () => {
    const vars = new railway.Variables("secret-vars", {
      projectId: "p",
      environmentId: "e",
      serviceId: "s",
      variables: { ENVIRONMENT: "production" },
      secretVariables: { SERPAPI_KEY: "plain-text-given" },
    });
    const svc = new railway.Service("private-image", {
      projectId: "p",
      environmentId: "e",
      name: "worker",
      image: "ghcr.io/acme/worker:1",
      registryCredentials: { username: "bot", password: "plain-password" },
    });
    await resolved(pulumi.all([vars.id, svc.id]));
    const varsInputs = registered.find((r) => r.name === "secret-vars")!.inputs;
    expect(isSecretInput(varsInputs.secretVariables)).toBe(true);
    expect(isSecretInput(varsInputs.variables)).toBe(false);
    expect(isSecretInput(registered.find((r) => r.name === "private-image")!.inputs.registryCredentials)).toBe(true);
    expect(await pulumi.isSecret(vars.secretVariables)).toBe(true);
    expect(await pulumi.isSecret(vars.variables)).toBe(false);
  });
});
