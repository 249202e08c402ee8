// A stack that is not production never holds production's secrets: compared by
// ciphertext always, and by value where the passphrase opens both stack files.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { sharedWithProduction } from "../../src/synth/isolation";
import { setStackSecret } from "../../src/secret/passphrase";
import { ROOT } from "../root";

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The root project's staging and prod stack files, in a directory of their own. */
function project(): { staging: string; prod: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "trestle-isolation-"));
  temp.push(dir);
  for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"]) copyFileSync(path.join(ROOT, f), path.join(dir, f));
  return { staging: path.join(dir, "Pulumi.staging.yaml"), prod: path.join(dir, "Pulumi.prod.yaml") };
}

function edit(file: string, change: (doc: { config: Record<string, unknown> }) => void): void {
  const doc = parse(readFileSync(file, "utf8"));
  change(doc);
  writeFileSync(file, stringify(doc));
}

describe("secrets shared with production", () => {
  it("has nothing to say about the committed stacks, with or without their passphrase", () => {
    const { staging } = project();
    expect(sharedWithProduction(staging, undefined)).toEqual([]);
    expect(sharedWithProduction(staging, "trestle-placeholders")).toEqual([]);
  });

  it("refuses a staging secret whose encrypted value was copied from prod, naming no value", () => {
    const { staging, prod } = project();
    const prodSecret = (parse(readFileSync(prod, "utf8")) as { config: Record<string, { secure: string }> }).config[
      "travel-planner:serpapiKey"
    ];
    edit(staging, (doc) => (doc.config["travel-planner:serpapiKey"] = prodSecret));
    const problems = sharedWithProduction(staging, undefined);
    expect(problems).toEqual([
      "serpapiKey: holds the same encrypted value as `prod`'s `serpapiKey`, and this stack is not production: give it its own with `trestle secret set serpapiKey --stack staging`, or list `serpapiKey` in `trestle:sharedWithProduction` if it is meant to be shared (a key with no production data behind it)",
    ]);
    expect(problems.join()).not.toContain(prodSecret.secure);
  });

  it("refuses a staging secret set to prod's value under another key, where the passphrase opens both", () => {
    const { staging, prod } = project();
    setStackSecret(prod, "trestle-placeholders", "travel-planner:databaseUrl", "postgresql://postgres:prod-pass@db:5432/app");
    setStackSecret(staging, "trestle-placeholders", "travel-planner:serpapiKey", "postgresql://postgres:prod-pass@db:5432/app");
    expect(sharedWithProduction(staging, "trestle-placeholders")).toEqual([
      expect.stringMatching(
        /^serpapiKey: holds the same value \(their fingerprints match\) as `prod`.s `databaseUrl`, and this stack is not production/,
      ),
    ]);
    // Without the passphrase only ciphertexts can be compared, and they differ.
    expect(sharedWithProduction(staging, undefined)).toEqual([]);
  });

  it("accepts a secret the stack lists as deliberately shared", () => {
    const { staging, prod } = project();
    setStackSecret(prod, "trestle-placeholders", "travel-planner:serpapiKey", "same-third-party-key");
    setStackSecret(staging, "trestle-placeholders", "travel-planner:serpapiKey", "same-third-party-key");
    expect(sharedWithProduction(staging, "trestle-placeholders")).toHaveLength(1);
    edit(staging, (doc) => (doc.config["trestle:sharedWithProduction"] = ["serpapiKey"]));
    expect(sharedWithProduction(staging, "trestle-placeholders")).toEqual([]);
  });

  it("judges a pull request's stack the same way, and leaves production itself alone", () => {
    const { staging, prod } = project();
    const pr = path.join(path.dirname(staging), "Pulumi.pr-7.yaml");
    const prodSecret = (parse(readFileSync(prod, "utf8")) as { config: Record<string, { secure: string }> }).config[
      "travel-planner:edgeConfig"
    ];
    copyFileSync(staging, pr);
    edit(pr, (doc) => (doc.config["travel-planner:edgeConfig"] = prodSecret));
    expect(sharedWithProduction(pr, undefined)).toEqual([
      expect.stringMatching(/^edgeConfig: holds the same encrypted value as `prod`'s `edgeConfig`/),
    ]);
    expect(sharedWithProduction(prod, undefined)).toEqual([]);
  });
});
