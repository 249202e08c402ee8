// `trestle rehearse --from <old stack file>`: rehearses an update, as the
// engine would run it, from one stack file to another. The old file's first
// `up` and then the new file's `up` each run in a fresh process (the SDK's
// runtime state is per process) against one emulator kept here, the second
// with the state the first left. Then it reads the emulator itself: every
// project, environment, database service and volume the old stack held must
// still be there, unless the new stack file opted in to replacing it.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { RAILWAY_TYPES } from "@trestle/railway";
import { RailwayEmulator } from "@trestle/railway/testing";
import type { RehearsalResult, RehearsalState } from "./run";

/** What the token of a step's emulator travels in (never an argument, which `ps` shows). */
export const STEP_TOKEN_ENV = "TRESTLE_REHEARSE_STEP_TOKEN";

export interface StepArgs {
  projectDir: string;
  stack: string;
  config: string;
  endpoint: string;
  stateIn?: string;
  resultOut: string;
}

/** The flags of one step, for the rehearse command's own step mode. */
export function stepFlags(step: StepArgs): string[] {
  return [
    "--stack",
    step.stack,
    "--config",
    step.config,
    "--project-dir",
    step.projectDir,
    "--step-endpoint",
    step.endpoint,
    "--step-result",
    step.resultOut,
    ...(step.stateIn ? ["--step-state", step.stateIn] : []),
  ];
}

/** The command that runs this CLI again in a child: the installed `trestle` entry, or this module's own runner. */
function selfCommand(): string[] {
  if (process.env.TRESTLE_CLI_ENTRY) return [process.env.TRESTLE_CLI_ENTRY, "rehearse"];
  const cli = path.join(__dirname, `cli${path.extname(__filename)}`);
  const typescript =
    __filename.endsWith(".ts") && !process.execArgv.some((a) => a.includes("ts-node")) ? ["-r", "ts-node/register/transpile-only"] : [];
  return [...process.execArgv, ...typescript, cli];
}

async function runStep(step: StepArgs, token: string): Promise<RehearsalResult> {
  const child = spawn(process.execPath, [...selfCommand(), ...stepFlags(step)], {
    env: { ...process.env, [STEP_TOKEN_ENV]: token },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (status !== 0 && status !== 1)
    throw new Error(`rehearsing ${path.basename(step.config)} failed (exit ${status}): ${stderr.trim().split("\n").slice(-5).join(" ")}`);
  return JSON.parse(readFileSync(step.resultOut, "utf8")) as RehearsalResult;
}

/** An object that holds data, as the emulator keeps it. */
export interface HeldData {
  kind: "project" | "environment" | "database service" | "volume";
  /** The Pulumi resource that held it. */
  resource: string;
  id: string;
}

/** The data-holding objects a run's state names. */
function heldData(state: RehearsalState): HeldData[] {
  const held: HeldData[] = [];
  for (const r of Object.values(state)) {
    if (r.type === RAILWAY_TYPES.Project) held.push({ kind: "project", resource: r.name, id: r.id });
    else if (r.type === RAILWAY_TYPES.Environment) held.push({ kind: "environment", resource: r.name, id: r.id });
    else if (r.type === RAILWAY_TYPES.Volume) held.push({ kind: "volume", resource: r.name, id: r.id });
    else if (r.type === RAILWAY_TYPES.Service && r.outs.holdsData === true)
      held.push({ kind: "database service", resource: r.name, id: r.id });
  }
  return held;
}

function stillThere(emulator: RailwayEmulator, held: HeldData): boolean {
  const s = emulator.state;
  if (held.kind === "project") return s.projects.has(held.id);
  if (held.kind === "environment") return s.environments.has(held.id);
  if (held.kind === "volume") return s.volumes.has(held.id);
  return s.services.has(held.id);
}

export interface UpdateRehearsal {
  from: string;
  to: string;
  /** The old stack file's first `up`. */
  before: RehearsalResult;
  /** The update to the new stack file. */
  after: RehearsalResult;
  /** Data-holding objects of the old stack that the update deleted. */
  lost: HeldData[];
  /** Whether the new stack file opted in to a replacement (`trestle:allowReplace`). */
  optedIn: boolean;
}

export async function rehearseUpdate(options: {
  projectDir: string;
  stack: string;
  from: string;
  to: string;
  optedIn: boolean;
}): Promise<UpdateRehearsal> {
  const work = mkdtempSync(path.join(tmpdir(), "trestle-rehearse-update-"));
  const emulator = await RailwayEmulator.start();
  try {
    const step = (config: string, name: string, stateIn?: string): StepArgs => ({
      projectDir: options.projectDir,
      stack: options.stack,
      config,
      endpoint: emulator.url,
      stateIn,
      resultOut: path.join(work, `${name}.json`),
    });
    const before = await runStep(step(options.from, "before"), emulator.token);
    const stateIn = path.join(work, "state.json");
    writeFileSync(stateIn, JSON.stringify(before.state));
    const held = heldData(before.state);
    const after = await runStep(step(options.to, "after", stateIn), emulator.token);
    const lost = held.filter((h) => !stillThere(emulator, h));
    return { from: options.from, to: options.to, before, after, lost, optedIn: options.optedIn };
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
