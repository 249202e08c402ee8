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
  return value.split(",").map((o) => o.trim()).filter(Boolean);
}
