// Documentation that cannot drift: the configuration reference is generated
// from the schema, the policy table lists the pack's rules, and the README
// stays a first screen that starts with the two commands.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configurationReference, referenceRows } from "../../packages/components/src/stack/reference";
import { policies } from "../../packages/policies/src/rules";
import { KNOWN_PUBLIC_NAMES } from "../../packages/components/src/contract/secrets";
import { ROOT } from "../stack-harness";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("the configuration reference", () => {
  it("is what the schema generates (run `npm run docs:config` after changing the schema)", () => {
    expect(read("docs/configuration.md")).toBe(configurationReference());
  });

  it("describes every setting", () => {
    expect(
      referenceRows()
        .filter((row) => !row.description?.trim())
        .map((row) => row.path),
    ).toEqual([]);
  });
});

describe("the policy reference", () => {
  it("lists every rule of the pack, in order, with its level", () => {
    const rows = [...read("docs/policies.md").matchAll(/^\| `([a-z-]+)` \| (mandatory|advisory) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(policies.map((p) => [p.name, p.enforcementLevel]));
  });

  it("lists every name public by its vendor's word, with its source", () => {
    const text = read("docs/policies.md");
    for (const { names, source } of KNOWN_PUBLIC_NAMES) {
      for (const name of names) expect(text).toContain(`\`${name}\``);
      expect(text).toContain(source.split(" ")[0]);
    }
  });
});

describe("the README", () => {
  const readme = read("README.md");

  it("fits a screen or two (under 10 KB)", () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(10 * 1024);
  });

  it("starts with the offline synth and the tests", () => {
    const first = /```bash\n([\s\S]*?)```/.exec(readme)![1].split("\n").filter(Boolean);
    expect(first.map((line) => line.split("#")[0].trim())).toEqual(["npm ci && npm run synth -- --stack staging", "npm test"]);
  });

  it("links only to files that exist", () => {
    for (const [, target] of readme.matchAll(/\]\(([^)#]+)\)/g)) expect(existsSync(path.join(ROOT, target)), target).toBe(true);
  });

  it("and the docs speak of example systems, not seeds", () => {
    const pages = [
      "README.md",
      ...readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md") && f !== "railway-behaviour.md")
        .map((f) => `docs/${f}`),
    ];
    for (const page of pages) expect(read(page), page).not.toMatch(/\bseeds?\b/i);
  });
});

describe("the component package's install line", () => {
  it("names a release tag that is the version of packages/plugin", () => {
    const version = (JSON.parse(read("packages/plugin/package.json")) as { version: string }).version;
    const tags = [...read("docs/components.md").matchAll(/pulumi package add \S+\/packages\/plugin@v(\S+)/g)].map((m) => m[1]);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toBe(version);
  });
});
