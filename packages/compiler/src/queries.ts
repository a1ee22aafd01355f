//! Queries over a checked program for editor features: the node, name and
//! type at a position, definitions, references across files, and document
//! and workspace symbols. Plain data in and out; the language service builds
//! its features on these, and the language server turns them into LSP.

import type * as A from "./ast.js";
import type { Resolution, SymbolKind } from "./check.js";
import type { Program } from "./program.js";
import { typeToString, type Type } from "./types.js";
import { rangeOf } from "./ast.js";

/** Calls `visit` for each direct child node of `node` (any property holding nodes). */
export function forEachChild(node: A.Node, visit: (child: A.Node) => void): void {
  forEachChildWith(node, callVisit, visit);
}

const callVisit = (child: A.Node, visit: (child: A.Node) => void): void => visit(child);

/**
 * `forEachChild` with a value passed along to `visit`, so that a recursive
 * walk needs no closure per node (hot: every tree walk of the editor and of
 * incremental re-parsing). Plain property reads, scalars skipped first.
 */
export function forEachChildWith<C>(node: A.Node, visit: (child: A.Node, context: C) => void, context: C): void {
  const fields = node as unknown as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as { kind?: unknown; end?: unknown } | null | undefined;
        if (typeof item === "object" && item !== null && typeof item.kind === "string" && item.end !== undefined) visit(item as A.Node, context);
      }
    } else {
      const item = value as { kind?: unknown; end?: unknown };
      if (typeof item.kind === "string" && item.end !== undefined) visit(item as A.Node, context);
    }
  }
}

/** The chain of nodes containing `offset`, outermost first (the file itself excluded). */
export function nodePathAt(file: A.SourceFile, offset: number): A.Node[] {
  const path: A.Node[] = [];
  let current: A.Node = file;
  for (;;) {
    let next: A.Node | undefined;
    forEachChild(current, (child) => {
      // The end is inclusive so that a cursor just after a name still finds it.
      if (!next && child.start <= offset && offset <= child.end) next = child;
    });
    if (!next) return path;
    path.push(next);
    current = next;
  }
}

/** The name node at a position (declaration or reference). */
export function nameAt(file: A.SourceFile, offset: number): A.Name | undefined {
  const path = nodePathAt(file, offset);
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.kind === "Name") return path[i] as A.Name;
  return undefined;
}

export interface Location {
  uri: string;
  range: A.Range;
}

/** What the name at a position refers to. */
export function resolutionAt(program: Program, uri: string, offset: number): { name: A.Name; resolution: Resolution } | undefined {
  const file = program.getSourceFile(uri);
  if (!file) return undefined;
  const name = nameAt(file, offset);
  if (!name) return undefined;
  const resolution = program.getCheckResult(uri)?.resolutions.get(name);
  return resolution ? { name, resolution } : undefined;
}

/** Where the symbol at a position is declared (imports land on the declaration in the other file). */
export function definitionAt(program: Program, uri: string, offset: number): Location | undefined {
  const found = resolutionAt(program, uri, offset);
  if (!found?.resolution.uri || !found.resolution.range) return undefined;
  return { uri: found.resolution.uri, range: rangeOf(found.resolution.range) };
}

function sameSymbol(a: Resolution, b: Resolution): boolean {
  return a.uri === b.uri && a.range?.start === b.range?.start && a.range?.end === b.range?.end && a.name === b.name;
}

/** Every occurrence of the symbol at a position, across the program's files (declaration included if asked). */
export function referencesAt(program: Program, uri: string, offset: number, includeDeclaration = true): Location[] {
  const found = resolutionAt(program, uri, offset);
  if (!found?.resolution.uri || !found.resolution.range) return [];
  const target = found.resolution;
  const out: Location[] = [];
  for (const fileUri of program.uris) {
    const check = program.getCheckResult(fileUri);
    if (!check) continue;
    for (const [name, resolution] of check.resolutions) {
      if (!sameSymbol(resolution, target)) continue;
      const isDeclaration = fileUri === target.uri && name.start === target.range!.start;
      if (isDeclaration && !includeDeclaration) continue;
      out.push({ uri: fileUri, range: rangeOf(name) });
    }
  }
  // A declaration that no checker visit resolved (e.g. a step never used) is still an occurrence.
  if (includeDeclaration && !out.some((l) => l.uri === target.uri && l.range.start === target.range!.start)) {
    out.push({ uri: target.uri!, range: rangeOf(target.range!) });
  }
  return out.sort((a, b) => (a.uri === b.uri ? a.range.start - b.range.start : a.uri < b.uri ? -1 : 1));
}

/** The innermost typed node at a position: an expression, or a name with a known type. */
export function typeAt(program: Program, uri: string, offset: number): { range: A.Range; type: Type; text: string } | undefined {
  const file = program.getSourceFile(uri);
  const check = program.getCheckResult(uri);
  if (!file || !check) return undefined;
  const path = nodePathAt(file, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    if (node.kind === "Name") {
      const type = check.resolutions.get(node)?.type;
      if (type) return { range: rangeOf(node), type, text: typeToString(type) };
      continue;
    }
    const type = check.types.get(node);
    if (type) return { range: rangeOf(node), type, text: typeToString(type) };
  }
  return undefined;
}

export interface DocumentSymbol {
  name: string;
  kind: "flow" | "step" | "type" | "action" | "test" | "context" | "field";
  range: A.Range;
  selectionRange: A.Range;
  children: DocumentSymbol[];
}

/** Flows › steps, types, actions, tests and the context of one file. */
export function documentSymbols(file: A.SourceFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const declaration of file.declarations) {
    switch (declaration.kind) {
      case "Flow":
        if (!declaration.name) break;
        out.push({
          name: declaration.name.text,
          kind: "flow",
          range: rangeOf(declaration),
          selectionRange: rangeOf(declaration.name),
          children: declaration.steps
            .filter((s) => s.name)
            .map((s) => ({ name: s.name!.text, kind: "step" as const, range: rangeOf(s), selectionRange: rangeOf(s.name!), children: [] })),
        });
        break;
      case "TypeAlias":
      case "Action":
        if (!declaration.name) break;
        out.push({
          name: declaration.name.text,
          kind: declaration.kind === "Action" ? "action" : "type",
          range: rangeOf(declaration),
          selectionRange: rangeOf(declaration.name),
          children: [],
        });
        break;
      case "Test": {
        const name = declaration.name?.parts.map((p) => (p.kind === "StringText" ? p.value : "{…}")).join("") ?? "test";
        out.push({ name, kind: "test", range: rangeOf(declaration), selectionRange: rangeOf(declaration.name ?? declaration), children: [] });
        break;
      }
      case "Context":
        out.push({
          name: "context",
          kind: "context",
          range: rangeOf(declaration),
          selectionRange: { start: declaration.start, end: declaration.start + "context".length },
          children: declaration.fields
            .filter((f) => f.name)
            .map((f) => ({ name: f.name!.text, kind: "field" as const, range: rangeOf(f), selectionRange: rangeOf(f.name!), children: [] })),
        });
        break;
      default:
        break;
    }
  }
  return out;
}

export interface WorkspaceSymbol {
  name: string;
  kind: DocumentSymbol["kind"];
  uri: string;
  range: A.Range;
  container?: string;
}

/** Symbols of every file whose name contains the query (case-insensitive). */
export function workspaceSymbols(program: Program, query: string): WorkspaceSymbol[] {
  const needle = query.toLowerCase();
  const out: WorkspaceSymbol[] = [];
  for (const uri of program.uris) {
    const file = program.getSourceFile(uri);
    if (!file) continue;
    const visit = (symbols: DocumentSymbol[], container?: string): void => {
      for (const symbol of symbols) {
        if (symbol.name.toLowerCase().includes(needle)) {
          out.push({ name: symbol.name, kind: symbol.kind, uri, range: symbol.selectionRange, ...(container ? { container } : {}) });
        }
        visit(symbol.children, symbol.name);
      }
    };
    visit(documentSymbols(file));
  }
  return out;
}

export type { SymbolKind };
