// What a variable's name says about its service: which one carries the API's
// allowed origins, which one makes a Redis a job queue. One definition, read by
// the stack config, the policy pack and the synth report alike.

/** Variable names an API reads its allowed origins from. */
export const CORS_VARIABLE = /(^|_)CORS(_|$)|(^|_)ALLOWED_ORIGINS?$|(^|_)ALLOW_ORIGINS?$|^ORIGINS$|_ORIGINS$/i;
/** Variable names that make a Redis a job queue: Celery's broker, BullMQ, RQ, Sidekiq-style queue URLs. */
export const QUEUE_VARIABLE = /CELERY_BROKER|BROKER_URL|BULL|(^|_)QUEUE(S)?(_|$)|(^|_)RQ_|SIDEKIQ|RESQUE/i;

/** Parses a CORS variable as the API would. */
export function parseOrigins(value: unknown, format: "comma" | "json"): string[] | undefined {
  if (typeof value !== "string") return undefined;
  if (format === "json") {
    try {
      const parsed = JSON.parse(value);
      return Array.isArray(parsed) && parsed.every((o) => typeof o === "string") ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return value
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
}

/** A name that says it holds origins, whatever else it says (`CLIENT_ORIGIN`, `allowedOrigins`, `FRONTEND_ORIGIN`). */
export const ORIGIN_NAME = /origin/i;

const ORIGIN_SHAPE = /^https?:\/\/[^\s/?#]+$/i;

/**
 * Whether a variable holds CORS origins, judged by its value as well as its
 * name: a CORS-looking name, a name that says origin, a list of two or more
 * origins, or a wildcard host (`https://*.vercel.app`), in either format.
 */
export function holdsOrigins(name: string, value: unknown): "comma" | "json" | undefined {
  if (typeof value !== "string") return undefined;
  const format = value.trim().startsWith("[") ? "json" : "comma";
  if (CORS_VARIABLE.test(name) || ORIGIN_NAME.test(name)) return format;
  const origins = parseOrigins(value, format);
  if (!origins?.length || !origins.every((o) => ORIGIN_SHAPE.test(o))) return undefined;
  return origins.length > 1 || origins.some((o) => o.includes("*")) ? format : undefined;
}

/**
 * The host of an origin as a browser compares it: lower case, IDN in
 * punycode, IPv4 in dotted decimal (`127.1`, `0x7f.0.0.1`), IPv6 compressed,
 * without a trailing dot. Undefined when it is not a URL.
 */
export function originHost(origin: string): string | undefined {
  try {
    return new URL(origin.replace("*.", "wildcard.")).hostname.replace(/\.$/, "").replace(/^wildcard\./, "*.");
  } catch {
    return undefined;
  }
}

/** Whether an origin is this machine: `localhost` (and its subdomains), the whole 127.0.0.0/8, `::1`, `0.0.0.0`. */
export function isLoopbackOrigin(origin: string): boolean {
  const host = originHost(origin);
  if (!host) return false;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "[::1]" ||
    host === "0.0.0.0" ||
    host === "[::]" ||
    host === "[::ffff:7f00:1]"
  );
}
