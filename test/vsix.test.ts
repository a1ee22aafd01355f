//! The VS Code extension as it ships (TOOLING §3): builds and packages
//! `extensions/vscode/fluxo.vsix` once (`scripts/package.mjs`: esbuild, then
//! `@vscode/vsce`), then checks what is inside: the manifest and its
//! contributions, the bundled client, server and webview script, the
//! grammar, the language configuration and the snippets. The bundled server
//! is started as VS Code starts it and spoken to over stdio, and the client
//! bundle is loaded against a stand-in `vscode` module.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowMermaid } from "../extensions/vscode/src/flows.js";
import { graphHtml } from "../extensions/vscode/src/graph-page.js";
import { readZip } from "../extensions/vscode/test/zip.js";
import { LspClient } from "./lsp-client.js";

interface TextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** `text` with LSP edits applied (positions in UTF-16 code units; the sample is ASCII). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), text);
}

const repoRoot = path.resolve(import.meta.dirname, "..");
const extensionRoot = path.join(repoRoot, "extensions/vscode");
const vsixPath = path.join(extensionRoot, "fluxo.vsix");

let vsix: Map<string, Buffer>;
const text = (name: string): string => {
  const entry = vsix.get(name);
  if (!entry) throw new Error(`${name} is not in the .vsix; it has: ${[...vsix.keys()].join(", ")}`);
  return entry.toString("utf8");
};

beforeAll(() => {
  // One build and package per test run (about half a minute: Mermaid is most of it).
  const result = spawnSync(process.execPath, [path.join(extensionRoot, "scripts/package.mjs")], { cwd: extensionRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`packaging failed:\n${result.stdout}\n${result.stderr}`);
  vsix = readZip(vsixPath);
}, 600_000);

describe("fluxo.vsix", () => {
  it("holds the manifest, the bundles, the grammar, the language configuration and the snippets, and nothing else", () => {
    expect([...vsix.keys()].filter((name) => name.startsWith("extension/")).sort()).toEqual([
      "extension/LICENSE.txt",
      "extension/changelog.md",
      "extension/dist/extension.js",
      "extension/dist/server.js",
      "extension/dist/webview.js",
      "extension/language-configuration.json",
      "extension/package.json",
      "extension/readme.md",
      "extension/snippets/fluxo.json",
      "extension/syntaxes/fluxo.tmLanguage.json",
    ]);
    expect(text("extension.vsixmanifest")).toMatch(/<Identity [^>]*Id="fluxo"[^>]*Publisher="fluxo"/);
  });

  it("declares the language, grammar, snippets, settings and commands", () => {
    const manifest = JSON.parse(text("extension/package.json"));
    expect(manifest).toMatchObject({
      name: "fluxo",
      publisher: "fluxo",
      engines: { vscode: "^1.85.0" },
      main: "./dist/extension.js",
      activationEvents: ["onLanguage:fluxo"],
    });
    const { contributes } = manifest;
    expect(contributes.languages).toEqual([
      expect.objectContaining({ id: "fluxo", extensions: [".flow"], configuration: "./language-configuration.json" }),
    ]);
    expect(contributes.grammars).toEqual([
      expect.objectContaining({ language: "fluxo", scopeName: "source.fluxo", path: "./syntaxes/fluxo.tmLanguage.json" }),
    ]);
    expect(contributes.snippets).toEqual([{ language: "fluxo", path: "./snippets/fluxo.json" }]);
    const settings = contributes.configuration.properties;
    expect(settings["fluxo.trace.server"]).toMatchObject({ type: "string", enum: ["off", "messages", "verbose"], default: "off" });
    expect(settings["fluxo.format.enable"]).toMatchObject({ type: "boolean", default: true });
    const commands = Object.fromEntries(contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, `${c.category}: ${c.title}`]));
    expect(commands).toEqual({ "fluxo.showFlowGraph": "Fluxo: Show Flow Graph", "fluxo.runFlowInTerminal": "Fluxo: Run Flow in Terminal" });
    // Every file a contribution points at is in the package.
    for (const file of [manifest.main, contributes.languages[0].configuration, contributes.grammars[0].path, contributes.snippets[0].path]) {
      expect(vsix.has(`extension/${path.posix.normalize(file)}`), file).toBe(true);
    }
  });

  it("carries the grammar of grammar/ and the snippets for ask, choose, match, flow, test, step and action", () => {
    expect(JSON.parse(text("extension/syntaxes/fluxo.tmLanguage.json"))).toEqual(JSON.parse(readFileSync(path.join(repoRoot, "grammar/fluxo.tmLanguage.json"), "utf8")));
    const snippets = JSON.parse(text("extension/snippets/fluxo.json"));
    expect(Object.values(snippets).map((s) => (s as { prefix: string }).prefix).sort()).toEqual(["action", "ask", "choose", "flow", "match", "step", "test"]);
    const configuration = JSON.parse(text("extension/language-configuration.json"));
    expect(configuration.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(configuration.autoClosingPairs.map((p: { open: string }) => p.open)).toEqual(expect.arrayContaining(['"""', '"', "{"]));
  });

  it("bundles the server without TypeScript or ts-morph", () => {
    const meta = JSON.parse(readFileSync(path.join(extensionRoot, "dist/server.meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.includes("language-server/src/"))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(typescript|ts-morph|@ts-morph)\//.test(i))).toEqual([]);
  });

  it("bundles Mermaid into the webview script, which loads nothing else", () => {
    const meta = JSON.parse(readFileSync(path.join(extensionRoot, "dist/webview.meta.json"), "utf8")) as { inputs: Record<string, unknown>; outputs: Record<string, { imports: unknown[] }> };
    expect(Object.keys(meta.inputs).some((i) => i.includes("node_modules/mermaid/"))).toBe(true);
    expect(Object.values(meta.outputs).flatMap((o) => o.imports)).toEqual([]);
  });

  it("draws a flow's graph with the packaged webview script, in a browser, under the page's CSP", () => {
    // Debian's Chromium, which .ci/run installs when it is missing.
    const chromium = "/usr/bin/chromium";
    expect(existsSync(chromium), "this test needs headless Chromium at /usr/bin/chromium (apt-get install chromium)").toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "fluxo-webview-"));
    try {
      const script = path.join(dir, "webview.js");
      writeFileSync(script, vsix.get("extension/dist/webview.js")!);
      const source = readFileSync(path.join(repoRoot, "examples/compra.flow"), "utf8");
      // The page as the extension makes it; `file:` stands for the webview's resource origin.
      const html = graphHtml(
        { flow: "compra", file: "compra.flow", mermaid: flowMermaid(source, "compra") },
        { cspSource: "file:", nonce: "dGVzdC1ub25jZQ==", scriptUri: pathToFileURL(script).href },
      );
      const page = path.join(dir, "graph.html");
      writeFileSync(page, html.replace("<body>", '<body class="vscode-dark">'));
      const result = spawnSync(
        chromium,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${path.join(dir, "profile")}`,
          "--allow-file-access-from-files",
          "--virtual-time-budget=15000",
          "--dump-dom",
          pathToFileURL(page).href,
        ],
        { encoding: "utf8", timeout: 120_000 },
      );
      const dom = result.stdout;
      expect(dom, result.stderr).toMatch(/<div id="error" role="alert"><\/div>/);
      expect(dom).toMatch(/<svg id="fluxo-graph-1"[^>]*class="flowchart"/);
      // The labels of the graph's nodes are in the drawing.
      expect(dom).toContain("buscarProdutos");
      expect(dom).toContain("step abandono");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("loads the client bundle as VS Code does: CommonJS, with `vscode` left to the host", () => {
    const source = text("extension/dist/extension.js");
    expect(source).toMatch(/require\("vscode"\)/);
    const dir = mkdtempSync(path.join(os.tmpdir(), "fluxo-vsix-"));
    try {
      const file = path.join(dir, "extension.js");
      writeFileSync(file, source);
      // A stand-in for the host's module: any member is a class (the client library extends some at load time).
      const stand = (): unknown => new Proxy(class {}, { get: (target, key) => (key in target ? Reflect.get(target, key) : stand()) });
      const moduleWithLoad = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
      const load = moduleWithLoad._load;
      moduleWithLoad._load = (request, parent, isMain) => (request === "vscode" ? stand() : load(request, parent, isMain));
      try {
        const loaded = Module.createRequire(pathToFileURL(file))(file) as { activate?: unknown; deactivate?: unknown };
        expect(typeof loaded.activate).toBe("function");
        expect(typeof loaded.deactivate).toBe("function");
      } finally {
        moduleWithLoad._load = load;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("type-checks the extension's sources", () => {
    const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(extensionRoot, "tsconfig.json")], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 180_000);
});

describe("the bundled server", () => {
  let client: LspClient;
  const dir = mkdtempSync(path.join(os.tmpdir(), "fluxo-vsix-server-"));
  const uri = pathToFileURL(path.join(dir, "main.flow")).href;

  beforeAll(async () => {
    // As the client starts it: `node dist/server.js --stdio` (a fork of VS Code's Node, CommonJS).
    client = LspClient.spawn(process.execPath, [path.join(extensionRoot, "dist/server.js"), "--stdio"], dir);
    await client.request("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
    client.notify("initialized", {});
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes diagnostics with their codes", async () => {
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: 1, text: "flow main {\n    goto nowhere\n}\n" } });
    const diagnostics = await client.diagnostics(uri, 1);
    expect(diagnostics.map((d: { code: string }) => d.code)).toContain("FX2002");
  });

  it("formats a document as `fluxo fmt` does", async () => {
    const unformatted = 'flow main {\nsay   "oi"\n}\n';
    client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: unformatted }] });
    const edits = (await client.request("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } })) as TextEdit[];
    expect(applyEdits(unformatted, edits)).toBe('flow main {\n    say "oi"\n}\n');
  });
});
