// How the CLI starts itself again in a child process (the SDK's runtime state is
// per process, so each synth of a diff runs in its own): through the `trestle`
// command when it was started that way, else the same node flags and script.
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Set by the `trestle` command to its own path. */
export const ENTRY_ENV = "TRESTLE_CLI_ENTRY";

/** Node arguments that run `command` of this CLI (`synth`, `rehearse`) in a fresh process. */
export function selfInvocation(command: string, script: string): string[] {
  const entry = process.env[ENTRY_ENV];
  return entry ? [entry, command] : [...process.execArgv, script];
}

/**
 * The nearest directory, from `start` up, that holds `entry`; none when the
 * filesystem's root, or a directory holding `boundary`, is passed first.
 */
export function nearestHolding(start: string, entry: string, boundary?: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, entry))) return dir;
    if ((boundary && existsSync(path.join(dir, boundary))) || path.dirname(dir) === dir) return undefined;
  }
}

/** The project directory: the one holding `Pulumi.yaml`, from `start` up. */
export function findProjectDir(start = process.cwd()): string {
  return nearestHolding(start, "Pulumi.yaml") ?? path.resolve(start);
}

/** Where a project's packages are installed: the nearest directory with `node_modules`, from `start` up. */
export function installRoot(start: string): string | undefined {
  return nearestHolding(start, "node_modules");
}
