// The one Railway GraphQL client every Railway resource uses.
//
// Everything here runs inside Pulumi's dynamic-provider host after the provider
// closure is serialized into state, so this module captures nothing secret at
// load time: the token is resolved per call from `settings.ts`.

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
  /** No retry is started that would end after this much time since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  throttleDelayMs: 30_000,
  maxElapsedMs: 300_000,
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

/** Every operation declared so far (import `components/railway` first to load them all). */
export function registeredOperations(): RailwayOperation[] {
  return [...registry.values()];
}

/** Error codes Railway sends in `errors[].extensions.code`, plus the ones the client assigns. */
export type RailwayErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR"
  | "HTTP_ERROR"
  | "NETWORK_ERROR"
  | (string & {});

/** The single error type of the Railway layer. Predicates read its fields, not its text. */
export class RailwayApiError extends Error {
  readonly operation: string;
  readonly code: RailwayErrorCode | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly throttled: boolean;
  readonly retryAfterMs: number | undefined;
  attempts = 1;

  constructor(args: {
    operation: string;
    message: string;
    code?: RailwayErrorCode;
    status?: number;
    retryable?: boolean;
    throttled?: boolean;
    retryAfterMs?: number;
  }) {
    const tag = args.code ?? (args.status ? `HTTP ${args.status}` : "ERROR");
    const message = `Railway ${args.operation} failed (${tag}): ${args.message}`;
    super(message);
    // Set again: Pulumi's closure serializer rewrites `super(...)` into
    // `Error.call(this, ...)`, which leaves `message` unset on the instance.
    this.message = message;
    this.name = "RailwayApiError";
    this.operation = args.operation;
    this.code = args.code;
    this.status = args.status;
    this.retryable = args.retryable ?? false;
    this.throttled = args.throttled ?? false;
    this.retryAfterMs = args.retryAfterMs;
  }
}

// Railway does not always attach a code; these messages are the documented
// fallbacks (alchemy-run/distilled packages/railway/src/errors.ts).
const NOT_FOUND_MESSAGE = /\bnot found\b/i;
const ALREADY_EXISTS_MESSAGE = /already exists|already in use|already taken/i;
const THROTTLE_MESSAGE = /too quickly|can be created per user every/i;

export function isNotFound(error: unknown): boolean {
  if (!(error instanceof RailwayApiError)) return false;
  if (error.code === "NOT_FOUND") return true;
  return (error.code === undefined || error.code === "INTERNAL_SERVER_ERROR") && NOT_FOUND_MESSAGE.test(error.message);
}

export function isAlreadyExists(error: unknown): boolean {
  if (!(error instanceof RailwayApiError)) return false;
  if (error.code === "ALREADY_EXISTS" || error.code === "CONFLICT") return true;
  return (error.code === undefined || error.code === "BAD_USER_INPUT") && ALREADY_EXISTS_MESSAGE.test(error.message);
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof RailwayApiError && (error.status === 429 || error.code === "RATE_LIMITED" || error.throttled);
}

/** The missing-token error: a configuration problem, not an API failure. */
export class RailwayTokenMissingError extends Error {
  constructor() {
    const message =
      "No Railway token. Set one with `pulumi config set --secret railwayToken <token>` " +
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
}

export interface ClientOptions {
  credentials: RailwayCredentials;
  endpoint?: string;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests of the backoff itself. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string };
}

interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

export class RailwayClient {
  private readonly credentials: RailwayCredentials;
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: ClientOptions) {
    this.credentials = options.credentials;
    this.endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Sends one operation, retrying only rate limits, throttles, 5xx and dropped connections. */
  async request<T>(op: RailwayOperation, variables: Record<string, unknown> = {}, options: RequestOptions<T> = {}): Promise<T> {
    const started = this.now();
    let maybeCommitted = false;
    for (let attempt = 1; ; attempt++) {
      if (maybeCommitted && op.kind === "mutation" && options.adopt) {
        const adopted = await options.adopt();
        if (adopted !== undefined) return adopted;
      }
      try {
        return await this.send<T>(op, variables);
      } catch (error) {
        if (!(error instanceof RailwayApiError)) throw error;
        error.attempts = attempt;
        // A 429 or a throttle was refused before any work; a 5xx or a dropped
        // connection may have been committed with only the response lost.
        maybeCommitted = error.code === "NETWORK_ERROR" || (error.status ?? 0) >= 500;
        if (!error.retryable || attempt >= this.retry.maxAttempts) throw error;
        const delay = this.delayFor(error, attempt);
        if (this.now() - started + delay > this.retry.maxElapsedMs) throw error;
        await this.sleep(delay);
      }
    }
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

  private async send<T>(op: RailwayOperation, variables: Record<string, unknown>): Promise<T> {
    try {
      return await this.sendOnce<T>(op, variables);
    } catch (error) {
      // Railway's messages sometimes repeat an input; a variable value or a
      // password must not reach a log through them.
      if (error instanceof RailwayApiError) redactInputs(error, variables, this.credentials.token);
      throw error;
    }
  }

  private async sendOnce<T>(op: RailwayOperation, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: this.headers(),
        body: JSON.stringify({ query: op.document, operationName: op.name, variables }),
      });
    } catch (error) {
      // A connection dropped mid-request is a lost response: the mutation may
      // have been committed, so it is retried (with `adopt`) like a 5xx. A refused
      // connection or an unknown host is a configuration problem and is not.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const permanent = cause === "ECONNREFUSED" || cause === "ENOTFOUND" || cause === "ERR_INVALID_URL";
      throw new RailwayApiError({
        operation: op.name,
        code: "NETWORK_ERROR",
        message: `could not reach ${redactUrl(this.endpoint)} (${cause ?? (error as Error).message})`,
        retryable: !permanent,
      });
    }

    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
    const text = await response.text();
    let body: GraphQLResponseBody | undefined;
    try {
      body = text ? (JSON.parse(text) as GraphQLResponseBody) : undefined;
    } catch {
      body = undefined;
    }

    if (response.status === 429 || response.status >= 500 || !response.ok) {
      const first = body?.errors?.[0];
      const retryable = response.status === 429 || response.status >= 500;
      throw new RailwayApiError({
        operation: op.name,
        status: response.status,
        code: first?.extensions?.code ?? (response.status === 429 ? "RATE_LIMITED" : "HTTP_ERROR"),
        message: first?.message ?? (response.statusText || `HTTP ${response.status}`),
        retryable,
        retryAfterMs,
      });
    }

    if (body?.errors?.length) {
      const first = body.errors[0];
      const message = body.errors.map((e) => e.message ?? "unknown error").join("; ");
      const code = first.extensions?.code;
      const throttled = THROTTLE_MESSAGE.test(message);
      throw new RailwayApiError({
        operation: op.name,
        status: response.status,
        code: throttled && !code ? "RATE_LIMITED" : code,
        message,
        retryable: throttled || code === "RATE_LIMITED",
        throttled,
        retryAfterMs,
      });
    }
    if (!body || body.data == null) {
      throw new RailwayApiError({ operation: op.name, status: response.status, code: "HTTP_ERROR", message: "response has no data" });
    }
    return body.data as T;
  }
}

const REDACTED = "[redacted]";

/** Replaces every input string of 6+ characters (and the token) in the error's message. */
function redactInputs(error: RailwayApiError, variables: unknown, token: string): void {
  const values = new Set<string>([token]);
  const collect = (value: unknown): void => {
    if (typeof value === "string" && value.length >= 6) values.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(variables);
  let message = error.message;
  // Longest first, so a value containing another is replaced whole.
  for (const value of [...values].sort((a, b) => b.length - a.length)) message = message.split(value).join(REDACTED);
  if (message !== error.message) Object.defineProperty(error, "message", { value: message });
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
