// Drives Railway providers the way the Pulumi engine does (check, diff, then
// create/update/replace/delete) against a fresh emulator.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { configureRailway, resetRailwaySettings } from "../src/settings";
import { EmulatorOptions, RailwayEmulator } from "../src/testing/emulator";

/** Fast retries: the policy's shape is under test, not its real-world delays. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, throttleDelayMs: 30, maxElapsedMs: 5_000 };

export async function startEmulator(options: EmulatorOptions = {}): Promise<RailwayEmulator> {
  const emulator = await RailwayEmulator.start(options);
  resetRailwaySettings();
  // Unpaced: the limiter and the plan's pacing have tests of their own.
  configureRailway({
    token: emulator.token,
    tokenKind: "account",
    endpoint: emulator.url,
    retry: FAST_RETRY,
    requestsPerSecond: 10_000,
    pollIntervalMs: 1,
  });
  return emulator;
}

export interface Managed<O> {
  id: string;
  outs: O;
}

export class CheckFailedError extends Error {
  constructor(readonly failures: dynamic.CheckFailure[]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
  }
}

async function checked<I>(provider: dynamic.ResourceProvider<I, any>, olds: any, news: I): Promise<I> {
  if (!provider.check) return news;
  const result = await provider.check(olds, news);
  if (result.failures?.length) throw new CheckFailedError(result.failures);
  return result.inputs as I;
}

export async function create<I, O>(provider: dynamic.ResourceProvider<I, O>, inputs: I): Promise<Managed<O>> {
  const news = await checked(provider, {}, inputs);
  const result = await provider.create(news);
  return { id: result.id, outs: result.outs as O };
}

export type Action = "same" | "update" | "replace";

/** One `pulumi up` of one resource: what it did and the new state. */
export async function up<I, O>(
  provider: dynamic.ResourceProvider<I, O>,
  state: Managed<O>,
  inputs: I,
): Promise<Managed<O> & { action: Action }> {
  const news = await checked(provider, state.outs, inputs);
  const diff = (await provider.diff?.(state.id, state.outs, news)) ?? { changes: true };
  if (!diff.changes) return { ...state, action: "same" };
  if (diff.replaces?.length) {
    if (diff.deleteBeforeReplace) await provider.delete?.(state.id, state.outs);
    const created = await provider.create(news);
    if (!diff.deleteBeforeReplace) await provider.delete?.(state.id, state.outs);
    return { id: created.id, outs: created.outs as O, action: "replace" };
  }
  const updated = await provider.update!(state.id, state.outs, news);
  return { id: state.id, outs: updated.outs as O, action: "update" };
}

/** `pulumi refresh` of one resource: the new state, or undefined when it is gone. */
export async function refresh<O>(provider: dynamic.ResourceProvider<any, O>, state: Managed<O>): Promise<Managed<O> | undefined> {
  const result = await provider.read!(state.id, state.outs);
  if (!result.id) return undefined;
  return { id: result.id, outs: result.props as O };
}

export async function destroy<O>(provider: dynamic.ResourceProvider<any, O>, state: Managed<O>): Promise<void> {
  await provider.delete?.(state.id, state.outs);
}

/** A project and its default environment, made through the providers. */
export async function projectWithEnvironment(name = "trestle-test") {
  const { projectProvider } = await import("../src/project");
  const { environmentProvider } = await import("../src/environment");
  const project = await create(projectProvider, { name });
  const env = await create(environmentProvider, { projectId: project.id, name: "production" });
  return { projectId: project.id, environmentId: env.id, project, env };
}
