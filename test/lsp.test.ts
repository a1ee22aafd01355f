//! Protocol tests of the language server (TOOLING §2): the bundled server
//! (`packages/language-server/dist/server.js`) is spawned and spoken to in
//! JSON-RPC, as an editor would, over a two-file workspace folder without a
//! fluxo.json (so the folder is the project).

import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient } from "./lsp-client.js";
import { applyEdits, at, buildServer, mainText, mainUri, ordersText, ordersUri, repoRoot, serverPath, shopUri, slice } from "./lsp-fixtures.js";

const capabilities = {
  textDocument: {
    publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } },
    completion: { completionItem: { snippetSupport: true } },
    hover: { contentFormat: ["markdown", "plaintext"] },
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  workspace: { workspaceFolders: true },
};

let client: LspClient;
let version = 1;

async function start(): Promise<LspClient> {
  const c = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
  const result = await c.request("initialize", {
    processId: process.pid,
    rootUri: shopUri,
    workspaceFolders: [{ uri: shopUri, name: "shop" }],
    capabilities,
    initializationOptions: { diagnosticsDelay: 20 },
  });
  c.notify("initialized", {});
  return Object.assign(c, { initializeResult: result });
}

/** Opens a document and resolves to its first diagnostics. */
function open(uri: string, text: string): Promise<any[]> {
  const diagnostics = client.diagnostics(uri, version);
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: version++, text } });
  return diagnostics;
}

/** Replaces a document's whole text (a full-text change) and resolves to its diagnostics. */
function replace(uri: string, text: string): Promise<any[]> {
  const v = version++;
  const diagnostics = client.diagnostics(uri, v);
  client.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ text }] });
  return diagnostics;
}

const codes = (diagnostics: any[]): string[] => diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}`);

beforeAll(async () => {
  await buildServer();
  client = await start();
}, 120_000);

afterAll(async () => {
  await client?.close();
});

describe("language server over stdio", () => {
  it("announces its capabilities: UTF-16, incremental sync, every feature", async () => {
    const { capabilities: caps } = (client as any).initializeResult;
    expect(caps.positionEncoding).toBe("utf-16");
    expect(caps.textDocumentSync).toEqual({ openClose: true, change: 2 });
    for (const feature of [
      "completionProvider", "hoverProvider", "definitionProvider", "referencesProvider", "documentHighlightProvider", "renameProvider",
      "documentSymbolProvider", "workspaceSymbolProvider", "signatureHelpProvider", "inlayHintProvider", "semanticTokensProvider",
      "foldingRangeProvider", "selectionRangeProvider", "codeActionProvider", "documentFormattingProvider", "documentRangeFormattingProvider",
    ]) {
      expect(caps[feature], feature).toBeTruthy();
    }
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
  });

  it("publishes diagnostics on open and after incremental edits, with string codes, UTF-16 ranges, related information and tags", async () => {
    expect(await open(mainUri, mainText)).toEqual([]);
    expect(await open(ordersUri, ordersText)).toEqual([]);

    // An incremental edit after an emoji (a surrogate pair: two UTF-16 units).
    const position = at(mainText, 'Hi, {context.name}! 👋$0"');
    const v = version++;
    const pushed = client.diagnostics(mainUri, v);
    client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: v },
      contentChanges: [{ range: { start: position, end: position }, text: " {nome}" }],
    });
    const diagnostics = await pushed;
    expect(diagnostics).toMatchObject([{ code: "FX2001", severity: 1, source: "fluxo", message: "unknown variable 'nome'" }]);
    expect(diagnostics[0].range.start.character).toBe(position.character + 2);

    const withDuplicate = mainText.replace("step done {", "step done {\n        let unused = 1").replace("}\n}\n", "}\n    step done { end }\n}\n");
    const more = await replace(mainUri, withDuplicate);
    expect(more.map((d) => [d.code, d.tags, d.relatedInformation?.[0]?.message])).toMatchInlineSnapshot(`
      [
        [
          "FX4005",
          [
            1,
          ],
          undefined,
        ],
        [
          "FX2006",
          undefined,
          "first declared here",
        ],
      ]
    `);
    expect(await replace(mainUri, mainText)).toEqual([]);
  });

  it("re-checks the files that import a changed file", async () => {
    const importer = client.diagnostics(mainUri);
    await replace(ordersUri, ordersText.replace("action getOrder(", "action fetchOrder("));
    expect(codes(await importer)).toMatchInlineSnapshot(`
      [
        "FX2008 1:17",
      ]
    `);
    const fixed = client.diagnostics(mainUri);
    await replace(ordersUri, ordersText);
    expect(await fixed).toEqual([]);
  });

  it("completes in each position class", async () => {
    const complete = async (text: string, snippet: string): Promise<string[]> => {
      await replace(mainUri, text);
      const result = await client.request("textDocument/completion", { textDocument: { uri: mainUri }, position: at(text, snippet) });
      return result.items.map((i: any) => i.label);
    };
    const withLine = (line: string): string => mainText.replace('    end\n\n    step done', `    ${line}\n    end\n\n    step done`);
    expect(await complete(withLine("goto "), "goto $0\n")).toEqual(["done"]);
    expect(await complete(withLine("run h"), "run h$0\n")).toEqual(["human"]);
    expect(await complete(withLine("ask n: "), "ask n: $0\n")).toEqual(expect.arrayContaining(["string", "integer", "Order"]));
    expect(await complete(withLine("say order."), "say order.$0\n")).toEqual(["status", "eta"]);
    expect(await complete(withLine('say "{context.}"'), "{context.$0}")).toEqual(["name"]);
    expect(await complete(withLine("say lo"), "say lo$0\n")).toEqual(["lower"]);
    expect(await complete(withLine("ha"), "    ha$0\n")).toEqual(["handoff"]);
    const missing = mainText.replace('        "delivered" => goto done\n', "        \n");
    expect(await complete(missing, '"On its way: {order.eta ?? "soon"}."\n        $0')).toEqual(['"delivered"', "else"]);
  });

  it("answers hover, also inside a string interpolation", async () => {
    await replace(mainUri, mainText);
    const hover = await client.request("textDocument/hover", { textDocument: { uri: mainUri }, position: at(mainText, "{order.e$0ta") });
    expect(hover.contents).toEqual({ kind: "markdown", value: "```fluxo\n(field) Order.eta: string?\n```" });
    expect(slice(mainText, hover.range)).toBe("eta");
    const action = await client.request("textDocument/hover", { textDocument: { uri: mainUri }, position: at(mainText, "getOr$0der(id)") });
    expect(action.contents.value).toMatchInlineSnapshot(`
      "\`\`\`fluxo
      action getOrder(id: string) -> Order
      \`\`\`

      Looks an order up in the shop's API."
    `);
  });

  it("goes to the definition in the other file, not to the import", async () => {
    const result = await client.request("textDocument/definition", { textDocument: { uri: mainUri }, position: at(mainText, "getOr$0der(id)") });
    expect(result).toHaveLength(1);
    expect(result[0].uri).toBe(ordersUri);
    expect(slice(ordersText, result[0].range)).toBe("getOrder");
    expect(result[0].range.start.line).toBe(at(ordersText, "action $0getOrder").line);
  });

  it("finds references across files", async () => {
    const result = await client.request("textDocument/references", {
      textDocument: { uri: mainUri },
      position: at(mainText, "run hu$0man"),
      context: { includeDeclaration: true },
    });
    expect(result.map((l: any) => `${l.uri.split("/").pop()}:${l.range.start.line + 1}`)).toMatchInlineSnapshot(`
      [
        "main.flow:1",
        "main.flow:13",
        "orders.flow:14",
      ]
    `);
  });

  it("renames across files with one set of changes", async () => {
    const position = at(mainText, "run hu$0man");
    const prepared = await client.request("textDocument/prepareRename", { textDocument: { uri: mainUri }, position });
    expect(slice(mainText, prepared.range)).toBe("human");
    const edit = await client.request("textDocument/rename", { textDocument: { uri: mainUri }, position, newName: "person" });
    expect(edit.documentChanges).toBeUndefined();
    expect(Object.keys(edit.changes).sort()).toEqual([mainUri, ordersUri]);
    expect(edit.changes[mainUri]).toHaveLength(2);
    expect(edit.changes[ordersUri]).toHaveLength(1);
    const builtin = await client.request("textDocument/prepareRename", { textDocument: { uri: ordersUri }, position: at(ordersText, 'ta$0g("') }).catch((e) => e);
    expect(builtin).toMatchObject({ code: -32600, message: "'tag' is a standard action and cannot be renamed." });
  });

  it("answers document highlights, symbols and workspace symbols", async () => {
    const highlights = await client.request("textDocument/documentHighlight", { textDocument: { uri: mainUri }, position: at(mainText, "getOrder($0id)") });
    expect(highlights.map((h: any) => `${h.range.start.line + 1} ${h.kind}`)).toMatchInlineSnapshot(`
      [
        "11 3",
        "12 2",
      ]
    `);
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri: mainUri } });
    expect(symbols.map((s: any) => `${s.name}${s.children?.length ? ` › ${s.children.map((c: any) => c.name).join(", ")}` : ""}`)).toMatchInlineSnapshot(`
      [
        "context › name",
        "track › done",
      ]
    `);
    const found = await client.request("workspace/symbol", { query: "ord" });
    expect(found.map((s: any) => `${s.name} ${s.location.uri.split("/").pop()}`).sort()).toMatchInlineSnapshot(`
      [
        "Order orders.flow",
        "getOrder orders.flow",
      ]
    `);
  });

  it("answers signature help, inlay hints, folding and selection ranges", async () => {
    const text = mainText.replace('run human("api down")', 'run human(');
    await replace(mainUri, text);
    const help = await client.request("textDocument/signatureHelp", { textDocument: { uri: mainUri }, position: at(text, "run human($0") });
    expect(help.signatures[0].label).toBe("human(reason: string)");
    expect(help.signatures[0].parameters[0].label).toEqual([6, 20]);
    await replace(mainUri, mainText);
    const hints = await client.request("textDocument/inlayHint", { textDocument: { uri: mainUri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    expect(hints.map((h: any) => h.label)).toEqual([": Order"]);
    const folds = await client.request("textDocument/foldingRange", { textDocument: { uri: mainUri } });
    expect(folds.length).toBeGreaterThan(4);
    const selection = await client.request("textDocument/selectionRange", { textDocument: { uri: mainUri }, positions: [at(mainText, "order.st$0atus")] });
    expect(slice(mainText, selection[0].range)).toBe("status");
    expect(slice(mainText, selection[0].parent.range)).toBe("order.status");
  });

  it("answers semantic tokens with the announced legend", async () => {
    const legend = (client as any).initializeResult.capabilities.semanticTokensProvider.legend;
    const result = await client.request("textDocument/semanticTokens/full", { textDocument: { uri: mainUri } });
    // Decode the relative encoding into "text:type" for the line of `let order = getOrder(id)`.
    const lines = mainText.split("\n");
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < result.data.length; i += 5) {
      const [dl, dc, length, type] = result.data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      if (line === at(mainText, "$0    let order").line) decoded.push(`${lines[line]!.slice(char, char + length)}:${legend.tokenTypes[type]}`);
    }
    expect(decoded).toEqual(["let:keyword", "order:variable", "=:operator", "getOrder:method", "id:variable", "else:keyword"]);
  });

  it("offers code actions for diagnostics", async () => {
    const text = mainText.replace("goto done", "goto finished");
    const diagnostics = await replace(mainUri, text);
    expect(codes(diagnostics)).toEqual(["FX2002 19:29", "FX4005 23:10"]);
    const actions = await client.request("textDocument/codeAction", {
      textDocument: { uri: mainUri },
      range: diagnostics[0].range,
      context: { diagnostics: [diagnostics[0]] },
    });
    expect(actions.map((a: any) => `${a.kind}: ${a.title}`)).toEqual(["quickfix: Create step 'finished'"]);
    expect(actions[0].edit.changes[mainUri][0].newText).toContain("step finished {");
    await replace(mainUri, mainText);
  });

  it("formats the whole document and a range with the formatter of fluxo fmt", async () => {
    const messy = mainText.replace("    say \"Hi, {context.name}! 👋\"", "  say    \"Hi, {context.name}! 👋\"").replace("        \"pending\"   => say", "      \"pending\" =>   say");
    await replace(mainUri, messy);
    const options = { tabSize: 4, insertSpaces: true };
    const edits = await client.request("textDocument/formatting", { textDocument: { uri: mainUri }, options });
    expect(applyEdits(messy, edits)).toBe(mainText);
    const ranged = await client.request("textDocument/rangeFormatting", {
      textDocument: { uri: mainUri },
      range: { start: at(messy, '$0  say    "Hi'), end: at(messy, '👋"$0') },
      options,
    });
    expect(applyEdits(messy, ranged)).toBe(messy.replace('  say    "Hi', '    say "Hi'));
    await replace(mainUri, `${mainText}flow {\n`);
    const refused = await client.request("textDocument/formatting", { textDocument: { uri: mainUri }, options }).catch((e) => e);
    expect(refused).toMatchObject({ code: -32803 });
    expect(refused.message).toMatch(/^Cannot format this file: cannot format a file with syntax errors: FX1001/);
    await replace(mainUri, mainText);
  });

  it("survives malformed messages and bad parameters", async () => {
    client.writeRaw("Content-Length: 12\r\n\r\n{not json!!}");
    await expect(client.request("textDocument/hover", { textDocument: { uri: mainUri } })).resolves.toBeNull();
    await expect(client.request("textDocument/hover", 42)).resolves.toBeNull();
    await expect(client.request("fluxo/noSuchMethod", {})).rejects.toMatchObject({ code: -32601 });
    await expect(client.request("textDocument/completion", { textDocument: { uri: "file:///nowhere/x.flow" }, position: { line: 99, character: 99 } })).resolves.toBeTruthy();
    const hover = await client.request("textDocument/hover", { textDocument: { uri: mainUri }, position: at(mainText, "getOr$0der(id)") });
    expect(hover.contents.value).toContain("getOrder");
    expect(client.process.exitCode).toBeNull();
  });

  it("keeps serving when the compiler fails on a document", async () => {
    // `run f(n - )` once left a hole in the parse tree and the checker threw
    // (packages/compiler/test/check.property.test.ts); the server must answer on
    // whatever the compiler does with a broken document.
    const broken = mainText.replace('run human("api down")', "run human(id - )");
    client.notify("textDocument/didChange", { textDocument: { uri: mainUri, version: version++ }, contentChanges: [{ text: broken }] });
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri: mainUri } });
    expect(symbols.map((s: any) => s.name)).toEqual(["context", "track"]);
    await client.request("textDocument/completion", { textDocument: { uri: mainUri }, position: at(broken, "run human(id - $0)") });
    expect(await replace(mainUri, mainText)).toEqual([]);
    expect(client.process.exitCode).toBeNull();
  });

  it("answers a cancelled request with RequestCancelled, and keeps serving", async () => {
    const cancelled = await client.requestAndCancel("textDocument/hover", { textDocument: { uri: mainUri }, position: at(mainText, "getOr$0der(id)") }).catch((e) => e);
    expect(cancelled).toMatchObject({ code: -32800 });
    const hover = await client.request("textDocument/hover", { textDocument: { uri: mainUri }, position: at(mainText, "getOr$0der(id)") });
    expect(hover).not.toBeNull();
  });

  it("keeps typescript and ts-morph out of the bundle, and the disk out of the browser worker", async () => {
    const { node, browser } = await buildServer();
    expect(Object.keys(browser.inputs).filter((i) => /node-host|node:/.test(i))).toEqual([]);
    const inputs = Object.keys(node.inputs);
    expect(inputs.some((i) => /(^|\/)compiler\/src\//.test(i))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(typescript|ts-morph)\//.test(i))).toEqual([]);
  });
});

describe("fluxo lsp", () => {
  it("serves LSP on stdio through the CLI, and exits 0 after shutdown and exit", async () => {
    const cli = LspClient.spawn(process.execPath, [path.join(repoRoot, "packages/cli/bin/fluxo.js"), "lsp", "--stdio"], repoRoot);
    const result = await cli.request("initialize", { processId: process.pid, rootUri: shopUri, capabilities: {} });
    expect(result.serverInfo.name).toBe("fluxo");
    cli.notify("initialized", {});
    const diagnostics = cli.diagnostics(mainUri);
    cli.notify("textDocument/didOpen", { textDocument: { uri: mainUri, languageId: "fluxo", version: 1, text: mainText.replace("goto done", "goto nowhere") } });
    expect((await diagnostics).map((d) => d.code)).toEqual(["FX2002", "FX4005"]);
    expect(await cli.close()).toBe(0);
  });

  it("says what it needs without --stdio", () => {
    const run = spawnSync(process.execPath, [path.join(repoRoot, "packages/cli/bin/fluxo.js"), "lsp"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("fluxo: error: 'fluxo lsp' needs --stdio: the language server speaks LSP on stdin and stdout, as in 'fluxo lsp --stdio'\n");
  });
});
