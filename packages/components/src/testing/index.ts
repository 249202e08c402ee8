// `@trestle/components/testing`: a Pulumi program run under the SDK's mock
// runtime with every resource recorded as the engine would see it (the offline
// synth's recorder), and helpers that read which recorded values are secret.
// For tests, the synth and rehearsals, never for a deploy.
export * from "./recorder";
export * from "./secrets";
