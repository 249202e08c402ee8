// The config checks beyond the schema, each on its own (test/config.test.ts
// drives them all through parseStackConfig).
import { describe, expect, it } from "vitest";
import {
  RawValues,
  databaseNameProblems,
  limitProblems,
  planOf,
  providerKeyProblems,
  replicaProblems,
  schemaCheck,
  secretReferences,
  splitKey,
  stackSecretProblems,
  textProblems,
  unknownKeyProblems,
} from "../src/stack/checks";

const raw = (values: Record<string, string>, secretKeys: string[] = []): RawValues => ({
  values,
  secretKeys: new Set(secretKeys),
  stack: "prod",
  secretNamespace: "shop",
});

const parsed = (input: Record<string, unknown>) => {
  const { parsed, problems } = schemaCheck({ railway: { project: "shop", environment: "production" }, ...input });
  expect(problems).toEqual([]);
  return parsed!;
};

describe("config checks", () => {
  it("splitKey: a bare key is Trestle's", () => {
    expect(splitKey("vercel:apiToken")).toEqual(["vercel", "apiToken"]);
    expect(splitKey("services")).toEqual(["trestle", "services"]);
  });

  it("textProblems: control and bidirectional characters, and keys a map would lose", () => {
    expect(textProblems({ a: "x\u202Ey", b: { constructor: 1 } })).toEqual([
      "a: contains a bidirectional-override character, which makes text display differently from what it is; remove it",
      "b.constructor: `constructor` cannot be used as a name here; rename it",
    ]);
  });

  it("stackSecretProblems: a secret not set, and one in plain text, each with the command that fixes it", () => {
    const refs = secretReferences({ services: { api: { secrets: { A: "aKey", B: "bKey" } } } });
    expect(refs).toEqual([
      ["services.api.secrets.A", "aKey"],
      ["services.api.secrets.B", "bKey"],
    ]);
    expect(stackSecretProblems(raw({ "shop:bKey": "plain" }), refs)).toEqual([
      "services.api.secrets.A: the stack secret `aKey` is not set; run `trestle secret set aKey --stack prod` (the value from standard input or a prompt)",
      "services.api.secrets.B: the stack secret `bKey` is stored in plain text; run `trestle secret set bKey --stack prod` to encrypt it (the value from standard input or a prompt)",
    ]);
  });

  it("databaseNameProblems: a named database's key is its name", () => {
    expect(databaseNameProblems({ databases: { jobs: { redis: { name: "other" } } } })).toEqual([
      "databases.jobs.redis.name: the key `jobs` is this database's name; remove `name`",
    ]);
  });

  it("unknownKeyProblems: an unknown key with a suggestion, an unused secret", () => {
    const problems = unknownKeyProblems(raw({ "shop:old": "x" }, ["shop:old"]), ["servics"], new Set());
    expect(problems[0]).toContain("old: the stack secret `old` is not used");
    expect(problems[1]).toMatch(/^servics: unknown key `trestle:servics`.*services/);
  });

  it("providerKeyProblems: a plain Railway token, a key in the wrong namespace, a plain credential, bad kinds", () => {
    const problems = providerKeyProblems(
      raw({ "shop:railwayToken": "t", "trestle:railwayPlan": "pro", "vercel:apiToken": "v", "shop:railwayTokenKind": "team" }),
    );
    expect(problems.map((p) => p.split(": ")[0])).toEqual(["railwayToken", "railwayPlan", "vercel:apiToken", "railwayTokenKind"]);
  });

  it("replica and limit problems are judged against the stack's plan, Hobby when unset", () => {
    expect(planOf(raw({}))).toBe("hobby");
    expect(planOf(raw({ "shop:railwayPlan": "pro" }))).toBe("pro");
    const big = parsed({ services: { api: { source: { repo: "a/b" }, replicas: 7, limits: { vcpus: 9 } } } });
    expect(replicaProblems(big, "hobby")).toEqual([
      "services.api.replicas: 7 replicas is more than the hobby plan allows a service (6); lower it, or set `railwayPlan` to your plan (pro allows 42)",
    ]);
    expect(replicaProblems(big, "pro")).toEqual([]);
    expect(limitProblems(big, "hobby")[0]).toMatch(/^services\.api\.limits\.vcpus: 9 vCPUs is more than the hobby plan allows a replica/);
    expect(limitProblems(big, "pro")).toEqual([]);
  });
});
