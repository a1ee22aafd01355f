//! `fluxo lsp --stdio`: the language server (TOOLING §2) on stdin and
//! stdout. Resolves when the client ends the session; the server never
//! writes anything but the protocol to stdout.

import { CliError } from "../errors.js";

export interface LspSettings {
  stdio: boolean;
  positionals: readonly string[];
}

export async function lsp(settings: LspSettings): Promise<number> {
  if (settings.positionals.length > 0) throw new CliError(`'fluxo lsp' takes no paths (the editor sends the workspace); got '${settings.positionals[0]}'`);
  if (!settings.stdio) throw new CliError("'fluxo lsp' needs --stdio: the language server speaks LSP on stdin and stdout, as in 'fluxo lsp --stdio'");
  // The server's one-file bundle starts faster; the compiled modules serve when it was not built.
  const { startStdioServer } = await import("@fluxo/language-server/server").catch(() => import("@fluxo/language-server"));
  await startStdioServer();
  return 0;
}
