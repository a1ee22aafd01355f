//! Tokenises Fluxo source with the grammar in `fluxo.tmLanguage.json`, using
//! `vscode-textmate` and `vscode-oniguruma`, the engine VS Code itself runs,
//! so a test sees the scopes an editor would. `renderTokens` prints them
//! compactly (`token ▸ scopes`, one token a line under its source line) for
//! golden files and inline expectations.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const require = createRequire(import.meta.url);

/** The grammar file editors load. */
export const grammarPath = fileURLToPath(new URL("../fluxo.tmLanguage.json", import.meta.url));

/** One token of a line: its text and its scopes, outermost first (without `source.fluxo`). */
export interface Token {
  text: string;
  scopes: string[];
}

let loaded: Promise<textmate.IGrammar> | undefined;

/** Loads the Fluxo grammar once per process. */
export function loadGrammar(): Promise<textmate.IGrammar> {
  loaded ??= (async () => {
    const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === "source.fluxo" ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
    });
    const grammar = await registry.loadGrammar("source.fluxo");
    if (!grammar) throw new Error("the Fluxo grammar did not load");
    return grammar;
  })();
  return loaded;
}

/** Tokenises `text`, line by line, carrying the grammar's state across lines as an editor does. */
export async function tokenize(text: string): Promise<Token[][]> {
  return (await tokenizeDocument(text)).lines;
}

/**
 * Tokenises `text` and reports the depth of the grammar's rule stack after
 * the last line: 1 when every region (string, comment, block) was closed.
 */
export async function tokenizeDocument(text: string): Promise<{ lines: Token[][]; endDepth: number }> {
  const grammar = await loadGrammar();
  let state = textmate.INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const result = grammar.tokenizeLine(line, state);
    lines.push(
      result.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes.filter((s) => s !== "source.fluxo"),
      })),
    );
    state = result.ruleStack;
  }
  return { lines, endDepth: state.depth };
}

/** Scopes without the `.fluxo` suffix, for compact reading. */
function short(scope: string): string {
  return scope.endsWith(".fluxo") ? scope.slice(0, -".fluxo".length) : scope;
}

/**
 * Renders tokens as text: each source line, then each of its non-blank
 * tokens as `text ▸ scope scope…` (scopes outermost first, `.fluxo`
 * dropped; a token with no scope shows `▸ ∅`). `meta.*` scopes are left out
 * unless `meta` is set, since they repeat on every token of a region.
 */
export async function renderTokens(text: string, options: { meta?: boolean } = {}): Promise<string> {
  const lines = text.split(/\r\n|\r|\n/);
  const tokens = await tokenize(text);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    out.push(line);
    for (const token of tokens[i]!) {
      if (token.text.trim() === "") continue;
      const scopes = token.scopes.filter((s) => options.meta || !s.startsWith("meta.") || s.startsWith("meta.embedded")).map(short);
      out.push(`    ${token.text.trim()} ▸ ${scopes.length > 0 ? scopes.join(" ") : "∅"}`);
    }
  });
  return `${out.join("\n")}\n`;
}

/**
 * The innermost scope of each non-blank token, as `text ▸ scope` lines, for
 * inline expectations of short samples.
 */
export async function innermostScopes(text: string): Promise<string[]> {
  const out: string[] = [];
  for (const line of await tokenize(text)) {
    for (const token of line) {
      if (token.text.trim() === "") continue;
      const scopes = token.scopes.filter((s) => !s.startsWith("meta.") || s.startsWith("meta.embedded"));
      out.push(`${token.text.trim()} ▸ ${scopes.length > 0 ? short(scopes[scopes.length - 1]!) : "∅"}`);
    }
  }
  return out;
}

/** Throws if Oniguruma cannot compile `source` (call after `loadGrammar`, which loads the engine). */
export function compileRegExp(source: string): void {
  new oniguruma.OnigScanner([source]).dispose();
}
