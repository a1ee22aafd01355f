//! The formatting API (`@fluxo/prettier-plugin/api`): what `fluxo fmt` and
//! the language server call. Plain text in, text or one edit out; offsets
//! are UTF-16, as everywhere in the toolchain.
//!
//! It runs the Prettier plugin through Prettier's standalone entry (no
//! configuration files, no other languages loaded), so the result is the
//! canonical layout whatever Prettier configuration lies around. Each result
//! is checked before it is returned: the output must parse without errors
//! and be the same program as the input (`syntax-equal.ts`); otherwise
//! `FormatterError` is thrown and nothing should be written.

import * as prettier from "prettier/standalone";
import { forEachChild, parse, type Node, type Range, type SourceFile } from "@fluxo/compiler";
import plugin, { defaultPrintWidth, parserName } from "./index.js";
import { FluxoSyntaxError } from "./parse.js";
import { syntaxDifference } from "./syntax-equal.js";

export { FluxoSyntaxError } from "./parse.js";
export { syntaxDifference, syntaxEquals, syntaxOf } from "./syntax-equal.js";

export interface FormatOptions {
  /** Line width (default 100, the canonical layout). */
  printWidth?: number;
  /** Line ends of the output: `lf` (default), `crlf`, or `auto` (as the input's first line). */
  endOfLine?: "lf" | "crlf" | "auto";
  /** The document's URI, used in error messages. */
  uri?: string;
}

/** A bug in the formatter caught before it could do harm: its output would not be the same program. */
export class FormatterError extends Error {
  override readonly name = "FormatterError";
}

/** A replacement of `range` (offsets into the original text) by `newText`. */
export interface TextEdit {
  range: Range;
  newText: string;
}

function parseStrict(text: string, uri: string): SourceFile {
  const { file, diagnostics } = parse(text, uri);
  if (diagnostics.length > 0) throw new FluxoSyntaxError(diagnostics, text);
  return file;
}

/** Fails with `FormatterError` unless `after` parses cleanly to the same program as `before`. */
function ensureSameProgram(before: SourceFile, afterText: string, uri: string): SourceFile {
  const { file: after, diagnostics } = parse(afterText, uri);
  if (diagnostics.length > 0) {
    throw new FormatterError(
      `the formatter produced text that does not parse (${diagnostics[0]!.code} ${diagnostics[0]!.message}); this is a bug in the formatter`,
    );
  }
  const difference = syntaxDifference(before, after);
  if (difference !== undefined) {
    throw new FormatterError(`the formatter would change the program (${difference}); this is a bug in the formatter`);
  }
  return after;
}

async function runPrettier(text: string, options: FormatOptions): Promise<string> {
  return prettier.format(text, {
    parser: parserName,
    plugins: [plugin],
    printWidth: options.printWidth ?? defaultPrintWidth,
    endOfLine: options.endOfLine ?? "lf",
    ...(options.uri ? { filepath: options.uri } : {}),
  });
}

/**
 * The whole document in the canonical layout. Throws `FluxoSyntaxError` when
 * the text has syntax errors (such a file is never formatted), and
 * `FormatterError` if the result would not be the same program.
 */
export async function formatDocument(text: string, options: FormatOptions = {}): Promise<string> {
  const uri = options.uri ?? "untitled.flow";
  const before = parseStrict(text, uri);
  const formatted = await runPrettier(text, options);
  ensureSameProgram(before, formatted, uri);
  return formatted;
}

/** Whether `text` is already in the canonical layout (`fluxo fmt --check`). Throws as `formatDocument`. */
export async function isFormatted(text: string, options: FormatOptions = {}): Promise<boolean> {
  return (await formatDocument(text, options)) === text;
}

// ------------------------------------------------------------ range formatting

type Sorted = Node[];

function byStart(...lists: (readonly Node[])[]): Sorted {
  return lists.flat().sort((a, b) => a.start - b.start);
}

/** The lists of items (declarations, statements, clauses, arms) directly inside `node`. */
function itemLists(node: Node): Sorted[] {
  switch (node.kind) {
    case "SourceFile":
      return [node.declarations];
    case "Flow":
      return [byStart(node.triggers, node.body, node.steps)];
    case "Step":
    case "Test":
      return [node.body];
    case "Block":
      return [node.statements];
    case "If":
      return [...(node.then ? itemLists(node.then) : []), ...(node.else ? itemLists(node.else) : [])];
    case "Let":
    case "Var":
    case "Set":
    case "CallStatement":
      return node.else ? itemLists(node.else) : [];
    case "Ask":
      return [node.clauses];
    case "Choose":
      return [byStart(node.options, node.clauses)];
    case "Match":
    case "Random":
      return [node.arms];
    case "Option":
    case "Invalid":
    case "Timeout":
      return node.then ? itemLists(node.then) : [];
    case "MatchArm":
    case "RandomArm":
      return node.body ? itemLists(node.body) : [];
    default:
      return [];
  }
}

function overlaps(node: Node, range: Range): boolean {
  if (range.start === range.end) return node.start <= range.start && range.start <= node.end;
  return node.start < range.end && range.start < node.end;
}

/** The items overlapping `range`, from the innermost list that holds the whole range. */
function selectItems(list: Sorted, range: Range): Node[] {
  const selected = list.filter((item) => overlaps(item, range));
  if (selected.length === 1) {
    for (const inner of itemLists(selected[0]!)) {
      if (inner.length === 0) continue;
      if (inner[0]!.start <= range.start && range.end <= inner[inner.length - 1]!.end) return selectItems(inner, range);
    }
  }
  return selected;
}

/** The nodes of a tree in a fixed order, so that two equal trees line up node for node. */
function preorder(file: SourceFile): Node[] {
  const nodes: Node[] = [];
  const visit = (node: Node): void => {
    nodes.push(node);
    forEachChild(node, visit);
  };
  visit(file);
  return nodes;
}

/**
 * The span an item occupies: from its start (from the start of its line when
 * only blanks come before it there) to its end, or to the end of its line
 * when only blanks and comments follow it there.
 */
function itemSpan(text: string, comments: SourceFile["comments"], start: number, end: number): Range & { atLineStart: boolean } {
  let from = start;
  while (from > 0 && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
  const atLineStart = from === 0 || text[from - 1] === "\n" || text[from - 1] === "\r";
  if (!atLineStart) from = start;
  let to = end;
  for (;;) {
    while (to < text.length && (text[to] === " " || text[to] === "\t")) to++;
    const comment = comments.find((c) => c.start === to);
    if (!comment || comment.text.includes("\n")) break;
    to = comment.end;
  }
  if (to < text.length && text[to] !== "\n" && text[to] !== "\r") to = end;
  return { start: from, end: to, atLineStart };
}

/**
 * One edit that formats the whole statements or declarations overlapping
 * `range` (offsets into `text`), and nothing else: the innermost list of
 * items (declarations, statements, clauses, arms) that holds the range is
 * found, and the items of it that overlap the range are replaced by their
 * canonical text. The whole document must parse (it is formatted as a whole
 * to get the canonical text). When the edit would not give back the same
 * program (an unusual comment layout), the edit covers the whole document.
 */
export async function formatRange(text: string, range: Range, options: FormatOptions = {}): Promise<TextEdit> {
  const uri = options.uri ?? "untitled.flow";
  const before = parseStrict(text, uri);
  const formattedLf = await runPrettier(text, { ...options, endOfLine: "lf" });
  const after = ensureSameProgram(before, formattedLf, uri);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const whole: TextEdit = { range: { start: 0, end: text.length }, newText: eol === "\n" ? formattedLf : formattedLf.replace(/\n/g, eol) };

  const selected = selectItems(before.declarations, { start: Math.max(0, range.start), end: Math.min(text.length, range.end) });
  if (selected.length === 0) return { range: { start: range.start, end: range.start }, newText: "" };

  const beforeNodes = preorder(before);
  const afterNodes = preorder(after);
  const counterpart = (node: Node): Node | undefined => afterNodes[beforeNodes.indexOf(node)];
  const first = selected[0]!;
  const last = selected[selected.length - 1]!;
  const firstAfter = counterpart(first);
  const lastAfter = counterpart(last);
  if (!firstAfter || !lastAfter || firstAfter.kind !== first.kind || lastAfter.kind !== last.kind) return whole;

  const original = itemSpan(text, before.comments, first.start, last.end);
  const replacement = itemSpan(formattedLf, after.comments, firstAfter.start, lastAfter.end);
  // The indentation is replaced along with the items when both start their
  // lines; otherwise (`say "a"; say "b"`) the edit starts at the item itself.
  if (!original.atLineStart || !replacement.atLineStart) {
    original.start = first.start;
    replacement.start = firstAfter.start;
  }
  let newText = formattedLf.slice(replacement.start, replacement.end);
  if (eol !== "\n") newText = newText.replace(/\n/g, eol);
  const edit: TextEdit = { range: { start: original.start, end: original.end }, newText };

  const edited = text.slice(0, original.start) + newText + text.slice(original.end);
  const check = parse(edited, uri);
  if (check.diagnostics.length > 0 || syntaxDifference(before, check.file) !== undefined) return whole;
  return edit;
}
