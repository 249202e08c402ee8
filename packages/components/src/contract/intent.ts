// What a component means that no cloud resource holds: which service is the
// CORS-protected API and in which format it reads its origins, which one is the
// frontend, what a Redis is for, whether the stack is production. Each
// component records its intent as its inputs (and outputs), typed here; the
// policy pack and the synth read it through `intentOf`, never by casting.
// Facts a real resource holds (restart policy, health check, TLS, protect) are
// judged on that resource instead.
import { COMPONENT_TYPES } from "./types";

export interface RailwayServiceIntent {
  serviceName: string;
  production: boolean;
  public: boolean;
  /** The variable the API reads its allowed origins from, and its format. */
  cors?: { variable: string; format: "comma" | "json" };
  cron: boolean;
  /** The browser-facing web service (its public-prefix variables reach every browser). */
  frontend: boolean;
  /** Outputs, as the engine gives them to policies: `https://` origins of its domains. */
  origins?: string[];
  /** Part of a pull request's preview stack. */
  preview?: boolean;
}

export interface PostgresIntent {
  serviceName: string;
  version: number;
  public: boolean;
  protect: boolean;
  production: boolean;
  /** Why production data goes without backups, as the stack file says (`backupsWaiver`). */
  backupsWaiver?: string;
  /** Memory settings given without `limits.memoryGB`: judged against the plan's default, which Trestle cannot see. */
  unsizedMemory?: string[];
  /** PgBouncer's pool mode, when PgBouncer is in front of the database. */
  pgbouncer?: string;
}

export interface RedisIntent {
  provider: "railway" | "upstash";
  use: "cache" | "queue" | "both";
  evictionPolicy: string;
  persistence: boolean;
  serviceName: string;
  public: boolean;
  production?: boolean;
  /** Why production data goes without backups, as the stack file says (`backupsWaiver`). */
  backupsWaiver?: string;
  /** Memory settings given without `limits.memoryGB`: judged against the plan's default, which Trestle cannot see. */
  unsizedMemory?: string[];
}

export interface FrontendIntent {
  projectName: string;
  domains: string[];
  /** `https://` origins: its domains, then `<project>.vercel.app`. */
  origins: string[];
  securityHeaders: boolean;
  production: boolean;
}

/** A pull request's Vercel previews (`VercelPreview`). */
export interface PreviewFrontendIntent {
  projectName: string;
  branch: string;
  /** The branch's preview origin, the only one the API allows. */
  origins: string[];
}

/** A storage bucket (`StorageBucket`). */
export interface BucketIntent {
  name: string;
  region: string;
  production: boolean;
  protect: boolean;
}

export interface ComponentIntents {
  [COMPONENT_TYPES.RailwayService]: RailwayServiceIntent;
  [COMPONENT_TYPES.PostgresDb]: PostgresIntent;
  [COMPONENT_TYPES.RedisCache]: RedisIntent;
  [COMPONENT_TYPES.VercelFrontend]: FrontendIntent;
  [COMPONENT_TYPES.VercelPreview]: PreviewFrontendIntent;
  [COMPONENT_TYPES.StorageBucket]: BucketIntent;
}

/** The intent a component recorded, when `resource` is a component of `type`. */
export function intentOf<T extends keyof ComponentIntents>(
  resource: { type: string; props: Record<string, unknown> } | undefined,
  type: T,
): ComponentIntents[T] | undefined {
  return resource?.type === type ? (resource.props as unknown as ComponentIntents[T]) : undefined;
}

/** Whether the stack is a pull request's preview: it has a `VercelPreview`, or a service says so. */
export function isPreview(resources: readonly { type: string; props: Record<string, unknown> }[]): boolean {
  return resources.some(
    (r) =>
      r.type === COMPONENT_TYPES.VercelPreview ||
      (r.type === COMPONENT_TYPES.RailwayService && (r.props as { preview?: boolean }).preview === true),
  );
}

/** Whether any component of the stack says it is production. */
export function isProduction(resources: readonly { type: string; props: Record<string, unknown> }[]): boolean {
  return resources.some((r) => r.type in COMPONENT_INTENT_TYPES && (r.props as { production?: boolean }).production === true);
}

const COMPONENT_INTENT_TYPES: Record<string, true> = Object.fromEntries(Object.values(COMPONENT_TYPES).map((t) => [t, true]));
