// Where the Railway client's token and endpoint come from, resolved at call time.
//
// The provider closure is serialized into Pulumi state, so nothing here may hold
// a token in a module variable that the closure captures. Settings live on
// `globalThis` under a string key: the serializer treats `globalThis` as the
// host's global and never copies it into the closure.
import { RailwayClient, RailwayCredentials, RailwayTokenMissingError, RetryPolicy, TokenKind } from "./client";
import { RAILWAY_PLANS, RailwayPlan, sharedLimiter } from "./limits";

/** Overrides Trestle's Railway endpoint (an emulator, a proxy). */
export const ENDPOINT_ENV = "TRESTLE_RAILWAY_ENDPOINT";
/** Stack config keys (project namespace): `pulumi config set --secret railwayToken …`. */
export const TOKEN_CONFIG_KEY = "railwayToken";
export const TOKEN_KIND_CONFIG_KEY = "railwayTokenKind";
/** `free`, `hobby` (the default) or `pro`: paces deployment polls to the plan's hourly budget (RATE-2). */
export const PLAN_CONFIG_KEY = "railwayPlan";

export interface RailwaySettings {
  token?: string;
  tokenKind?: TokenKind;
  endpoint?: string;
  retry?: Partial<RetryPolicy>;
  /** The Railway plan whose request budget deployment polls are paced to. @default "hobby" */
  plan?: RailwayPlan;
  /** Overrides the pacing with a fixed poll interval (the emulator, the rehearsal, tests). */
  pollIntervalMs?: number;
  /** Overrides the per-second limit (tests against the emulator; never above Railway's own for real use). */
  requestsPerSecond?: number;
}

const GLOBAL_KEY = "__trestleRailwaySettings";

function current(): RailwaySettings {
  return ((globalThis as Record<string, unknown>)[GLOBAL_KEY] as RailwaySettings | undefined) ?? {};
}

/** Sets (merges) the settings every Railway provider in this process uses. */
export function configureRailway(settings: RailwaySettings): void {
  (globalThis as Record<string, unknown>)[GLOBAL_KEY] = { ...current(), ...settings };
}

/** Forgets every setting (tests). */
export function resetRailwaySettings(): void {
  delete (globalThis as Record<string, unknown>)[GLOBAL_KEY];
}

function parseTokenKind(value: string | undefined, origin: string): TokenKind | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "account" || value === "project") return value;
  throw new Error(`${origin}: \`${value}\` is not a Railway token kind; use \`account\` or \`project\``);
}

/** The dynamic providers' `configure`: reads the token from the stack's secret config. */
export async function configureFromStack(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  const token = req.config.get(TOKEN_CONFIG_KEY);
  const tokenKind = parseTokenKind(req.config.get(TOKEN_KIND_CONFIG_KEY), `config \`${TOKEN_KIND_CONFIG_KEY}\``);
  const plan = parsePlan(req.config.get(PLAN_CONFIG_KEY), `config \`${PLAN_CONFIG_KEY}\``);
  if (plan) configureRailway({ plan });
  if (token) configureRailway({ token, tokenKind: tokenKind ?? "account" });
}

export function parsePlan(value: string | undefined, origin: string): RailwayPlan | undefined {
  if (value === undefined || value === "") return undefined;
  if ((RAILWAY_PLANS as readonly string[]).includes(value)) return value as RailwayPlan;
  throw new Error(`${origin}: \`${value}\` is not a Railway plan; use ${RAILWAY_PLANS.map((p) => `\`${p}\``).join(", ")}`);
}

/** The current settings (read-only): the plan and poll pacing the providers use. */
export function railwaySettings(): Readonly<RailwaySettings> {
  return current();
}

/** The token, in the documented order: stack secret, `RAILWAY_API_TOKEN`, `RAILWAY_TOKEN`. */
export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): RailwayCredentials {
  const settings = current();
  if (settings.token) return { token: settings.token, kind: settings.tokenKind ?? "account" };
  if (env.RAILWAY_API_TOKEN) return { token: env.RAILWAY_API_TOKEN, kind: "account" };
  if (env.RAILWAY_TOKEN) return { token: env.RAILWAY_TOKEN, kind: "project" };
  throw new RailwayTokenMissingError();
}

/** A client for the current settings; throws `RailwayTokenMissingError` without a token. */
export function railwayClient(): RailwayClient {
  const settings = current();
  return new RailwayClient({
    credentials: resolveCredentials(),
    endpoint: settings.endpoint ?? (process.env[ENDPOINT_ENV] || undefined),
    retry: settings.retry,
    limiter: sharedLimiter(settings.requestsPerSecond),
  });
}
