// Bundles the command line into dist/cli.js so it starts from one file instead of hundreds of
// modules. The AWS SDK stays in a separate chunk that loads only when collecting, and the
// snapshot schema's validator is generated here instead of compiled at every start.
import { Ajv, _ } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const GENERATED = resolve("dist/.generated/compile-validator.js");

/** Writes a module with the same export as src/snapshot/compile-validator.ts, precompiled. */
function generateValidator() {
  const schema = JSON.parse(readFileSync("src/schemas/snapshot.schema.json", "utf8"));
  const { formats } = { formats: { ipv4: () => true, cidr: () => true, "cidr-or-empty": () => true } };
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true, formats: _`formats` } });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
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

generateValidator();
rmSync("dist/chunks", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Some CommonJS dependencies call require(); ESM output has none unless it is created.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);",
  },
  plugins: [
    {
      name: "prebuilt-validator",
      setup(builder) {
        builder.onResolve({ filter: /\/compile-validator\.js$/ }, () => ({ path: GENERATED }));
      },
    },
  ],
  sourcemap: true,
  logLevel: "warning",
});
chmodSync("dist/cli.js", 0o755);
