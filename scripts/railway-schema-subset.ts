// Regenerates packages/railway/src/testing/schema.graphql, the emulator's subset of Railway's
// published schema, after Trestle's operations change: `npm run railway:subset`.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildSchema } from "graphql";
import { registeredOperations } from "../packages/railway/src";
import { subsetSchemaSDL } from "../packages/railway/test/subset";
import { FULL_SCHEMA_PATH, SUBSET_SCHEMA_PATH } from "../packages/railway/test/paths";

const fullSDL = readFileSync(FULL_SCHEMA_PATH, "utf8");
const sdl = subsetSchemaSDL(
  fullSDL,
  buildSchema(fullSDL),
  registeredOperations().map((op) => op.document),
);
writeFileSync(SUBSET_SCHEMA_PATH, sdl);
console.log(
  `wrote ${path.relative(process.cwd(), SUBSET_SCHEMA_PATH)} (${sdl.split("\n").length} lines, ${registeredOperations().length} operations)`,
);
