// The type tokens of Trestle's Railway resources, defined once. The SDK
// registers a dynamic resource as `pulumi-nodejs:dynamic/<module>:<type>`
// (@pulumi/pulumi dynamic/index.js), from the module and type each resource
// class passes; the policy pack, the synth and the tests import these.

/** The module every Railway resource passes to `dynamic.Resource`. */
export const RAILWAY_MODULE = "railway";

/** What every Railway resource's token starts with. */
export const RAILWAY_TYPE_PREFIX = `pulumi-nodejs:dynamic/${RAILWAY_MODULE}:`;

export const RAILWAY_TYPES = {
  Project: `${RAILWAY_TYPE_PREFIX}Project`,
  Environment: `${RAILWAY_TYPE_PREFIX}Environment`,
  Service: `${RAILWAY_TYPE_PREFIX}Service`,
  Variables: `${RAILWAY_TYPE_PREFIX}Variables`,
  ServiceDomain: `${RAILWAY_TYPE_PREFIX}ServiceDomain`,
  CustomDomain: `${RAILWAY_TYPE_PREFIX}CustomDomain`,
  TcpProxy: `${RAILWAY_TYPE_PREFIX}TcpProxy`,
  Volume: `${RAILWAY_TYPE_PREFIX}Volume`,
  Bucket: `${RAILWAY_TYPE_PREFIX}Bucket`,
  Deployment: `${RAILWAY_TYPE_PREFIX}Deployment`,
} as const;

export type RailwayTypeName = keyof typeof RAILWAY_TYPES;
