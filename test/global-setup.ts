/** Builds dist/ once, as `npm run build` does, before the tests that run the command line. */
import { execFileSync } from "node:child_process";
import { CORPUS, HAS_CORPUS } from "./helpers.js";

export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/bundle-cli.mjs"], { stdio: "inherit" });
  if (!HAS_CORPUS) {
    // The default reporter counts skipped tests without naming them or the reason.
    process.stdout.write(
      `Skipping the tests on published AWS example outputs: ${CORPUS} is absent.\n`,
    );
  }
}
