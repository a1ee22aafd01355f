//! Formatting (whole document and range), delegated to the formatter of
//! `fluxo fmt` (the Prettier plugin's API), which is passed in: the language
//! service stays free of Prettier, and the server decides where the
//! formatter comes from. The answer is the smallest single edit that turns
//! the text into the formatted text, so the cursor and folds move little.

import type { Range, TextEdit } from "./service-types.js";

/**
 * The formatter API (`@fluxo/prettier-plugin/api`): the whole formatted text,
 * or one edit formatting the statements a range touches. Both reject a text
 * with syntax errors.
 */
export interface Formatter {
  formatDocument(text: string): Promise<string>;
  formatRange(text: string, range: Range): Promise<TextEdit>;
}

/** The one edit turning `text` into `formatted` (none when they are equal). */
export function diffEdits(text: string, formatted: string): TextEdit[] {
  if (text === formatted) return [];
  let start = 0;
  const max = Math.min(text.length, formatted.length);
  while (start < max && text.charCodeAt(start) === formatted.charCodeAt(start)) start++;
  // Never split a surrogate pair or a CRLF.
  const splits = (t: string, at: number): boolean =>
    at > 0 && at < t.length && ((/[\uD800-\uDBFF]/.test(t[at - 1]!) && /[\uDC00-\uDFFF]/.test(t[at]!)) || (t[at - 1] === "\r" && t[at] === "\n"));
  while (start > 0 && (splits(text, start) || splits(formatted, start))) start--;
  let endText = text.length;
  let endFormatted = formatted.length;
  while (endText > start && endFormatted > start && text.charCodeAt(endText - 1) === formatted.charCodeAt(endFormatted - 1)) {
    endText--;
    endFormatted--;
  }
  while (endText < text.length && (splits(text, endText) || splits(formatted, endFormatted))) {
    endText++;
    endFormatted++;
  }
  return [{ range: { start, end: endText }, newText: formatted.slice(start, endFormatted) }];
}

/** Edits formatting the whole text. */
export async function formatDocument(text: string, formatter: Formatter): Promise<TextEdit[]> {
  return diffEdits(text, await formatter.formatDocument(text));
}

/** Edits formatting the statements that `range` touches. */
export async function formatRange(text: string, range: Range, formatter: Formatter): Promise<TextEdit[]> {
  const edit = await formatter.formatRange(text, range);
  return diffEdits(text, text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end));
}
