// Reading what the recorder captured: secret inputs are kept as Pulumi's wire
// markers, so tests can say exactly which values travel as secrets.
import { RecordedResource, Recorder, isSecretValue } from "./recorder";

/** The value with every secret marker replaced by `{ secret: value }`. */
export function showSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return { secret: showSecrets(value.value) };
  if (Array.isArray(value)) return value.map(showSecrets);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, showSecrets(v)]));
  return value;
}

/** Every string leaf that is NOT inside a secret marker, with its path. */
export function plainStrings(value: unknown, path = ""): [string, string][] {
  if (isSecretValue(value)) return [];
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => (k === "__provider" ? [] : plainStrings(v, path ? `${path}.${k}` : k)));
  return [];
}

/** A URL with a literal password (not a `${{…}}` reference). */
export const CREDENTIALED_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:(?!\$\{\{)[^\s@]+@/i;

/**
 * Plain inputs that carry a secret: a known secret value, or a credentialed URL.
 * Empty means every password, token and credentialed URL travels as a secret.
 */
export function leaks(recorder: Recorder, knownSecrets: string[]): string[] {
  const found: string[] = [];
  for (const r of recorder.resources) {
    for (const [path, value] of plainStrings(r.inputs)) {
      if (knownSecrets.some((s) => s.length >= 6 && value.includes(s))) found.push(`${r.type}::${r.name} ${path} holds a secret value`);
      if (CREDENTIALED_URL.test(value)) found.push(`${r.type}::${r.name} ${path} is a credentialed URL`);
    }
  }
  return found;
}

export function childrenOf(recorder: Recorder, parent: RecordedResource): RecordedResource[] {
  return recorder.resources.filter((r) => r.parent === parent.urn);
}

export function resolve<T>(output: { apply<U>(f: (t: T) => U): unknown }): Promise<T> {
  return new Promise((r) => output.apply((v) => r(v)));
}
