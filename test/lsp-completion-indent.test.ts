//! Multi-line completions (statement snippets such as `choose`) and how the
//! server hands their indentation to the client (LSP `insertTextMode`): the
//! language service writes them relative to the cursor's line; a client that
//! can adjust indentation is told to (`adjustIndentation`), one whose default
//! is to insert as is gets the cursor line's indentation written in, and any
//! other client gets the relative text (adjusting is the usual default).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient } from "./lsp-client.js";
import { buildServer, repoRoot, serverPath } from "./lsp-fixtures.js";

const root = mkdtempSync(path.join(tmpdir(), "fluxo-lsp-indent-"));
const uri = pathToFileURL(path.join(root, "main.flow")).href;
const text = 'flow main {\n    trigger start\n    if true {\n        cho\n    }\n}\n';
const position = { line: 3, character: 11 };

beforeAll(async () => {
  await buildServer();
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The `choose` completion item a client with these completion capabilities gets. */
async function chooseItem(completion: Record<string, unknown>): Promise<{ newText: string; insertTextMode?: number }> {
  const client = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
  try {
    await client.request("initialize", { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: { textDocument: { completion } } });
    client.notify("initialized", {});
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: 1, text } });
    const result = await client.request("textDocument/completion", { textDocument: { uri }, position });
    const item = (result.items as any[]).find((i) => i.label === "choose" && i.textEdit.newText.includes("\n"));
    expect(item, "a multi-line choose item").toBeDefined();
    return { newText: item.textEdit.newText, ...(item.insertTextMode !== undefined ? { insertTextMode: item.insertTextMode } : {}) };
  } finally {
    await client.close();
  }
}

const lines = (newText: string): string[] => newText.split("\n").slice(1);

describe("multi-line completions and the client's insertTextMode", () => {
  it("a client that can adjust indentation is told to, and gets text relative to the cursor's line", async () => {
    const item = await chooseItem({ completionItem: { snippetSupport: true, insertTextModeSupport: { valueSet: [1, 2] } } });
    expect(item.insertTextMode).toBe(2);
    expect(lines(item.newText).every((line) => !line.startsWith("        "))).toBe(true);
    expect(lines(item.newText).at(-1)).toBe("}");
  });

  it("a client that inserts as is gets the cursor line's indentation written in", async () => {
    const item = await chooseItem({ completionItem: { snippetSupport: true }, insertTextMode: 1 });
    expect(item.insertTextMode).toBeUndefined();
    expect(lines(item.newText).every((line) => line.startsWith("        "))).toBe(true);
    expect(lines(item.newText).at(-1)).toBe("        }");
  });

  it("any other client gets the relative text (adjusting is the usual default)", async () => {
    const item = await chooseItem({ completionItem: { snippetSupport: true } });
    expect(item.insertTextMode).toBeUndefined();
    expect(lines(item.newText).at(-1)).toBe("}");
  });
});
