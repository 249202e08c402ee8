// What the emulator and its resolvers share: Railway's error shapes, its
// defaults for a new service instance, and small helpers for answers.
import { GraphQLError } from "graphql";

/** VOL-4: Railway's backup schedules, with their retention (days) and an assumed cron text. */
export const BACKUP_SCHEDULES: Record<string, { days: number; cron: string }> = {
  DAILY: { days: 6, cron: "0 0 * * *" },
  WEEKLY: { days: 30, cron: "0 0 * * 0" },
  MONTHLY: { days: 90, cron: "0 0 1 * *" },
};

/** VAR-5 (assumed): the PORT Railway injects when the service sets none. */
export const INJECTED_PORT = "8080";

export const INSTANCE_DEFAULTS: Record<string, unknown> = {
  builder: "RAILPACK",
  restartPolicyType: "ON_FAILURE",
  restartPolicyMaxRetries: 10,
  numReplicas: 1,
  sleepApplication: false,
  watchPatterns: [],
};

export const SETTING_KEYS = [
  "buildCommand",
  "builder",
  "cronSchedule",
  "dockerfilePath",
  "drainingSeconds",
  "healthcheckPath",
  "healthcheckTimeout",
  "ipv6EgressEnabled",
  "nixpacksPlan",
  "overlapSeconds",
  "preDeployCommand",
  "railwayConfigFile",
  "region",
  "restartPolicyMaxRetries",
  "restartPolicyType",
  "rootDirectory",
  "sleepApplication",
  "startCommand",
  "watchPatterns",
];

/** ERR-3: "<Entity> not found" with INTERNAL_SERVER_ERROR. */
export function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

/** ERR-2: name collisions arrive as INTERNAL_SERVER_ERROR. */
export function alreadyExists(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

export function internal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/** AUTH-3: how Railway refuses a token. */
export function notAuthorized(): GraphQLError {
  return new GraphQLError("Not Authorized", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

export const FINAL = new Set(["SUCCESS", "SLEEPING", "FAILED", "CRASHED", "REMOVED", "SKIPPED", "NEEDS_APPROVAL"]);
export const DB_URL = /^(redis|rediss|postgres|postgresql):\/\//;

export function connection<T>(nodes: T[]) {
  return { edges: nodes.map((node, i) => ({ node, cursor: String(i) })), pageInfo: { hasNextPage: false, hasPreviousPage: false } };
}

export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function now(): string {
  return new Date().toISOString();
}
