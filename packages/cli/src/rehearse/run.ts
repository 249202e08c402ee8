// One rehearsal of one stack, in this process: run the program as the synth
// does, but create every Railway resource with its real provider code (check,
// then create, in dependency order and as concurrently as the engine would)
// against the Railway emulator, whose deploys start containers the way Railway
// does. It answers "would every deployment come up?" and "what does the first
// `up` cost in requests?" with no account and no network.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  BudgetEstimate,
  DATABASE_DEPLOY_SECONDS,
  DeploymentFailedError,
  MAX_REQUESTS_PER_SECOND,
  RAILWAY_PLANS,
  RAILWAY_TYPE_PREFIX,
  RAILWAY_TYPES,
  RailwayPlan,
  type PreflightCheck,
  configureRailway,
  planBudget,
  preflightAccount,
  preflightNames,
  preflightQuotas,
  preflightRepo,
  railwayProviders,
  registeredOperations,
  resetRailwaySettings,
  sentOperations,
} from "@trestle/railway";
import { RailwayEmulator } from "@trestle/railway/testing";
import { Recorder, isSecretValue } from "@trestle/components/testing";
import { loadStack } from "../synth/run";
import { nativeStacksForSdkCaptures } from "../synth/stack-traces";
import { intentOf } from "../preflight/intent";

const RAILWAY_TYPE = RAILWAY_TYPE_PREFIX;

export interface DeploymentOutcome {
  /** The Pulumi resource (`api-deploy`). */
  resource: string;
  /** The Railway service it deploys. */
  service: string;
  status: string;
  /** The end of the build or runtime log, for a deploy that did not come up. */
  logs: string[];
}

export interface RehearsalFailure {
  resource: string;
  type: string;
  message: string;
}

export interface RehearsalResult {
  project: string;
  stack: string;
  config: string;
  plan: RailwayPlan;
  configErrors: string[];
  deployments: DeploymentOutcome[];
  /** Railway resources whose check or create failed (other than a deploy that did not come up). */
  failures: RehearsalFailure[];
  /** Resources left as they were because one they depend on failed (the engine never reaches them). */
  skipped: string[];
  /** Resources of other providers (Vercel, Upstash, Docker, random, command): not rehearsed. */
  notRehearsed: { type: string; name: string }[];
  requests: { total: number; mutations: number; polls: number; maxPerSecond: number; byOperation: Record<string, number> };
  /** The first `up` against the plan's hourly budget, with builds of `buildSeconds`. */
  budget: BudgetEstimate & { buildSeconds: number };
  /** Every Railway object created, by resource (its id, and its outputs' URL when it has one). */
  created: { type: string; name: string; id: string; url?: string }[];
  /** What `pulumi up` would do to each Railway resource: `create`, `update`, `replace`, `same`, or `delete` (gone from the program). */
  actions: Record<string, "create" | "update" | "replace" | "same" | "delete">;
  /** The state after the run, to rehearse the next change against. */
  state: RehearsalState;
  /**
   * The preflight's checks (PRE-1 to PRE-6), each asked right before what it
   * guards is created: the token, workspace, plan and project name before the
   * project, each repository before its service, the quotas at the end. Not
   * asked when the run uses another process's emulator (`endpoint`).
   */
  preflight: PreflightCheck[];
}

export interface RehearsalOptions {
  projectDir: string;
  stack: string;
  configFile?: string;
  plan?: RailwayPlan;
  /** How long a build is assumed to take, for the projected polls. @default 240 */
  buildSeconds?: number;
  /**
   * `emulator` (the default): no account, nothing leaves the machine. `railway`:
   * the same run against the real API with the token from the environment
   * (`npm run test:live` uses it; it creates real resources).
   */
  against?: "emulator" | "railway";
  /**
   * The state an earlier run left (its `state`): with it, a resource that exists
   * is diffed and updated (or replaced) as `pulumi up` would, instead of created.
   */
  previous?: RehearsalState;
  /** Use this endpoint and token instead of a fresh emulator (a benchmark keeps one across runs). */
  endpoint?: { url: string; token: string };
}

/** Each Railway resource a run created or updated, by `type::name`, in the order they were made. */
export type RehearsalState = Record<
  string,
  { type: string; name: string; id: string; outs: Record<string, unknown>; order: number; protect?: boolean }
>;

/** The engine's refusal to replace or delete a protected resource (`pulumi up` stops there, as here). */
const protectedRefusal = (what: "replace" | "delete") =>
  `it is protected (\`trestle:protect\`, on by default in production): \`pulumi up\` refuses to ${what} it. Undo the change; if losing it is intended, first run an update with \`trestle:protect: false\`, then make the change`;

/** Inputs as a provider receives them: secrets unwrapped, the serialized provider dropped. */
function plain(value: unknown): unknown {
  if (isSecretValue(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => k !== "__provider" && v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

const POLLS = new Set(["environmentDeployments", "deploymentStatus", "latestDeployment"]);

/** The requests of the operations `keep` selects, from counts by operation. */
const countOf = (byOperation: Record<string, number>, keep: (op: string) => boolean) =>
  Object.entries(byOperation).reduce((n, [op, c]) => (keep(op) ? n + c : n), 0);

function emptyResult(options: RehearsalOptions, configErrors: string[]): RehearsalResult {
  const plan = options.plan ?? "hobby";
  const buildSeconds = options.buildSeconds ?? 240;
  return {
    project: "",
    stack: options.stack,
    config: options.configFile ?? "",
    plan,
    configErrors,
    deployments: [],
    failures: [],
    skipped: [],
    notRehearsed: [],
    requests: { total: 0, mutations: 0, polls: 0, maxPerSecond: 0, byOperation: {} },
    budget: { ...planBudget(plan, 0, buildSeconds), buildSeconds },
    created: [],
    actions: {},
    state: {},
    preflight: [],
  };
}

/** Counts by operation, without the preflight's reads (their operations are named `preflight…`). */
function withoutPreflight(counts: { requests: number; mutations: number; byOperation: Record<string, number> }) {
  const byOperation = Object.fromEntries(Object.entries(counts.byOperation).filter(([op]) => !op.startsWith("preflight")));
  const dropped = countOf(counts.byOperation, (op) => op.startsWith("preflight"));
  return { ...counts, requests: counts.requests - dropped, byOperation };
}

/** Runs the rehearsal. Must run in a fresh process: the SDK's runtime state is per process. */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const configFile = options.configFile ?? path.join(options.projectDir, `Pulumi.${options.stack}.yaml`);
  const buildSeconds = options.buildSeconds ?? 240;
  const loaded = loadStack(options.projectDir, configFile);
  if ("configErrors" in loaded)
    return { ...emptyResult(options, loaded.configErrors), config: path.relative(options.projectDir, configFile) };
  const { project, values, secretKeys } = loaded;
  // The stack's own `railwayPlan` (project namespace, where the providers read it) unless --plan says otherwise.
  const stackPlan = values[`${project.name}:railwayPlan`];
  const plan: RailwayPlan =
    options.plan ?? ((RAILWAY_PLANS as readonly string[]).includes(stackPlan) ? (stackPlan as RailwayPlan) : "hobby");
  const result: RehearsalResult = {
    ...emptyResult({ ...options, plan }, []),
    project: project.name,
    config: path.relative(options.projectDir, configFile),
  };

  const live = options.against === "railway";
  const emulator = live || options.endpoint ? undefined : await RailwayEmulator.start();
  try {
    resetRailwaySettings();
    if (options.endpoint) {
      configureRailway({
        token: options.endpoint.token,
        tokenKind: "account",
        endpoint: options.endpoint.url,
        plan,
        pollIntervalMs: 5,
        requestsPerSecond: MAX_REQUESTS_PER_SECOND,
      });
    } else if (emulator) {
      // The real per-second limit; deploys advance one step per shared poll, a few milliseconds apart.
      configureRailway({
        token: emulator.token,
        tokenKind: "account",
        endpoint: emulator.url,
        plan,
        pollIntervalMs: 5,
        requestsPerSecond: MAX_REQUESTS_PER_SECOND,
      });
    } else {
      // Railway itself, with the token from RAILWAY_API_TOKEN / RAILWAY_TOKEN and the plan's pacing.
      configureRailway({ plan });
    }
    const serviceNames = new Map<string, string>();

    type Provider = {
      check(olds: unknown, news: unknown): Promise<{ inputs?: unknown; failures?: { property: string; reason: string }[] }>;
      diff(id: string, olds: unknown, news: unknown): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
      create(inputs: unknown): Promise<{ id: string; outs?: Record<string, unknown> }>;
      update?(id: string, olds: unknown, news: unknown): Promise<{ outs?: Record<string, unknown> }>;
      delete?(id: string, props: unknown): Promise<void>;
    };
    /** `type::name` of every resource whose step failed or was skipped. */
    const failed = new Set<string>();
    const providerOf = (type: string) =>
      railwayProviders[type.slice(RAILWAY_TYPE.length) as keyof typeof railwayProviders] as unknown as Provider;

    // The preflight, where this run owns its API (its emulator, or Railway itself).
    const preflightOn = !options.endpoint;
    let account: Awaited<ReturnType<typeof preflightAccount>> | undefined;
    const askedRepos = new Set<string>();
    // The emulator's workspace is on the plan rehearsed.
    if (emulator) emulator.workspaces[0].plan = plan.toUpperCase() as "FREE" | "HOBBY" | "PRO";
    const checkBefore = async (kind: string, inputs: Record<string, unknown>) => {
      if (!preflightOn) return;
      if (kind === "Project" && !account) {
        const intent = { ...intentOf([{ type: RAILWAY_TYPES.Project, name: "project", inputs }], plan), services: [] };
        account = await preflightAccount(intent);
        result.preflight.push(...account.checks, ...(await preflightNames(intent, account)));
      } else if (kind === "Service" && typeof inputs.repo === "string") {
        const branch = typeof inputs.branch === "string" ? inputs.branch : "main";
        if (askedRepos.has(`${inputs.repo}@${branch}`)) return;
        askedRepos.add(`${inputs.repo}@${branch}`);
        // The emulator cannot know the account's GitHub: it is given the stack's repositories, and says so.
        if (emulator) emulator.github = { ...emulator.github, [inputs.repo]: [...(emulator.github?.[inputs.repo] ?? []), branch] };
        const check = await preflightRepo(inputs.repo, branch);
        result.preflight.push(
          emulator
            ? {
                ...check,
                detail: `${check.detail} (the emulator is given the stack's repositories: \`trestle preflight\` with a token asks Railway)`,
              }
            : check,
        );
      }
    };

    const realize = async (
      type: string,
      name: string,
      raw: Record<string, unknown>,
      placement: { protect: boolean; dependencies: string[] } = { protect: false, dependencies: [] },
    ) => {
      if (!type.startsWith(RAILWAY_TYPE)) {
        result.notRehearsed.push({ type, name });
        return undefined;
      }
      const kind = type.slice(RAILWAY_TYPE.length) as keyof typeof railwayProviders;
      const provider = providerOf(type);
      const key = `${type}::${name}`;
      const before = options.previous?.[key];
      // The engine never reaches the dependents of a failed step: they stay as they were.
      if (placement.dependencies.some((urn) => [...failed].some((f) => urn.endsWith(f)))) {
        result.skipped.push(name);
        failed.add(key);
        return undefined;
      }
      const inputs = plain(raw) as Record<string, unknown>;
      const checked = await provider.check(before?.outs ?? {}, inputs);
      if (checked.failures?.length) {
        result.failures.push({ resource: name, type: kind, message: checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ") });
        failed.add(key);
        return undefined;
      }
      const news = checked.inputs ?? inputs;
      const remember = (id: string, outs: Record<string, unknown>, action: RehearsalResult["actions"][string]) => {
        result.actions[key] = action;
        result.state[key] = {
          type,
          name,
          id,
          outs,
          order: Object.keys(result.state).length,
          ...(placement.protect ? { protect: true } : {}),
        };
        if (kind === "Service") serviceNames.set(id, String(outs.name ?? inputs.name));
      };
      let diff: Awaited<ReturnType<typeof provider.diff>> | undefined;
      try {
        if (before) {
          // As `pulumi up` would: diff against the state, then update, replace or leave it.
          diff = await provider.diff(before.id, before.outs, news);
          if (!diff.changes) {
            remember(before.id, before.outs, "same");
            return { id: before.id, outputs: before.outs };
          }
          if (!diff.replaces?.length && provider.update) {
            const updated = await provider.update(before.id, before.outs, news);
            const outs = updated.outs ?? {};
            remember(before.id, outs, "update");
            if (kind === "Deployment") {
              result.deployments.push({
                resource: name,
                service: serviceNames.get(String(inputs.serviceId)) ?? String(inputs.serviceId),
                status: String(outs.status),
                logs: [],
              });
            }
            return { id: before.id, outputs: outs };
          }
          if (before.protect) throw new Error(protectedRefusal("replace"));
          if (diff.deleteBeforeReplace) await provider.delete?.(before.id, before.outs);
        }
        if (!before) await checkBefore(kind, news as Record<string, unknown>);
        const created = await provider.create(news);
        if (before && !diff?.deleteBeforeReplace) await provider.delete?.(before.id, before.outs);
        const outs = created.outs ?? {};
        remember(created.id, outs, before ? "replace" : "create");
        result.created.push({ type: kind, name, id: created.id, ...(typeof outs.url === "string" ? { url: outs.url } : {}) });
        if (kind === "Service") serviceNames.set(created.id, String(outs.name ?? inputs.name));
        if (kind === "Deployment") {
          result.deployments.push({
            resource: name,
            service: serviceNames.get(String(inputs.serviceId)) ?? String(inputs.serviceId),
            status: String(outs.status),
            logs: [],
          });
        }
        return { id: created.id, outputs: outs };
      } catch (error) {
        if (error instanceof DeploymentFailedError) {
          result.deployments.push({
            resource: name,
            service: serviceNames.get(String(inputs.serviceId)) ?? String(inputs.serviceId),
            status: error.status,
            logs: error.logExcerpt,
          });
          return { id: error.deploymentId, outputs: { ...inputs, deploymentId: error.deploymentId, status: error.status } };
        }
        result.failures.push({ resource: name, type: kind, message: (error as Error).message });
        failed.add(key);
        return undefined;
      }
    };

    nativeStacksForSdkCaptures();
    pulumi.runtime.setAllConfig(values, secretKeys);
    const recorder = new Recorder(project.name, options.stack);
    await recorder.install(realize);
    const main = path.resolve(options.projectDir, project.main ?? ".", "index.ts");
    try {
      require(main);
    } catch (error) {
      if ((error as Error).name === "ConfigError") return { ...result, configErrors: (error as { problems: string[] }).problems };
      throw error;
    }
    await recorder.settle();
    // As the engine ends an update: what the program no longer declares is
    // deleted, dependents first, but only when every step succeeded; after a
    // failed step the engine stops, and the state keeps what it had.
    const unvisited = Object.entries(options.previous ?? {}).filter(
      ([key, r]) => r.type.startsWith(RAILWAY_TYPE) && !(key in result.state),
    );
    if (result.failures.length) {
      for (const [key, r] of unvisited) result.state[key] = r;
    } else {
      for (const [key, r] of unvisited.sort(([, a], [, b]) => b.order - a.order)) {
        const kind = r.type.slice(RAILWAY_TYPE.length);
        if (r.protect) {
          result.failures.push({ resource: r.name, type: kind, message: protectedRefusal("delete") });
          result.state[key] = r;
          continue;
        }
        try {
          await providerOf(r.type).delete?.(r.id, r.outs);
          result.actions[key] = "delete";
        } catch (error) {
          result.failures.push({ resource: r.name, type: kind, message: (error as Error).message });
          result.state[key] = r;
        }
      }
    }
    if (preflightOn) {
      const serviceOfId = (id: string) => Object.values(result.state).find((r) => r.id === id && r.type === RAILWAY_TYPES.Service)?.name;
      const intent = intentOf(
        recorder.resources.map((r) => ({ type: r.type, name: r.name, inputs: plain(r.inputs) as Record<string, unknown> })),
        plan,
        serviceOfId,
      );
      result.preflight.push(...preflightQuotas(account?.plan ?? plan, intent.services, account?.existing?.volumes));
    }
    if (emulator) {
      // The preflight's reads are not part of the up: they are left out of its count.
      const counts = withoutPreflight(emulator.counts());
      const polls = countOf(counts.byOperation, (op) => POLLS.has(op));
      result.requests = {
        total: counts.requests,
        mutations: counts.mutations,
        polls,
        maxPerSecond: emulator.maxRequestsPerSecond(),
        byOperation: counts.byOperation,
      };
      // The writes and reads happen once; polls are projected for real build times, after
      // a first wave of database deploys when clients wait for the databases they connect to.
      const chained = recorder.resources.some(
        (r) => r.type === RAILWAY_TYPES.Deployment && r.dependencies.some((urn) => urn.includes(`${RAILWAY_TYPES.Deployment}::`)),
      );
      result.budget = { ...planBudget(plan, counts.requests - polls, buildSeconds, chained ? DATABASE_DEPLOY_SECONDS : 0), buildSeconds };
    } else {
      // Against the real API: what this process sent (which path each deploy took, DEP-6).
      const byOperation = { ...sentOperations() };
      const kinds = new Map(registeredOperations().map((op) => [op.name, op.kind]));
      const total = countOf(byOperation, () => true);
      const mutations = countOf(byOperation, (op) => kinds.get(op) === "mutation");
      const polls = countOf(byOperation, (op) => POLLS.has(op));
      result.requests = { total, mutations, polls, maxPerSecond: result.requests.maxPerSecond, byOperation };
    }
    result.deployments.sort((a, b) => a.resource.localeCompare(b.resource));
    result.notRehearsed.sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));
    return result;
  } finally {
    await emulator?.stop();
  }
}

/** 0: every deployment comes up within the budget; 1: one would not; 2: invalid configuration. */
export function rehearsalExitCode(result: RehearsalResult): number {
  if (result.configErrors.length) return 2;
  const down = result.deployments.some((d) => d.status !== "SUCCESS" && d.status !== "SLEEPING");
  return down || result.failures.length || !result.budget.fits || result.preflight.some((c) => c.status === "fail") ? 1 : 0;
}
