#!/usr/bin/env node
// The `fluxo` executable: runs the compiled CLI and exits with its status.
// Loads the single-file bundle (dist/fluxo.mjs, made by `pnpm build`) when it
// is there, else the compiled modules. Sets `process.exitCode` rather than
// calling `process.exit`, so piped output is written out in full.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/fluxo.mjs", import.meta.url);
let cli;
try {
  cli = await import(existsSync(bundle) ? bundle.href : "../dist/main.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/main.js")) {
    process.stderr.write("fluxo: error: the CLI is not built; run 'pnpm build' in the Fluxo workspace\n");
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
