//! Comments: how Prettier's comment attachment is steered for Fluxo, and how
//! comments are printed.
//!
//! Prettier attaches each comment to a node as leading, trailing or dangling
//! (`canAttachComment`, the handlers below) and prints leading and trailing
//! comments around the node itself. Its defaults assume that a line may
//! break anywhere; in Fluxo a newline ends a statement, and punctuation that
//! is not part of any node (`{`, `)`, `else`, the `body` keyword of an HTTP
//! block) can separate a comment from the node Prettier would pick. The
//! handlers keep each comment on its side of such punctuation:
//!
//! - inside `{ }`: a comment at the end of the `{` line stays there (dangling,
//!   marker `open`); one right before the `{` stays before it (marker
//!   `before`); one with nothing else inside the braces stays inside;
//! - inside `( )` and `[ ]`: a comment before the closing bracket stays after
//!   the last element (or inside the empty brackets), one at the end of the
//!   opening bracket's line leads the first element; one after a closing
//!   bracket leads what follows it;
//! - between an `if` block's `}` and `else`: trailing on the block (the
//!   printer then starts `else` on the next line, which the grammar allows);
//! - before `body` or `timeout` in an HTTP block: after the item before it.
//!
//! Whatever they do, the API checks that every comment comes out, in order
//! (`syntax-equal.ts`), and the property tests insert comments everywhere.
//!
//! Line comments are printed without trailing whitespace, and the lines of a
//! `/* … */` comment whose lines all start with `*` are re-indented; the
//! comparison of trees before and after formatting ignores exactly these
//! changes.

import { doc, util, type AstPath, type Doc } from "prettier";
import type * as A from "@fluxo/compiler";
import { forEachChild, rangeOf } from "@fluxo/compiler";
import type { FluxoComment } from "./parse.js";

const { hardline, join, lineSuffix, breakParent } = doc.builders;

/** Nodes that own a `{` whose end-of-line comment they print themselves (see `printOpenComments`). */
export const braceOwners: ReadonlySet<string> = new Set([
  "Flow", "Step", "Test", "Block", "Context", "RecordType", "Record", "Import", "Http", "Ask", "Choose", "Match",
  "Random",
]);

/** `printer.canAttachComment`: every node but the pieces of a string (printed from source) and comments. */
export function canAttachComment(node: { kind?: string }): boolean {
  return node.kind !== undefined && node.kind !== "StringText" && node.kind !== "Interpolation" && node.kind !== "Comment";
}

/** `printer.getCommentChildNodes`: strings are leaves (their inside is printed verbatim). */
export function getCommentChildNodes(node: A.Node): A.Node[] | undefined {
  return node.kind === "String" ? [] : undefined;
}

export function isBlockComment(comment: FluxoComment): boolean {
  return comment.style === "block";
}

/** `printer.getVisitorKeys`: the keys that hold nodes (never Prettier's own). */
export function getVisitorKeys(node: object, nonTraversableKeys: ReadonlySet<string>): string[] {
  return Object.keys(node).filter((key) => {
    if (nonTraversableKeys.has(key)) return false;
    const value = (node as Record<string, unknown>)[key];
    return value !== null && typeof value === "object";
  });
}

/**
 * The offset of the last character before `offset` on the same line that is
 * not blank and not inside a block comment, or -1.
 */
function previousSignificant(text: string, offset: number, comments: readonly FluxoComment[]): number {
  let index = offset - 1;
  for (;;) {
    while (index >= 0 && (text[index] === " " || text[index] === "\t")) index--;
    if (index < 0 || text[index] === "\n" || text[index] === "\r") return -1;
    const end = index + 1;
    const comment = comments.find((c) => c.end === end && c.style === "block");
    if (!comment) return index;
    index = comment.start - 1;
  }
}

/**
 * The offsets of the `{` and `}` that `owner` itself writes (not those of a
 * child node or inside a comment), or undefined.
 */
function ownBraces(owner: A.Node, text: string, comments: readonly FluxoComment[]): { open: number; close: number } | undefined {
  const skipped: A.Range[] = commentsIn(comments, owner.start, owner.end).map((c) => rangeOf(c));
  forEachChild(owner, (child) => skipped.push(rangeOf(child)));
  skipped.sort((a, b) => a.start - b.start);
  let open = -1;
  let next = 0;
  for (let offset = owner.start; offset < owner.end; offset++) {
    while (next < skipped.length && skipped[next]!.end <= offset) next++;
    const range = skipped[next];
    if (range && range.start <= offset) {
      offset = range.end - 1;
      continue;
    }
    if (open < 0 && text[offset] === "{") open = offset;
    else if (open >= 0 && text[offset] === "}") return { open, close: offset };
  }
  return undefined;
}

/**
 * A comment inside the braces of a node with nothing else there to attach
 * it to (`step s { // todo }`): dangling on that node, which prints it
 * between its braces. One at the end of the `{` line gets the marker `open`.
 */
function handleBraceComment(comment: FluxoComment, text: string, options: { [key: symbol]: unknown }): boolean {
  const owner = comment.enclosingNode;
  if (!owner || !braceOwners.has(owner.kind)) return false;
  const all = (options[Symbol.for("comments")] as FluxoComment[] | undefined) ?? [];
  const braces = ownBraces(owner, text, all);
  if (!braces || comment.start > braces.close) return false;
  if (comment.end <= braces.open) {
    // `context /* c */ {`, `flow f(x: T) /* c */ {`: nothing of the header
    // follows it, and the items after the brace must not lead with it (an
    // end-of-line comment after the brace would then print first): it
    // stays right before the brace.
    if (util.getNextNonSpaceNonCommentCharacterIndex(text, comment.end) !== braces.open) return false;
    util.addDanglingComment(owner, comment, "before");
    return true;
  }
  if (comment.placement === "endOfLine" && previousSignificant(text, comment.start, all) === braces.open) {
    util.addDanglingComment(owner, comment, "open");
    return true;
  }
  const preceding = comment.precedingNode;
  if (comment.followingNode && comment.followingNode.start < braces.close) return false;
  // Nothing follows inside the braces: never lead a node after the `}` (the
  // path of an import); stay after the last item, or inside the empty braces.
  if (preceding && preceding.start > braces.open) util.addTrailingComment(preceding, comment);
  else util.addDanglingComment(owner, comment, undefined);
  return true;
}

/** A comment between an `if` block and the `else` keyword: trailing on the block. */
function handleIfElseComment(comment: FluxoComment, text: string): boolean {
  const owner = comment.enclosingNode;
  if (owner?.kind !== "If" || !owner.then || !owner.else) return false;
  if (comment.start < owner.then.end || comment.end > owner.else.start) return false;
  const elseKeyword = util.getNextNonSpaceNonCommentCharacterIndex(text, owner.then.end);
  if (elseKeyword === false || comment.start > elseKeyword) return false;
  util.addTrailingComment(owner.then, comment);
  return true;
}

/**
 * A comment before the `body` or `timeout` keyword of an HTTP block: those
 * items have no node of their own, so by default the comment would lead the
 * expression and land between the keyword and it. It stays after the item
 * before it instead, or at the top of the block.
 */
function handleHttpItemComment(comment: FluxoComment, text: string, options: { [key: symbol]: unknown }): boolean {
  const owner = comment.enclosingNode;
  const following = comment.followingNode;
  if (owner?.kind !== "Http" || !following || (following !== owner.body && following !== owner.timeout)) return false;
  if (!/\b(body|timeout)\b/.test(text.slice(comment.end, following.start))) return false;
  const all = (options[Symbol.for("comments")] as FluxoComment[] | undefined) ?? [];
  const braces = ownBraces(owner, text, all);
  const preceding = comment.precedingNode;
  if (preceding && braces && preceding.start > braces.open) util.addTrailingComment(preceding, comment);
  else util.addDanglingComment(owner, comment, undefined);
  return true;
}

/**
 * A comment before a closing `)` or `]` whose node continues after it
 * (`action a(p: T // c⏎) -> R`): by default it would lead what follows the
 * bracket (`-> // c⏎R`, where no line break is allowed); it stays inside,
 * after the last element.
 */
function handleCloserComment(comment: FluxoComment, text: string): boolean {
  const following = comment.followingNode;
  const owner = comment.enclosingNode;
  const next = util.getNextNonSpaceNonCommentCharacterIndex(text, comment.end);
  if (next === false || (text[next] !== ")" && text[next] !== "]")) return false;
  if (following ? next >= following.start : !owner || next >= owner.end) return false;
  const preceding = comment.precedingNode;
  const opener = preceding ? util.getNextNonSpaceNonCommentCharacterIndex(text, preceding.end) : false;
  // After the last element: trailing on it. Inside empty brackets: dangling
  // on the node, which prints it between them.
  if (preceding && !(opener !== false && opener < comment.start && (text[opener] === "(" || text[opener] === "["))) {
    util.addTrailingComment(preceding, comment);
  } else if (owner) util.addDanglingComment(owner, comment, undefined);
  else return false;
  return true;
}

/**
 * An end-of-line comment right after `(` or `[`: it leads the first element
 * (by default it would trail what comes before the bracket, and move out of
 * it on the next run). Empty brackets are `handleCloserComment`'s case.
 */
function handleOpenerComment(comment: FluxoComment, text: string, options: { [key: symbol]: unknown }): boolean {
  const following = comment.followingNode;
  if (comment.placement !== "endOfLine" || !following) return false;
  const all = (options[Symbol.for("comments")] as FluxoComment[] | undefined) ?? [];
  const opener = previousSignificant(text, comment.start, all);
  if (opener < 0 || (text[opener] !== "(" && text[opener] !== "[")) return false;
  util.addLeadingComment(following, comment);
  return true;
}

/**
 * A comment after a closing bracket that its preceding node does not own
 * (`action a(x: T) /* c *\/ -> R`): it cannot trail that node (it would move
 * inside the brackets), so it leads the node that follows.
 */
function handleAfterCloserComment(comment: FluxoComment, text: string, options: { [key: symbol]: unknown }): boolean {
  const { precedingNode: preceding, followingNode: following } = comment;
  if (!preceding || !following || comment.placement === "ownLine") return false;
  const all = (options[Symbol.for("comments")] as FluxoComment[] | undefined) ?? [];
  let closed = false;
  const skipped = commentsIn(all, preceding.end, comment.start);
  for (let offset = preceding.end; offset < comment.start; offset++) {
    const inside = skipped.find((c) => c.start <= offset && offset < c.end);
    if (inside) offset = inside.end - 1;
    else if (text[offset] === ")" || text[offset] === "]" || text[offset] === "}") closed = true;
  }
  if (!closed) return false;
  util.addLeadingComment(following, comment);
  return true;
}

const handle = (comment: FluxoComment, text: string, options: object): boolean =>
  handleBraceComment(comment, text, options as { [key: symbol]: unknown }) ||
  handleHttpItemComment(comment, text, options as { [key: symbol]: unknown }) ||
  handleCloserComment(comment, text) ||
  handleOpenerComment(comment, text, options as { [key: symbol]: unknown }) ||
  handleIfElseComment(comment, text) ||
  handleAfterCloserComment(comment, text, options as { [key: symbol]: unknown });

export const handleComments = { ownLine: handle, endOfLine: handle, remaining: handle };

/** The printed text of a comment (see the module comment for what changes). */
export function commentDoc(comment: FluxoComment): Doc {
  if (comment.style !== "block") return comment.text.trimEnd();
  const lines = comment.text.split("\n");
  if (lines.length > 1 && lines.slice(1).every((line) => /^\s*\*/.test(line))) {
    return join(
      hardline,
      lines.map((line, index) => (index === 0 ? line.trimEnd() : ` ${line.trim()}`)),
    );
  }
  return comment.text;
}

/** `printer.printComment`. */
export function printComment(path: AstPath<FluxoComment>): Doc {
  return commentDoc(path.node);
}

/** The comments of `node` attached as dangling (neither leading nor trailing), not yet printed. */
export function danglingComments(node: { comments?: FluxoComment[] }, marker?: string): FluxoComment[] {
  return (node.comments ?? []).filter((c) => !c.leading && !c.trailing && !c.printed && c.marker === marker);
}

/**
 * Dangling comments on lines of their own (the inside of an empty `{}` or
 * file), one a line, with blank lines between them kept (up to one).
 */
export function printDanglingLines(node: { comments?: FluxoComment[] }, text: string, marker?: string): Doc {
  const comments = danglingComments(node, marker);
  const parts: Doc[] = [];
  comments.forEach((comment, index) => {
    comment.printed = true;
    if (index > 0) {
      parts.push(hardline);
      if (util.isPreviousLineEmpty(text, comment.start)) parts.push(hardline);
    }
    parts.push(commentDoc(comment));
  });
  return parts;
}

/** Comments before an opening `{` with nothing else before them (marker `before`): `context /* c *\/ {`. */
export function printBeforeBraceComments(node: { comments?: FluxoComment[] }): Doc {
  return danglingComments(node, "before").map((comment) => {
    comment.printed = true;
    return [commentDoc(comment), " "];
  });
}

/** End-of-line comments after an opening `{` (marker `open`): kept at the end of the brace's line. */
export function printOpenComments(node: { comments?: FluxoComment[] }): Doc {
  const comments = danglingComments(node, "open");
  if (comments.length === 0) return "";
  return [
    ...comments.map((comment) => {
      comment.printed = true;
      return lineSuffix([" ", commentDoc(comment)]);
    }),
    breakParent,
  ];
}

/**
 * Dangling comments of a node whose printer has no place for them (a comment
 * inside `goto /* here *\/ x` with nothing to attach to): printed after the
 * node; a line comment goes to the end of the line, where it cannot hide code.
 */
export function printLeftoverComments(node: { comments?: FluxoComment[] }): Doc {
  const leftovers = (node.comments ?? []).filter((c) => !c.leading && !c.trailing && !c.printed);
  return leftovers.map((comment) => {
    comment.printed = true;
    return comment.style === "block" ? [" ", commentDoc(comment)] : [lineSuffix([" ", commentDoc(comment)]), breakParent];
  });
}

/** The comments (in source order) that lie inside `[start, end)`, found by binary search. */
export function commentsIn(comments: readonly FluxoComment[], start: number, end: number): FluxoComment[] {
  let low = 0;
  let high = comments.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (comments[middle]!.start < start) low = middle + 1;
    else high = middle;
  }
  const found: FluxoComment[] = [];
  for (let index = low; index < comments.length && comments[index]!.start < end; index++) {
    if (comments[index]!.end <= end) found.push(comments[index]!);
  }
  return found;
}

/** Whether any comment of the file lies inside `[start, end)`. */
export function hasCommentIn(comments: readonly FluxoComment[], start: number, end: number): boolean {
  return commentsIn(comments, start, end).length > 0;
}
