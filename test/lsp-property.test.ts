//! Property test of the language server: random edit sequences over the
//! example project, sent as incremental changes with requests in between,
//! never crash the server, and the diagnostics it ends with are those of a
//! fresh check of the final texts (the incremental program agrees with a new
//! one). fast-check with a fixed seed, as every property test of the project.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgram, LineIndex } from "../packages/compiler/src/index.js";
import { LspClient } from "./lsp-client.js";
import { buildServer, repoRoot, serverPath } from "./lsp-fixtures.js";

const examples = fileURLToPath(new URL("../examples", import.meta.url));
const examplesUri = pathToFileURL(examples).href;
const files = readdirSync(examples)
  .filter((f) => f.endsWith(".flow"))
  .sort()
  .map((name) => ({ uri: `${examplesUri}/${name}`, text: readFileSync(`${examples}/${name}`, "utf8") }));

/** Pieces of text that stress the lexer and parser: brackets, strings, interpolations, surrogate pairs, CRLF. */
const fragments = ["{", "}", '"', '"""', "\n", "\r\n", "(", ")", "goto ", "let x = ", "match x {", "{nome}", "// ", "/*", "😀", "é", "step s {", "=> ", ".", "context.", "run ", "ask a: "];

const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 30 }),
  text: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 }), fc.constant("")),
  request: fc.constantFrom("none", "none", "textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/codeAction", "textDocument/signatureHelp", "textDocument/references"),
});

let client: LspClient;
let version = 1;

beforeAll(async () => {
  await buildServer();
  client = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
  await client.request("initialize", {
    processId: process.pid,
    rootUri: examplesUri,
    workspaceFolders: [{ uri: examplesUri, name: "examples" }],
    capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
    initializationOptions: { diagnosticsDelay: 0 },
  });
  client.notify("initialized", {});
}, 120_000);

afterAll(async () => {
  await client?.close();
});

/** What a fresh program says about `uri` when it holds `text` (the other files as on disk), as LSP ranges. */
function freshDiagnostics(uri: string, text: string): string[] {
  const program = createProgram(
    files.map((f) => (f.uri === uri ? { uri, text } : f)),
    { locale: "pt-BR", timeZone: "America/Sao_Paulo" },
  );
  const lines = new LineIndex(text);
  return program.getDiagnostics(uri).map((d) => {
    const start = lines.positionAt(d.range.start);
    const end = lines.positionAt(d.range.end);
    return `${start.line}:${start.character}-${end.line}:${end.character} ${d.code} ${d.message}`;
  });
}

const shown = (diagnostics: any[]): string[] =>
  diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`);

describe("language server under random edits", () => {
  it("never crashes and ends with the diagnostics of a fresh check", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.array(edit, { minLength: 1, maxLength: 8 }), async (file, edits) => {
        let text = file.text;
        client.notify("textDocument/didOpen", { textDocument: { uri: file.uri, languageId: "fluxo", version: version++, text } });
        let last = 0;
        let pushed: Promise<any[]> | undefined;
        for (const [i, change] of edits.entries()) {
          const lines = new LineIndex(text);
          const start = change.at % (text.length + 1);
          const end = Math.min(text.length, start + change.remove);
          const range = { start: lines.positionAt(start), end: lines.positionAt(end) };
          text = text.slice(0, start) + change.text + text.slice(end);
          last = version++;
          if (i === edits.length - 1) pushed = client.diagnostics(file.uri, last, 20_000);
          client.notify("textDocument/didChange", { textDocument: { uri: file.uri, version: last }, contentChanges: [{ range, text: change.text }] });
          if (change.request !== "none") {
            const position = new LineIndex(text).positionAt(change.at % (text.length + 1));
            const params: Record<string, unknown> = { textDocument: { uri: file.uri }, position };
            if (change.request === "textDocument/codeAction") Object.assign(params, { range: { start: position, end: position }, context: { diagnostics: [] } });
            if (change.request === "textDocument/references") Object.assign(params, { context: { includeDeclaration: true } });
            await client.request(change.request, params);
          }
        }
        const diagnostics = await pushed!;
        expect(shown(diagnostics)).toEqual(freshDiagnostics(file.uri, text));
        client.notify("textDocument/didClose", { textDocument: { uri: file.uri } });
      }),
      { seed: 20261124, numRuns: 30 },
    );
    expect(client.process.exitCode).toBeNull();
    expect(client.stderr).toBe("");
    // No handler threw (the guard would have logged it and answered an empty result).
    expect(client.notifications.filter((n) => n.method === "window/logMessage").map((n: any) => n.params.message)).toEqual([]);
  });
});
