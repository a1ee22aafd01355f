//! The language server in a browser worker, for a web editor: the same
//! server over `postMessage`, with no disk (only the documents the editor
//! opens exist, and a workspace is the set of open documents).

import { BrowserMessageReader, BrowserMessageWriter, createConnection } from "vscode-languageserver/browser";
import { memoryHost } from "./host.js";
import { loadFormatter as prettierFormatter } from "./formatter.js";
import { startServer, type FormatterLoader } from "./language-server.js";

declare const self: DedicatedWorkerGlobalScope;

/** Serves LSP to the page that started this worker. */
export function startWorkerServer(loadFormatter: FormatterLoader = prettierFormatter): void {
  const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
  startServer(connection, memoryHost, loadFormatter);
}
