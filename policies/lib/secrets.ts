// What looks like a secret: by a variable's name, and by its value.

/** Names that hold secrets (`STRIPE_SECRET_KEY`, `DB_PASSWORD`, `GITHUB_TOKEN`, `SERPAPI_KEY`). */
const SECRET_NAME = /(^|_)(SECRET|SECRETS|PASSWORD|PASSWD|PWD|TOKEN|CREDENTIALS?|PRIVATE_KEY|API_KEY|ACCESS_KEY|KEY)($|_)/i;
/** Names that say "public" though they end in `_KEY` (`STRIPE_PUBLISHABLE_KEY`, `*_KEY_ID`). */
const PUBLIC_NAME = /PUBLISHABLE|PUBLIC_KEY|_KEY_ID$|_KEY_NAME$/i;

/** A Railway reference such as `${{Postgres.DATABASE_URL}}`: not a value, so never a secret itself. */
export const REFERENCE = /\$\{\{\s*[A-Za-z0-9_.-]+\s*\}\}/g;

const SECRET_VALUES: [RegExp, string][] = [
  [/\b[sr]k_(live|test)_[0-9A-Za-z]{4,}/, "a Stripe secret key"],
  [/\bsk-(proj|ant|svcacct)-\S+/, "an OpenAI/Anthropic API key"],
  [/\bsk-[A-Za-z0-9]{20,}/, "an OpenAI API key"],
  [/\bwhsec_[A-Za-z0-9]{4,}/, "a webhook signing secret"],
  [/\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/, "a GitHub token"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bxox[abpr]-[A-Za-z0-9-]{8,}/, "a Slack token"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

/** A URL with a literal password in its user info (a `${{…}}` reference does not count). */
const CREDENTIALED_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@/i;

export function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !PUBLIC_NAME.test(name);
}

/** Why a value looks secret, or undefined. References are removed first. */
export function secretValueReason(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const literal = value.replace(REFERENCE, "");
  for (const [pattern, reason] of SECRET_VALUES) if (pattern.test(literal)) return reason;
  const url = CREDENTIALED_URL.exec(value);
  if (url && !/^\$\{\{/.test(url[1])) return "a URL with a password";
  return undefined;
}

/** True when the value is only Railway references (and separators), e.g. `${{Redis.REDIS_URL}}/0`. */
export function onlyReferences(value: unknown): boolean {
  return typeof value === "string" && /\$\{\{/.test(value) && !/[A-Za-z0-9]{6,}/.test(value.replace(REFERENCE, ""));
}

/** Browser-exposed variable prefixes of the common frameworks. */
export const PUBLIC_PREFIX = /^(NEXT_PUBLIC_|VITE_|PUBLIC_|REACT_APP_|NUXT_PUBLIC_|EXPO_PUBLIC_|GATSBY_)/;
