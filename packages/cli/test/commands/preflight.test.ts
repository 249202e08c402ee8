// `trestle preflight`: read-only questions to the API the token reaches, before
// a first `up` (PRE-1 to PRE-6). The emulator answers them as Railway would,
// including a repository Railway's GitHub app cannot see.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PreflightCheck } from "../../../railway/src/preflight";
import { RailwayEmulator } from "../../../railway/src/testing";
import { ROOT } from "../root";

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

let emulator: RailwayEmulator;
beforeEach(async () => {
  emulator = await RailwayEmulator.start();
  emulator.github = { "acme/travel-planner": ["main", "develop"] };
});
afterEach(() => emulator.stop());

/** Runs the CLI without blocking this process, where the emulator answers. */
function preflight(
  args: string[],
  env: Record<string, string | undefined> = { RAILWAY_API_TOKEN: emulator.token },
): Promise<{ code: number; stdout: string; stderr: string; checks: PreflightCheck[] }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(ROOT, "packages/cli/src/bin.ts"), "preflight", ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          RAILWAY_API_TOKEN: undefined,
          RAILWAY_TOKEN: undefined,
          TRESTLE_RAILWAY_ENDPOINT: emulator.url,
          TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"),
          ...env,
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      let checks: PreflightCheck[] = [];
      try {
        checks = (JSON.parse(stdout) as { checks: PreflightCheck[] }).checks;
      } catch {
        // Not JSON: the text report, or an error.
      }
      resolve({ code: code ?? -1, stdout, stderr, checks });
    });
  });
}

const statusOf = (checks: PreflightCheck[], check: string) => checks.find((c) => c.check === check);

/** A stack of its own over the root program. */
function stackFile(name: string, body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trestle-preflight-test-"));
  temp.push(dir);
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: preflight-test\nmain: ${path.relative(dir, ROOT)}\nruntime: nodejs\n`);
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

/** A staging stack of one image service `api` on port 8000, with these settings of its own. */
const apiStack = (settings: string[]) =>
  stackFile(
    "staging",
    [
      "config:",
      "  trestle:railway: { project: preflight-test, environment: staging }",
      "  trestle:services:",
      "    api:",
      "      source: { image: ghcr.io/acme/api:1 }",
      "      port: 8000",
      ...settings.map((line) => `      ${line}`),
      "",
    ].join("\n"),
  );

describe("trestle preflight --stack <s>", () => {
  it("passes prod against an account Railway's GitHub app can deploy from, reading only (exit 0)", async () => {
    const run = await preflight(["--stack", "prod", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.checks.map((c) => [c.check, c.status])).toEqual([
      ["token", "pass"],
      ["workspace", "pass"],
      ["plan", "pass"],
      ["github acme/travel-planner@main", "pass"],
      ["custom domains", "pass"],
      ["volumes", "pass"],
      ["backups", "unverified"],
      ["names", "pass"],
    ]);
    expect(emulator.requests.filter((r) => r.kind === "mutation")).toEqual([]);
  });

  it("fails a repository the GitHub app cannot see, saying how to grant it (exit 1)", async () => {
    emulator.github = { "acme/other": ["main"] };
    const run = await preflight(["--stack", "prod", "--json"]);
    expect(run.code).toBe(1);
    const github = statusOf(run.checks, "github acme/travel-planner@main")!;
    expect(github.status).toBe("fail");
    expect(github.detail).toMatch(/Railway's GitHub app.*acme\/travel-planner/);
  });

  it("fails a branch the repository does not have (exit 1)", async () => {
    emulator.github = { "acme/travel-planner": ["main"] };
    const run = await preflight(["--stack", "staging", "--json"]);
    expect(run.code).toBe(1);
    expect(statusOf(run.checks, "github acme/travel-planner@develop")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("no branch `develop`"),
    });
  });

  it("fails a token that reaches several workspaces when the stack names none, listing them (exit 1)", async () => {
    emulator.workspaces.push({ id: "ws-team", name: "Acme", plan: "PRO" });
    const run = await preflight(["--stack", "prod", "--json"]);
    expect(run.code).toBe(1);
    const workspace = statusOf(run.checks, "workspace")!;
    expect(workspace.status).toBe("fail");
    expect(workspace.detail).toContain("trestle:railway.workspaceId");
    expect(workspace.detail).toContain("Acme (ws-team)");
  });

  it("fails a workspace on a smaller plan than the stack was sized for (exit 1)", async () => {
    emulator.workspaces[0].plan = "FREE";
    const run = await preflight(["--stack", "prod", "--json"]);
    expect(run.code).toBe(1);
    expect(statusOf(run.checks, "plan")).toMatchObject({ status: "fail", detail: expect.stringContaining("railwayPlan: free") });
  });

  it("fails a token Railway refuses, and checks nothing else (exit 1)", async () => {
    const run = await preflight(["--stack", "prod", "--json"], { RAILWAY_API_TOKEN: "not-a-token" });
    expect(run.code).toBe(1);
    expect(run.checks.map((c) => [c.check, c.status])).toEqual([["token", "fail"]]);
    expect(run.stdout).not.toContain("not-a-token");
  });

  it("fails a project token for a stack that creates its project (exit 1)", async () => {
    emulator.projectTokenScope = { projectId: "p-1", environmentId: "e-1" };
    const run = await preflight(["--stack", "prod", "--json"], { RAILWAY_TOKEN: emulator.projectToken });
    expect(run.code).toBe(1);
    expect(statusOf(run.checks, "token")).toMatchObject({ status: "fail", detail: expect.stringContaining("cannot create a project") });
  });

  it("warns of a project of the same name the stack cannot prove its own", async () => {
    emulator.state.projects.set("p-x", {
      id: "p-x",
      name: "travel-backend",
      description: "[trestle:travel-planner/prod]",
      workspaceId: emulator.workspaceId,
      createdAt: new Date().toISOString(),
    });
    const run = await preflight(["--stack", "prod", "--json"]);
    expect(run.code).toBe(0);
    expect(statusOf(run.checks, "names")).toMatchObject({ status: "warn", detail: expect.stringContaining("p-x") });
  });

  it("fails more custom domains on a service than Hobby allows (exit 1)", async () => {
    const file = apiStack(["domains: [a.example.com, b.example.com, c.example.com]"]);
    const run = await preflight(["--stack", "staging", "--config", file, "--json"]);
    expect(run.code).toBe(1);
    expect(statusOf(run.checks, "custom domains")).toMatchObject({ status: "fail", detail: expect.stringContaining("api has 3") });
  });

  it("says when a chosen Railway subdomain is already taken (PRE-6, DOM-3)", async () => {
    const file = apiStack(["public: true", "subdomain: acme-api"]);
    const free = await preflight(["--stack", "staging", "--config", file, "--json"]);
    expect(statusOf(free.checks, "domain acme-api.up.railway.app")).toMatchObject({ status: "pass" });
    emulator.state.domains.set("d-1", {
      id: "d-1",
      projectId: "p",
      environmentId: "e",
      serviceId: "s",
      kind: "service",
      domain: "acme-api.up.railway.app",
    } as never);
    const taken = await preflight(["--stack", "staging", "--config", file, "--json"]);
    expect(statusOf(taken.checks, "domain acme-api.up.railway.app")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("choose another `subdomain`"),
    });
  });

  it("needs a token, and says how to rehearse without one (exit 2)", async () => {
    const run = await preflight(["--stack", "prod"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("RAILWAY_API_TOKEN");
    expect(run.stderr).toContain("trestle rehearse --stack prod");
  });
});
