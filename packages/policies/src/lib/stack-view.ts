// A Trestle stack as the rules see it: the resources Pulumi passes a stack
// policy, grouped into services, databases and the frontend.
import type { PolicyResource } from "@pulumi/policy";
import { COMPONENT_TYPES, COMPONENT_TYPE_PREFIX, CORS_VARIABLE, QUEUE_VARIABLE, TYPES, intentOf, isPreview, isProduction } from "@trestle/components";

export type Kind = "postgres" | "redis" | "app";

export interface ServiceView {
  /** The Railway service name. */
  name: string;
  kind: Kind;
  resource: PolicyResource;
  /** The Trestle component that declared it, when there is one. */
  component?: PolicyResource;
  variables?: PolicyResource;
  plainVariables: Record<string, string>;
  domains: PolicyResource[];
  proxies: PolicyResource[];
  volumes: PolicyResource[];
}

export interface VercelVariable {
  resource: PolicyResource;
  key: string;
  value: unknown;
  sensitive: boolean;
}

const COMPONENT_KIND: Record<string, Kind> = {
  [TYPES.postgresComponent]: "postgres",
  [TYPES.redisComponent]: "redis",
  [TYPES.serviceComponent]: "app",
};

function belongsTo(child: PolicyResource, service: PolicyResource): boolean {
  if (child.dependencies.some((d) => d.urn === service.urn)) return true;
  return child.parent !== undefined && child.parent.urn === service.parent?.urn && service.parent.type.startsWith("trestle:");
}

export class StackView {
  readonly services: ServiceView[];
  /** A production stack: protected data, https-only CORS. */
  readonly production: boolean;
  /** A pull request's preview stack. */
  readonly preview: boolean;

  constructor(readonly resources: PolicyResource[]) {
    this.production = isProduction(resources);
    this.preview = isPreview(resources);
    this.services = this.ofType(TYPES.railwayService).map((service) => {
      const component = service.parent?.type.startsWith(COMPONENT_TYPE_PREFIX) ? service.parent : undefined;
      const near = (type: string) => this.ofType(type).filter((r) => belongsTo(r, service));
      const variables = near(TYPES.railwayVariables)[0];
      return {
        name: String(service.props.name ?? service.name),
        kind: (component && COMPONENT_KIND[component.type]) ?? (/\b(postgres|redis)\b/i.test(String(service.props.image ?? "")) ? (/postgres/i.test(String(service.props.image)) ? "postgres" : "redis") : "app"),
        resource: service,
        component,
        variables,
        plainVariables: (variables?.props.variables ?? {}) as Record<string, string>,
        domains: [...near(TYPES.serviceDomain), ...near(TYPES.customDomain)],
        proxies: near(TYPES.tcpProxy),
        volumes: near(TYPES.volume),
      };
    });
  }

  ofType(type: string): PolicyResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The CORS-protected API, with its variable and format. */
  api(): { service: ServiceView; variable: string; format: "comma" | "json" } | undefined {
    for (const service of this.services) {
      const cors = intentOf(service.component, COMPONENT_TYPES.RailwayService)?.cors;
      if (cors?.variable) return { service, variable: cors.variable, format: cors.format ?? "comma" };
    }
    return undefined;
  }

  /**
   * Every CORS-looking variable of every app service (`ALLOWED_ORIGINS`, `CORS_*`,
   * `*_CORS_*`, `*_ALLOW_ORIGIN(S)`), in the format its value shows (a JSON array or a
   * comma list); the `cors` service's own variable in its declared format.
   */
  corsVariables(): { service: ServiceView; variable: string; format: "comma" | "json" }[] {
    const api = this.api();
    const out: { service: ServiceView; variable: string; format: "comma" | "json" }[] = [];
    for (const service of this.services) {
      if (service.kind !== "app") continue;
      for (const [variable, value] of Object.entries(service.plainVariables)) {
        if (api && service === api.service && variable === api.variable) out.push(api);
        else if (CORS_VARIABLE.test(variable)) out.push({ service, variable, format: typeof value === "string" && value.trim().startsWith("[") ? "json" : "comma" });
      }
    }
    return out;
  }

  /**
   * Each Redis service's use, judged by what the stack does with it: a Redis some
   * service uses as a Celery broker or a BullMQ/RQ queue is a queue, whatever its
   * `use` label says.
   */
  redisUses(): { redis: ServiceView; declared?: string; queueBy: string[] }[] {
    return this.services
      .filter((s) => s.kind === "redis")
      .map((redis) => {
        const ref = new RegExp(`\\$\\{\\{\\s*${redis.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.`);
        const queueBy = this.services
          .filter((s) => s.kind === "app" && Object.entries(s.plainVariables).some(([k, v]) => QUEUE_VARIABLE.test(k) && typeof v === "string" && ref.test(v)))
          .map((s) => s.name)
          .sort();
        return { redis, declared: intentOf(redis.component, COMPONENT_TYPES.RedisCache)?.use, queueBy };
      });
  }

  /** The frontend's origins and its production origin, when the stack has a frontend. */
  frontend(): { origins: string[]; productionOrigin: string } | undefined {
    const vercel = intentOf(this.ofType(TYPES.frontendComponent)[0], COMPONENT_TYPES.VercelFrontend);
    const railway = this.ofType(TYPES.serviceComponent)
      .map((c) => intentOf(c, COMPONENT_TYPES.RailwayService))
      .find((intent) => intent?.frontend === true);
    const origins = (vercel ?? railway)?.origins;
    if (!origins?.length) return undefined;
    return { origins, productionOrigin: origins[0] };
  }

  /** Every Vercel environment variable, from whichever resource declares it. */
  vercelVariables(): VercelVariable[] {
    const out: VercelVariable[] = [];
    for (const r of this.ofType(TYPES.vercelVariables)) {
      for (const v of (r.props.variables ?? []) as { key: string; value: unknown; sensitive?: boolean }[]) out.push({ resource: r, key: v.key, value: v.value, sensitive: v.sensitive === true });
    }
    for (const r of this.ofType(TYPES.vercelVariable)) out.push({ resource: r, key: String(r.props.key), value: r.props.value, sensitive: r.props.sensitive === true });
    for (const r of this.ofType(TYPES.vercelProject)) {
      for (const v of (r.props.environments ?? []) as { key: string; value: unknown; sensitive?: boolean }[]) out.push({ resource: r, key: v.key, value: v.value, sensitive: v.sensitive === true });
    }
    return out;
  }
}
