/** Writes rules.schema.json at the repository root from the registered rules' metadata. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatRulesSchema } from "../src/config/rules-schema.js";
import { writeFileAtomic } from "../src/io.js";
import { RULES } from "../src/rules/index.js";

// The script runs compiled under node_modules/.cache, so the root is found from package.json's
// directory, which npm passes in npm_package_json, before falling back to the source layout.
const root = process.env.npm_package_json
  ? dirname(process.env.npm_package_json)
  : resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "rules.schema.json");

await writeFileAtomic(target, formatRulesSchema(RULES));
process.stderr.write(`wrote ${target} (${RULES.length} rules)\n`);
