//! The language server over stdio, for Node: `fluxo lsp --stdio`, or the
//! bundled `dist/server.js` that editors start directly.

import { createConnection, ProposedFeatures, ResponseError, LSPErrorCodes, type Message, type ResponseMessage } from "vscode-languageserver/node";
import { nodeHost } from "./node-host.js";
import { loadFormatter as prettierFormatter } from "./formatter.js";
import { startServer, type FormatterLoader } from "./language-server.js";

export { startServer, type ServerOptions, type FormatterLoader } from "./language-server.js";
export type { Host, ProjectConfig } from "./host.js";

/** A request cancelled while it waits in the queue is answered at once, without running it. */
const connectionStrategy = {
  cancelUndispatched: (message: Message): ResponseMessage | undefined => {
    const id = (message as { id?: number | string }).id;
    if (id === undefined) return undefined;
    return { jsonrpc: "2.0", id, error: new ResponseError(LSPErrorCodes.RequestCancelled, "The request was cancelled.").toJson() };
  },
};

/**
 * Serves LSP on this process's stdin and stdout until the client says
 * `exit` (the library then ends the process) or the input closes.
 */
export function startStdioServer(loadFormatter: FormatterLoader = prettierFormatter): Promise<void> {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout, { connectionStrategy });
  // Nothing may write to stdout but the protocol: console output goes to the client's log.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.info = console.log;
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(" "));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(" "));
  process.on("uncaughtException", (error) => connection.console.error(`fluxo: uncaught: ${error.stack ?? error.message}`));
  process.on("unhandledRejection", (reason) => connection.console.error(`fluxo: unhandled rejection: ${String(reason)}`));
  return new Promise((resolve) => {
    connection.onExit(() => resolve());
    startServer(connection, nodeHost, loadFormatter);
  });
}
