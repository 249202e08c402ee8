// `npm run bench:railway`: API calls (and time) to create, no-op update, change
// one variable of, and destroy a project of four services, each with 20
// variables, a domain and a deploy, against the in-process Railway emulator.
// Numbers, not assertions: compare runs by eye or in CI logs.
import { createHash } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { deploymentProvider, DeploymentInputs } from "../components/railway/deployment";
import { environmentProvider } from "../components/railway/environment";
import { projectProvider } from "../components/railway/project";
import { serviceDomainProvider } from "../components/railway/service-domain";
import { serviceProvider, ServiceInputs } from "../components/railway/service";
import { variablesProvider, VariablesInputs } from "../components/railway/variables";
import { Managed, create, destroy, startEmulator, up } from "../test/railway/harness";

const SERVICES = ["api", "worker", "beat", "web"];
const VARIABLES = 20;

interface Stack {
  services: { name: string; service: Managed<any>; vars: Managed<any>; domain: Managed<any>; deploy: Managed<any> }[];
}

function variablesFor(name: string, bump = ""): Pick<VariablesInputs, "variables" | "secretVariables"> {
  const variables: Record<string, string> = { DATABASE_URL: "${{Postgres.DATABASE_URL}}", REDIS_URL: "${{Redis.REDIS_URL}}" };
  const secretVariables: Record<string, string> = {};
  for (let i = 0; variables && Object.keys(variables).length + Object.keys(secretVariables).length < VARIABLES; i++) {
    if (i % 4 === 0) secretVariables[`SECRET_${i}`] = `${name}-secret-${i}`;
    else variables[`SETTING_${i}`] = `${name}-value-${i}${i === 1 ? bump : ""}`;
  }
  return { variables, secretVariables };
}

const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

async function main() {
  const emulator = await startEmulator();
  const rows: [string, number, number, number, number][] = [];
  const measure = async (label: string, work: () => Promise<void>) => {
    const since = emulator.requests.length;
    const started = performance.now();
    await work();
    const counts = emulator.counts(since);
    rows.push([label, counts.requests, counts.mutations, counts.queries, performance.now() - started]);
  };

  let project: Managed<any>;
  let env: Managed<any>;
  const stack: Stack = { services: [] };
  const serviceInputs = (name: string): ServiceInputs => ({
    projectId: project.id, environmentId: env.id, name, image: `ghcr.io/acme/${name}:1.0.0`,
    healthcheckPath: name === "api" || name === "web" ? "/health" : undefined, replicas: name === "api" ? 2 : 1,
  });
  const varsInputs = (serviceId: string, name: string, bump = ""): VariablesInputs => ({ projectId: project.id, environmentId: env.id, serviceId, ...variablesFor(name, bump) });
  const deployInputs = (serviceId: string, name: string, triggers: unknown): DeploymentInputs => ({
    projectId: project.id, environmentId: env.id, serviceId, source: { image: serviceInputs(name).image }, triggers, pollSeconds: 0.001,
  });

  await measure("create", async () => {
    project = await create(projectProvider, { name: "bench" });
    env = await create(environmentProvider, { projectId: project.id, name: "production" });
    // Services are independent, so the engine creates them in parallel.
    stack.services = await Promise.all(
      SERVICES.map(async (name) => {
        const service = await create(serviceProvider, serviceInputs(name));
        const [vars, domain] = await Promise.all([
          create(variablesProvider, varsInputs(service.id, name)),
          create(serviceDomainProvider, { projectId: project.id, environmentId: env.id, serviceId: service.id }),
        ]);
        const deploy = await create(deploymentProvider, deployInputs(service.id, name, digest([serviceInputs(name), varsInputs(service.id, name)])));
        return { name, service, vars, domain, deploy };
      }),
    );
  });

  const same = <I, O>(p: dynamic.ResourceProvider<I, O>, s: Managed<O>, i: I) => up(p, s, i);
  await measure("no-op update", async () => {
    await same(projectProvider, project, { name: "bench" });
    await same(environmentProvider, env, { projectId: project.id, name: "production" });
    for (const s of stack.services) {
      await same(serviceProvider, s.service, serviceInputs(s.name));
      await same(variablesProvider, s.vars, varsInputs(s.service.id, s.name));
      await same(serviceDomainProvider, s.domain, { projectId: project.id, environmentId: env.id, serviceId: s.service.id });
      await same(deploymentProvider, s.deploy, deployInputs(s.service.id, s.name, digest([serviceInputs(s.name), varsInputs(s.service.id, s.name)])));
    }
  });

  await measure("change one variable", async () => {
    const s = stack.services[0];
    const changed = varsInputs(s.service.id, s.name, "-v2");
    s.vars = await up(variablesProvider, s.vars, changed);
    s.deploy = await up(deploymentProvider, s.deploy, deployInputs(s.service.id, s.name, digest([serviceInputs(s.name), changed])));
  });

  await measure("destroy", async () => {
    await Promise.all(
      stack.services.map(async (s) => {
        await destroy(deploymentProvider, s.deploy);
        await Promise.all([destroy(serviceDomainProvider, s.domain), destroy(variablesProvider, s.vars)]);
        await destroy(serviceProvider, s.service);
      }),
    );
    await destroy(environmentProvider, env);
    await destroy(projectProvider, project);
  });
  await emulator.stop();

  console.log(`Railway layer: ${SERVICES.length} services x ${VARIABLES} variables, a domain and a deploy each (emulator; deploys take 3 status polls)\n`);
  console.log("| step                | requests | mutations | queries | ms     |");
  console.log("|---------------------|---------:|----------:|--------:|-------:|");
  for (const [label, requests, mutations, queries, ms] of rows) {
    console.log(`| ${label.padEnd(19)} | ${String(requests).padStart(8)} | ${String(mutations).padStart(9)} | ${String(queries).padStart(7)} | ${ms.toFixed(0).padStart(6)} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
