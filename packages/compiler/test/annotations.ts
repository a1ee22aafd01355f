//! Inline expectations written in the language itself (STYLE.md, "Tests are
//! data"): a comment line under a line of code marks where a diagnostic is
//! expected, so no test counts lines and columns by hand.
//!
//! ```flow
//! say "oi" "tchau"
//! //       ^ FX1001: expected end of line or ';'
//! flow next {
//! // <- FX1001
//! ```
//!
//! `^` marks the column of the first caret in the nearest line above that is
//! not an annotation; `<-` marks column 1 of that line. The text after `:` is
//! optional and, when present, must occur in the diagnostic's message.
//!
//! **Full form.** With a severity before the code, the carets mark the whole
//! range (UTF-16 columns, so an emoji takes two carets), the severity must
//! match, and the text after `:` must be a prefix of the message:
//!
//! ```flow
//!     say "{x}"
//! //        ^ error FX4001: 'x' is used before it is definitely assigned
//! //  related: declared here
//! ```
//!
//! `// related: text` lines after an annotation, when present, list the
//! messages of the diagnostic's related information, each as a prefix, in
//! order and all of them; without them related information is not checked.
//! A range over several lines is written with `...` after the carets under
//! its first line (the carets run from the start to the end of that line),
//! and closed by a line of bare carets under its last line, the last caret on
//! the range's last character; nested ranges close innermost first:
//!
//! ```flow
//!     say "never"
//! //  ^^^^^^^^^^^... warning FX4002: unreachable code
//!     if x {
//!         say "a"
//!     }
//! //  ^
//! ```
//!
//! A caret cannot mark columns 1–2 (the `//`): use `<-` for column 1.

import { LineIndex, type Diagnostic, type Severity } from "@fluxo/compiler";

export interface ExpectedDiagnostic {
  code: string;
  /** 1-based line and column of the range start. */
  line: number;
  column: number;
  message?: string;
  /** Full form only: the severity, and the range end (1-based, exclusive column). */
  severity?: Severity;
  endLine?: number;
  endColumn?: number;
  /** Prefixes of the related information's messages, when the annotation lists them. */
  related?: string[];
  /** 1-based line of the annotation comment itself (for mismatch reports). */
  annotationLine?: number;
}

const annotation = /^(\s*\/\/\s*)(\^+|<-)(\.\.\.)?\s*(?:(error|warning|info)\s+)?(FX\d{4})(?::\s*(.*))?$/;
const closing = /^(\s*\/\/\s*)(\^+)\s*$/;
const relatedLine = /^\s*\/\/\s*related:\s*(.*)$/;

/** The diagnostics a text's annotations expect, in source order. Throws on a malformed annotation. */
export function readAnnotations(text: string): ExpectedDiagnostic[] {
  const lines = text.split(/\r\n|\r|\n/);
  const expected: ExpectedDiagnostic[] = [];
  const open: ExpectedDiagnostic[] = [];
  let last: ExpectedDiagnostic | undefined;
  let target = 0;
  lines.forEach((line, index) => {
    const match = annotation.exec(line);
    if (match) {
      const column = match[2] === "<-" ? 1 : match[1]!.length + 1;
      const entry: ExpectedDiagnostic = { code: match[5]!, line: target, column };
      if (match[6]) entry.message = match[6].trim();
      if (match[4]) {
        entry.severity = match[4] as Severity;
        entry.annotationLine = index + 1;
        if (match[3]) open.push(entry);
        else if (match[2] !== "<-") {
          entry.endLine = target;
          entry.endColumn = column + match[2]!.length;
        }
      } else if (match[3]) throw new Error(`line ${index + 1}: a range over several lines needs the full form (with a severity)`);
      expected.push(entry);
      last = entry;
      return;
    }
    const close = closing.exec(line);
    if (close) {
      const entry = open.pop();
      if (!entry) throw new Error(`line ${index + 1}: bare carets close a '...' annotation, but none is open`);
      entry.endLine = target;
      entry.endColumn = close[1]!.length + close[2]!.length + 1;
      return;
    }
    const related = relatedLine.exec(line);
    if (related) {
      if (!last) throw new Error(`line ${index + 1}: 'related:' must follow an annotation`);
      (last.related ??= []).push(related[1]!.trim());
      return;
    }
    target = index + 1;
    last = undefined;
  });
  if (open.length > 0) throw new Error(`line ${open[0]!.annotationLine}: a '...' annotation is never closed by a line of bare carets`);
  return expected.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `FX1001 3:5` for each diagnostic, for comparison with `readAnnotations`. */
export function diagnosticPositions(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const index = new LineIndex(text);
  return diagnostics.map((d) => {
    const start = index.positionAt(d.range.start);
    return `${d.code} ${start.line + 1}:${start.character + 1}`;
  });
}

/** The annotations rendered like `diagnosticPositions`. */
export function expectedPositions(expected: readonly ExpectedDiagnostic[]): string[] {
  return expected.map((e) => `${e.code} ${e.line}:${e.column}`);
}

/**
 * Diagnostics whose message does not contain the annotation's text, as
 * readable strings (empty when all match). Call after positions matched.
 */
export function messageMismatches(
  text: string,
  diagnostics: readonly Diagnostic[],
  expected: readonly ExpectedDiagnostic[],
): string[] {
  const actual = diagnosticPositions(text, diagnostics);
  const out: string[] = [];
  for (const e of expected) {
    if (e.message === undefined) continue;
    const key = `${e.code} ${e.line}:${e.column}`;
    const found = diagnostics.filter((_, i) => actual[i] === key);
    if (!found.some((d) => d.message.includes(e.message!))) {
      out.push(`${key}: expected a message containing ${JSON.stringify(e.message)}, got ${JSON.stringify(found.map((d) => d.message))}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- exact comparison

/** What `compareAnnotations` found: both lists empty means the text's annotations hold exactly. */
export interface AnnotationMismatch {
  /** Annotations that no diagnostic satisfies. */
  missing: ExpectedDiagnostic[];
  /** Diagnostics that no annotation expects. */
  unexpected: Diagnostic[];
}

/** Whether `d` satisfies annotation `e` (positions from `index`). */
function satisfies(index: LineIndex, e: ExpectedDiagnostic, d: Diagnostic): boolean {
  if (d.code !== e.code) return false;
  const start = index.positionAt(d.range.start);
  if (start.line + 1 !== e.line || start.character + 1 !== e.column) return false;
  if (e.severity !== undefined) {
    if (d.severity !== e.severity) return false;
    if (e.endLine !== undefined) {
      const end = index.positionAt(d.range.end);
      if (end.line + 1 !== e.endLine || end.character + 1 !== e.endColumn) return false;
    }
  }
  if (e.message !== undefined) {
    const ok = e.severity !== undefined ? d.message.startsWith(e.message) : d.message.includes(e.message);
    if (!ok) return false;
  }
  if (e.related !== undefined) {
    const related = d.related ?? [];
    if (related.length !== e.related.length) return false;
    if (!e.related.every((prefix, i) => related[i]!.message.startsWith(prefix))) return false;
  }
  return true;
}

/**
 * Matches every annotation of `text` with one diagnostic and every
 * diagnostic with one annotation; what is left over on either side is the
 * mismatch. Diagnostics of other files (another `uri`) must be filtered out
 * by the caller.
 */
export function compareAnnotations(
  text: string,
  diagnostics: readonly Diagnostic[],
  expected: readonly ExpectedDiagnostic[] = readAnnotations(text),
): AnnotationMismatch {
  const index = new LineIndex(text);
  const unmatched = [...diagnostics];
  const missing: ExpectedDiagnostic[] = [];
  // The most specific annotations pick first, so a loose one cannot steal a diagnostic a precise one needs.
  const specificity = (e: ExpectedDiagnostic): number =>
    (e.severity ? 4 : 0) + (e.endLine !== undefined ? 2 : 0) + (e.related ? 1 : 0) + (e.message?.length ?? 0) / 1e4;
  const ordered = [...expected].sort((a, b) => specificity(b) - specificity(a));
  for (const e of ordered) {
    const found = unmatched.findIndex((d) => satisfies(index, e, d));
    if (found === -1) missing.push(e);
    else unmatched.splice(found, 1);
  }
  missing.sort((a, b) => a.line - b.line || a.column - b.column);
  return { missing, unexpected: unmatched };
}

/**
 * A readable report of a mismatch, empty when there is none. Each unexpected
 * diagnostic comes with the annotation that would expect it, ready to paste
 * under its line.
 */
export function formatMismatch(text: string, mismatch: AnnotationMismatch): string {
  if (mismatch.missing.length === 0 && mismatch.unexpected.length === 0) return "";
  const index = new LineIndex(text);
  const out: string[] = [];
  if (mismatch.missing.length > 0) {
    out.push("expected but not reported:");
    for (const e of mismatch.missing) {
      const end = e.endLine !== undefined ? `-${e.endLine}:${e.endColumn}` : "";
      const at = e.annotationLine !== undefined ? ` (annotation on line ${e.annotationLine})` : "";
      out.push(`  ${e.line}:${e.column}${end} ${e.severity ?? ""}${e.severity ? " " : ""}${e.code}: ${e.message ?? "…"}${at}`);
      for (const related of e.related ?? []) out.push(`      related: ${related}`);
      out.push(`    | ${index.lineText(e.line - 1)}`);
    }
  }
  if (mismatch.unexpected.length > 0) {
    out.push("reported but not expected:");
    for (const d of mismatch.unexpected) {
      const start = index.positionAt(d.range.start);
      const end = index.positionAt(d.range.end);
      out.push(`  ${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${d.severity} ${d.code}: ${d.message}`);
      for (const related of d.related ?? []) out.push(`      related: ${related.message}`);
      out.push(`    | ${index.lineText(start.line)}`);
      for (const line of suggestedAnnotation(index, d)) out.push(`    + ${line}`);
    }
  }
  return out.join("\n");
}

/** The annotation lines that would expect `d`, in the full form. */
function suggestedAnnotation(index: LineIndex, d: Diagnostic): string[] {
  const start = index.positionAt(d.range.start);
  const end = index.positionAt(d.range.end);
  const lead = (column: number): string => `//${" ".repeat(Math.max(0, column - 2))}`;
  const head = `${d.severity} ${d.code}: ${d.message}`;
  const related = (d.related ?? []).map((r) => `//  related: ${r.message}`);
  if (start.line === end.line) {
    const width = Math.max(1, end.character - start.character);
    return [`${lead(start.character)}${"^".repeat(width)} ${head}`, ...related];
  }
  const firstLine = index.lineText(start.line);
  const width = Math.max(1, firstLine.length - start.character);
  const lastColumn = Math.max(0, end.character - 1);
  return [
    `${lead(start.character)}${"^".repeat(width)}... ${head}`,
    ...related,
    `(under line ${end.line + 1}:) ${lead(lastColumn)}^`,
  ];
}
