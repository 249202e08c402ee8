// Runs a Pulumi program under the SDK's mock runtime and records every resource
// it registers, the way the engine would see it: type, name, parent,
// dependencies, options (protect, additionalSecretOutputs) and inputs (with
// secrets still marked). Outputs only a provider knows (ids, domains, digests)
// get realistic placeholders, listed as computed.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { RAILWAY_TYPES } from "@trestle/railway/facts";
import { PROVIDER_TYPES, SECRET_SIG, SECRET_SIG_KEY } from "../contract";

export { SECRET_SIG, SECRET_SIG_KEY };

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The parent's URN (the stack for top-level resources). */
  parent: string;
  /** URNs this resource depends on (explicit `dependsOn` and inputs' resources). */
  dependencies: string[];
  protect: boolean;
  additionalSecretOutputs: string[];
  /** Inputs as the engine receives them; secret values are `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
  inputs: Record<string, unknown>;
  /**
   * Outputs: for custom resources the inputs plus placeholders (secret ones
   * marked); for components what they registered with `registerOutputs`.
   */
  outputs: Record<string, unknown>;
  /** Output names whose values are placeholders for what the provider computes. */
  computed: string[];
}

/**
 * What a data source returns offline: its inputs, and for the lookups Trestle
 * makes (a pull request's preview finds the base stack's Vercel project) the id
 * only the provider knows, as a placeholder.
 */
function invokeResult(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === "vercel:index/getProject:getProject") return { ...inputs, id: `«computed:vercel project ${String(inputs.name)}»` };
  return inputs;
}

/** What identifies a recorded resource and places it in the graph. */
export function placement(r: RecordedResource) {
  return { urn: r.urn, type: r.type, name: r.name, parent: r.parent, dependencies: r.dependencies, protect: r.protect };
}

/** A recorded resource as the policy pack sees it in a stack policy (props are outputs). */
export function forPolicies(r: RecordedResource) {
  return {
    ...placement(r),
    additionalSecretOutputs: r.additionalSecretOutputs,
    props: r.outputs,
  };
}

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A stable UUID-shaped placeholder id. */
function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function plain(value: unknown): unknown {
  return isSecretValue(value) ? value.value : value;
}

/** Placeholder outputs per resource type: [outputs, which of them are secret]. */
function placeholders(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stack: string,
): { outputs: Record<string, unknown>; secret: string[] } {
  const id = uuid(`${type}/${name}`);
  switch (type) {
    case RAILWAY_TYPES.Project:
      return { outputs: { projectId: plain(inputs.existingProjectId) ?? id, created: !inputs.existingProjectId }, secret: [] };
    case RAILWAY_TYPES.Environment:
      return { outputs: { environmentId: id, created: plain(inputs.name) !== "production" }, secret: [] };
    case RAILWAY_TYPES.Service: {
      const serviceName = String(plain(inputs.name));
      return {
        outputs: { serviceId: id, privateDomain: `${serviceName.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}.railway.internal` },
        secret: [],
      };
    }
    case RAILWAY_TYPES.ServiceDomain: {
      const host = `${name.replace(/-domain$/, "")}-${stack}-${hex(name, 4)}.up.railway.app`;
      return { outputs: { domain: host, url: `https://${host}` }, secret: [] };
    }
    case RAILWAY_TYPES.CustomDomain: {
      const domain = String(plain(inputs.domain));
      const [label, ...zone] = domain.split(".");
      return {
        outputs: {
          // The record names are the domain's; the values only Railway gives, so they show as computed, never as a plausible target.
          dnsRecords: [
            { type: "CNAME", name: domain, hostLabel: label, zone: zone.join("."), value: `«computed:${name}.dnsRecords[0].value»` },
          ],
          verificationRecord: {
            type: "TXT",
            name: `_railway-verify.${domain}`,
            hostLabel: `_railway-verify.${label}`,
            zone: zone.join("."),
            value: `«computed:${name}.verificationRecord.value»`,
          },
          verified: false,
        },
        secret: [],
      };
    }
    case RAILWAY_TYPES.TcpProxy:
      return {
        outputs: {
          domain: `${["shuttle", "roundhouse", "caboose"][parseInt(hex(name, 2), 16) % 3]}.proxy.rlwy.net`,
          proxyPort: 10_000 + (parseInt(hex(name, 4), 16) % 50_000),
        },
        secret: [],
      };
    case RAILWAY_TYPES.Volume:
      return { outputs: { volumeId: id, volumeInstanceId: uuid(`${id}/instance`), sizeMB: 5000 }, secret: [] };
    case RAILWAY_TYPES.Deployment:
      return { outputs: { deploymentId: id, status: "SUCCESS" }, secret: [] };
    case PROVIDER_TYPES.randomPassword:
      return { outputs: { result: `generated-${hex(name, 24)}`, bcryptHash: `$2a$10$${hex(name, 53)}` }, secret: ["result", "bcryptHash"] };
    case PROVIDER_TYPES.upstashRedis:
      return {
        outputs: {
          databaseId: id,
          endpoint: `${name}-${hex(name, 6)}.upstash.io`,
          port: 6379,
          password: `upstash-${hex(name, 24)}`,
          restToken: `rest-${hex(name, 32)}`,
          readOnlyRestToken: `ro-${hex(name, 32)}`,
        },
        secret: ["password", "restToken", "readOnlyRestToken"],
      };
    case PROVIDER_TYPES.dockerImage: {
      const imageName = String(plain(inputs.imageName)).replace(/:[^:/]+$/, "");
      return { outputs: { repoDigest: `${imageName}@sha256:${hex(name, 64)}` }, secret: [] };
    }
    case PROVIDER_TYPES.vercelProject:
      return { outputs: { id: `prj_${hex(name, 24)}` }, secret: [] };
    case PROVIDER_TYPES.localCommand:
      return { outputs: { stdout: "", stderr: "" }, secret: [] };
    default:
      return { outputs: {}, secret: [] };
  }
}

/** What a recorded dynamic resource's `__provider` input holds instead of the serialized provider. */
export const PROVIDER_NOT_SERIALIZED = "<dynamic provider: not serialized by the synth or the rehearsal>";

/**
 * A dynamic resource's inputs carry its provider serialized as JavaScript
 * (`__provider`), for the engine to run it. The synth and the rehearsal never
 * ship that text (both drop `__provider`; the rehearsal calls the providers
 * in-process), and producing it is Pulumi's closure serializer, which loads
 * TypeScript to parse each function: 2.3 s of a 6 s synth of prod, measured
 * with `node --cpu-prof`. Under the recorder it answers a marker instead.
 * That every Railway provider does serialize is tested for real, without the
 * recorder, in packages/railway/test/resources.test.ts.
 */
function skipProviderSerialization(): void {
  const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
    serializeFunction: (func: unknown, args?: unknown) => Promise<{ text: string; exportName: string; containsSecrets: boolean }>;
  };
  closure.serializeFunction = async () => ({ text: PROVIDER_NOT_SERIALIZED, exportName: "handler", containsSecrets: false });
}

/** Creates a resource for real (`undefined`: use the placeholders), answering its id and outputs. */
export type Realizer = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: { protect: boolean; dependencies: string[] },
) => Promise<{ id: string; outputs: Record<string, unknown> } | undefined>;

/**
 * Installs the mock runtime for `project`/`stack` and records registrations.
 * Call before importing the program.
 */
export class Recorder {
  readonly resources: RecordedResource[] = [];
  private readonly pendingOptions = new Map<
    string,
    { parent: string; dependencies: string[]; protect: boolean; additionalSecretOutputs: string[] }
  >();

  constructor(
    readonly project: string,
    readonly stack: string,
  ) {}

  async install(realize?: Realizer): Promise<void> {
    const stack = this.stack;
    skipProviderSerialization();
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          const key = `${args.type}::${args.name}`;
          const options = this.pendingOptions.get(key) ?? { parent: "", dependencies: [], protect: false, additionalSecretOutputs: [] };
          const placeholder = placeholders(args.type, args.name, args.inputs, stack);
          // A realizer (the rehearsal) may create the resource for real and answer with its outputs.
          const real =
            args.custom === false || !realize
              ? undefined
              : await realize(args.type, args.name, args.inputs, { protect: options.protect, dependencies: options.dependencies });
          const outputs: Record<string, unknown> = real ? { ...real.outputs } : placeholder.outputs;
          const secret = placeholder.secret;
          const secretOutputs = new Set([...secret, ...options.additionalSecretOutputs]);
          const state: Record<string, unknown> = { ...args.inputs, ...outputs };
          const recordedOutputs: Record<string, unknown> = { ...state };
          // The engine marks additionalSecretOutputs secret; the mock monitor does not.
          for (const field of secretOutputs) {
            if (typeof state[field] === "string") this.secretOutputValues.add(state[field] as string);
            if (field in state && !isSecretValue(state[field])) {
              recordedOutputs[field] = { [SECRET_SIG_KEY]: SECRET_SIG, value: state[field] };
              state[field] = pulumi.secret(state[field]);
            }
          }
          const monitor = pulumi.runtime.getMonitor() as unknown as { newUrn(parent: string, type: string, name: string): string };
          this.resources.push({
            urn: monitor.newUrn(options.parent, args.type, args.name),
            type: args.type,
            name: args.name,
            custom: args.custom ?? true,
            parent: options.parent,
            dependencies: options.dependencies,
            protect: options.protect,
            additionalSecretOutputs: options.additionalSecretOutputs,
            inputs: args.inputs,
            outputs: args.custom === false ? {} : recordedOutputs,
            computed: Object.keys(outputs),
          });
          return { id: args.custom === false ? "" : (real?.id ?? String(outputs.id ?? outputs.serviceId ?? `${args.name}-id`)), state };
        },
        call: (args) => invokeResult(args.token, args.inputs),
      },
      this.project,
      stack,
      false,
    );
    // The mock runtime hands `newResource` only type, name and inputs; the
    // registration request also carries parent, dependencies and options.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource: (req: RegisterRequest, cb: unknown) => unknown;
      registerResourceOutputs: (req: { getUrn(): string; getOutputs(): unknown }, cb: unknown) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
      const resource = this.resources.find((r) => r.urn === req.getUrn());
      const struct = req.getOutputs() as { toJavaScript?: () => Record<string, unknown> } | undefined;
      if (resource && struct?.toJavaScript) resource.outputs = struct.toJavaScript();
      return originalOutputs(req, callback);
    };
    monitor.registerResource = (req, callback) => {
      this.pendingOptions.set(`${req.getType()}::${req.getName()}`, {
        parent: req.getParent(),
        dependencies: [...new Set(req.getDependenciesList())],
        protect: req.getProtect?.() ?? false,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
      });
      return original(req, callback);
    };
  }

  /**
   * Resolves when the runtime has no registration left in flight: the SDK's own
   * RPC queue (`waitForRPCs`, what `pulumi.runtime.disconnect` awaits), not a
   * quiet period, so a busy machine or slow provider cannot end a run early.
   * `timeoutMs` only bounds a program that never finishes.
   */
  async settle(timeoutMs = 600_000): Promise<void> {
    // @internal in the SDK's typings, public in its JavaScript; packages/cli/test/synth covers it.
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the program was still registering resources after ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      timer.unref();
    });
    // Drained to a fixed point: a resource declared inside an `apply` starts its
    // registration only after the one it waited for has finished, so the queue
    // is drained again until a turn of the event loop adds nothing to it.
    const drained = async () => {
      for (;;) {
        const before = this.resources.length;
        await settings.waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
        await settings.waitForRPCs();
        if (this.resources.length === before) return;
      }
    };
    try {
      await Promise.race([drained(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Values providers return as secrets (generated passwords, tokens): none may reach a report. */
  readonly secretOutputValues = new Set<string>();

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  get(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; registered: ${this.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
    return found;
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProtect?(): boolean;
  getAdditionalsecretoutputsList?(): string[];
}
