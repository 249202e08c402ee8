// Remote names: what Railway, Vercel and Upstash call the things Trestle makes.
// One helper so every API's rules (characters, length) are kept in one place.
import * as pulumi from "@pulumi/pulumi";

interface Rule {
  maxLength: number;
  /** Characters outside this set become `-`. */
  allowed: RegExp;
  lowerCase: boolean;
}

const RULES: Record<"vercel" | "upstash" | "railway", Rule> = {
  // Vercel project names: lower case, up to 100, letters, digits, `.`, `_`, `-`.
  vercel: { maxLength: 100, allowed: /[^a-z0-9._-]+/g, lowerCase: true },
  // Upstash database names: free text, kept short and DNS-like for the console.
  upstash: { maxLength: 60, allowed: /[^a-z0-9-]+/g, lowerCase: true },
  // Railway service names are also private DNS labels (`<name>.railway.internal`).
  railway: { maxLength: 32, allowed: /[^A-Za-z0-9-]+/g, lowerCase: false },
};

/**
 * The remote name for `base` in this stack. The production stack keeps `base`;
 * every other stack appends its name (`travel-web-staging`), so two stacks of one
 * team never fight over one Vercel project or Upstash database.
 */
export function remoteName(api: keyof typeof RULES, base: string, options: { production: boolean; stack?: string }): string {
  const rule = RULES[api];
  const stack = options.stack ?? pulumi.getStack();
  const raw = options.production ? base : `${base}-${stack}`;
  const cleaned = (rule.lowerCase ? raw.toLowerCase() : raw)
    .replace(rule.allowed, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned.slice(0, rule.maxLength).replace(/-+$/, "");
}
