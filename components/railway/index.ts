// Trestle's Railway layer: Pulumi dynamic resources over Railway's public GraphQL API.
export * from "./client";
export { configureRailway, configureFromStack, resolveCredentials, railwayClient, ENDPOINT_ENV, TOKEN_CONFIG_KEY, TOKEN_KIND_CONFIG_KEY } from "./settings";
export { cronProblem } from "./common";
export * from "./project";
export * from "./environment";
export * from "./service";
export * from "./variables";
export * from "./service-domain";
export * from "./custom-domain";
export * from "./tcp-proxy";
export * from "./volume";
export * from "./deployment";
