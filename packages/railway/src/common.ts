// Small pieces every Railway provider shares: diffing, check failures, and the
// not-found conventions (read of a deleted object is "gone", delete of one is done).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { CronExpressionParser } from "cron-parser";
import { isNotFound } from "./client";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** JSON with sorted keys and `undefined`/`null` dropped, so equal settings compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && v !== null) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

/** The keys whose values differ between two property bags. */
export function changedKeys<T extends object>(
  olds: Partial<T>,
  news: Partial<T>,
  keys: readonly (keyof T & string)[],
): (keyof T & string)[] {
  return keys.filter((key) => !sameValue(olds[key], news[key]));
}

/**
 * A Pulumi diff over declared keys: identity keys replace, the rest update.
 * Keys not declared are ignored, so provider-computed outputs never cause churn.
 */
export function diffOf<T extends object>(
  olds: Partial<T>,
  news: Partial<T>,
  keys: { replace: readonly (keyof T & string)[]; update: readonly (keyof T & string)[]; deleteBeforeReplace?: boolean },
): dynamic.DiffResult {
  const replaces = changedKeys(olds, news, keys.replace);
  const updates = changedKeys(olds, news, keys.update);
  const changes = replaces.length + updates.length > 0;
  return {
    changes,
    replaces,
    stables: keys.replace.filter((key) => !replaces.includes(key)),
    deleteBeforeReplace: changes && replaces.length > 0 ? (keys.deleteBeforeReplace ?? false) : false,
  };
}

/** Runs a read; a not-found answer means the object was deleted outside Pulumi. */
export async function unlessGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Runs a delete; an object that is already gone is deleted. */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Failures for required non-empty strings. */
export function requireStrings(news: Record<string, unknown>, keys: readonly string[]): CheckFailure[] {
  return keys
    .filter((key) => typeof news[key] !== "string" || (news[key] as string).trim() === "")
    .map((property) => ({ property, reason: `\`${property}\` is required and must be a non-empty string` }));
}

/** Drops keys whose value is `undefined`, so optional inputs are not stored as nulls. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

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

/** A `check` failure when `value` is not a TCP port (1-65535); an optional port may be left out. */
export function tcpPortFailure(property: string, value: unknown, optional = true): CheckFailure[] {
  if ((optional && value === undefined) || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535)) return [];
  return [{ property, reason: `\`${value}\` is not a TCP port (1-65535)` }];
}
