// The offline synth as a user runs it: `npm run synth -- …` (ts-node, like the
// Pulumi CLI), its files, its exit codes, and its diff between two commits.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../root";

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trestle-synth-test-"));
  temp.push(dir);
  return dir;
}

function synth(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(cwd, "packages/cli/src/synth/cli.ts"), ...args],
    {
      cwd,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(cwd, "tsconfig.json") },
    },
  );
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** A stack file next to the project's Pulumi.yaml copy, so it is a project of its own. */
function stackFile(dir: string, name: string, body: string): string {
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: trestle\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

describe("npm run synth", () => {
  it("synthesizes the staging stack offline: JSON, a markdown report with a diagram, no secret", () => {
    const out = tempDir();
    const result = synth(["--stack", "staging", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✓ staging: 34 resources, policies 0 mandatory / 0 advisory");
    expect(result.stderr).toContain("synth staging: running the program for Pulumi.staging.yaml under the mock runtime");
    const json = JSON.parse(readFileSync(path.join(out, "staging.json"), "utf8"));
    expect(json).toMatchObject({
      format: 1,
      project: "travel-planner",
      stack: "staging",
      config: "Pulumi.staging.yaml",
      configErrors: [],
      policies: { mandatory: 0, advisory: 0 },
    });
    expect(json.resources).toHaveLength(34);
    const api = json.resources.find((r: { name: string; type: string }) => r.name === "api-vars");
    expect(api.inputs.serviceId).toBe("«computed:api.serviceId»");
    expect(api.inputs.secretVariables).toEqual({ secret: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(api.inputs.variables.DATABASE_URL).toBe("${{Postgres.DATABASE_URL}}");
    expect(json.outputs.apiUrl).toBe("«computed:api-domain.url»");
    // Where each secret went, by name.
    expect(json.secretVariables).toEqual(
      expect.arrayContaining([
        {
          owner: "api",
          platform: "railway",
          names: ["AMADEUS_CLIENT_ID", "AMADEUS_CLIENT_SECRET", "CLOUDINARY_API_KEY", "CLOUDINARY_API_SECRET", "SECRET_KEY", "SERPAPI_KEY"],
        },
        { owner: "frontend", platform: "vercel", names: ["EDGE_CONFIG"] },
      ]),
    );
    const markdown = readFileSync(path.join(out, "staging.md"), "utf8");
    expect(markdown).toContain("| frontend | Vercel | `EDGE_CONFIG` |");
    expect(markdown).toContain("```mermaid\nflowchart LR");
    expect(markdown).toContain('n_frontend -->|"API (HTTPS)"| n_api');
    expect(markdown).toContain("No policy violations.");
    // What a reviewer checks, without reading the JSON: sources, start commands, replicas, CORS, the API URL, database settings and backups.
    expect(markdown).toContain("## What it deploys");
    expect(markdown).toMatch(
      /\| api \| `acme\/travel-planner`@develop \/backend \| .*uvicorn.* \| 1 \|  \| \/health \| \*\.up\.railway\.app \|/,
    );
    expect(markdown).toMatch(/\| api \| https:\/\/\S+ .*\| «computed:api-domain\.url» \|/);
    expect(markdown).toContain("| postgres | Postgres | version 16 | none |");
    for (const text of [JSON.stringify(json), markdown, result.stdout]) {
      expect(text).not.toMatch(/\[secret [a-z-]+:|placeholder-|generated-[0-9a-f]/);
    }
  });

  it("prints the JSON with --json", () => {
    const result = synth(["--stack", "prod", "--out", tempDir(), "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).stack).toBe("prod");
  });

  it("exits 2 with every config problem for an invalid stack", () => {
    const dir = tempDir();
    const file = stackFile(
      dir,
      "broken",
      [
        "config:",
        "  trestle:railway: { project: p }",
        "  trestle:servics: {}",
        "  trestle:services:",
        "    api: { source: { repo: acme/api, image: nginx }, secrets: { KEY: apiKey } }",
        "  trestle:apiKey: not-encrypted",
        "",
      ].join("\n"),
    );
    const result = synth(["--stack", "broken", "--config", file, "--out", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("✗ broken: invalid configuration");
    expect(result.stdout).toContain("  - services.api.source: give exactly one of `repo`, `image` or `build`, not `repo` and `image`");
    expect(result.stdout).toContain("  - servics: unknown key `trestle:servics`; did you mean `services`?");
    expect(result.stdout).toContain(
      "  - services.api.secrets.KEY: the stack secret `apiKey` is stored in plain text; run `trestle secret set apiKey --stack broken` to encrypt it (the value from standard input or a prompt)",
    );
  });

  it("exits 1 on a mandatory policy violation", () => {
    const dir = tempDir();
    const file = stackFile(
      dir,
      "prod",
      [
        "config:",
        "  trestle:railway: { project: p }",
        "  trestle:services:",
        "    worker: { source: { repo: acme/api } }",
        "  trestle:postgres: { public: true }",
        "",
      ].join("\n"),
    );
    const result = synth(["--stack", "prod", "--config", file, "--out", tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ prod: ");
    expect(result.stdout).toContain(
      [
        "  ✗ database-tcp-proxy: Postgres: the production postgres is reachable from the internet through a TCP proxy",
        "      in Pulumi.prod.yaml: trestle:postgres",
        "      fix: ",
      ].join("\n"),
    );
  });

  it.each<[string[], string]>([
    [[], "--stack is required"],
    [["--stack", "prod", "--frobnicate"], "unknown argument `--frobnicate`"],
    [["--stack", "prod", "--config", "/no/such/file.yaml"], "--config: /no/such/file.yaml does not exist"],
    [["--stack", "p r o d"], "--stack: `p r o d` is not a stack name"],
  ])("exits 2 on bad arguments %j", (args, message) => {
    const result = synth(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("diffs a stack between two commits: added, changed, replaced, secrets only as changed", () => {
    // A repository of this project's files (without node_modules) with one commit.
    const repo = tempDir();
    for (const entry of [
      "Pulumi.yaml",
      "Pulumi.staging.yaml",
      "index.ts",
      "packages",
      "policies",
      "tsconfig.json",
      "tsconfig.base.json",
      "package.json",
    ]) {
      cpSync(path.join(ROOT, entry), path.join(repo, entry), { recursive: true, filter: (src) => !src.includes("node_modules") });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: repo });
    git("init", "-q");
    writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
    git("add", "-A");
    git("commit", "-qm", "base");

    const stack = path.join(repo, "Pulumi.staging.yaml");
    let text = readFileSync(stack, "utf8");
    text = text.replace("LOG_LEVEL: debug", "LOG_LEVEL: info");
    text = text.replace(
      "project: travel-backend-staging\n    environment: staging",
      "project: travel-backend-staging\n    environment: qa",
    );
    text = text.replace(
      "    name: travel-web\n    framework: nextjs",
      "    name: travel-web\n    framework: nextjs\n    domains: [staging.travel.example.com]",
    );
    writeFileSync(stack, text);

    const out = tempDir();
    const result = synth(["--stack", "staging", "--diff-base", "HEAD", "--out", out], repo);
    expect(result.stderr).toContain("synth staging: synthesizing HEAD");
    expect(result.code).toBe(0);
    const diff = result.stdout;
    // The new environment replaces everything scoped to it; the project stays.
    expect(diff).toMatch(/^### `staging`: 1 to add, \d+ to change, \d+ to replace, 0 to delete \(against `HEAD`\)/);
    expect(diff).toContain("| ± | api | `railway:Service` | `environmentId`: known after environment is replaced |");
    expect(diff).not.toContain("| ± | project |");
    expect(diff).toContain("| + | frontend-domain-0 | `vercel:ProjectDomain` |  |");
    expect(diff).toContain("| ± | environment | `railway:Environment` | `name`: `staging` → `qa` |");
    // At the top, before the table: what the change would delete, and that `pulumi up` refuses it without the opt-in.
    const lost = diff.slice(diff.indexOf("**⚠ Destroys data:**"), diff.indexOf("| | resource |"));
    expect(lost).toContain(
      "- environment (`railway:Environment`) is replaced (a new, empty one); refused by `pulumi up`: refused: replacing the Railway environment `staging`",
    );
    expect(lost).toContain("add `environment` to `trestle:allowReplace` for this one update");
    expect(lost).toMatch(/- postgres \(`railway:Service`\) is replaced .*refused/);
    expect(lost).toMatch(/- postgres-data \(`railway:Volume`\) is replaced .*refused/);
    expect(diff).toContain("`variables.LOG_LEVEL`: `debug` → `info`");
    expect(diff).toContain("`variables.ALLOWED_ORIGINS`: `https://travel-web-staging.vercel.app` → `https://staging.travel.example.com`");
    expect(diff).toMatch(/\| ± \| api-deploy \| `railway:Deployment` \| .*`triggers`: changed \(secret\) \|/);
    expect(diff).toContain("Policies at this commit: 0 mandatory, 0 advisory.");
    expect(diff).not.toMatch(/placeholder-|generated-[0-9a-f]/);
    expect(existsSync(path.join(out, "staging.diff.md"))).toBe(true);
  });

  it("says at the top of the report what `trestle:allowReplace` lets the next update replace", () => {
    const dir = tempDir();
    const body = [
      "config:",
      "  trestle:railway: { project: replace-me, environment: staging }",
      "  trestle:allowReplace: [postgres]",
      "  trestle:services:",
      "    api: { source: { image: ghcr.io/acme/api:1 }, start: node server.js, connects: [postgres] }",
      "  trestle:postgres: {}",
      "",
    ].join("\n");
    const result = synth(["--stack", "staging", "--config", stackFile(dir, "staging", body), "--out", dir]);
    expect(result.code).toBe(0);
    const markdown = readFileSync(path.join(dir, "staging.md"), "utf8");
    const top = markdown.slice(0, markdown.indexOf("## Policies"));
    expect(top).toContain("## ⚠ Destroys data if replaced");
    expect(top).toContain(
      "lets the next `pulumi up` replace postgres (`railway:Service`), postgres-data (`railway:Volume`): a replacement deletes what it holds",
    );
  });

  it("refuses production data without backups, and lists a written waiver in the report instead", () => {
    const dir = tempDir();
    const body = (waiver: string) =>
      [
        "config:",
        "  trestle:railway: { project: backups, environment: production }",
        "  trestle:services:",
        "    api: { source: { image: ghcr.io/acme/api:1 }, start: node server.js, connects: [postgres] }",
        `  trestle:postgres: { backups: []${waiver} }`,
        "",
      ].join("\n");
    const refused = synth(["--stack", "prod", "--config", stackFile(dir, "prod", body("")), "--out", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      "`postgres-data` holds production data and has no backup schedule; remove `backups: []` from `trestle:postgres`",
    );
    const waived = synth([
      "--stack",
      "prod",
      "--config",
      stackFile(dir, "prod", body(", backupsWaiver: rebuilt nightly from the warehouse export")),
      "--out",
      dir,
    ]);
    expect(waived.code).toBe(0);
    const markdown = readFileSync(path.join(dir, "prod.md"), "utf8");
    expect(markdown).toContain("## Waivers");
    expect(markdown).toContain("| postgres | production backups (`production-data-backups`) | rebuilt nightly from the warehouse export |");
  });

  it("synthesizes a stack whose secrets come from an imported ESC environment, and says what it could not see", () => {
    const dir = tempDir();
    const body = (environment: string, railway = "  trestle:railway: { project: esc-app, environment: staging }\n") =>
      [
        environment,
        "config:",
        railway.trimEnd(),
        "  trestle:services:",
        "    api:",
        "      source: { repo: acme/api }",
        "      start: node server.js",
        "      secrets: { API_KEY: apiKey }",
        "",
      ]
        .filter((l) => l !== "")
        .join("\n") + "\n";
    const imported = synth([
      "--stack",
      "staging",
      "--config",
      stackFile(dir, "staging", body("environment:\n  - acme/staging")),
      "--out",
      dir,
      "--json",
    ]);
    expect(imported.code).toBe(0);
    const json = JSON.parse(imported.stdout);
    expect(json.environments).toEqual({ imports: ["acme/staging"], assumedSecrets: ["apiKey"] });
    expect(json.secretVariables).toEqual([{ owner: "api", platform: "railway", names: ["API_KEY"] }]);
    const markdown = readFileSync(path.join(dir, "staging.md"), "utf8");
    expect(markdown).toContain(
      "ESC: imports `acme/staging`, not opened offline (`pulumi preview` opens it); stack secrets taken to come from it, as placeholders: `apiKey`.",
    );

    // Without the import, the same secret is simply not set.
    const plain = synth(["--stack", "staging", "--config", stackFile(dir, "staging", body("")), "--out", dir]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toContain("the stack secret `apiKey` is not set");

    // A setting only the environment provides reads as missing, and the error says why it may be.
    const missing = synth([
      "--stack",
      "staging",
      "--config",
      stackFile(dir, "staging", body("environment:\n  - acme/staging", "")),
      "--out",
      dir,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("railway: required");
    expect(missing.stdout).toContain(
      "environment: Pulumi.staging.yaml imports the ESC environment(s) `acme/staging`, which the offline synth cannot open; a setting only they provide reads as missing above",
    );

    // A file of imports alone is read as an empty config, and says where the settings would be.
    const importsOnly = synth([
      "--stack",
      "staging",
      "--config",
      stackFile(dir, "staging", "environment:\n  - acme/staging\n"),
      "--out",
      dir,
    ]);
    expect(importsOnly.code).toBe(2);
    expect(importsOnly.stdout).toContain("railway: required");
    expect(importsOnly.stdout).toContain("imports the ESC environment(s) `acme/staging`, which the offline synth cannot open");

    const malformed = synth(["--stack", "staging", "--config", stackFile(dir, "staging", body("environment: acme/staging")), "--out", dir]);
    expect(malformed.code).toBe(2);
    expect(malformed.stdout + malformed.stderr).toContain("`environment:` is a list of ESC environment names");
  });

  it("exits 2 when the diff base does not exist", () => {
    const result = synth(["--stack", "staging", "--diff-base", "no-such-ref-123", "--out", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--diff-base: `no-such-ref-123` is not a commit in this repository");
  });

  it("never passes a --diff-base to git as an option", () => {
    const marker = path.join(tempDir(), "written-by-git");
    const result = synth(["--stack", "staging", `--diff-base=--output=${marker}`, "--out", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--diff-base: `--output=");
    expect(existsSync(marker)).toBe(false);
  });

  it("takes --flag=value, prints usage for --help, and refuses an --out it cannot create", () => {
    const out = tempDir();
    expect(synth(["--stack=staging", `--out=${out}`, "--quiet"]).code).toBe(0);
    expect(existsSync(path.join(out, "staging.json"))).toBe(true);
    const help = synth(["--help"]);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining("usage: trestle synth --stack <name>")]);
    const blocked = synth(["--stack", "staging", "--out", "/dev/null/reports"]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain("--out: cannot write reports to /dev/null/reports (ENOTDIR)");
  });

  it("refuses a malformed stack file with exit 2 and where the problem is, never a stack trace", () => {
    const file = stackFile(tempDir(), "bad", "config:\n\ttrestle:production: true\n");
    const result = synth(["--stack", "bad", "--config", file, "--out", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/Pulumi\.bad\.yaml:2:1: Tabs are not allowed as indentation/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });

  it("refuses a device as --config instead of reading it forever", () => {
    const result = synth(["--stack", "prod", "--config", "/dev/zero"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--config: /dev/zero is not a regular file");
  });
});
