// How configuration problems are presented: one `ConfigError` listing every
// problem, each with its config path and the fix, with a did-you-mean for
// unknown keys and a hint for missing ones.
import { closestName } from "../did-you-mean";
import { TOP_LEVEL_KEYS, frontendObject, postgresSchema, railwaySchema, redisSchema, serviceFields } from "./schema";

/** Invalid configuration: every problem at once, each `path: problem and fix`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    const message = `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
    super(message);
    this.message = message;
    this.name = "ConfigError";
  }
}

export function suggestion(key: string, known: readonly string[]): string {
  const best = closestName(key, known);
  return best ? `; did you mean \`${best}\`?` : `; the keys are ${known.map((k) => `\`${k}\``).join(", ")}`;
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

export function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const p = path.map(String);
  const shapes: Record<string, readonly string[]> = {
    "": TOP_LEVEL_KEYS,
    railway: Object.keys(railwaySchema.shape),
    postgres: Object.keys(postgresSchema.shape),
    redis: Object.keys(redisSchema.shape),
    "redis.persistence": ["enabled", "save", "appendonly"],
    "redis.upstash": ["primaryRegion", "readRegions", "budget", "autoScale", "prodPack"],
    "postgres.limits": ["vcpus", "memoryGB"],
    "redis.limits": ["vcpus", "memoryGB"],
    frontend: Object.keys(frontendObject.shape),
    vercel: ["team"],
  };
  if (p[0] === "services" && p.length === 2) return Object.keys(serviceFields);
  if (p[0] === "services" && p[2] === "source" && p.length === 3)
    return ["repo", "branch", "rootDirectory", "dockerfilePath", "image", "build", "registry"];
  if (p[0] === "services" && p[2] === "healthcheck") return ["path", "timeoutSeconds"];
  if (p[0] === "services" && p[2] === "limits") return ["vcpus", "memoryGB"];
  if (p[0] === "services" && p[2] === "restart") return ["policy", "maxRetries"];
  if (p[0] === "services" && p[2] === "cors") return ["variable", "origins", "format"];
  if (p[0] === "frontend" && p[1] === "service" && p.length === 2) return Object.keys(serviceFields);
  // A named database is `{ redis: … }` or `{ postgres: … }`, each shaped as the single one.
  if (p[0] === "databases" && p.length === 2) return ["redis", "postgres"];
  if (p[0] === "databases" && p.length >= 3) return knownKeysAt(p.slice(2));
  return shapes[p.join(".")] ?? [];
}

export function requiredHint(path: readonly PropertyKey[]): string {
  const p = path.map(String).join(".");
  if (p === "railway") return "add `trestle:railway` with `project` (or `projectId`) and `environment`";
  if (p === "services") return "add `trestle:services` with at least one service";
  if (p.endsWith(".source")) return "give `repo`, `image` or `build`";
  if (p === "redis.use") return "say what Redis is for: `cache`, `queue` or `both`";
  if (p === "frontend.platform") return "give `vercel` or `railway`";
  return "see the configuration reference in README.md";
}
