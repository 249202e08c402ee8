import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // `npm run test:live` (TRESTLE_LIVE=1) runs only the tests against real
    // Railway; `npm test` runs everything else and never reaches an account.
    include: process.env.TRESTLE_LIVE ? ["test/live/**/*.test.ts"] : ["test/**/*.test.ts"],
    exclude: process.env.TRESTLE_LIVE ? configDefaults.exclude : [...configDefaults.exclude, "test/live/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests that start servers (the emulator, PostgreSQL, Redis) bind loopback
    // ports of their own; files still run in parallel on both cores.
    pool: "forks",
    // Two workers on the two cores of the project's machines; many files wait on
    // child processes and servers, so both stay busy.
    maxWorkers: 2,
  },
});
