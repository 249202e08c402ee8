// The baseline for bench:synth: load everything index.ts imports (the SDKs, the
// components, the config schema) through ts-node, without running the program.
import "@pulumi/pulumi";
import "../config";
import "../components/railway";
import "../components/postgres-db";
import "../components/railway-service";
import "../components/redis-cache";
import "../components/vercel-frontend";
import "../synth/recorder";
import "../policies/evaluate";
