import { existsSync } from "node:fs";
import * as path from "node:path";

/** Railway's published schema; present beside the project in CI, absent in a user's clone. */
export const FULL_SCHEMA_PATH = path.resolve(__dirname, "../../../shared/railway/schema.graphql");
export const SUBSET_SCHEMA_PATH = path.resolve(__dirname, "schema.graphql");
export const HAVE_FULL_SCHEMA = existsSync(FULL_SCHEMA_PATH);
