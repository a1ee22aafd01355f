//! Helpers over the compiler's trees and text shared by several features:
//! tree walks with parents, the word at a position, doc comments of a
//! resolved symbol, the token before a position, relative import paths.

import {
  forEachChild,
  nodePathAt,
  tokenize,
  type Node,
  type Program,
  type Range,
  type Resolution,
  type SourceFile,
  type Type,
} from "@fluxo/compiler";

/** Is `c` a character of an identifier (`[A-Za-z0-9_]`)? */
export function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** The identifier characters before `offset` on its line: where a completion starts. */
export function wordStartBefore(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && isWordChar(text[start - 1])) start--;
  return start;
}

/** The identifier around `offset` (empty range at `offset` when there is none). */
export function wordRangeAt(text: string, offset: number): Range {
  let start = offset;
  let end = offset;
  while (start > 0 && isWordChar(text[start - 1])) start--;
  while (end < text.length && isWordChar(text[end])) end++;
  return { start, end };
}

/** Calls `visit(node, parent)` for every node below `root`, in source order. */
export function walk(root: Node, visit: (node: Node, parent: Node) => void): void {
  const go = (node: Node): void =>
    forEachChild(node, (child) => {
      visit(child, node);
      go(child);
    });
  go(root);
}

/** The innermost node of the path whose kind is one of `kinds`. */
export function innermost<K extends Node["kind"]>(path: readonly Node[], kinds: readonly K[]): Extract<Node, { kind: K }> | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    if ((kinds as readonly string[]).includes(node.kind)) return node as Extract<Node, { kind: K }>;
  }
  return undefined;
}

/** The `///` doc comment of the declaration a resolution points at (flow, action, type, step, field). */
export function docOf(program: Program, resolution: Resolution): string | undefined {
  if (!resolution.uri || !resolution.range) return undefined;
  const file = program.getSourceFile(resolution.uri);
  if (!file) return undefined;
  const path = nodePathAt(file, resolution.range.start);
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]! as Node & { doc?: string; name?: Range };
    if (node.name && node.name.start === resolution.range.start && "doc" in node) return node.doc;
  }
  return undefined;
}

/** Is `offset` inside a comment of the file? */
export function inComment(file: SourceFile, offset: number): boolean {
  return file.comments.some((c) => c.start < offset && offset <= c.end && (c.end !== offset || c.style !== "block"));
}

export interface TokenInfo {
  /** Token type name (`KwGoto`, `Newline`, `Dot`, `Identifier`, …), or `start` before the first token. */
  type: string;
  image: string;
  start: number;
  end: number;
}

/**
 * The last significant token that ends at or before `offset` (newlines that
 * separate statements count; whitespace and comments do not), and the token
 * that contains `offset`, if any.
 */
export function tokenContext(text: string, offset: number): { before: TokenInfo; containing?: TokenInfo } {
  const { tokens } = tokenize(text);
  let before: TokenInfo = { type: "start", image: "", start: 0, end: 0 };
  let containing: TokenInfo | undefined;
  for (const token of tokens) {
    const start = token.startOffset;
    const end = start + token.image.length;
    if (start >= offset) break;
    const info = { type: token.tokenType.name, image: token.image, start, end };
    if (end <= offset) before = info;
    else containing = info;
  }
  return { before, ...(containing ? { containing } : {}) };
}

/** A relative import path from one file to another (`./orders.flow`, `../shared/x.flow`). */
export function relativeImportPath(fromUri: string, toUri: string): string {
  const from = fromUri.split("/").slice(0, -1);
  const to = toUri.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  const rest = to.slice(common).join("/");
  return (up === 0 ? "./" : "../".repeat(up)) + rest;
}

/** The leading whitespace of the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The offset of the start of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The members of a type: a union's members, or the type itself. */
export function typeMembers(type: Type): readonly Type[] {
  return type.kind === "union" ? type.types : [type];
}
