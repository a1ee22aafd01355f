//! Entry of the bundled language server (`dist/server.js`): the server of
//! `@fluxo/language-server`, serving LSP on stdio, started by the client in
//! `extension.ts`. A module of its own (rather than the package's script
//! entry) so that it starts when VS Code forks it, whatever the entry's way
//! of telling whether it runs as the main script.

import { startStdioServer } from "@fluxo/language-server";

void startStdioServer();
