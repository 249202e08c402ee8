// What `trestle import` makes of a Railway project's inventory: the stack's
// settings, its secrets and notes (the command itself is import.ts, which
// loads this, and Pulumi's SDK with it, only once its arguments are good).
import { POSTGRES_IMAGE, databaseVariable, looksSecretName, secretValueReason } from "@trestle/components";
import type { ProjectInventory, ServiceInventory } from "@trestle/railway";

type Config = Record<string, unknown>;

/** What importing found: the stack's settings, its secrets (values to encrypt), and notes for the user. */
export interface Imported {
  config: Config;
  secrets: Record<string, string>;
  notes: string[];
}

const POSTGRES = new RegExp(`^${POSTGRES_IMAGE.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(:(\\d+))?`);
const REDIS = /^(docker\.io\/)?(library\/)?redis(:([\d.]+))?/;

/**
 * A value that is key material whatever its name: one long unbroken run of
 * base64 or hex with letters and digits mixed (an encoded key, a token). An
 * import errs toward encrypting: a secret in the clear is the worse mistake.
 */
function looksLikeKeyMaterial(value: string): boolean {
  const v = value.trim();
  return /^[A-Za-z0-9+/_=-]{32,}$/.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v) && !/^[a-z-]+$/.test(v);
}

/** `SERPAPI_KEY` → `serpapiKey`: a stack secret's key. */
function secretKeyOf(variable: string): string {
  const [first, ...rest] = variable.toLowerCase().split(/_+/).filter(Boolean);
  return [first, ...rest.map((w) => w[0].toUpperCase() + w.slice(1))].join("");
}

/** Trestle's own shell wrapper, unwrapped: `/bin/sh -c "exec uvicorn … $PORT"` → `uvicorn … $PORT`. */
function userCommand(command: string): string {
  const wrapped = /^\/bin\/sh -c "exec (.*)"$/s.exec(command);
  return wrapped ? wrapped[1].replace(/\\(["\\$`])/g, "$1") : command;
}

/** `--flag value` pairs of a Redis start command. */
function redisFlag(command: string | null | undefined, flag: string): string | undefined {
  return new RegExp(`--${flag} (\\S+)`).exec(command ?? "")?.[1];
}

/** `-c name=value` pairs of a Postgres start command. */
function postgresSettings(command: string | null | undefined): Record<string, string> {
  return Object.fromEntries([...(command ?? "").matchAll(/-c ([a-z_.]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

/** The stack file settings for `inventory`. Pure: what is read in, what is written out. */
export function importedStack(inventory: ProjectInventory): Imported {
  const notes: string[] = [];
  const secrets: Record<string, string> = {};
  const postgres = inventory.services.filter((s) => POSTGRES.test(s.instance.source?.image ?? ""));
  const redis = inventory.services.filter((s) => REDIS.test(s.instance.source?.image ?? ""));
  const apps = inventory.services.filter((s) => !postgres.includes(s) && !redis.includes(s));
  /** How `connects` names a database service: `postgres`/`redis` for the first, its own name for the rest. */
  const connectName = new Map<string, string>([
    ...postgres.map((s, i) => [s.name, i ? s.name : "postgres"] as const),
    ...redis.map((s, i) => [s.name, i ? s.name : "redis"] as const),
  ]);
  const queued = new Set<string>();

  const services: Record<string, Config> = {};
  for (const service of apps) {
    const { instance } = service;
    const entry: Config = { takeOver: true };
    const source = instance.source ?? {};
    if (source.image) entry.source = { image: source.image };
    else if (source.repo) {
      entry.source = {
        repo: source.repo,
        ...(instance.rootDirectory ? { rootDirectory: instance.rootDirectory } : {}),
        ...(instance.dockerfilePath ? { dockerfilePath: instance.dockerfilePath } : {}),
      };
      notes.push(
        `services.${service.name}.source.branch: Railway does not report the branch it deploys; \`main\` is assumed, set it if it is another`,
      );
    } else notes.push(`services.${service.name}.source: the service has no source connected; give \`repo\` or \`image\``);
    if (instance.startCommand) entry.start = userCommand(instance.startCommand);
    const preDeploy = typeof instance.preDeployCommand === "string" ? [instance.preDeployCommand] : instance.preDeployCommand;
    if (preDeploy?.length) entry.preDeploy = preDeploy.map(userCommand);
    if (instance.buildCommand) entry.buildCommand = instance.buildCommand;
    if (instance.builder) entry.builder = instance.builder;
    if (instance.healthcheckPath)
      entry.healthcheck = {
        path: instance.healthcheckPath,
        ...(instance.healthcheckTimeout ? { timeoutSeconds: instance.healthcheckTimeout } : {}),
      };
    if (instance.restartPolicyType) {
      entry.restart = {
        policy: instance.restartPolicyType,
        ...(instance.restartPolicyType === "ON_FAILURE" && instance.restartPolicyMaxRetries
          ? { maxRetries: instance.restartPolicyMaxRetries }
          : {}),
      };
    }
    if (instance.numReplicas && instance.numReplicas > 1 && !instance.cronSchedule) entry.replicas = instance.numReplicas;
    if (instance.cronSchedule) entry.cron = instance.cronSchedule;
    if (instance.sleepApplication) entry.sleep = true;
    const port =
      Number(service.variables.PORT) || service.serviceDomains[0]?.targetPort || service.customDomains[0]?.targetPort || undefined;
    if (port) entry.port = port;
    if (service.serviceDomains.length) entry.public = true;
    if (service.customDomains.length) entry.domains = service.customDomains.map((d) => d.domain);

    const connects: string[] = [];
    const variables: Record<string, string> = {};
    const secretVariables: Record<string, string> = {};
    let celery: { redis?: string; broker?: number; results?: number } | undefined;
    for (const [key, value] of Object.entries(service.variables).sort(([a], [b]) => a.localeCompare(b))) {
      if (key === "PORT" && port) continue;
      const reference = /^\$\{\{\s*([A-Za-z0-9_-]+)\.(DATABASE_URL|REDIS_URL)\s*\}\}(\/(\d+))?$/.exec(value);
      const target = reference && connectName.get(reference[1]);
      if (target && !reference[3] && key === databaseVariable(target)) {
        connects.push(target);
        continue;
      }
      if (target && reference[3] && (key === "CELERY_BROKER_URL" || key === "CELERY_RESULT_BACKEND")) {
        celery = {
          ...celery,
          ...(target !== "redis" ? { redis: target } : {}),
          [key === "CELERY_BROKER_URL" ? "broker" : "results"]: Number(reference[4]),
        };
        if (!connects.includes(target)) connects.push(target);
        queued.add(reference[1]);
        continue;
      }
      if (/^\$\{\{[^}]+\}\}$/.test(value.trim()) || !(looksSecretName(key) || secretValueReason(value) || looksLikeKeyMaterial(value))) {
        variables[key] = value;
        continue;
      }
      // One stack secret per value: services sharing a key and its value share the secret.
      const shared = secretKeyOf(key);
      const secretKey = secrets[shared] === undefined || secrets[shared] === value ? shared : secretKeyOf(`${service.name}_${key}`);
      secrets[secretKey] = value;
      secretVariables[key] = secretKey;
    }
    if (connects.length) entry.connects = [...new Set(connects)].sort();
    if (celery) entry.celery = celery;
    if (Object.keys(variables).length) entry.variables = variables;
    if (Object.keys(secretVariables).length) entry.secrets = secretVariables;
    services[service.name] = entry;
  }

  const databases: Record<string, Config> = {};
  const postgresConfig = (service: ServiceInventory, first: boolean): Config => {
    const version = Number(POSTGRES.exec(service.instance.source?.image ?? "")?.[2]);
    const password = service.variables.POSTGRES_PASSWORD;
    const entry: Config = {
      ...(first && service.name !== "Postgres" ? { name: service.name } : {}),
      ...(version ? { version } : {}),
      ...(service.variables.POSTGRES_DB && service.variables.POSTGRES_DB !== "railway" ? { database: service.variables.POSTGRES_DB } : {}),
      ...(service.variables.POSTGRES_USER && service.variables.POSTGRES_USER !== "postgres"
        ? { user: service.variables.POSTGRES_USER }
        : {}),
      // Its cluster stays where it is: another PGDATA would start an empty one beside the data.
      ...(service.variables.PGDATA && service.variables.PGDATA !== "/var/lib/postgresql/data/pgdata"
        ? { dataDirectory: service.variables.PGDATA }
        : {}),
      ...(Object.keys(postgresSettings(service.instance.startCommand)).length
        ? { settings: postgresSettings(service.instance.startCommand) }
        : {}),
      takeOver: true,
    };
    // Its data keeps the password it was created with (POSTGRES_PASSWORD is read only
    // when initdb makes an empty data directory, IMG-2): keep it, as a stack secret.
    if (password && !password.startsWith("${{")) {
      // Its own key: an app's variable of the same name is another secret, whatever its value.
      let key = secretKeyOf(`${service.name}_password`);
      if (secrets[key] !== undefined && secrets[key] !== password) key = secretKeyOf(`${service.name}_database_password`);
      secrets[key] = password;
      entry.passwordSecret = key;
    } else
      notes.push(
        `${service.name}: no readable POSTGRES_PASSWORD; a new one would lock its clients out, so set \`passwordSecret\` before \`up\``,
      );
    return entry;
  };
  const redisConfig = (service: ServiceInventory, first: boolean): Config => {
    const policy = redisFlag(service.instance.startCommand, "maxmemory-policy");
    const maxmemory = redisFlag(service.instance.startCommand, "maxmemory");
    const asQueue = queued.has(service.name) || policy === "noeviction";
    return {
      ...(first && service.name !== "Redis" ? { name: service.name } : {}),
      use: asQueue ? "both" : "cache",
      ...(policy ? { evictionPolicy: policy } : {}),
      ...(maxmemory && maxmemory !== "0" ? { maxmemory } : {}),
      takeOver: true,
    };
  };
  postgres.slice(1).forEach((s) => (databases[s.name] = { postgres: postgresConfig(s, false) }));
  redis.slice(1).forEach((s) => (databases[s.name] = { redis: redisConfig(s, false) }));

  const config: Config = {
    "trestle:railway": { projectId: inventory.projectId, environment: inventory.environment.name },
    "trestle:services": services,
    ...(postgres[0] ? { "trestle:postgres": postgresConfig(postgres[0], true) } : {}),
    ...(redis[0] ? { "trestle:redis": redisConfig(redis[0], true) } : {}),
    ...(Object.keys(databases).length ? { "trestle:databases": databases } : {}),
  };
  return { config, secrets, notes };
}
