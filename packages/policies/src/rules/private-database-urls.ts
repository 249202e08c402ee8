import { trestleRule } from "../lib/rule";

const PUBLIC_REFERENCE =
  /\$\{\{\s*[A-Za-z0-9_-]+\.(DATABASE_PUBLIC_URL|REDIS_PUBLIC_URL|RAILWAY_TCP_PROXY_DOMAIN|RAILWAY_TCP_PROXY_PORT)\s*\}\}/;
const PROXY_HOST = /\.proxy\.rlwy\.net\b/i;

export default trestleRule({
  name: "private-database-urls",
  description: "Services reach Postgres and Redis through their private URLs, never a public URL or a `*.proxy.rlwy.net` host.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Use `connects: [postgres, redis]` (or `${{Postgres.DATABASE_URL}}` / `${{Redis.REDIS_URL}}`): private traffic is faster, free of egress charges, and never leaves Railway.",
  validate(view, report) {
    for (const service of view.services) {
      if (service.kind !== "app" || !service.variables) continue;
      for (const [name, value] of Object.entries(service.plainVariables)) {
        if (typeof value === "string" && (PUBLIC_REFERENCE.test(value) || PROXY_HOST.test(value))) {
          report(`${service.name}: \`${name}\` reaches a database through its public proxy`, service.variables, {
            name: service.name,
            value: name,
          });
        }
      }
    }
  },
});
