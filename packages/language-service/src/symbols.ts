//! Document symbols (flows › steps, types, actions, tests, the context ›
//! fields) and workspace symbols, from the compiler's queries, with a detail
//! line each (signatures for flows and actions).

import { documentSymbols, workspaceSymbols, type DocumentSymbol, type Program, type WorkspaceSymbol } from "@fluxo/compiler";
import type { Range } from "./service-types.js";
import { signatureOf } from "./signatures.js";

export interface SymbolNode {
  name: string;
  kind: DocumentSymbol["kind"];
  detail?: string;
  range: Range;
  selectionRange: Range;
  children: SymbolNode[];
}

function withDetail(program: Program, symbol: DocumentSymbol): SymbolNode {
  const signature = symbol.kind === "flow" || symbol.kind === "action" ? signatureOf(program, symbol.name, symbol.kind === "flow") : undefined;
  return {
    name: symbol.name,
    kind: symbol.kind,
    ...(signature ? { detail: signature.label.slice(symbol.name.length) } : {}),
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: symbol.children.map((child) => withDetail(program, child)),
  };
}

/** The outline of one file. */
export function getDocumentSymbols(program: Program, uri: string): SymbolNode[] {
  const file = program.getSourceFile(uri);
  return file ? documentSymbols(file).map((symbol) => withDetail(program, symbol)) : [];
}

/** Symbols of every file of the program whose name contains `query` (case-insensitive). */
export function getWorkspaceSymbols(program: Program, query: string): WorkspaceSymbol[] {
  return workspaceSymbols(program, query);
}
