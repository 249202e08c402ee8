// An in-process Railway API: a loopback HTTP server that executes GraphQL with
// `graphql` on test/railway/schema.graphql (a subset of Railway's published
// schema) over in-memory state, with faults that can be injected per operation.
//
// It mimics the Railway behaviour Trestle depends on: errors as HTTP 200 with
// `extensions.code`, auth headers, `numReplicas` reset to 1 when an instance
// update omits it, variable writes that deploy unless `skipDeploys`, services
// that exist in every environment, and deployments that progress over polls.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError, GraphQLSchema, OperationDefinitionNode, buildSchema, graphql, parse } from "graphql";
import { SUBSET_SCHEMA_PATH } from "./paths";

export type FaultKind =
  | "rateLimit" // HTTP 429 with Retry-After, nothing executed
  | "serverError" // HTTP 5xx, nothing executed
  | "graphqlError" // HTTP 200 with errors[] and a code, nothing executed
  | "throttle" // HTTP 200 "creating … too quickly", nothing executed
  | "lostResponse" // executed and committed, then HTTP 504
  | "dropConnection"; // executed and committed, then the socket is destroyed

export interface Fault {
  /** The operation name Trestle sends (`serviceCreate`, `variables`, …). */
  operation: string;
  kind: FaultKind;
  /** How many requests it affects. @default 1 */
  times?: number;
  retryAfterSeconds?: number;
  status?: number;
  code?: string;
  message?: string;
}

export interface RecordedRequest {
  operation: string;
  kind: "query" | "mutation" | "unknown";
  variables: Record<string, unknown>;
  status: number;
  fault?: FaultKind;
  authorization?: string;
  projectAccessToken?: string;
  at: number;
}

export interface ProjectRecord { id: string; name: string; description?: string; workspaceId?: string; createdAt: string }
export interface EnvironmentRecord { id: string; projectId: string; name: string; createdAt: string }
export interface ServiceRecord { id: string; projectId: string; name: string; createdAt: string }
export interface InstanceRecord {
  id: string;
  serviceId: string;
  environmentId: string;
  settings: Record<string, unknown>;
  multiRegionConfig?: Record<string, { numReplicas: number }>;
  registryCredentials?: { username: string; password: string };
}
export interface DomainRecord { id: string; projectId: string; environmentId: string; serviceId: string; domain: string; targetPort?: number | null; kind: "service" | "custom"; verifyToken?: string; target?: string }
export interface TcpProxyRecord { id: string; environmentId: string; serviceId: string; applicationPort: number; domain: string; proxyPort: number }
export interface VolumeRecord { id: string; projectId: string; name: string }
export interface VolumeInstanceRecord { id: string; volumeId: string; environmentId: string; serviceId: string | null; mountPath: string; sizeMB: number; state: string }
export interface DeploymentRecord {
  id: string; projectId: string; environmentId: string; serviceId: string; status: string; createdAt: string;
  steps: string[]; logs: string[]; buildLogs: string[]; cause: "api" | "variables";
}
export interface TriggerRecord { id: string; projectId: string; environmentId: string; serviceId: string; repository: string; branch: string; provider: string; rootDirectory?: string }

export interface EmulatorState {
  projects: Map<string, ProjectRecord>;
  environments: Map<string, EnvironmentRecord>;
  services: Map<string, ServiceRecord>;
  instances: Map<string, InstanceRecord>;
  /** Keyed `${environmentId}:${serviceId ?? "shared"}`. */
  variables: Map<string, Map<string, string>>;
  domains: Map<string, DomainRecord>;
  tcpProxies: Map<string, TcpProxyRecord>;
  volumes: Map<string, VolumeRecord>;
  volumeInstances: Map<string, VolumeInstanceRecord>;
  deployments: Map<string, DeploymentRecord>;
  triggers: Map<string, TriggerRecord>;
}

export interface EmulatorOptions {
  token?: string;
  projectToken?: string;
  /** Statuses a deploy passes through, one per status poll. */
  deploySteps?: string[];
}

const INSTANCE_DEFAULTS: Record<string, unknown> = {
  builder: "RAILPACK",
  restartPolicyType: "ON_FAILURE",
  restartPolicyMaxRetries: 10,
  numReplicas: 1,
  sleepApplication: false,
  watchPatterns: [],
};

const SETTING_KEYS = [
  "buildCommand", "builder", "cronSchedule", "dockerfilePath", "drainingSeconds", "healthcheckPath", "healthcheckTimeout",
  "ipv6EgressEnabled", "nixpacksPlan", "overlapSeconds", "preDeployCommand", "railwayConfigFile", "region",
  "restartPolicyMaxRetries", "restartPolicyType", "rootDirectory", "sleepApplication", "startCommand", "watchPatterns",
];

function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: "NOT_FOUND" } });
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

function connection<T>(nodes: T[]) {
  return { edges: nodes.map((node, i) => ({ node, cursor: String(i) })), pageInfo: { hasNextPage: false, hasPreviousPage: false } };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function now(): string {
  return new Date().toISOString();
}

export class RailwayEmulator {
  readonly token: string;
  readonly projectToken: string;
  readonly state: EmulatorState = {
    projects: new Map(), environments: new Map(), services: new Map(), instances: new Map(), variables: new Map(),
    domains: new Map(), tcpProxies: new Map(), volumes: new Map(), volumeInstances: new Map(), deployments: new Map(), triggers: new Map(),
  };
  readonly requests: RecordedRequest[] = [];
  deploySteps: string[];
  private readonly faults: Fault[] = [];
  private readonly deployOutcomes = new Map<string, { status: string; logs: string[] }[]>();
  private readonly schema: GraphQLSchema;
  private server?: Server;
  private port = 0;

  private constructor(options: EmulatorOptions) {
    this.token = options.token ?? `emulator-account-${randomBytes(8).toString("hex")}`;
    this.projectToken = options.projectToken ?? `emulator-project-${randomBytes(8).toString("hex")}`;
    this.deploySteps = options.deploySteps ?? ["BUILDING", "DEPLOYING", "SUCCESS"];
    this.schema = buildSchema(readFileSync(SUBSET_SCHEMA_PATH, "utf8"));
  }

  static async start(options: EmulatorOptions = {}): Promise<RailwayEmulator> {
    const emulator = new RailwayEmulator(options);
    await emulator.listen();
    return emulator;
  }

  /** The endpoint, with a query string like Railway's real one. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql/v2?source=trestle-test`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- faults and out-of-band changes -------------------------------------------------

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  pendingFaults(): Fault[] {
    return this.faults.filter((f) => (f.times ?? 1) > 0);
  }

  /** The next deploy of this service ends with `status` and these log lines. */
  failNextDeploy(serviceId: string, status: "FAILED" | "CRASHED" | "REMOVED", logs: string[] = []): void {
    const queue = this.deployOutcomes.get(serviceId) ?? [];
    queue.push({ status, logs });
    this.deployOutcomes.set(serviceId, queue);
  }

  /** Deletes an object as a user clicking in the dashboard would. */
  deleteOutOfBand(kind: "project" | "environment" | "service" | "domain" | "tcpProxy" | "volume" | "variable", id: string, name?: string): void {
    switch (kind) {
      case "project": return this.deleteProject(id);
      case "environment": return this.deleteEnvironment(id);
      case "service": return this.deleteService(id);
      case "domain": this.state.domains.delete(id); return;
      case "tcpProxy": this.state.tcpProxies.delete(id); return;
      case "volume": return this.deleteVolume(id);
      case "variable": this.state.variables.get(id)?.delete(name!); return;
    }
  }

  /** Request counts, optionally since an index into `requests`. */
  counts(since = 0): { requests: number; mutations: number; queries: number; byOperation: Record<string, number> } {
    const slice = this.requests.slice(since);
    const byOperation: Record<string, number> = {};
    for (const r of slice) byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
    return {
      requests: slice.length,
      mutations: slice.filter((r) => r.kind === "mutation").length,
      queries: slice.filter((r) => r.kind === "query").length,
      byOperation,
    };
  }

  operationsSince(since: number): string[] {
    return this.requests.slice(since).map((r) => r.operation);
  }

  // ---- lookups used by tests ----------------------------------------------------------

  instance(serviceId: string, environmentId: string): InstanceRecord | undefined {
    return this.state.instances.get(`${serviceId}:${environmentId}`);
  }

  variablesOf(environmentId: string, serviceId: string): Record<string, string> {
    return Object.fromEntries(this.state.variables.get(`${environmentId}:${serviceId}`) ?? new Map());
  }

  deploymentsOf(serviceId: string, environmentId?: string): DeploymentRecord[] {
    return [...this.state.deployments.values()].filter(
      (d) => d.serviceId === serviceId && (environmentId === undefined || d.environmentId === environmentId),
    );
  }

  // ---- HTTP ---------------------------------------------------------------------------

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
      query?: string;
      operationName?: string;
      variables?: Record<string, unknown>;
    };
    let kind: RecordedRequest["kind"] = "unknown";
    let operation = body.operationName ?? "anonymous";
    try {
      const doc = parse(body.query ?? "");
      const def = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
      if (def) {
        kind = def.operation === "mutation" ? "mutation" : "query";
        operation = body.operationName ?? def.name?.value ?? "anonymous";
      }
    } catch {
      // graphql() below reports the syntax error
    }
    const record: RecordedRequest = {
      operation,
      kind,
      variables: body.variables ?? {},
      status: 200,
      authorization: req.headers.authorization,
      projectAccessToken: req.headers["project-access-token"] as string | undefined,
      at: Date.now(),
    };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };

    if (!this.authorized(req)) {
      send(200, { data: null, errors: [{ message: "Not Authorized", extensions: { code: "UNAUTHENTICATED" } }] });
      return;
    }

    const fault = this.takeFault(operation);
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case "rateLimit":
        send(429, { errors: [{ message: "You are being rate limited", extensions: { code: "RATE_LIMITED" } }] }, {
          "Retry-After": String(fault.retryAfterSeconds ?? 1),
          "X-RateLimit-Remaining": "0",
        });
        return;
      case "serverError":
        send(fault.status ?? 503, { errors: [{ message: fault.message ?? "Service Unavailable" }] });
        return;
      case "graphqlError":
        send(200, { data: null, errors: [{ message: fault.message ?? "Problem processing request", extensions: { code: fault.code ?? "INTERNAL_SERVER_ERROR" } }] });
        return;
      case "throttle":
        send(200, { data: null, errors: [{ message: fault.message ?? "You are creating volumes too quickly. Please wait and try again." }] });
        return;
    }

    const result = await graphql({
      schema: this.schema,
      source: body.query ?? "",
      variableValues: body.variables,
      operationName: body.operationName,
      rootValue: this.root(),
    });
    const errors = result.errors?.map((e) => ({
      message: e.message,
      path: e.path,
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...e.extensions },
    }));
    if (fault?.kind === "lostResponse") {
      send(fault.status ?? 504, { errors: [{ message: "Gateway Timeout" }] });
      return;
    }
    if (fault?.kind === "dropConnection") {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    send(200, errors ? { data: result.data ?? null, errors } : { data: result.data });
  }

  private authorized(req: IncomingMessage): boolean {
    if (req.headers.authorization === `Bearer ${this.token}`) return true;
    return req.headers["project-access-token"] === this.projectToken;
  }

  private takeFault(operation: string): Fault | undefined {
    const fault = this.faults.find((f) => f.operation === operation && (f.times ?? 1) > 0);
    if (fault) fault.times = (fault.times ?? 1) - 1;
    return fault;
  }

  // ---- state changes ------------------------------------------------------------------

  private requireProject(id: string): ProjectRecord {
    const project = this.state.projects.get(id);
    if (!project) throw notFound("Project");
    return project;
  }

  private requireEnvironment(id: string): EnvironmentRecord {
    const env = this.state.environments.get(id);
    if (!env) throw notFound("Environment");
    return env;
  }

  private requireService(id: string): ServiceRecord {
    const service = this.state.services.get(id);
    if (!service) throw notFound("Service");
    return service;
  }

  private requireInstance(serviceId: string, environmentId: string): InstanceRecord {
    const instance = this.instance(serviceId, environmentId);
    if (!instance) throw notFound("ServiceInstance");
    return instance;
  }

  private createEnvironment(projectId: string, name: string): EnvironmentRecord {
    const env = { id: randomUUID(), projectId, name, createdAt: now() };
    this.state.environments.set(env.id, env);
    for (const service of this.state.services.values()) {
      if (service.projectId === projectId) this.createInstance(service.id, env.id);
    }
    return env;
  }

  private createInstance(serviceId: string, environmentId: string): InstanceRecord {
    const instance: InstanceRecord = { id: randomUUID(), serviceId, environmentId, settings: { ...INSTANCE_DEFAULTS } };
    this.state.instances.set(`${serviceId}:${environmentId}`, instance);
    return instance;
  }

  private deleteProject(id: string): void {
    for (const env of [...this.state.environments.values()]) if (env.projectId === id) this.deleteEnvironment(env.id);
    for (const service of [...this.state.services.values()]) if (service.projectId === id) this.deleteService(service.id);
    for (const volume of [...this.state.volumes.values()]) if (volume.projectId === id) this.deleteVolume(volume.id);
    this.state.projects.delete(id);
  }

  private deleteEnvironment(id: string): void {
    this.state.environments.delete(id);
    for (const [key, instance] of this.state.instances) if (instance.environmentId === id) this.state.instances.delete(key);
    for (const key of [...this.state.variables.keys()]) if (key.startsWith(`${id}:`)) this.state.variables.delete(key);
    for (const [key, d] of this.state.domains) if (d.environmentId === id) this.state.domains.delete(key);
    for (const [key, p] of this.state.tcpProxies) if (p.environmentId === id) this.state.tcpProxies.delete(key);
    for (const [key, v] of this.state.volumeInstances) if (v.environmentId === id) this.state.volumeInstances.delete(key);
    for (const [key, t] of this.state.triggers) if (t.environmentId === id) this.state.triggers.delete(key);
  }

  private deleteService(id: string): void {
    this.state.services.delete(id);
    for (const [key, instance] of this.state.instances) if (instance.serviceId === id) this.state.instances.delete(key);
    for (const key of [...this.state.variables.keys()]) if (key.endsWith(`:${id}`)) this.state.variables.delete(key);
    for (const [key, d] of this.state.domains) if (d.serviceId === id) this.state.domains.delete(key);
    for (const [key, p] of this.state.tcpProxies) if (p.serviceId === id) this.state.tcpProxies.delete(key);
    for (const [key, t] of this.state.triggers) if (t.serviceId === id) this.state.triggers.delete(key);
    for (const d of this.state.deployments.values()) if (d.serviceId === id) d.status = "REMOVED";
    // Volumes outlive their service (terraform-provider-railway deletes them separately).
    for (const v of this.state.volumeInstances.values()) if (v.serviceId === id) v.serviceId = null;
  }

  private deleteVolume(id: string): void {
    this.state.volumes.delete(id);
    for (const [key, v] of this.state.volumeInstances) if (v.volumeId === id) this.state.volumeInstances.delete(key);
  }

  private deploy(serviceId: string, environmentId: string, cause: DeploymentRecord["cause"]): DeploymentRecord {
    const service = this.requireService(serviceId);
    const instance = this.requireInstance(serviceId, environmentId);
    const source = instance.settings.source as { image?: string; repo?: string } | undefined;
    if (!source?.image && !source?.repo) throw badInput("Service has no source to deploy");
    const outcome = this.deployOutcomes.get(serviceId)?.shift();
    const steps = outcome ? [...this.deploySteps.slice(0, -1), outcome.status] : [...this.deploySteps];
    const logs = outcome?.logs ?? [`Starting ${service.name}`, "Listening on 0.0.0.0:8080"];
    const deployment: DeploymentRecord = {
      id: randomUUID(),
      projectId: service.projectId,
      environmentId,
      serviceId,
      status: "QUEUED",
      createdAt: now(),
      steps,
      logs: outcome?.status === "FAILED" ? [] : logs,
      buildLogs: outcome?.status === "FAILED" ? logs : ["Building image", "Build complete"],
      cause,
    };
    for (const d of this.state.deployments.values()) {
      if (d.serviceId === serviceId && d.environmentId === environmentId && (d.status === "SUCCESS" || d.status === "SLEEPING")) {
        d.status = "REMOVED";
      }
    }
    this.state.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** A status poll moves a deployment one step on. */
  private advance(deployment: DeploymentRecord): DeploymentRecord {
    const next = deployment.steps.shift();
    if (next && deployment.status !== "REMOVED") deployment.status = next;
    return deployment;
  }

  // ---- GraphQL views ------------------------------------------------------------------

  private projectView(p: ProjectRecord) {
    return {
      ...p,
      deletedAt: null,
      services: () => connection([...this.state.services.values()].filter((s) => s.projectId === p.id).map((s) => this.serviceView(s))),
    };
  }

  private serviceView(s: ServiceRecord) {
    return { ...s, deletedAt: null };
  }

  private environmentView(e: EnvironmentRecord) {
    return {
      ...e,
      deletedAt: null,
      volumeInstances: () =>
        connection(
          [...this.state.volumeInstances.values()]
            .filter((v) => v.environmentId === e.id)
            .map((v) => ({ ...v, volume: this.state.volumes.get(v.volumeId) })),
        ),
    };
  }

  private instanceView(instance: InstanceRecord) {
    const latest = this.deploymentsOf(instance.serviceId, instance.environmentId).at(-1);
    return {
      ...instance.settings,
      id: instance.id,
      serviceId: instance.serviceId,
      environmentId: instance.environmentId,
      deletedAt: null,
      latestDeployment: latest ? this.deploymentView(latest) : null,
    };
  }

  private deploymentView(d: DeploymentRecord) {
    return { id: d.id, status: d.status, staticUrl: null, url: null };
  }

  private customDomainView(d: DomainRecord) {
    const [hostLabel, ...rest] = d.domain.split(".");
    const zone = rest.join(".");
    return {
      id: d.id,
      domain: d.domain,
      targetPort: d.targetPort ?? null,
      status: {
        verified: false,
        verificationDnsHost: `_railway-verify.${hostLabel}`,
        verificationToken: `railway-verify=${d.verifyToken}`,
        dnsRecords: [{ recordType: "DNS_RECORD_TYPE_CNAME", fqdn: d.domain, hostlabel: hostLabel, zone, requiredValue: d.target }],
      },
    };
  }

  private root(): Record<string, (args: any) => unknown> {
    const s = this.state;
    return {
      // queries
      project: ({ id }) => this.projectView(this.requireProject(id)),
      projects: ({ workspaceId }) =>
        connection([...s.projects.values()].filter((p) => !workspaceId || p.workspaceId === workspaceId).map((p) => this.projectView(p))),
      environment: ({ id }) => this.environmentView(this.requireEnvironment(id)),
      environments: ({ projectId }) => {
        this.requireProject(projectId);
        return connection([...s.environments.values()].filter((e) => e.projectId === projectId).map((e) => this.environmentView(e)));
      },
      service: ({ id }) => this.serviceView(this.requireService(id)),
      serviceInstance: ({ serviceId, environmentId }) => {
        this.requireService(serviceId);
        return this.instanceView(this.requireInstance(serviceId, environmentId));
      },
      variables: ({ environmentId, serviceId }) => {
        this.requireEnvironment(environmentId);
        if (serviceId) this.requireService(serviceId);
        return Object.fromEntries(s.variables.get(`${environmentId}:${serviceId ?? "shared"}`) ?? new Map());
      },
      domains: ({ environmentId, serviceId }) => {
        this.requireService(serviceId);
        const mine = [...s.domains.values()].filter((d) => d.environmentId === environmentId && d.serviceId === serviceId);
        return {
          serviceDomains: mine.filter((d) => d.kind === "service").map((d) => ({ id: d.id, domain: d.domain, targetPort: d.targetPort ?? null })),
          customDomains: mine.filter((d) => d.kind === "custom").map((d) => this.customDomainView(d)),
        };
      },
      tcpProxies: ({ environmentId, serviceId }) => {
        this.requireService(serviceId);
        return [...s.tcpProxies.values()].filter((p) => p.environmentId === environmentId && p.serviceId === serviceId);
      },
      deployment: ({ id }) => {
        const d = s.deployments.get(id);
        if (!d) throw notFound("Deployment");
        return this.deploymentView(this.advance(d));
      },
      deploymentLogs: ({ deploymentId, limit }) => this.logs(deploymentId, "logs", limit),
      buildLogs: ({ deploymentId, limit }) => this.logs(deploymentId, "buildLogs", limit),
      deploymentTriggers: ({ environmentId, serviceId }) =>
        connection([...s.triggers.values()].filter((t) => t.environmentId === environmentId && t.serviceId === serviceId)),

      // mutations
      projectCreate: ({ input }) => {
        const project: ProjectRecord = { id: randomUUID(), name: input.name ?? "new-project", description: input.description ?? undefined, workspaceId: input.workspaceId ?? undefined, createdAt: now() };
        s.projects.set(project.id, project);
        this.createEnvironment(project.id, input.defaultEnvironmentName ?? "production");
        return this.projectView(project);
      },
      projectUpdate: ({ id, input }) => {
        const project = this.requireProject(id);
        if (input.name != null) project.name = input.name;
        if (input.description !== undefined) project.description = input.description ?? undefined;
        return this.projectView(project);
      },
      projectDelete: ({ id }) => {
        this.requireProject(id);
        this.deleteProject(id);
        return true;
      },
      environmentCreate: ({ input }) => {
        this.requireProject(input.projectId);
        if ([...s.environments.values()].some((e) => e.projectId === input.projectId && e.name === input.name)) {
          throw badInput(`Environment ${input.name} already exists`);
        }
        return this.environmentView(this.createEnvironment(input.projectId, input.name));
      },
      environmentDelete: ({ id }) => {
        this.requireEnvironment(id);
        this.deleteEnvironment(id);
        return true;
      },
      serviceCreate: ({ input }) => {
        this.requireProject(input.projectId);
        if (input.environmentId) this.requireEnvironment(input.environmentId);
        const name = input.name ?? `service-${randomBytes(2).toString("hex")}`;
        if ([...s.services.values()].some((x) => x.projectId === input.projectId && x.name === name)) {
          throw badInput(`Service ${name} already exists`);
        }
        const service: ServiceRecord = { id: randomUUID(), projectId: input.projectId, name, createdAt: now() };
        s.services.set(service.id, service);
        for (const env of s.environments.values()) {
          if (env.projectId !== input.projectId) continue;
          const instance = this.createInstance(service.id, env.id);
          if (input.source) instance.settings.source = input.source;
        }
        return this.serviceView(service);
      },
      serviceUpdate: ({ id, input }) => {
        const service = this.requireService(id);
        if (input.name) service.name = input.name;
        return this.serviceView(service);
      },
      serviceDelete: ({ id }) => {
        this.requireService(id);
        this.deleteService(id);
        return true;
      },
      serviceInstanceUpdate: ({ serviceId, environmentId, input }) => {
        const service = this.requireService(serviceId);
        const targets = environmentId
          ? [this.requireInstance(serviceId, environmentId)]
          : [...s.instances.values()].filter((i) => i.serviceId === service.id);
        for (const instance of targets) {
          for (const key of SETTING_KEYS) {
            if (key in input) instance.settings[key] = input[key] ?? INSTANCE_DEFAULTS[key] ?? null;
          }
          if ("source" in input) instance.settings.source = input.source ?? undefined;
          if ("registryCredentials" in input) instance.registryCredentials = input.registryCredentials ?? undefined;
          if (input.multiRegionConfig) {
            instance.multiRegionConfig = input.multiRegionConfig;
            instance.settings.numReplicas = Object.values(input.multiRegionConfig as Record<string, { numReplicas: number }>).reduce((n, r) => n + r.numReplicas, 0);
          } else {
            // Railway's quirk: an update that omits numReplicas resets it to 1.
            instance.settings.numReplicas = input.numReplicas ?? 1;
          }
        }
        return true;
      },
      serviceInstanceDeployV2: ({ serviceId, environmentId }) => this.deploy(serviceId, environmentId, "api").id,
      deploymentRemove: ({ id }) => {
        const d = s.deployments.get(id);
        if (!d) throw notFound("Deployment");
        d.status = "REMOVED";
        return true;
      },
      deploymentTriggerCreate: ({ input }) => {
        this.requireService(input.serviceId);
        const trigger: TriggerRecord = { id: randomUUID(), ...input };
        s.triggers.set(trigger.id, trigger);
        return trigger;
      },
      deploymentTriggerUpdate: ({ id, input }) => {
        const trigger = s.triggers.get(id);
        if (!trigger) throw notFound("DeploymentTrigger");
        Object.assign(trigger, Object.fromEntries(Object.entries(input).filter(([, v]) => v != null)));
        return trigger;
      },
      deploymentTriggerDelete: ({ id }) => {
        if (!s.triggers.delete(id)) throw notFound("DeploymentTrigger");
        return true;
      },
      variableCollectionUpsert: ({ input }) => {
        this.requireProject(input.projectId);
        this.requireEnvironment(input.environmentId);
        if (input.serviceId) this.requireService(input.serviceId);
        const key = `${input.environmentId}:${input.serviceId ?? "shared"}`;
        const vars = input.replace ? new Map<string, string>() : (s.variables.get(key) ?? new Map<string, string>());
        for (const [name, value] of Object.entries(input.variables as Record<string, string>)) vars.set(name, String(value));
        s.variables.set(key, vars);
        // Railway redeploys a service whose variables change unless told not to.
        if (!input.skipDeploys && input.serviceId) this.deploy(input.serviceId, input.environmentId, "variables");
        return true;
      },
      variableDelete: ({ input }) => {
        this.requireEnvironment(input.environmentId);
        if (input.serviceId) this.requireService(input.serviceId);
        s.variables.get(`${input.environmentId}:${input.serviceId ?? "shared"}`)?.delete(input.name);
        return true;
      },
      serviceDomainCreate: ({ input }) => {
        const service = this.requireService(input.serviceId);
        const env = this.requireEnvironment(input.environmentId);
        const domain: DomainRecord = {
          id: randomUUID(), projectId: service.projectId, environmentId: env.id, serviceId: service.id, kind: "service",
          domain: `${slug(service.name)}-${slug(env.name)}-${randomBytes(2).toString("hex")}.up.railway.app`,
          targetPort: input.targetPort ?? null,
        };
        s.domains.set(domain.id, domain);
        return { id: domain.id, domain: domain.domain, targetPort: domain.targetPort };
      },
      serviceDomainUpdate: ({ input }) => {
        const domain = s.domains.get(input.serviceDomainId);
        if (!domain) throw notFound("ServiceDomain");
        domain.targetPort = input.targetPort ?? null;
        domain.domain = input.domain;
        return true;
      },
      serviceDomainDelete: ({ id }) => {
        if (!s.domains.delete(id)) throw notFound("ServiceDomain");
        return true;
      },
      customDomainCreate: ({ input }) => {
        const service = this.requireService(input.serviceId);
        this.requireEnvironment(input.environmentId);
        if ([...s.domains.values()].some((d) => d.domain === input.domain)) throw badInput(`Domain ${input.domain} is already in use`);
        const domain: DomainRecord = {
          id: randomUUID(), projectId: service.projectId, environmentId: input.environmentId, serviceId: service.id, kind: "custom",
          domain: input.domain, targetPort: input.targetPort ?? null,
          verifyToken: randomBytes(16).toString("hex"), target: `${randomBytes(4).toString("hex")}.up.railway.app`,
        };
        s.domains.set(domain.id, domain);
        return this.customDomainView(domain);
      },
      customDomainUpdate: ({ id, targetPort }) => {
        const domain = s.domains.get(id);
        if (!domain) throw notFound("CustomDomain");
        domain.targetPort = targetPort ?? null;
        return true;
      },
      customDomainDelete: ({ id }) => {
        if (!s.domains.delete(id)) throw notFound("CustomDomain");
        return true;
      },
      tcpProxyCreate: ({ input }) => {
        this.requireService(input.serviceId);
        this.requireEnvironment(input.environmentId);
        const proxy: TcpProxyRecord = {
          id: randomUUID(), environmentId: input.environmentId, serviceId: input.serviceId, applicationPort: input.applicationPort,
          domain: `${["shuttle", "roundhouse", "caboose", "switchyard"][s.tcpProxies.size % 4]}.proxy.rlwy.net.`,
          proxyPort: 10_000 + Math.floor(Math.random() * 50_000),
        };
        s.tcpProxies.set(proxy.id, proxy);
        return proxy;
      },
      tcpProxyDelete: ({ id }) => {
        if (!s.tcpProxies.delete(id)) throw notFound("TCPProxy");
        return true;
      },
      volumeCreate: ({ input }) => {
        this.requireProject(input.projectId);
        const volume: VolumeRecord = { id: randomUUID(), projectId: input.projectId, name: `volume-${randomBytes(3).toString("hex")}` };
        // environmentId: undefined = every environment, null = none (schema description).
        const envs = input.environmentId === undefined
          ? [...s.environments.values()].filter((e) => e.projectId === input.projectId).map((e) => e.id)
          : input.environmentId === null ? [] : [this.requireEnvironment(input.environmentId).id];
        for (const environmentId of envs) {
          if (input.serviceId && [...s.volumeInstances.values()].some((v) => v.serviceId === input.serviceId && v.environmentId === environmentId)) {
            throw badInput("Service already has a volume attached");
          }
        }
        s.volumes.set(volume.id, volume);
        for (const environmentId of envs) {
          const instance: VolumeInstanceRecord = { id: randomUUID(), volumeId: volume.id, environmentId, serviceId: input.serviceId ?? null, mountPath: input.mountPath, sizeMB: 5000, state: "READY" };
          s.volumeInstances.set(instance.id, instance);
        }
        return volume;
      },
      volumeUpdate: ({ volumeId, input }) => {
        const volume = s.volumes.get(volumeId);
        if (!volume) throw notFound("Volume");
        if (input.name) volume.name = input.name;
        return volume;
      },
      volumeInstanceUpdate: ({ volumeId, environmentId, input }) => {
        if (!s.volumes.has(volumeId)) throw notFound("Volume");
        const targets = [...s.volumeInstances.values()].filter((v) => v.volumeId === volumeId && (!environmentId || v.environmentId === environmentId));
        if (!targets.length) throw notFound("VolumeInstance");
        for (const v of targets) {
          if (input.mountPath) v.mountPath = input.mountPath;
          // Railway's quirk: an update without serviceId detaches the volume.
          v.serviceId = input.serviceId ?? null;
          if (input.state) v.state = input.state;
        }
        return true;
      },
      volumeDelete: ({ volumeId }) => {
        if (!s.volumes.has(volumeId)) throw notFound("Volume");
        this.deleteVolume(volumeId);
        return true;
      },
    };
  }

  private logs(deploymentId: string, which: "logs" | "buildLogs", limit?: number) {
    const d = this.state.deployments.get(deploymentId);
    if (!d) throw notFound("Deployment");
    const lines = d[which].slice(-(limit ?? 100));
    return lines.map((message, i) => ({ message, severity: "info", timestamp: new Date(Date.parse(d.createdAt) + i).toISOString() }));
  }
}
