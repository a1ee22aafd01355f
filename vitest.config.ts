import { defineConfig } from "vitest/config";

// Tests import workspace packages through their `source` export condition, so
// they run against the TypeScript sources; CLI end-to-end tests spawn the built
// `fluxo` binary (`pnpm test` builds first). Tests run in Vite's SSR
// environment, where the condition must be set for SSR resolution too, and the
// workspace packages must be inlined (transformed by Vite) rather than
// externalised to Node, which would ignore the condition and load `dist`.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 60_000,
    server: { deps: { inline: [/@fluxo\//] } },
  },
});
