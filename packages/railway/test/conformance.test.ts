// Conformance with Railway's published schema (../shared/railway/schema.graphql).
// A user's clone has no ../shared: these checks then skip, and say so. CI always has it.
import { readFileSync } from "node:fs";
import { buildSchema, findBreakingChanges, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { registeredOperations } from "../src";
import { FULL_SCHEMA_PATH, HAVE_FULL_SCHEMA, SUBSET_SCHEMA_PATH } from "./paths";
import { subsetSchemaSDL } from "./subset";

const operations = registeredOperations();

describe.skipIf(!HAVE_FULL_SCHEMA)(`Railway's published schema (${FULL_SCHEMA_PATH})`, () => {
  const fullSDL = HAVE_FULL_SCHEMA ? readFileSync(FULL_SCHEMA_PATH, "utf8") : "";
  const full = HAVE_FULL_SCHEMA ? buildSchema(fullSDL) : undefined;

  it.each(operations.map((op) => [op.name, op] as const))("accepts Trestle's %s operation", (_name, op) => {
    expect(validate(full!, parse(op.document)).map((e) => e.message)).toEqual([]);
  });

  it("is a superset of the emulator's schema: nothing the emulator serves differs from Railway's", () => {
    const subset = buildSchema(readFileSync(SUBSET_SCHEMA_PATH, "utf8"));
    expect(findBreakingChanges(subset, full!).map((c) => `${c.type}: ${c.description}`)).toEqual([]);
  });

  it("yields exactly the committed emulator schema (run `npm run railway:subset` after changing operations)", () => {
    const expected = subsetSchemaSDL(
      fullSDL,
      full!,
      operations.map((op) => op.document),
    );
    expect(readFileSync(SUBSET_SCHEMA_PATH, "utf8")).toBe(expected);
  });
});

describe("Trestle's Railway operations", () => {
  it("are all declared, with unique names", () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(new Set(operations.map((op) => op.name)).size).toBe(operations.length);
  });

  it("all validate against the emulator's schema", () => {
    const subset = buildSchema(readFileSync(SUBSET_SCHEMA_PATH, "utf8"));
    const invalid = operations.filter((op) => validate(subset, parse(op.document)).length > 0).map((op) => op.name);
    expect(invalid).toEqual([]);
  });
});
