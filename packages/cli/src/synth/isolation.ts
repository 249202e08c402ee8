// A stack that is not production never holds production's secrets. When the
// project's production stack file sits beside the stack being read, every
// secret of this stack is compared with every secret of production's: by its
// ciphertext (a `secure:` value copied from one file into the other), and,
// where PULUMI_CONFIG_PASSPHRASE opens both files, by a fingerprint of its
// value. Only the verdict leaves this module, never a value or a fingerprint.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { decryptValue, passphraseMatches } from "../secret/passphrase";

interface StackDoc {
  encryptionsalt?: string;
  config?: Record<string, unknown>;
}

function read(file: string): StackDoc | undefined {
  try {
    const doc = parse(readFileSync(file, "utf8")) as unknown;
    return doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as StackDoc) : undefined;
  } catch {
    return undefined; // its own synth reports it
  }
}

/** A production stack by its own file: `trestle:production: true`, or the `production` environment unless it says otherwise. */
export function isProductionStack(doc: StackDoc): boolean {
  const config = doc.config ?? {};
  const production = config["trestle:production"];
  const railway = config["trestle:railway"] as { environment?: unknown } | undefined;
  return production === true || (production !== false && (railway?.environment ?? "production") === "production" && railway !== undefined);
}

const digest = (value: string) => createHash("sha256").update(value).digest("hex");

/** `key` → the ciphertext and, when the passphrase opens the file, a fingerprint of the value. */
function secretsOf(doc: StackDoc, passphrase: string | undefined): Map<string, { cipher: string; fingerprint?: string }> {
  const out = new Map<string, { cipher: string; fingerprint?: string }>();
  const opens = passphrase !== undefined && typeof doc.encryptionsalt === "string" && passphraseMatches(passphrase, doc.encryptionsalt);
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const cipher =
      value && typeof value === "object" && typeof (value as { secure?: unknown }).secure === "string"
        ? (value as { secure: string }).secure
        : undefined;
    if (!cipher) continue;
    let fingerprint: string | undefined;
    if (opens) {
      try {
        fingerprint = digest(decryptValue(passphrase!, doc.encryptionsalt!, cipher));
      } catch {
        // a value this passphrase does not open: compared by its ciphertext only
      }
    }
    out.set(key, { cipher, fingerprint });
  }
  return out;
}

/**
 * Problems for a non-production stack file (`file`) that holds a secret of a
 * production stack file beside it, unless its `trestle:sharedWithProduction`
 * lists the key (a third-party key with no production data behind it).
 */
export function sharedWithProduction(file: string, passphrase = process.env.PULUMI_CONFIG_PASSPHRASE): string[] {
  const doc = read(file);
  if (!doc || isProductionStack(doc)) return [];
  const dir = path.dirname(file);
  const productions = readdirSync(dir)
    .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f) && path.join(dir, f) !== path.resolve(file))
    .map((f) => ({ stack: f.slice("Pulumi.".length, -".yaml".length), doc: read(path.join(dir, f)) }))
    .filter((p): p is { stack: string; doc: StackDoc } => p.doc !== undefined && isProductionStack(p.doc));
  if (!productions.length) return [];
  const declared = doc.config?.["trestle:sharedWithProduction"];
  const shared = new Set(Array.isArray(declared) ? declared.filter((k): k is string => typeof k === "string") : []);
  const mine = secretsOf(doc, passphrase);
  const problems: string[] = [];
  for (const production of productions) {
    const theirs = [...secretsOf(production.doc, passphrase)];
    for (const [key, secret] of mine) {
      const name = key.slice(key.indexOf(":") + 1);
      if (shared.has(name) || shared.has(key)) continue;
      const match = theirs.find(
        ([, other]) => other.cipher === secret.cipher || (secret.fingerprint !== undefined && other.fingerprint === secret.fingerprint),
      );
      if (!match) continue;
      const how = match[1].cipher === secret.cipher ? "the same encrypted value" : "the same value (their fingerprints match)";
      problems.push(
        `${name}: holds ${how} as \`${production.stack}\`'s \`${match[0].slice(match[0].indexOf(":") + 1)}\`, and this stack is not production: ` +
          `give it its own with \`trestle secret set ${name} --stack ${path.basename(file).slice("Pulumi.".length, -".yaml".length)}\`, ` +
          `or list \`${name}\` in \`trestle:sharedWithProduction\` if it is meant to be shared (a key with no production data behind it)`,
      );
    }
  }
  return problems;
}
