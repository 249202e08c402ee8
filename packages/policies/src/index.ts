// `@trestle/policies`: Trestle's rules for Railway + Vercel + Postgres + Redis
// stacks (CORS, secrets, private networking, reliability), the pack a team
// constructs, and the offline evaluation the synth runs.
export { policies } from "./rules";
export { TrestlePolicies, configuredPolicies } from "./pack";
export { evaluatePolicies, packConfigProblems, PackConfigError, unwrapSecrets } from "./evaluate";
export type { EvaluatedResource, PackConfig, PolicyViolation, ResourcePlacement } from "./evaluate";
export type { Exemption, TrestleRule } from "./lib/rule";
