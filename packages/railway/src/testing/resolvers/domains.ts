// The emulator's answers about Railway and custom domains, and TCP proxies (DOM, TCP).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomBytes, randomUUID } from "node:crypto";
import type { DomainRecord, TcpProxyRecord, RailwayEmulator, Resolvers } from "../emulator";
import { alreadyExists, notFound, slug } from "../answers";

export function domainsResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // DOM-1, DOM-2: service and custom domains of an instance
    domains: ({ environmentId, serviceId }) => {
      emu.requireService(serviceId);
      const mine = [...s.domains.values()].filter((d) => d.environmentId === environmentId && d.serviceId === serviceId);
      return {
        serviceDomains: mine
          .filter((d) => d.kind === "service")
          .map((d) => ({ id: d.id, domain: d.domain, targetPort: d.targetPort ?? null })),
        customDomains: mine.filter((d) => d.kind === "custom").map((d) => emu.customDomainView(d)),
      };
    },
    tcpProxies: ({ environmentId, serviceId }) => {
      emu.requireService(serviceId);
      return [...s.tcpProxies.values()].filter((p) => p.environmentId === environmentId && p.serviceId === serviceId);
    },
    // PRE-4: what Railway's GitHub app sees.
    // PRE-6, DOM-3: whether a chosen service domain is free (the message is assumed)
    serviceDomainAvailable: ({ domain }) => {
      const taken = [...s.domains.values()].some((d) => d.domain === domain);
      return { available: !taken, message: taken ? "Domain is not available" : "" };
    },
    // DOM-1: a *.up.railway.app domain; ERR-3, SVC-9: "ServiceInstance not found" until the new instance shows
    serviceDomainCreate: ({ input }) => {
      const service = emu.requireService(input.serviceId);
      const env = emu.requireEnvironment(input.environmentId);
      emu.requireInstance(service.id, env.id);
      const domain: DomainRecord = {
        id: randomUUID(),
        projectId: service.projectId,
        environmentId: env.id,
        serviceId: service.id,
        kind: "service",
        domain: `${slug(service.name)}-${slug(env.name)}-${randomBytes(2).toString("hex")}.up.railway.app`,
        targetPort: input.targetPort ?? null,
      };
      s.domains.set(domain.id, domain);
      return { id: domain.id, domain: domain.domain, targetPort: domain.targetPort };
    },
    // DOM-1: a new target port
    // DOM-3: a domain takes a chosen host, unless another domain holds it
    serviceDomainUpdate: ({ input }) => {
      const domain = s.domains.get(input.serviceDomainId);
      if (!domain) throw notFound("ServiceDomain");
      if ([...s.domains.values()].some((d) => d !== domain && d.domain === input.domain))
        throw alreadyExists(`Domain ${input.domain} is not available`);
      domain.targetPort = input.targetPort ?? null;
      domain.domain = input.domain;
      return true;
    },
    // ERR-3: a missing domain is "not found"
    serviceDomainDelete: ({ id }) => {
      if (!s.domains.delete(id)) throw notFound("ServiceDomain");
      return true;
    },
    customDomainCreate: ({ input }) => {
      const service = emu.requireService(input.serviceId);
      emu.requireEnvironment(input.environmentId);
      if ([...s.domains.values()].some((d) => d.domain === input.domain)) throw alreadyExists(`Domain ${input.domain} is already in use`); // ERR-2
      const domain: DomainRecord = {
        id: randomUUID(),
        projectId: service.projectId,
        environmentId: input.environmentId,
        serviceId: service.id,
        kind: "custom",
        domain: input.domain,
        targetPort: input.targetPort ?? null,
        verifyToken: randomBytes(16).toString("hex"),
        target: `${randomBytes(4).toString("hex")}.up.railway.app`,
      };
      s.domains.set(domain.id, domain);
      return emu.customDomainView(domain);
    },
    // DOM-2: a new target port
    customDomainUpdate: ({ id, targetPort }) => {
      const domain = s.domains.get(id);
      if (!domain) throw notFound("CustomDomain");
      domain.targetPort = targetPort ?? null;
      return true;
    },
    // ERR-3: a missing domain is "not found"
    customDomainDelete: ({ id }) => {
      if (!s.domains.delete(id)) throw notFound("CustomDomain");
      return true;
    },
    // TCP-1: a proxy domain (with Railway's trailing dot) and port
    tcpProxyCreate: ({ input }) => {
      emu.requireService(input.serviceId);
      emu.requireEnvironment(input.environmentId);
      const proxy: TcpProxyRecord = {
        id: randomUUID(),
        environmentId: input.environmentId,
        serviceId: input.serviceId,
        applicationPort: input.applicationPort,
        domain: `${["shuttle", "roundhouse", "caboose", "switchyard"][s.tcpProxies.size % 4]}.proxy.rlwy.net.`,
        proxyPort: 10_000 + Math.floor(Math.random() * 50_000),
      };
      s.tcpProxies.set(proxy.id, proxy);
      return proxy;
    },
    // ERR-6, ERR-3: a missing proxy is "not found"
    tcpProxyDelete: ({ id }) => {
      if (!s.tcpProxies.delete(id)) throw notFound("TCPProxy");
      return true;
    },
  };
}
