// A pull request's preview stack: its own Railway project deploying the
// branch, the staging Vercel project's previews of the branch pointed at its
// API, CORS for exactly that preview, and the rule that keeps it off
// production.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { branchPreviewOrigin, branchSlug } from "../../packages/components/src/vercel-preview";
import { edited, toEvaluated } from "../../packages/policies/test/fixtures";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let outputs: Record<string, unknown>;

const preview = {
  railway: { project: "shop-staging-pr-7", environment: "pr-7" },
  production: false,
  preview: { pullRequest: 7, branch: "feature/Search", baseStack: "staging", scope: "acme" },
  services: {
    api: {
      source: { repo: "acme/shop", branch: "feature/Search" },
      port: 8000,
      public: true,
      healthcheck: { path: "/health" },
      connects: ["postgres"],
      cors: {},
    },
  },
  postgres: {},
  frontend: { platform: "vercel", name: "shop-web", repo: "acme/shop", variables: { NEXT_PUBLIC_FLAG: "on" } },
};

beforeAll(async () => {
  const values = Object.fromEntries(Object.entries(preview).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  ({ recorder, outputs } = await runProgram("pr-7", { values, secretKeys: [] }));
});

describe("a pull request's preview", () => {
  it("is served at the branch's preview URL on the base stack's Vercel project, and creates no Vercel project", () => {
    expect(outputs.frontendUrl).toBe("https://shop-web-staging-git-feature-search-acme.vercel.app");
    expect(recorder.resources.filter((r) => r.type === "vercel:index/project:Project")).toEqual([]);
    expect(recorder.get("trestle:index:VercelPreview", "frontend").inputs).toMatchObject({
      projectName: "shop-web-staging",
      branch: "feature/Search",
    });
  });

  it("points only that branch's previews at its own API", () => {
    const env = recorder.get("vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "frontend-env").inputs as {
      variables: { key: string; targets: string[]; gitBranch: string }[];
    };
    expect(env.variables.map((v) => [v.key, v.targets, v.gitBranch])).toEqual([
      ["NEXT_PUBLIC_API_URL", ["preview"], "feature/Search"],
      ["NEXT_PUBLIC_FLAG", ["preview"], "feature/Search"],
      ["NEXT_PUBLIC_WS_URL", ["preview"], "feature/Search"],
    ]);
  });

  it("lets its API's CORS admit exactly that preview's origin, never *.vercel.app", () => {
    const api = recorder.get(`${DYN}:Variables`, "api-vars").inputs.variables as Record<string, string>;
    expect(api.ALLOWED_ORIGINS).toBe("https://shop-web-staging-git-feature-search-acme.vercel.app");
  });

  it("deploys in a Railway project and environment of its own", () => {
    expect(recorder.get(`${DYN}:Project`, "project").inputs).toMatchObject({ name: "shop-staging-pr-7" });
    expect(recorder.get(`${DYN}:Environment`, "environment").inputs).toMatchObject({ name: "pr-7" });
    expect(recorder.get("trestle:index:RailwayService", "api").inputs).toMatchObject({ preview: true, production: false });
  });

  // The CORS rules that hold for staging and prod hold in a pull request's stack too.
  it.each<[string, string, string]>([
    [
      "all of vercel.app",
      "https://shop-web-staging-git-feature-search-acme.vercel.app,https://*.vercel.app",
      "cors-wildcard-production: api: `https://*.vercel.app` in `ALLOWED_ORIGINS` lets any site on that domain call the preview API",
    ],
    [
      "a foreign origin",
      "https://shop-web-staging-git-feature-search-acme.vercel.app,https://evil.example.com",
      "cors-origins-from-frontend: api: `https://evil.example.com` in `ALLOWED_ORIGINS` is not a domain of the frontend (https://shop-web-staging-git-feature-search-acme.vercel.app)",
    ],
  ])("fails when its CORS admits %s", (_label, origins, expected) => {
    const fixture = edited(
      toEvaluated(recorder.resources),
      `${DYN}:Variables`,
      "api-vars",
      (r) => ((r.props.variables as Record<string, string>).ALLOWED_ORIGINS = origins),
    );
    expect(evaluatePolicies(fixture).map((v) => `${v.policy}: ${v.message}`)).toContain(expected);
  });

  describe("the preview-isolation rule", () => {
    const violations = (fixture = toEvaluated(recorder.resources)) =>
      evaluatePolicies(fixture)
        .filter((v) => v.policy === "preview-isolation")
        .map((v) => v.message);

    it("has nothing to say about the preview as written", () => {
      expect(evaluatePolicies(toEvaluated(recorder.resources)).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
    });

    it("fails when a preview sets a Vercel production variable", () => {
      const fixture = edited(
        toEvaluated(recorder.resources),
        "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables",
        "frontend-env",
        (r) => {
          (r.props.variables as { targets: string[] }[])[0].targets = ["preview", "production"];
        },
      );
      expect(violations(fixture)).toEqual(["frontend: `NEXT_PUBLIC_API_URL` is set for Vercel production from a preview"]);
    });

    it("fails when a preview deploys to the production environment", () => {
      const fixture = edited(toEvaluated(recorder.resources), `${DYN}:Environment`, "environment", (r) => (r.props.name = "production"));
      expect(violations(fixture)).toEqual(["environment: a preview deploys to the `production` environment"]);
    });

    it("fails when a preview adopts an existing project", () => {
      const fixture = edited(
        toEvaluated(recorder.resources),
        `${DYN}:Project`,
        "project",
        (r) => (r.props.existingProjectId = "prod-project-id"),
      );
      expect(violations(fixture)).toEqual(["project: a preview adopts an existing Railway project, which may be production's"]);
    });

    it.each(["DATABASE_URL", "REDIS_URL", "ANALYTICS_DATABASE_URL", "MONGO_URI"])(
      "fails when a preview reads %s from a stack secret",
      (name) => {
        const fixture = edited(toEvaluated(recorder.resources), `${DYN}:Variables`, "api-vars", (r) => {
          const secrets = (r.props.secretVariables ?? {}) as { value?: Record<string, string> } & Record<string, string>;
          (secrets.value ?? secrets)[name] = "[secret]";
          r.props.secretVariables = secrets;
        });
        expect(violations(fixture)).toEqual([
          `api: a preview reads \`${name}\` from a stack secret, which may be production's database; connect the preview's own with \`connects\``,
        ]);
      },
    );

    it("fails when a preview is marked production", () => {
      const fixture = edited(toEvaluated(recorder.resources), "trestle:index:RailwayService", "api", (r) => (r.props.production = true));
      expect(violations(fixture)).toEqual(["api: a preview is marked production"]);
    });
  });
});

describe("the branch's preview origin", () => {
  it("follows Vercel's pattern, with the branch slugged", () => {
    expect(branchSlug("feature/Search_v2")).toBe("feature-search-v2");
    expect(branchPreviewOrigin("web", "fix/login", "acme")).toBe("https://web-git-fix-login-acme.vercel.app");
  });

  it("refuses to guess where Vercel shortens it (a label over 63 characters)", () => {
    expect(() => branchPreviewOrigin("travel-web-staging", "feature/a-very-long-branch-name-for-search", "acme-corporation")).toThrow(
      "is longer than a DNS label (63), so Vercel shortens it; give `origin` (trestle:preview.origin)",
    );
  });
});
