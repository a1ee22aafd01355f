// Layout perturbations of valid programs, for the property tests: the
// places between tokens where whitespace, line breaks and comments may be
// changed without (usually) changing the program, and the edits themselves.
// Strings are never touched (their inside is content), and neither are gaps
// that hold comments (so no comment is lost).

import fc from "fast-check";
import { parse, tokenize, type Node, type SourceFile } from "@fluxo/compiler";
import { forEachChild, rangeOf } from "@fluxo/compiler";

/** The gap between two tokens: `[start, end)` of the text, and what surrounds it. */
export interface Slot {
  start: number;
  end: number;
  /** The token before the gap (its text). */
  before: string;
  hasNewline: boolean;
}

/** Tokens after which a line break does not end a statement (LANGUAGE §2), plus the opening brackets. */
const continuation = new Set([",", "|", "??", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "and", "or", "in", "(", "["]);

function stringRanges(file: SourceFile): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  const visit = (node: Node): void => {
    if (node.kind === "String") ranges.push(rangeOf(node));
    else forEachChild(node, visit);
  };
  visit(file);
  return ranges;
}

/** The gaps between the code tokens of `text` (a string counts as one token). */
export function slotsOf(text: string): Slot[] {
  const { file } = parse(text);
  const strings = stringRanges(file);
  const atoms: { start: number; end: number; text: string }[] = [];
  for (const token of tokenize(text).tokens) {
    const start = token.startOffset;
    const end = start + token.image.length;
    if (end === start || token.tokenType.name === "Newline") continue;
    const inString = strings.find((range) => range.start <= start && end <= range.end);
    if (inString) {
      const last = atoms[atoms.length - 1];
      if (!last || last.start !== inString.start) atoms.push({ start: inString.start, end: inString.end, text: "\"…\"" });
      continue;
    }
    atoms.push({ start, end, text: token.image });
  }
  const slots: Slot[] = [];
  for (let i = 0; i + 1 < atoms.length; i++) {
    const gap = text.slice(atoms[i]!.end, atoms[i + 1]!.start);
    if (gap.includes("/") || gap.includes(";")) continue; // a comment or a separator: left alone
    slots.push({ start: atoms[i]!.end, end: atoms[i + 1]!.start, before: atoms[i]!.text, hasNewline: /[\r\n]/.test(gap) });
  }
  return slots;
}

export type EditKind =
  | "spaces"
  | "newlines"
  | "break"
  | "blockComment"
  | "multilineComment"
  | "lineComment"
  | "ownLineComment"
  | "docComment";

export interface Edit {
  slot: number;
  kind: EditKind;
  variant: number;
}

const horizontal = [" ", "  ", "\t", "   ", " \t "];
const indents = ["", "  ", "    ", "\t", "        ", "      "];
const breaks = ["\n", "\n\n", "\n\n\n", "  \n", "\r\n", "\n \n"];

/** The new text of a gap, or undefined when this edit does not apply to it. */
function editGap(slot: Slot, gap: string, edit: Edit): string | undefined {
  const v = edit.variant;
  const indent = indents[v % indents.length]!;
  switch (edit.kind) {
    case "spaces":
      return slot.hasNewline || gap === "" ? undefined : horizontal[v % horizontal.length];
    case "newlines":
      return slot.hasNewline ? breaks[v % breaks.length]! + indent : undefined;
    case "break":
      return !slot.hasNewline && continuation.has(slot.before) ? `\n${indent}` : undefined;
    case "blockComment":
      return ` /* note ${v % 10} */${gap === "" ? " " : gap}`;
    case "multilineComment":
      return v % 2 === 0 ? ` /* two\n${indent} * lines */${gap === "" ? " " : gap}` : ` /**\n * starred\n${indent}*/${gap === "" ? " " : gap}`;
    case "lineComment":
      return slot.hasNewline ? ` // note ${v % 10}${gap}` : undefined;
    case "docComment":
      return slot.hasNewline ? `\n${indent}/// doc ${v % 10}${gap}` : undefined;
    case "ownLineComment":
      return slot.hasNewline ? `\n${indent}// own line ${v % 10}${gap}` : undefined;
    default: {
      const unreachable: never = edit.kind;
      return unreachable;
    }
  }
}

/** `text` with the edits applied (each slot edited at most once). */
export function applyEdits(text: string, slots: readonly Slot[], edits: readonly Edit[]): string {
  if (slots.length === 0) return text;
  const bySlot = new Map<number, Edit>();
  for (const edit of edits) bySlot.set(edit.slot % slots.length, edit);
  let out = text;
  for (const index of [...bySlot.keys()].sort((a, b) => b - a)) {
    const slot = slots[index]!;
    const gap = out.slice(slot.start, slot.end);
    const replacement = editGap(slot, gap, bySlot.get(index)!);
    if (replacement !== undefined) out = out.slice(0, slot.start) + replacement + out.slice(slot.end);
  }
  return out;
}

export const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  slot: fc.nat(),
  kind: fc.constantFrom<EditKind>(
    "spaces",
    "newlines",
    "break",
    "blockComment",
    "multilineComment",
    "lineComment",
    "ownLineComment",
    "docComment",
  ),
  variant: fc.nat(99),
});

/** Edits that break a program: a token removed, or a stray token added. */
export interface Breakage {
  slot: number;
  insert: string;
}

export const breakageArbitrary: fc.Arbitrary<Breakage> = fc.record({
  slot: fc.nat(),
  insert: fc.constantFrom(" @ ", ")", " ( ", " { ", " = ", " => ", ' "unterminated', " 12abc ", " \\ ", " /* open", "DELETE"),
});

/** `text` with one breakage applied at a gap (`DELETE` removes the token before it). */
export function applyBreakage(text: string, slots: readonly Slot[], breakage: Breakage): string {
  if (slots.length === 0) return `${text} @`;
  const slot = slots[breakage.slot % slots.length]!;
  if (breakage.insert === "DELETE") {
    let start = slot.start - 1;
    while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!) && /[A-Za-z0-9_]/.test(text[start]!)) start--;
    return text.slice(0, start) + text.slice(slot.start);
  }
  return text.slice(0, slot.start) + breakage.insert + text.slice(slot.start);
}
