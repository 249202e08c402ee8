// Facts about what Railway accepts, with no client and no SDK behind them: the
// stack schema and the policy pack read these through `@trestle/railway/facts`.

/** Railway's builders (the schema's `Builder` enum). */
export const BUILDERS = ["RAILPACK", "NIXPACKS", "HEROKU", "PAKETO"] as const;

/** Railway's restart policies (the schema's `RestartPolicyType` enum). */
export const RESTART_POLICY_TYPES = ["ON_FAILURE", "ALWAYS", "NEVER"] as const;

/** BKT-1: the regions a bucket is created in (railwayapp/cli `commands/bucket.rs`): US West, US East, EU West, Asia Pacific. */
export const BUCKET_REGIONS = ["sjc", "iad", "ams", "sin"] as const;
export type BucketRegion = (typeof BUCKET_REGIONS)[number];

/** BKT-3: the variables a bucket gives the services that reference it. */
export const BUCKET_VARIABLES = ["BUCKET", "ENDPOINT", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"] as const;

/** RUN-8: the shortest time Railway allows between two runs of a cron service, in minutes. */
export const CRON_MIN_MINUTES = 5;

/**
 * Why a five-field crontab expression (Railway's cron format) is invalid, or
 * undefined when it is valid (RUN-8). The fields are read by `cron-parser`, and
 * a schedule whose runs come closer than 5 minutes anywhere in a week is refused,
 * as Railway's docs say it must not. Names (`MON`, `JAN`) and `@hourly` are not
 * accepted by Railway, so digits, ranges, lists, steps and `*` only.
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields; Railway cron schedules have 5 (minute hour day-of-month month day-of-week)`;
  const odd = fields.findIndex((f) => !/^[\d*,/-]+$/.test(f));
  if (odd >= 0) return `field ${odd + 1} (\`${fields[odd]}\`) is not a number, range, list, step or \`*\``;
  // Loaded at the first schedule read, not with the module: the policy pack reads these facts without it.
  const { CronExpressionParser } = require("cron-parser") as typeof import("cron-parser");
  let schedule: ReturnType<typeof CronExpressionParser.parse>;
  try {
    schedule = CronExpressionParser.parse(fields.join(" "), { tz: "UTC", currentDate: CRON_WEEK_START });
  } catch (error) {
    return `is not a schedule: ${(error as Error).message}`;
  }
  // The tightest gap between two runs over a week (a schedule repeats within one, but for its day-of-month and month fields).
  let previous = schedule.next().getTime();
  for (let i = 0; i < 2100 && previous < CRON_WEEK_START.getTime() + 8 * 86_400_000; i++) {
    const next = schedule.next().getTime();
    const minutes = (next - previous) / 60_000;
    if (minutes < CRON_MIN_MINUTES) {
      return `runs ${minutes === 1 ? "every minute" : `${minutes} minutes apart`} at its tightest; Railway starts a cron service at most every ${CRON_MIN_MINUTES} minutes (for example \`*/5 * * * *\`), or run the loop in a worker`;
    }
    previous = next;
  }
  return undefined;
}

/** A fixed start for reading a schedule, so the answer never depends on today's date. */
const CRON_WEEK_START = new Date("2026-01-05T00:00:00Z");

/** A lower-case DNS host name such as `api.example.com` (no scheme, path or port). */
export const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A variable name Railway accepts: letters, digits and `_`, not starting with a digit. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
