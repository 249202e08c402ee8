// A Trestle stack as the rules see it: the resources Pulumi passes a stack
// policy, grouped into services, databases and the frontend.
import type { PolicyResource } from "@pulumi/policy";
import {
  COMPONENT_TYPES,
  COMPONENT_TYPE_PREFIX,
  QUEUE_VARIABLE,
  holdsOrigins,
  TYPES,
  intentOf,
  isPreview,
  isProduction,
  looksSecretName,
  secretValueReason,
} from "@trestle/components/contract";
import { RAILWAY_PROVIDED, RAILWAY_TYPE_PREFIX, referencesIn } from "@trestle/railway/facts";

/** A map that may arrive wrapped in Pulumi's secret marker. */
const unwrapped = (raw: unknown): Record<string, unknown> => {
  const value = (raw ?? {}) as Record<string, unknown>;
  return value.value && typeof value.value === "object" ? (value.value as Record<string, unknown>) : value;
};

/** What a Railway service is: a database, a connection pooler in front of one (it holds no data), or an application. */
export type Kind = "postgres" | "redis" | "pooler" | "app";

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

/** A service's secret variables by name (inputs arrive wrapped in Pulumi's secret marker). */
export function secretVariablesOf(service: ServiceView): Record<string, unknown> {
  const raw = (service.variables?.props.secretVariables ?? {}) as Record<string, unknown>;
  return raw.value && typeof raw.value === "object" ? (raw.value as Record<string, unknown>) : raw;
}

/** A database's variables that only say where it is (VAR-1's names; Railway's Postgres and Redis templates). */
const DATABASE_ADDRESS = new Set([
  "PGHOST",
  "PGPORT",
  "PGUSER",
  "PGDATABASE",
  "POSTGRES_USER",
  "POSTGRES_DB",
  "REDISHOST",
  "REDISPORT",
  "REDISUSER",
  "REDIS_HOST",
  "REDIS_PORT",
  "REDIS_USER",
]);

function belongsTo(child: PolicyResource, service: PolicyResource): boolean {
  if (child.dependencies.some((d) => d.urn === service.urn)) return true;
  return child.parent !== undefined && child.parent.urn === service.parent?.urn && service.parent.type.startsWith("trestle:");
}

export class StackView {
  readonly services: ServiceView[];
  /** Names of the environment's shared variables that hold a stack secret. */
  readonly sharedSecrets: Set<string>;
  /** A production stack: protected data, https-only CORS. */
  readonly production: boolean;
  /** A pull request's preview stack. */
  readonly preview: boolean;

  constructor(readonly resources: PolicyResource[]) {
    // VAR-2: the environment's shared variables, the stack program's `shared-vars` (a Variables with no service;
    // by name, since a service's id is unknown in a preview too).
    const shared = resources.filter((r) => r.type === `${RAILWAY_TYPE_PREFIX}Variables` && r.name === "shared-vars");
    this.sharedSecrets = new Set(shared.flatMap((r) => Object.keys(unwrapped(r.props.secretVariables))));
    this.production = isProduction(resources);
    this.preview = isPreview(resources);
    this.services = this.ofType(TYPES.railwayService).map((service) => {
      const component = service.parent?.type.startsWith(COMPONENT_TYPE_PREFIX) ? service.parent : undefined;
      const near = (type: string) => this.ofType(type).filter((r) => belongsTo(r, service));
      const variables = near(TYPES.railwayVariables)[0];
      return {
        name: String(service.props.name ?? service.name),
        kind: /\bpgbouncer\b/i.test(String(service.props.image ?? ""))
          ? "pooler"
          : ((component && COMPONENT_KIND[component.type]) ??
            (/\b(postgres|redis)\b/i.test(String(service.props.image ?? ""))
              ? /postgres/i.test(String(service.props.image))
                ? "postgres"
                : "redis"
              : "app")),
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
        if (api && service === api.service && variable === api.variable) {
          out.push(api);
          continue;
        }
        // Judged by the value as well as the name (contract/variables.ts holdsOrigins).
        const format = holdsOrigins(variable, value);
        if (format) out.push({ service, variable, format });
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
          .filter(
            (s) =>
              s.kind === "app" &&
              Object.entries(s.plainVariables).some(([k, v]) => QUEUE_VARIABLE.test(k) && typeof v === "string" && ref.test(v)),
          )
          .map((s) => s.name)
          .sort();
        return { redis, declared: intentOf(redis.component, COMPONENT_TYPES.RedisCache)?.use, queueBy };
      });
  }

  /**
   * Why `value`, set on `service`, can render a secret, or undefined: its
   * literal text looks secret, or a `${{…}}` reference in it names (directly,
   * or through the variables it names in turn) a service's secret variable, a
   * variable whose value looks secret or whose name does, or a database's
   * variable other than its address. Railway renders references before a
   * build reads the variables, so a public variable that references a secret
   * puts the secret in the browser bundle.
   */
  rendersSecret(service: ServiceView | undefined, value: unknown, seen = new Set<string>()): string | undefined {
    if (typeof value !== "string") return undefined;
    const literal = secretValueReason(value);
    if (literal) return literal;
    for (const ref of referencesIn(value)) {
      const why = this.referenceSecret(service, ref.owner, ref.name, seen);
      if (why) return `\`${ref.text}\`, which ${why}`;
    }
    return undefined;
  }

  private referenceSecret(from: ServiceView | undefined, owner: string | undefined, name: string, seen: Set<string>): string | undefined {
    if ((RAILWAY_PROVIDED as readonly string[]).includes(name)) return undefined;
    if (owner === "shared") {
      if (this.sharedSecrets.has(name)) return `names the shared variable \`${name}\`, a stack secret (\`trestle:shared.secrets\`)`;
      return looksSecretName(name) ? `names the shared variable \`${name}\`, secret by its name` : undefined;
    }
    const target = owner === undefined ? from : this.services.find((s) => s.name === owner);
    const label = target ? `${target.name}'s \`${name}\`` : `\`${owner ?? ""}.${name}\``;
    const key = `${target?.name ?? owner}.${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (target && name in secretVariablesOf(target)) return `renders ${label}, a secret`;
    if (target && name in target.plainVariables) {
      const inner = this.rendersSecret(target, target.plainVariables[name], seen);
      if (inner) return `renders ${label}: ${inner}`;
      return looksSecretName(name) ? `renders ${label}, secret by its name` : undefined;
    }
    // A database's own variables beyond its address (host, port, user, database name) hold its password.
    if (target && target.kind !== "app" && !DATABASE_ADDRESS.has(name)) return `renders ${label}, which holds the database's password`;
    return looksSecretName(name) ? `renders ${label}, secret by its name` : undefined;
  }

  /** The frontend's origins and its production origin, when the stack has a frontend. */
  frontend(): { origins: string[]; productionOrigin: string } | undefined {
    const vercel = intentOf(this.ofType(TYPES.frontendComponent)[0], COMPONENT_TYPES.VercelFrontend);
    // A pull request's stack: the branch's Vercel preview is its frontend, and its only origin.
    const preview = intentOf(this.ofType(COMPONENT_TYPES.VercelPreview)[0], COMPONENT_TYPES.VercelPreview);
    const railway = this.ofType(TYPES.serviceComponent)
      .map((c) => intentOf(c, COMPONENT_TYPES.RailwayService))
      .find((intent) => intent?.frontend === true);
    const origins = (vercel ?? preview ?? railway)?.origins;
    if (!origins?.length) return undefined;
    return { origins, productionOrigin: origins[0] };
  }

  /** Every Vercel environment variable, from whichever resource declares it. */
  vercelVariables(): VercelVariable[] {
    const out: VercelVariable[] = [];
    for (const r of this.ofType(TYPES.vercelVariables)) {
      for (const v of (r.props.variables ?? []) as { key: string; value: unknown; sensitive?: boolean }[])
        out.push({ resource: r, key: v.key, value: v.value, sensitive: v.sensitive === true });
    }
    for (const r of this.ofType(TYPES.vercelVariable))
      out.push({ resource: r, key: String(r.props.key), value: r.props.value, sensitive: r.props.sensitive === true });
    for (const r of this.ofType(TYPES.vercelProject)) {
      for (const v of (r.props.environments ?? []) as { key: string; value: unknown; sensitive?: boolean }[])
        out.push({ resource: r, key: v.key, value: v.value, sensitive: v.sensitive === true });
    }
    return out;
  }
}
