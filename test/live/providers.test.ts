// Against the real Railway API: runs only with RAILWAY_API_TOKEN (an account or
// workspace token) set, and cleans up after itself. Optional:
// RAILWAY_WORKSPACE_ID to choose the workspace the project is created in.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { environmentProvider } from "../../packages/railway/src/environment";
import { projectProvider } from "../../packages/railway/src/project";
import { serviceDomainProvider } from "../../packages/railway/src/service-domain";
import { serviceProvider } from "../../packages/railway/src/service";
import { variablesProvider } from "../../packages/railway/src/variables";
import { resetRailwaySettings } from "../../packages/railway/src/settings";
import { Managed, create, destroy, refresh, up } from "../../packages/railway/test/harness";

const LIVE = Boolean(process.env.RAILWAY_API_TOKEN);
const prefix = `trestle-live-${randomBytes(3).toString("hex")}`;
let project: Managed<{ projectId: string; created: boolean; name: string }> | undefined;

afterAll(async () => {
  if (project) await destroy(projectProvider, project); // deletes everything inside
});

describe.skipIf(!LIVE)("live Railway (RAILWAY_API_TOKEN)", () => {
  it("creates a project, a service with variables and a domain, and destroys them", { timeout: 300_000 }, async () => {
    resetRailwaySettings(); // use RAILWAY_API_TOKEN and the real endpoint
    project = await create(projectProvider, { name: prefix, workspaceId: process.env.RAILWAY_WORKSPACE_ID });
    const env = await create(environmentProvider, { projectId: project.id, name: "production" });
    const scope = { projectId: project.id, environmentId: env.id };
    const service = await create(serviceProvider, { ...scope, name: "web", image: "nginx:1.27-alpine", healthcheckPath: "/", replicas: 1 });
    const vars = await create(variablesProvider, {
      ...scope,
      serviceId: service.id,
      variables: { GREETING: "hello", SELF: "${{RAILWAY_PRIVATE_DOMAIN}}" },
      secretVariables: { API_KEY: randomBytes(12).toString("hex") },
    });
    const domain = await create(serviceDomainProvider, { ...scope, serviceId: service.id, targetPort: 80 });
    expect(domain.outs.domain).toMatch(/\.up\.railway\.app$/);

    expect((await refresh(variablesProvider, vars))!.outs.variables).toEqual({ GREETING: "hello", SELF: "${{RAILWAY_PRIVATE_DOMAIN}}" });
    expect(
      (
        await up(serviceProvider, (await refresh(serviceProvider, service))!, {
          ...scope,
          name: "web",
          image: "nginx:1.27-alpine",
          healthcheckPath: "/",
          replicas: 1,
        })
      ).action,
    ).toBe("same");

    await destroy(serviceDomainProvider, domain);
    await destroy(variablesProvider, vars);
    await destroy(serviceProvider, service);
    expect(await refresh(serviceProvider, service)).toBeUndefined();
  });
});
