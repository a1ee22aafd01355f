//! Packages the extension as `fluxo.vsix` with `@vscode/vsce`: builds it
//! (`build.mjs`), then runs vsce's `createVSIX` without dependencies (every
//! dependency is bundled into `dist/`; vsce's npm listing does not know
//! pnpm's layout) and without a repository field. `.vscodeignore` keeps the
//! package to the manifest files, `dist/`, `syntaxes/` and `snippets/`.
//! Usage: `node scripts/package.mjs` (or `pnpm --filter fluxo package`);
//! exports `packageExtension()` for tests.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { createVSIX } from "@vscode/vsce";
import { build, extensionRoot } from "./build.mjs";

export const vsixPath = path.join(extensionRoot, "fluxo.vsix");

/** Builds and packages the extension; resolves to the .vsix path and the build's metafiles. */
export async function packageExtension() {
  const metafiles = await build();
  await createVSIX({
    cwd: extensionRoot,
    packagePath: vsixPath,
    dependencies: false,
    allowMissingRepository: true,
  });
  return { vsixPath, metafiles };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await packageExtension();
  } catch (error) {
    console.error(`fluxo extension packaging failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
