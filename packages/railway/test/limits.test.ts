import { describe, expect, it } from "vitest";
import { RailwayClient, railwayOperation } from "../src/client";
import { PLAN_LIMITS, RequestLimiter, planBudget, pollIntervalSeconds } from "../src/limits";
import { RailwayEmulator } from "../src/testing/emulator";

const PROJECTS = railwayOperation(`
query limitProjects { projects(first: 1) { edges { node { id } } } }`);

describe("Railway's request limits (RATE-2)", () => {
  it("keeps every plan's documented budgets", () => {
    // RATE-2, PLAN-1 (Railway's docs, `pricing/plans.md`); LIM-1 per replica (`reference/scaling.md`) and per service (plans.md).
    expect(PLAN_LIMITS).toEqual({
      free: { perSecond: 10, perHour: 100, replicas: 1, vcpus: 1, memoryGB: 0.5, serviceVcpus: 1, serviceMemoryGB: 0.5 },
      hobby: { perSecond: 10, perHour: 1000, replicas: 6, vcpus: 8, memoryGB: 8, serviceVcpus: 48, serviceMemoryGB: 48 },
      pro: { perSecond: 50, perHour: 10_000, replicas: 42, vcpus: 24, memoryGB: 24, serviceVcpus: 1000, serviceMemoryGB: 1024 },
    });
  });

  it("paces deployment polls to half of the hourly budget", () => {
    expect([pollIntervalSeconds("free"), pollIntervalSeconds("hobby"), pollIntervalSeconds("pro")]).toEqual([72, 7.2, 5]);
    expect(planBudget("free", 60, 240)).toMatchObject({ polls: 5, total: 65, fits: true });
    expect(planBudget("free", 99, 240)).toMatchObject({ total: 104, fits: false });
    // Clients wait for their databases' deploy: the wait is polled too.
    expect(planBudget("hobby", 0, 240, 60)).toMatchObject({ polls: 43, waitSeconds: 60 });
  });

  it("never lets more requests than the limit reach the server in any one second, even when sends are delayed", async () => {
    const emulator = await RailwayEmulator.start();
    try {
      const limiter = new RequestLimiter(5);
      const client = new RailwayClient({ credentials: { token: emulator.token, kind: "account" }, endpoint: emulator.url, limiter });
      const started = Date.now();
      await Promise.all(Array.from({ length: 12 }, () => client.request(PROJECTS)));
      expect(emulator.maxRequestsPerSecond()).toBeLessThanOrEqual(5);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    } finally {
      await emulator.stop();
    }
  });

  it("counts a request until a second after its answer", async () => {
    let now = 0;
    const limiter = new RequestLimiter(
      2,
      () => now,
      async (ms) => void (now += ms),
    );
    const first = await limiter.acquire();
    await limiter.acquire();
    now = 5000; // the first is still in flight, so it still counts
    first();
    const third = limiter.acquire();
    await third;
    expect(now).toBeGreaterThanOrEqual(6000);
  });
});
