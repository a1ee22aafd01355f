//! Bundles the language server with esbuild:
//! - `dist/server.js`: the stdio server for Node (ESM), what editors start;
//! - `dist/browser-worker.js`: the browser worker entry, for a web editor;
//! each with a metafile (`dist/*.meta.json`) listing what went in, which a
//! test reads to keep `typescript` and `ts-morph` out of the bundle.
//!
//! Usage: `node scripts/bundle.mjs` (from anywhere). Exports `bundle()` for tests.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The formatter imports `doc` and `util` from `prettier`, whose Node entry
 * loads every language Prettier has (TypeScript's parser among them, 5 MB).
 * The standalone entry has the same `doc` and `util` without them: the
 * bundles use it, as browsers do through Prettier's own `browser` condition.
 */
const prettierStandalone = {
  name: "prettier-standalone",
  setup(build) {
    build.onResolve({ filter: /^prettier$/ }, async (args) => {
      const resolved = await build.resolve("prettier/standalone", { kind: args.kind, resolveDir: args.resolveDir });
      return { path: resolved.path, ...(resolved.errors.length > 0 ? { errors: resolved.errors } : {}) };
    });
  },
};

/** Builds both bundles; resolves to their metafiles. */
export async function bundle() {
  const common = {
    absWorkingDir: root,
    bundle: true,
    metafile: true,
    sourcemap: true,
    // Workspace packages are bundled from their TypeScript sources.
    conditions: ["source"],
    logLevel: "warning",
    legalComments: "none",
    plugins: [prettierStandalone],
  };
  const node = await esbuild.build({
    ...common,
    entryPoints: ["src/stdio.ts"],
    outfile: "dist/server.js",
    platform: "node",
    target: "node20",
    format: "esm",
    // ES modules first, as the CLI's bundle does: some dependencies (jsonc-parser) ship a UMD `main` whose dynamic `require`s esbuild cannot follow.
    mainFields: ["module", "main"],
    // vscode-languageserver is CommonJS and requires Node's built-ins.
    banner: { js: "import { createRequire as __fluxoCreateRequire } from 'node:module'; const require = __fluxoCreateRequire(import.meta.url);" },
  });
  const browser = await esbuild.build({
    ...common,
    entryPoints: ["src/browser-worker.ts"],
    outfile: "dist/browser-worker.js",
    platform: "browser",
    target: "es2022",
    format: "iife",
  });
  writeFileSync(`${root}/dist/server.meta.json`, JSON.stringify(node.metafile));
  writeFileSync(`${root}/dist/browser-worker.meta.json`, JSON.stringify(browser.metafile));
  return { node: node.metafile, browser: browser.metafile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { node, browser } = await bundle();
  const size = (meta) => Object.values(meta.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`dist/server.js ${(size(node) / 1024).toFixed(0)} KiB, dist/browser-worker.js ${(size(browser) / 1024).toFixed(0)} KiB`);
}
