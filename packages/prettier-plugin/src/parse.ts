//! The plugin's Prettier parser: the compiler's own `parse` (one front end
//! for the language, never a second grammar for the formatter), wrapped for
//! Prettier.
//!
//! - A file with any syntax diagnostic (FX1001–FX1004) is refused with a
//!   `FluxoSyntaxError`: formatting a tree that recovery patched up could
//!   change what the program means, so such a file is never touched. The
//!   error carries Prettier's `loc`, so Prettier shows a code frame.
//! - The comments handed to Prettier's comment attachment are every comment
//!   except those inside string literals (inside interpolations): strings are
//!   printed from their source text, comments and all.
//! - The canonical layout indents with 4 spaces whatever the Prettier
//!   configuration says (TOOLING §4: one canonical layout, the same for
//!   `fluxo fmt`, the editor and Prettier), so `tabWidth` and `useTabs` are
//!   fixed here: Prettier hands this same options object to the printer.

import { LineIndex, parse as parseFluxo, type Comment, type Diagnostic, type Node, type SourceFile } from "@fluxo/compiler";
import { forEachChild, rangeOf } from "@fluxo/compiler";

/** A comment as Prettier's comment attachment sees it (it adds the placement fields). */
export interface FluxoComment extends Comment {
  /** Prettier's error messages read `value`. */
  value: string;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
  placement?: "ownLine" | "endOfLine" | "remaining";
  enclosingNode?: Node;
  precedingNode?: Node;
  followingNode?: Node;
}

/** The root handed to the printer: the compiler's tree with Prettier's comment list. */
export interface FluxoRoot extends Omit<SourceFile, "comments"> {
  comments: FluxoComment[];
}

/** A file the formatter refuses: it has syntax errors (it is left as it is). */
export class FluxoSyntaxError extends Error {
  override readonly name = "FluxoSyntaxError";
  /** Prettier reads this to print a code frame (1-based line and column). */
  readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } };

  constructor(
    readonly diagnostics: readonly Diagnostic[],
    text: string,
  ) {
    const first = diagnostics[0]!;
    const lines = new LineIndex(text);
    const start = lines.positionAt(first.range.start);
    const end = lines.positionAt(first.range.end);
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more syntax error${diagnostics.length > 2 ? "s" : ""})` : "";
    super(`cannot format a file with syntax errors: ${first.code} ${first.message} (${start.line + 1}:${start.character + 1})${more}`);
    this.loc = {
      start: { line: start.line + 1, column: start.character + 1 },
      end: { line: end.line + 1, column: end.character + 1 },
    };
  }
}

/** Ranges of the string literals of a file, outermost only, in source order. */
function stringRanges(file: SourceFile): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  const visit = (node: Node): void => {
    if (node.kind === "String") {
      ranges.push(rangeOf(node));
      return;
    }
    forEachChild(node, visit);
  };
  visit(file);
  return ranges.sort((a, b) => a.start - b.start);
}

/** Parses `text` for Prettier. Throws `FluxoSyntaxError` when the file has syntax errors. */
export function parseForPrettier(text: string, uri = "untitled.flow"): FluxoRoot {
  const { file, diagnostics } = parseFluxo(text, uri);
  if (diagnostics.length > 0) throw new FluxoSyntaxError(diagnostics, text);
  // Both lists are in source order: one pass over them.
  const strings = stringRanges(file);
  const comments: FluxoComment[] = [];
  let next = 0;
  for (const comment of file.comments) {
    while (next < strings.length && strings[next]!.end <= comment.start) next++;
    const string = strings[next];
    if (string && string.start < comment.start && comment.end <= string.end) continue;
    comments.push({ ...comment, value: comment.text });
  }
  return { ...file, comments };
}

/** The options Prettier passes to a parser (only what this plugin reads or fixes). */
interface MutableOptions {
  filepath?: string;
  tabWidth?: number;
  useTabs?: boolean;
}

/** `parsers.fluxo.parse`: see the module comment for the fixed indentation. */
export function parse(text: string, options: MutableOptions): FluxoRoot {
  options.tabWidth = 4;
  options.useTabs = false;
  return parseForPrettier(text, options.filepath ?? "untitled.flow");
}

export function locStart(node: { start: number }): number {
  return node.start;
}

export function locEnd(node: { end: number }): number {
  return node.end;
}
