// The GitHub workflows, read as data: what runs when, with which secrets.
// (They run on GitHub; this checks their wiring, and that they stay parseable.)
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const DIR = path.join(ROOT, ".github", "workflows");
const load = (name: string) => parse(readFileSync(path.join(DIR, name), "utf8"));

describe("GitHub workflows", () => {
  it("all parse, and no job gets write access it does not need", () => {
    for (const file of readdirSync(DIR)) {
      const workflow = load(file);
      expect(workflow.name, file).toBeTruthy();
      expect(workflow.permissions, file).toBeDefined();
    }
  });

  it("runs tests and the offline synth on every pull request, forks included, with no secret", () => {
    const pr = load("pull-request.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(pr.permissions).toEqual({ contents: "read" });
    expect(pr.jobs.tests.uses).toBe("./.github/workflows/tests.yml");
    const synth = JSON.stringify(pr.jobs.synth);
    expect(synth).not.toContain("secrets.");
    expect(synth).toContain('npm run --silent synth -- --stack \\"$stack\\" --diff-base \\"origin/${BASE_REF}\\"');
    expect(synth).toContain("examples/*/Pulumi.*.yaml");
    expect(synth).toContain("bash scripts/rehearse-all.sh");
    // And what the pull request's own environment would deploy, offline.
    expect(synth).toContain('npx trestle preview-env --pr \\"${PR_NUMBER}\\" --branch \\"${HEAD_REF}\\"');
  });

  it("previews for real only for branches of this repository, with the policy pack, commenting on the PR", () => {
    const preview = load("pull-request.yml").jobs.preview;
    expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const step = preview.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({
      command: "preview",
      diff: true,
      policyPacks: "policies",
      policyPackConfigs: "policies/config.json",
      "comment-on-pr": true,
    });
    // The pull request's code runs with the preview environment's credentials, and never previews prod.
    expect(preview.environment).toBe("preview");
    expect(preview.strategy.matrix.stack).toEqual(["staging"]);
  });

  it("never hands production's credentials to a pull request's code", () => {
    for (const file of ["pull-request.yml", "pr-environment.yml"]) {
      const workflow = load(file);
      // No workflow-wide secrets: each job that runs the branch's code names the preview environment.
      expect(JSON.stringify(workflow.env ?? {}), file).not.toContain("secrets.");
      for (const [name, job] of Object.entries(workflow.jobs as Record<string, { environment?: string; uses?: string }>)) {
        if (JSON.stringify(job).includes("secrets.") && !job.uses) expect(job.environment, `${file} ${name}`).toBe("preview");
      }
    }
  });

  it("gives each pull request of this repository an environment of its own, and tears it down when it closes", () => {
    const workflow = load("pr-environment.yml");
    expect(workflow.on.pull_request.types).toEqual(["opened", "synchronize", "reopened", "closed"]);
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    expect(workflow.jobs.deploy.if).toBe(`github.event.action != 'closed' && ${sameRepo}`);
    expect(workflow.jobs.teardown.if).toBe(`github.event.action == 'closed' && ${sameRepo}`);
    const deploy = workflow.jobs.deploy.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(deploy).toContain('npx trestle preview-env --pr "$PR" --branch "$BRANCH" --scope "$VERCEL_SCOPE"');
    expect(deploy).toContain('npx trestle rehearse --stack "pr-$PR"');
    // The action makes the stack on the first run and removes it with the pull request.
    const action = (job: { steps: { uses?: string; with?: Record<string, unknown> }[] }) =>
      job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!.with;
    expect(action(workflow.jobs.deploy)).toMatchObject({
      command: "up",
      upsert: true,
      policyPacks: "policies",
      policyPackConfigs: "policies/config.json",
    });
    expect(action(workflow.jobs.deploy)?.["stack-name"]).toBe("pr-${{ github.event.pull_request.number }}");
    expect(action(workflow.jobs.teardown)).toMatchObject({
      command: "destroy",
      upsert: true,
      remove: true,
      "stack-name": "pr-${{ github.event.pull_request.number }}",
    });
    // The branch name reaches the shell as a variable, never spliced into the script.
    expect(JSON.stringify(workflow.jobs)).not.toContain("github.head_ref");
    expect(workflow.env.BRANCH).toBe("${{ github.head_ref }}");
    expect(workflow.concurrency).toEqual({ group: "pr-environment-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
  });

  it("posts the synth diff from a privileged workflow that never runs the pull request's code", () => {
    const comment = load("synth-comment.yml");
    expect(comment.on.workflow_run).toEqual({ workflows: ["Pull request"], types: ["completed"] });
    const steps = comment.jobs.comment.steps.map((s: { uses?: string }) => s.uses?.split("@")[0]);
    expect(steps).toEqual(["actions/download-artifact", "actions/github-script"]);
    expect(JSON.stringify(comment)).not.toContain("actions/checkout");
    expect(comment.jobs.comment.steps[1].with.script).toContain("Number.isInteger(number)");
    // The number in a fork's artifact is a claim: checked against the pull request's head through the API.
    expect(comment.jobs.comment.steps[1].with.script).toContain("github.rest.pulls.get");
    expect(comment.jobs.comment.steps[1].with.script).toContain("pr.head.sha !== run.head_sha");
  });

  it("deploys staging, then prod behind the production environment's approval, both with the policy pack", () => {
    const deploy = load("deploy.yml");
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    expect(deploy.jobs.staging).toMatchObject({
      needs: "tests",
      uses: "./.github/workflows/pulumi-up.yml",
      with: { stack: "staging", environment: "staging" },
    });
    expect(deploy.jobs.prod).toMatchObject({ needs: "staging", with: { stack: "prod", environment: "production" } });
    const up = load("pulumi-up.yml").jobs.up;
    expect(up.environment).toBe("${{ inputs.environment }}");
    const step = up.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({ command: "up", policyPacks: "policies", policyPackConfigs: "policies/config.json" });
    // The rehearsal and the preflight run first, so a deploy that would crash, overrun the plan or meet a repository Railway cannot see never starts.
    const names = up.steps.map((s: { name?: string; uses?: string }) => s.name ?? s.uses);
    const upAt = names.findIndex((n: string | undefined) => n?.startsWith("pulumi/actions@"));
    expect(names.indexOf("Rehearse")).toBeLessThan(upAt);
    expect(names.indexOf("Preflight")).toBeGreaterThan(-1);
    expect(names.indexOf("Preflight")).toBeLessThan(upAt);
    expect(up.steps[names.indexOf("Preflight")]).toMatchObject({
      run: 'npx trestle preflight --stack "${{ inputs.stack }}"',
      env: { RAILWAY_API_TOKEN: "${{ secrets.RAILWAY_API_TOKEN }}" },
    });
  });

  it("pins every action to a commit, with its version beside it, and the Pulumi CLI to one version", () => {
    const version = readFileSync(path.join(ROOT, ".pulumi.version"), "utf8").trim();
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    for (const file of readdirSync(DIR)) {
      const text = readFileSync(path.join(DIR, file), "utf8");
      for (const [, uses] of text.matchAll(/uses: (\S+)/g)) {
        if (uses.startsWith("./")) continue; // this repository's own reusable workflows
        expect(`${file}: ${uses}`).toMatch(/@[0-9a-f]{40}$/);
        expect(text, `${file}: ${uses} names no version`).toContain(`${uses} # v`);
      }
      const workflow = load(file);
      for (const job of Object.values(workflow.jobs ?? {}) as { steps?: { uses?: string; with?: Record<string, unknown> }[] }[]) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith("pulumi/actions@")) expect(step.with?.["pulumi-version-file"], file).toBe(".pulumi.version");
        }
      }
    }
  });

  it("looks for drift every day, read-only, and opens or updates an issue per stack that drifted", () => {
    const drift = load("drift.yml");
    expect(drift.on.schedule).toHaveLength(1);
    expect(drift.permissions).toEqual({ contents: "read", issues: "write" });
    const job = drift.jobs.drift;
    expect(job.strategy.matrix.include).toEqual([
      { stack: "staging", environment: "staging" },
      { stack: "prod", environment: "production" },
    ]);
    const preview = job.steps.find((s: { id?: string }) => s.id === "preview");
    expect(preview.with).toMatchObject({
      command: "preview",
      refresh: true,
      "expect-no-changes": true,
      "stack-name": "${{ matrix.stack }}",
    });
    expect(preview["continue-on-error"]).toBe(true);
    const issue = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/github-script@"));
    expect(issue.if).toBe("steps.preview.outcome == 'failure'");
    expect(issue.with.script).toContain("github.rest.issues.create(");
    expect(issue.with.script).toContain("github.rest.issues.createComment(");
    expect(JSON.stringify(drift)).not.toMatch(/command: up|"command":"up"/);
  });
});
