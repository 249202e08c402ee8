// Trestle's Railway layer: Pulumi dynamic resources over Railway's public GraphQL API.
export * from "./client";
export * from "./types";
export {
  configureRailway,
  configureFromStack,
  resetRailwaySettings,
  resolveCredentials,
  railwayClient,
  ENDPOINT_ENV,
  TOKEN_CONFIG_KEY,
  TOKEN_KIND_CONFIG_KEY,
  PLAN_CONFIG_KEY,
} from "./settings";
export type { RailwaySettings } from "./settings";
export { HOSTNAME, VARIABLE_NAME, canonical, cronProblem, sameValue, tcpPortFailure } from "./common";
export * from "./limits";
export * from "./exec-form";
export { RAILWAY_PROVIDED, needsQuotes, referencesIn, serviceReference } from "./references";
export { DataLossRefusedError, deleteUnlessHeld, guardReplace, heldByAnother, hold } from "./holdings";
export type { DataGuardInputs } from "./holdings";
export * from "./project";
export * from "./environment";
export * from "./service";
export * from "./variables";
export * from "./service-domain";
export * from "./custom-domain";
export * from "./tcp-proxy";
export * from "./volume";
export * from "./bucket";
export { BUCKET_REGIONS, BUCKET_VARIABLES, type BucketRegion } from "./patterns";
export { readInventory, InventoryError } from "./inventory";
export type { ProjectInventory, ServiceInventory } from "./inventory";
export * from "./deployment";
export * from "./first-deploy";
export type { DeploymentSource, DeployTarget } from "./deployment-watch";
export * from "./preflight";

import { bucketProvider } from "./bucket";
import { customDomainProvider } from "./custom-domain";
import { deploymentProvider } from "./deployment";
import { environmentProvider } from "./environment";
import { projectProvider } from "./project";
import { serviceProvider } from "./service";
import { serviceDomainProvider } from "./service-domain";
import { tcpProxyProvider } from "./tcp-proxy";
import { variablesProvider } from "./variables";
import { volumeProvider } from "./volume";

/** Every Railway provider by its type name (`pulumi-nodejs:dynamic/railway:<Type>`). */
export const railwayProviders = {
  Project: projectProvider,
  Environment: environmentProvider,
  Service: serviceProvider,
  Variables: variablesProvider,
  ServiceDomain: serviceDomainProvider,
  CustomDomain: customDomainProvider,
  TcpProxy: tcpProxyProvider,
  Volume: volumeProvider,
  Bucket: bucketProvider,
  Deployment: deploymentProvider,
} as const;
