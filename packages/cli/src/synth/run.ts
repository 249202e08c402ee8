// One synth of one stack, in this process: load the project and stack file,
// run the program under the mock runtime (already loaded through ts-node, as
// the Pulumi CLI loads it), evaluate the policy pack, and return the desired
// state with every secret redacted. Never decrypts anything.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, PROVIDER_TYPES, secretReferences } from "@trestle/components";
import { EvaluatedResource, PackConfig, PolicyViolation, ResourcePlacement, evaluatePolicies } from "@trestle/policies/evaluate";
import { RAILWAY_TYPES } from "@trestle/railway";
import { Recorder, SECRET_SIG, SECRET_SIG_KEY, forPolicies, isSecretValue, placement } from "@trestle/components/testing";
import { StackFileError, readYamlFile } from "./stack-file";
import { nativeStacksForSdkCaptures } from "./stack-traces";
import { sharedWithProduction } from "./isolation";

export const SYNTH_FORMAT = 1;

export interface SynthResource extends ResourcePlacement {
  /** Inputs with secrets as `{ secret: <fingerprint> }` and provider-computed values as `«computed:…»`. */
  inputs: Record<string, unknown>;
  /** Outputs only a provider knows, shown with placeholders. */
  computed: string[];
}

export interface SynthResult {
  format: number;
  project: string;
  stack: string;
  /** The stack file, relative to the project. */
  config: string;
  /** Invalid configuration (the program did not run). */
  configErrors: string[];
  resources: SynthResource[];
  outputs: Record<string, unknown>;
  policies: { violations: (PolicyViolation & { where?: string })[]; mandatory: number; advisory: number };
  /** Per service and frontend, the names (never the values) of its secret variables. */
  secretVariables: SecretVariables[];
  /**
   * The Pulumi ESC environments the stack file imports (`environment:`), which
   * the offline synth cannot open, and the stack secrets it took to come from
   * them (set nowhere in the stack file; their placeholders stand in).
   */
  environments?: { imports: string[]; assumedSecrets: string[] };
}

export interface SecretVariables {
  /** The service or frontend, by its name in the program. */
  owner: string;
  /** Where they are set: Railway or Vercel. */
  platform: "railway" | "vercel";
  names: string[];
}

export interface SynthOptions {
  /** The directory holding Pulumi.yaml (and the program). */
  projectDir: string;
  stack: string;
  /** The stack file; default `<projectDir>/Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** Where `policies/` is (the pack evaluated); default this checkout's. */
  policyConfigFile?: string;
}

interface ProjectFile {
  name: string;
  main?: string;
  config?: Record<string, { secret?: boolean; default?: unknown; type?: string }>;
}

/** A stand-in fingerprint: derived from the encrypted text or placeholder, never from a real secret. */
function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

/** The stack a stack file is for: `Pulumi.<stack>.yaml`. */
const stackOf = (configFile: string) =>
  path
    .basename(configFile)
    .replace(/^Pulumi\./, "")
    .replace(/\.ya?ml$/, "");

/** Reads a stack file's config as the CLI passes it: `secure:` values stay encrypted and become opaque placeholders. */
export function readStackConfig(
  file: string,
  project: ProjectFile,
): { values: Record<string, string>; secretKeys: string[]; problems: string[]; environments: string[]; assumedSecrets: string[] } {
  const raw = readYamlFile(file) ?? {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new StackFileError(`${path.relative(process.cwd(), file) || file}: a stack file is a mapping with a \`config:\` key`);
  const doc = raw as { config?: Record<string, unknown>; environment?: unknown };
  const environments = escImports(file, doc.environment);
  // A stack file may hold only ESC imports: its config then comes from them (read as empty here).
  if ((doc.config === undefined || doc.config === null) && environments.length) doc.config = {};
  if (doc.config === undefined || doc.config === null) {
    throw new StackFileError(
      `${path.relative(process.cwd(), file) || file}: no \`config:\` mapping; a stack file holds its settings under \`config:\``,
    );
  }
  if (doc.config !== undefined && (typeof doc.config !== "object" || doc.config === null || Array.isArray(doc.config))) {
    throw new StackFileError(`${path.relative(process.cwd(), file) || file}: \`config:\` must be a mapping of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (value && typeof value === "object" && "secure" in value) {
      values[key] = `[secret ${key} ${fingerprint((value as { secure: unknown }).secure)}]`;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  // What the CLI checks before running the program (Pulumi.yaml `config:` declarations).
  for (const [name, declared] of Object.entries(project.config ?? {})) {
    const key = `${project.name}:${name}`;
    if (declared.secret && key in values && !secretKeys.includes(key)) {
      problems.push(
        `${name}: declared secret in Pulumi.yaml but stored in plain text; run \`trestle secret set ${name} --stack ${stackOf(file)}\` (the value from standard input or a prompt)`,
      );
    }
    if (!(key in values) && declared.default === undefined) {
      problems.push(
        `${name}: declared in Pulumi.yaml without a default, so every stack must set it; run ${declared.secret ? `\`trestle secret set ${name} --stack ${stackOf(file)}\` (the value from standard input or a prompt)` : `\`pulumi config set ${name} <value> --stack ${stackOf(file)}\``}`,
      );
    }
    if (!(key in values) && declared.default !== undefined)
      values[key] = typeof declared.default === "string" ? declared.default : JSON.stringify(declared.default);
  }
  // A stack secret set nowhere in the file may come from an imported ESC
  // environment's `pulumiConfig`, which only the Pulumi CLI opens: offline it
  // stands in as a placeholder, and the synth says which it assumed.
  const assumedSecrets: string[] = [];
  if (environments.length) {
    for (const [, name] of referencedSecrets(values)) {
      const key = `${project.name}:${name}`;
      if (key in values || assumedSecrets.includes(name)) continue;
      values[key] = `[secret ${key} from ${environments.join(", ")}]`;
      secretKeys.push(key);
      assumedSecrets.push(name);
    }
  }
  return { values, secretKeys, problems, environments, assumedSecrets: assumedSecrets.sort() };
}

/**
 * The ESC environments a stack file imports: `environment:` is a list of
 * environment names, merged in order (Pulumi's ESC guide, "Use with Pulumi IaC").
 */
function escImports(file: string, environment: unknown): string[] {
  if (environment === undefined || environment === null) return [];
  if (!Array.isArray(environment) || !environment.every((e) => typeof e === "string" && /^[\w.-]+(\/[\w.-]+){0,2}$/.test(e))) {
    throw new StackFileError(
      `${path.relative(process.cwd(), file) || file}: \`environment:\` is a list of ESC environment names, such as \`- my-project/prod\``,
    );
  }
  return environment as string[];
}

/** The stack secrets the Trestle settings reference, by `[config path, key]`. */
function referencedSecrets(values: Record<string, string>): [string, string][] {
  const structured: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith("trestle:")) continue;
    try {
      structured[key.slice("trestle:".length)] = JSON.parse(value);
    } catch {
      // A plain text value holds no secret reference.
    }
  }
  return secretReferences(structured);
}

/** The secret variables each Railway service and Vercel frontend gets, by name; the recorder holds their values, which stay behind. */
function secretVariablesOf(recorder: Recorder): SecretVariables[] {
  const plain = (value: unknown) => (isSecretValue(value) ? value.value : value);
  const ownerOf = (r: Recorder["resources"][number]) => recorder.resources.find((p) => p.urn === r.parent)?.name ?? r.name;
  const byOwner = new Map<string, SecretVariables>();
  const add = (owner: string, platform: SecretVariables["platform"], names: string[]) => {
    if (!names.length) return;
    const entry = byOwner.get(`${platform}:${owner}`) ?? { owner, platform, names: [] };
    entry.names = [...new Set([...entry.names, ...names])].sort();
    byOwner.set(`${platform}:${owner}`, entry);
  };
  for (const r of recorder.resources) {
    if (r.type === RAILWAY_TYPES.Variables)
      add(ownerOf(r), "railway", Object.keys((plain(r.inputs.secretVariables) ?? {}) as Record<string, unknown>));
    if (r.type === PROVIDER_TYPES.vercelVariable && (r.inputs.sensitive === true || isSecretValue(r.inputs.value)))
      add(ownerOf(r), "vercel", [String(plain(r.inputs.key))]);
    if (r.type === PROVIDER_TYPES.vercelVariables) {
      const entries = (plain(r.inputs.variables) ?? []) as { key: unknown; value: unknown; sensitive?: unknown }[];
      add(
        ownerOf(r),
        "vercel",
        entries.filter((v) => v.sensitive === true || isSecretValue(v.value)).map((v) => String(plain(v.key))),
      );
    }
  }
  return [...byOwner.values()].sort((a, b) => a.owner.localeCompare(b.owner) || a.platform.localeCompare(b.platform));
}

/** Replaces secrets with fingerprints and placeholder values with `«computed:<resource>.<output>»`. */
function presenter(recorder: Recorder) {
  const computed = new Map<string, string>();
  for (const r of recorder.resources) {
    for (const output of r.computed) {
      const value = r.outputs[output];
      const raw = isSecretValue(value) ? undefined : value;
      if (typeof raw === "string" && raw.length >= 8) computed.set(raw, `«computed:${r.name}.${output}»`);
    }
  }
  const ordered = [...computed.keys()].sort((a, b) => b.length - a.length);
  const present = (value: unknown): unknown => {
    if (isSecretValue(value)) return { secret: fingerprint(value.value) };
    if (Array.isArray(value)) return value.map(present);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => k !== "__provider")
          .map(([k, v]) => [k, present(v)]),
      );
    }
    if (typeof value === "string") {
      let text = value;
      for (const raw of ordered) if (text.includes(raw)) text = text.split(raw).join(computed.get(raw)!);
      return text;
    }
    return value;
  };
  return present;
}

export function readProject(dir: string): ProjectFile {
  const file = path.join(dir, "Pulumi.yaml");
  if (!existsSync(file)) throw new Error(`no Pulumi.yaml in ${dir}`);
  const project = readYamlFile(file) as ProjectFile | null;
  if (!project || typeof project !== "object" || typeof project.name !== "string")
    throw new StackFileError(`${file}: a Pulumi.yaml needs a \`name\``);
  return project;
}

async function resolveOutput(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = value as pulumi.Output<unknown>;
  const [plain, secret] = await Promise.all([new Promise((resolve) => output.apply(resolve)), pulumi.isSecret(output)]);
  return secret ? { [SECRET_SIG_KEY]: SECRET_SIG, value: plain } : plain;
}

/**
 * A project and one of its stack files, read as the CLI reads them, or the
 * configuration problems that stop a run before the program starts.
 */
export function loadStack(
  projectDir: string,
  configFile: string,
):
  | {
      project: ProjectFile;
      values: Record<string, string>;
      secretKeys: string[];
      environments: { imports: string[]; assumedSecrets: string[] };
    }
  | { configErrors: string[] } {
  try {
    const project = readProject(projectDir);
    if (!existsSync(configFile))
      return { configErrors: [`${path.relative(projectDir, configFile)}: no such stack file; create it or pass --config`] };
    const { values, secretKeys, problems: read, environments, assumedSecrets } = readStackConfig(configFile, project);
    const problems = [...read, ...sharedWithProduction(configFile)];
    if (problems.length) return { configErrors: [...problems, ...escNote(environments, configFile)] };
    return { project, values, secretKeys, environments: { imports: environments, assumedSecrets } };
  } catch (error) {
    if (error instanceof StackFileError) return { configErrors: [error.message] };
    throw error;
  }
}

/** With ESC imports, what a configuration error may mean: the setting is in an environment the offline synth cannot open. */
function escNote(environments: string[], configFile: string): string[] {
  if (!environments.length) return [];
  return [
    `environment: ${path.basename(configFile)} imports the ESC environment(s) ${environments.map((e) => `\`${e}\``).join(", ")}, which the offline synth cannot open; a setting only they provide reads as missing above: put it in the stack file, or check with \`pulumi preview\` (which opens them)`,
  ];
}

/** Runs the synth. Must run in a fresh process: the SDK's runtime state is per process. */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const configFile = options.configFile ?? path.join(options.projectDir, `Pulumi.${options.stack}.yaml`);
  const loaded = loadStack(options.projectDir, configFile);
  const base: SynthResult = {
    format: SYNTH_FORMAT,
    project: "project" in loaded ? loaded.project.name : "",
    stack: options.stack,
    config: path.relative(options.projectDir, configFile),
    configErrors: "configErrors" in loaded ? loaded.configErrors : [],
    resources: [],
    outputs: {},
    policies: { violations: [], mandatory: 0, advisory: 0 },
    secretVariables: [],
  };
  if ("configErrors" in loaded) return base;
  const { project, values, secretKeys, environments } = loaded;
  if (environments.imports.length) base.environments = environments;

  pulumi.runtime.setAllConfig(values, secretKeys);
  nativeStacksForSdkCaptures();
  const recorder = new Recorder(project.name, options.stack);
  await recorder.install();
  const main = path.resolve(options.projectDir, project.main ?? ".", "index.ts");
  let program: Record<string, unknown>;
  try {
    program = require(main) as Record<string, unknown>;
  } catch (error) {
    if ((error as Error).name === "ConfigError")
      return { ...base, configErrors: [...(error as { problems: string[] }).problems, ...escNote(environments.imports, configFile)] };
    throw error;
  }
  await recorder.settle();

  const present = presenter(recorder);
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    if (key !== "__esModule") outputs[key] = present(await resolveOutput(value));
  }

  const packConfigFile = options.policyConfigFile ?? path.join(options.projectDir, "policies", "config.json");
  const packConfig = existsSync(packConfigFile) ? (JSON.parse(readFileSync(packConfigFile, "utf8")) as PackConfig) : {};
  const evaluated: EvaluatedResource[] = recorder.resources.map(forPolicies);
  const where = settingOf(recorder.resources, values);
  const violations = evaluatePolicies(evaluated, packConfig).map((v) => ({
    ...v,
    message: present(v.message) as string,
    ...(v.urn && where(v.urn) ? { where: where(v.urn) } : {}),
  }));

  const result: SynthResult = {
    ...base,
    resources: recorder.resources.map((r) => ({
      ...placement(r),
      inputs: present(r.inputs) as Record<string, unknown>,
      computed: r.computed,
    })),
    outputs,
    secretVariables: secretVariablesOf(recorder),
    policies: {
      violations,
      mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
      advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    },
  };
  assertNoSecrets(result, [...secretKeys.map((k) => values[k]), ...recorder.secretOutputValues]);
  return result;
}

/**
 * The stack-file setting a violating resource comes from (`trestle:services.api`),
 * found through the Trestle component it belongs to, so a violation names the
 * place to change as a config error does.
 */
function settingOf(
  resources: readonly { urn: string; type: string; name: string; parent: string }[],
  values: Record<string, string>,
): (urn: string) => string | undefined {
  const parse = (key: string) => {
    try {
      return JSON.parse(values[key] ?? "{}") as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const services = parse("trestle:services");
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return (urn) => {
    for (let r = byUrn.get(urn); r; r = byUrn.get(r.parent)) {
      if (r.type === COMPONENT_TYPES.RailwayService) return r.name in services ? `trestle:services.${r.name}` : "trestle:frontend.service";
      if (r.type === COMPONENT_TYPES.PostgresDb || r.type === COMPONENT_TYPES.RedisCache) {
        return r.name === "postgres" || r.name === "redis" ? `trestle:${r.name}` : `trestle:databases.${r.name}`;
      }
      if (r.type === COMPONENT_TYPES.VercelFrontend || r.type === COMPONENT_TYPES.VercelPreview) return "trestle:frontend";
      if (r.type === COMPONENT_TYPES.StorageBucket) return `trestle:buckets.${r.name}`;
      if (r.type === RAILWAY_TYPES.Project || r.type === RAILWAY_TYPES.Environment) return "trestle:railway";
    }
    return undefined;
  };
}

/** The last line of defence: no secret value may appear anywhere in what the synth writes. */
export function assertNoSecrets(result: SynthResult, secrets: string[]): void {
  const text = JSON.stringify(result);
  const leaked = secrets.filter((s) => s.length >= 6 && text.includes(s));
  if (leaked.length) throw new Error(`refusing to write the synth: ${leaked.length} secret value(s) would appear in it`);
}
