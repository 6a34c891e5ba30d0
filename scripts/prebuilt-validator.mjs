// The snapshot schema's validator, generated as code at build time so a bundle does not compile
// the schema at every start. Bundles swap src/snapshot/compile-validator.ts for this code.
import { Ajv, _ } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const GENERATED = resolve("dist/.generated/compile-validator.js");

/** Writes a module with the same export as src/snapshot/compile-validator.ts, precompiled. */
function generateValidator() {
  const schema = JSON.parse(readFileSync("src/schemas/snapshot.schema.json", "utf8"));
  // The checks only decide which formats exist; the generated code imports the real ones.
  const names = [
    "ipv4",
    "cidr",
    "ipv4-cidr",
    "ipv6-cidr",
    "ipv4-cidr-or-empty",
    "ipv6-cidr-or-empty",
  ];
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    code: { source: true, esm: true, formats: _`formats` },
  });
  for (const name of names) ajv.addFormat(name, () => true);
  const code = standaloneCode.default(ajv, ajv.compile(schema));
  const formatsModule = resolve("src/snapshot/formats.ts");
  const module = [
    `import { formats } from ${JSON.stringify(formatsModule)};`,
    code.replace(/^"use strict";/, ""),
    "export function compileSnapshotValidator() { return validate10; }",
  ].join("\n");
  mkdirSync(resolve("dist/.generated"), { recursive: true });
  writeFileSync(GENERATED, module);
}

/** Returns an esbuild plugin that generates the validator and points compile-validator.js at it. */
export function prebuiltValidator() {
  return {
    name: "prebuilt-validator",
    setup(builder) {
      builder.onStart(generateValidator);
      builder.onResolve({ filter: /\/compile-validator\.js$/ }, () => ({ path: GENERATED }));
    },
  };
}

/** Options every bundle of the command line's code shares. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Some CommonJS dependencies call require(); ESM output has none unless it is created.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);",
  },
  plugins: [prebuiltValidator()],
  logLevel: "warning",
};
