// Railway's variable references (VAR-3) and the variables Railway itself
// provides to every service (VAR-4, VAR-5): what a `${{Service.NAME}}` may name.

/** VAR-4 (DOCS variables/reference.md "Railway-provided variables"), VAR-5 (`PORT`), and `RAILWAY_ENVIRONMENT` (read by Railway's postgres-ssl wrapper). */
export const RAILWAY_PROVIDED = [
  "RAILWAY_PUBLIC_DOMAIN",
  "RAILWAY_PRIVATE_DOMAIN",
  "RAILWAY_TCP_PROXY_DOMAIN",
  "RAILWAY_TCP_PROXY_PORT",
  "RAILWAY_TCP_APPLICATION_PORT",
  "RAILWAY_PROJECT_NAME",
  "RAILWAY_PROJECT_ID",
  "RAILWAY_ENVIRONMENT_NAME",
  "RAILWAY_ENVIRONMENT_ID",
  "RAILWAY_ENVIRONMENT",
  "RAILWAY_SERVICE_NAME",
  "RAILWAY_SERVICE_ID",
  "RAILWAY_REPLICA_ID",
  "RAILWAY_REPLICA_REGION",
  "RAILWAY_DEPLOYMENT_ID",
  "RAILWAY_SNAPSHOT_ID",
  "RAILWAY_VOLUME_NAME",
  "RAILWAY_VOLUME_MOUNT_PATH",
  "RAILWAY_GIT_COMMIT_SHA",
  "RAILWAY_GIT_AUTHOR",
  "RAILWAY_GIT_BRANCH",
  "RAILWAY_GIT_REPO_NAME",
  "RAILWAY_GIT_REPO_OWNER",
  "RAILWAY_GIT_COMMIT_MESSAGE",
  "PORT",
] as const;

/**
 * A reference: `${{NAME}}`, `${{Service.NAME}}` or `${{shared.NAME}}` (VAR-3),
 * the service name bare or quoted (`${{"api-2".NAME}}`, VAR-7).
 */
export const REFERENCE = /\$\{\{\s*(?:(?:"([^"}]+)"|([A-Za-z0-9_-]+))\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Every reference in a value: its owner (undefined for the service's own) and the variable it names. */
export function referencesIn(value: string): { owner?: string; name: string; text: string }[] {
  return [...value.matchAll(REFERENCE)].map((m) => ({ owner: m[1] ?? m[2], name: m[3], text: m[0] }));
}

/**
 * VAR-7: a service name Railway reads bare in a reference. A name with a digit
 * or a dot must be quoted (`${{"kitchen-sink-0.20.0-client".VAR}}`,
 * wasp-lang/wasp#3513); which other characters need it is not documented, so
 * anything but letters, `_` and `-` is quoted (quoted names resolve too, wasp PR #3673).
 */
export const needsQuotes = (service: string) => !/^[A-Za-z_-]+$/.test(service);

/** `${{<service>.<NAME>}}`, the service name quoted when it needs it (VAR-7). */
export function serviceReference(service: string, name: string): string {
  return `\${{${needsQuotes(service) ? JSON.stringify(service) : service}.${name}}}`;
}
