// Bundles the lint benchmark's child the way dist/cli.js is bundled, so the benchmark measures
// the code users run, prebuilt validator included.
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "../prebuilt-validator.mjs";

await build({
  ...BUNDLE_OPTIONS,
  entryPoints: ["scripts/bench/lint-child.ts"],
  outfile: "node_modules/.cache/vpc-lint-bench/lint-child.mjs",
});
