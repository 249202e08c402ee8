// What a Railway error means, decided once, where the error is made.
//
// Railway answers most failures as HTTP 200 with `errors[].extensions.code`,
// and reuses `INTERNAL_SERVER_ERROR` for several distinct meanings that only
// the message tells apart (name collisions, throttles, authorization). Every
// rule below names the entry of docs/railway-behaviour.md it implements; the
// providers read `kind`, never the message.

/** What an error means for the caller. */
export type RailwayErrorKind =
  /** The object does not exist (ERR-3). Reads report it gone; deletes are done. */
  | "notFound"
  /** A create collided with an existing name (ERR-2): adopt the existing object. */
  | "alreadyExists"
  /** The token is missing, invalid, expired or not allowed (AUTH-3). Never "gone". */
  | "auth"
  /** 429, or one of Railway's "too quickly" throttles (RATE-1, RATE-3). Retried. */
  | "rateLimited"
  /** A failure Railway says is worth retrying (ERR-4, ERR-5, ERR-6, 5xx, a dropped connection). */
  | "transient"
  /** The request was refused as invalid (`BAD_USER_INPUT`, validation, another 4xx). */
  | "invalid"
  /** The plan does not allow it (`PLAN_LIMIT`, `SUBSCRIPTION_REQUIRED`). */
  | "planLimit"
  /** The endpoint cannot be reached at all (refused connection, unknown host). */
  | "unreachable"
  /** The request took longer than its deadline. Retried like a lost response. */
  | "timeout"
  /** Anything else: an internal error not known to be transient. Not retried. */
  | "internal";

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
  | "TIMEOUT"
  | (string & {});

/** The single error type of the Railway layer. Predicates read its fields, not its text. */
export class RailwayApiError extends Error {
  readonly operation: string;
  readonly code: RailwayErrorCode | undefined;
  readonly status: number | undefined;
  readonly kind: RailwayErrorKind;
  readonly retryable: boolean;
  /** The request may have been executed with only its answer lost (a 5xx, a drop, a timeout). */
  readonly maybeCommitted: boolean;
  readonly throttled: boolean;
  readonly retryAfterMs: number | undefined;
  attempts: number;

  constructor(args: {
    operation: string;
    message: string;
    kind: RailwayErrorKind;
    code?: RailwayErrorCode;
    status?: number;
    maybeCommitted?: boolean;
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
    this.kind = args.kind;
    this.retryable = args.kind === "rateLimited" || args.kind === "transient" || args.kind === "timeout";
    this.maybeCommitted = args.maybeCommitted ?? false;
    this.throttled = args.throttled ?? false;
    this.retryAfterMs = args.retryAfterMs;
    this.attempts = 1;
  }
}

// Message rules for `INTERNAL_SERVER_ERROR` (or no code), first match wins.
// Source for each: alchemy-run/distilled packages/railway/src/errors.ts
// (RAILWAY_ERROR_MATCHERS) and patches/graphql/20-lifecycle-errors.json, and
// railwayapp/cli src/client.rs (parse_graphql_response).
const MESSAGE_RULES: readonly { test: RegExp; kind: RailwayErrorKind; throttled?: boolean; id: string }[] = [
  // AUTH-3: "Not Authorized" is how Railway answers a dead or wrongly scoped
  // token; "project token not found" is an invalid RAILWAY_TOKEN. Checked
  // before not-found so a bad token can never make a resource look deleted.
  { test: /not authori[sz]ed|project token not found|two factor authentication required/i, kind: "auth", id: "AUTH-3" },
  // RATE-3: create throttles come as INTERNAL_SERVER_ERROR with these texts.
  { test: /too quickly|can be created per user every/i, kind: "rateLimited", throttled: true, id: "RATE-3" },
  // ERR-4, ERR-5, ERR-6: Railway's own "try again" failures.
  { test: /failed to create service domain/i, kind: "transient", id: "ERR-4" },
  { test: /problem processing request/i, kind: "transient", id: "ERR-5" },
  { test: /operation is already in progress/i, kind: "transient", id: "ERR-6" },
  // ERR-2: name collisions.
  { test: /already exists|already in use/i, kind: "alreadyExists", id: "ERR-2" },
  // ERR-3: "<Entity> not found". Project, ServiceInstance, Deployment and
  // VolumeInstance are observed; the other entity names are assumed to follow
  // the same shape (see the catalogue entry).
  {
    test: /\b(Project|Service|ServiceInstance|Environment|Deployment|Volume|VolumeInstance|CustomDomain|ServiceDomain|TCPProxy|TcpProxy|DeploymentTrigger|Variable) not found\b/,
    kind: "notFound",
    id: "ERR-3",
  },
];

// ERR-3, AUTH-3, RATE-1 and the rest of distilled's RAILWAY_ERROR_CODE_MAP.
const CODE_KINDS: Record<string, RailwayErrorKind> = {
  UNAUTHENTICATED: "auth",
  UNAUTHORIZED: "auth",
  FORBIDDEN: "auth",
  NOT_FOUND: "notFound",
  BAD_USER_INPUT: "invalid",
  GRAPHQL_VALIDATION_FAILED: "invalid",
  BAD_REQUEST: "invalid",
  RATE_LIMITED: "rateLimited",
  TOO_MANY_REQUESTS: "rateLimited",
  PLAN_LIMIT: "planLimit",
  SUBSCRIPTION_REQUIRED: "planLimit",
};

/**
 * Classifies one failed answer. `status` is the HTTP status; GraphQL errors
 * arrive with 200 (ERR-1). Transport failures (5xx) are transient whatever
 * their text says: a proxy's "upstream not found" is not Railway saying an
 * object is gone.
 */
export function classify(
  status: number,
  code: string | undefined,
  message: string,
): { kind: RailwayErrorKind; throttled: boolean; maybeCommitted: boolean } {
  if (status === 429) return { kind: "rateLimited", throttled: false, maybeCommitted: false };
  if (status === 401 || status === 403) return { kind: "auth", throttled: false, maybeCommitted: false };
  if (status >= 500) return { kind: "transient", throttled: false, maybeCommitted: true };
  if (code && CODE_KINDS[code] === "auth") return { kind: "auth", throttled: false, maybeCommitted: false };
  if (code === undefined || code === "INTERNAL_SERVER_ERROR") {
    for (const rule of MESSAGE_RULES) {
      if (rule.test.test(message)) {
        // ERR-5 is a gateway failure after the request reached Railway: it may have run.
        return { kind: rule.kind, throttled: rule.throttled ?? false, maybeCommitted: rule.id === "ERR-5" };
      }
    }
    if (status >= 400) return { kind: "invalid", throttled: false, maybeCommitted: false };
    return { kind: "internal", throttled: false, maybeCommitted: false };
  }
  if (CODE_KINDS[code]) return { kind: CODE_KINDS[code], throttled: false, maybeCommitted: false };
  if (/_NOT_FOUND$/.test(code)) return { kind: "notFound", throttled: false, maybeCommitted: false };
  if (status >= 400) return { kind: "invalid", throttled: false, maybeCommitted: false };
  return { kind: "internal", throttled: false, maybeCommitted: false };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof RailwayApiError && error.kind === "notFound";
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof RailwayApiError && error.kind === "alreadyExists";
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof RailwayApiError && error.kind === "rateLimited";
}

export function isAuthError(error: unknown): boolean {
  return error instanceof RailwayApiError && error.kind === "auth";
}
