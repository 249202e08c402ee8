// `@trestle/railway/facts`: what the stack schema and the policy pack know about
// Railway, without the providers, the client or Pulumi's SDK: type tokens,
// reference syntax, plan limits, start-command words and accepted values.
export * from "./types";
export * from "./references";
export * from "./limits";
export * from "./patterns";
export { railwayWords, runsInShell } from "./exec-form";
