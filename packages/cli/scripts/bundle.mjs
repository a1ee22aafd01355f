// Bundles the built CLI (dist/main.js and what it imports) into one file,
// dist/fluxo.mjs. Node then loads one module instead of several hundred
// (Chevrotain pulls in lodash-es file by file), which is most of the CLI's
// start-up time. Heavy optional parts stay external and load on demand.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

await build({
  entryPoints: [path.join(root, "dist/main.js")],
  outfile: path.join(root, "dist/fluxo.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Prefer ES module builds (jsonc-parser's UMD build requires files esbuild cannot see).
  mainFields: ["module", "main"],
  // CommonJS dependencies (picocolors…) call require() for Node built-ins.
  banner: { js: "import { createRequire as __fluxoCreateRequire } from 'node:module'; const require = __fluxoCreateRequire(import.meta.url);" },
  external: ["prettier", "prettier/*", "@fluxo/prettier-plugin", "@fluxo/prettier-plugin/*", "typescript", "ts-morph", "@fluxo/language-server", "@fluxo/language-server/*", "vscode-languageserver", "vscode-languageserver/*", "@fluxo/compiler/emit-ts"],
  logLevel: "warning",
});
