// The Trestle stack program: read the stack's config, declare its architecture,
// return what a user needs as stack outputs. Invalid config stops here, before
// any resource exists. A project's `index.ts` is `export = trestleStack();`.
import * as pulumi from "@pulumi/pulumi";
import * as railway from "@trestle/railway";
import {
  FrontendConfig,
  PostgresConfig,
  RedisConfig,
  ServiceConfig,
  StackConfig,
  databaseVariable,
  loadStackConfig,
  stackSecret,
} from "./config";
import { PostgresDb } from "../postgres-db";
import { RailwayService, RailwayServiceArgs } from "../railway-service";
import { RedisCache } from "../redis-cache";
import { VercelFrontend, frontendVariables } from "../vercel-frontend";
import { VercelPreview } from "../vercel-preview";
import { remoteName } from "../naming";

/** The named fields of `from`, as they are. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}

/** Settings as the components take them: text, as Pulumi's component schema has no number-or-string. */
function textValues(settings: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}

/** The stack outputs of a Trestle stack. */
export interface TrestleStackOutputs {
  railwayProjectId: pulumi.Output<string>;
  railwayEnvironmentId: pulumi.Output<string>;
  apiUrl?: pulumi.Input<string>;
  frontendUrl?: pulumi.Input<string>;
  serviceUrls: pulumi.Output<Record<string, string[]>>;
  /** DNS records to create for every custom domain on Railway. */
  dnsRecords: pulumi.Output<Record<string, unknown>>;
  redisUse?: pulumi.Input<string>;
}

/** Declares the stack the current Pulumi stack's config describes (`trestle:*`) and returns its outputs. */
export function trestleStack(): TrestleStackOutputs {
  const config: StackConfig = loadStackConfig();
  /** `allowReplace: true` when `trestle:allowReplace` names one of `names` for this update; nothing otherwise. */
  const allowing = (...names: string[]) => (names.some((n) => config.allowReplace.includes(n)) ? { allowReplace: true } : {});

  const project = new railway.Project(
    "project",
    {
      name: config.railway.project ?? `${pulumi.getProject()}-${pulumi.getStack()}`,
      existingProjectId: config.railway.projectId,
      workspaceId: config.railway.workspaceId,
      // A project of its own has exactly the stack's environment (PROJ-1, SVC-5).
      defaultEnvironmentName: config.railway.environment,
      // Marks the project as this stack's, so a run that died after creating it adopts it.
      owner: `${pulumi.getProject()}/${pulumi.getStack()}`,
      ...allowing("project"),
    },
    { protect: config.protect },
  );
  const environment = new railway.Environment(
    "environment",
    {
      projectId: project.projectId,
      name: config.railway.environment,
      forkOf: config.railway.forkOf,
      ...allowing("environment", "project"),
    },
    { protect: config.protect },
  );
  const scope = { projectId: project.projectId, environmentId: environment.environmentId };
  /** A same-name service in a project this stack created is its own; elsewhere only with `takeOver`. */
  const ownership = { projectCreated: project.created };
  /** Config spells backup schedules in lower case; Railway in upper (VOL-4). */
  const upper = (kinds: ("daily" | "weekly" | "monthly")[]) => kinds.map((k) => k.toUpperCase() as railway.BackupSchedule);

  function declarePostgres(resourceName: string, serviceName: string | undefined, db: PostgresConfig): PostgresDb {
    return new PostgresDb(resourceName, {
      ...scope,
      serviceName,
      version: db.version,
      database: db.database,
      user: db.user,
      dataDirectory: db.dataDirectory,
      settings: textValues(db.settings),
      public: db.public,
      protect: config.protect,
      ...allowing(resourceName, "environment", "project"),
      production: config.production,
      ...ownership,
      takeOver: db.takeOver,
      limits: db.limits,
      backups: db.backups && upper(db.backups),
      backupsWaiver: db.backupsWaiver,
      password: db.passwordSecret ? stackSecret(db.passwordSecret) : undefined,
    });
  }

  function declareRedis(resourceName: string, serviceName: string | undefined, db: RedisConfig): RedisCache {
    return new RedisCache(resourceName, {
      ...scope,
      provider: db.provider,
      use: db.use,
      serviceName,
      version: db.version,
      maxmemory: db.maxmemory,
      evictionPolicy: db.evictionPolicy,
      persistence: db.persistence,
      settings: textValues(db.settings),
      public: db.public,
      upstash: db.upstash,
      production: config.production,
      protect: config.protect,
      ...allowing(resourceName, "environment", "project"),
      ...ownership,
      takeOver: db.takeOver,
      limits: db.limits,
      backups: db.backups && upper(db.backups),
      backupsWaiver: db.backupsWaiver,
    });
  }

  const postgres = config.postgres && declarePostgres("postgres", config.postgres.name, config.postgres);
  const redis = config.redis && declareRedis("redis", config.redis.name, config.redis);
  /** What `connects` names: the single databases, and every database of `trestle:databases` by its key (also its service name). */
  const databases: Record<string, PostgresDb | RedisCache> = {
    ...(postgres ? { postgres } : {}),
    ...(redis ? { redis } : {}),
    ...Object.fromEntries(
      Object.entries(config.databases).map(([name, db]) => [
        name,
        db.postgres ? declarePostgres(name, name, db.postgres) : declareRedis(name, name, db.redis!),
      ]),
    ),
  };

  // The API's CORS origins are the frontend's domains, and the frontend needs the
  // API's URL: the origins are filled in once the frontend is declared.
  const [frontendOrigins, setFrontendOrigins] = pulumi.deferredOutput<string[]>();

  /** Connection variables for what a service `connects` to. */
  function connections(service: Pick<ServiceConfig, "connects" | "celery">) {
    const plain: Record<string, pulumi.Input<string>> = {};
    const secret: Record<string, pulumi.Input<string>> = {};
    // Railway: a reference to the private URL; Upstash: the secret rediss:// URL.
    const put = (db: PostgresDb | RedisCache, key: string, suffix = "") => {
      if (db.urlReference) plain[key] = `${db.urlReference}${suffix}`;
      else secret[key] = pulumi.interpolate`${(db as RedisCache).secretUrl!}${suffix}`;
    };
    for (const target of service.connects) put(databases[target], databaseVariable(target));
    const broker = service.celery && databases[service.celery.redis ?? "redis"];
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
  function connected(service: Pick<ServiceConfig, "connects" | "celery">): pulumi.Resource[] {
    const names = [...service.connects, ...(service.celery ? [service.celery.redis ?? "redis"] : [])];
    return [...new Set(names.map((n) => databases[n]).filter((db) => db !== undefined))];
  }

  function secretsOf(secrets: Record<string, string>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(secrets).map(([variable, key]) => [variable, stackSecret(key)]));
  }

  function serviceArgs(serviceName: string, service: ServiceConfig, extra: Record<string, pulumi.Input<string>> = {}): RailwayServiceArgs {
    const { plain, secret } = connections(service);
    const source = service.source;
    return {
      ...scope,
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
      // The config's names are the component's; only what config spells as stack
      // secret names, connections and either-or forms is translated here.
      ...pick(service, [
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
      ]),
      ...(typeof service.start === "string" ? { start: service.start } : { startExec: service.start }),
      preDeploy: typeof service.preDeploy === "string" ? [service.preDeploy] : service.preDeploy,
      variables: { ...plain, ...service.variables, ...extra },
      secrets: { ...secret, ...secretsOf(service.secrets) },
      cors: service.cors && {
        variable: service.cors.variable,
        format: service.cors.format,
        origins: pulumi.all([frontendOrigins, service.cors.origins]).apply(([fromFrontend, extras]) => [...fromFrontend, ...extras]),
      },
      production: config.production,
      preview: config.preview ? true : undefined,
      ...ownership,
    };
  }

  // VAR-2: the environment's shared variables, written before any service that reads them deploys.
  const shared =
    config.shared && (Object.keys(config.shared.variables).length || Object.keys(config.shared.secrets).length)
      ? new railway.Variables("shared-vars", {
          ...scope,
          variables: config.shared.variables,
          secretVariables: secretsOf(config.shared.secrets),
        })
      : undefined;
  /** A service that reads `${{shared.…}}` deploys after the shared variables, and again when they change. */
  function readsShared(service: Pick<ServiceConfig, "variables">): boolean {
    return Object.values(service.variables ?? {}).some(
      (v) => typeof v === "string" && railway.referencesIn(v).some((r) => r.owner === "shared"),
    );
  }
  function deployOptions(service: ServiceConfig): { deployAfter: pulumi.Resource[]; redeployOn?: pulumi.Input<unknown> } {
    if (!shared || !readsShared(service)) return { deployAfter: connected(service) };
    return { deployAfter: [...connected(service), shared], redeployOn: pulumi.all([shared.variables, shared.secretVariables]) };
  }

  const services: Record<string, RailwayService> = Object.fromEntries(
    Object.entries(config.services).map(([name, service]) => [
      name,
      new RailwayService(name, serviceArgs(name, service), deployOptions(service)),
    ]),
  );

  /** Where users open a frontend on Railway: its first custom domain, else its Railway URL (as a Vercel frontend's). */
  function frontendUrlOf(web: RailwayService, domains: string[] | undefined): pulumi.Input<string> {
    return domains?.length ? `https://${domains[0]}` : web.origins.apply((o) => o[0]);
  }

  /** Where browsers reach the API: its first custom domain, else its Railway URL. */
  function apiUrlOf(name: string): pulumi.Input<string> | undefined {
    const domains = config.services[name].domains;
    if (domains?.length) return `https://${domains[0]}`;
    return services[name].publicUrl;
  }

  function declareFrontend(frontend: FrontendConfig, api: RailwayService): { url: pulumi.Input<string>; origins: pulumi.Input<string[]> } {
    const apiUrl = apiUrlOf(config.apiService!) ?? api.origins.apply((o) => o[0]);
    if (frontend.platform === "vercel" && config.preview) {
      // A pull request: the base stack's Vercel project already builds the branch; point its previews here.
      const web = new VercelPreview("frontend", {
        projectName: remoteName("vercel", frontend.name, { production: false, stack: config.preview.baseStack }),
        branch: config.preview.branch,
        scope: config.preview.scope ?? "",
        origin: config.preview.origin,
        apiUrl,
        apiUrlVariable: frontend.apiUrlVariable,
        wsUrlVariable: frontend.wsUrlVariable ?? "",
        variables: frontend.variables,
        teamId: config.vercel.team,
      });
      return { url: web.url, origins: web.origins };
    }
    if (frontend.platform === "vercel") {
      const web = new VercelFrontend("frontend", {
        projectName: remoteName("vercel", frontend.name, { production: config.production }),
        framework: frontend.framework,
        repo: frontend.repo,
        branch: frontend.branch,
        rootDirectory: frontend.rootDirectory,
        domains: frontend.domains,
        apiUrl,
        apiUrlVariable: frontend.apiUrlVariable,
        wsUrlVariable: frontend.wsUrlVariable ?? "",
        variables: frontend.variables,
        secrets: secretsOf(frontend.secrets),
        securityHeaders: frontend.securityHeaders,
        maxDurationSeconds: frontend.maxDurationSeconds,
        spa: frontend.spa,
        vercelDomain: frontend.vercelDomain,
        teamId: config.vercel.team,
        production: config.production,
      });
      return { url: web.url, origins: web.origins };
    }
    // A Next.js server on Railway: a service like the others, its API URL a variable.
    const own = frontend.service;
    const service: ServiceConfig = { ...own, domains: frontend.domains, public: true, secrets: { ...own.secrets, ...frontend.secrets } };
    const urls = frontendVariables({
      apiUrl,
      apiUrlVariable: frontend.apiUrlVariable,
      wsUrlVariable: frontend.wsUrlVariable ?? "",
      variables: frontend.variables,
    });
    const web = new RailwayService(frontend.name, { ...serviceArgs(frontend.name, service, urls), frontend: true }, deployOptions(service));
    return { url: frontendUrlOf(web, frontend.domains), origins: web.origins };
  }

  /** A service marked `frontend` (a Next.js server on Railway, with or without an API). */
  function serviceFrontend(name: string): { url: pulumi.Input<string>; origins: pulumi.Input<string[]> } {
    return { url: frontendUrlOf(services[name], config.services[name].domains), origins: services[name].origins };
  }

  const webService = Object.entries(config.services).find(([, s]) => s.frontend)?.[0];
  const frontend =
    config.frontend && config.apiService
      ? declareFrontend(config.frontend, services[config.apiService])
      : webService
        ? serviceFrontend(webService)
        : undefined;
  setFrontendOrigins(pulumi.output(frontend?.origins ?? []));

  return {
    railwayProjectId: project.projectId,
    railwayEnvironmentId: environment.environmentId,
    apiUrl: config.apiService ? apiUrlOf(config.apiService) : undefined,
    frontendUrl: frontend?.url,
    serviceUrls: pulumi.all(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.origins]))),
    dnsRecords: pulumi.all(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.dnsRecords]))),
    redisUse: redis?.use,
  };
}
