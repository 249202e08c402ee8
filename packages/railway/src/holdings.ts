// Two rules that keep a replacement from destroying what it replaces.
//
// 1. A delete never removes a remote object that a newer resource holds.
//    Pulumi replaces create-before-delete by default: the new resource is
//    created (and may adopt the very object the old one names: a project by
//    id, a service or a volume by name), then the old resource is deleted.
//    Every create records which resource now holds the object's id; a delete
//    of an id held by another resource leaves the object alone. The record is
//    process-wide (on `globalThis`, as the settings are), because Pulumi's
//    dynamic-provider host runs every serialized provider closure of an
//    update in one process, and the old resource's closure may be a different
//    text from the new one's.
// 2. A resource that holds data (a project, an environment, a database's
//    service, a volume) is never replaced without the user's opt-in. Its
//    provider's diff throws `DataLossRefusedError` instead, which stops the
//    preview or update before anything is created or deleted.
import type * as dynamic from "@pulumi/pulumi/dynamic";

const HOLDINGS_KEY = "__trestleRailwayHoldings";

function holdings(): Map<string, string> {
  const global = globalThis as Record<string, unknown>;
  let map = global[HOLDINGS_KEY] as Map<string, string> | undefined;
  if (!map) {
    map = new Map();
    global[HOLDINGS_KEY] = map;
  }
  return map;
}

/**
 * Records that a resource now holds the remote object `id` of `kind`, and
 * returns its holder token (stored in the resource's outputs as `holder`).
 */
export function hold(kind: string, id: string): string {
  // Web Crypto through `globalThis`: the closure serializer leaves the host's global alone,
  // where an imported `node:crypto` would be copied into every provider closure.
  const token = globalThis.crypto.randomUUID();
  holdings().set(`${kind}:${id}`, token);
  return token;
}

/**
 * True when another resource of this process holds `id`: the resource being
 * deleted (whose token is `holder`, or none in state written before tokens)
 * was replaced by one that adopted the same object.
 */
export function heldByAnother(kind: string, id: string, holder: unknown): boolean {
  const current = holdings().get(`${kind}:${id}`);
  return current !== undefined && current !== holder;
}

/** Forgets the holding of a deleted object (so a later create of the same id starts clean). */
export function release(kind: string, id: string, holder: unknown): void {
  const key = `${kind}:${id}`;
  if (holdings().get(key) === holder) holdings().delete(key);
}

/**
 * Runs `remove` unless another resource holds the object: the one delete rule
 * every Railway provider follows (rule 1 above).
 */
export async function deleteUnlessHeld(kind: string, id: string, holder: unknown, remove: () => Promise<void>): Promise<void> {
  if (heldByAnother(kind, id, holder)) return;
  await remove();
  release(kind, id, holder);
}

/** A replacement of a resource that holds data, refused because the user did not opt in. */
export class DataLossRefusedError extends Error {
  constructor(
    /** What would be lost, e.g. "the Railway project `travel-backend`". */
    readonly what: string,
    /** The inputs whose change forces the replacement. */
    readonly replaces: string[],
    /** What the user changes to allow it, or to avoid it. */
    readonly fix: string,
  ) {
    super(
      `refused: replacing ${what} would delete it and the data it holds (its change of ${replaces.map((k) => `\`${k}\``).join(", ")} forces a new one). ${fix}`,
    );
    this.name = "DataLossRefusedError";
    Object.setPrototypeOf(this, DataLossRefusedError.prototype);
  }
}

/** How a refusal names an object: its kind, its name, and its id once it has one. */
export function described(kind: string, name: string | undefined, id: unknown): string {
  return `${kind}${name ? ` \`${name}\`` : ""}${typeof id === "string" && id ? ` (${id})` : ""}`;
}

/** Inputs every data-holding Railway resource takes. */
export interface DataGuardInputs {
  /**
   * Allow this update to replace the resource (and so delete what it holds).
   * Set through `trestle:allowReplace` for one update, then removed.
   */
  allowReplace?: boolean;
}

/**
 * Throws `DataLossRefusedError` when `diff` replaces a data-holding resource
 * the user did not allow to be replaced; returns `diff` otherwise.
 */
export function guardReplace(diff: dynamic.DiffResult, news: DataGuardInputs, what: string, fix: string): dynamic.DiffResult {
  if (!diff.replaces?.length || news.allowReplace) return diff;
  throw new DataLossRefusedError(what, diff.replaces, fix);
}
