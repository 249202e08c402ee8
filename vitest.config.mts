import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

/** In this repository the packages run from their TypeScript sources (the `trestle-source` export condition). */
const SOURCE_CONDITION = "--conditions=trestle-source";
const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@trestle\/railway\/testing$/, replacement: src("railway/src/testing/index.ts") },
      { find: /^@trestle\/railway\/limits$/, replacement: src("railway/src/limits.ts") },
      { find: /^@trestle\/railway\/facts$/, replacement: src("railway/src/facts.ts") },
      { find: /^@trestle\/components\/contract$/, replacement: src("components/src/contract/index.ts") },
      { find: /^@trestle\/components\/testing$/, replacement: src("components/src/testing/index.ts") },
      { find: /^@trestle\/railway$/, replacement: src("railway/src/index.ts") },
      { find: /^@trestle\/components$/, replacement: src("components/src/index.ts") },
      { find: /^@trestle\/policies$/, replacement: src("policies/src/index.ts") },
      { find: /^@trestle\/policies\/evaluate$/, replacement: src("policies/src/evaluate.ts") },
      { find: /^@trestle\/cli$/, replacement: src("cli/src/index.ts") },
    ],
  },
  test: {
    // Child processes (the CLI, fresh provider processes) resolve the packages the same way.
    env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(" ") },
    // `npm run test:live` (TRESTLE_LIVE=1) runs only the tests against real
    // Railway; `npm test` runs everything else and never reaches an account.
    // Each package's tests are beside it (`packages/*/test`); the repository-wide
    // suites (stacks, examples, servers, packaging, docs, workflows) are in `test/`.
    include: process.env.TRESTLE_LIVE ? ["test/live/**/*.test.ts"] : ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    exclude: process.env.TRESTLE_LIVE ? configDefaults.exclude : [...configDefaults.exclude, "test/live/**"],
    // Only a hang fails a test, never slowness: the suite runs on two shared
    // cores that may both be busy, where a synth or a rehearsal in a child
    // process can take many times as long as on an idle machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Tests that start servers (the emulator, PostgreSQL, Redis) bind loopback
    // ports of their own; files still run in parallel on both cores.
    pool: "forks",
    // Two workers on the two cores of the project's machines; many files wait on
    // child processes and servers, so both stay busy.
    maxWorkers: 2,
  },
});
