// `@trestle/components/contract`: the typed contract between the components and
// what reads them (the policy pack, the synth): type tokens, intents, what looks
// secret, what a browser sees. No component, no provider SDK.
export * from "./types";
export * from "./intent";
export * from "./secrets";
export * from "./variables";
