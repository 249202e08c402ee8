// Runs one example stack under mocks and checks it passes the policy pack.
import * as path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { ROOT, readStackFile, runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
export const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);

export function useExample(
  dir: string,
  stack: string,
): { recorder: Recorder; outputs: Record<string, unknown>; vars(name: string): Record<string, string> } {
  const context = {} as { recorder: Recorder; outputs: Record<string, unknown>; vars(name: string): Record<string, string> };
  beforeAll(async () => {
    Object.assign(context, await runProgram(stack, readStackFile(path.join(ROOT, "examples", dir, `Pulumi.${stack}.yaml`))));
    context.vars = (name) => context.recorder.get(`${DYN}:Variables`, `${name}-vars`).inputs.variables as Record<string, string>;
  });
  it("passes the policy pack with no violation", () => {
    expect(evaluatePolicies(toEvaluated(context.recorder.resources)).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });
  return context;
}

export function componentsOf(recorder: Recorder): string[] {
  return recorder.resources
    .filter((r) => r.type.startsWith("trestle:index:"))
    .map((r) => `${r.type.slice("trestle:index:".length)}::${r.name}`)
    .sort();
}
