import { stackSpec } from "./stack-spec";

stackSpec("staging", {
  production: false,
  replicas: { api: 1, worker: 1, beat: 1 },
  apiDomains: [],
  frontendDomains: [],
  vercelProject: "travel-web-staging",
  postgresStart: undefined,
});
