// Every rule of the pack, in the order the README lists them.
import corsOriginsAbsolute from "./cors-origins-absolute";
import corsOriginsFromFrontend from "./cors-origins-from-frontend";
import corsWildcard from "./cors-wildcard";
import corsWildcardProduction from "./cors-wildcard-production";
import databasePrivateDomain from "./database-private-domain";
import databaseTcpProxy from "./database-tcp-proxy";
import execFormVariables from "./exec-form-variables";
import noSecretsInCommands from "./no-secrets-in-commands";
import privateDatabaseUrls from "./private-database-urls";
import privateServiceCalls from "./private-service-calls";
import publicServiceNeeded from "./public-service-needed";
import databaseMemorySized from "./database-memory-sized";
import productionDataBackups from "./production-data-backups";
import previewIsolation from "./preview-isolation";
import productionDataProtected from "./production-data-protected";
import publicServiceHealthcheck from "./public-service-healthcheck";
import queueRedisNoEviction from "./queue-redis-no-eviction";
import railwaySecretVariables from "./railway-secret-variables";
import restartPolicyBounded from "./restart-policy-bounded";
import secretOutputsMarked from "./secret-outputs-marked";
import upstashTls from "./upstash-tls";
import vercelNoBackendUrls from "./vercel-no-backend-urls";
import vercelPublicVariables from "./vercel-public-variables";
import vercelSensitiveSecrets from "./vercel-sensitive-secrets";

export const policies = [
  corsOriginsAbsolute,
  corsWildcardProduction,
  corsWildcard,
  corsOriginsFromFrontend,
  railwaySecretVariables,
  vercelPublicVariables,
  vercelNoBackendUrls,
  vercelSensitiveSecrets,
  secretOutputsMarked,
  noSecretsInCommands,
  execFormVariables,
  databasePrivateDomain,
  databaseTcpProxy,
  privateDatabaseUrls,
  privateServiceCalls,
  publicServiceNeeded,
  upstashTls,
  publicServiceHealthcheck,
  restartPolicyBounded,
  queueRedisNoEviction,
  productionDataProtected,
  productionDataBackups,
  databaseMemorySized,
  previewIsolation,
];
