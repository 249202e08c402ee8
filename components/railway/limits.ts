// Railway's request limits, respected rather than survived.
//
// RATE-2 (docs integrations/api.md "Rate limits"): 100 requests an hour on
// Free, 1000 on Hobby, 10000 on Pro; 10 requests a second on Hobby, 50 on Pro.
// Every Railway request in this process passes one limiter, so parallel
// resources cannot burst past the per-second limit; the hourly budget shapes
// how often deployments are polled, and a stack whose first `up` cannot fit
// in it is told so before it starts (see `planBudget`).

export type RailwayPlan = "free" | "hobby" | "pro";

export const RAILWAY_PLANS: readonly RailwayPlan[] = ["free", "hobby", "pro"];

/** Requests a second and an hour per plan (RATE-2). Free has no stated per-second limit; Hobby's is assumed for it. */
export const PLAN_LIMITS: Record<RailwayPlan, { perSecond: number; perHour: number }> = {
  free: { perSecond: 10, perHour: 100 },
  hobby: { perSecond: 10, perHour: 1000 },
  pro: { perSecond: 50, perHour: 10_000 },
};

/** Trestle never sends more than this many requests in any one second, whatever the plan. */
export const MAX_REQUESTS_PER_SECOND = 10;

/** The share of the hourly budget deployment polls may use; the rest is for reads and writes. */
export const POLL_SHARE = 0.5;

/**
 * Seconds between deployment status polls for a plan: at least `floorSeconds`,
 * and slow enough that one poll per tick for a whole hour stays inside the
 * plan's poll share. Free: 72 s, Hobby: 7.2 s, Pro: the floor.
 */
export function pollIntervalSeconds(plan: RailwayPlan, floorSeconds = 5): number {
  return Math.max(floorSeconds, 3600 / (PLAN_LIMITS[plan].perHour * POLL_SHARE));
}

/** A sliding one-second window shared by every request of the process. */
export class RequestLimiter {
  private readonly sent: number[];

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    // Assigned here, not as a field initializer: Pulumi's closure serializer drops those.
    this.sent = [];
  }

  /** Waits until one more request fits in the window, then counts it. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.sent.length && this.sent[0] <= now - 1000) this.sent.shift();
      if (this.sent.length < this.perSecond) {
        this.sent.push(now);
        return;
      }
      await this.sleep(this.sent[0] + 1000 - now + 1);
    }
  }
}

const LIMITER_KEY = "__trestleRailwayLimiter";

/**
 * The process-wide limiter. Kept on `globalThis` (as the settings are) so that
 * every serialized provider closure in Pulumi's dynamic-provider host shares it.
 */
export function sharedLimiter(perSecond = MAX_REQUESTS_PER_SECOND): RequestLimiter {
  const global = globalThis as Record<string, unknown>;
  const existing = global[LIMITER_KEY] as RequestLimiter | undefined;
  if (existing && existing.perSecond === perSecond) return existing;
  const limiter = new RequestLimiter(perSecond);
  global[LIMITER_KEY] = limiter;
  return limiter;
}

/** What a first `up` of a stack costs against a plan's hourly budget. */
export interface BudgetEstimate {
  plan: RailwayPlan;
  perHour: number;
  /** Reads and writes that do not depend on build time. */
  requests: number;
  /** Status polls while deployments build, at the plan's poll interval. */
  polls: number;
  pollIntervalSeconds: number;
  total: number;
  fits: boolean;
}

/**
 * Projects the requests of a first `up`: `requests` measured or estimated
 * for the writes and reads, plus one shared status poll per interval for
 * `buildSeconds` (every waiting deployment shares the poll).
 */
export function planBudget(plan: RailwayPlan, requests: number, buildSeconds: number): BudgetEstimate {
  const interval = pollIntervalSeconds(plan);
  const polls = Math.ceil(buildSeconds / interval) + 1;
  const total = requests + polls;
  return { plan, perHour: PLAN_LIMITS[plan].perHour, requests, polls, pollIntervalSeconds: interval, total, fits: total <= PLAN_LIMITS[plan].perHour };
}
