// What looks like a secret, and what a browser sees: one knowledge base for the
// policy pack and the stack config alike. Measured by packages/policies/test/corpus.test.ts
// (names and values, secret and not), which reports the false-positive rate.

/** Words that make a name secret wherever they stand, even run together (`DB_PASSWORD`, `jwtSecret`, `DBPASSWORD`, `APIKEY`). */
const STRONG = ["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "PRIVATEKEY", "APIKEY", "TOKEN", "CREDENTIAL", "SERVICEROLE"];
/** Words that make a name secret as a whole word (`DB_PASS`, `AUTH_SALT`, `ADMIN_PWD`). */
const WORDS = new Set(["PASS", "PWD", "SALT", "PEPPER", "SIGNATURE", "DSN"]);
/** A `KEY` after these words is secret (`ACCESS_KEY`, `SIGNING_KEY`); a `KEY` ending a longer name is too (`SERPAPI_KEY`). */
const KEY_QUALIFIERS = new Set([
  "API",
  "ACCESS",
  "SECRET",
  "PRIVATE",
  "SIGNING",
  "ENCRYPTION",
  "MASTER",
  "SERVICE",
  "AUTH",
  "WEBHOOK",
  "LICENSE",
  "ADMIN",
  "SESSION",
  "APP",
  "CLIENT",
  "HMAC",
  "JWT",
]);
/** Last words that name something about a secret, not the secret (`TOKEN_URL`, `SECRET_NAME`, `KEY_PREFIX`). */
const ABOUT = new Set([
  "URL",
  "URI",
  "ENDPOINT",
  "HOST",
  "NAME",
  "HEADER",
  "LENGTH",
  "TTL",
  "EXPIRY",
  "EXPIRES",
  "ALGORITHM",
  "ALG",
  "TYPE",
  "ISSUER",
  "AUDIENCE",
  "VERSION",
  "PATH",
  "FILE",
  "DIR",
  "REGION",
  "ENABLED",
  "REQUIRED",
  "POLICY",
  "PREFIX",
  "FIELD",
  "PARAM",
  "LIFETIME",
  "ROTATION",
  "COUNT",
  "MIN",
  "MAX",
  "MODE",
  "STRATEGY",
  "KIND",
]);
/** `KEY` names that are public by definition (`STRIPE_PUBLISHABLE_KEY`, `VAPID_PUBLIC_KEY`, `KEY_ID`). */
const PUBLIC_KEY_WORDS = new Set(["PUBLISHABLE", "PUBLIC", "ANON", "ID", "IDS", "PAIR_ID"]);

/** `secretKey` → `SECRET_KEY`; `DB-PASS` → `DB_PASS`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/**
 * Names public by their vendor's own word, whatever the words in them say
 * (`…_DSN`, `…_KEY`), matched after a browser prefix (`NEXT_PUBLIC_`, …). A
 * value of a vendor's secret kind under one of them is still caught by value
 * (`phx_…`, a PostHog personal key). docs/policies.md lists them with these sources.
 */
export const KNOWN_PUBLIC_NAMES: readonly { names: readonly string[]; source: string }[] = [
  {
    names: ["SENTRY_DSN"],
    source:
      'https://docs.sentry.io/concepts/key-terms/dsn-explainer/ ("DSNs are safe to keep public because they only allow submission of new events")',
  },
  {
    names: ["POSTHOG_KEY", "POSTHOG_PROJECT_API_KEY", "POSTHOG_PROJECT_KEY"],
    source:
      "https://posthog.com/docs/api (the project API key, `phc_…`, is for the public, POST-only endpoints; personal keys are `phx_…`)",
  },
  {
    names: ["SEGMENT_WRITE_KEY"],
    source: "https://segment.com/docs/connections/find-writekey/ (the write key is sent by analytics.js from every browser)",
  },
  {
    names: ["ALGOLIA_SEARCH_KEY", "ALGOLIA_SEARCH_API_KEY", "ALGOLIA_SEARCH_ONLY_API_KEY"],
    source: "https://www.algolia.com/doc/guides/security/api-keys/ (the search-only API key is meant for the frontend)",
  },
  {
    names: ["FIREBASE_API_KEY"],
    source: 'https://firebase.google.com/docs/projects/api-keys ("API keys for Firebase services are not secret")',
  },
];
const KNOWN_PUBLIC = new Set(KNOWN_PUBLIC_NAMES.flatMap((k) => k.names));

/** Whether a variable's name says it holds a secret. */
export function looksSecretName(name: string): boolean {
  const parts = words(name);
  if (!parts.length) return false;
  if (KNOWN_PUBLIC.has(words(name.replace(PUBLIC_PREFIX, "")).join("_"))) return false;
  const last = parts[parts.length - 1];
  const about = parts.length > 1 && ABOUT.has(last);
  if (STRONG.some((w) => parts.join("").includes(w))) return !about;
  if (parts.some((p) => WORDS.has(p))) return !about;
  const key = parts.lastIndexOf("KEY");
  if (key < 0 || about || parts.some((p) => PUBLIC_KEY_WORDS.has(p))) return false;
  return (key > 0 && KEY_QUALIFIERS.has(parts[key - 1])) || (key === parts.length - 1 && parts.length >= 2) || parts.length === 1;
}

/** A Railway reference such as `${{Postgres.DATABASE_URL}}`: not a value, so never a secret itself. */
export const REFERENCE = /\$\{\{\s*[A-Za-z0-9_.-]+\s*\}\}/g;

const SECRET_VALUES: [RegExp, string][] = [
  [/\b[sr]k_(live|test)_[0-9A-Za-z]{4,}/, "a Stripe secret key"],
  [/\bwhsec_[A-Za-z0-9]{4,}/, "a webhook signing secret"],
  [/\bsk-ant-[A-Za-z0-9_-]{4,}/, "an Anthropic API key"],
  [/\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{4,}/, "an OpenAI API key"],
  [/\bsk-[A-Za-z0-9]{20,}/, "an OpenAI API key"],
  [/\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/, "a GitHub token"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bxox[abpres]-[A-Za-z0-9-]{8,}/, "a Slack token"],
  [/https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]{10,}/, "a Slack webhook URL"],
  [/https:\/\/(discord(app)?\.com)\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/, "a Discord webhook URL"],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, "a SendGrid API key"],
  [/\bphx_[A-Za-z0-9]{20,}/, "a PostHog personal API key"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/\bnpm_[A-Za-z0-9]{36}\b/, "an npm token"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
  [/\bkey-[0-9a-f]{32}\b/, "a Mailgun API key"],
  [/\bSK[0-9a-f]{32}\b/, "a Twilio API key"],
  [/\bhf_[A-Za-z0-9]{30,}/, "a Hugging Face token"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JWT"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  // The formats public secret scanners match (gitleaks' rule set, GitHub secret scanning's patterns):
  [/\bGOCSPX-[A-Za-z0-9_-]{20,}/, "a Google OAuth client secret"],
  [/\bBasic\s+[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])/, "HTTP Basic credentials"],
  [/[?&;\s](password|pwd)=(?!\$\{\{)[^\s&;]{3,}/i, "a password in a connection string"],
  [/^(password|pwd)=(?!\$\{\{)[^\s&;]{3,}/i, "a password in a connection string"],
  [/"private_key"\s*:\s*"-----BEGIN/, "a service-account key"],
];

/** A URL with a literal password in its user info, which may hold `/` (a `${{…}}` reference does not count). */
const CREDENTIALED_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@/i;

/** A base64-encoded PEM private key (`LS0tLS1CRUdJTi` is `-----BEGIN` in base64). */
function base64PrivateKey(value: string): boolean {
  for (const run of value.match(/LS0tLS1CRUdJTi[A-Za-z0-9+/=]{16,}/g) ?? []) {
    if (/PRIVATE KEY/.test(Buffer.from(run, "base64").toString("latin1"))) return true;
  }
  return false;
}

type Finding = { rule: string; messageId?: string };
let scanner: ((text: string) => Finding | undefined) | undefined;

/**
 * The credential formats of secretlint's recommended preset (a maintained
 * catalogue: AWS, GCP, private keys, npm, Basic auth, Slack, SendGrid,
 * Shopify, Stripe, GitHub, GitLab, Grafana, OpenAI, Anthropic, Hugging Face,
 * database connection strings, Vault, Vercel, Docker, Cloudflare, …). Its
 * rules report synchronously from a `file` handler; loaded on first use.
 */
function catalogue(text: string): Finding | undefined {
  if (!scanner) {
    // An ES module, which Node (22.12 and later) requires synchronously.
    const { rules } = require("@secretlint/secretlint-rule-preset-recommend") as {
      rules: { meta: { id: string }; create(context: object, options: object): { file?(source: object): unknown } }[];
    };
    let found: Finding | undefined;
    const handlers = rules.map((rule) =>
      rule.create(
        {
          options: {},
          sharedOptions: {},
          locale: "en",
          createTranslator: () => (messageId: string) => ({ messageId }),
          report: (d: { message?: { messageId?: string } }) =>
            (found ??= { rule: rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, ""), messageId: d.message?.messageId }),
          ignore: () => undefined,
        },
        {},
      ),
    );
    scanner = (content) => {
      found = undefined;
      for (const handler of handlers) handler.file?.({ content, filePath: "/trestle/value.txt", ext: ".txt", contentType: "text" });
      return found;
    };
  }
  return scanner(text);
}

/**
 * Why a value looks secret, or undefined. References are removed first. The
 * formats named below come first, for their readable names; every other
 * format of secretlint's catalogue after them.
 */
export function secretValueReason(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const literal = value.replace(REFERENCE, "");
  for (const [pattern, reason] of SECRET_VALUES) if (pattern.test(literal)) return reason;
  if (base64PrivateKey(literal)) return "a base64-encoded private key";
  const url = CREDENTIALED_URL.exec(value);
  if (url && !/^\$\{\{/.test(url[1])) return "a URL with a password";
  const scanned = literal.trim() ? catalogue(literal) : undefined;
  if (scanned) return `a credential (secretlint's \`${scanned.rule}\` format${scanned.messageId ? `: ${scanned.messageId}` : ""})`;
  return undefined;
}

/** True when the value is only Railway references (and separators), e.g. `${{Redis.REDIS_URL}}/0`. */
export function onlyReferences(value: unknown): boolean {
  return typeof value === "string" && /\$\{\{/.test(value) && !/[A-Za-z0-9]{6,}/.test(value.replace(REFERENCE, ""));
}

/**
 * Variable prefixes frameworks build into the browser bundle: Next.js, Vite
 * (and SvelteKit/Astro's `PUBLIC_`), Create React App, Nuxt 3 and 2, Gatsby,
 * Expo, Vue CLI, Storybook, RedwoodJS, Sanity Studio, Angular (@ngx-env),
 * Plasmo and Bun.
 */
export const PUBLIC_PREFIXES = [
  "NEXT_PUBLIC_",
  "VITE_",
  "PUBLIC_",
  "REACT_APP_",
  "NUXT_PUBLIC_",
  "NUXT_ENV_",
  "GATSBY_",
  "EXPO_PUBLIC_",
  "VUE_APP_",
  "STORYBOOK_",
  "REDWOOD_ENV_",
  "SANITY_STUDIO_",
  "NG_APP_",
  "PLASMO_PUBLIC_",
  "BUN_PUBLIC_",
] as const;

export const PUBLIC_PREFIX = new RegExp(`^(${PUBLIC_PREFIXES.join("|")})`);

/** The browser-public prefix of a name, if it has one. */
export function publicPrefix(name: string): string | undefined {
  return PUBLIC_PREFIX.exec(name)?.[1];
}
