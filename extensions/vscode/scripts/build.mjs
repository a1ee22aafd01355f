//! Builds the extension into `dist/` and `syntaxes/` (what the .vsix holds):
//!
//! - `dist/extension.js`: the client (CommonJS, as VS Code loads extensions;
//!   `vscode` external), with the compiler's parser and graph code for
//!   "Show Flow Graph";
//! - `dist/server.js`: the language server of `packages/language-server`
//!   (`startStdioServer`, what `fluxo lsp --stdio` runs too), bundled from
//!   `src/server.ts` as CommonJS: the extension's package has no
//!   `"type": "module"`, and VS Code forks the server with its own Node;
//! - `dist/webview.js`: the "Flow Graph" page's script with Mermaid bundled
//!   in (the page loads nothing from the network);
//! - `syntaxes/fluxo.tmLanguage.json`: a copy of `grammar/fluxo.tmLanguage.json`.
//!
//! Workspace packages are bundled from their TypeScript sources (the
//! `source` export condition), so no `tsc` build is needed first.
//! Usage: `node scripts/build.mjs` (or `pnpm --filter fluxo build`); exports
//! `build()` for tests, which resolves to esbuild's metafiles (also written
//! to `dist/*.meta.json`).

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export const extensionRoot = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Checks that the language server package is there to bundle (its folder
 * is found through the workspace dependency `@fluxo/language-server`), and
 * says so clearly when it is not.
 */
export function checkLanguageServer(root = extensionRoot) {
  const folder = path.join(root, "node_modules", "@fluxo", "language-server");
  if (!existsSync(path.join(folder, "package.json")) || !existsSync(path.join(folder, "src"))) {
    throw new Error(
      "The language server bundle is missing: dist/server.js is bundled from packages/language-server " +
        "(@fluxo/language-server), which was not found. Add the package (or run pnpm install) and build again.",
    );
  }
  return folder;
}

/**
 * The formatter imports `doc` and `util` from `prettier`, whose Node entry
 * loads every language Prettier has; the standalone entry has the same
 * `doc` and `util` without them (as in the language server's own bundle).
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

/** VS Code 1.85 runs extensions and forked servers on Electron 25's Node 18. */
const nodeTarget = "node18";

/** Builds everything; resolves to the metafiles of the three bundles. */
export async function build({ minify = true } = {}) {
  checkLanguageServer();
  const dist = path.join(extensionRoot, "dist");
  mkdirSync(dist, { recursive: true });
  const common = {
    absWorkingDir: extensionRoot,
    bundle: true,
    metafile: true,
    minify,
    sourcemap: false,
    conditions: ["source"],
    legalComments: "none",
    logLevel: "warning",
  };
  const [extension, server, webview] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(extensionRoot, "src/extension.ts")],
      outfile: path.join(dist, "extension.js"),
      platform: "node",
      target: nodeTarget,
      format: "cjs",
      external: ["vscode"],
      mainFields: ["module", "main"],
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(extensionRoot, "src/server.ts")],
      outfile: path.join(dist, "server.js"),
      platform: "node",
      target: nodeTarget,
      format: "cjs",
      // ES modules first, as the CLI's bundle does: jsonc-parser's UMD `main` has dynamic `require`s esbuild cannot follow.
      mainFields: ["module", "main"],
      plugins: [prettierStandalone],
      // In CommonJS `import.meta` is empty: give `import.meta.url` its meaning (the bundle's own URL).
      define: { "import.meta.url": "__fluxoImportMetaUrl" },
      banner: { js: 'var __fluxoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(extensionRoot, "src/webview.ts")],
      outfile: path.join(dist, "webview.js"),
      platform: "browser",
      target: "es2022",
      format: "iife",
    }),
  ]);

  const grammar = require.resolve("@fluxo/grammar/fluxo.tmLanguage.json");
  mkdirSync(path.join(extensionRoot, "syntaxes"), { recursive: true });
  copyFileSync(grammar, path.join(extensionRoot, "syntaxes", "fluxo.tmLanguage.json"));
  JSON.parse(readFileSync(path.join(extensionRoot, "syntaxes", "fluxo.tmLanguage.json"), "utf8"));

  // What went into each bundle, for tests (`.vscodeignore` keeps these out of the .vsix).
  const metafiles = { extension: extension.metafile, server: server.metafile, webview: webview.metafile };
  for (const [name, meta] of Object.entries(metafiles)) writeFileSync(path.join(dist, `${name}.meta.json`), JSON.stringify(meta));
  return metafiles;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  try {
    const metafiles = await build({ minify: !process.argv.includes("--no-minify") });
    const size = (meta) => Object.values(meta.outputs).reduce((sum, o) => sum + o.bytes, 0);
    const sizes = Object.entries(metafiles).map(([name, meta]) => `${name} ${(size(meta) / 1024).toFixed(0)} KiB`);
    console.log(`built dist/ (${sizes.join(", ")}) and syntaxes/ in ${Date.now() - started} ms`);
  } catch (error) {
    console.error(`fluxo extension build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
