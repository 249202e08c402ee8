// The one Railway GraphQL client every Railway resource uses.
//
// Everything here runs inside Pulumi's dynamic-provider host after the provider
// closure is serialized into state, so this module captures nothing secret at
// load time: the token is resolved per call from `settings.ts`.
import { RailwayApiError, RailwayErrorKind, classify } from "./errors";
import { RequestLimiter, sharedLimiter } from "./limits";
import { encodedForms, rememberSecrets } from "./redact";

export { encodedForms } from "./redact";

/** Railway's public GraphQL endpoint. The query string keeps requests out of
 * Cloudflare's 10 RPS edge limit for query-less URLs (terraform-provider-railway#55). */
export const DEFAULT_ENDPOINT = "https://backboard.railway.com/graphql/v2?source=trestle";

export type TokenKind = "account" | "project";

export interface RailwayCredentials {
  token: string;
  /** `account` (account/workspace/OAuth) tokens go in `Authorization: Bearer`;
   * `project` tokens in `Project-Access-Token`. */
  kind: TokenKind;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff delay; doubles per attempt, full-jittered between half and all of it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Floor for Railway's "too quickly" throttles (1 project/environment create per 30 s). */
  throttleDelayMs: number;
  /** No retry is started that would end after this much time since the first attempt, and an attempt in flight is ended there. */
  maxElapsedMs: number;
  /** One attempt's deadline: connecting, the headers and the whole body. */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  throttleDelayMs: 30_000,
  maxElapsedMs: 300_000,
  attemptTimeoutMs: 30_000,
};

export type OperationKind = "query" | "mutation";

/** A named GraphQL document Trestle sends to Railway. */
export interface RailwayOperation {
  readonly name: string;
  readonly kind: OperationKind;
  readonly document: string;
}

const registry = new Map<string, RailwayOperation>();

/** Declares an operation; its name comes from the document (`mutation serviceCreate(...)`). */
export function railwayOperation(document: string): RailwayOperation {
  const match = /^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  if (!match) {
    throw new Error(`Railway operation documents must start with a named query or mutation: ${document.slice(0, 60)}`);
  }
  const op: RailwayOperation = { kind: match[1] as OperationKind, name: match[2], document: document.trim() };
  const existing = registry.get(op.name);
  if (existing && existing.document !== op.document) {
    throw new Error(`Railway operation name ${op.name} is declared twice with different documents`);
  }
  registry.set(op.name, op);
  return op;
}

/**
 * Mutations that change nothing when sent twice: updates, upserts and deletes
 * (a second delete answers not found, which is done). Creates, commits and
 * deploys make something new each time they are sent.
 */
export function isIdempotent(op: RailwayOperation): boolean {
  return op.kind === "query" || !/(Create|Commit|Deploy|DeployV2|Redeploy|Connect)$/.test(op.name);
}

/** Every operation declared so far (import `components/railway` first to load them all). */
export function registeredOperations(): RailwayOperation[] {
  return [...registry.values()];
}

export { RailwayApiError, classify, isAlreadyExists, isAuthError, isNotFound, isRateLimited } from "./errors";
export type { RailwayErrorCode, RailwayErrorKind } from "./errors";

/** The missing-token error: a configuration problem, not an API failure. */
export class RailwayTokenMissingError extends Error {
  constructor() {
    const message =
      "No Railway token. Set one with `trestle secret set railwayToken --stack <s>` (the token from standard input) " +
      "(an account or workspace token; add `pulumi config set railwayTokenKind project` for a project token), " +
      "or export `RAILWAY_API_TOKEN` (account/workspace) or `RAILWAY_TOKEN` (project). " +
      "Create tokens at https://railway.com/account/tokens.";
    super(message);
    this.message = message; // see RailwayApiError
    this.name = "RailwayTokenMissingError";
  }
}

export interface RequestOptions<T> {
  /**
   * Called before each retry of a mutation whose earlier attempt may have been
   * committed by Railway (a 5xx or a dropped connection after the request was
   * sent). Returning a value adopts it as the result instead of sending the
   * mutation again, so a lost create response never makes a duplicate.
   */
  adopt?: () => Promise<T | undefined>;
  /** Secret values among the inputs: redacted from errors in every form, however short. */
  secrets?: readonly string[];
}

export interface ClientOptions {
  credentials: RailwayCredentials;
  endpoint?: string;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests of the backoff itself. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** The per-second limiter; the process-wide one unless a test gives its own. */
  limiter?: RequestLimiter;
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string };
}

interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

const SENT_KEY = "__trestleRailwaySent";

/**
 * How many requests of each operation this process has sent to Railway, retries
 * included (one tally for every copy of this module, as the limiter is): how a
 * rehearsal against the real API reports which path a deploy took.
 */
export function sentOperations(): Record<string, number> {
  const global = globalThis as Record<string, unknown>;
  return ((global[SENT_KEY] as Record<string, number> | undefined) ??= {});
}

export class RailwayClient {
  private readonly credentials: RailwayCredentials;
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly limiter: RequestLimiter;

  constructor(options: ClientOptions) {
    this.credentials = options.credentials;
    this.endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.limiter = options.limiter ?? sharedLimiter();
  }

  /** Sends one operation, retrying only rate limits, throttles, transient failures and timeouts. */
  async request<T>(op: RailwayOperation, variables: Record<string, unknown> = {}, options: RequestOptions<T> = {}): Promise<T> {
    const started = this.now();
    let maybeCommitted = false;
    let timedOut: RailwayApiError | undefined;
    for (let attempt = 1; ; attempt++) {
      // A create, a commit or a deploy whose attempt ran out of time may still be
      // executing (ERR-5): it is never sent again. Its effect is looked for
      // until the budget ends, and adopted once it shows.
      if (timedOut && op.kind === "mutation" && !isIdempotent(op)) return this.awaitLateEffect(timedOut, started, options.adopt);
      if (maybeCommitted && op.kind === "mutation" && options.adopt) {
        const adopted = await options.adopt();
        if (adopted !== undefined) return adopted;
      }
      try {
        const remaining = this.retry.maxElapsedMs - (this.now() - started);
        if (options.secrets?.length) rememberSecrets(options.secrets);
        return await this.send<T>(op, variables, Math.max(1, Math.min(this.retry.attemptTimeoutMs, remaining)), options.secrets ?? []);
      } catch (error) {
        if (!(error instanceof RailwayApiError)) throw error;
        error.attempts = attempt;
        // A 429 or a throttle was refused before any work; a 5xx, a dropped
        // connection or a timeout may have been committed with only the answer lost.
        maybeCommitted = maybeCommitted || error.maybeCommitted;
        if (error.kind === "timeout") timedOut = error;
        if (!error.retryable || attempt >= this.retry.maxAttempts) throw error;
        const delay = this.delayFor(error, attempt);
        if (this.now() - started + delay > this.retry.maxElapsedMs) throw withBudgetNote(error, delay, this.retry.maxElapsedMs);
        await this.sleep(delay);
      }
    }
  }

  /** After a timed-out create, commit or deploy: its effect, adopted when it shows; never a second request. */
  private async awaitLateEffect<T>(error: RailwayApiError, started: number, adopt: (() => Promise<T | undefined>) | undefined): Promise<T> {
    for (let check = 1; adopt; check++) {
      const adopted = await adopt();
      if (adopted !== undefined) return adopted;
      const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (check - 1));
      if (this.now() - started + delay > this.retry.maxElapsedMs) break;
      await this.sleep(delay);
    }
    const message =
      `${error.message}. Railway may still carry it out, so Trestle does not send it again` +
      (adopt ? ", and its effect had not shown when the time budget ended" : "") +
      ": run `pulumi up` again, which finds what it made instead of making it twice";
    throw Object.assign(error, { message, retryable: false });
  }

  private delayFor(error: RailwayApiError, attempt: number): number {
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (this.random() * exponential) / 2;
    if (error.retryAfterMs !== undefined) return Math.max(error.retryAfterMs, 0);
    if (error.throttled) return Math.max(this.retry.throttleDelayMs, jittered);
    return jittered;
  }

  private headers(): Record<string, string> {
    const auth: Record<string, string> =
      this.credentials.kind === "project"
        ? { "Project-Access-Token": this.credentials.token }
        : { Authorization: `Bearer ${this.credentials.token}` };
    return { "Content-Type": "application/json", Accept: "application/json", ...auth };
  }

  private async send<T>(
    op: RailwayOperation,
    variables: Record<string, unknown>,
    timeoutMs: number,
    secrets: readonly string[],
  ): Promise<T> {
    const received = await this.limiter.acquire();
    const sent = sentOperations();
    sent[op.name] = (sent[op.name] ?? 0) + 1;
    try {
      return await this.sendOnce<T>(op, variables, timeoutMs);
    } catch (error) {
      // Railway's messages sometimes repeat an input; a variable value or a
      // password must not reach a log through them.
      if (error instanceof RailwayApiError) redactInputs(error, variables, [this.credentials.token, ...secrets]);
      throw error;
    } finally {
      received();
    }
  }

  private async sendOnce<T>(op: RailwayOperation, variables: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const fail = (kind: RailwayErrorKind, message: string, extra: Partial<ConstructorParameters<typeof RailwayApiError>[0]> = {}) =>
      new RailwayApiError({ operation: op.name, kind, message, ...extra });
    // One deadline for connecting, the headers and the whole body: a server
    // that never answers, or trickles a byte at a time, cannot hold an `up`.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: this.headers(),
        body: JSON.stringify({ query: op.document, operationName: op.name, variables }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw fail("timeout", `no complete answer within ${Math.round(timeoutMs)} ms`, { code: "TIMEOUT", maybeCommitted: true });
      }
      // A connection dropped mid-request is a lost response: the mutation may
      // have been committed, so it is retried (with `adopt`). A refused
      // connection or an unknown host is a configuration problem and is not.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const permanent = cause === "ECONNREFUSED" || cause === "ENOTFOUND" || cause === "ERR_INVALID_URL";
      throw fail(
        permanent ? "unreachable" : "transient",
        `could not reach ${redactUrl(this.endpoint)} (${cause ?? (error as Error).message})`,
        {
          code: "NETWORK_ERROR",
          maybeCommitted: !permanent,
        },
      );
    } finally {
      clearTimeout(timer);
    }

    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
    let body: GraphQLResponseBody | undefined;
    try {
      body = text ? (JSON.parse(text) as GraphQLResponseBody) : undefined;
    } catch {
      body = undefined;
    }

    const errors = body?.errors ?? [];
    if (!response.ok || errors.length) {
      const first = errors[0];
      const code = first?.extensions?.code ?? (response.ok ? undefined : response.status === 429 ? "RATE_LIMITED" : "HTTP_ERROR");
      const message = errors.length
        ? errors.map((e) => e.message ?? "unknown error").join("; ")
        : response.statusText || `HTTP ${response.status}`;
      const { kind, throttled, maybeCommitted } = classify(response.status, first?.extensions?.code, message);
      throw fail(kind, message, {
        code: throttled && !first?.extensions?.code ? "RATE_LIMITED" : code,
        status: response.status,
        throttled,
        maybeCommitted,
        retryAfterMs,
      });
    }
    if (!body || body.data == null) {
      throw fail("transient", "response has no data", { code: "HTTP_ERROR", status: response.status, maybeCommitted: true });
    }
    return body.data as T;
  }
}

/** A retry that would outlast the budget: say how long Railway asked to wait, so a user can act. */
function withBudgetNote(error: RailwayApiError, delayMs: number, budgetMs: number): RailwayApiError {
  if (error.kind !== "rateLimited" || error.retryAfterMs === undefined) return error;
  const note =
    ` (Railway asked to wait ${Math.ceil(delayMs / 1000)} s, longer than the ${Math.round(budgetMs / 1000)} s retry budget:` +
    " the token has used its hourly request allowance; set `railwayPlan` to the plan you are on so Trestle paces itself, or wait and run again)";
  Object.defineProperty(error, "message", { value: error.message + note });
  return error;
}

const REDACTED = "[redacted]";

/** The shortest declared secret redacted (shorter ones would blank ordinary words). */
const MIN_SECRET = 3;
/** The shortest other input redacted: inputs are not all secret, but may be. */
const MIN_INPUT = 6;

/**
 * Removes every input string of 6+ characters, and every declared secret and
 * the token however short, in every form it can take, from the error's message
 * and stack.
 */
function redactInputs(error: RailwayApiError, variables: unknown, secrets: readonly string[]): void {
  const values = new Set<string>();
  for (const secret of secrets) if (secret.length >= MIN_SECRET) encodedForms(secret).forEach((f) => values.add(f));
  const collect = (value: unknown): void => {
    if (typeof value === "string" && value.length >= MIN_INPUT) encodedForms(value).forEach((f) => values.add(f));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(variables);
  // Longest first, so a value containing another is replaced whole.
  const ordered = [...values].filter((v) => v.length >= MIN_SECRET).sort((a, b) => b.length - a.length);
  const scrub = (text: string) => ordered.reduce((t, v) => t.split(v).join(REDACTED), text);
  const message = scrub(error.message);
  if (message !== error.message) Object.defineProperty(error, "message", { value: message });
  if (error.stack) Object.defineProperty(error, "stack", { value: scrub(error.stack) });
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "the Railway endpoint";
  }
}
