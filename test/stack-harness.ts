// Runs the stack program for a stack file under the mock runtime, as the offline synth
// does: config read by the synth's own reader, `secure:` values never decrypted
// (each becomes an opaque placeholder, marked secret).
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Recorder } from "../packages/components/src/testing/recorder";
import { readProject, readStackConfig } from "../packages/cli/src/synth/run";

export const ROOT = path.resolve(__dirname, "..");

export interface StackFileConfig {
  values: Record<string, string>;
  secretKeys: string[];
  /** The Pulumi project the stack belongs to (its secrets' namespace); `trestle` when omitted. */
  project?: string;
}

/** The config of a `Pulumi.<stack>.yaml` as the CLI passes it, with the project file beside it (or the root's). */
export function readStackFile(file: string): StackFileConfig {
  const projectDir = existsSync(path.join(path.dirname(file), "Pulumi.yaml")) ? path.dirname(file) : ROOT;
  const project = readProject(projectDir);
  const { values, secretKeys, problems } = readStackConfig(file, project);
  if (problems.length) throw new Error(`${file}:\n${problems.join("\n")}`);
  return { values, secretKeys, project: project.name };
}

/** Runs the program for `stack` with `config` and returns the recorder once it settles. */
export async function runProgram(
  stack: string,
  config: StackFileConfig,
): Promise<{ recorder: Recorder; outputs: Record<string, unknown> }> {
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const recorder = new Recorder(config.project ?? "trestle", stack);
  await recorder.install();
  const { trestleStack } = await import("../packages/components/src/stack/program");
  const program = trestleStack() as unknown as Record<string, unknown>;
  await recorder.settle();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = pulumi.Output.isInstance(value)
      ? await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve))
      : value;
  }
  return { recorder, outputs };
}
