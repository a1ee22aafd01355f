//! Protocol tests of how the language server makes projects (LANGUAGE §3,
//! ARCHITECTURE "A project takes in the files its files import"): it must see
//! the same project as `fluxo check`, whatever files are open and in
//! whichever order. Each test writes a small workspace (a map from path to
//! text) into a fresh temporary folder and spawns the bundled server on it.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LspClient } from "./lsp-client.js";
import { at, buildServer, repoRoot, serverPath } from "./lsp-fixtures.js";

const capabilities = {
  textDocument: { publishDiagnostics: { relatedInformation: true } },
  workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
};

let root: string;
let client: LspClient | undefined;
let version = 1;
/** Everything the server wrote (its requests to the client are not kept by LspClient). */
let output = "";

/** Makes a fresh temporary workspace holding `files` (path → text). */
function setUp(files: Record<string, string>): void {
  root = mkdtempSync(path.join(tmpdir(), "fluxo-lsp-projects-"));
  write(files);
}

/** Writes `files` (path → text, relative to the temporary root). */
function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

const uriOf = (name: string): string => pathToFileURL(path.join(root, name)).href;

/** Starts the server with these workspace folders (paths relative to the root). */
async function start(folders: string[]): Promise<LspClient> {
  client = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
  output = "";
  client.process.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await client.request("initialize", {
    processId: process.pid,
    rootUri: uriOf(folders[0]!),
    workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: f })),
    capabilities,
    initializationOptions: { diagnosticsDelay: 0 },
  });
  client.notify("initialized", {});
  return client;
}

/** Opens a document with `text` and resolves to its first diagnostics. */
function open(name: string, text: string): Promise<string[]> {
  const uri = uriOf(name);
  const diagnostics = client!.diagnostics(uri, version);
  client!.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: version++, text } });
  return diagnostics.then(render);
}

/** Replaces a document's text and resolves to its diagnostics. */
function replace(name: string, text: string): Promise<string[]> {
  const uri = uriOf(name);
  const v = version++;
  const diagnostics = client!.diagnostics(uri, v);
  client!.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ text }] });
  return diagnostics.then(render);
}

/** The next diagnostics of a file (open or not). */
const next = (name: string): Promise<string[]> => client!.diagnostics(uriOf(name)).then(render);

/** Resolves once the server has written `text` (waiting up to 5 s). */
async function written(text: string): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 50) {
    if (output.includes(text)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Tells the server that files changed on disk (1 created, 2 changed, 3 deleted). */
function changed(...changes: [name: string, type: 1 | 2 | 3][]): void {
  client!.notify("workspace/didChangeWatchedFiles", { changes: changes.map(([name, type]) => ({ uri: uriOf(name), type })) });
}

const render = (diagnostics: any[]): string[] => diagnostics.map((d) => `${d.code ?? "-"} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);

/** Code and position only. */
const codes = (rendered: string[]): string[] => rendered.map((d) => d.split(" ").slice(0, 2).join(" "));

const lib = 'flow ajuda {\n    say "a"\n}\n';
const main = 'import { ajuda } from "../common/lib.flow"\nflow m {\n    run ajuda()\n}\n';

beforeAll(async () => {
  await buildServer();
}, 120_000);

afterEach(async () => {
  await client?.close();
  client = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe("a project takes in the files its files import", () => {
  it("from outside the include entries of its fluxo.json, whatever is open first", async () => {
    setUp({ "fluxo.json": '{ "include": ["flows"] }', "common/lib.flow": lib, "flows/main.flow": main });
    await start(["."]);
    expect(await open("flows/main.flow", main)).toEqual([]);
    const definition = await client!.request("textDocument/definition", { textDocument: { uri: uriOf("flows/main.flow") }, position: at(main, "run aj$0uda") });
    expect(definition.map((l: any) => `${l.uri.slice(uriOf("").length)} ${l.range.start.line + 1}:${l.range.start.character + 1}`)).toEqual(["/common/lib.flow 1:6"]);
    // Opening the imported file and closing it again changes nothing.
    expect(await open("common/lib.flow", lib)).toEqual([]);
    const after = next("flows/main.flow");
    client!.notify("textDocument/didClose", { textDocument: { uri: uriOf("common/lib.flow") } });
    expect(await after).toEqual([]);
    // Nor does opening the imported file first.
    await client!.close();
    await start(["."]);
    expect(await open("common/lib.flow", lib)).toEqual([]);
    expect(await open("flows/main.flow", main)).toEqual([]);
  });

  it("from outside the folder of its fluxo.json, and from outside a workspace folder without one", async () => {
    setUp({ "a/fluxo.json": "{}", "shared/lib.flow": lib, "a/main.flow": main.replace("../common/", "../shared/"), "b/main.flow": main.replace("../common/", "../shared/") });
    await start(["a", "b"]);
    expect(await open("a/main.flow", main.replace("../common/", "../shared/"))).toEqual([]);
    expect(await open("b/main.flow", main.replace("../common/", "../shared/"))).toEqual([]);
    // The client watches its workspace folders only: it is asked to watch the imported file's folder too.
    expect(await written(JSON.stringify({ globPattern: { baseUri: uriOf("shared"), pattern: "*.flow" } }))).toBe(true);
    // lib.flow is in both projects' programs; it is listed once.
    const symbols = await client!.request("workspace/symbol", { query: "ajuda" });
    expect(symbols.map((s: any) => `${s.name} ${s.location.uri.slice(uriOf("").length)}`)).toEqual(["ajuda /shared/lib.flow"]);
    // From lib.flow itself (a project of its own, outside both folders), references and rename reach both importers.
    expect(await open("shared/lib.flow", lib)).toEqual([]);
    const position = at(lib, "flow aj$0uda");
    const references = await client!.request("textDocument/references", { textDocument: { uri: uriOf("shared/lib.flow") }, position, context: { includeDeclaration: true } });
    expect(references.map((l: any) => `${l.uri.slice(uriOf("").length)} ${l.range.start.line + 1}:${l.range.start.character + 1}`).sort()).toEqual([
      "/a/main.flow 1:10",
      "/a/main.flow 3:9",
      "/b/main.flow 1:10",
      "/b/main.flow 3:9",
      "/shared/lib.flow 1:6",
    ]);
    const rename = await client!.request("textDocument/rename", { textDocument: { uri: uriOf("shared/lib.flow") }, position, newName: "help" });
    expect(Object.entries(rename.changes).map(([uri, edits]: [string, any]) => `${uri.slice(uriOf("").length)} ${edits.length}`).sort()).toEqual([
      "/a/main.flow 2",
      "/b/main.flow 2",
      "/shared/lib.flow 1",
    ]);
  });

  it("does not follow an import spelled otherwise than its file (a fragment, a query, an escape), as fluxo check does not", async () => {
    setUp({ "fluxo.json": "{}", "lib.flow": lib });
    await start(["."]);
    for (const path of ["./lib.flow#x", "./lib.flow?v=1", "./%6Cib.flow"]) {
      const name = `m${version}.flow`;
      const text = `import { ajuda } from "${path}"\nflow m${version} {\n    run ajuda()\n}\n`;
      write({ [name]: text });
      // FX2008 as fluxo check reports it, and no second copy of lib.flow (which would be a duplicate flow, FX2006).
      expect(codes(await open(name, text)), path).toEqual(["FX2008 1:23"]);
    }
    const symbols = await client!.request("workspace/symbol", { query: "ajuda" });
    expect(symbols.map((s: any) => s.location.uri.slice(uriOf("").length))).toEqual(["/lib.flow"]);
  });

  it("follows imports added and removed in the editor", async () => {
    const other = 'flow ajuda {\n    say "b"\n}\n';
    const plain = "flow m {\n    say \"m\"\n}\n";
    setUp({ "fluxo.json": '{ "include": ["flows"] }', "common/lib.flow": 'flow x {\n    say "x"\n}\n' + lib, "flows/main.flow": plain, "flows/other.flow": other });
    await start(["."]);
    expect(await open("flows/main.flow", plain)).toEqual([]);
    expect(await open("flows/other.flow", other)).toEqual([]);
    // The import brings lib.flow in, and with it a second flow 'ajuda'.
    const duplicate = next("flows/other.flow");
    expect(await replace("flows/main.flow", `import { x } from "../common/lib.flow"\n${plain}`)).toEqual([]);
    expect(await duplicate).toEqual(["FX2006 1:6 duplicate flow 'ajuda': 'ajuda' is already declared as a flow"]);
    // Without the import, lib.flow leaves the project again.
    const clean = next("flows/other.flow");
    expect(await replace("flows/main.flow", plain)).toEqual([]);
    expect(await clean).toEqual([]);
  });

  it("re-reads imported files that change on disk, and picks up a file an import was waiting for", async () => {
    const waiting = 'import { nova } from "../common/nova.flow"\nflow w {\n    run nova()\n}\n';
    setUp({ "fluxo.json": '{ "include": ["flows"] }', "common/lib.flow": lib, "flows/main.flow": main, "flows/waiting.flow": waiting });
    await start(["."]);
    expect(await open("flows/main.flow", main)).toEqual([]);
    expect(await open("flows/waiting.flow", waiting)).toEqual(["FX2008 1:22 cannot find file '../common/nova.flow' to import from"]);

    // Every open document of the project is re-checked: wait for both.
    const renamed = Promise.all([next("flows/main.flow"), next("flows/waiting.flow")]);
    write({ "common/lib.flow": lib.replace("ajuda", "ajuda2") });
    changed(["common/lib.flow", 2]);
    expect((await renamed)[0]).toEqual(["FX2008 1:10 'ajuda' is not declared in '../common/lib.flow'"]);

    const found = next("flows/waiting.flow");
    write({ "common/nova.flow": 'flow nova {\n    say "n"\n}\n' });
    changed(["common/nova.flow", 1]);
    expect(await found).toEqual([]);
  });
});

describe("workspace folders", () => {
  const folders = {
    // A folder without fluxo.json is one project: its two flows 'dup' clash (reported on the later file).
    "plain/a.flow": 'flow dup {\n    say "a"\n}\n',
    "plain/b.flow": 'flow dup {\n    say "b"\n}\n',
    "configured/fluxo.json": '{ "include": ["flows"] }',
    "configured/flows/main.flow": 'flow m {\n    say "m"\n}\n',
    "third/c.flow": 'flow c {\n    say "c"\n}\n',
  };

  it("are kept after a fluxo.json changes", async () => {
    setUp(folders);
    await start(["plain", "configured"]);
    expect(await open("configured/flows/main.flow", folders["configured/flows/main.flow"])).toEqual([]);
    const again = next("configured/flows/main.flow");
    changed(["configured/fluxo.json", 2]);
    expect(await again).toEqual([]);
    expect(codes(await open("plain/b.flow", folders["plain/b.flow"]))).toEqual(["FX2006 1:6"]);
  });

  it("are kept when folders are added", async () => {
    setUp(folders);
    await start(["plain", "configured"]);
    expect(await open("configured/flows/main.flow", folders["configured/flows/main.flow"])).toEqual([]);
    const again = next("configured/flows/main.flow");
    client!.notify("workspace/didChangeWorkspaceFolders", { event: { added: [{ uri: uriOf("third"), name: "third" }], removed: [] } });
    expect(await again).toEqual([]);
    expect(codes(await open("plain/b.flow", folders["plain/b.flow"]))).toEqual(["FX2006 1:6"]);
  });
});

describe("a file below a fluxo.json in a workspace folder", () => {
  it("belongs to that project, not to the folder's, whichever is opened first", async () => {
    const dup = 'flow dup {\n    say "d"\n}\n';
    setUp({ "w/x.flow": dup, "w/a/fluxo.json": "{}", "w/a/main.flow": dup });
    await start(["w"]);
    expect(await open("w/x.flow", dup)).toEqual([]);
    expect(await open("w/a/main.flow", dup)).toEqual([]);
  });

  // "w/nested/b.flow" sorts before "w/z.flow": were b.flow in the folder's project, the clash would be reported on z.flow.
  const dup = 'flow dup {\n    say "d"\n}\n';

  it("belongs to that project when it is created on disk while both projects are loaded", async () => {
    const a = 'import { helper } from "./b.flow"\nflow a {\n    run helper()\n}\n';
    const b = `flow helper {\n    say "h"\n}\n${dup}`;
    setUp({ "w/z.flow": dup, "w/nested/fluxo.json": "{}", "w/nested/a.flow": a });
    await start(["w"]);
    expect(await open("w/z.flow", dup)).toEqual([]);
    expect(await open("w/nested/a.flow", a)).toEqual(["FX2008 1:24 cannot find file './b.flow' to import from"]);
    const found = next("w/nested/a.flow");
    write({ "w/nested/b.flow": b });
    changed(["w/nested/b.flow", 1]);
    expect(await found).toEqual([]);
    // The folder's project did not take b.flow in: z.flow's flow 'dup' clashes with nothing.
    expect(await replace("w/z.flow", dup)).toEqual([]);
    // Opened, b.flow is checked in its own project (with a.flow, whose flow 'a' it now clashes with), and still not in the folder's.
    expect(await open("w/nested/b.flow", `${b}flow a {\n    say "b"\n}\n`)).toEqual(["FX2006 7:6 duplicate flow 'a': 'a' is already declared as a flow"]);
    expect(await replace("w/z.flow", dup)).toEqual([]);
  });

  it("is taken in by that project when it is created on disk, even if nothing there imports it", async () => {
    setUp({ "w/z.flow": dup, "w/nested/fluxo.json": "{}", "w/nested/a.flow": 'flow a {\n    say "a"\n}\n' });
    await start(["w"]);
    expect(await open("w/z.flow", dup)).toEqual([]);
    expect(await open("w/nested/a.flow", 'flow a {\n    say "a"\n}\n')).toEqual([]);
    write({ "w/nested/b.flow": `flow helper {\n    say "h"\n}\n${dup}` });
    changed(["w/nested/b.flow", 1]);
    const symbols = await client!.request("workspace/symbol", { query: "" });
    expect(symbols.map((s: any) => `${s.name} ${s.location.uri.slice(uriOf("").length)}`).sort()).toEqual(["a /w/nested/a.flow", "dup /w/nested/b.flow", "dup /w/z.flow", "helper /w/nested/b.flow"]);
    expect(await replace("w/z.flow", dup)).toEqual([]);
  });

  it("is not taken in by the folder's project when it is created on disk before its own project is loaded", async () => {
    setUp({ "w/z.flow": dup, "w/nested/fluxo.json": "{}" });
    await start(["w"]);
    expect(await open("w/z.flow", dup)).toEqual([]);
    write({ "w/nested/b.flow": dup });
    changed(["w/nested/b.flow", 1]);
    expect(await replace("w/z.flow", dup)).toEqual([]);
    expect(await open("w/nested/b.flow", dup)).toEqual([]);
    expect(await replace("w/z.flow", dup)).toEqual([]);
  });

  it("stays only imported in the folder's project when it changes on disk, and leaves it with the import", async () => {
    const z = 'import { helper } from "./nested/b.flow"\nflow z {\n    run helper()\n}\n';
    const b = 'flow helper {\n    say "h"\n}\n';
    setUp({ "w/z.flow": z, "w/nested/fluxo.json": "{}", "w/nested/b.flow": b });
    await start(["w"]);
    expect(await open("w/z.flow", z)).toEqual([]);
    const reread = next("w/z.flow");
    write({ "w/nested/b.flow": b.replace('"h"', '"h2"') });
    changed(["w/nested/b.flow", 2]);
    expect(await reread).toEqual([]);
    // Without the import, b.flow leaves the folder's project: a flow 'helper' of z.flow clashes with nothing.
    expect(await replace("w/z.flow", 'flow helper {\n    say "z"\n}\n')).toEqual([]);
  });
});

describe("a file created on disk", () => {
  it("goes to every loaded project it belongs to: its folder's, and that of a fluxo.json whose include names it", async () => {
    // "c/new.flow" sorts before "p/main.flow": the clash in p's project is reported on p/main.flow.
    const m = 'flow m {\n    say "m"\n}\n';
    setUp({ "p/fluxo.json": '{ "include": [".", "../c"] }', "p/main.flow": m, "c/x.flow": 'flow x {\n    say "x"\n}\n' });
    await start(["p", "c"]);
    expect(await open("c/x.flow", 'flow x {\n    say "x"\n}\n')).toEqual([]);
    expect(await open("p/main.flow", m)).toEqual([]);
    write({ "c/new.flow": m });
    changed(["c/new.flow", 1]);
    expect(codes(await replace("p/main.flow", m))).toEqual(["FX2006 1:6"]);
    // The folder c is a project of its own too, where the flow 'm' clashes with nothing.
    expect(await open("c/new.flow", m)).toEqual([]);
  });
});

describe("folder walk", () => {
  it("does not follow links to folders (as fluxo check), so a link cycle loads each file once", async () => {
    setUp({ "fluxo.json": "{}", "z.flow": 'flow z {\n    say "z"\n}\n', "elsewhere/linked.flow": 'flow linked {\n    say "l"\n}\n' });
    symlinkSync(".", path.join(root, "self"));
    mkdirSync(path.join(root, "links"));
    // A link to a file is followed (as the CLI follows it): its flow clashes with one declared here.
    symlinkSync(path.join(root, "elsewhere/linked.flow"), path.join(root, "links/linked.flow"));
    await start(["."]);
    expect(await open("z.flow", 'flow z {\n    say "z"\n}\nflow linked {\n    say "again"\n}\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FX2006 4:6 duplicate flow 'linked'/)]),
    );
    expect(await replace("z.flow", 'flow z {\n    say "z"\n}\n')).toEqual([]);
  });
});

describe("fluxo.json problems", () => {
  it("are shown on fluxo.json, as fluxo check reports them, while the project keeps its defaults; fixing the file clears them", async () => {
    setUp({ "fluxo.json": "{ invalid json ", "a.flow": 'flow a {\n    goto nowhere\n}\n' });
    await start(["."]);
    const config = next("fluxo.json");
    expect(await open("a.flow", 'flow a {\n    goto nowhere\n}\n')).toEqual(["FX2002 2:10 unknown step 'nowhere'; this flow has no steps"]);
    expect((await config).map((d) => d.replace(/: .*/, ""))).toEqual(["- 1:3 invalid JSON"]);

    const wrong = next("fluxo.json");
    write({ "fluxo.json": '{\n  "locale": "fr"\n}\n' });
    changed(["fluxo.json", 2]);
    expect(await wrong).toEqual(['- 2:3 "locale" must be one of "en", "pt-BR", "es"; found "fr"']);

    const fixed = next("fluxo.json");
    write({ "fluxo.json": '{ "locale": "pt-BR" }' });
    changed(["fluxo.json", 2]);
    expect(await fixed).toEqual([]);
  });
});

describe("rename", () => {
  it("of a flow with thousands of references, in a file held by three programs, lists each edit once", async () => {
    const count = 3000;
    const big = `${lib}flow user {\n${"    run ajuda()\n".repeat(count)}}\n`;
    const importer = main.replace("../common/", "../shared/");
    setUp({ "a/fluxo.json": "{}", "shared/lib.flow": big, "a/main.flow": importer, "b/main.flow": importer });
    await start(["a", "b"]);
    expect(await open("a/main.flow", importer)).toEqual([]);
    expect(await open("b/main.flow", importer)).toEqual([]);
    expect(await open("shared/lib.flow", big)).toEqual([]);
    const rename = await client!.request("textDocument/rename", { textDocument: { uri: uriOf("shared/lib.flow") }, position: at(lib, "flow aj$0uda"), newName: "help" });
    const where = (e: any): string => `${e.range.start.line + 1}:${e.range.start.character + 1}-${e.range.end.line + 1}:${e.range.end.character + 1} ${e.newText}`;
    const edits = Object.fromEntries(Object.entries(rename.changes).map(([uri, list]: [string, any]) => [uri.slice(uriOf("").length), list.map(where)]));
    expect(edits).toEqual({
      "/shared/lib.flow": ["1:6-1:11 help", ...Array.from({ length: count }, (_, i) => `${i + 5}:9-${i + 5}:14 help`)],
      "/a/main.flow": ["1:10-1:15 help", "3:9-3:14 help"],
      "/b/main.flow": ["1:10-1:15 help", "3:9-3:14 help"],
    });
  });
});
