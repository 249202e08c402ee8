// Per-file setup for provider tests (vitest only).
import { afterAll, beforeAll } from "vitest";
import { RailwayEmulator } from "../src/testing/emulator";
import { create, projectWithEnvironment, startEmulator } from "./harness";

export interface RailwayTestContext {
  emulator: RailwayEmulator;
  projectId: string;
  environmentId: string;
  /** A new image service in the context's environment; returns its id. */
  service(prefix?: string, image?: string): Promise<string>;
}

/** Starts an emulator with a project and its production environment for one test file. */
export function useRailwayProject(name: string): RailwayTestContext {
  const context = {} as RailwayTestContext;
  beforeAll(async () => {
    context.emulator = await startEmulator();
    ({ projectId: context.projectId, environmentId: context.environmentId } = await projectWithEnvironment(name));
    context.service = async (prefix = "svc", image = "nginx") => {
      const { serviceProvider } = await import("../src/service");
      const serviceName = `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
      return (
        await create(serviceProvider, { projectId: context.projectId, environmentId: context.environmentId, name: serviceName, image })
      ).id;
    };
  });
  afterAll(() => context.emulator.stop());
  return context;
}
