// The `trestle` command as a user runs it from this repository (its bin, which
// runs the TypeScript sources): dispatch, `secret set`, `preview`/`up` with the
// pack, and `init`.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { decryptValue } from "../../src/secret/passphrase";
import { ROOT } from "../root";

const BIN = path.join(ROOT, "packages", "cli", "bin", "trestle.js");
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trestle-cli-test-"));
  temp.push(dir);
  return dir;
}

function trestle(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  // `init` from a checkout packs its packages for the new project; one test below does, the rest name versions.
  const env = { ...process.env, TRESTLE_INIT_SPECS: "version", ...options.env };
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, input: options.input ?? "", encoding: "utf8", env });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of the root project (its Pulumi.yaml and staging stack) to change. */
function projectCopy(): string {
  const dir = tempDir();
  for (const file of ["Pulumi.yaml", "Pulumi.staging.yaml"]) cpSync(path.join(ROOT, file), path.join(dir, file));
  return dir;
}

describe("trestle", () => {
  it("says its version", () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, "packages", "cli", "package.json"), "utf8")) as { version: string }).version;
    for (const flag of ["--version", "-v"]) expect(trestle([flag])).toMatchObject({ code: 0, stdout: `trestle ${version}\n` });
  });

  it("lists its commands, and refuses an unknown one with exit 2", () => {
    const help = trestle(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["synth", "diff", "rehearse", "init", "secret", "preview", "up"])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    const unknown = trestle(["deploy"]);
    expect([unknown.code, unknown.stderr.split("\n")[0]]).toEqual([2, "trestle: unknown command `deploy`"]);
  });

  describe("secret set", () => {
    it("reads the value from standard input and writes it encrypted under the project's namespace", () => {
      const dir = projectCopy();
      const result = trestle(["secret", "set", "serpapiKey", "--stack", "staging"], {
        cwd: dir,
        input: "sk-from-stdin\n",
        env: { PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders" },
      });
      expect(result.stderr).toBe("");
      expect(result.stdout.trim()).toBe("set travel-planner:serpapiKey (encrypted) in Pulumi.staging.yaml");
      const text = readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
      expect(text).not.toContain("sk-from-stdin");
      const doc = parse(text) as { encryptionsalt: string; config: Record<string, { secure: string }> };
      expect(decryptValue("trestle-placeholders", doc.encryptionsalt, doc.config["travel-planner:serpapiKey"].secure)).toBe(
        "sk-from-stdin",
      );
      // Comments survive.
      expect(text).toContain("# Secrets are `secure:` placeholders");
    });

    it("takes a stack file by path", () => {
      const dir = projectCopy();
      const result = trestle(["secret", "set", "edgeConfig", "--config", path.join(dir, "Pulumi.staging.yaml")], {
        input: "edge",
        env: { PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders" },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("set travel-planner:edgeConfig (encrypted)");
    });

    it.each([
      [
        "a value on the command line",
        ["serpapiKey", "sk-live-123", "--stack", "staging"],
        { PULUMI_CONFIG_PASSPHRASE: "x" },
        "unknown argument `sk-live-123`; the value is read from standard input or a prompt, never from the command line",
      ],
      ["no stack", ["serpapiKey"], { PULUMI_CONFIG_PASSPHRASE: "x" }, "--stack is required"],
      [
        "a stack that does not exist",
        ["serpapiKey", "--stack", "qa"],
        { PULUMI_CONFIG_PASSPHRASE: "x" },
        "Pulumi.qa.yaml: no such stack file",
      ],
    ])("refuses %s with one line and exit 2, changing nothing", (_, args, env, message) => {
      const dir = projectCopy();
      const before = readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
      const result = trestle(["secret", "set", ...args], { cwd: dir, input: "value", env: env as Record<string, string> });
      expect(result.code).toBe(2);
      expect(result.stderr.split("\n")[0]).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")).toBe(before);
    });
  });

  describe("secret set with another passphrase than the stack's", () => {
    it("refuses it once the stack holds a real secret, with one line and exit 2, changing nothing", () => {
      const dir = projectCopy();
      expect(
        trestle(["secret", "set", "serpapiKey", "--stack", "staging"], {
          cwd: dir,
          input: "sk-real",
          env: { PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders" },
        }).code,
      ).toBe(0);
      const before = readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8");
      const result = trestle(["secret", "set", "edgeConfig", "--stack", "staging"], {
        cwd: dir,
        input: "v",
        env: { PULUMI_CONFIG_PASSPHRASE: "not-it" },
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        "Pulumi.staging.yaml: the passphrase does not open this stack's secrets (its `encryptionsalt`), and they are not only `trestle init`'s placeholders; check PULUMI_CONFIG_PASSPHRASE",
      );
      expect(readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")).toBe(before);
    });

    it("gives a new project's placeholders the user's passphrase on the first secret set, whoever's passphrase made them", () => {
      for (const made of ["", "trestle-placeholders"]) {
        const dir = path.join(tempDir(), "fresh");
        expect(trestle(["init", dir, "--from", "threadr"], { env: { PULUMI_CONFIG_PASSPHRASE: made } }).code).toBe(0);
        const result = trestle(["secret", "set", "openaiApiKey", "--stack", "prod"], {
          cwd: dir,
          input: "sk-mine",
          env: { PULUMI_CONFIG_PASSPHRASE: "my own passphrase" },
        });
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("placeholder secret(s) now use your passphrase");
        const prod = parse(readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8")) as {
          encryptionsalt: string;
          config: Record<string, { secure: string }>;
        };
        expect(decryptValue("my own passphrase", prod.encryptionsalt, prod.config["fresh:openaiApiKey"].secure)).toBe("sk-mine");
        expect(decryptValue("my own passphrase", prod.encryptionsalt, prod.config["fresh:stripeSecretKey"].secure)).toBe(
          "placeholder-stripeSecretKey-prod",
        );
        // The next one is an ordinary set.
        const next = trestle(["secret", "set", "stripeSecretKey", "--stack", "prod"], {
          cwd: dir,
          input: "sk-stripe",
          env: { PULUMI_CONFIG_PASSPHRASE: "my own passphrase" },
        });
        expect(next.stdout).not.toContain("placeholder");
        expect(next.code).toBe(0);
      }
    });
  });

  describe("secret set on a stack it cannot write with a passphrase", () => {
    it.each<[string, (text: string) => string, string]>([
      [
        "a cloud KMS secrets provider",
        (t) => `secretsprovider: awskms://alias/trestle\nencryptedkey: AQICAHh...\n${t}`,
        "this stack's secrets use the `awskms` secrets provider, not a passphrase; set the secret with `pulumi config set --secret travel-planner:serpapiKey`",
      ],
      ["Vault", (t) => `secretsprovider: hashivault://trestle\n${t}`, "this stack's secrets use the `hashivault` secrets provider"],
      [
        "Pulumi Cloud's own secrets (secure values, no salt)",
        (t) => t.replace(/^encryptionsalt:.*\n/m, ""),
        "its secrets were encrypted without a passphrase salt (Pulumi Cloud's own secrets, most likely)",
      ],
      [
        "a stack file nested 20,000 deep",
        (t) => `${t}\nextra: ${"[".repeat(20000)}${"]".repeat(20000)}\n`,
        "Pulumi.staging.yaml: not YAML Trestle can write",
      ],
      ["a stack file that is not YAML", () => "config: [unclosed\n", "not YAML Trestle can write"],
    ])("refuses %s with one line and exit 2, changing nothing", (_label, edit, message) => {
      const dir = projectCopy();
      const file = path.join(dir, "Pulumi.staging.yaml");
      writeFileSync(file, edit(readFileSync(file, "utf8")));
      const before = readFileSync(file, "utf8");
      const result = trestle(["secret", "set", "serpapiKey", "--stack", "staging"], {
        cwd: dir,
        input: "value",
        env: { PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders" },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(readFileSync(file, "utf8")).toBe(before);
    });

    it("sets another namespace's credential, such as a provider's token", () => {
      const dir = projectCopy();
      const result = trestle(["secret", "set", "vercel:apiToken", "--stack", "staging"], {
        cwd: dir,
        input: "vercel-token-value",
        env: { PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders" },
      });
      expect(result.stdout.trim()).toBe("set vercel:apiToken (encrypted) in Pulumi.staging.yaml");
      const doc = parse(readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")) as {
        encryptionsalt: string;
        config: Record<string, { secure: string }>;
      };
      expect(decryptValue("trestle-placeholders", doc.encryptionsalt, doc.config["vercel:apiToken"].secure)).toBe("vercel-token-value");
    });
  });

  describe("diff", () => {
    it("outside a git repository ends with one line and exit 2, saying what to do", () => {
      const dir = tempDir();
      for (const file of ["Pulumi.yaml", "Pulumi.staging.yaml"]) cpSync(path.join(ROOT, file), path.join(dir, file));
      const result = trestle(["diff", "--stack", "staging", "--base", "origin/main"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `--base: ${dir} is not in a git repository; a diff compares against a commit (run \`git init\` and commit, or run \`trestle synth\` for the stack alone)`,
      );
    });

    it("prints its own usage, and needs --base", () => {
      expect(trestle(["diff", "--help"]).stdout).toMatch(/^usage: trestle diff --stack <name> --base <git-ref>/);
      const missing = trestle(["diff", "--stack", "staging"]);
      expect([missing.code, missing.stderr.split("\n")[0]]).toEqual([
        2,
        "--base is required: the commit to compare with, e.g. `origin/main`",
      ]);
    });
  });

  it("init into a path that is a file ends with one line and exit 2", () => {
    const dir = tempDir();
    const file = path.join(dir, "taken");
    writeFileSync(file, "x");
    const result = trestle(["init", path.join(file, "app"), "--name", "app"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  describe("preview and up", () => {
    /** A `pulumi` on PATH that records how it was called. */
    function fakePulumi(): { bin: string; calls: string } {
      const bin = tempDir();
      const calls = path.join(bin, "calls.txt");
      writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$PWD|$*" >> "${calls}"\n`);
      chmodSync(path.join(bin, "pulumi"), 0o755);
      return { bin, calls };
    }

    it.each(["preview", "up"])("%s runs Pulumi with the project's policy pack and its config", (command) => {
      const { bin, calls } = fakePulumi();
      const result = trestle([command, "--stack", "prod", "--", "--diff"], { env: { PATH: `${bin}:${process.env.PATH}` } });
      expect(result.code).toBe(0);
      expect(readFileSync(calls, "utf8").trim()).toBe(
        `${ROOT}|${command} --stack prod --policy-pack ${ROOT}/policies --policy-pack-config ${ROOT}/policies/config.json --diff`,
      );
    });

    it("uses the repository's pack for a project without its own (an example)", () => {
      const { bin, calls } = fakePulumi();
      const example = path.join(ROOT, "examples", "004-godo");
      expect(trestle(["up", "--stack", "prod"], { cwd: example, env: { PATH: `${bin}:${process.env.PATH}` } }).code).toBe(0);
      expect(readFileSync(calls, "utf8").trim()).toBe(
        `${example}|up --stack prod --policy-pack ${ROOT}/policies --policy-pack-config ${ROOT}/policies/config.json`,
      );
    });

    it("says how to install Pulumi when it is not on PATH", () => {
      const result = trestle(["preview", "--stack", "prod"], { env: { PATH: path.dirname(process.execPath) } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("the Pulumi CLI is not on PATH");
    });

    it("refuses a project without a policy pack", () => {
      const dir = projectCopy();
      const result = trestle(["up", "--stack", "staging"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("policies: no policy pack here");
    });
  });

  describe("init", () => {
    it("writes a project with a name of its own, its secrets declared, and a pack", () => {
      const dir = path.join(tempDir(), "shop");
      const result = trestle(["init", dir, "--name", "acme-shop", "--from", "godo"]);
      expect(result.code).toBe(0);
      const project = parse(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name: string; runtime: { name: string } };
      expect(project).toMatchObject({ name: "acme-shop", runtime: { name: "nodejs" } });
      expect(readFileSync(path.join(dir, "index.ts"), "utf8")).toContain("export = trestleStack();");
      expect(readFileSync(path.join(dir, "policies", "index.ts"), "utf8")).toContain('new TrestlePolicies("trestle")');
      expect(existsSync(path.join(dir, "policies", "PulumiPolicy.yaml"))).toBe(true);
      const staging = parse(readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> };
      expect(staging.config["trestle:railway"]).toEqual({ project: "acme-shop-staging", environment: "staging" });
      expect(staging.config["trestle:production"]).toBe(false);
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(["@trestle/components", "@trestle/policies"]));
    });

    it("declares and placeholders the secrets its stacks reference", () => {
      const dir = path.join(tempDir(), "threadr");
      expect(trestle(["init", dir, "--from", "threadr"], { env: { PULUMI_CONFIG_PASSPHRASE: "p" } }).code).toBe(0);
      const project = parse(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config: Record<string, { secret: boolean }>;
      };
      expect(project.name).toBe("threadr");
      expect(Object.keys(project.config).sort()).toEqual(["openaiApiKey", "stripeSecretKey", "stripeWebhookSecret"]);
      const prod = parse(readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8")) as {
        encryptionsalt: string;
        config: Record<string, { secure: string }>;
      };
      expect(decryptValue("p", prod.encryptionsalt, prod.config["threadr:openaiApiKey"].secure)).toBe("placeholder-openaiApiKey-prod");
    });

    it.each([
      [["init"], "give the directory to create"],
      [
        ["init", "x", "--from", "wordpress"],
        "--from: no example `wordpress`; the examples are `travel`, `pilot-handbook`, `threadr`, `gayed-signals`, `godo`",
      ],
      [["init", "x", "--name", "trestle"], "--name: `trestle` is the namespace of Trestle's own settings"],
      [["init", "x", "--name", "no spaces"], "--name: `no spaces` is not a Pulumi project name"],
    ])("refuses %j with exit 2", (args, message) => {
      const cwd = tempDir();
      const result = trestle(args, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });

    it("refuses a directory that is not empty", () => {
      const dir = tempDir();
      mkdirSync(path.join(dir, "app"));
      writeFileSync(path.join(dir, "app", "notes.txt"), "mine");
      const result = trestle(["init", path.join(dir, "app")]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("exists and is not empty");
    });

    it("makes a project that synthesizes clean", () => {
      const dir = path.join(tempDir(), "starter");
      expect(trestle(["init", dir]).code).toBe(0);
      symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
      const synth = trestle(["synth", "--stack", "staging"], { cwd: dir });
      expect(synth.stdout).toContain("✓ staging: ");
      expect(synth.code).toBe(0);
    });
  });
});

describe("trestle preview-env", () => {
  it("writes a pull request's stack from staging: its own project and environment, the branch deployed, no production settings, staging's secrets kept", () => {
    const dir = projectCopy();
    const result = trestle(["preview-env", "--pr", "42", "--branch", "feature/search", "--scope", "acme"], { cwd: dir });
    expect(result.stdout.trim()).toBe("wrote Pulumi.pr-42.yaml: the preview of pull request #42");
    const staging = parse(readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8")) as {
      encryptionsalt: string;
      config: Record<string, any>;
    };
    const pr = parse(readFileSync(path.join(dir, "Pulumi.pr-42.yaml"), "utf8")) as { encryptionsalt: string; config: Record<string, any> };
    expect(pr.config["trestle:railway"]).toEqual({ project: "travel-backend-staging-pr-42", environment: "pr-42" });
    expect(pr.config["trestle:preview"]).toEqual({ pullRequest: 42, branch: "feature/search", baseStack: "staging", scope: "acme" });
    expect(pr.config["trestle:production"]).toBe(false);
    expect(pr.config["trestle:protect"]).toBe(false);
    for (const service of Object.values(pr.config["trestle:services"]) as {
      source: { branch?: string; repo?: string };
      domains?: unknown;
    }[]) {
      if (service.source.repo) expect(service.source.branch).toBe("feature/search");
      expect(service.domains).toBeUndefined();
    }
    expect(pr.encryptionsalt).toBe(staging.encryptionsalt);
    expect(pr.config["travel-planner:serpapiKey"]).toEqual(staging.config["travel-planner:serpapiKey"]);
  });

  it("drops every database's backups, the named ones' too: preview data is throwaway", () => {
    const dir = projectCopy();
    writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      "config:\n  trestle:railway: { project: shop-staging, environment: staging }\n  trestle:postgres: { backups: [daily] }\n  trestle:databases:\n    broker: { redis: { use: queue, persistence: { enabled: true }, backups: [daily, weekly] } }\n",
    );
    expect(trestle(["preview-env", "--pr", "3", "--branch", "fix"], { cwd: dir }).code).toBe(0);
    const pr = parse(readFileSync(path.join(dir, "Pulumi.pr-3.yaml"), "utf8")) as { config: Record<string, any> };
    expect(pr.config["trestle:postgres"]).toEqual({});
    expect(pr.config["trestle:databases"].broker.redis).toEqual({ use: "queue", persistence: { enabled: true } });
  });

  it("writes a stack that synthesizes clean, with CORS for exactly the branch's preview", () => {
    const dir = tempDir();
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    for (const file of ["Pulumi.yaml", "Pulumi.staging.yaml", "index.ts", "tsconfig.json", "tsconfig.base.json"])
      cpSync(path.join(ROOT, file), path.join(dir, file));
    expect(trestle(["preview-env", "--pr", "42", "--branch", "feature/search", "--scope", "acme"], { cwd: dir }).code).toBe(0);
    const synth = trestle(["synth", "--stack", "pr-42"], { cwd: dir });
    expect(synth.stdout).toContain("✓ pr-42: ");
    const json = JSON.parse(readFileSync(path.join(dir, ".trestle", "synth", "pr-42.json"), "utf8")) as {
      resources: { name: string; inputs: { variables?: Record<string, string> } }[];
    };
    expect(json.resources.find((r) => r.name === "api-vars")!.inputs.variables!.ALLOWED_ORIGINS).toBe(
      "https://travel-web-staging-git-feature-search-acme.vercel.app",
    );
  });

  it.each([
    [["preview-env", "--branch", "x"], "--pr: give the pull request's number"],
    [["preview-env", "--pr", "7"], "--branch: give the pull request's branch"],
    [["preview-env", "--pr", "7", "--branch", "x", "--from", "qa"], "Pulumi.qa.yaml: no such stack file"],
    [["preview-env", "--pr", "seven", "--branch", "x"], "--pr: give the pull request's number"],
    [
      ["preview-env", "--pr", "7", "--branch", "x"],
      "--scope: `staging`'s frontend is on Vercel, and its branch preview's origin is built from the team's slug; give --scope <vercel team slug> (or --origin <preview origin>)",
    ],
    [
      ["preview-env", "--pr", "7", "--branch", "x", "--from", "prod"],
      "--from: `prod` is a production stack (`trestle:production: true`); a preview never copies production's secrets or settings: start from staging",
    ],
  ])("refuses %j with exit 2", (args, message) => {
    const dir = projectCopy();
    cpSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
    const result = trestle(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("the repository's projects", () => {
  it("each have a name of their own, so no two share a stack's state", () => {
    const files = [
      "Pulumi.yaml",
      ...["000-travel", "001-pilot-handbook", "002-threadr", "003-gayed-signals", "004-godo"].map((e) => `examples/${e}/Pulumi.yaml`),
    ];
    const names = files.map((f) => (parse(readFileSync(path.join(ROOT, f), "utf8")) as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("trestle");
  });
});
