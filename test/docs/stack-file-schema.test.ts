// The stack files' JSON Schema (packages/components/stack-file.schema.json),
// which editors check stack files with: it is what the stack schema generates,
// every stack file in the repository passes it, and a mistake fails it at the
// path a user would look at.
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { stackFileSchema } from "../../packages/components/src/stack/reference";
import { ROOT } from "../stack-harness";

const SCHEMA = path.join(ROOT, "packages/components/stack-file.schema.json");

function stackFiles(): string[] {
  const dirs = [ROOT, path.join(ROOT, "test/golden/stacks"), path.join(ROOT, "packages/cli/templates/starter")];
  for (const example of readdirSync(path.join(ROOT, "examples"))) dirs.push(path.join(ROOT, "examples", example));
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f))
      .map((f) => path.join(dir, f)),
  );
}

describe("the stack files' JSON Schema", () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));

  it("is what the stack schema generates (run `npm run docs:config` after changing the schema)", () => {
    expect(JSON.parse(readFileSync(SCHEMA, "utf8"))).toEqual(stackFileSchema());
  });

  it("accepts every stack file in the repository", () => {
    const files = stackFiles();
    expect(files.length).toBeGreaterThanOrEqual(12);
    const failing = files.filter((f) => !validate(parse(readFileSync(f, "utf8"))));
    expect(failing.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it("refuses a misspelt setting, a wrong type and an unknown bucket region, at their paths", () => {
    const config = parse(readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, any> };
    config.config["trestle:services"].api.helthcheck = { path: "/health" };
    config.config["trestle:services"].api.port = "8000";
    config.config["trestle:buckets"] = { uploads: { region: "us-east-1" } };
    expect(validate(config)).toBe(false);
    const paths = validate.errors!.map((e) => e.instancePath);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/config/trestle:services/api",
        "/config/trestle:services/api/port",
        "/config/trestle:buckets/uploads/region",
      ]),
    );
  });
});
