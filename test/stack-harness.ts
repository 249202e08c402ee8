// Runs index.ts for a stack file under the mock runtime, as the offline synth
// does: config from the YAML file, `secure:` values never decrypted (each
// becomes an opaque placeholder, marked secret).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { Recorder } from "../synth/recorder";

export const ROOT = path.resolve(__dirname, "..");

export interface StackFileConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** The config of a `Pulumi.<stack>.yaml` as the CLI passes it to the program. */
export function readStackFile(file: string): StackFileConfig {
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      values[key] = `[secret ${key}]`;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

/** Runs the program for `stack` with `config` and returns the recorder once it settles. */
export async function runProgram(stack: string, config: StackFileConfig): Promise<{ recorder: Recorder; outputs: Record<string, unknown> }> {
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const recorder = new Recorder("trestle", stack);
  await recorder.install();
  const program = (await import("../index")) as Record<string, unknown>;
  await recorder.settle();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)) : value;
  }
  return { recorder, outputs };
}
