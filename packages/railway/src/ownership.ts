// Proof that a Railway project is a stack's own, for the one case where state
// cannot say so: a run that died after `projectCreate` and before Pulumi saved
// its state. A marker that is merely present proves nothing (anyone who can
// create a project the token lists can write `[trestle:<project>/<stack>]`
// into a description), so the marker carries an HMAC of the stack identity and
// the project's own id, keyed by the Railway token the stack deploys with. A
// copy of a real project's marker into another project does not verify (the
// id differs), and without the token nobody can make one that does.
//
// Web Crypto through `globalThis`, not `node:crypto`: the closure serializer
// leaves the host's global alone (settings.ts), where an imported module would
// be copied into every provider closure.
import { resolveCredentials } from "./settings";

/** The unproven marker, as a project carries it between `projectCreate` and the proof. */
export function ownerMarker(owner: string): string {
  return `[trestle:${owner}]`;
}

const encoder = new TextEncoder();

/** The proof for `owner` over `projectId`: 32 hex digits of HMAC-SHA256 under the token. */
export async function ownerProof(owner: string, projectId: string, token = resolveCredentials().token): Promise<string> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey("raw", encoder.encode(`trestle-owner-proof:${token}`), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await subtle.sign("HMAC", key, encoder.encode(`${owner}\n${projectId}`)));
  return [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The proven marker: `[trestle:<owner>#<proof>]`. */
export async function provenMarker(owner: string, projectId: string): Promise<string> {
  return `[trestle:${owner}#${await ownerProof(owner, projectId)}]`;
}

/** True when `description` carries a proof for `owner` over this very project's id. */
export async function provesOwner(description: string | null | undefined, owner: string, projectId: string): Promise<boolean> {
  if (!description) return false;
  const expected = await provenMarker(owner, projectId);
  // Equal length, compared in full: a prefix does not verify.
  return description.split(/\s+/).some((word) => word.length === expected.length && word === expected);
}
