//! The depth limits end to end (ARCHITECTURE, "Nesting limits"): a file with
//! a chain thousands of links long is one FX1001, in `fluxo check` and in
//! the language server, and the server keeps answering for every file of
//! the project. Before, the chain overflowed the stack: the CLI stopped with
//! an internal error, and the server published no diagnostics at all.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFluxo } from "../packages/cli/test/in-process.js";
import { LspClient } from "./lsp-client.js";
import { buildServer, mainText, mainUri, repoRoot, serverPath, shopUri } from "./lsp-fixtures.js";
import { MAX_DEPTH } from "../packages/compiler/test/depth-chains.js";

const chain = (links: number): string => `context { a: string }\nflow deep {\n    say context${".a".repeat(links)}\n}\n`;
const index = (links: number): string => `flow deep {\n    let l = [[1]]\n    say l${"[0]".repeat(links)}\n}\n`;
const elseIf = (arms: number): string => `flow deep {\n    let x = 1\n    if x == 0 {\n        end\n    }${" else if x == 1 {\n        end\n    }".repeat(arms)}\n}\n`;

describe("fluxo check on too deep chains", () => {
  let folder: string;
  beforeAll(() => {
    folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-depth-")));
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it.each([
    ["member", chain(3000)],
    ["index", index(3000)],
    ["else if", elseIf(1000)],
  ])("%s: reports FX1001, not an internal error", async (_, text) => {
    fs.writeFileSync(path.join(folder, "deep.flow"), text);
    const run = await runFluxo(["check", "--format", "json"], folder);
    expect(run.stderr).not.toContain("internal error");
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as unknown;
    expect(JSON.stringify(report)).toContain("FX1001");
    expect(JSON.stringify(report)).not.toContain("internal parser error");
  });
});

describe("language server on a too deep chain", () => {
  let client: LspClient;
  const deepUri = `${shopUri}/deep.flow`;

  beforeAll(async () => {
    await buildServer();
    client = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
    await client.request("initialize", {
      processId: process.pid,
      rootUri: shopUri,
      workspaceFolders: [{ uri: shopUri, name: "shop" }],
      capabilities: { textDocument: { hover: { contentFormat: ["markdown", "plaintext"] } } },
      initializationOptions: { diagnosticsDelay: 20 },
    });
    client.notify("initialized", {});
  }, 120_000);

  afterAll(async () => {
    await client?.close();
  });

  it("publishes one FX1001 on the link too many, keeps checking the other files, and answers hover and completion", async () => {
    const text = chain(1500);
    const deepDiagnostics = client.diagnostics(deepUri, 1);
    client.notify("textDocument/didOpen", { textDocument: { uri: deepUri, languageId: "fluxo", version: 1, text } });
    const diagnostics = (await deepDiagnostics) as { code: string; message: string; range: { start: { line: number; character: number } } }[];
    const syntax = diagnostics.filter((d) => d.code === "FX1001");
    expect(syntax).toHaveLength(1);
    expect(syntax[0]!.message).toContain("levels deep");
    // `.a` is two characters: the link too many is the one after MAX_DEPTH levels.
    expect(syntax[0]!.range.start).toEqual({ line: 2, character: "    say context".length + 2 * MAX_DEPTH });
    // The other files of the project are still checked.
    const mainDiagnostics = client.diagnostics(mainUri, 1);
    client.notify("textDocument/didOpen", { textDocument: { uri: mainUri, languageId: "fluxo", version: 1, text: mainText } });
    expect(Array.isArray(await mainDiagnostics)).toBe(true);
    // Hover on `context` and completion at the end of the chain answer.
    const hover = (await client.request("textDocument/hover", { textDocument: { uri: deepUri }, position: { line: 2, character: 9 } })) as unknown;
    expect(hover).not.toBeNull();
    const completion = await client.request("textDocument/completion", {
      textDocument: { uri: deepUri },
      position: { line: 2, character: "    say context".length + 2 * 1500 },
    });
    expect(completion).toBeDefined();
    client.notify("textDocument/didClose", { textDocument: { uri: deepUri } });
  });
});

