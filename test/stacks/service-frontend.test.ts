// A service marked `frontend` (the pilot handbook's shape, here with an API beside it):
// it is where users open the app (`frontendUrl`), the API's CORS allows
// exactly its origins, and the pack judges it as a browser bundle.
import { beforeAll, describe, expect, it } from "vitest";
import type { Recorder } from "../../packages/components/src/testing/recorder";
import { runProgram } from "../stack-harness";
import { RAILWAY_TYPE_PREFIX } from "../../packages/railway/src/types";

/** Railway resource tokens, as the contract defines them (packages/railway/test/resources.test.ts pins the literal). */
const DYN = RAILWAY_TYPE_PREFIX.slice(0, -1);
let recorder: Recorder;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  const config = {
    railway: { project: "handbook", environment: "production" },
    services: {
      web: {
        source: { repo: "acme/handbook" },
        port: 3000,
        public: true,
        domains: ["handbook.example.com"],
        frontend: true,
        variables: { NEXT_PUBLIC_ENV: "production" },
      },
      api: { source: { repo: "acme/handbook", rootDirectory: "api" }, port: 8000, public: true, cors: {} },
    },
  };
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [`trestle:${k}`, JSON.stringify(v)]));
  ({ recorder, outputs } = await runProgram("prod", { values, secretKeys: [] }));
});

describe("a service marked frontend", () => {
  it("is the stack's frontendUrl, at its first custom domain", () => {
    expect(outputs.frontendUrl).toBe("https://handbook.example.com");
    expect(recorder.get("trestle:index:RailwayService", "web").inputs).toMatchObject({ frontend: true });
  });

  it("is what the API's CORS allows: its Railway and custom origins, nothing else", () => {
    const api = recorder.get(`${DYN}:Variables`, "api-vars").inputs.variables as Record<string, string>;
    expect(api.ALLOWED_ORIGINS.split(",")).toEqual([
      expect.stringMatching(/^https:\/\/web-prod-[0-9a-f]+\.up\.railway\.app$/),
      "https://handbook.example.com",
    ]);
  });
});
