// `@trestle/railway/testing`: the in-process Railway emulator (a loopback
// GraphQL server with Railway's schema subset, state and injected faults) and
// the container model its deployments run. For tests and rehearsals, never for
// a deploy.
export * from "./emulator";
export * as containers from "./containers";
