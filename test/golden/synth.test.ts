// The synth output of every stack file in the repository, against the output
// recorded before a change: a refactor that moves code must leave each stack's
// resources, inputs, outputs, policy results and report exactly as they were.
//
// A change meant to alter what a stack deploys updates the recorded outputs in
// the same commit, so the review shows it:
//   TRESTLE_UPDATE_GOLDEN=1 npx vitest run test/golden
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const RECORDED = path.join(__dirname, "out");
const UPDATE = process.env.TRESTLE_UPDATE_GOLDEN === "1";
const CLI = path.join(ROOT, "packages/cli/src/synth/cli.ts");

/** Every stack file: the root's, the examples', and this directory's (the paths the others do not take). */
function stackFiles(): { label: string; dir: string; stack: string }[] {
  const inDir = (dir: string, label: (stack: string) => string) =>
    readdirSync(dir)
      .filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f))
      .map((f) => f.slice("Pulumi.".length, -".yaml".length))
      .map((stack) => ({ label: label(stack), dir, stack }));
  const examples = readdirSync(path.join(ROOT, "examples")).sort();
  return [
    ...inDir(ROOT, (s) => `root-${s}`),
    ...examples.flatMap((e) => inDir(path.join(ROOT, "examples", e), (s) => `${e}-${s}`)),
    ...inDir(path.join(__dirname, "stacks"), (s) => `golden-${s}`),
  ];
}

/** The order resources register in is the engine's business, not the stack's: compare them by URN. */
function normalized(json: string): string {
  const result = JSON.parse(json) as { resources: { urn: string; dependencies: string[] }[] };
  result.resources = result.resources
    .map((r) => ({ ...r, dependencies: [...r.dependencies].sort() }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
  return `${JSON.stringify(result, null, 2)}\n`;
}

const files = stackFiles();
const out = mkdtempSync(path.join(tmpdir(), "trestle-golden-"));
const synthesized = new Map<string, { json: string; md: string }>();
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(async () => {
  const run = promisify(execFile);
  await Promise.all(
    files.map(async ({ label, dir, stack }) => {
      const into = path.join(out, label);
      await run(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, "--stack", stack, "--out", into], {
        cwd: dir,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      });
      synthesized.set(label, {
        json: normalized(readFileSync(path.join(into, `${stack}.json`), "utf8")),
        md: readFileSync(path.join(into, `${stack}.md`), "utf8"),
      });
    }),
  );
  if (UPDATE) {
    rmSync(RECORDED, { recursive: true, force: true });
    mkdirSync(RECORDED, { recursive: true });
    for (const [label, { json, md }] of synthesized) {
      writeFileSync(path.join(RECORDED, `${label}.json`), json);
      writeFileSync(path.join(RECORDED, `${label}.md`), md);
    }
  }
});

describe("every stack synthesizes as recorded", () => {
  it("covers the root's stacks, every example's and the extra stacks here", () => {
    expect(files.map((f) => f.label)).toEqual(expect.arrayContaining(["root-staging", "root-prod", "000-travel-prod", "golden-wide"]));
    // A recorded output whose stack file is gone is stale.
    const recorded = readdirSync(RECORDED).map((f) => f.replace(/\.(json|md)$/, ""));
    expect([...new Set(recorded)].sort()).toEqual(files.map((f) => f.label).sort());
  });

  it.each(files.map((f) => f.label))("%s", (label) => {
    const now = synthesized.get(label)!;
    const file = (ext: string) => path.join(RECORDED, `${label}.${ext}`);
    expect(existsSync(file("json")), `no recorded output for ${label}: run TRESTLE_UPDATE_GOLDEN=1 npx vitest run test/golden`).toBe(true);
    expect(now.json).toBe(readFileSync(file("json"), "utf8"));
    expect(now.md).toBe(readFileSync(file("md"), "utf8"));
  });
});
