import { existsSync } from "node:fs";
import * as path from "node:path";

/** Railway's published schema; present beside the project in CI, absent in a user's clone. */
export const FULL_SCHEMA_PATH = path.resolve(__dirname, "../../../../shared/railway/schema.graphql");
export { SUBSET_SCHEMA_PATH } from "../src/testing/emulator";
export const HAVE_FULL_SCHEMA = existsSync(FULL_SCHEMA_PATH);
