// Reading a stack's configuration: the raw values as the Pulumi CLI (or the
// synth) passes them, decoded, checked against the schema (./schema.ts) and
// for what the schema cannot see (secrets stored in plain text, references
// to variables nobody defines, invisible characters), before any resource is
// declared (one function per check, ./checks.ts). Every problem is reported at
// once (./errors.ts).
import * as pulumi from "@pulumi/pulumi";
import {
  RawValues,
  databaseNameProblems,
  limitProblems,
  memoryFitProblems,
  planOf,
  poolProblems,
  providerKeyProblems,
  replicaProblems,
  schemaCheck,
  secretReferences,
  splitKey,
  stackSecretProblems,
  textProblems,
  unknownKeyProblems,
} from "./checks";
import { ConfigError } from "./errors";
import { NAMESPACE, StackConfig, TOP_LEVEL_KEYS } from "./schema";

export * from "./schema";
export { secretReferences } from "./checks";
export { ConfigError } from "./errors";

export interface RawStackConfig {
  /** Every config value of the stack, keyed `namespace:key`, as the CLI passes them (objects as JSON text). */
  values: Record<string, string>;
  /** The keys stored encrypted (`secure:`). */
  secretKeys: Set<string>;
  stack: string;
  /**
   * The Pulumi project, whose namespace holds the stack secrets (what
   * `pulumi config set --secret <key>` writes and `Pulumi.yaml` declares);
   * `trestle` when omitted.
   */
  project?: string;
}

function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Validates a stack's raw config. Throws `ConfigError` listing every problem. */
export function parseStackConfig(raw: RawStackConfig): StackConfig {
  const values: RawValues = { ...raw, secretNamespace: raw.project ?? NAMESPACE };
  // Trestle's own keys (provider config, `vercel:` or `upstash:`, is not), the top-level ones decoded from JSON.
  const ours = Object.keys(raw.values)
    .map(splitKey)
    .filter(([namespace]) => namespace === NAMESPACE)
    .map(([, key]) => key);
  const topLevel = (key: string) => (TOP_LEVEL_KEYS as readonly string[]).includes(key);
  const structured = Object.fromEntries(
    ours.filter(topLevel).map((key) => [key, decode(raw.values[`${NAMESPACE}:${key}`] ?? raw.values[key])]),
  );
  const references = secretReferences(structured);
  const referenced = new Set(references.map(([, key]) => key));

  const { parsed, problems: schema } = schemaCheck(structured);
  const problems = [
    ...textProblems(structured),
    ...schema,
    ...stackSecretProblems(values, references),
    ...databaseNameProblems(structured),
    ...unknownKeyProblems(values, ours, referenced),
    ...providerKeyProblems(values),
    ...(parsed
      ? [
          ...replicaProblems(parsed, planOf(values)),
          ...limitProblems(parsed, planOf(values)),
          ...memoryFitProblems(parsed),
          ...poolProblems(parsed),
        ]
      : []),
  ];
  if (problems.length || !parsed) throw new ConfigError(problems);
  const production = parsed.production ?? parsed.railway.environment === "production";
  const apiService = parsed.frontend ? (parsed.frontend.api ?? Object.entries(parsed.services).find(([, s]) => s.cors)?.[0]) : undefined;
  return { ...parsed, production, protect: parsed.protect ?? production, apiService, secretKeys: [...referenced].sort() };
}

/** Reads and validates the running stack's config (under the CLI or the mock runtime). */
export function loadStackConfig(): StackConfig {
  const values = (pulumi.runtime.allConfig() ?? {}) as Record<string, string>;
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  const secretKeys = new Set(Object.keys(values).filter((key) => isSecret?.(key) ?? false));
  return parseStackConfig({ values, secretKeys, stack: pulumi.getStack(), project: pulumi.getProject() });
}

/** The value of a stack secret this config references (in the project's namespace), as a Pulumi secret. */
export function stackSecret(key: string): pulumi.Output<string> {
  return new pulumi.Config().requireSecret(key);
}
