// The synth ends when the SDK says the program has finished registering, not
// after a quiet period: a registration slower than any quiet period (a loaded
// machine, a slow provider) is still recorded.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Recorder } from "../../synth/recorder";

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
});
