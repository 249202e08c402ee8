// The checks a stack's config gets beyond its schema, one function each. Each
// returns its problems as `<config path>: <what is wrong>; <the fix>` lines,
// so parseStackConfig (./config.ts) reports every problem at once.
import { PLAN_LIMITS, RAILWAY_PLANS, RailwayPlan } from "@trestle/railway/facts";
import { looksSecretName } from "../contract/secrets";
import { postgresMemoryProblems, redisMemoryProblem } from "../memory-fit";
import { issuePath, knownKeysAt, requiredHint, suggestion, valueAt } from "./errors";
import { CONFIG_KEY, NAMESPACE, PROVIDER_KEYS, TOP_LEVEL_KEYS, databaseEntries, stackSchema } from "./schema";
import type { z } from "zod";

/** The raw config as the CLI passes it: every value keyed `namespace:key`, and the keys stored encrypted. */
export interface RawValues {
  values: Record<string, string>;
  secretKeys: Set<string>;
  stack: string;
  /** The namespace holding the stack secrets and the Railway providers' keys: the Pulumi project's. */
  secretNamespace: string;
}

/** `namespace:key` split at the first colon; a bare key is Trestle's. */
export function splitKey(full: string): [string, string] {
  const at = full.indexOf(":");
  return at < 0 ? [NAMESPACE, full] : [full.slice(0, at), full.slice(at + 1)];
}

/** The stack as the schema reads it, and the schema's problems, each with its path and the fix. */
export function schemaCheck(structured: Record<string, unknown>): {
  parsed?: z.output<typeof stackSchema>;
  problems: string[];
} {
  const result = stackSchema.safeParse(structured);
  if (result.success) return { parsed: result.data, problems: [] };
  const problems: string[] = [];
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
  return { problems };
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
export function textProblems(input: unknown): string[] {
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
export function secretReferences(input: Record<string, unknown>): [string, string][] {
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

/**
 * Each stack secret the config references is set, and encrypted. Checked on the
 * raw input, so secrets are verified even when other fields are broken. Stack
 * secrets live in the project's namespace: `Pulumi.yaml` can declare only its
 * own keys with `secret: true` (pulumi/pulumi pkg/workspace/project.go: a key
 * "not namespaced by the project … should not define a type").
 */
export function stackSecretProblems(raw: RawValues, references: [string, string][]): string[] {
  const problems: string[] = [];
  for (const [path, key] of references) {
    const full = `${raw.secretNamespace}:${key}`;
    const how = `run \`trestle secret set ${key} --stack ${raw.stack}\``;
    if (!(full in raw.values)) {
      problems.push(`${path}: the stack secret \`${key}\` is not set; ${how} (the value from standard input or a prompt)`);
    } else if (!raw.secretKeys.has(full)) {
      problems.push(
        `${path}: the stack secret \`${key}\` is stored in plain text; ${how} to encrypt it (the value from standard input or a prompt)`,
      );
    }
  }
  return problems;
}

/** A named database's key is its name: a `name` inside it would contradict it. Read on the raw input, as the schema fills in `name`. */
export function databaseNameProblems(structured: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const databases = (structured.databases ?? {}) as Record<string, Record<string, { name?: unknown } | undefined> | undefined>;
  for (const [name, db] of Object.entries(databases)) {
    for (const engine of ["redis", "postgres"]) {
      if (db?.[engine]?.name !== undefined)
        problems.push(`databases.${name}.${engine}.name: the key \`${name}\` is this database's name; remove \`name\``);
    }
  }
  return problems;
}

const unusedSecret = (key: string) =>
  `${key}: the stack secret \`${key}\` is not used by any service or frontend; reference it in a \`secrets\` map or remove it`;

/** Every key of Trestle's namespace is known, and every stack secret is used by something. */
export function unknownKeyProblems(raw: RawValues, ours: string[], referenced: Set<string>): string[] {
  const problems: string[] = [];
  if (raw.secretNamespace !== NAMESPACE) {
    for (const full of raw.secretKeys) {
      const [namespace, key] = splitKey(full);
      if (namespace === raw.secretNamespace && !referenced.has(key)) problems.push(unusedSecret(key));
    }
  }
  const allowed = new Set<string>([...TOP_LEVEL_KEYS, ...PROVIDER_KEYS, ...referenced]);
  for (const key of ours) {
    if (allowed.has(key)) continue;
    problems.push(
      raw.secretKeys.has(`${NAMESPACE}:${key}`)
        ? unusedSecret(key)
        : `${key}: unknown key \`${NAMESPACE}:${key}\`${suggestion(key, TOP_LEVEL_KEYS)}`,
    );
  }
  return problems;
}

/**
 * The Railway providers' own keys, checked here so a mistake stops the program,
 * not the first request, and any provider's credential kept in plain text. A
 * dynamic provider reads its config in the project's namespace (@pulumi/pulumi
 * cmd/dynamic-provider: `new Config(rawConfig, getProject())`).
 */
export function providerKeyProblems(raw: RawValues): string[] {
  const problems: string[] = [];
  const providerValue = (key: string) => raw.values[`${raw.secretNamespace}:${key}`];
  if (providerValue("railwayToken") !== undefined && !raw.secretKeys.has(`${raw.secretNamespace}:railwayToken`)) {
    problems.push(
      `railwayToken: the Railway token is stored in plain text; run \`trestle secret set railwayToken --stack ${raw.stack}\` to encrypt it (the token from standard input or a prompt)`,
    );
  }
  // The providers read their keys in the project's namespace only: the same keys under `trestle:` would be ignored.
  if (raw.secretNamespace !== NAMESPACE) {
    for (const key of PROVIDER_KEYS) {
      if (!(`${NAMESPACE}:${key}` in raw.values)) continue;
      const move = key === "railwayToken" ? ` with \`trestle secret set railwayToken --stack ${raw.stack}\`` : "";
      problems.push(
        `${key}: \`${NAMESPACE}:${key}\` is never read; Trestle's Railway providers read \`${raw.secretNamespace}:${key}\`. Move it there${move}`,
      );
    }
  }
  // Any provider's credential (`vercel:apiToken`, `upstash:apiKey`, …) in plain text, judged by its name.
  for (const full of Object.keys(raw.values)) {
    const [namespace, key] = splitKey(full);
    if (namespace === NAMESPACE || namespace === raw.secretNamespace || raw.secretKeys.has(full) || !looksSecretName(key)) continue;
    problems.push(
      `${full}: \`${full}\` is a credential stored in plain text; encrypt it with \`trestle secret set ${full} --stack ${raw.stack}\` (or \`pulumi config set --secret ${full}\`, value from standard input)`,
    );
  }
  const kind = providerValue("railwayTokenKind");
  if (kind !== undefined && !["account", "project"].includes(kind)) {
    problems.push(`railwayTokenKind: \`${kind}\` is not a Railway token kind; use \`account\` (account or workspace token) or \`project\``);
  }
  const plan = providerValue("railwayPlan");
  if (plan !== undefined && !["free", "hobby", "pro"].includes(plan)) {
    problems.push(
      `railwayPlan: \`${plan}\` is not a Railway plan; use \`free\`, \`hobby\` or \`pro\` (it paces Trestle to the plan's hourly request budget)`,
    );
  }
  return problems;
}

/** The plan the stack's limits are checked against: `railwayPlan`, else Hobby. */
export function planOf(raw: RawValues): RailwayPlan {
  const plan = raw.values[`${raw.secretNamespace}:railwayPlan`];
  return (RAILWAY_PLANS as readonly string[]).includes(plan) ? (plan as RailwayPlan) : "hobby";
}

type Parsed = z.output<typeof stackSchema>;
type Limits = { vcpus?: number; memoryGB?: number };
type ServiceBounds = { replicas?: number; regions?: Record<string, number>; limits?: Limits };

/** Every place a service can be declared: `trestle:services` and a Railway frontend's own. */
function declaredServices(parsed: Parsed): [string, ServiceBounds][] {
  return [
    ...Object.entries(parsed.services ?? {}).map(([name, service]) => [`services.${name}`, service] as [string, ServiceBounds]),
    ...(parsed.frontend?.platform === "railway" && parsed.frontend.service
      ? [["frontend.service", parsed.frontend.service] as [string, ServiceBounds]]
      : []),
  ];
}

const replicasOf = (service: ServiceBounds) =>
  service.regions ? Object.values(service.regions).reduce((n, r) => n + r, 0) : (service.replicas ?? 1);
const orSetPlan = (plan: RailwayPlan, pro: number) =>
  `lower it, or set \`railwayPlan\` to your plan${plan === "pro" ? "" : ` (pro allows ${pro})`}`;

/** PLAN-1: replicas per service, as the stack's plan allows them. */
export function replicaProblems(parsed: Parsed, plan: RailwayPlan): string[] {
  return declaredServices(parsed)
    .filter(([, service]) => replicasOf(service) > PLAN_LIMITS[plan].replicas)
    .map(
      ([at, service]) =>
        `${at}.${service.regions ? "regions" : "replicas"}: ${replicasOf(service)} replicas is more than the ${plan} plan allows a service (${PLAN_LIMITS[plan].replicas}); ` +
        orSetPlan(plan, PLAN_LIMITS.pro.replicas),
    );
}

const RESOURCES = [
  ["vcpus", "vCPUs", "serviceVcpus"],
  ["memoryGB", "GB", "serviceMemoryGB"],
] as const;

/** LIM-1: vCPUs and memory per replica, for every service and database, and across a service's replicas, as the plan allows them. */
export function limitProblems(parsed: Parsed, plan: RailwayPlan): string[] {
  const problems: string[] = [];
  const services = declaredServices(parsed);
  const sized: [string, Limits | undefined][] = [
    ...services.map(([at, service]) => [`${at}.limits`, service.limits] as [string, Limits | undefined]),
    ["postgres.limits", parsed.postgres?.limits],
    ["redis.limits", parsed.redis?.limits],
    ...Object.entries(parsed.databases ?? {}).flatMap(([name, db]) =>
      (["postgres", "redis"] as const)
        .filter((engine) => db[engine])
        .map((engine) => [`databases.${name}.${engine}.limits`, db[engine]?.limits] as [string, Limits | undefined]),
    ),
  ];
  for (const [at, limits] of sized) {
    for (const [key, unit] of RESOURCES) {
      const value = limits?.[key];
      if (value !== undefined && value > PLAN_LIMITS[plan][key]) {
        problems.push(
          `${at}.${key}: ${value} ${unit} is more than the ${plan} plan allows a replica (${PLAN_LIMITS[plan][key]} ${unit}); ${orSetPlan(plan, PLAN_LIMITS.pro[key])}`,
        );
      }
    }
  }
  for (const [at, service] of services) {
    const replicas = replicasOf(service);
    for (const [key, unit, total] of RESOURCES) {
      const each = service.limits?.[key];
      if (each !== undefined && each <= PLAN_LIMITS[plan][key] && each * replicas > PLAN_LIMITS[plan][total]) {
        problems.push(
          `${at}.limits.${key}: ${replicas} replicas × ${each} ${unit} is more than the ${plan} plan allows one service (${PLAN_LIMITS[plan][total]} ${unit}); lower it or the replicas`,
        );
      }
    }
  }
  return problems;
}

/** Memory settings against the memory the database has, where both are known (memory-fit.ts). */
export function memoryFitProblems(parsed: Parsed): string[] {
  const problems: string[] = [];
  for (const db of databaseEntries(parsed as Record<string, any>, "postgres")) {
    const memoryGB = db.config.limits?.memoryGB;
    if (memoryGB === undefined) continue;
    for (const [setting, why] of postgresMemoryProblems(db.config.version ?? 16, db.config.settings ?? {}, memoryGB))
      problems.push(`${[...db.path, "settings", setting].join(".")}: ${why}`);
  }
  for (const db of databaseEntries(parsed as Record<string, any>, "redis")) {
    const memoryGB = db.config.limits?.memoryGB;
    const why = memoryGB === undefined ? undefined : redisMemoryProblem(db.config.maxmemory, memoryGB);
    if (why) problems.push(`${[...db.path, "maxmemory"].join(".")}: ${why}`);
  }
  return problems;
}

/** PgBouncer's server connections fit the server: a pool larger than `max_connections` (100 unless set) is refused by PostgreSQL at the limit. */
export function poolProblems(parsed: Parsed): string[] {
  const problems: string[] = [];
  for (const db of databaseEntries(parsed as Record<string, any>, "postgres")) {
    const pool = db.config.pgbouncer as { defaultPoolSize: number } | undefined;
    if (!pool) continue;
    const maxConnections = Number(db.config.settings?.max_connections ?? 100);
    if (pool.defaultPoolSize > maxConnections) {
      problems.push(
        `${[...db.path, "pgbouncer", "defaultPoolSize"].join(".")}: ${pool.defaultPoolSize} server connections is more than the server's max_connections (${maxConnections}); lower it, or raise \`settings.max_connections\``,
      );
    }
  }
  return problems;
}
