import { defineConfig } from "vitest/config";

// Tests import workspace packages through their `source` export condition, so
// they run against the TypeScript sources; CLI end-to-end tests spawn the built
// `fluxo` binary (`pnpm test` builds first).
export default defineConfig({
  resolve: { conditions: ["source"] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
