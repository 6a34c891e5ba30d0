// The snapshot schema's validator, generated as code at build time so a bundle does not compile
// the schema at every start. Bundles swap src/snapshot/compile-validator.ts for this code.
import { Ajv, _ } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const SOURCE = resolve("src/snapshot/compile-validator.ts");
const GENERATED = resolve("dist/.generated/compile-validator.js");
const COMPILER = resolve("dist/.generated/schema-compiler.mjs");

/**
 * Writes a module with the same export as src/snapshot/compile-validator.ts, precompiled. The
 * schema, the ajv options and the format names come from that module, built for this purpose.
 */
async function generateValidator() {
  mkdirSync(resolve("dist/.generated"), { recursive: true });
  await build({
    entryPoints: [SOURCE],
    outfile: COMPILER,
    bundle: true,
    packages: "external",
    format: "esm",
    platform: "node",
    logLevel: "warning",
  });
  const { AJV_OPTIONS, formats, inlinedSchema } = await import(pathToFileURL(COMPILER).href);
  // The checks only decide which formats exist; the generated code imports the real ones.
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true, formats: _`formats` } });
  for (const name of Object.keys(formats)) ajv.addFormat(name, () => true);
  const code = standaloneCode.default(ajv, ajv.compile(inlinedSchema()));
  const formatsModule = resolve("src/snapshot/formats.ts");
  const module = [
    `import { formats } from ${JSON.stringify(formatsModule)};`,
    code.replace(/^"use strict";/, ""),
    "export function compileSnapshotValidator() { return validate; }",
  ].join("\n");
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
