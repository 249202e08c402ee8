// Every provider plugin `pulumi up` downloads must exist: the installed
// provider packages' plugin metadata (what the Pulumi CLI reads to fetch the
// plugin) must match provider-plugins.json, where each release's evidence is kept.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./stack-harness";

interface Recorded {
  package: string;
  version: string;
  plugin: { name: string; version: string; server: string };
  evidence: string;
  status: string;
}

const record = JSON.parse(readFileSync(path.join(ROOT, "provider-plugins.json"), "utf8")) as { plugins: Recorded[] };
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
/** Where the CLI fetches a plugin from when the package names no server. */
const PULUMI_RELEASES = "https://get.pulumi.com/releases/plugins";

/** The plugin the Pulumi CLI derives from an installed package (its `pulumi` block, else the package version). */
function installedPlugin(name: string): { name: string; version: string; server: string } | undefined {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
    version: string;
    pulumi?: { resource?: boolean; name?: string; version?: string; server?: string; pluginDownloadURL?: string };
  };
  if (!pkg.pulumi?.resource) return undefined;
  return {
    name: pkg.pulumi.name ?? name.split("/").pop()!,
    version: pkg.pulumi.version ?? pkg.version,
    server: pkg.pulumi.server ?? pkg.pulumi.pluginDownloadURL ?? PULUMI_RELEASES,
  };
}

describe("provider plugins", () => {
  it("records every resource provider the program depends on, with evidence and a status", () => {
    const providers = Object.keys(manifest.dependencies).filter((name) => installedPlugin(name) !== undefined);
    expect(record.plugins.map((p) => p.package).sort()).toEqual(providers.sort());
    for (const p of record.plugins) {
      expect(p.evidence.length, p.package).toBeGreaterThan(40);
      expect(p.status, p.package).toMatch(/^(observed|inferred|documented)/);
    }
  });

  it.each(record.plugins.map((p) => [p.package, p] as const))("%s is pinned and installed as recorded", (name, recorded) => {
    expect(manifest.dependencies[name]).toBe(recorded.version);
    expect(installedPlugin(name)).toEqual(recorded.plugin);
  });
});
