// `npm run docs:config`: writes docs/configuration.md from the stack schema
// (test/docs/configuration.test.ts fails when it is stale).
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { configurationReference } from "../packages/components/src/stack/reference";

const file = path.resolve(__dirname, "..", "docs", "configuration.md");
writeFileSync(file, configurationReference());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
