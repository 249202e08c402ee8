// Reading a stack's configuration: the raw values as the Pulumi CLI (or the
// synth) passes them, decoded, checked against the schema (./schema.ts) and
// for what the schema cannot see (secrets stored in plain text, references
// to variables nobody defines, invisible characters), before any resource is
// declared. Every problem is reported at once (./errors.ts).
import * as pulumi from "@pulumi/pulumi";
import { PLAN_LIMITS, RAILWAY_PLANS, RailwayPlan } from "@trestle/railway/facts";
import { looksSecretName } from "../contract/secrets";
import { postgresMemoryProblems, redisMemoryProblem } from "../memory-fit";
import { ConfigError, issuePath, knownKeysAt, requiredHint, suggestion, valueAt } from "./errors";
import { CONFIG_KEY, NAMESPACE, PROVIDER_KEYS, StackConfig, TOP_LEVEL_KEYS, databaseEntries, stackSchema } from "./schema";

export * from "./schema";
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
  const problems: string[] = [];
  const ours: Record<string, unknown> = {};
  const referenced = new Set<string>();

  for (const [fullKey, value] of Object.entries(raw.values)) {
    const [namespace, key] = fullKey.includes(":")
      ? [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)]
      : [NAMESPACE, fullKey];
    if (namespace !== NAMESPACE) continue; // provider config (vercel:, upstash:, …)
    ours[key] = (TOP_LEVEL_KEYS as readonly string[]).includes(key) ? decode(value) : value;
  }

  const structured = Object.fromEntries(Object.entries(ours).filter(([k]) => (TOP_LEVEL_KEYS as readonly string[]).includes(k)));
  problems.push(...textProblems(structured));
  const result = stackSchema.safeParse(structured);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "invalid_key") {
        // A map key that fails its rule: say which rule, not zod's generic text.
        const reason = (issue as unknown as { issues?: { message: string }[] }).issues?.[0]?.message ?? "is not a valid name";
        problems.push(`${issuePath(issue.path)}: the name \`${String(issue.path.at(-1))}\` is not allowed: ${reason}`);
      } else if (issue.code === "unrecognized_keys") {
        const known = knownKeysAt(issue.path);
        for (const key of issue.keys) problems.push(`${issuePath([...issue.path, key])}: unknown key${suggestion(key, known)}`);
      } else if (issue.code !== "custom" && valueAt(structured, issue.path) === undefined) {
        problems.push(`${issuePath(issue.path)}: required; ${requiredHint(issue.path)}`);
      } else {
        problems.push(`${issuePath(issue.path) || "(stack)"}: ${issue.message}`);
      }
    }
  }

  const parsed = result.success ? result.data : undefined;
  // Checked on the raw input, so secrets are verified even when other fields are broken.
  // Stack secrets live in the project's namespace: `Pulumi.yaml` can declare
  // only its own keys with `secret: true` (pulumi/pulumi pkg/workspace/project.go:
  // a key "not namespaced by the project … should not define a type").
  const secretNamespace = raw.project ?? NAMESPACE;
  for (const [path, key] of rawSecretReferences(structured)) {
    referenced.add(key);
    const full = `${secretNamespace}:${key}`;
    if (!(full in raw.values)) {
      problems.push(
        `${path}: the stack secret \`${key}\` is not set; run \`trestle secret set ${key} --stack ${raw.stack}\` (the value from standard input or a prompt)`,
      );
    } else if (!raw.secretKeys.has(full)) {
      problems.push(
        `${path}: the stack secret \`${key}\` is stored in plain text; run \`trestle secret set ${key} --stack ${raw.stack}\` to encrypt it (the value from standard input or a prompt)`,
      );
    }
  }

  // Read on the raw input: the schema fills in `name` with its default.
  for (const [name, db] of Object.entries(
    (structured.databases ?? {}) as Record<string, Record<string, { name?: unknown } | undefined> | undefined>,
  )) {
    for (const engine of ["redis", "postgres"]) {
      if (db?.[engine]?.name !== undefined)
        problems.push(`databases.${name}.${engine}.name: the key \`${name}\` is this database's name; remove \`name\``);
    }
  }

  const allowed = new Set<string>([...TOP_LEVEL_KEYS, ...PROVIDER_KEYS, ...referenced]);
  if (secretNamespace !== NAMESPACE) {
    for (const full of raw.secretKeys) {
      const [namespace, key] = [full.slice(0, full.indexOf(":")), full.slice(full.indexOf(":") + 1)];
      if (namespace === secretNamespace && !referenced.has(key)) {
        problems.push(
          `${key}: the stack secret \`${key}\` is not used by any service or frontend; reference it in a \`secrets\` map or remove it`,
        );
      }
    }
  }
  for (const key of Object.keys(ours)) {
    if (!allowed.has(key)) {
      const looksSecret = raw.secretKeys.has(`${NAMESPACE}:${key}`);
      problems.push(
        looksSecret
          ? `${key}: the stack secret \`${key}\` is not used by any service or frontend; reference it in a \`secrets\` map or remove it`
          : `${key}: unknown key \`${NAMESPACE}:${key}\`${suggestion(key, TOP_LEVEL_KEYS)}`,
      );
    }
  }

  // The Railway providers' own keys, checked here so a mistake stops the program, not the first request.
  // A dynamic provider reads its config in the project's namespace (@pulumi/pulumi
  // cmd/dynamic-provider: `new Config(rawConfig, getProject())`).
  const providerValue = (key: string) => raw.values[`${secretNamespace}:${key}`];
  if (providerValue("railwayToken") !== undefined && !raw.secretKeys.has(`${secretNamespace}:railwayToken`)) {
    problems.push(
      `railwayToken: the Railway token is stored in plain text; run \`trestle secret set railwayToken --stack ${raw.stack}\` to encrypt it (the token from standard input or a prompt)`,
    );
  }
  // The providers read their keys in the project's namespace only: the same keys under `trestle:` would be ignored.
  if (secretNamespace !== NAMESPACE) {
    for (const key of PROVIDER_KEYS) {
      if (`${NAMESPACE}:${key}` in raw.values) {
        problems.push(
          `${key}: \`${NAMESPACE}:${key}\` is never read; Trestle's Railway providers read \`${secretNamespace}:${key}\`. Move it there${key === "railwayToken" ? ` with \`trestle secret set railwayToken --stack ${raw.stack}\`` : ""}`,
        );
      }
    }
  }
  // Any provider's credential (`vercel:apiToken`, `upstash:apiKey`, …) in plain text, judged by its name.
  for (const full of Object.keys(raw.values)) {
    const [namespace, key] = full.includes(":") ? [full.slice(0, full.indexOf(":")), full.slice(full.indexOf(":") + 1)] : [NAMESPACE, full];
    if (namespace === NAMESPACE || namespace === secretNamespace || raw.secretKeys.has(full) || !looksSecretName(key)) continue;
    problems.push(
      `${full}: \`${full}\` is a credential stored in plain text; encrypt it with \`trestle secret set ${full} --stack ${raw.stack}\` (or \`pulumi config set --secret ${full}\`, value from standard input)`,
    );
  }
  if (providerValue("railwayTokenKind") !== undefined && !["account", "project"].includes(providerValue("railwayTokenKind"))) {
    problems.push(
      `railwayTokenKind: \`${providerValue("railwayTokenKind")}\` is not a Railway token kind; use \`account\` (account or workspace token) or \`project\``,
    );
  }
  if (providerValue("railwayPlan") !== undefined && !["free", "hobby", "pro"].includes(providerValue("railwayPlan"))) {
    problems.push(
      `railwayPlan: \`${providerValue("railwayPlan")}\` is not a Railway plan; use \`free\`, \`hobby\` or \`pro\` (it paces Trestle to the plan's hourly request budget)`,
    );
  }

  // PLAN-1: replicas per service, as the stack's plan allows them.
  const plan = (RAILWAY_PLANS as readonly string[]).includes(providerValue("railwayPlan"))
    ? (providerValue("railwayPlan") as RailwayPlan)
    : "hobby";
  // Every place a service can be declared: `trestle:services` and a Railway frontend's own.
  type ServiceBounds = { replicas?: number; regions?: Record<string, number>; limits?: { vcpus?: number; memoryGB?: number } };
  const declaredServices: [string, ServiceBounds][] = [
    ...Object.entries(parsed?.services ?? {}).map(([name, service]) => [`services.${name}`, service] as [string, ServiceBounds]),
    ...(parsed?.frontend?.platform === "railway" && parsed.frontend.service
      ? [["frontend.service", parsed.frontend.service] as [string, ServiceBounds]]
      : []),
  ];
  for (const [at, service] of declaredServices) {
    const total = service.regions ? Object.values(service.regions).reduce((n, r) => n + r, 0) : (service.replicas ?? 1);
    if (total > PLAN_LIMITS[plan].replicas) {
      problems.push(
        `${at}.${service.regions ? "regions" : "replicas"}: ${total} replicas is more than the ${plan} plan allows a service (${PLAN_LIMITS[plan].replicas}); ` +
          `lower it, or set \`railwayPlan\` to your plan${plan === "pro" ? "" : " (pro allows 42)"}`,
      );
    }
  }

  // LIM-1: vCPUs and memory per replica, as the stack's plan allows them.
  // …and every database, single or named.
  const sized: [string, { vcpus?: number; memoryGB?: number } | undefined][] = [
    ...declaredServices.map(([at, service]) => [`${at}.limits`, service.limits] as [string, typeof service.limits]),
    ["postgres.limits", parsed?.postgres?.limits],
    ["redis.limits", parsed?.redis?.limits],
    ...Object.entries(parsed?.databases ?? {}).flatMap(([name, db]) =>
      (["postgres", "redis"] as const)
        .filter((engine) => db[engine])
        .map(
          (engine) =>
            [`databases.${name}.${engine}.limits`, db[engine]?.limits] as [string, { vcpus?: number; memoryGB?: number } | undefined],
        ),
    ),
  ];
  for (const [at, limits] of sized) {
    for (const [key, unit] of [
      ["vcpus", "vCPUs"],
      ["memoryGB", "GB"],
    ] as const) {
      const value = limits?.[key];
      if (value !== undefined && value > PLAN_LIMITS[plan][key]) {
        problems.push(
          `${at}.${key}: ${value} ${unit} is more than the ${plan} plan allows a replica (${PLAN_LIMITS[plan][key]} ${unit}); ` +
            `lower it, or set \`railwayPlan\` to your plan${plan === "pro" ? "" : ` (pro allows ${PLAN_LIMITS.pro[key]})`}`,
        );
      }
    }
  }
  // LIM-1: and across a service's replicas, the plan's total for one service.
  for (const [at, service] of declaredServices) {
    const replicas = service.regions ? Object.values(service.regions).reduce((n, r) => n + r, 0) : (service.replicas ?? 1);
    for (const [key, total, unit] of [
      ["vcpus", "serviceVcpus", "vCPUs"],
      ["memoryGB", "serviceMemoryGB", "GB"],
    ] as const) {
      const each = service.limits?.[key];
      if (each !== undefined && each <= PLAN_LIMITS[plan][key] && each * replicas > PLAN_LIMITS[plan][total]) {
        problems.push(
          `${at}.limits.${key}: ${replicas} replicas × ${each} ${unit} is more than the ${plan} plan allows one service (${PLAN_LIMITS[plan][total]} ${unit}); lower it or the replicas`,
        );
      }
    }
  }

  // Memory settings against the memory the database has, where both are known (memory-fit.ts).
  for (const db of parsed ? databaseEntries(parsed as Record<string, any>, "postgres") : []) {
    const memoryGB = db.config.limits?.memoryGB;
    if (memoryGB === undefined) continue;
    for (const [setting, why] of postgresMemoryProblems(db.config.version ?? 16, db.config.settings ?? {}, memoryGB))
      problems.push(`${[...db.path, "settings", setting].join(".")}: ${why}`);
  }
  for (const db of parsed ? databaseEntries(parsed as Record<string, any>, "redis") : []) {
    const memoryGB = db.config.limits?.memoryGB;
    const why = memoryGB === undefined ? undefined : redisMemoryProblem(db.config.maxmemory, memoryGB);
    if (why) problems.push(`${[...db.path, "maxmemory"].join(".")}: ${why}`);
  }

  if (problems.length || !parsed) throw new ConfigError(problems);
  const production = parsed.production ?? parsed.railway.environment === "production";
  const apiService = parsed.frontend ? (parsed.frontend.api ?? Object.entries(parsed.services).find(([, s]) => s.cors)?.[0]) : undefined;
  return { ...parsed, production, protect: parsed.protect ?? production, apiService, secretKeys: [...referenced].sort() };
}

/** Bidirectional overrides and isolates: text that displays differently from what it is. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
/** Control characters other than tab, newline and carriage return (which a PEM value may hold). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;
/** Keys JavaScript objects treat specially; a parsed map would silently lose `__proto__`. */
const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Problems no field may have, found in one walk over the raw input: a key a map
 * would lose or misread, a NUL or control character, or a bidirectional override.
 */
function textProblems(input: unknown): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string[]) => {
    const where = path.join(".") || "(stack)";
    if (typeof value === "string") {
      if (value.includes("\u0000")) problems.push(`${where}: contains a NUL character; remove it`);
      else if (CONTROL.test(value)) problems.push(`${where}: contains a control character; remove it`);
      if (BIDI.test(value))
        problems.push(
          `${where}: contains a bidirectional-override character, which makes text display differently from what it is; remove it`,
        );
      return;
    }
    if (!value || typeof value !== "object") return;
    for (const key of Object.keys(value)) {
      const here = [...path, key];
      if (RESERVED_KEYS.has(key)) problems.push(`${here.join(".")}: \`${key}\` cannot be used as a name here; rename it`);
      else if (CONTROL.test(key) || BIDI.test(key) || key.includes("\u0000"))
        problems.push(`${here.join(".")}: the name contains a control or bidirectional-override character; rename it`);
      walk((value as Record<string, unknown>)[key], here);
    }
  };
  walk(input, []);
  return problems;
}

/** Every `[config path, stack secret key]` the input names: `secrets` maps and `passwordSecret` fields. */
function rawSecretReferences(input: Record<string, unknown>): [string, string][] {
  const found: [string, string][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (!value || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value)) {
      const here = [...path, k];
      if ((path.at(-1) === "secrets" || k === "passwordSecret") && typeof v === "string" && CONFIG_KEY.test(v))
        found.push([here.join("."), v]);
      else walk(v, here);
    }
  };
  walk(input, []);
  return found;
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
