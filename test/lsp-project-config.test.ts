//! The language server and `fluxo check` read `fluxo.json` by one set of
//! rules (@fluxo/compiler `parseProjectConfig`): for each text below, the
//! diagnostic the bundled server shows on the file and the line `fluxo check`
//! prints (through the CLI's `parseConfig`) say the same thing, at the same
//! place for a syntax error. While the file is not strict JSON, the server
//! keeps the settings a lenient read (comments, trailing commas) finds.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../packages/cli/src/config.js";
import { LspClient } from "./lsp-client.js";
import { buildServer, repoRoot, serverPath } from "./lsp-fixtures.js";

/** What is wrong → fluxo.json text, the server's diagnostic on it (`line:column message`) and what `fluxo check` says. */
const cases: [what: string, text: string, server: string, cli: string][] = [
  ["not JSON", "{ invalid json ", "1:3 invalid JSON: unexpected character", "fluxo.json:1:3: invalid JSON: unexpected character"],
  [
    "a trailing comma",
    '{\n  "locale": "es",\n}',
    "3:1 invalid JSON: expected a property name in double quotes",
    "fluxo.json:3:1: invalid JSON: expected a property name in double quotes",
  ],
  ["a missing comma, after a byte-order mark", '\uFEFF{ "locale": "es" "outDir": "out" }', "1:18 invalid JSON: expected ','", "fluxo.json:1:18: invalid JSON: expected ','"],
  ["an empty file", "", "1:1 invalid JSON: expected a value", "fluxo.json:1:1: invalid JSON: expected a value"],
  // Deeper than jsonc-parser's recursion can follow: refused before parsing (it was an internal error of the CLI).
  [
    "nesting 20 000 deep",
    `{ "include": ${"[".repeat(20_000)}${"]".repeat(20_000)} }`,
    "1:113 invalid JSON: more than 100 nested arrays or objects",
    "fluxo.json:1:113: invalid JSON: more than 100 nested arrays or objects",
  ],
  ["not an object", "[]", "1:1 expected a JSON object", "fluxo.json: expected a JSON object"],
  [
    "a mistyped key",
    '{ "include": ["flows"],\n  "locle": "en" }',
    '2:3 unknown setting "locle" (did you mean "locale"?); known settings: include, outDir, locale, timeZone',
    'fluxo.json: unknown setting "locle" (did you mean "locale"?); known settings: include, outDir, locale, timeZone',
  ],
  [
    "an unknown time zone",
    '{ "timeZone": "Mars/Base" }',
    '1:3 "timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found "Mars/Base"',
    'fluxo.json: "timeZone" must be an IANA time zone such as "UTC" or "America/Sao_Paulo"; found "Mars/Base"',
  ],
  [
    "a missing include entry",
    '{ "include": ["flows", "gone"] }',
    '1:24 "include" names "gone", which does not exist',
    'fluxo.json: "include" names "gone", which does not exist',
  ],
  [
    "an include entry that is not a .flow file",
    '{ "include": ["notes.txt"] }',
    '1:15 "include" names "notes.txt", which is neither a folder nor a .flow file',
    'fluxo.json: "include" names "notes.txt", which is neither a folder nor a .flow file',
  ],
];

const dup = (word: string): string => `flow dup {\n    say "${word}"\n}\n`;

let root: string;
let client: LspClient;
let version = 1;
const uriOf = (name: string): string => pathToFileURL(path.join(root, name)).href;
const write = (name: string, text: string): void => {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), text);
};
const render = (diagnostics: any[]): string[] => diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);

/** Writes `fluxo.json`, tells the server, and resolves to the diagnostics it then shows on the file. */
function configIs(text: string): Promise<string[]> {
  write("fluxo.json", text);
  const shown = client.diagnostics(uriOf("fluxo.json")).then(render);
  client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf("fluxo.json"), type: 2 }] });
  return shown;
}

/** Opens (then changes) `flows/main.flow` with `text`; resolves to its diagnostics. */
function edit(text: string): Promise<string[]> {
  const uri = uriOf("flows/main.flow");
  const v = version++;
  const shown = client.diagnostics(uri, v).then(render);
  if (v === 1) client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "fluxo", version: v, text } });
  else client.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ text }] });
  return shown;
}

/** What `fluxo check` says of the current `fluxo.json`. */
function cliSays(text: string): string {
  try {
    parseConfig(text, path.join(root, "fluxo.json"), "fluxo.json");
    return "accepted";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

beforeAll(async () => {
  await buildServer();
  root = mkdtempSync(path.join(tmpdir(), "fluxo-lsp-config-"));
  // `a/x.flow` is outside `include`: while the server keeps `include`, `flows/main.flow` has no clash
  // (with the default, the whole folder, the clash is reported on the later file, `flows/main.flow`).
  write("fluxo.json", '{ "include": ["flows"] }');
  write("flows/main.flow", dup("m"));
  write("a/x.flow", dup("x"));
  write("notes.txt", "");
  client = LspClient.spawn(process.execPath, [serverPath, "--stdio"], repoRoot);
  await client.request("initialize", {
    processId: process.pid,
    rootUri: uriOf("."),
    workspaceFolders: [{ uri: uriOf("."), name: "w" }],
    capabilities: { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    initializationOptions: { diagnosticsDelay: 0 },
  });
  client.notify("initialized", {});
  // The server reads a fluxo.json once a file of its project is open.
  expect(await edit(dup("m"))).toEqual([]);
}, 120_000);

afterAll(async () => {
  await client?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a fluxo.json problem", () => {
  it.each(cases)("%s: the server and fluxo check agree", async (_, text, server, cli) => {
    expect(await configIs(text)).toEqual([server]);
    expect(cliSays(text)).toBe(cli);
  });

  it("in a file that is JSON but for a comment keeps the settings it has meanwhile", async () => {
    expect(await configIs('{ "include": ["flows"] // only these\n}')).toEqual(["1:24 invalid JSON: comments are not allowed in JSON"]);
    expect(await edit(dup("m"))).toEqual([]);
  });

  it("in a file broken beyond that gives the defaults meanwhile (the whole folder)", async () => {
    expect(await configIs('{ "include": ["flows"] ')).toEqual(["1:24 invalid JSON: expected '}'"]);
    expect(await edit(dup("m"))).toEqual(["1:6 duplicate flow 'dup': 'dup' is already declared as a flow"]);
  });

  it("is cleared once the file is fixed", async () => {
    expect(await configIs('{ "include": ["flows"], "locale": "es" }')).toEqual([]);
    expect(cliSays('{ "include": ["flows"], "locale": "es" }')).toBe("accepted");
  });
});
