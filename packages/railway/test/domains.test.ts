import { beforeAll, describe, expect, it } from "vitest";
import { customDomainProvider } from "../src/custom-domain";
import { serviceDomainProvider } from "../src/service-domain";
import { tcpProxyProvider } from "../src/tcp-proxy";
import { create, destroy, refresh, up } from "./harness";
import { useRailwayProject } from "./use-project";

const ctx = useRailwayProject("domains");
let projectId: string;
let environmentId: string;
beforeAll(() => {
  ({ projectId, environmentId } = ctx);
});

const service = () => ctx.service("web", "nginx");

/** The provider's check of a subdomain, as its failures' text. */
async function checkSubdomain(subdomain: string): Promise<string[]> {
  const checked = await serviceDomainProvider.check!({} as never, { projectId, environmentId, serviceId: "s", subdomain });
  return (checked.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

const domainsOf = (serviceId: string) => [...ctx.emulator.state.domains.values()].filter((d) => d.serviceId === serviceId);

describe("ServiceDomain", () => {
  it("takes a chosen subdomain on create, renames it in place, and is refused a name another domain holds (DOM-3)", async () => {
    const serviceId = await service();
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId, targetPort: 8000, subdomain: "acme-api" });
    expect(state.outs).toMatchObject({ domain: "acme-api.up.railway.app", url: "https://acme-api.up.railway.app" });
    expect(domainsOf(serviceId)).toMatchObject([{ id: state.id, domain: "acme-api.up.railway.app", targetPort: 8000 }]);
    const renamed = await up(serviceDomainProvider, state, {
      projectId,
      environmentId,
      serviceId,
      targetPort: 8000,
      subdomain: "acme-api-2",
    });
    expect(renamed).toMatchObject({ action: "update", id: state.id, outs: { domain: "acme-api-2.up.railway.app" } });
    const other = await service();
    await expect(
      create(serviceDomainProvider, { projectId, environmentId, serviceId: other, targetPort: 8000, subdomain: "acme-api-2" }),
    ).rejects.toThrow(
      /^Railway refused the domain `acme-api-2\.up\.railway\.app` for service .*: another service holds it, or Railway does not allow it; choose another `subdomain`$/,
    );
    expect(await checkSubdomain("Acme_API")).toEqual([
      "subdomain: `Acme_API` is not a domain label: lower-case letters, digits and `-`, 1-63, not starting or ending with `-`",
    ]);
  });

  it('waits for a new service\'s instance Railway does not show yet ("ServiceInstance not found"), and makes one domain (ERR-3, SVC-9)', async () => {
    ctx.emulator.lagNewInstances = 2;
    try {
      // A service whose settings wait for its first deploy (DEP-9) sends nothing to its instance: the domain is the first to meet the lag.
      const { serviceProvider } = await import("../src/service");
      const serviceId = (
        await create(serviceProvider, {
          projectId,
          environmentId,
          name: "lagging",
          image: "nginx",
          deferToDeploy: true,
          projectCreated: true,
        })
      ).id;
      const since = ctx.emulator.requests.length;
      const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId, targetPort: 8000 });
      expect(ctx.emulator.operationsSince(since).filter((op) => op === "serviceDomainCreate")).toHaveLength(3);
      expect(domainsOf(serviceId)).toMatchObject([{ id: state.id }]);
    } finally {
      ctx.emulator.lagNewInstances = 0;
    }
  });

  it("creates a *.up.railway.app domain, changes its port in place and deletes it", async () => {
    const serviceId = await service();
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId, targetPort: 8000 });
    expect(state.outs.domain).toMatch(/\.up\.railway\.app$/);
    expect(state.outs.url).toBe(`https://${state.outs.domain}`);
    expect(domainsOf(serviceId)).toMatchObject([{ id: state.id, targetPort: 8000 }]);

    const moved = await up(serviceDomainProvider, state, { projectId, environmentId, serviceId, targetPort: 8080 });
    expect(moved).toMatchObject({ action: "update", id: state.id, outs: { domain: state.outs.domain } });
    expect(domainsOf(serviceId)).toMatchObject([{ id: state.id, targetPort: 8080, domain: state.outs.domain }]);

    await destroy(serviceDomainProvider, moved);
    expect(domainsOf(serviceId)).toEqual([]);
  });

  it("leaves no duplicate when the create response is lost", async () => {
    const serviceId = await service();
    ctx.emulator.inject({ operation: "serviceDomainCreate", kind: "lostResponse" });
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId });
    expect(domainsOf(serviceId).map((d) => d.id)).toEqual([state.id]);
  });

  it("adopts the domain an interrupted run gave the service instead of making a second", async () => {
    const serviceId = await service();
    const made = (await ctx.emulator["root"]().serviceDomainCreate({ input: { environmentId, serviceId, targetPort: 8000 } })) as {
      id: string;
    };
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId, targetPort: 8080 });
    expect(state.id).toBe(made.id);
    expect(domainsOf(serviceId)).toMatchObject([{ id: made.id, targetPort: 8080 }]);
  });

  it('retries Railway\'s "Failed to create service domain, please try again" (ERR-4)', async () => {
    const serviceId = await service();
    ctx.emulator.inject({
      operation: "serviceDomainCreate",
      kind: "graphqlError",
      code: "INTERNAL_SERVER_ERROR",
      message: "Failed to create service domain, please try again",
      times: 2,
    });
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId });
    expect(domainsOf(serviceId).map((d) => d.id)).toEqual([state.id]);
  });

  it("is gone after an out-of-band delete", async () => {
    const serviceId = await service();
    const state = await create(serviceDomainProvider, { projectId, environmentId, serviceId });
    ctx.emulator.deleteOutOfBand("domain", state.id);
    expect(await refresh(serviceDomainProvider, state)).toBeUndefined();
    await expect(destroy(serviceDomainProvider, state)).resolves.toBeUndefined();
  });
});

describe("CustomDomain", () => {
  it("outputs the CNAME to create and the TXT record that verifies ownership", async () => {
    const serviceId = await service();
    const state = await create(customDomainProvider, {
      projectId,
      environmentId,
      serviceId,
      domain: "api.travel.example.com",
      targetPort: 8000,
    });
    const record = ctx.emulator.state.domains.get(state.id)!;
    // DOM-2: only the records that route traffic; the ACME challenge is listed apart.
    expect(state.outs.dnsRecords).toEqual([
      { type: "CNAME", name: "api.travel.example.com", hostLabel: "api", zone: "travel.example.com", value: record.target },
    ]);
    expect(state.outs.challengeRecords).toEqual([
      {
        type: "CNAME",
        name: "_acme-challenge.api.travel.example.com",
        hostLabel: "_acme-challenge.api",
        zone: "travel.example.com",
        value: expect.stringMatching(/\.acme\.railway\.app$/),
      },
    ]);
    expect(state.outs.verificationRecord).toEqual({
      type: "TXT",
      name: "_railway-verify.api.travel.example.com",
      hostLabel: "_railway-verify.api",
      zone: "travel.example.com",
      value: `railway-verify=${record.verifyToken}`,
    });
    expect(state.outs.verified).toBe(false);

    const next = await up(customDomainProvider, state, {
      projectId,
      environmentId,
      serviceId,
      domain: "api.travel.example.com",
      targetPort: 9000,
    });
    expect(next.action).toBe("update");
    expect(record.targetPort).toBe(9000);
    const replaced = await up(customDomainProvider, next, { projectId, environmentId, serviceId, domain: "www.travel.example.com" });
    expect(replaced.action).toBe("replace");
    expect(domainsOf(serviceId).map((d) => d.domain)).toEqual(["www.travel.example.com"]);
  });

  it("adopts its own domain after a lost create and when Railway says it is in use", async () => {
    const serviceId = await service();
    ctx.emulator.inject({ operation: "customDomainCreate", kind: "lostResponse" });
    const first = await create(customDomainProvider, { projectId, environmentId, serviceId, domain: "lost.example.com" });
    const again = await create(customDomainProvider, { projectId, environmentId, serviceId, domain: "lost.example.com" });
    expect(again.id).toBe(first.id);
    expect(domainsOf(serviceId)).toHaveLength(1);
  });

  it("refuses a host name with a scheme", async () => {
    await expect(
      create(customDomainProvider, { projectId, environmentId, serviceId: "s", domain: "https://api.example.com" }),
    ).rejects.toThrow("domain: `https://api.example.com` is not a lower-case host name");
  });

  it("is gone after an out-of-band delete", async () => {
    const serviceId = await service();
    const state = await create(customDomainProvider, { projectId, environmentId, serviceId, domain: "gone.example.com" });
    ctx.emulator.deleteOutOfBand("domain", state.id);
    expect(await refresh(customDomainProvider, state)).toBeUndefined();
    await expect(destroy(customDomainProvider, state)).resolves.toBeUndefined();
  });
});

describe("TcpProxy", () => {
  it("creates a proxy with its public host and port, and replaces it on a new port", async () => {
    const serviceId = await service();
    const state = await create(tcpProxyProvider, { environmentId, serviceId, applicationPort: 5432 });
    expect(state.outs.domain).toMatch(/^[a-z]+\.proxy\.rlwy\.net$/); // trailing dot stripped
    expect(state.outs.proxyPort).toBe(ctx.emulator.state.tcpProxies.get(state.id)!.proxyPort);
    const replaced = await up(tcpProxyProvider, state, { environmentId, serviceId, applicationPort: 6379 });
    expect(replaced.action).toBe("replace");
    expect([...ctx.emulator.state.tcpProxies.values()].filter((p) => p.serviceId === serviceId).map((p) => p.applicationPort)).toEqual([
      6379,
    ]);
    await destroy(tcpProxyProvider, replaced);
    expect([...ctx.emulator.state.tcpProxies.values()].filter((p) => p.serviceId === serviceId)).toEqual([]);
  });

  it("leaves no duplicate when the connection drops after the create", async () => {
    const serviceId = await service();
    ctx.emulator.inject({ operation: "tcpProxyCreate", kind: "dropConnection" });
    const state = await create(tcpProxyProvider, { environmentId, serviceId, applicationPort: 5432 });
    expect([...ctx.emulator.state.tcpProxies.values()].filter((p) => p.serviceId === serviceId).map((p) => p.id)).toEqual([state.id]);
  });

  it("is gone after an out-of-band delete", async () => {
    const serviceId = await service();
    const state = await create(tcpProxyProvider, { environmentId, serviceId, applicationPort: 5432 });
    ctx.emulator.deleteOutOfBand("tcpProxy", state.id);
    expect(await refresh(tcpProxyProvider, state)).toBeUndefined();
    await expect(destroy(tcpProxyProvider, state)).resolves.toBeUndefined();
  });
});
