// The synth ends when the SDK says the program has finished registering, not
// after a quiet period: a registration slower than any quiet period (a loaded
// machine, a slow provider) is still recorded.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PROVIDER_NOT_SERIALIZED, Recorder } from "../../../components/src/testing/recorder";

class Thing extends pulumi.CustomResource {
  constructor(name: string, value: number) {
    super("test:index:Thing", name, { value });
  }
}

describe("the recorder", () => {
  it("waits for a registration that takes longer than the old 50 ms quiet period and 20 s limit would allow for", async () => {
    const recorder = new Recorder("settle", "test");
    const slow = new Set(["second"]);
    await recorder.install(async (_type, name) => {
      if (slow.has(name)) await new Promise((resolve) => setTimeout(resolve, 400));
      return undefined;
    });
    const first = new Thing("first", 1);
    // Declared only once the first is registered, then slow to register itself.
    first.urn.apply(() => new Thing("second", 2));
    const started = Date.now();
    await recorder.settle();
    expect(recorder.resources.map((r) => r.name).sort()).toEqual(["first", "second"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it("records a dynamic resource without serializing its provider, which the synth and the rehearsal never ship", async () => {
    const recorder = new Recorder("serialize", "test");
    await recorder.install();
    const provider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "x", outs: {} }) };
    class Dyn extends pulumi.dynamic.Resource {}
    new Dyn(provider, "dyn", { value: 1 }, undefined, "test:Dyn");
    await recorder.settle();
    const [dyn] = recorder.resources;
    // If an SDK upgrade moves the serializer, this fails instead of the synth
    // silently paying for the closure serializer again.
    expect(dyn.inputs.__provider).toBe(PROVIDER_NOT_SERIALIZED);
    expect(dyn.inputs.value).toBe(1);
  });
});
