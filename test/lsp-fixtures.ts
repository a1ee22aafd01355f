//! Shared set-up of the LSP tests: building the bundled server once, the
//! shop workspace fixture, and cursor positions written as `$0` markers in
//! a snippet of the document (`at(text, 'goto do$0ne')`).

import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const serverPath = fileURLToPath(new URL("../packages/language-server/dist/server.js", import.meta.url));
export const shopFolder = fileURLToPath(new URL("./fixtures/lsp/shop", import.meta.url));
export const shopUri = pathToFileURL(shopFolder).href;
export const mainUri = `${shopUri}/main.flow`;
export const ordersUri = `${shopUri}/orders.flow`;
export const mainText = readFileSync(`${shopFolder}/main.flow`, "utf8");
export const ordersText = readFileSync(`${shopFolder}/orders.flow`, "utf8");

interface Metafiles {
  node: { inputs: Record<string, unknown> };
  browser: { inputs: Record<string, unknown> };
}

let built: Promise<Metafiles> | undefined;

/** Bundles the server (once per test process) with its build script; resolves to esbuild's metafiles. */
export function buildServer(): Promise<Metafiles> {
  built ??= import("../packages/language-server/scripts/bundle.mjs").then((m: { bundle: () => Promise<Metafiles> }) => m.bundle());
  return built;
}

/** The LSP position (UTF-16) of `$0` in `snippet`, which must occur once in `text` without the marker. */
export function at(text: string, snippet: string): { line: number; character: number } {
  const marker = snippet.indexOf("$0");
  const plain = snippet.replace("$0", "");
  const found = text.indexOf(plain);
  if (found < 0 || text.indexOf(plain, found + 1) >= 0) throw new Error(`snippet ${JSON.stringify(plain)} must occur once`);
  const offset = found + marker;
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** The text a range covers. */
export function slice(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((out, e) => out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end)), text);
}
