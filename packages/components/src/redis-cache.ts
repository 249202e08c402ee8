// Redis for caches and queues: a Redis service on Railway's private network, or
// a global Upstash database over TLS. What it is used for is recorded, because
// an eviction policy that suits a cache silently loses a queue's jobs.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as upstash from "@upstash/pulumi";
import * as railway from "@trestle/railway";
import { allOneOf, oneOf } from "./args";
import { defaultBackups } from "./backups";
import { dataGuard } from "./data-guard";
import { digest } from "./digest";
import { deployedService } from "./railway-unit";
import { remoteName } from "./naming";
import { RedisIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";

/** What a Redis holds. */
export const REDIS_USES = ["cache", "queue", "both"] as const;
export type RedisUse = (typeof REDIS_USES)[number];
/** Redis's `maxmemory-policy` values. */
export const EVICTION_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];
export const REDIS_PROVIDERS = ["railway", "upstash"] as const;
export type RedisProvider = (typeof REDIS_PROVIDERS)[number];

/** Upstash placement and spending. */
export interface UpstashArgs {
  /** Where the database lives; changing it replaces the database. */
  primaryRegion: string;
  /** Read replicas. @default none */
  readRegions?: string[];
  /** Monthly budget in dollars; at it the database is throttled until the next month. @default Upstash's ($20) */
  budget?: number;
  /** Move to a higher plan automatically when the database hits its quotas. @default false */
  autoScale?: boolean;
  /** Upstash's Prod Pack (uptime SLA, multi-zone, monitoring), billed per database. @default false */
  prodPack?: boolean;
}

export interface RedisPersistence {
  /** Snapshots (and an append-only file when asked) on a volume at `/data`. */
  enabled: boolean;
  /** `save` rules, each "<seconds> <changes>". @default ["900 1", "300 10", "60 10000"] */
  save?: string[];
  /** @default false */
  appendonly?: boolean;
}

export interface RedisCacheArgs {
  /** `railway` or `upstash`; changing it replaces the database and loses its data. @default "railway" */
  provider?: string;
  /** What it holds: `cache`, `queue` or `both`; a `queue` or `both` Redis must not evict keys. */
  use: string;
  /** Required on Railway. */
  projectId?: pulumi.Input<string>;
  /** Required on Railway. */
  environmentId?: pulumi.Input<string>;
  /** The Railway service name (`${{Redis.REDIS_URL}}`), or the base of the Upstash database name. @default "Redis" */
  serviceName?: string;
  /** Redis image version on Railway. @default "7.4" */
  version?: string;
  /** e.g. `512mb`. @default Redis's (no limit) */
  maxmemory?: string;
  /** One of Redis's `maxmemory-policy` values. @default `allkeys-lru` for a cache, `noeviction` otherwise */
  evictionPolicy?: string;
  /** Snapshots (and an append-only file) on a volume. @default off */
  persistence?: RedisPersistence;
  /** More `redis.conf` directives (`timeout`, `tcp-keepalive`). @default {} */
  settings?: Record<string, string>;
  /** A public TCP proxy and `REDIS_PUBLIC_URL` (Railway only). @default false */
  public?: boolean;
  /** Upstash placement; `primaryRegion` is required with `provider: upstash`, and changing it replaces the database. */
  upstash?: UpstashArgs;
  /** Whether this is a production stack (Upstash names). */
  production: boolean;
  /** Protect the data from deletion. @default false */
  protect?: boolean;
  /**
   * Allow this update to replace the Redis service and volume (a new, empty
   * Redis). Without it such a replacement is refused. @default false
   */
  allowReplace?: boolean;
  /** Whether Trestle created the project (a same-name service there is this stack's own). @default false */
  projectCreated?: pulumi.Input<boolean>;
  /** Manage a same-name service Trestle did not create; `pulumi destroy` then deletes it. @default false */
  takeOver?: boolean;
  /** The most vCPUs and memory (GB) each replica may use (LIM-1). @default the plan's */
  limits?: railway.ServiceLimits;
  /**
   * Backup schedules of the data volume (VOL-4). @default daily and weekly in
   * production, unmanaged elsewhere; `[]` turns them off.
   */
  backups?: string[];
  /** Why this production Redis's volume goes without backups (`backups: []`); the synth report shows it. */
  backupsWaiver?: string;
}

export const REDIS_PORT = 6379;
export const REDIS_DATA = "/data";

/** The resolved Redis server settings Trestle passes on the command line. */
export interface RedisServerConfig {
  maxmemory?: string;
  evictionPolicy: EvictionPolicy;
  persistence: RedisPersistence;
  settings: Record<string, string | number>;
}

export function defaultEvictionPolicy(use: RedisUse): EvictionPolicy {
  return use === "cache" ? "allkeys-lru" : "noeviction";
}

/** `redis-server` arguments (after `--requirepass`) for this configuration. */
export function redisServerArgs(config: RedisServerConfig): string[] {
  const args: string[] = [];
  if (config.maxmemory) args.push("--maxmemory", config.maxmemory);
  args.push("--maxmemory-policy", config.evictionPolicy);
  if (config.persistence.enabled) {
    args.push("--save", (config.persistence.save ?? ["900 1", "300 10", "60 10000"]).join(" "));
    args.push("--appendonly", config.persistence.appendonly ? "yes" : "no");
    args.push("--dir", REDIS_DATA);
  } else {
    args.push("--save", "", "--appendonly", "no");
  }
  for (const name of Object.keys(config.settings).sort()) args.push(`--${name}`, String(config.settings[name]));
  return args;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The start command, shaped like Railway's own Redis template (IMG-5):
 * `/bin/sh -c "… exec docker-entrypoint.sh redis-server --requirepass $REDIS_PASSWORD …"`.
 * A start command runs in exec form (RUN-1), so the shell is what expands the
 * password variable (which therefore never appears in the command itself), and
 * the image's entrypoint is named so it still drops from root to `redis`
 * (IMG-4). With a volume, its `lost+found` is removed first, as the template does.
 */
export function redisStartCommand(config: RedisServerConfig): string {
  const server = [
    "docker-entrypoint.sh",
    "redis-server",
    "--requirepass",
    "$REDIS_PASSWORD",
    "--port",
    String(REDIS_PORT),
    ...redisServerArgs(config).map(shellQuote),
  ].join(" ");
  const script = config.persistence.enabled ? `rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec ${server}` : `exec ${server}`;
  // Inside the double quotes only `'` quoting is used (shellQuote), so nothing needs escaping.
  return `/bin/sh -c "${script}"`;
}

/** The Redis service's plain variables, as Railway's template names them; `REDIS_PASSWORD` is the secret beside them. */
export function redisVariables(isPublic: boolean): Record<string, string> {
  const credentials = "default:${{REDIS_PASSWORD}}";
  const variables: Record<string, string> = {
    REDISUSER: "default",
    REDISPASSWORD: "${{REDIS_PASSWORD}}",
    REDISHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
    REDISPORT: String(REDIS_PORT),
    REDIS_URL: `redis://${credentials}@\${{RAILWAY_PRIVATE_DOMAIN}}:${REDIS_PORT}`,
  };
  if (isPublic) variables.REDIS_PUBLIC_URL = `redis://${credentials}@\${{RAILWAY_TCP_PROXY_DOMAIN}}:\${{RAILWAY_TCP_PROXY_PORT}}`;
  return variables;
}

/**
 * Redis on Railway or Upstash.
 *
 * ```ts
 * const redis = new RedisCache("redis", { use: "queue", projectId, environmentId, maxmemory: "512mb", production: true });
 * // redis.urlReference → "${{Redis.REDIS_URL}}" (Railway) ; redis.secretUrl → rediss://… (Upstash)
 * ```
 */
export class RedisCache extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.RedisCache;
  /** `railway` or `upstash`. */
  readonly provider: string;
  /** `cache`, `queue` or `both`. */
  readonly use: string;
  /** The `maxmemory-policy` in effect. */
  readonly evictionPolicy: string;
  /** Railway: a reference to the private URL, `${{Redis.REDIS_URL}}`. */
  readonly urlReference?: string;
  /** Upstash: the `rediss://` URL with its password, secret. */
  readonly secretUrl?: pulumi.Output<string>;
  /** Railway: the service; Upstash: the database id. */
  readonly id: pulumi.Output<string>;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    const where = `RedisCache ${name}`;
    const provider = oneOf(where, "provider", args.provider, REDIS_PROVIDERS) ?? "railway";
    const use = oneOf(where, "use", args.use ?? "", REDIS_USES)!;
    const evictionPolicy = oneOf(where, "evictionPolicy", args.evictionPolicy, EVICTION_POLICIES) ?? defaultEvictionPolicy(use);
    const backups = allOneOf(where, "backups", args.backups, railway.BACKUP_SCHEDULES);
    // Recorded as inputs and outputs: the policy pack judges eviction by use.
    const intent: RedisIntent = {
      provider,
      use,
      evictionPolicy,
      persistence: args.persistence?.enabled ?? false,
      serviceName: args.serviceName ?? "Redis",
      public: args.public ?? false,
      production: args.production,
      ...(args.backupsWaiver ? { backupsWaiver: args.backupsWaiver } : {}),
      // A maxmemory with no memory limit to judge it by (memory-fit.ts), for the policy pack.
      ...(args.maxmemory && args.limits?.memoryGB === undefined && provider === "railway" ? { unsizedMemory: ["maxmemory"] } : {}),
    };
    super(RedisCache.__pulumiType, name, intent, opts);

    this.provider = provider;
    this.use = use;
    this.evictionPolicy = evictionPolicy;
    const serviceName = args.serviceName ?? "Redis";
    if (provider === "upstash") {
      const db = this.createUpstash(name, serviceName, args, evictionPolicy);
      this.secretUrl = pulumi.secret(pulumi.interpolate`rediss://default:${db.password}@${db.endpoint}:${db.port}`);
      this.id = db.databaseId;
    } else {
      const service = this.createRailway(
        name,
        serviceName,
        args,
        {
          maxmemory: args.maxmemory,
          evictionPolicy,
          persistence: args.persistence ?? { enabled: false },
          settings: args.settings ?? {},
        },
        backups,
      );
      this.urlReference = railway.serviceReference(serviceName, "REDIS_URL");
      this.id = service.serviceId;
    }
    this.registerOutputs({ ...intent, id: this.id, urlReference: this.urlReference, secretUrl: this.secretUrl });
  }

  private createUpstash(name: string, base: string, args: RedisCacheArgs, evictionPolicy: EvictionPolicy): upstash.RedisDatabase {
    if (!args.upstash?.primaryRegion)
      throw new Error(`RedisCache ${name}: \`upstash.primaryRegion\` is required with \`provider: upstash\``);
    // Regional databases are deprecated (API 400): a global database with a
    // primary region. `tls` is set explicitly: left unset it reads back true
    // and the next diff would replace (and empty) the database.
    return new upstash.RedisDatabase(
      name,
      {
        databaseName: remoteName("upstash", `${pulumi.getProject()}-${base}`, { production: args.production }),
        region: "global",
        primaryRegion: args.upstash.primaryRegion,
        readRegions: args.upstash.readRegions?.length ? args.upstash.readRegions : undefined,
        tls: true,
        eviction: evictionPolicy !== "noeviction",
        budget: args.upstash.budget,
        autoScale: args.upstash.autoScale,
        prodPack: args.upstash.prodPack,
      },
      { parent: this, protect: args.protect, additionalSecretOutputs: ["password", "restToken", "readOnlyRestToken"] },
    );
  }

  private createRailway(
    name: string,
    serviceName: string,
    args: RedisCacheArgs,
    server: RedisServerConfig,
    backups: railway.BackupSchedule[] | undefined,
  ): railway.Service {
    if (args.projectId === undefined || args.environmentId === undefined) {
      throw new Error(`RedisCache ${name}: \`projectId\` and \`environmentId\` are required on Railway`);
    }
    const scope = { projectId: args.projectId, environmentId: args.environmentId };
    // Letters and digits only: it travels unquoted through `sh -c` and unescaped in REDIS_URL.
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const image = `redis:${args.version ?? "7.4"}`;
    const { service } = deployedService(
      name,
      {
        scope,
        settings: {
          name: serviceName,
          image,
          projectCreated: args.projectCreated,
          takeOver: args.takeOver,
          ...dataGuard(args.allowReplace),
          ...args.limits, // vcpus, memoryGB (LIM-1)
          startCommand: redisStartCommand(server),
          restartPolicyType: "ON_FAILURE",
          restartPolicyMaxRetries: 10,
          sleepApplication: false,
        },
        variables: redisVariables(args.public ?? false),
        secretVariables: { REDIS_PASSWORD: password.result },
        // The first deploy writes the variables and the backups, in the patch that starts Redis.
        volume: server.persistence.enabled
          ? {
              mountPath: REDIS_DATA,
              backups: backups ?? defaultBackups(args.production),
              allowReplace: dataGuard(args.allowReplace).allowReplace,
            }
          : undefined,
        source: { image },
        triggers: digest({ server, version: args.version, public: args.public, limits: args.limits }),
        attach: (service) =>
          args.public
            ? [
                new railway.TcpProxy(
                  `${name}-proxy`,
                  { environmentId: args.environmentId!, serviceId: service.serviceId, applicationPort: REDIS_PORT },
                  { parent: this },
                ),
              ]
            : [],
      },
      { parent: this, protect: args.protect },
    );
    return service;
  }
}
