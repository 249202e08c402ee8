// Storage buckets (`trestle:buckets`, BKT-1..BKT-4): one StorageBucket per
// entry, protected in production; a service that connects to one gets the AWS
// SDK's variables as references, and deploys after the bucket.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { ConfigError, parseStackConfig } from "../../packages/components/src/stack/config";
import { evaluatePolicies } from "../../packages/policies/src/evaluate";
import { toEvaluated } from "../../packages/policies/test/fixtures";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPES } from "../../packages/railway/src/types";

const stack = (extra: Record<string, unknown> = {}) => ({
  railway: { project: "media", environment: "production" },
  services: {
    api: { source: { repo: "acme/media" }, start: "node server.js", connects: ["uploads"] },
    thumbnailer: {
      source: { repo: "acme/media" },
      start: "node thumbnailer.js",
      variables: { ARCHIVE_BUCKET: "${{archive.BUCKET}}" },
    },
  },
  buckets: { uploads: { region: "iad" }, archive: { region: "ams" } },
  ...extra,
});
const values = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
const problems = (config: Record<string, unknown>) => {
  try {
    parseStackConfig({ values: values(config), secretKeys: new Set(), stack: "prod" });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

let recorder: Recorder;
beforeAll(async () => {
  ({ recorder } = await runProgram("prod", { values: values(stack()), secretKeys: [] }));
});

describe("storage buckets", () => {
  it("are a StorageBucket each, whose Railway bucket is protected in production", () => {
    expect(recorder.get("trestle:index:StorageBucket", "uploads").inputs).toMatchObject({ name: "uploads", region: "iad", protect: true });
    const bucket = recorder.get(RAILWAY_TYPES.Bucket, "uploads");
    expect(bucket.inputs).toMatchObject({ name: "uploads", region: "iad" });
    expect(bucket.protect).toBe(true);
  });

  it("give a connecting service the AWS SDK's variables, as references to the bucket's own, never values", () => {
    expect(recorder.get(RAILWAY_TYPES.Variables, "api-vars").inputs.variables).toEqual({
      AWS_ENDPOINT_URL: "${{uploads.ENDPOINT}}",
      AWS_DEFAULT_REGION: "${{uploads.REGION}}",
      AWS_S3_BUCKET_NAME: "${{uploads.BUCKET}}",
      AWS_ACCESS_KEY_ID: "${{uploads.ACCESS_KEY_ID}}",
      AWS_SECRET_ACCESS_KEY: "${{uploads.SECRET_ACCESS_KEY}}",
    });
  });

  it("deploy before the services that connect to them or reference them", () => {
    const deps = (name: string) => recorder.get(RAILWAY_TYPES.Deployment, name).dependencies;
    expect(deps("api-deploy")).toContain(recorder.get(RAILWAY_TYPES.Bucket, "uploads").urn);
    expect(deps("thumbnailer-deploy")).toContain(recorder.get(RAILWAY_TYPES.Bucket, "archive").urn);
    expect(deps("thumbnailer-deploy")).not.toContain(recorder.get(RAILWAY_TYPES.Bucket, "uploads").urn);
  });

  it("pass the policy pack, which refuses an unprotected production bucket", async () => {
    expect(evaluatePolicies(toEvaluated(recorder.resources)).map((v) => v.policy)).toEqual([]);
  });

  it("are refused with the fix: a bad region, two buckets on one service, a name a service has, an unknown target", () => {
    expect(problems(stack({ buckets: { uploads: { region: "us-east-1" } } }))[0]).toMatch(/^buckets\.uploads\.region: /);
    expect(problems(stack({ services: { api: { source: { repo: "a/b" }, connects: ["uploads", "archive"] } } }))).toEqual([
      "services.api.connects: connects to 2 buckets, and each would set the same `AWS_*` variables: connect one, and reference the others' variables yourself (`${{archive.ENDPOINT}}`, …)",
    ]);
    expect(problems(stack({ buckets: { api: { region: "iad" } } })).join("\n")).toContain(
      "the bucket `api` would be the Railway service `api`, which the service `api` already is",
    );
    expect(problems(stack({ services: { api: { source: { repo: "a/b" }, connects: ["media"] } } }))[0]).toContain(
      "`media` is not a database or bucket of this stack: declare it in `trestle:databases` or `trestle:buckets`",
    );
  });
});

describe("an unprotected production bucket", () => {
  it("is a mandatory violation naming the bucket", async () => {
    const { recorder: unprotected } = await runProgram("prod", { values: values(stack({ protect: false })), secretKeys: [] });
    const found = evaluatePolicies(toEvaluated(unprotected.resources)).filter((v) => v.policy === "production-data-protected");
    expect(found.map((v) => v.message)).toEqual(
      expect.arrayContaining(["uploads: the production storage bucket is not protected from deletion"]),
    );
  });
});
