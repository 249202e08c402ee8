// The stacks' `secure:` values are in Pulumi's passphrase format, hold only
// placeholders, and nothing in the stack files is a plaintext secret.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { decryptValue, encryptValue, newEncryptionSalt, passphraseMatches } from "../../packages/cli/src/secret/passphrase";
import { ROOT } from "../stack-harness";

/** The passphrase of the committed placeholders (docs/deploying.md). */
const PLACEHOLDER_PASSPHRASE = "trestle-placeholders";

describe("passphrase-encrypted stack secrets", () => {
  it("round-trips a value and rejects a wrong passphrase", () => {
    const salt = newEncryptionSalt("correct horse");
    const secret = encryptValue("correct horse", salt, "sk-value");
    expect(secret).toMatch(/^v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
    expect(decryptValue("correct horse", salt, secret)).toBe("sk-value");
    expect(passphraseMatches("correct horse", salt)).toBe(true);
    expect(passphraseMatches("battery staple", salt)).toBe(false);
    expect(() => decryptValue("battery staple", salt, secret)).toThrow();
  });

  it.each(["staging", "prod"])("Pulumi.%s.yaml holds only encrypted placeholders", (stack) => {
    const doc = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
      encryptionsalt: string;
      config: Record<string, unknown>;
    };
    expect(passphraseMatches(PLACEHOLDER_PASSPHRASE, doc.encryptionsalt)).toBe(true);
    const secure = Object.entries(doc.config).filter(([, v]) => v && typeof v === "object" && "secure" in v) as [
      string,
      { secure: string },
    ][];
    expect(secure.map(([k]) => k).sort()).toEqual(
      ["amadeusClientId", "amadeusClientSecret", "cloudinaryApiKey", "cloudinaryApiSecret", "edgeConfig", "serpapiKey"].map(
        (k) => `travel-planner:${k}`,
      ),
    );
    for (const [key, { secure: value }] of secure) {
      expect(decryptValue(PLACEHOLDER_PASSPHRASE, doc.encryptionsalt, value)).toBe(
        `placeholder-${key.slice("travel-planner:".length)}-${stack}`,
      );
    }
    // No plaintext value anywhere looks like a credential.
    const text = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
    expect(text).not.toMatch(/sk_live_|sk-proj-|whsec_|ghp_|AKIA[0-9A-Z]{16}|:\/\/[^\s:@/]+:[^\s@$]+@/);
  });
});
