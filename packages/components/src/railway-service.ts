// A Railway service as an application team describes it: where its code comes
// from, how it starts and stays healthy, what it connects to, its variables and
// domains, and one deploy per change, gated on its health endpoint.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as railway from "@trestle/railway";
import { digest } from "./digest";
import { HealthGateOptions, createHealthGate } from "./health-gate";
import { CommandSpec, railwayCommand } from "./start-command";
import { RailwayServiceIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";

export interface RegistryLogin {
  username: pulumi.Input<string>;
  /** Stored and sent as a secret. */
  password: pulumi.Input<string>;
}

export interface ServiceSource {
  /** A GitHub repository `owner/name` that Railway builds. */
  repo?: string;
  /** @default "main" */
  branch?: string;
  rootDirectory?: string;
  dockerfilePath?: string;
  /** A prebuilt image. */
  image?: string;
  /** Credentials to pull a private `image`. */
  registry?: RegistryLogin;
  /** A local Docker build context, built and pushed by Trestle and deployed by digest. */
  build?: {
    context: string;
    dockerfile?: string;
    /** Repository to push to, e.g. `ghcr.io/acme/api`; tagged with the stack name. */
    imageName: string;
    platform?: string;
    args?: Record<string, string>;
    registry: RegistryLogin & { server: string };
  };
}

export interface CorsArgs {
  /** The variable the API reads, e.g. `ALLOWED_ORIGINS` or `CORS_ORIGINS`. */
  variable: string;
  /** Allowed origins: the frontend's domains and any extras. */
  origins: pulumi.Input<pulumi.Input<string>[]>;
  /** How the API parses it: `comma` (`a,b`) or `json` (`["a","b"]`). */
  format: "comma" | "json";
}

export interface RailwayServiceArgs {
  projectId: pulumi.Input<string>;
  environmentId: pulumi.Input<string>;
  /** The Railway service name, also its private host `<name>.railway.internal`. */
  serviceName: string;
  /** Exactly one of `repo`, `image` or `build`. */
  source: ServiceSource;
  /**
   * How the service starts. A string is a shell command: when it needs a shell
   * (`$PORT`, `&&`, a pipe) Trestle wraps it in `/bin/sh -c "exec …"`, because
   * Railway runs image and Dockerfile start commands without one. A list is
   * exec form, passed exactly as given. @default the image's or builder's own
   */
  startCommand?: CommandSpec;
  buildCommand?: string;
  builder?: railway.Builder;
  /** Run before each deploy inside the private network, e.g. migrations; each wrapped like `startCommand`. */
  preDeployCommand?: string[];
  /** The port the service listens on; set as `PORT` and used by its domains. */
  port?: number;
  healthcheckPath?: string;
  /** @default 300 */
  healthcheckTimeout?: number;
  /** @default "ON_FAILURE" */
  restartPolicy?: railway.RestartPolicyType;
  /** @default 10 with ON_FAILURE */
  restartMaxRetries?: number;
  /** @default 1 */
  replicas?: number;
  regions?: Record<string, number>;
  cronSchedule?: string;
  sleep?: boolean;
  /** A public `*.up.railway.app` domain. @default false */
  publicDomain?: boolean;
  /** Custom domains; their DNS records are outputs. @default [] */
  customDomains?: string[];
  /** Plain variables, e.g. references like `${{Postgres.DATABASE_URL}}`. */
  variables?: Record<string, pulumi.Input<string>>;
  /** Secret variables (stack secrets, credentialed URLs). */
  secretVariables?: Record<string, pulumi.Input<string>>;
  /** Variables generated once and kept (`SECRET_KEY`), secret. */
  generated?: Record<string, { length: number }>;
  /** Makes this the CORS-protected API. */
  cors?: CorsArgs;
  /** Poll the public health endpoint after each deploy. @default on when public with a health-check path */
  healthGate?: HealthGateOptions | false;
  /** Seconds a deploy may take. @default 1200 */
  deployTimeoutSeconds?: number;
  /** A production stack (recorded for the policy pack). @default false */
  production?: boolean;
  /** This service is the frontend (a Next.js server); its origins are the ones the API allows. @default false */
  frontend?: boolean;
  /** Whether Trestle created the project (a same-name service there is this stack's own). @default false */
  projectCreated?: pulumi.Input<boolean>;
  /** Manage a same-name service Trestle did not create; `pulumi destroy` then deletes it. @default false */
  takeOver?: boolean;
  /** The most vCPUs and memory (GB) each replica may use (LIM-1). @default the plan's */
  limits?: railway.ServiceLimits;
}

/**
 * A Railway service with its variables, domains and deploys.
 *
 * ```ts
 * const api = new RailwayService("api", {
 *   projectId, environmentId, serviceName: "api",
 *   source: { repo: "acme/travel", rootDirectory: "backend" },
 *   startCommand: "uvicorn app.main:app --host 0.0.0.0 --port $PORT", port: 8000,
 *   healthcheckPath: "/health", publicDomain: true,
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
  /** `https://<name>-….up.railway.app`, when `publicDomain`. */
  readonly publicUrl?: pulumi.Output<string>;
  /** `https://` origins of every public and custom domain (for a frontend's CORS entry). */
  readonly origins: pulumi.Output<string[]>;
  /** Per custom domain, the DNS records to create. */
  readonly dnsRecords: pulumi.Output<Record<string, railway.DnsRecord[]>>;
  readonly deploymentId: pulumi.Output<string>;

  constructor(name: string, args: RailwayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const intent: RailwayServiceIntent = {
      serviceName: args.serviceName,
      production: args.production ?? false,
      public: args.publicDomain ?? false,
      cors: args.cors ? { variable: args.cors.variable, format: args.cors.format } : undefined,
      cron: args.cronSchedule !== undefined,
      frontend: args.frontend ?? false,
    };
    super(RailwayService.__pulumiType, name, intent, opts);

    const scope = { projectId: args.projectId, environmentId: args.environmentId };
    const customDomains = args.customDomains ?? [];
    const restartPolicy = args.restartPolicy ?? "ON_FAILURE";

    const image = args.source.build ? this.createImage(name, args.source.build) : undefined;
    const service = this.createService(name, args, scope, restartPolicy, image);
    const generated = this.createGenerated(name, args.generated ?? {});
    const variables = this.createVariables(name, args, scope, service, generated);
    const publicDomain = args.publicDomain ? this.createPublicDomain(name, args, scope, service) : undefined;
    const custom = customDomains.map((domain, i) => this.createCustomDomain(`${name}-domain-${i}`, args, scope, service, domain));
    const deployment = this.createDeployment(name, args, scope, service, [variables, ...(publicDomain ? [publicDomain] : []), ...custom], image);
    const gate = args.healthGate ?? {};
    if (gate !== false && publicDomain && args.healthcheckPath) {
      createHealthGate(`${name}-health`, { url: pulumi.interpolate`${publicDomain.url}${args.healthcheckPath}`, deploymentId: deployment.deploymentId, ...gate }, { parent: this, dependsOn: [deployment] });
    }

    this.serviceId = service.serviceId;
    this.serviceName = args.serviceName;
    this.privateDomain = service.privateDomain;
    this.publicUrl = publicDomain?.url;
    this.origins = pulumi.all([publicDomain?.url, ...customDomains.map((d) => `https://${d}`)]).apply((urls) => urls.filter((u): u is string => Boolean(u)));
    this.dnsRecords = pulumi.all(custom.map((c) => c.dnsRecords)).apply((records) => Object.fromEntries(customDomains.map((d, i) => [d, records[i]])));
    this.deploymentId = deployment.deploymentId;
    this.registerOutputs({ ...intent, serviceId: this.serviceId, publicUrl: this.publicUrl, origins: this.origins, deploymentId: this.deploymentId });
  }

  private createImage(name: string, build: NonNullable<ServiceSource["build"]>): docker.Image {
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

  private createService(
    name: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    restartPolicy: railway.RestartPolicyType,
    image: docker.Image | undefined,
  ): railway.Service {
    const { source } = args;
    const login = source.build?.registry ?? source.registry;
    return new railway.Service(
      name,
      {
        ...scope,
        name: args.serviceName,
        // A built image deploys by digest, so every push is a new, exact deploy.
        image: image ? image.repoDigest : source.image,
        repo: source.repo,
        branch: source.repo ? (source.branch ?? "main") : undefined,
        rootDirectory: source.rootDirectory,
        dockerfilePath: source.dockerfilePath,
        registryCredentials: login ? { username: login.username, password: login.password } : undefined,
        startCommand: args.startCommand === undefined ? undefined : railwayCommand(args.startCommand),
        buildCommand: args.buildCommand,
        builder: args.builder,
        preDeployCommand: args.preDeployCommand?.map((command) => railwayCommand(command)),
        healthcheckPath: args.healthcheckPath,
        healthcheckTimeout: args.healthcheckTimeout,
        restartPolicyType: restartPolicy,
        restartPolicyMaxRetries: restartPolicy === "ON_FAILURE" ? (args.restartMaxRetries ?? 10) : undefined,
        replicas: args.regions ? undefined : (args.replicas ?? 1),
        regions: args.regions,
        cronSchedule: args.cronSchedule,
        sleepApplication: args.sleep ?? false,
        projectCreated: args.projectCreated,
        takeOver: args.takeOver,
        ...args.limits, // vcpus, memoryGB (LIM-1)
      },
      { parent: this },
    );
  }

  private createGenerated(name: string, generated: Record<string, { length: number }>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(
      Object.entries(generated).map(([variable, { length }]) => [
        variable,
        new random.RandomPassword(`${name}-${variable.toLowerCase().replace(/_/g, "-")}`, { length, special: false }, { parent: this }).result,
      ]),
    );
  }

  private createVariables(
    name: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    service: railway.Service,
    generated: Record<string, pulumi.Output<string>>,
  ): railway.Variables {
    const variables: Record<string, pulumi.Input<string>> = { ...(args.variables ?? {}) };
    if (args.port) variables.PORT = String(args.port);
    if (args.cors) {
      const { format } = args.cors;
      variables[args.cors.variable] = pulumi.output(args.cors.origins).apply((origins) => {
        const unique = [...new Set(origins)];
        return format === "json" ? JSON.stringify(unique) : unique.join(",");
      });
    }
    return new railway.Variables(
      `${name}-vars`,
      { ...scope, serviceId: service.serviceId, variables, secretVariables: { ...(args.secretVariables ?? {}), ...generated } },
      { parent: this },
    );
  }

  private createPublicDomain(name: string, args: RailwayServiceArgs, scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> }, service: railway.Service): railway.ServiceDomain {
    return new railway.ServiceDomain(`${name}-domain`, { ...scope, serviceId: service.serviceId, targetPort: args.port }, { parent: this });
  }

  private createCustomDomain(
    resourceName: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    service: railway.Service,
    domain: string,
  ): railway.CustomDomain {
    return new railway.CustomDomain(resourceName, { ...scope, serviceId: service.serviceId, domain, targetPort: args.port }, { parent: this });
  }

  private createDeployment(
    name: string,
    args: RailwayServiceArgs,
    scope: { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> },
    service: railway.Service,
    dependsOn: pulumi.Resource[],
    image: docker.Image | undefined,
  ): railway.Deployment {
    // Plain settings go in as a digest; secret values go in as themselves and
    // stay encrypted in state, so rotating a secret also redeploys.
    const { registry: _login, build, ...source } = args.source;
    const settings = {
      // Registry logins stay out: they hold passwords, and changing one needs no deploy.
      source: { ...source, build: build && { ...build, registry: undefined } },
      startCommand: args.startCommand,
      buildCommand: args.buildCommand,
      builder: args.builder,
      preDeployCommand: args.preDeployCommand,
      port: args.port,
      healthcheck: [args.healthcheckPath, args.healthcheckTimeout],
      restart: [args.restartPolicy, args.restartMaxRetries],
      replicas: [args.replicas, args.regions],
      // LIM-1: limits take effect with the next deployment.
      limits: args.limits,
      cronSchedule: args.cronSchedule,
      sleep: args.sleep,
      generated: args.generated,
      domains: [args.publicDomain, args.customDomains],
    };
    const triggers = pulumi.all([
      digest(settings),
      pulumi.output(args.variables ?? {}).apply((v) => digest(v)),
      args.cors ? pulumi.output(args.cors.origins).apply((o) => digest(o)) : "",
      image ? image.repoDigest : "",
      pulumi.secret(pulumi.output(args.secretVariables ?? {})),
    ]);
    // SVC-3: the Deployment connects the source (the built digest, the image, or the repo at its branch).
    const deploySource = image
      ? { image: image.repoDigest }
      : source.image
        ? { image: source.image }
        : { repo: source.repo, branch: source.branch ?? "main" };
    return new railway.Deployment(
      `${name}-deploy`,
      { ...scope, serviceId: service.serviceId, source: deploySource, triggers, timeoutSeconds: args.deployTimeoutSeconds },
      { parent: this, dependsOn: [service, ...dependsOn] },
    );
  }
}
