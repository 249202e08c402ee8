// The repository's root: the stacks, examples and `../shared` these tests read are found from it.
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
