// A pull request's frontend: not a Vercel project of its own, but the preview
// deployments Vercel already builds for the pull request's branch, on the
// staging project (Git-connected projects deploy every pushed branch as a
// preview). Trestle points those previews at the pull request's own API with
// branch-scoped preview variables, and gives the API's CORS exactly the
// branch's preview origin, never `*.vercel.app`.
import * as pulumi from "@pulumi/pulumi";
import * as vercel from "@pulumiverse/vercel";
import { PreviewFrontendIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";
import { frontendVariables } from "./vercel-frontend";

export interface VercelPreviewArgs {
  /** The Vercel project whose preview deployments of `branch` this configures (the staging project, built from Git). */
  projectName: string;
  /** The pull request's branch, as Git names it (`feature/search`). */
  branch: string;
  /**
   * The Vercel scope in the branch's preview URL: the team's slug, or the
   * personal account's user name.
   */
  scope: string;
  /**
   * The branch's preview origin. @default `https://<project>-git-<branch>-<scope>.vercel.app`,
   * Vercel's branch URL (see `branchPreviewOrigin`)
   */
  origin?: string;
  /** The pull request's API URL. */
  apiUrl: pulumi.Input<string>;
  /** The variable the frontend reads the API's URL from. @default "NEXT_PUBLIC_API_URL" */
  apiUrlVariable?: string;
  /** The WebSocket URL variable, `wss://` on the API's host; `""` for none. @default "NEXT_PUBLIC_WS_URL" */
  wsUrlVariable?: string;
  /** More plain variables for this branch's previews. @default {} */
  variables?: Record<string, pulumi.Input<string>>;
  /** The Vercel team that owns the project. @default the token's account */
  teamId?: string;
}

/** Vercel's branch slug: lower case, anything but letters and digits a `-` (`feature/Search` → `feature-search`). */
export function branchSlug(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The origin Vercel serves a branch's latest preview at:
 * `https://<project>-git-<branch>-<scope>.vercel.app`. Assumed from Vercel's
 * documented pattern (docs: deployments/generated-urls); when the first label
 * would pass 63 characters Vercel shortens it with a hash whose input is not
 * documented, so Trestle refuses to guess: give `origin` (the URL Vercel shows
 * for the branch) instead.
 */
export function branchPreviewOrigin(projectName: string, branch: string, scope: string): string {
  const label = `${projectName}-git-${branchSlug(branch)}-${scope}`;
  if (label.length > 63) {
    throw new Error(
      `VercelPreview: the branch URL \`${label}.vercel.app\` is longer than a DNS label (63), so Vercel shortens it; give \`origin\` (trestle:preview.origin), the branch URL Vercel shows`,
    );
  }
  return `https://${label}.vercel.app`;
}

/**
 * A pull request's Vercel previews, pointed at its own API.
 *
 * ```ts
 * const web = new VercelPreview("frontend", { projectName: "travel-web-staging", branch: "feature/search", scope: "acme", apiUrl: api.publicUrl! });
 * // CORS: web.origins → ["https://travel-web-staging-git-feature-search-acme.vercel.app"]
 * ```
 */
export class VercelPreview extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.VercelPreview;
  readonly projectId: pulumi.Output<string>;
  /** The branch's preview URL. */
  readonly url: string;
  /** The one origin the pull request's API allows. */
  readonly origins: string[];

  constructor(name: string, args: VercelPreviewArgs, opts?: pulumi.ComponentResourceOptions) {
    const origin = args.origin ?? branchPreviewOrigin(args.projectName, args.branch, args.scope);
    const intent: PreviewFrontendIntent = { projectName: args.projectName, branch: args.branch, origins: [origin] };
    super(VercelPreview.__pulumiType, name, intent, opts);

    const team = args.teamId ? { teamId: args.teamId } : {};
    const project = vercel.getProjectOutput({ name: args.projectName, ...team }, { parent: this });
    this.createVariables(name, args, project.id, team);

    this.projectId = project.id;
    this.url = origin;
    this.origins = [origin];
    this.registerOutputs({ ...intent, projectId: this.projectId, url: this.url });
  }

  private createVariables(name: string, args: VercelPreviewArgs, projectId: pulumi.Output<string>, team: { teamId?: string }): void {
    const plain = frontendVariables(args);
    // Preview only, and only this branch: the project's production and other
    // previews keep the staging values (a branch's variable overrides the
    // preview-wide one for that branch; docs: environment-variables, "Preview
    // environment variables for a branch").
    const variables = Object.entries(plain).map(([key, value]) => ({
      key,
      value,
      sensitive: false,
      targets: ["preview"],
      gitBranch: args.branch,
    }));
    new vercel.ProjectEnvironmentVariables(`${name}-env`, { projectId, variables, ...team }, { parent: this });
  }
}
