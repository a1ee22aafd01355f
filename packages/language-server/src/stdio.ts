//! Entry point of the bundled server (`dist/server.js`). Run as a script
//! (`node dist/server.js --stdio`, how editors start it) it serves LSP on
//! stdio; imported (by `fluxo lsp --stdio`, which prefers this one-file
//! bundle for its start-up time) it only exports `startStdioServer`.

import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { startStdioServer } from "./node.js";

export { startStdioServer };

function isMainScript(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMainScript()) void startStdioServer();
