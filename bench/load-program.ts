// The baseline for bench:synth: load everything index.ts imports (the SDKs, the
// components, the config schema) through ts-node, without running the program.
import "@pulumi/pulumi";
import "../packages/components/src/stack/config";
import "../packages/railway/src";
import "../packages/components/src/postgres-db";
import "../packages/components/src/railway-service";
import "../packages/components/src/redis-cache";
import "../packages/components/src/vercel-frontend";
import "../packages/components/src/testing/recorder";
import "../packages/policies/src/evaluate";
