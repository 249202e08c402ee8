// The Trestle stack program: read the stack's config, declare its architecture,
// return what a user needs as stack outputs. Invalid config stops here, before
// any resource exists. A project's `index.ts` is `export = trestleStack();`.
//
// The program is a sequence of named steps, each declaring one part: the
// Railway project and environment, the databases, the shared variables, the
// services, the frontend, the outputs. How the parts reach each other (the
// connection variables, the deploy order, the URLs) is in `wiring.ts`.
import * as pulumi from "@pulumi/pulumi";
import * as railway from "@trestle/railway";
import { FrontendConfig, PostgresConfig, RedisConfig, ServiceConfig, StackConfig, loadStackConfig, stackSecret } from "./config";
import { Placement, Wiring, connected, publicUrlOf, readsShared, referencedBuckets, secretsOf, serviceArgs } from "./wiring";
import { PostgresDb } from "../postgres-db";
import { RailwayService } from "../railway-service";
import { RedisCache } from "../redis-cache";
import { StorageBucket } from "../storage-bucket";
import { VercelFrontend, frontendVariables } from "../vercel-frontend";
import { VercelPreview } from "../vercel-preview";
import { remoteName } from "../naming";

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
  const { project, environment, place } = declareRailway(config);
  const step: Step = { config, place };
  const databases = declareDatabases(step);
  // The API's CORS origins are the frontend's domains, and the frontend needs the
  // API's URL: the origins are filled in once the frontend is declared.
  const [frontendOrigins, setFrontendOrigins] = pulumi.deferredOutput<string[]>();
  const wiring: Wiring = { databases: { ...databases.byName, ...declareBuckets(step) }, frontendOrigins };
  const declaring: Declaring = { ...step, wiring, deploys: deployOrder(wiring, declareShared(step)) };
  const services = declareServices(declaring);
  const frontend = declareFrontend(declaring, services);
  setFrontendOrigins(pulumi.output(frontend?.origins ?? []));

  // The outputs: where the stack lives, where users and browsers reach it, the DNS records to create.
  return {
    railwayProjectId: project.projectId,
    railwayEnvironmentId: environment.environmentId,
    apiUrl: config.apiService ? apiUrlOf(config, services) : undefined,
    frontendUrl: frontend?.url,
    serviceUrls: pulumi.all(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.origins]))),
    dnsRecords: pulumi.all(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.dnsRecords]))),
    redisUse: databases.redis?.use,
  };
}

/** What every step after the first reads: the stack's config, and where its Railway resources go. */
interface Step {
  config: StackConfig;
  place: Placement;
}

/** What declaring a service reads besides: what it is wired to, and when it deploys. */
interface Declaring extends Step {
  wiring: Wiring;
  deploys: DeployOrder;
}

/** `allowReplace: true` when `trestle:allowReplace` names one of `names` for this update; nothing otherwise. */
const allowing = (config: StackConfig, ...names: string[]) =>
  names.some((n) => config.allowReplace.includes(n)) ? { allowReplace: true } : {};

/** Step 1: the Railway project and environment everything else goes into. */
function declareRailway(config: StackConfig): { project: railway.Project; environment: railway.Environment; place: Placement } {
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
      ...allowing(config, "project"),
    },
    { protect: config.protect },
  );
  const environment = new railway.Environment(
    "environment",
    {
      projectId: project.projectId,
      name: config.railway.environment,
      forkOf: config.railway.forkOf,
      ...allowing(config, "environment", "project"),
    },
    { protect: config.protect },
  );
  const place: Placement = {
    scope: { projectId: project.projectId, environmentId: environment.environmentId },
    ownership: { projectCreated: project.created },
    production: config.production,
    preview: config.preview !== undefined,
  };
  return { project, environment, place };
}

/** Config spells backup schedules in lower case; Railway in upper (VOL-4). */
const upper = (kinds: ("daily" | "weekly" | "monthly")[]) => kinds.map((k) => k.toUpperCase() as railway.BackupSchedule);

/** Settings as the components take them: text, as Pulumi's component schema has no number-or-string. */
function textValues(settings: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}

function declarePostgres({ config, place }: Step, resourceName: string, serviceName: string | undefined, db: PostgresConfig) {
  return new PostgresDb(resourceName, {
    ...place.scope,
    serviceName,
    version: db.version,
    database: db.database,
    user: db.user,
    dataDirectory: db.dataDirectory,
    settings: textValues(db.settings),
    public: db.public,
    protect: config.protect,
    ...allowing(config, resourceName, "environment", "project"),
    production: config.production,
    ...place.ownership,
    takeOver: db.takeOver,
    limits: db.limits,
    backups: db.backups && upper(db.backups),
    backupsWaiver: db.backupsWaiver,
    password: db.passwordSecret ? stackSecret(db.passwordSecret) : undefined,
    pgbouncer: db.pgbouncer,
  });
}

function declareRedis({ config, place }: Step, resourceName: string, serviceName: string | undefined, db: RedisConfig) {
  return new RedisCache(resourceName, {
    ...place.scope,
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
    ...allowing(config, resourceName, "environment", "project"),
    ...place.ownership,
    takeOver: db.takeOver,
    limits: db.limits,
    backups: db.backups && upper(db.backups),
    backupsWaiver: db.backupsWaiver,
  });
}

/**
 * Step 2: the databases. `byName` is what `connects` names: the single
 * databases, and every database of `trestle:databases` by its key (also its
 * service name).
 */
function declareDatabases(step: Step): { redis?: RedisCache; byName: Record<string, PostgresDb | RedisCache> } {
  const { config } = step;
  const postgres = config.postgres && declarePostgres(step, "postgres", config.postgres.name, config.postgres);
  const redis = config.redis && declareRedis(step, "redis", config.redis.name, config.redis);
  const named = Object.entries(config.databases).map(([name, db]) => [
    name,
    db.postgres ? declarePostgres(step, name, name, db.postgres) : declareRedis(step, name, name, db.redis!),
  ]);
  return { redis, byName: { ...(postgres ? { postgres } : {}), ...(redis ? { redis } : {}), ...Object.fromEntries(named) } };
}

/** Step 2, continued: the storage buckets, by name (BKT-1); protected as the databases are, since deleting one deletes its objects. */
function declareBuckets({ config, place }: Step): Record<string, StorageBucket> {
  return Object.fromEntries(
    Object.entries(config.buckets).map(([name, bucket]) => [
      name,
      new StorageBucket(name, {
        ...place.scope,
        name,
        region: bucket.region,
        protect: config.protect,
        ...allowing(config, name, "environment", "project"),
        production: config.production,
        ...place.ownership,
        takeOver: bucket.takeOver,
      }),
    ]),
  );
}

/** Step 3: the environment's shared variables (VAR-2), written before any service that reads them deploys. */
function declareShared({ config, place }: Step): railway.Variables | undefined {
  if (!config.shared || !(Object.keys(config.shared.variables).length || Object.keys(config.shared.secrets).length)) return undefined;
  return new railway.Variables("shared-vars", {
    ...place.scope,
    variables: config.shared.variables,
    secretVariables: secretsOf(config.shared.secrets),
  });
}

/** When a service deploys: after the databases it reaches and the shared variables it reads, and again when those change. */
type DeployOrder = (service: ServiceConfig) => { deployAfter: pulumi.Resource[]; redeployOn?: pulumi.Input<unknown> };

function deployOrder(wiring: Wiring, shared: railway.Variables | undefined): DeployOrder {
  return (service) => {
    const deployAfter: pulumi.Resource[] = [
      ...new Set([...connected(service, wiring.databases), ...referencedBuckets(service, wiring.databases)]),
    ];
    if (!shared || !readsShared(service)) return { deployAfter };
    return { deployAfter: [...deployAfter, shared], redeployOn: pulumi.all([shared.variables, shared.secretVariables]) };
  };
}

/** Step 4: the services of `trestle:services`, by name. */
function declareServices({ config, place, wiring, deploys }: Declaring): Record<string, RailwayService> {
  return Object.fromEntries(
    Object.entries(config.services).map(([name, service]) => [
      name,
      new RailwayService(name, serviceArgs(place, wiring, name, service), deploys(service)),
    ]),
  );
}

/** Where browsers reach the API: its first custom domain, else its Railway URL. */
function apiUrlOf(config: StackConfig, services: Record<string, RailwayService>): pulumi.Input<string> | undefined {
  const name = config.apiService!;
  return publicUrlOf(config.services[name].domains, services[name].publicUrl);
}

type Frontend = { url: pulumi.Input<string>; origins: pulumi.Input<string[]> };

/**
 * Step 5: the frontend, wherever it runs: a Vercel project (or, for a pull
 * request, the base stack's Vercel previews of the branch), a Next.js server on
 * Railway, or a service of `trestle:services` marked `frontend`.
 */
function declareFrontend(declaring: Declaring, services: Record<string, RailwayService>): Frontend | undefined {
  const { config } = declaring;
  const frontend = config.frontend;
  if (!frontend || !config.apiService) {
    const webService = Object.entries(config.services).find(([, s]) => s.frontend)?.[0];
    if (!webService) return undefined;
    const web = services[webService];
    return {
      url: publicUrlOf(
        config.services[webService].domains,
        web.origins.apply((o) => o[0]),
      ),
      origins: web.origins,
    };
  }
  const apiUrl = apiUrlOf(config, services) ?? services[config.apiService].origins.apply((o) => o[0]);
  if (frontend.platform !== "vercel") return railwayFrontend(declaring, frontend, apiUrl);
  return config.preview ? vercelPreview(config, frontend, config.preview, apiUrl) : vercelFrontend(config, frontend, apiUrl);
}

type VercelConfig = Extract<FrontendConfig, { platform: "vercel" }>;

/** A pull request: the base stack's Vercel project already builds the branch; its previews are pointed here. */
function vercelPreview(
  config: StackConfig,
  frontend: VercelConfig,
  preview: NonNullable<StackConfig["preview"]>,
  apiUrl: pulumi.Input<string>,
): Frontend {
  const web = new VercelPreview("frontend", {
    projectName: remoteName("vercel", frontend.name, { production: false, stack: preview.baseStack }),
    branch: preview.branch,
    scope: preview.scope ?? "",
    origin: preview.origin,
    apiUrl,
    apiUrlVariable: frontend.apiUrlVariable,
    wsUrlVariable: frontend.wsUrlVariable ?? "",
    variables: frontend.variables,
    teamId: config.vercel.team,
  });
  return { url: web.url, origins: web.origins };
}

function vercelFrontend(config: StackConfig, frontend: VercelConfig, apiUrl: pulumi.Input<string>): Frontend {
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

/** A Next.js server on Railway: a service like the others, its API URL a variable. */
function railwayFrontend(
  { place, wiring, deploys }: Declaring,
  frontend: Exclude<FrontendConfig, VercelConfig>,
  apiUrl: pulumi.Input<string>,
): Frontend {
  const own = frontend.service;
  const service: ServiceConfig = { ...own, domains: frontend.domains, public: true, secrets: { ...own.secrets, ...frontend.secrets } };
  const urls = frontendVariables({
    apiUrl,
    apiUrlVariable: frontend.apiUrlVariable,
    wsUrlVariable: frontend.wsUrlVariable ?? "",
    variables: frontend.variables,
  });
  const web = new RailwayService(
    frontend.name,
    { ...serviceArgs(place, wiring, frontend.name, service, urls), frontend: true },
    deploys(service),
  );
  return {
    url: publicUrlOf(
      frontend.domains,
      web.origins.apply((o) => o[0]),
    ),
    origins: web.origins,
  };
}
