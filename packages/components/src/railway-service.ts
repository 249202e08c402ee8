// A Railway service as an application team describes it: where its code comes
// from, how it starts and stays healthy, what it connects to, its variables and
// domains, and one deploy per change, gated on its health endpoint.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as railway from "@trestle/railway";
import { digest } from "./digest";
import { DeployedServiceArgs, deployedService } from "./railway-unit";
import { HealthGateOptions, createHealthGate } from "./health-gate";
import { oneOf } from "./args";
import { CommandSpec, railwayCommand } from "./start-command";
import { RailwayServiceIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";

/** Credentials for a container registry. */
export interface RegistryLogin {
  username: pulumi.Input<string>;
  /** Stored and sent as a secret. */
  password: pulumi.Input<string>;
}

/** Credentials for the registry a built image is pushed to. */
export interface BuildRegistry {
  /** e.g. `ghcr.io`. */
  server: string;
  username: pulumi.Input<string>;
  /** Stored and sent as a secret. */
  password: pulumi.Input<string>;
}

/** A local Docker build, built and pushed by Trestle and deployed by digest. */
export interface ImageBuild {
  /** The build context directory. */
  context: string;
  /** @default "<context>/Dockerfile" */
  dockerfile?: string;
  /** Repository to push to, e.g. `ghcr.io/acme/api`; tagged with the stack name. */
  imageName: string;
  /** @default "linux/amd64" */
  platform?: string;
  /** Build arguments. @default {} */
  args?: Record<string, string>;
  registry: BuildRegistry;
}

/** Where a service's code comes from: exactly one of `repo`, `image` or `build`. */
export interface ServiceSource {
  /** A GitHub repository `owner/name` that Railway builds. */
  repo?: string;
  /** @default "main" */
  branch?: string;
  /** The directory of `repo` to build. @default the repository's root */
  rootDirectory?: string;
  /** The Dockerfile in `repo`. @default Railway's detection */
  dockerfilePath?: string;
  /** A prebuilt image. */
  image?: string;
  /** Credentials to pull a private `image`. */
  registry?: RegistryLogin;
  /** A local Docker build context, built and pushed by Trestle and deployed by digest. */
  build?: ImageBuild;
}

/** How an API reads its allowed origins. */
export const CORS_FORMATS = ["comma", "json"] as const;
export type CorsFormat = (typeof CORS_FORMATS)[number];

/** The start command as given: a shell string, or exec-form words. */
function startOf(args: RailwayServiceArgs): CommandSpec | undefined {
  return args.startExec ?? args.start;
}

export interface CorsArgs {
  /** The variable the API reads, e.g. `ALLOWED_ORIGINS` or `CORS_ORIGINS`. */
  variable: string;
  /** Allowed origins: the frontend's domains and any extras. */
  origins: pulumi.Input<pulumi.Input<string>[]>;
  /** How the API parses it: `comma` (`a,b`) or `json` (`["a","b"]`). @default "comma" */
  format?: string;
}

/** Railway's health check. */
export interface HealthcheckArgs {
  /** The path Railway probes before it sends traffic to a new deployment, e.g. `/health`. */
  path: string;
  /** Seconds Railway waits for it. @default 300 */
  timeoutSeconds?: number;
}

/** What Railway does when the process exits. */
export interface RestartArgs {
  /** `ON_FAILURE`, `ALWAYS` or `NEVER`. @default "ON_FAILURE" */
  policy?: string;
  /** Retries with `ON_FAILURE`. @default 10 */
  maxRetries?: number;
}

/** A variable generated once and kept. */
export interface GeneratedSecret {
  /** Characters (letters and digits). */
  length: number;
}

/**
 * The args are named as the stack config names them (`start`, `public`,
 * `domains`, `healthcheck`, `restart`, `cron`, `secrets`), so a stack file and
 * a program read alike. The Railway resources underneath use Railway's API names.
 */
export interface RailwayServiceArgs {
  /** The Railway project (`railway.Project`'s `projectId`). */
  projectId: pulumi.Input<string>;
  /** The Railway environment (`railway.Environment`'s `environmentId`). */
  environmentId: pulumi.Input<string>;
  /** The Railway service name, also its private host `<name>.railway.internal`. */
  serviceName: string;
  /** Exactly one of `repo`, `image` or `build`. */
  source: ServiceSource;
  /**
   * How the service starts, as a shell command: when it needs a shell (`$PORT`,
   * `&&`, a pipe) Trestle wraps it in `/bin/sh -c "exec …"`, because Railway runs
   * image and Dockerfile start commands without one (RUN-1). Give `startExec`
   * instead for exec form. @default the image's or builder's own
   */
  start?: string;
  /** How the service starts, in exec form: each word passed exactly as given. Not with `start`. */
  startExec?: string[];
  /** Railway's build command. @default the builder's */
  buildCommand?: string;
  /** `RAILPACK`, `NIXPACKS`, `HEROKU` or `PAKETO`. @default Railway's */
  builder?: string;
  /** Run before each deploy inside the private network, e.g. migrations; each wrapped like `start`. */
  preDeploy?: string[];
  /** The port the service listens on; set as `PORT` and used by its domains. */
  port?: number;
  /** Railway's health check before a deployment takes traffic. @default none */
  healthcheck?: HealthcheckArgs;
  /** What Railway does when the process exits. @default `ON_FAILURE` with 10 retries */
  restart?: RestartArgs;
  /** Instances Railway runs. @default 1 */
  replicas?: number;
  /** Replicas per region, instead of `replicas`. */
  regions?: Record<string, number>;
  /** A cron schedule (UTC): the service runs on it and exits. */
  cron?: string;
  /** Let Railway sleep the service when idle. @default false */
  sleep?: boolean;
  /** A public `*.up.railway.app` domain. @default false */
  public?: boolean;
  /** Custom domains; their DNS records are outputs. @default [] */
  domains?: string[];
  /** With `public`: the Railway domain's own name, `<subdomain>.up.railway.app` (DOM-3). @default Railway's generated name */
  subdomain?: string;
  /** Plain variables, e.g. references like `${{Postgres.DATABASE_URL}}`. */
  variables?: Record<string, pulumi.Input<string>>;
  /** Secret variables (stack secrets, credentialed URLs). */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Variables generated once and kept (`SECRET_KEY`), secret. */
  generated?: Record<string, GeneratedSecret>;
  /**
   * Seal `secrets` and `generated` when the service is first deployed (VAR-8):
   * Railway gives them to its builds and deployments but never shows them again,
   * in the dashboard, the API or `railway run`. Sealing cannot be undone.
   * @default true in production
   */
  sealSecrets?: boolean;
  /** Makes this the CORS-protected API. */
  cors?: CorsArgs;
  /** Poll the public health endpoint after each deploy. @default on when public with a health check */
  healthGate?: HealthGateOptions;
  /** Seconds a deploy may take. @default 1200 */
  deployTimeoutSeconds?: number;
  /** A production stack (recorded for the policy pack). @default false */
  production?: boolean;
  /** Part of a pull request's preview stack (recorded for the policy pack). @default false */
  preview?: boolean;
  /** This service is the frontend (a Next.js server); its origins are the ones the API allows. @default false */
  frontend?: boolean;
  /** Whether Trestle created the project (a same-name service there is this stack's own). @default false */
  projectCreated?: pulumi.Input<boolean>;
  /** Manage a same-name service Trestle did not create; `pulumi destroy` then deletes it. @default false */
  takeOver?: boolean;
  /** The most vCPUs and memory (GB) each replica may use (LIM-1). @default the plan's */
  limits?: railway.ServiceLimits;
}

/** Options of a RailwayService: a component's, and what its deploy waits for. */
export interface RailwayServiceOptions extends pulumi.ComponentResourceOptions {
  /**
   * Resources the service's deploy waits for, typically the databases it
   * connects to: their variables exist and their servers are up before this
   * service starts (or runs its pre-deploy migrations), since Railway renders a
   * `${{Postgres.DATABASE_URL}}` reference when the deploy starts (VAR-3).
   * Unlike `dependsOn`, the service, its variables and domains are made meanwhile.
   */
  deployAfter?: pulumi.Resource[];
  /**
   * Values outside the service whose change must redeploy it, such as the
   * environment's shared variables it reads as `${{shared.NAME}}`: Railway
   * renders a reference when a deploy starts (VAR-3), so a new value reaches
   * the service only with its next deploy.
   */
  redeployOn?: pulumi.Input<unknown>;
}

/**
 * A Railway service with its variables, domains and deploys.
 *
 * ```ts
 * const api = new RailwayService("api", {
 *   projectId, environmentId, serviceName: "api",
 *   source: { repo: "acme/travel", rootDirectory: "backend" },
 *   start: "uvicorn app.main:app --host 0.0.0.0 --port $PORT", port: 8000,
 *   healthcheck: { path: "/health" }, public: true,
 *   variables: { DATABASE_URL: db.urlReference },
 *   cors: { variable: "ALLOWED_ORIGINS", origins: ["https://app.example.com"], format: "comma" },
 * });
 * ```
 */
export class RailwayService extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.RailwayService;
  readonly serviceId: pulumi.Output<string>;
  readonly serviceName: string;
  /** `<name>.railway.internal`. */
  readonly privateDomain: pulumi.Output<string>;
  /** `https://<name>-….up.railway.app`, when `public`. */
  readonly publicUrl?: pulumi.Output<string>;
  /** `https://` origins of every public and custom domain (for a frontend's CORS entry). */
  readonly origins: pulumi.Output<string[]>;
  /** Per custom domain, the DNS records to create. */
  readonly dnsRecords: pulumi.Output<Record<string, railway.DnsRecord[]>>;
  readonly deploymentId: pulumi.Output<string>;

  constructor(name: string, args: RailwayServiceArgs, opts?: RailwayServiceOptions) {
    const where = `RailwayService ${name}`;
    const { deployAfter = [], redeployOn, ...componentOpts } = opts ?? {};
    const corsFormat = oneOf(where, "cors.format", args.cors?.format, CORS_FORMATS) ?? "comma";
    const intent: RailwayServiceIntent = {
      serviceName: args.serviceName,
      production: args.production ?? false,
      public: args.public ?? false,
      cors: args.cors ? { variable: args.cors.variable, format: corsFormat } : undefined,
      cron: args.cron !== undefined,
      frontend: args.frontend ?? false,
      ...(args.preview ? { preview: true } : {}),
    };
    super(RailwayService.__pulumiType, name, intent, componentOpts);
    if (args.start !== undefined && args.startExec !== undefined)
      throw new Error(`${where}: give \`start\` (a shell command) or \`startExec\` (exec form), not both`);
    const builder = oneOf(where, "builder", args.builder, railway.BUILDERS);
    const restartPolicy = oneOf(where, "restart.policy", args.restart?.policy, railway.RESTART_POLICY_TYPES) ?? "ON_FAILURE";

    const scope = { projectId: args.projectId, environmentId: args.environmentId };
    const customDomains = args.domains ?? [];

    const image = args.source.build ? this.createImage(name, args.source.build) : undefined;
    const generated = this.createGenerated(name, args.generated ?? {});
    let publicDomain: railway.ServiceDomain | undefined;
    let custom: railway.CustomDomain[] = [];
    const { service, deployment } = deployedService(
      name,
      {
        scope,
        settings: serviceSettings(args, { restartPolicy, builder }, image),
        variables: plainVariables(args, corsFormat),
        secretVariables: { ...(args.secrets ?? {}), ...generated },
        sealSecrets: args.sealSecrets ?? args.production ?? false,
        source: deploySource(args.source, image),
        triggers: deployTriggers(args, image, redeployOn),
        timeoutSeconds: args.deployTimeoutSeconds,
        // The deploy waits for its domains, and the databases it connects to.
        attach: (service) => {
          publicDomain = args.public ? this.createPublicDomain(name, args, scope, service) : undefined;
          custom = customDomains.map((domain, i) => this.createCustomDomain(`${name}-domain-${i}`, args, scope, service, domain));
          return [...(publicDomain ? [publicDomain] : []), ...custom];
        },
        deployAfter,
      },
      { parent: this },
    );
    const gate = args.healthGate ?? {};
    if (gate.enabled !== false && publicDomain && args.healthcheck?.path) {
      createHealthGate(
        `${name}-health`,
        { url: pulumi.interpolate`${publicDomain.url}${args.healthcheck.path}`, deploymentId: deployment.deploymentId, ...gate },
        { parent: this, dependsOn: [deployment] },
      );
    }

    this.serviceId = service.serviceId;
    this.serviceName = args.serviceName;
    this.privateDomain = service.privateDomain;
    this.publicUrl = publicDomain?.url;
    this.origins = pulumi
      .all([publicDomain?.url, ...customDomains.map((d) => `https://${d}`)])
      .apply((urls) => urls.filter((u): u is string => Boolean(u)));
    this.dnsRecords = pulumi
      .all(custom.map((c) => c.dnsRecords))
      .apply((records) => Object.fromEntries(customDomains.map((d, i) => [d, records[i]])));
    this.deploymentId = deployment.deploymentId;
    this.registerOutputs({
      ...intent,
      serviceId: this.serviceId,
      publicUrl: this.publicUrl,
      origins: this.origins,
      deploymentId: this.deploymentId,
    });
  }

  private createImage(name: string, build: ImageBuild): docker.Image {
    return new docker.Image(
      `${name}-image`,
      {
        imageName: `${build.imageName}:${pulumi.getStack()}`,
        build: { context: build.context, dockerfile: build.dockerfile, platform: build.platform ?? "linux/amd64", args: build.args },
        registry: { server: build.registry.server, username: build.registry.username, password: pulumi.secret(build.registry.password) },
      },
      { parent: this },
    );
  }

  private createGenerated(name: string, generated: Record<string, GeneratedSecret>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(
      Object.entries(generated).map(([variable, { length }]) => [
        variable,
        new random.RandomPassword(`${name}-${variable.toLowerCase().replace(/_/g, "-")}`, { length, special: false }, { parent: this })
          .result,
      ]),
    );
  }

  private createPublicDomain(
    name: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    service: railway.Service,
  ): railway.ServiceDomain {
    return new railway.ServiceDomain(
      `${name}-domain`,
      { ...scope, serviceId: service.serviceId, targetPort: args.port, subdomain: args.subdomain },
      { parent: this },
    );
  }

  private createCustomDomain(
    resourceName: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    service: railway.Service,
    domain: string,
  ): railway.CustomDomain {
    return new railway.CustomDomain(
      resourceName,
      { ...scope, serviceId: service.serviceId, domain, targetPort: args.port },
      { parent: this },
    );
  }
}

/** The Service's settings: what Railway runs and how, from the component's arguments. */
function serviceSettings(
  args: RailwayServiceArgs,
  { restartPolicy, builder }: { restartPolicy: railway.RestartPolicyType; builder?: railway.Builder },
  image: docker.Image | undefined,
): DeployedServiceArgs["settings"] {
  const { source } = args;
  const login = source.build?.registry ?? source.registry;
  return {
    name: args.serviceName,
    // A built image deploys by digest, so every push is a new, exact deploy.
    image: image ? image.repoDigest : source.image,
    repo: source.repo,
    branch: source.repo ? (source.branch ?? "main") : undefined,
    rootDirectory: source.rootDirectory,
    dockerfilePath: source.dockerfilePath,
    registryCredentials: login ? { username: login.username, password: login.password } : undefined,
    startCommand: startOf(args) === undefined ? undefined : railwayCommand(startOf(args)!),
    buildCommand: args.buildCommand,
    builder,
    preDeployCommand: args.preDeploy?.map((command) => railwayCommand(command)),
    healthcheckPath: args.healthcheck?.path,
    healthcheckTimeout: args.healthcheck?.timeoutSeconds,
    restartPolicyType: restartPolicy,
    restartPolicyMaxRetries: restartPolicy === "ON_FAILURE" ? (args.restart?.maxRetries ?? 10) : undefined,
    replicas: args.regions ? undefined : (args.replicas ?? 1),
    regions: args.regions,
    cronSchedule: args.cron,
    sleepApplication: args.sleep ?? false,
    projectCreated: args.projectCreated,
    takeOver: args.takeOver,
    ...args.limits, // vcpus, memoryGB (LIM-1)
  };
}

/** The service's plain variables: its own, `PORT`, and the CORS origins in the format its code reads. */
function plainVariables(args: RailwayServiceArgs, format: CorsFormat): Record<string, pulumi.Input<string>> {
  const variables: Record<string, pulumi.Input<string>> = { ...(args.variables ?? {}) };
  if (args.port) variables.PORT = String(args.port);
  if (args.cors) {
    variables[args.cors.variable] = pulumi.output(args.cors.origins).apply((origins) => {
      const unique = [...new Set(origins)];
      return format === "json" ? JSON.stringify(unique) : unique.join(",");
    });
  }
  return variables;
}

/** DEP-6: what the first deploy commits: the built digest, the image, or the repository at its branch. */
function deploySource(args: RailwayServiceArgs["source"], image: docker.Image | undefined): railway.DeploymentArgs["source"] {
  if (image) return { image: image.repoDigest };
  return args.image ? { image: args.image } : { repo: args.repo, branch: args.branch ?? "main" };
}

/**
 * What redeploys the service when it changes. Plain settings go in as a
 * digest; secret values go in as themselves and stay encrypted in state, so
 * rotating a secret also redeploys.
 */
function deployTriggers(args: RailwayServiceArgs, image: docker.Image | undefined, redeployOn: pulumi.Input<unknown> | undefined) {
  const { registry: _login, build, ...source } = args.source;
  const settings = {
    // Registry logins stay out: they hold passwords, and changing one needs no deploy.
    source: { ...source, build: build && { ...build, registry: undefined } },
    startCommand: startOf(args),
    buildCommand: args.buildCommand,
    builder: args.builder,
    preDeployCommand: args.preDeploy,
    port: args.port,
    healthcheck: [args.healthcheck?.path, args.healthcheck?.timeoutSeconds],
    restart: [args.restart?.policy, args.restart?.maxRetries],
    replicas: [args.replicas, args.regions],
    // LIM-1: limits take effect with the next deployment.
    limits: args.limits,
    cronSchedule: args.cron,
    sleep: args.sleep,
    generated: args.generated,
    domains: [args.public, args.domains],
  };
  return pulumi.all([
    digest(settings),
    pulumi.output(args.variables ?? {}).apply((v) => digest(v)),
    args.cors ? pulumi.output(args.cors.origins).apply((o) => digest(o)) : "",
    image ? image.repoDigest : "",
    pulumi.secret(pulumi.output(args.secrets ?? {})),
    ...(redeployOn === undefined ? [] : [pulumi.secret(pulumi.output(redeployOn))]),
  ]);
}
