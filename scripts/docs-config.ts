// `npm run docs:config`: writes docs/configuration.md and the stack files' JSON Schema from the stack schema
// (test/docs/configuration.test.ts fails when it is stale).
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { configurationReference, stackFileSchema } from "../packages/components/src/stack/reference";

const file = path.resolve(__dirname, "..", "docs", "configuration.md");
writeFileSync(file, configurationReference());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
// The JSON Schema editors check stack files with; shipped in @trestle/components.
const schema = path.resolve(__dirname, "..", "packages", "components", "stack-file.schema.json");
writeFileSync(schema, `${JSON.stringify(stackFileSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), schema)}`);
