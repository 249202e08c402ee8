// Pulumi's passphrase secrets provider, for writing `secure:` values into stack
// files without the Pulumi CLI: AES-256-GCM with a key from PBKDF2-SHA256
// (1,000,000 iterations) over an 8-byte salt; `encryptionsalt` is
// `v1:<salt>:<"pulumi" encrypted>` (pulumi/pulumi sdk/go/common/resource/config/crypt.go,
// pkg/secrets/passphrase/manager.go).
//
// `trestle secret set` (./cli.ts) uses it; the Pulumi CLI (`pulumi config set
// --secret`) does the same where it is installed.
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { type Document, parseDocument } from "yaml";

const ITERATIONS = 1_000_000;
const keyCache = new Map<string, Buffer>();

function key(passphrase: string, salt: Buffer): Buffer {
  const id = `${passphrase}\u0000${salt.toString("base64")}`;
  let derived = keyCache.get(id);
  if (!derived) {
    derived = pbkdf2Sync(passphrase, salt, ITERATIONS, 32, "sha256");
    keyCache.set(id, derived);
  }
  return derived;
}

function encryptWith(k: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", k, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

function decryptWith(k: Buffer, value: string): string {
  const [version, nonce, sealed] = value.split(":");
  if (version !== "v1" || !nonce || !sealed) throw new Error("not a v1 passphrase-encrypted value");
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", k, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

function saltOf(encryptionsalt: string): Buffer {
  const [version, salt] = encryptionsalt.split(":");
  if (version !== "v1" || !salt) throw new Error("`encryptionsalt` is not a v1 passphrase salt");
  return Buffer.from(salt, "base64");
}

/** A new `encryptionsalt` for a passphrase. */
export function newEncryptionSalt(passphrase: string): string {
  const salt = randomBytes(8);
  return `v1:${salt.toString("base64")}:${encryptWith(key(passphrase, salt), "pulumi")}`;
}

/** Whether the passphrase opens this stack's `encryptionsalt`. */
export function passphraseMatches(passphrase: string, encryptionsalt: string): boolean {
  try {
    return decryptWith(key(passphrase, saltOf(encryptionsalt)), encryptionsalt.split(":").slice(2).join(":")) === "pulumi";
  } catch {
    return false;
  }
}

export function encryptValue(passphrase: string, encryptionsalt: string, plaintext: string): string {
  return encryptWith(key(passphrase, saltOf(encryptionsalt)), plaintext);
}

export function decryptValue(passphrase: string, encryptionsalt: string, ciphertext: string): string {
  return decryptWith(key(passphrase, saltOf(encryptionsalt)), ciphertext);
}

/** A passphrase that does not open the stack: one line for the user, no stack trace. */
export class PassphraseError extends Error {}

/** Sets `<namespace>:<key>` (as given) as a `secure:` value in a stack file, keeping its comments. */
export function setStackSecret(file: string, passphrase: string, fullKey: string, value: string): { rekeyed: number } {
  const doc = parseDocument(readFileSync(file, "utf8"));
  const where = path.relative(process.cwd(), file) || file;
  if (doc.errors.length) throw new PassphraseError(`${where}: not YAML Trestle can write (${doc.errors[0].message.split("\n")[0]})`);
  // Another secrets provider (a cloud KMS, Vault, Pulumi Cloud) encrypts with a key
  // Trestle does not have: a passphrase salt written beside it would corrupt the stack.
  const provider = doc.get("secretsprovider") as string | undefined;
  if ((provider && provider !== "passphrase" && provider !== "default") || doc.get("encryptedkey")) {
    throw new PassphraseError(
      `${where}: this stack's secrets use ${provider ? `the \`${provider.split("://")[0]}\` secrets provider` : "an encrypted data key"}, not a passphrase; set the secret with \`pulumi config set --secret ${fullKey}\` (the value from standard input)`,
    );
  }
  if (!doc.get("encryptionsalt") && JSON.stringify(doc.toJSON() ?? {}).includes('"secure":')) {
    throw new PassphraseError(
      `${where}: its secrets were encrypted without a passphrase salt (Pulumi Cloud's own secrets, most likely); set the secret with \`pulumi config set --secret ${fullKey}\``,
    );
  }
  let salt = doc.get("encryptionsalt") as string | undefined;
  let rekeyed = 0;
  if (!salt) {
    salt = newEncryptionSalt(passphrase);
    doc.set("encryptionsalt", salt);
  } else if (!passphraseMatches(passphrase, salt)) {
    const placeholders = placeholdersOnly(doc, salt);
    if (!placeholders) {
      throw new PassphraseError(
        `${where}: the passphrase does not open this stack's secrets (its \`encryptionsalt\`), and they are not only \`trestle init\`'s placeholders; check PULUMI_CONFIG_PASSPHRASE`,
      );
    }
    // A new project's placeholders (encrypted by `trestle init` with an empty
    // passphrase, or this repository's `trestle-placeholders`) hold nothing:
    // the stack takes the user's passphrase, the placeholders re-encrypted under it.
    salt = newEncryptionSalt(passphrase);
    doc.set("encryptionsalt", salt);
    for (const [key, plain] of placeholders) doc.setIn(["config", key], { secure: encryptValue(passphrase, salt, plain) });
    rekeyed = placeholders.size;
  }
  doc.setIn(["config", fullKey], { secure: encryptValue(passphrase, salt, value) });
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return { rekeyed };
}

/** The passphrases placeholders are written with: `trestle init`'s default (none) and this repository's. */
const PLACEHOLDER_PASSPHRASES = ["", "trestle-placeholders"];

/**
 * The stack's secure values, when a placeholder passphrase opens the salt and
 * every one of them is a placeholder (`placeholder-<key>-<stack>`, as `trestle
 * init` writes them); undefined when anything else is there.
 */
function placeholdersOnly(doc: Document, salt: string): Map<string, string> | undefined {
  const opener = PLACEHOLDER_PASSPHRASES.find((p) => passphraseMatches(p, salt));
  if (opener === undefined) return undefined;
  const config = (doc.toJSON() as { config?: Record<string, unknown> } | null)?.config ?? {};
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    const secure = value && typeof value === "object" ? (value as { secure?: unknown }).secure : undefined;
    if (secure === undefined) continue;
    if (typeof secure !== "string") return undefined;
    let plain: string;
    try {
      plain = decryptValue(opener, salt, secure);
    } catch {
      return undefined;
    }
    if (!/^placeholder-[A-Za-z0-9_.-]+$/.test(plain)) return undefined;
    found.set(key, plain);
  }
  return found;
}
