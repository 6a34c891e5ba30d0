// Bundles the command line into dist/cli.js so it starts from one file instead of hundreds of
// modules. The AWS SDK stays in a separate chunk that loads only when collecting, and the
// snapshot schema's validator is generated at build time instead of compiled at every start.
import { build } from "esbuild";
import { chmodSync, rmSync } from "node:fs";
import { BUNDLE_OPTIONS } from "./prebuilt-validator.mjs";

rmSync("dist/chunks", { recursive: true, force: true });
await build({
  ...BUNDLE_OPTIONS,
  entryPoints: { cli: "src/cli.ts" },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  sourcemap: true,
});
chmodSync("dist/cli.js", 0o755);
