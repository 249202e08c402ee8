// A frontend on Vercel: the project built from Git, its environment variables
// (the API's public URLs; secrets as Vercel "sensitive" values), its domains,
// and the security headers every page gets.
import * as pulumi from "@pulumi/pulumi";
import * as vercel from "@pulumiverse/vercel";
import { FrontendIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";

export interface VercelFrontendArgs {
  /** The Vercel project name (also its `<name>.vercel.app` host); changing it replaces the project. */
  projectName: string;
  /** Vercel framework preset, e.g. `nextjs`; omit for a static site. */
  framework?: string;
  /** GitHub repository `owner/name` (the Vercel GitHub app must be installed). */
  repo: string;
  /** The branch production deploys from. @default "main" */
  branch?: string;
  /** The directory of `repo` Vercel builds. @default the repository's root */
  rootDirectory?: string;
  /** Custom domains; the first is the production domain. @default [] */
  domains?: string[];
  /** The API's public URL (`https://…`). */
  apiUrl: pulumi.Input<string>;
  /** The variable the frontend reads the API's URL from. @default "NEXT_PUBLIC_API_URL" */
  apiUrlVariable?: string;
  /** The WebSocket URL variable, `wss://` on the API's host; `""` for none. @default "NEXT_PUBLIC_WS_URL" */
  wsUrlVariable?: string;
  /** Plain variables (visible in the dashboard). @default {} */
  variables?: Record<string, pulumi.Input<string>>;
  /** Secret variables, stored as Vercel sensitive values (server-side only). @default {} */
  secrets?: Record<string, pulumi.Input<string>>;
  /** `X-Content-Type-Options`, `X-Frame-Options`, `Strict-Transport-Security`. @default true */
  securityHeaders?: boolean;
  /** The longest a function may run, in seconds (Vercel's project default function timeout). @default Vercel's */
  maxDurationSeconds?: number;
  /**
   * A single-page app: every path without a file extension (a client-side
   * route such as `/threads/42`) is served `index.html`. @default false
   */
  spa?: boolean;
  /**
   * The project's production `*.vercel.app` host, as Vercel shows it. Vercel
   * gives a project `<project>.vercel.app` only when nobody holds that name,
   * else a suffixed one (`threadr-plum.vercel.app`), and the plain name may be
   * someone else's site. @default `<project>.vercel.app` when the frontend has
   * no custom domain; with custom domains, none (they are its origins)
   */
  vercelDomain?: string;
  /** Vercel team id or slug. */
  teamId?: string;
  /** A production stack (recorded for the policy pack). @default false */
  production?: boolean;
}

export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** Where variables apply: production and preview deployments. */
const TARGETS = ["production", "preview"];

/** A frontend's plain variables: the API's URL, its WebSocket URL (unless the variable is `""`), and its own. */
export function frontendVariables(
  args: Pick<VercelFrontendArgs, "apiUrl" | "apiUrlVariable" | "wsUrlVariable" | "variables">,
): Record<string, pulumi.Input<string>> {
  const apiUrlVariable = args.apiUrlVariable ?? "NEXT_PUBLIC_API_URL";
  const wsUrlVariable = args.wsUrlVariable ?? "NEXT_PUBLIC_WS_URL";
  const plain: Record<string, pulumi.Input<string>> = { [apiUrlVariable]: args.apiUrl, ...(args.variables ?? {}) };
  if (wsUrlVariable) plain[wsUrlVariable] = pulumi.output(args.apiUrl).apply(websocketUrl);
  return plain;
}

/** The WebSocket URL on the same host as an https URL. */
export function websocketUrl(apiUrl: string): string {
  return apiUrl.replace(/^https:\/\//, "wss://").replace(/^http:\/\//, "ws://");
}

/**
 * A Vercel project for the frontend.
 *
 * ```ts
 * const web = new VercelFrontend("web", { projectName: "travel-web", framework: "nextjs", repo: "acme/travel",
 *   rootDirectory: "frontend", domains: ["travel.example.com"], apiUrl: api.publicUrl });
 * // web.origins → ["https://travel.example.com", "https://travel-web.vercel.app"]
 * ```
 */
export class VercelFrontend extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.VercelFrontend;
  readonly projectId: pulumi.Output<string>;
  /** The production URL: the first custom domain, else its vercel.app host. */
  readonly url: string;
  /** Every `https://` origin the frontend is served from: the CORS entries its API needs. */
  readonly origins: string[];

  constructor(name: string, args: VercelFrontendArgs, opts?: pulumi.ComponentResourceOptions) {
    const domains = args.domains ?? [];
    // CORS admits only origins that are surely this project's: its custom domains,
    // and a vercel.app host only when given (or when there is nothing else).
    const vercelHost = args.vercelDomain ?? (domains.length ? undefined : `${args.projectName}.vercel.app`);
    const origins = [...domains, ...(vercelHost ? [vercelHost] : [])].map((host) => `https://${host}`);
    // Recorded as inputs and outputs: the policy pack checks CORS against these origins.
    const intent: FrontendIntent = {
      projectName: args.projectName,
      domains,
      origins,
      securityHeaders: args.securityHeaders ?? true,
      production: args.production ?? false,
    };
    super(VercelFrontend.__pulumiType, name, intent, opts);

    const team = args.teamId ? { teamId: args.teamId } : {};

    const project = this.createProject(name, args, team);
    this.createVariables(name, args, project, team);
    domains.forEach((domain, i) => this.createDomain(`${name}-domain-${i}`, project, domain, team));
    if (args.securityHeaders ?? true) this.createSecurityHeaders(name, project, team);
    if (args.spa) this.createSpaFallback(name, project, team);

    this.projectId = project.id;
    this.origins = origins;
    this.url = origins[0];
    this.registerOutputs({ ...intent, projectId: this.projectId, url: this.url });
  }

  private createProject(name: string, args: VercelFrontendArgs, team: { teamId?: string }): vercel.Project {
    return new vercel.Project(
      name,
      {
        name: args.projectName,
        framework: args.framework,
        rootDirectory: args.rootDirectory,
        gitRepository: { type: "github", repo: args.repo, productionBranch: args.branch ?? "main" },
        ...(args.maxDurationSeconds !== undefined ? { resourceConfig: { functionDefaultTimeout: args.maxDurationSeconds } } : {}),
        ...team,
      },
      { parent: this },
    );
  }

  private createVariables(name: string, args: VercelFrontendArgs, project: vercel.Project, team: { teamId?: string }): void {
    const plain = frontendVariables(args);
    const entries = Object.entries(plain).map(([key, value]) => ({ key, value, sensitive: false, targets: TARGETS }));
    new vercel.ProjectEnvironmentVariables(`${name}-env`, { projectId: project.id, variables: entries, ...team }, { parent: this });
    // One resource per secret: a secret inside the list above would make the
    // whole list secret and hide the public URLs from every preview. Sensitive
    // values are unreadable after creation (Vercel's April 2026 incident
    // exposed the others).
    for (const [key, value] of Object.entries(args.secrets ?? {})) {
      new vercel.ProjectEnvironmentVariable(
        `${name}-secret-${key.toLowerCase().replace(/_/g, "-")}`,
        { projectId: project.id, key, value: pulumi.secret(value), sensitive: true, targets: TARGETS, ...team },
        { parent: this },
      );
    }
  }

  private createDomain(resourceName: string, project: vercel.Project, domain: string, team: { teamId?: string }): vercel.ProjectDomain {
    return new vercel.ProjectDomain(resourceName, { projectId: project.id, domain, ...team }, { parent: this });
  }

  private createSpaFallback(name: string, project: vercel.Project, team: { teamId?: string }): vercel.ProjectRoute {
    // A rewrite (a `dest` with no `status`; the provider's own example) of
    // paths with no dot, so files (`/app.js`, `/logo.svg`) are served as they
    // are whatever order Vercel applies project rules in. The pattern is the
    // one Threadr's deployment guide settled on when its longer regex failed.
    return new vercel.ProjectRoute(
      `${name}-spa`,
      {
        projectId: project.id,
        name: "spa-fallback",
        description: "Trestle: serve index.html for client-side routes",
        srcSyntax: "path-to-regexp",
        route: { src: "/:path([^.]*)", dest: "/index.html" },
        ...team,
      },
      { parent: this },
    );
  }

  private createSecurityHeaders(name: string, project: vercel.Project, team: { teamId?: string }): vercel.ProjectRoute {
    // A project-level rule: applies to every deployment without a vercel.json.
    return new vercel.ProjectRoute(
      `${name}-security-headers`,
      {
        projectId: project.id,
        name: "security-headers",
        description: "Trestle: security headers on every response",
        srcSyntax: "path-to-regexp",
        route: { src: "/(.*)", headers: SECURITY_HEADERS },
        ...team,
      },
      { parent: this },
    );
  }
}
