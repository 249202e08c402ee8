// The packages as another team gets them: `npm pack` of each, the tarballs
// installed into a project outside this repository, and used there with no
// TypeScript sources and no workspace: the components under Pulumi's mocks, the
// pack, the emulator, and the `trestle` command (init, synth, rehearse) from
// its compiled JavaScript.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const PACKAGES = ["railway", "components", "policies", "cli"];
/** The component provider package (`@trestle/trestle`), which ships sources for Pulumi's analyzer instead of a build. */
const PLUGIN = "plugin";
const ROOT_MANIFEST = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const pinned = (name: string) => ROOT_MANIFEST.dependencies[name] ?? ROOT_MANIFEST.devDependencies[name];

let work: string;
let project: string;
const tarballs: Record<string, string> = {};

/** Runs a command with nothing of this repository on its path: no source condition, no ts-node of ours. */
function run(command: string, args: string[], cwd: string, input?: string) {
  const env = { ...process.env, NODE_OPTIONS: "", TS_NODE_PROJECT: "", PULUMI_CONFIG_PASSPHRASE: "" };
  // A hang, never slowness, ends a command: `npm install` on two busy cores takes what it takes.
  return spawnSync(command, args, { cwd, env, encoding: "utf8", input, timeout: 900_000 });
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "trestle-packed-"));
  const dest = path.join(work, "tarballs");
  mkdirSync(dest);
  for (const name of [...PACKAGES, PLUGIN]) {
    const out = execFileSync("npm", ["pack", "--silent", "--workspace", `packages/${name}`, "--pack-destination", dest], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    tarballs[name] = path.join(dest, out.trim().split("\n").pop()!);
  }
  project = path.join(work, "team");
  mkdirSync(project);
  const manifest = {
    name: "team-project",
    private: true,
    dependencies: {
      ...Object.fromEntries(PACKAGES.map((name) => [`@trestle/${name}`, `file:${tarballs[name]}`])),
      "@trestle/trestle": `file:${tarballs[PLUGIN]}`,
      "@pulumi/pulumi": pinned("@pulumi/pulumi"),
      "@pulumi/policy": pinned("@pulumi/policy"),
    },
    devDependencies: { typescript: pinned("typescript"), "ts-node": pinned("ts-node"), "@types/node": pinned("@types/node") },
    allowScripts: { "@pulumi/command": false, protobufjs: false },
  };
  writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest, null, 2));
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], project);
  if (install.status !== 0) throw new Error(`npm install of the packed packages failed:\n${install.stderr}`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it("ship compiled JavaScript with declarations, and no TypeScript sources", () => {
    for (const name of PACKAGES) {
      const listing = execFileSync("tar", ["-tzf", tarballs[name]], { encoding: "utf8" }).split("\n").filter(Boolean);
      expect(listing, name).toContain("package/dist/index.js");
      expect(listing, name).toContain("package/dist/index.d.ts");
      expect(
        listing.filter((f) => f.startsWith("package/src/")),
        name,
      ).toEqual([]);
    }
    const railway = execFileSync("tar", ["-tzf", tarballs.railway], { encoding: "utf8" });
    expect(railway).toContain("package/dist/testing/schema.graphql");
    expect(readdirSync(path.join(project, "node_modules", "@trestle")).sort()).toEqual([
      "cli",
      "components",
      "policies",
      "railway",
      "trestle",
    ]);
  });

  it("declare the components under Pulumi's mocks in a plain JavaScript program", () => {
    const program = `
      const pulumi = require("@pulumi/pulumi");
      const registered = [];
      let provider = "";
      pulumi.runtime.setMocks({
        newResource: (args) => {
          registered.push(args.type + "::" + args.name);
          if (args.type === "pulumi-nodejs:dynamic/railway:Service") provider = args.inputs.__provider;
          return { id: args.name + "-id", state: args.inputs };
        },
        call: (args) => args.inputs,
      }, "team-project", "dev");
      const { RailwayService, PostgresDb, RedisCache, VercelFrontend } = require("@trestle/components");
      const railway = require("@trestle/railway");
      const scope = { projectId: "p", environmentId: "e" };
      new PostgresDb("db", { ...scope, serviceName: "db", version: 16 });
      new RedisCache("cache", { ...scope, use: "cache", serviceName: "cache" });
      new RailwayService("api", { ...scope, serviceName: "api", source: { image: "ghcr.io/team/api:1" }, port: 8000, public: true });
      new VercelFrontend("web", { projectName: "team-web", framework: "nextjs", repo: "team/web", apiUrl: "https://api.example.com" });
      setTimeout(() => console.log(JSON.stringify({
        registered: registered.sort(),
        providers: Object.keys(railway.railwayProviders).sort(),
        provider,
      })), 1500);
    `;
    // --no-warnings: the SDK's closure serializer touches Node's deprecated `sys` and experimental `wasi` modules.
    const result = run(process.execPath, ["--no-warnings", "-e", program], project);
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as { registered: string[]; providers: string[]; provider: string };
    const providerRequires = [...new Set(out.provider.match(/require\("@trestle\/railway\/dist\/[a-z-]+\.js"\)/g))];
    expect(out.registered).toEqual(
      expect.arrayContaining([
        "trestle:index:PostgresDb::db",
        "trestle:index:RedisCache::cache",
        "trestle:index:RailwayService::api",
        "trestle:index:VercelFrontend::web",
        "pulumi-nodejs:dynamic/railway:Service::api",
        "pulumi-nodejs:dynamic/railway:Volume::db-data",
        "vercel:index/project:Project::web",
      ]),
    );
    // The provider is serialized with its modules required from the installed package (which its
    // `./dist/*` export allows; without it the SDK refuses), not copied into the state.
    expect(providerRequires).toEqual(
      expect.arrayContaining(['require("@trestle/railway/dist/client.js")', 'require("@trestle/railway/dist/settings.js")']),
    );
    expect(out.providers).toEqual([
      "Bucket",
      "CustomDomain",
      "Deployment",
      "Environment",
      "Project",
      "Service",
      "ServiceDomain",
      "TcpProxy",
      "Variables",
      "Volume",
    ]);
  });

  it("load the pack with at most 40 modules beyond @pulumi/policy's own: the contract and Railway's facts, no provider SDK", () => {
    const count = `
      require("@pulumi/policy");
      const before = new Set(Object.keys(require.cache));
      require("@trestle/policies");
      const added = Object.keys(require.cache).filter((f) => !before.has(f));
      console.log(JSON.stringify({ count: added.length, heavy: added.filter((f) => ["@pulumi/docker/", "@pulumi/command/", "@pulumi/random/", "@pulumiverse/", "@upstash/", "/zod/", "/cron-parser/"].some((p) => f.includes(p))).length }));
    `;
    const result = run(process.execPath, ["-e", count], project);
    expect(result.stderr).toBe("");
    const { count: loaded, heavy } = JSON.parse(result.stdout) as { count: number; heavy: number };
    expect(heavy).toBe(0);
    expect(loaded).toBeLessThanOrEqual(40);
  });

  it("give a pack a team constructs with its own levels, refusing an exemption without a reason", () => {
    const check = `
      const { configuredPolicies, packConfigProblems } = require("@trestle/policies");
      const levels = Object.fromEntries(configuredPolicies({ "cors-wildcard": "advisory" }).map((p) => [p.name, p.enforcementLevel]));
      console.log(JSON.stringify({ count: Object.keys(levels).length, wildcard: levels["cors-wildcard"], problems: packConfigProblems({ "database-tcp-proxy": { exemptions: [{ resource: "postgres", reason: "x" }] } }) }));
    `;
    const result = run(process.execPath, ["-e", check], project);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      count: 24,
      wildcard: "advisory",
      problems: [
        "database-tcp-proxy.exemptions[0].reason: an exemption needs a written reason of at least 10 characters saying why it is acceptable",
      ],
    });
  });

  it("serves the five components as the `trestle` component package, read by Pulumi's analyzer from the installed types", () => {
    const check = `
      const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer");
      const dir = require("path").dirname(require.resolve("@trestle/trestle/package.json"));
      const names = ["RailwayService", "PostgresDb", "RedisCache", "VercelFrontend", "StorageBucket"];
      const { components } = new Analyzer(dir, "trestle", require(dir + "/package.json"), new Set(names)).analyze();
      const served = Object.keys(require("@trestle/trestle")).sort();
      console.log(JSON.stringify({ analyzed: Object.keys(components).sort(), served, start: Object.keys(components.RailwayService.inputs).includes("start") }));
    `;
    const result = run(process.execPath, ["-e", check], project);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      analyzed: ["PostgresDb", "RailwayService", "RedisCache", "StorageBucket", "VercelFrontend"],
      served: ["PostgresDb", "RailwayService", "RedisCache", "StorageBucket", "VercelFrontend"],
      start: true,
    });
  });

  it("starts the Railway emulator from @trestle/railway/testing", () => {
    const check = `
      const { RailwayEmulator } = require("@trestle/railway/testing");
      RailwayEmulator.start().then(async (emulator) => {
        const response = await fetch(emulator.url, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer " + emulator.token }, body: JSON.stringify({ query: "{ projects { edges { node { id } } } }" }) });
        console.log(response.status, JSON.stringify(await response.json()));
        await emulator.stop();
      });
    `;
    const result = run(process.execPath, ["-e", check], project);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe('200 {"data":{"projects":{"edges":[]}}}');
  });

  it("runs `trestle init`, then synthesizes and rehearses the new project clean, from the installed CLI", () => {
    const trestle = path.join(project, "node_modules", ".bin", "trestle");
    const init = run(trestle, ["init", "shop", "--name", "acme-shop"], project);
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    const app = path.join(project, "shop");
    // The new project's own `npm install` would fetch the same packages; here it shares the installed ones.
    symlinkSync(path.join(project, "node_modules"), path.join(app, "node_modules"), "dir");
    for (const stack of ["staging", "prod"]) {
      // Editors check the stack file with the JSON Schema its first line names, which the installed components ship.
      const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(path.join(app, `Pulumi.${stack}.yaml`), "utf8"))?.[1];
      expect(schema && existsSync(path.join(app, schema)), `${stack}: ${schema}`).toBe(true);
      const synth = run(trestle, ["synth", "--stack", stack], app);
      expect(synth.stdout, synth.stderr).toContain(`✓ ${stack}: `);
      expect(synth.status).toBe(0);
      const result = JSON.parse(readFileSync(path.join(app, ".trestle", "synth", `${stack}.json`), "utf8")) as {
        project: string;
        policies: { mandatory: number };
      };
      expect(result.project).toBe("acme-shop");
      const rehearsal = run(trestle, ["rehearse", "--stack", stack], app);
      expect(rehearsal.status, rehearsal.stdout + rehearsal.stderr).toBe(0);
      expect(rehearsal.stdout).toMatch(/✓ \S+\s+api: SUCCESS/);
    }
  });

  it("install into an empty project with a plain `npm install` of the components and ts-node, TypeScript chosen within Pulumi's range", () => {
    const empty = path.join(work, "empty");
    mkdirSync(empty);
    writeFileSync(path.join(empty, "package.json"), JSON.stringify({ name: "empty", private: true }));
    const result = run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", tarballs.railway, tarballs.components, `ts-node@${pinned("ts-node")}`],
      empty,
    );
    expect(result.status, result.stderr).toBe(0);
    // No peer left unresolved (npm's ERESOLVE warnings), and the TypeScript npm chose is one Pulumi takes (< 7).
    expect(result.stderr).not.toMatch(/ERESOLVE|Could not resolve dependency/);
    const typescript = JSON.parse(readFileSync(path.join(empty, "node_modules", "typescript", "package.json"), "utf8")) as {
      version: string;
    };
    expect(Number(typescript.version.split(".")[0])).toBeLessThan(7);
    const loaded = run(process.execPath, ["-e", "const c = require('@trestle/components'); console.log(typeof c.RailwayService)"], empty);
    expect(loaded.stdout.trim()).toBe("function");
  });

  it("runs the README's own-system block from outside the checkout: init, install, secret set, synth, rehearse; then the project moves and installs again", () => {
    // Here, not in packages/cli/test/commands: packing builds dist/ in the packages, which must not run twice at once.
    const home = path.join(work, "elsewhere");
    mkdirSync(home);
    const env = { TRESTLE_INIT_SPECS: "", PULUMI_CONFIG_PASSPHRASE: "" };
    // `npx --package <checkout>/packages/cli trestle init …`: the CLI of the checkout, run from anywhere.
    const init = spawnSync(
      "npx",
      ["--yes", "--package", path.join(ROOT, "packages", "cli"), "trestle", "init", "my-app", "--name", "my-app"],
      { cwd: home, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env } },
    );
    expect(init.stderr).toContain("packing this checkout's packages into my-app/vendor/trestle");
    expect(init.status, init.stderr).toBe(0);
    const app = path.join(home, "my-app");
    const manifest = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const specs = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const name of PACKAGES) {
      // Relative, inside the project: it can be committed, cloned and moved.
      expect(specs[`@trestle/${name}`]).toMatch(new RegExp(`^file:vendor/trestle/trestle-${name}-\\d+\\.\\d+\\.\\d+\\.tgz$`));
      expect(existsSync(path.join(app, specs[`@trestle/${name}`].slice("file:".length)))).toBe(true);
    }
    const install = (dir: string) => run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    const installed = install(app);
    expect(installed.status, installed.stderr).toBe(0);
    const trestle = (dir: string, args: string[], input?: string) =>
      spawnSync(path.join(dir, "node_modules", ".bin", "trestle"), args, {
        cwd: dir,
        encoding: "utf8",
        input,
        env: { ...process.env, NODE_OPTIONS: "", TS_NODE_PROJECT: "", PULUMI_CONFIG_PASSPHRASE: "our team's passphrase" },
      });
    const secret = trestle(app, ["secret", "set", "appSecretKey", "--stack", "prod"], "s3cret-value");
    expect(secret.status, secret.stderr).toBe(0);
    for (const stack of ["staging", "prod"]) {
      const synth = trestle(app, ["synth", "--stack", stack]);
      expect(synth.status, synth.stdout + synth.stderr).toBe(0);
    }
    const rehearsal = trestle(app, ["rehearse", "--stack", "prod"]);
    expect(rehearsal.status, rehearsal.stdout + rehearsal.stderr).toBe(0);

    // A teammate's clone, somewhere else: no checkout path in it, and it installs.
    const moved = path.join(work, "moved-app");
    cpSync(app, moved, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules`) && !src.includes(`${path.sep}.trestle`),
    });
    rmSync(app, { recursive: true, force: true });
    expect(readFileSync(path.join(moved, "package.json"), "utf8")).not.toContain(ROOT);
    const again = install(moved);
    expect(again.status, again.stderr).toBe(0);
    expect(trestle(moved, ["synth", "--stack", "prod"]).status).toBe(0);
  });
});
