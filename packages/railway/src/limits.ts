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

/**
 * Requests a second and an hour per plan (RATE-2; Free has no stated per-second
 * limit, Hobby's is assumed for it); replicas per service (PLAN-1); vCPUs and
 * memory (GB) per replica, and per service across its replicas (LIM-1):
 * - Pro: "each of your replicas can utilize up to 24 vCPU and 24GB of memory"
 *   (DOCS reference/scaling.md); the plans page's 1,000 vCPU / 1 TB "include
 *   replica multiplication", so they bound the service as a whole.
 * - Hobby: the plans page's 48 vCPU / 48 GB are likewise the service's total;
 *   per replica, 48 / 6 replicas = 8 vCPU / 8 GB is derived, not documented (assumed).
 * - Free: 1 vCPU / 0.5 GB, one replica.
 */
export const PLAN_LIMITS: Record<
  RailwayPlan,
  { perSecond: number; perHour: number; replicas: number; vcpus: number; memoryGB: number; serviceVcpus: number; serviceMemoryGB: number }
> = {
  free: { perSecond: 10, perHour: 100, replicas: 1, vcpus: 1, memoryGB: 0.5, serviceVcpus: 1, serviceMemoryGB: 0.5 },
  hobby: { perSecond: 10, perHour: 1000, replicas: 6, vcpus: 8, memoryGB: 8, serviceVcpus: 48, serviceMemoryGB: 48 },
  pro: { perSecond: 50, perHour: 10_000, replicas: 42, vcpus: 24, memoryGB: 24, serviceVcpus: 1000, serviceMemoryGB: 1024 },
};

/** LIM-1: the most vCPUs and memory a replica may be given on any plan Trestle knows (Pro's). */
export const MAX_VCPUS = PLAN_LIMITS.pro.vcpus;
export const MAX_MEMORY_GB = PLAN_LIMITS.pro.memoryGB;

/** PLAN-1: the most replicas any plan (Enterprise) allows a service. */
export const MAX_REPLICAS = 50;

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

/**
 * At most `perSecond` requests reaching Railway in any one second, for every
 * request of the process. Railway counts a request when it arrives, which is
 * somewhere between when it is sent and when its answer comes back, so a
 * request counts against the window until a second after its answer: a busy
 * event loop that delays a send cannot bunch two seconds' requests into one.
 */
export class RequestLimiter {
  /** Per request: when its answer came back (undefined while in flight). */
  private readonly slots: { done?: number }[];

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    // Assigned here, not as a field initializer: Pulumi's closure serializer drops those.
    this.slots = [];
  }

  /** Waits until one more request fits, counts it, and returns the call that marks its answer received. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      for (let i = this.slots.length - 1; i >= 0; i--) {
        const done = this.slots[i].done;
        if (done !== undefined && done <= now - 1000) this.slots.splice(i, 1);
      }
      if (this.slots.length < this.perSecond) {
        const slot: { done?: number } = {};
        this.slots.push(slot);
        return () => {
          slot.done ??= this.now();
        };
      }
      const finished = this.slots.map((s) => s.done).filter((d): d is number => d !== undefined);
      const wait = finished.length ? Math.min(...finished) + 1000 - now + 1 : 20;
      await this.sleep(Math.max(1, Math.min(wait, 20)));
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
  /** Seconds deployments wait on others before theirs start (a database's deploy, which its clients follow). */
  waitSeconds: number;
  pollIntervalSeconds: number;
  total: number;
  fits: boolean;
}

/**
 * DEP-7 (assumed): seconds a database's first deploy takes before the services
 * that connect to it start theirs (Trestle orders them, VAR-3): an image pulled
 * and started, nothing built. `trestle rehearse --build-seconds` sets the builds'.
 */
export const DATABASE_DEPLOY_SECONDS = 60;

/**
 * Projects the requests of a first `up`: `requests` measured or estimated
 * for the writes and reads, plus one shared status poll per interval for
 * `waitSeconds` of deploys others wait on and then `buildSeconds` of builds
 * (every waiting deployment shares the poll).
 */
export function planBudget(plan: RailwayPlan, requests: number, buildSeconds: number, waitSeconds = 0): BudgetEstimate {
  const interval = pollIntervalSeconds(plan);
  const polls = Math.ceil((waitSeconds + buildSeconds) / interval) + 1;
  const total = requests + polls;
  return {
    plan,
    perHour: PLAN_LIMITS[plan].perHour,
    requests,
    polls,
    waitSeconds,
    pollIntervalSeconds: interval,
    total,
    fits: total <= PLAN_LIMITS[plan].perHour,
  };
}
