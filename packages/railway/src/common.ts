// Small pieces every Railway provider shares: diffing, check failures, and the
// not-found conventions (read of a deleted object is "gone", delete of one is done).
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isNotFound } from "./client";
export { CRON_MIN_MINUTES, HOSTNAME, VARIABLE_NAME, cronProblem } from "./patterns";

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

/** A `check` failure when `value` is not a TCP port (1-65535); an optional port may be left out. */
export function tcpPortFailure(property: string, value: unknown, optional = true): CheckFailure[] {
  if ((optional && value === undefined) || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535)) return [];
  return [{ property, reason: `\`${value}\` is not a TCP port (1-65535)` }];
}
