// What leaves the provider from a deployment's own logs. An app prints what it
// has: its secrets, and a `DATABASE_URL` rendered with the generated password.
// Every line is scrubbed of every credential it can be seen to carry before it
// reaches an error message (and so the `pulumi up` output, CI logs, and state).
const REDACTED = "[redacted]";

/** Every form a value takes when a server or a proxy repeats it: raw, JSON-escaped (once and twice), URL-encoded, base64. */
export function encodedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const base64 = Buffer.from(value, "utf8").toString("base64");
  return [
    value,
    json,
    JSON.stringify(json).slice(1, -1),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, "+"),
    base64,
    base64.replace(/=+$/, ""),
    Buffer.from(value, "utf8").toString("base64url"),
  ];
}

/** Secret values this process has sent to Railway, as the client saw them (process-wide, as the settings are). */
const KNOWN_KEY = "__trestleKnownSecrets";

function known(): Set<string> {
  const global = globalThis as Record<string, unknown>;
  let set = global[KNOWN_KEY] as Set<string> | undefined;
  if (!set) {
    set = new Set();
    global[KNOWN_KEY] = set;
  }
  return set;
}

/** The shortest secret redacted (shorter ones would blank ordinary words). */
const MIN_SECRET = 6;

/** Remembers secret values the process sends, so any later log line that repeats them is scrubbed. */
export function rememberSecrets(values: readonly string[]): void {
  for (const value of values) if (typeof value === "string" && value.length >= MIN_SECRET) known().add(value);
}

/** Credentials a line can carry whatever the values are: each pattern keeps its label and drops the secret. */
const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  // scheme://user:password@host, whatever the password holds up to the last `@` of the authority
  // (a password already masked as `***` stays as it is)
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)(?!\*+@)[^\s@]+(?=@)/gi, `$1${REDACTED}`],
  // libpq DSNs, JDBC URLs and query strings: password=…, pwd=…, secret=…, token=…, api_key=…
  [
    /\b((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,'"]+)/gi,
    `$1${REDACTED}`,
  ],
  // HTTP Authorization headers
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // PEM private keys
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN PRIVATE KEY----- ${REDACTED}`],
];

/**
 * `lines` with every credential pattern and every secret value (those given,
 * and those this process sent) replaced by `[redacted]`, in each encoded form.
 */
export function redactLines(lines: readonly string[], secrets: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const secret of [...secrets, ...known()])
    if (secret.length >= MIN_SECRET) encodedForms(secret).forEach((f) => f.length >= MIN_SECRET && values.add(f));
  const ordered = [...values].sort((a, b) => b.length - a.length);
  return lines.map((line) => {
    let text = ordered.reduce((t, v) => t.split(v).join(REDACTED), line);
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) text = text.replace(pattern, replacement);
    return text;
  });
}
