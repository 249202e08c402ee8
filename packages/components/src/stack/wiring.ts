// How the stack's parts reach each other: the connection variables a service
// gets for what it `connects` to, the databases its deploy waits for, the
// arguments its component takes, and the URLs the frontend and outputs use.
// No resource is declared here, so each function is tested on plain values
// (packages/components/test/wiring.test.ts), without the mock runtime.
import * as pulumi from "@pulumi/pulumi";
import { referencesIn } from "@trestle/railway/facts";
import { ServiceConfig, databaseVariable, stackSecret, unpooledVariable } from "./config";
import type { RailwayServiceArgs } from "../railway-service";

/**
 * What a service reaches through `connects`: a database, by a reference to its
 * private URL (Railway) or a secret URL (Upstash), or a bucket, by references
 * to its variables (BKT-3).
 */
export interface Reachable {
  /** A bucket's variables, under the names the service gets. */
  readonly references?: Record<string, string>;
  readonly urlReference?: string;
  /** Past a connection pool (PgBouncer): the database's own private URL. */
  readonly directUrlReference?: string;
  readonly secretUrl?: pulumi.Output<string>;
}

/** Where a stack's Railway resources go, and what every service's arguments share. */
export interface Placement {
  scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> };
  /** A same-name service in a project this stack created is its own; elsewhere only with `takeOver`. */
  ownership: { projectCreated: pulumi.Input<boolean> };
  production: boolean;
  preview: boolean;
}

/** What a service is wired to: the databases and buckets by the names `connects` uses, and the frontend's origins (for CORS). */
export interface Wiring {
  databases: Record<string, Reachable & pulumi.Resource>;
  frontendOrigins: pulumi.Input<string[]>;
}

type Connecting = Pick<ServiceConfig, "connects" | "celery">;

/** The Redis a service's Celery uses: the one it names, else the stack's `redis`. */
const celeryRedis = (service: Connecting) => service.celery && (service.celery.redis ?? "redis");

/** Connection variables for what a service `connects` to, and its Celery broker and results. */
export function connections(
  service: Connecting,
  databases: Record<string, Reachable>,
): { plain: Record<string, pulumi.Input<string>>; secret: Record<string, pulumi.Input<string>> } {
  const plain: Record<string, pulumi.Input<string>> = {};
  const secret: Record<string, pulumi.Input<string>> = {};
  // Railway: a reference to the private URL; Upstash: the secret rediss:// URL.
  const put = (db: Reachable, key: string, suffix = "") => {
    if (db.urlReference) plain[key] = `${db.urlReference}${suffix}`;
    else secret[key] = pulumi.interpolate`${db.secretUrl!}${suffix}`;
  };
  for (const target of service.connects) {
    const db = databases[target];
    if (db.references) {
      Object.assign(plain, db.references);
      continue;
    }
    put(db, databaseVariable(target));
    if (db.directUrlReference) plain[unpooledVariable(target)] = db.directUrlReference;
  }
  const broker = service.celery && databases[celeryRedis(service)!];
  if (service.celery && broker) {
    put(broker, "CELERY_BROKER_URL", `/${service.celery.broker}`);
    put(broker, "CELERY_RESULT_BACKEND", `/${service.celery.results}`);
  }
  return { plain, secret };
}

/**
 * The databases a service's deploy waits for: what it connects to and its
 * Celery broker. Their variables are written by their own first deploy
 * (DEP-6), and a reference to a variable not there yet renders empty (VAR-3).
 */
export function connected<T>(service: Connecting, databases: Record<string, T>): T[] {
  const names = [...service.connects, ...(service.celery ? [celeryRedis(service)!] : [])];
  return [...new Set(names.map((n) => databases[n]).filter((db) => db !== undefined))];
}

/**
 * The buckets a service's own variables reference by name (`${{archive.ENDPOINT}}`):
 * its deploy waits for them as for what it connects to, since a reference to a
 * bucket not yet deployed renders empty (VAR-3, BKT-3).
 */
export function referencedBuckets<T extends Reachable>(service: Pick<ServiceConfig, "variables">, targets: Record<string, T>): T[] {
  const owners = Object.values(service.variables ?? {}).flatMap((v) => (typeof v === "string" ? referencesIn(v).map((r) => r.owner) : []));
  return [...new Set(owners)].filter((o): o is string => o !== undefined && targets[o]?.references !== undefined).map((o) => targets[o]);
}

/** A service that reads `${{shared.…}}` (VAR-2) deploys after the shared variables, and again when they change. */
export function readsShared(service: Pick<ServiceConfig, "variables">): boolean {
  return Object.values(service.variables ?? {}).some((v) => typeof v === "string" && referencesIn(v).some((r) => r.owner === "shared"));
}

/** Stack secrets by the variable they become. */
export function secretsOf(secrets: Record<string, string>): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(Object.entries(secrets).map(([variable, key]) => [variable, stackSecret(key)]));
}

/** The named fields of `from`, as they are. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}

/** Config fields the component takes under the same name, as they are. */
const SAME_NAME = [
  "buildCommand",
  "builder",
  "port",
  "healthcheck",
  "restart",
  "replicas",
  "regions",
  "cron",
  "sleep",
  "public",
  "domains",
  "subdomain",
  "generated",
  "deployTimeoutSeconds",
  "takeOver",
  "limits",
  "frontend",
  "sealSecrets",
] as const satisfies readonly (keyof ServiceConfig & keyof RailwayServiceArgs)[];

/**
 * A service's component arguments from its config. The config's names are the
 * component's; only what config spells as stack secret names, connections and
 * either-or forms is translated here. `extra` are variables the stack adds (a
 * frontend's API URL).
 */
export function serviceArgs(
  place: Placement,
  wiring: Wiring,
  serviceName: string,
  service: ServiceConfig,
  extra: Record<string, pulumi.Input<string>> = {},
): RailwayServiceArgs {
  const { plain, secret } = connections(service, wiring.databases);
  const source = service.source;
  return {
    ...place.scope,
    serviceName,
    // Registry passwords are stack secret names in config; the component takes the secrets.
    source: {
      ...source,
      registry: source.registry && { username: source.registry.username, password: stackSecret(source.registry.passwordSecret) },
      build: source.build && {
        ...source.build,
        registry: {
          server: source.build.registry.server,
          username: source.build.registry.username,
          password: stackSecret(source.build.registry.passwordSecret),
        },
      },
    },
    ...pick(service, SAME_NAME),
    ...(typeof service.start === "string" ? { start: service.start } : { startExec: service.start }),
    preDeploy: typeof service.preDeploy === "string" ? [service.preDeploy] : service.preDeploy,
    variables: { ...plain, ...service.variables, ...extra },
    secrets: { ...secret, ...secretsOf(service.secrets) },
    cors: service.cors && {
      variable: service.cors.variable,
      format: service.cors.format,
      origins: pulumi.all([wiring.frontendOrigins, service.cors.origins]).apply(([fromFrontend, extras]) => [...fromFrontend, ...extras]),
    },
    production: place.production,
    preview: place.preview ? true : undefined,
    ...place.ownership,
  };
}

/** Where users open a service (the API, a frontend on Railway): its first custom domain, else its Railway URL. */
export function publicUrlOf<U extends pulumi.Input<string> | undefined>(
  domains: string[] | undefined,
  railwayUrl: U,
): pulumi.Input<string> | U {
  return domains?.length ? `https://${domains[0]}` : railwayUrl;
}
