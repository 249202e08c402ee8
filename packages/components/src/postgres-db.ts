// PostgreSQL on Railway, the way Railway's own template runs it: the
// `postgres-ssl` image, a volume at its data directory, a generated password,
// and the variables Railway's Postgres exposes, reached over the private network.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as railway from "@trestle/railway";
import { allOneOf, oneOf } from "./args";
import { defaultBackups } from "./backups";
import { dataGuard } from "./data-guard";
import { digest } from "./digest";
import { deployedService } from "./railway-unit";
import { PostgresIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";
import { POSTGRES_VERSIONS } from "./server-settings";

export interface PostgresDbArgs {
  /** The Railway project. */
  projectId: pulumi.Input<string>;
  /** The environment this stack owns. */
  environmentId: pulumi.Input<string>;
  /** The service name other services reference (`${{Postgres.DATABASE_URL}}`). @default "Postgres" */
  serviceName?: string;
  /** Major version of the template image; changing it replaces the server (dump and restore first). @default 16 */
  version?: number;
  /** The database created on first start (`PGDATABASE`). @default "railway" */
  database?: string;
  /** The superuser (`PGUSER`). @default "postgres" */
  user?: string;
  /** Server settings passed as `-c name=value` flags, e.g. `{ shared_buffers: "256MB" }`. @default {} */
  settings?: Record<string, string>;
  /** A public TCP proxy and `DATABASE_PUBLIC_URL`. @default false */
  public?: boolean;
  /** Protect the volume (and the database service) from deletion. @default false */
  protect?: boolean;
  /**
   * Allow this update to replace the database's service and volume (a new,
   * empty database). Without it such a replacement is refused. @default false
   */
  allowReplace?: boolean;
  /** A production stack (recorded for the policy pack). @default false */
  production?: boolean;
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
  /**
   * Why this production database goes without backups (`backups: []`): the
   * policy pack requires backups in production unless a reason is written
   * here, and the synth report shows it.
   */
  backupsWaiver?: string;
  /**
   * The password of a database that already exists (one adopted by
   * `trestle import`): its data directory keeps the password it was created
   * with (IMG-2: only initdb reads POSTGRES_PASSWORD), so a new one would lock
   * every client out. @default generated
   */
  password?: pulumi.Input<string>;
  /**
   * The cluster's data directory (`PGDATA`), on the volume: a database that
   * already exists keeps its own (`trestle import` sets it), or the server
   * would start an empty cluster beside its data. @default `/var/lib/postgresql/data/pgdata`
   */
  dataDirectory?: string;
  /**
   * PgBouncer in front of the database, as its own Railway service
   * (`<serviceName>-pgbouncer`): `urlReference` becomes its pooled URL and
   * `directUrlReference` the database's own, for what transaction pooling
   * cannot serve (migrations' advisory locks, LISTEN/NOTIFY, session `SET`).
   * @default none
   */
  pgbouncer?: PgBouncerArgs;
}

/**
 * PgBouncer's settings, as Railway's own PgBouncer template names and
 * defaults them (the template page; railwayapp/cli `commands/postgres/pgbouncer.rs`).
 */
export interface PgBouncerArgs {
  /** `transaction` (best multiplexing), `session` (every Postgres feature) or `statement`. @default "transaction" */
  poolMode?: string;
  /** The most client connections PgBouncer accepts. @default 1000 */
  maxClientConn?: number;
  /** Server connections per database and user. @default 20 */
  defaultPoolSize?: number;
  /** Prepared statements PgBouncer tracks per server connection, so ORMs' prepared statements work in transaction mode. @default 100 */
  maxPreparedStatements?: number;
}

/** IMG-9: the PgBouncer image, configured by its entrypoint from environment variables. Pinned: its tag names the PgBouncer release. */
export const PGBOUNCER_IMAGE = "edoburu/pgbouncer:v1.25.2-p0";
/** Where PgBouncer listens: 6432, as in Railway's PgBouncer template. */
export const PGBOUNCER_PORT = 6432;
export const POOL_MODES = ["transaction", "session", "statement"] as const;
/** Railway's PgBouncer template's defaults (its page: POOL_MODE, MAX_CLIENT_CONN, DEFAULT_POOL_SIZE; railwayapp/cli pgbouncer.rs: MAX_PREPARED_STATEMENTS). */
export const PGBOUNCER_DEFAULTS: Required<PgBouncerArgs> = {
  poolMode: "transaction",
  maxClientConn: 1000,
  defaultPoolSize: 20,
  maxPreparedStatements: 100,
};

/**
 * The PgBouncer service's variables (IMG-9): the entrypoint writes
 * `pgbouncer.ini` and `userlist.txt` from `DATABASE_URLS` (the database's
 * private URL, a reference) and the pool settings. `AUTH_TYPE=scram-sha-256`
 * keeps the password in plain text in the userlist, which PgBouncer needs to
 * log in to a server that asks for SCRAM, as PostgreSQL 14 and later do by
 * default; the image's own default (md5) would store only a hash.
 * `DATABASE_URL` is the pooled URL other services reference, as Railway's
 * template names it (read by nothing inside the container once `DATABASE_URLS` is set).
 */
export function pgbouncerVariables(database: string, pool: Required<PgBouncerArgs>): Record<string, string> {
  const db = (name: string) => railway.serviceReference(database, name);
  return {
    DATABASE_URLS: db("DATABASE_URL"),
    DATABASE_URL: `postgresql://${db("PGUSER")}:${db("PGPASSWORD")}@\${{RAILWAY_PRIVATE_DOMAIN}}:${PGBOUNCER_PORT}/${db("PGDATABASE")}`,
    LISTEN_PORT: String(PGBOUNCER_PORT),
    AUTH_TYPE: "scram-sha-256",
    POOL_MODE: pool.poolMode,
    MAX_CLIENT_CONN: String(pool.maxClientConn),
    DEFAULT_POOL_SIZE: String(pool.defaultPoolSize),
    MAX_PREPARED_STATEMENTS: String(pool.maxPreparedStatements),
  };
}

/** The memory settings given without a memory limit to judge them by (memory-fit.ts), for the policy pack. */
function unsized(settings: Record<string, string> | undefined, limits: railway.ServiceLimits | undefined): { unsizedMemory?: string[] } {
  const memory = Object.keys(settings ?? {}).filter((name) =>
    ["shared_buffers", "work_mem", "effective_cache_size", "maintenance_work_mem"].includes(name),
  );
  return memory.length && limits?.memoryGB === undefined ? { unsizedMemory: memory.sort() } : {};
}

/** Railway's template image, pinned to a major version. */
export const POSTGRES_IMAGE = "ghcr.io/railwayapp-templates/postgres-ssl";
export const POSTGRES_DATA = "/var/lib/postgresql/data";
export const POSTGRES_PORT = 5432;
/** The template image's ENTRYPOINT (railwayapp-templates/postgres-ssl Dockerfile, IMG-1). */
export const POSTGRES_ENTRYPOINT = "wrapper.sh";
/** Seconds Railway lets the old server shut down cleanly on a redeploy; Railway's default is 0 (IMG-6). */
export const POSTGRES_DRAINING_SECONDS = 60;

/** The `-c name=value` server flags for `settings`, in a stable order. */
export function postgresServerArgs(settings: Record<string, string | number>): string[] {
  return Object.keys(settings)
    .sort()
    .flatMap((name) => ["-c", `${name}=${settings[name]}`]);
}

/**
 * The start command for server settings, or none (the image's own ENTRYPOINT
 * and CMD) without them. A start command replaces the image's ENTRYPOINT and
 * runs in exec form (RUN-1, RUN-6), so it names the template's entrypoint
 * itself: `wrapper.sh` checks the volume, makes the TLS certificate and runs
 * `docker-entrypoint.sh`, which runs initdb and drops from root to the
 * `postgres` user before starting the server (IMG-1, IMG-2, IMG-3). The values
 * are validated to need no quoting or shell.
 */
export function postgresStartCommand(settings: Record<string, string | number>): string | undefined {
  const args = postgresServerArgs(settings);
  return args.length ? [POSTGRES_ENTRYPOINT, "postgres", `--port=${POSTGRES_PORT}`, ...args].join(" ") : undefined;
}

/**
 * The Postgres service's plain variables, as Railway's template sets them
 * (IMG-6); `POSTGRES_PASSWORD` is the secret beside them. The URLs hold
 * references, not the password, so they are plain; Railway renders them (VAR-3).
 */
export function postgresVariables(db: {
  database: string;
  user: string;
  isPublic: boolean;
  dataDirectory?: string;
}): Record<string, string> {
  const credentials = "${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}";
  const variables: Record<string, string> = {
    POSTGRES_USER: db.user,
    POSTGRES_DB: db.database,
    PGDATA: db.dataDirectory ?? `${POSTGRES_DATA}/pgdata`,
    // IMG-6: as Railway's Postgres template sets them.
    RAILWAY_DEPLOYMENT_DRAINING_SECONDS: String(POSTGRES_DRAINING_SECONDS),
    SSL_CERT_DAYS: "820",
    PGHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
    PGPORT: String(POSTGRES_PORT),
    PGUSER: "${{POSTGRES_USER}}",
    PGPASSWORD: "${{POSTGRES_PASSWORD}}",
    PGDATABASE: "${{POSTGRES_DB}}",
    DATABASE_URL: `postgresql://${credentials}@\${{RAILWAY_PRIVATE_DOMAIN}}:${POSTGRES_PORT}/\${{POSTGRES_DB}}`,
  };
  if (db.isPublic) {
    variables.DATABASE_PUBLIC_URL = `postgresql://${credentials}@\${{RAILWAY_TCP_PROXY_DOMAIN}}:\${{RAILWAY_TCP_PROXY_PORT}}/\${{POSTGRES_DB}}`;
  }
  return variables;
}

/**
 * A PostgreSQL database service on Railway's private network.
 *
 * ```ts
 * const db = new PostgresDb("postgres", { projectId, environmentId, version: 15, settings: { max_connections: 100 } });
 * // in another service: DATABASE_URL = db.urlReference  →  "${{Postgres.DATABASE_URL}}"
 * ```
 */
export class PostgresDb extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.PostgresDb;
  /** The Railway service name. */
  readonly serviceName: string;
  readonly serviceId: pulumi.Output<string>;
  /** A reference other services use for the private URL: `${{Postgres.DATABASE_URL}}`, or PgBouncer's pooled URL with `pgbouncer`. */
  readonly urlReference: string;
  /** With `pgbouncer`: the database's own private URL, past the pool. */
  readonly directUrlReference?: string;
  /** The password (generated, or the existing database's), secret. */
  readonly password: pulumi.Output<string>;
  /** The public proxy host and port, when `public`. */
  readonly publicEndpoint?: pulumi.Output<string>;

  constructor(name: string, args: PostgresDbArgs, opts?: pulumi.ComponentResourceOptions) {
    // Recorded as inputs and outputs for the policy pack.
    const intent: PostgresIntent = {
      serviceName: args.serviceName ?? "Postgres",
      version: args.version ?? 16,
      public: args.public ?? false,
      protect: args.protect ?? false,
      production: args.production ?? false,
      ...(args.backupsWaiver ? { backupsWaiver: args.backupsWaiver } : {}),
      ...(args.pgbouncer ? { pgbouncer: args.pgbouncer.poolMode ?? "transaction" } : {}),
      ...unsized(args.settings, args.limits),
    };
    super(PostgresDb.__pulumiType, name, intent, opts);
    const where = `PostgresDb ${name}`;
    const version = oneOf(where, "version", args.version, POSTGRES_VERSIONS) ?? 16;
    const backups = allOneOf(where, "backups", args.backups, railway.BACKUP_SCHEDULES);

    const serviceName = args.serviceName ?? "Postgres";
    const database = args.database ?? "railway";
    const user = args.user ?? "postgres";
    const settings = args.settings ?? {};
    const isPublic = args.public ?? false;
    const protect = args.protect ?? false;
    const scope = { projectId: args.projectId, environmentId: args.environmentId };

    const password = args.password !== undefined ? pulumi.secret(pulumi.output(args.password)) : this.createPassword(name).result;
    const guard = dataGuard(args.allowReplace);
    const image = `${POSTGRES_IMAGE}:${version}`;
    let proxy: railway.TcpProxy | undefined;
    const { service, deployment } = deployedService(
      name,
      {
        scope,
        settings: {
          name: serviceName,
          image,
          startCommand: postgresStartCommand(settings),
          restartPolicyType: "ON_FAILURE",
          restartPolicyMaxRetries: 10,
          sleepApplication: false,
          projectCreated: args.projectCreated,
          takeOver: args.takeOver,
          ...guard,
          ...args.limits, // vcpus, memoryGB (LIM-1)
        },
        variables: postgresVariables({ database, user, isPublic, dataDirectory: args.dataDirectory }),
        secretVariables: { POSTGRES_PASSWORD: password },
        volume: { mountPath: POSTGRES_DATA, backups: backups ?? defaultBackups(args.production), allowReplace: guard.allowReplace },
        source: { image },
        triggers: digest({ version, settings, database, user, isPublic, limits: args.limits }),
        attach: (service) => {
          proxy = isPublic ? this.createProxy(name, args.environmentId, service) : undefined;
          return proxy ? [proxy] : [];
        },
      },
      { parent: this, protect },
    );

    this.serviceName = serviceName;
    this.serviceId = service.serviceId;
    const direct = railway.serviceReference(serviceName, "DATABASE_URL");
    const pooler = args.pgbouncer && this.createPgBouncer(name, serviceName, scope, args.pgbouncer, deployment);
    this.urlReference = pooler ? railway.serviceReference(pooler, "DATABASE_URL") : direct;
    this.directUrlReference = pooler ? direct : undefined;
    this.password = password;
    this.publicEndpoint = proxy ? pulumi.interpolate`${proxy.domain}:${proxy.proxyPort}` : undefined;
    this.registerOutputs({ ...intent, serviceId: this.serviceId, urlReference: this.urlReference });
  }

  private createPassword(name: string): random.RandomPassword {
    // URL-safe, so it can sit in DATABASE_URL unescaped.
    return new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
  }

  /** PgBouncer as its own service, deployed once the database's variables exist (VAR-3); answers its service name. */
  private createPgBouncer(
    name: string,
    database: string,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    args: PgBouncerArgs,
    databaseDeploy: railway.Deployment,
  ): string {
    const where = `PostgresDb ${name}`;
    const pool: Required<PgBouncerArgs> = {
      poolMode: oneOf(where, "pgbouncer.poolMode", args.poolMode, POOL_MODES) ?? PGBOUNCER_DEFAULTS.poolMode,
      maxClientConn: args.maxClientConn ?? PGBOUNCER_DEFAULTS.maxClientConn,
      defaultPoolSize: args.defaultPoolSize ?? PGBOUNCER_DEFAULTS.defaultPoolSize,
      maxPreparedStatements: args.maxPreparedStatements ?? PGBOUNCER_DEFAULTS.maxPreparedStatements,
    };
    const serviceName = `${database}-pgbouncer`;
    deployedService(
      `${name}-pgbouncer`,
      {
        scope,
        settings: {
          name: serviceName,
          image: PGBOUNCER_IMAGE,
          restartPolicyType: "ON_FAILURE",
          restartPolicyMaxRetries: 10,
          sleepApplication: false,
        },
        variables: pgbouncerVariables(database, pool),
        secretVariables: {},
        source: { image: PGBOUNCER_IMAGE },
        triggers: digest(pool),
        deployAfter: [databaseDeploy],
      },
      { parent: this },
    );
    return serviceName;
  }

  private createProxy(name: string, environmentId: pulumi.Input<string>, service: railway.Service): railway.TcpProxy {
    return new railway.TcpProxy(
      `${name}-proxy`,
      { environmentId, serviceId: service.serviceId, applicationPort: POSTGRES_PORT },
      { parent: this },
    );
  }
}
