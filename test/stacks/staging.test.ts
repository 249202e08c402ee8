import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, readStackFile, runProgram } from "../stack-harness";
import type { Recorder } from "../../synth/recorder";

let recorder: Recorder;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ recorder, outputs } = await runProgram("staging", readStackFile(path.join(ROOT, "Pulumi.staging.yaml"))));
});

describe("the staging stack", () => {
  it("declares resources", () => {
    console.log(recorder.resources.map((r) => `${r.type} ${r.name} parent=${r.parent.split("::").pop()} deps=${r.dependencies.length} protect=${r.protect}`).join("\n"));
    console.log(outputs);
    expect(recorder.resources.length).toBeGreaterThan(10);
  });
});
