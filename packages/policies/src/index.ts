// `@trestle/policies`: Trestle's rules for Railway + Vercel + Postgres + Redis
// stacks (CORS, secrets, private networking, reliability), the pack a team
// constructs, and the offline evaluation the synth runs.
export { policies } from "./rules";
export { TrestlePolicies, configuredPolicies, packConfigProblems, PackConfigError } from "./pack";
export type { PackConfig } from "./pack";
// The offline evaluation (what the synth runs) is `@trestle/policies/evaluate`: a
// pack under Pulumi never loads it. Its types are here, erased at run time.
export type { EvaluatedResource, PolicyViolation, ResourcePlacement } from "./evaluate";
export type { Exemption, TrestleRule } from "./lib/rule";
