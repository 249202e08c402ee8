import { stackSpec } from "./stack-spec";

stackSpec("prod", {
  production: true,
  replicas: { api: 2, worker: 2, beat: 1 },
  apiDomains: ["api.travel.example.com"],
  frontendDomains: ["travel.example.com", "www.travel.example.com"],
  vercelProject: "travel-web",
  postgresStart:
    "wrapper.sh postgres --port=5432 -c effective_cache_size=768MB -c maintenance_work_mem=64MB -c max_connections=200 -c shared_buffers=256MB -c work_mem=4MB",
});
