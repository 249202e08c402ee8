import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests that start servers (the emulator, PostgreSQL, Redis) bind loopback
    // ports of their own; files still run in parallel on both cores.
    pool: "forks",
  },
});
