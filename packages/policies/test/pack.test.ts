// The pack as the Pulumi CLI loads it: policies/index.ts through ts-node, in the
// pack's directory (the pack reads its version from policies/package.json).
// Constructing the PolicyPack starts its gRPC server, which prints its port.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "./root";

const PACK = path.join(ROOT, "policies");

describe("the policy pack", () => {
  it("is a pack the CLI can run: PulumiPolicy.yaml, a versioned package.json, an index that serves", async () => {
    expect(parse(readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8"))).toMatchObject({ runtime: "nodejs" });
    expect(JSON.parse(readFileSync(path.join(PACK, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+$/);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: PACK,
      env: { ...process.env, TS_NODE_PROJECT: path.join(PACK, "tsconfig.json") },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port after 30 s: ${stderr}`)), 30_000);
      child.stdout.on("data", (d) => {
        stdout += d;
        const match = /^(\d+)\s*$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
    });
    child.kill();
    expect(Number(port)).toBeGreaterThan(0);
  });
});
