// Preflight: read-only questions to the API the token reaches, asked before
// anything is created, for what no emulator can know about a real account:
// whose token it is, which workspace a new project lands in, the plan, whether
// Railway's GitHub app can see each repository, the plan's quotas, and names
// already taken by objects the stack does not own (PRE-1 to PRE-6 in
// docs/railway-behaviour.md). Nothing here writes; every failed check says
// what to do.
import { RailwayApiError, railwayOperation } from "./client";
import { PLAN_LIMITS, type RailwayPlan } from "./limits";
import { provesOwner } from "./ownership";
import { railwayClient, resolveCredentials } from "./settings";

export type PreflightStatus = "pass" | "fail" | "warn" | "unverified";

/** One answer: `check` names what was asked (`token`, `github acme/api@main`, …). */
export interface PreflightCheck {
  check: string;
  status: PreflightStatus;
  detail: string;
}

/** What the stack is about to ask of Railway, read from its program (the synth) before any create. */
export interface PreflightIntent {
  /** The stack's `railwayPlan` (its sizing and pacing were checked against it). */
  declaredPlan: RailwayPlan;
  /** `project` (a name, to create) or `projectId` (to adopt); `owner` is the stack's identity. */
  project: { name?: string; id?: string; workspaceId?: string; owner?: string };
  services: IntendedService[];
}

export interface IntendedService {
  name: string;
  /** The chosen Railway domain label (`<subdomain>.up.railway.app`, DOM-3). */
  subdomain?: string;
  repo?: string;
  branch?: string;
  customDomains: number;
  volumes: number;
  backups: boolean;
}

/** PRE-1 */
const TOKEN_WORKSPACES = railwayOperation(`
query preflightToken {
  apiToken { workspaces { id name } }
}`);

/** PRE-1: a project token's own project and environment (the CLI reads them the same way). */
const PROJECT_TOKEN = railwayOperation(`
query preflightProjectToken {
  projectToken { projectId environmentId }
}`);

/** PRE-3 */
const WORKSPACE = railwayOperation(`
query preflightWorkspace($workspaceId: String!) {
  workspace(workspaceId: $workspaceId) { id name plan }
}`);

/** PRE-4 */
const REPO_ACCESS = railwayOperation(`
query preflightRepoAccess($fullRepoName: String!) {
  gitHubRepoAccessAvailable(fullRepoName: $fullRepoName) { hasAccess isPublic }
}`);

/** PRE-4 */
const REPO_BRANCHES = railwayOperation(`
query preflightRepoBranches($owner: String!, $repo: String!) {
  githubRepoBranches(owner: $owner, repo: $repo) { name }
}`);

/** PRE-6: an adopted project's own services and volumes. */
const PROJECT = railwayOperation(`
query preflightProject($id: String!) {
  project(id: $id) { id name workspaceId services { edges { node { id name } } } volumes { edges { node { id name } } } }
}`);

/** PRE-6: whether a chosen `<label>.up.railway.app` is free. */
const DOMAIN_AVAILABLE = railwayOperation(`
query preflightDomainAvailable($domain: String!) {
  serviceDomainAvailable(domain: $domain) { available message }
}`);

/** PRE-6: the projects of a workspace, for a name the stack would create again. */
const PROJECTS = railwayOperation(`
query preflightProjects($workspaceId: String!) {
  projects(workspaceId: $workspaceId, first: 500) { edges { node { id name description } } }
}`);

interface Edges<T> {
  edges: { node: T }[];
}
const nodes = <T>(c: Edges<T> | null | undefined): T[] => (c?.edges ?? []).map((e) => e.node);

/** What a refused read says, redacted by the client. */
const refusal = (error: unknown) => (error instanceof RailwayApiError ? error.message : String((error as Error)?.message ?? error));

const TOKEN_HELP =
  "create an account token, or a workspace token for the workspace the stack deploys to (https://railway.com/account/tokens), and give it as `RAILWAY_API_TOKEN` or `trestle secret set railwayToken`";

/** The account as the token sees it: which workspace, on which plan. */
export interface AccountView {
  checks: PreflightCheck[];
  /** The workspace a new project lands in, or the adopted project's. */
  workspace?: { id: string; name: string };
  /** The workspace's plan as Railway reports it. */
  plan?: RailwayPlan;
  /** The adopted project's services and volume count (PRE-6). */
  existing?: { services: string[]; volumes: number };
}

/** PRE-1, PRE-2, PRE-3: the token, the workspace and the plan. */
export async function preflightAccount(intent: Pick<PreflightIntent, "declaredPlan" | "project">): Promise<AccountView> {
  const client = railwayClient();
  const kind = resolveCredentials().kind;
  const checks: PreflightCheck[] = [];
  const view: AccountView = { checks };

  if (kind === "project") {
    try {
      const { projectToken } = await client.request<{ projectToken: { projectId: string; environmentId: string } }>(PROJECT_TOKEN, {});
      if (!intent.project.id) {
        checks.push({
          check: "token",
          status: "fail",
          detail: `a project token reaches one environment of project ${projectToken.projectId} and cannot create a project; ${TOKEN_HELP}`,
        });
      } else if (intent.project.id !== projectToken.projectId) {
        checks.push({
          check: "token",
          status: "fail",
          detail: `the project token belongs to project ${projectToken.projectId}, not \`projectId: ${intent.project.id}\`; make one in that project's settings, or ${TOKEN_HELP}`,
        });
      } else {
        checks.push({
          check: "token",
          status: "warn",
          detail: `a project token of environment ${projectToken.environmentId}: it reaches only that environment, and reads of the workspace and plan are not allowed to it; an account or workspace token lets preflight check them`,
        });
      }
    } catch (error) {
      checks.push({ check: "token", status: "fail", detail: `Railway refused the project token (${refusal(error)}); ${TOKEN_HELP}` });
    }
    return view;
  }

  let workspaces: { id: string; name: string }[];
  try {
    ({
      apiToken: { workspaces },
    } = await client.request<{ apiToken: { workspaces: { id: string; name: string }[] } }>(TOKEN_WORKSPACES, {}));
  } catch (error) {
    checks.push({ check: "token", status: "fail", detail: `Railway refused the token (${refusal(error)}); ${TOKEN_HELP}` });
    return view;
  }
  const listed = workspaces.map((w) => `${w.name} (${w.id})`).join(", ");
  if (!workspaces.length) {
    checks.push({
      check: "token",
      status: "fail",
      detail: `the token reaches no workspace (an account token made with "No workspace" sees only account-level information); ${TOKEN_HELP}`,
    });
    return view;
  }
  checks.push({
    check: "token",
    status: "pass",
    detail: `an ${workspaces.length > 1 ? "account" : "account or workspace"} token reaching ${workspaces.length} workspace${workspaces.length > 1 ? "s" : ""}: ${listed}`,
  });

  // PRE-2: where the project is, or where a new one lands.
  if (intent.project.id) {
    try {
      const { project } = await client.request<{
        project: {
          id: string;
          name: string;
          workspaceId?: string | null;
          services: Edges<{ name: string }>;
          volumes: Edges<{ id: string }>;
        };
      }>(PROJECT, { id: intent.project.id });
      view.existing = { services: nodes(project.services).map((s) => s.name), volumes: nodes(project.volumes).length };
      const home = workspaces.find((w) => w.id === project.workspaceId);
      if (intent.project.workspaceId && project.workspaceId && intent.project.workspaceId !== project.workspaceId) {
        checks.push({
          check: "workspace",
          status: "fail",
          detail: `project ${project.name} (${project.id}) is in workspace ${project.workspaceId}, not \`workspaceId: ${intent.project.workspaceId}\`; remove \`workspaceId\` or correct it`,
        });
      } else {
        checks.push({
          check: "workspace",
          status: "pass",
          detail: `project ${project.name} (${project.id}) is in ${home ? `${home.name} (${home.id})` : `workspace ${project.workspaceId ?? "(not reported)"}`}`,
        });
      }
      if (project.workspaceId) view.workspace = home ?? { id: project.workspaceId, name: project.workspaceId };
    } catch (error) {
      checks.push({
        check: "workspace",
        status: "fail",
        detail: `the token cannot read project ${intent.project.id} (${refusal(error)}): check \`trestle:railway.projectId\`, and that the token's workspace holds the project`,
      });
      return view;
    }
  } else if (intent.project.workspaceId) {
    const chosen = workspaces.find((w) => w.id === intent.project.workspaceId);
    if (chosen) {
      view.workspace = chosen;
      checks.push({ check: "workspace", status: "pass", detail: `a new project is created in ${chosen.name} (${chosen.id})` });
    } else {
      checks.push({
        check: "workspace",
        status: "fail",
        detail: `the token cannot reach \`workspaceId: ${intent.project.workspaceId}\`; it reaches ${listed}. Correct \`trestle:railway.workspaceId\`, or use a token of that workspace`,
      });
      return view;
    }
  } else if (workspaces.length === 1) {
    view.workspace = workspaces[0];
    checks.push({
      check: "workspace",
      status: "pass",
      detail: `a new project is created in ${workspaces[0].name} (${workspaces[0].id}), the only workspace the token reaches`,
    });
  } else {
    checks.push({
      check: "workspace",
      status: "fail",
      detail: `the token reaches ${workspaces.length} workspaces and the stack names none, so where \`projectCreate\` puts the project is the token's choice, not the stack's: set \`trestle:railway.workspaceId\` to one of ${listed}`,
    });
    return view;
  }

  // PRE-3: the plan the workspace is on, against the one the stack was sized for.
  if (view.workspace) {
    try {
      const { workspace } = await client.request<{ workspace: { id: string; name: string; plan: string } }>(WORKSPACE, {
        workspaceId: view.workspace.id,
      });
      const plan = workspace.plan.toLowerCase() as RailwayPlan;
      if (!(plan in PLAN_LIMITS)) {
        checks.push({
          check: "plan",
          status: "unverified",
          detail: `workspace ${workspace.name} reports plan ${workspace.plan}, which Trestle has no limits for; the stack is sized for ${intent.declaredPlan}`,
        });
      } else {
        view.plan = plan;
        const rank = (p: RailwayPlan) => ["free", "hobby", "pro"].indexOf(p);
        if (plan === intent.declaredPlan)
          checks.push({ check: "plan", status: "pass", detail: `${workspace.name} is on ${plan}, as \`railwayPlan\` says` });
        else if (rank(plan) < rank(intent.declaredPlan)) {
          checks.push({
            check: "plan",
            status: "fail",
            detail: `${workspace.name} is on ${plan}, but the stack is sized for \`railwayPlan: ${intent.declaredPlan}\`: set \`railwayPlan: ${plan}\` and fix what the synth then reports, or upgrade the workspace`,
          });
        } else {
          checks.push({
            check: "plan",
            status: "warn",
            detail: `${workspace.name} is on ${plan}, the stack says \`railwayPlan: ${intent.declaredPlan}\`: it is paced and sized for the smaller plan; set \`railwayPlan: ${plan}\` to use the larger one`,
          });
        }
      }
    } catch (error) {
      checks.push({
        check: "plan",
        status: "unverified",
        detail: `the token may not read the plan of ${view.workspace.name} (${refusal(error)}); the stack is sized for ${intent.declaredPlan}`,
      });
    }
  }
  return view;
}

/**
 * PRE-4: Railway's GitHub app can see the repository, and it has the branch.
 * Without that the first deploy's workflow fails, or starts nothing.
 */
export async function preflightRepo(repo: string, branch = "main"): Promise<PreflightCheck> {
  const check = `github ${repo}@${branch}`;
  const client = railwayClient();
  const grant = `install Railway's GitHub app for the repository's owner and give it \`${repo}\` (GitHub: Settings → Applications → Railway → Configure), and connect GitHub to the Railway account the token belongs to`;
  try {
    const { gitHubRepoAccessAvailable: access } = await client.request<{
      gitHubRepoAccessAvailable: { hasAccess: boolean; isPublic: boolean };
    }>(REPO_ACCESS, { fullRepoName: repo });
    if (!access.hasAccess)
      return {
        check,
        status: "fail",
        detail: `Railway cannot see \`${repo}\`${access.isPublic ? " (a public repository it has no access to)" : ""}: ${grant}`,
      };
    const [owner, name] = repo.split("/");
    const { githubRepoBranches } = await client.request<{ githubRepoBranches: { name: string }[] }>(REPO_BRANCHES, { owner, repo: name });
    if (githubRepoBranches.some((b) => b.name === branch))
      return { check, status: "pass", detail: `Railway sees \`${repo}\` and its branch \`${branch}\`` };
    const some = githubRepoBranches
      .slice(0, 8)
      .map((b) => `\`${b.name}\``)
      .join(", ");
    return {
      check,
      status: "fail",
      detail: `\`${repo}\` has no branch \`${branch}\` that Railway sees${some ? ` (it sees ${some})` : ""}: push the branch, or correct \`branch\``,
    };
  } catch (error) {
    return {
      check,
      status: "unverified",
      detail: `Railway would not say whether it sees \`${repo}\` (${refusal(error)}); a workspace token may not carry a GitHub connection. Check it in the dashboard, or run preflight with an account token`,
    };
  }
}

/**
 * The most custom domains a service may have, per plan (PRE-5; DOCS
 * networking/domains/working-with-domains.md: Hobby 2, Pro 20 by default,
 * raised on request; Trial 1 as the fidelity audit read it).
 */
export const CUSTOM_DOMAINS_PER_SERVICE: Partial<Record<RailwayPlan, number>> = { free: 1, hobby: 2, pro: 20 };
/** The most volumes a project may have, per plan (PRE-5; DOCS reference/volumes: Hobby 10). Others: no source here. */
export const VOLUMES_PER_PROJECT: Partial<Record<RailwayPlan, number>> = { hobby: 10 };

/** PRE-5: the plan's quotas against what the stack declares (and, adopted, what the project has). */
export function preflightQuotas(plan: RailwayPlan, services: IntendedService[], existingVolumes = 0): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const domainCap = CUSTOM_DOMAINS_PER_SERVICE[plan];
  const withDomains = services.filter((s) => s.customDomains > 0);
  if (withDomains.length) {
    const over = domainCap === undefined ? [] : withDomains.filter((s) => s.customDomains > domainCap);
    checks.push(
      domainCap === undefined
        ? {
            check: "custom domains",
            status: "unverified",
            detail: `no source here states ${plan}'s custom domains per service; the stack gives ${withDomains.map((s) => `${s.name} ${s.customDomains}`).join(", ")}`,
          }
        : over.length
          ? {
              check: "custom domains",
              status: "fail",
              detail: `${plan} allows ${domainCap} custom domain${domainCap > 1 ? "s" : ""} per service; ${over.map((s) => `${s.name} has ${s.customDomains}`).join(", ")}: remove some from \`domains\`, or upgrade the workspace`,
            }
          : {
              check: "custom domains",
              status: "pass",
              detail: `at most ${Math.max(...withDomains.map((s) => s.customDomains))} per service, within ${plan}'s ${domainCap}`,
            },
    );
  }
  const volumes = services.reduce((n, s) => n + s.volumes, 0);
  if (volumes) {
    const cap = VOLUMES_PER_PROJECT[plan];
    const total = volumes + existingVolumes;
    const counted = existingVolumes ? `${volumes} declared + ${existingVolumes} already in the project` : `${volumes}`;
    checks.push(
      cap === undefined
        ? { check: "volumes", status: "unverified", detail: `${counted} volume(s); no source here states ${plan}'s volumes per project` }
        : total > cap
          ? {
              check: "volumes",
              status: "fail",
              detail: `${counted} volumes, over ${plan}'s ${cap} per project: use fewer (a database without \`persistence\` needs none), or upgrade the workspace`,
            }
          : { check: "volumes", status: "pass", detail: `${counted} volume(s), within ${plan}'s ${cap} per project` },
    );
  }
  const backedUp = services.filter((s) => s.backups).map((s) => s.name);
  if (backedUp.length) {
    checks.push({
      check: "backups",
      status: "unverified",
      detail: `${backedUp.join(", ")} set backup schedules; no source states which plans allow them (VOL-4). If ${plan} does not, the first deploy ends with Railway's refusal and what to change (DEP-11), before anything is deployed`,
    });
  }
  return checks;
}

/** PRE-6: names the stack would create that objects it does not own already hold. */
export async function preflightNames(intent: PreflightIntent, account: AccountView): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  // A chosen Railway domain another service already holds.
  for (const service of intent.services.filter((s) => s.subdomain)) {
    const domain = `${service.subdomain}.up.railway.app`;
    try {
      const { serviceDomainAvailable: answer } = await railwayClient().request<{
        serviceDomainAvailable: { available: boolean; message: string };
      }>(DOMAIN_AVAILABLE, { domain });
      checks.push(
        answer.available
          ? { check: `domain ${domain}`, status: "pass", detail: `\`${domain}\` is free for ${service.name}` }
          : {
              check: `domain ${domain}`,
              status: "warn",
              detail: `\`${domain}\` is taken (${answer.message || "Railway says it is not available"}). If ${service.name} holds it (an earlier \`up\`), that is expected; otherwise choose another \`subdomain\``,
            },
      );
    } catch (error) {
      checks.push({
        check: `domain ${domain}`,
        status: "unverified",
        detail: `Railway would not say whether \`${domain}\` is free (${refusal(error)})`,
      });
    }
  }
  if (account.existing) {
    const taken = intent.services.map((s) => s.name).filter((n) => account.existing!.services.includes(n));
    checks.push(
      taken.length
        ? {
            check: "names",
            status: "warn",
            detail: `project ${intent.project.id} already has ${taken.map((n) => `\`${n}\``).join(", ")}. If this stack made them (an earlier \`up\`), that is expected; otherwise \`pulumi up\` refuses each one: give it another name, or set \`takeOver: true\` on it to manage it`,
          }
        : { check: "names", status: "pass", detail: `no service of the stack's is already in project ${intent.project.id}` },
    );
  } else if (intent.project.name && account.workspace) {
    try {
      const { projects } = await railwayClient().request<{ projects: Edges<{ id: string; name: string; description?: string | null }> }>(
        PROJECTS,
        { workspaceId: account.workspace.id },
      );
      const same = nodes(projects).filter((p) => p.name === intent.project.name);
      const owned = intent.project.owner
        ? await Promise.all(same.map((p) => provesOwner(p.description, intent.project.owner!, p.id)))
        : same.map(() => false);
      const strangers = same.filter((_, i) => !owned[i]);
      checks.push(
        owned.some(Boolean)
          ? {
              check: "names",
              status: "pass",
              detail: `project ${intent.project.name} exists and carries this stack's proof: \`pulumi up\` finds it again`,
            }
          : strangers.length
            ? {
                check: "names",
                status: "warn",
                detail: `${strangers.length} project(s) named \`${intent.project.name}\` already in ${account.workspace.name} (${strangers.map((p) => p.id).join(", ")}), not this stack's: \`pulumi up\` creates another of the same name. If one is this stack's (its state was lost), adopt it with \`projectId\`; otherwise rename \`trestle:railway.project\``,
              }
            : { check: "names", status: "pass", detail: `no project named \`${intent.project.name}\` in ${account.workspace.name}` },
      );
    } catch (error) {
      checks.push({
        check: "names",
        status: "unverified",
        detail: `the token may not list the projects of ${account.workspace.name} (${refusal(error)})`,
      });
    }
  }
  return checks;
}

/** Every check, in order: the account first, then each repository, the quotas and the names. */
export async function preflight(intent: PreflightIntent): Promise<PreflightCheck[]> {
  const account = await preflightAccount(intent);
  const checks = [...account.checks];
  if (checks.some((c) => c.check === "token" && c.status === "fail")) return checks;
  const repos = new Map<string, { repo: string; branch: string }>();
  for (const s of intent.services) if (s.repo) repos.set(`${s.repo}@${s.branch ?? "main"}`, { repo: s.repo, branch: s.branch ?? "main" });
  for (const { repo, branch } of repos.values()) checks.push(await preflightRepo(repo, branch));
  checks.push(...preflightQuotas(account.plan ?? intent.declaredPlan, intent.services, account.existing?.volumes));
  checks.push(...(await preflightNames(intent, account)));
  return checks;
}

/** True when a check failed: the `up` should not start. */
export const preflightFailed = (checks: readonly PreflightCheck[]) => checks.some((c) => c.status === "fail");
