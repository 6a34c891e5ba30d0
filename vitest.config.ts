import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // The CLI tests run the built dist/cli.js; globalSetup builds it once per run.
    globalSetup: ["test/global-setup.ts"],
  },
});
