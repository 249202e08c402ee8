// `@trestle/components`: the architecture of a Railway + Vercel + Postgres +
// Redis product as Pulumi components, the typed contract the policy pack and the
// synth read, and the stack program that declares a whole stack from config.
export * from "./railway-service";
export * from "./postgres-db";
export * from "./redis-cache";
export * from "./vercel-frontend";
export * from "./vercel-preview";
export * from "./storage-bucket";
export { remoteName } from "./naming";
export { defaultBackups } from "./backups";
export { HEALTH_GATE_SCRIPT } from "./health-gate";
export type { HealthGateOptions } from "./health-gate";
export * from "./start-command";
export * from "./server-settings";
export * from "./contract/types";
export * from "./contract/intent";
export * from "./contract/secrets";
export * from "./contract/variables";
export * from "./stack/config";
export * from "./stack/program";
