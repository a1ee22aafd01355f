//! The human format of `fluxo check`: `path:line:col - error FX2001: message`,
//! a code frame with the range underlined (by @babel/code-frame), related
//! locations, and the summary line. Colours only when asked (see
//! `shouldColor`); the layout is the same with or without them.

import { codeFrameColumns, type BabelCodeFrameOptions } from "@babel/code-frame";
import pc from "picocolors";
import type { Severity } from "@fluxo/compiler";
import { summaryLine, type CheckReport, type LocatedDiagnostic } from "./report.js";

type Colors = ReturnType<typeof pc.createColors>;

/** Lines shown above and below the line of a diagnostic. */
const contextLines = 2;

function severityLabel(severity: Severity, colors: Colors): string {
  switch (severity) {
    case "error":
      return colors.red(colors.bold("error"));
    case "warning":
      return colors.yellow(colors.bold("warning"));
    case "info":
      return colors.blue(colors.bold("info"));
    default: {
      const unreachable: never = severity;
      return String(unreachable);
    }
  }
}

/**
 * The code frame of a diagnostic. A range that spans lines is underlined on
 * its first line only (to the end of that line), so an unterminated block
 * string does not print the rest of the file; the JSON format has the full
 * range. Only the lines around the diagnostic are handed to the frame
 * printer, which keeps large files cheap.
 */
export function codeFrame(diagnostic: LocatedDiagnostic, color: boolean): string | undefined {
  const source = diagnostic.source;
  if (!source) return undefined;
  const line = diagnostic.line - 1;
  const first = Math.max(0, line - contextLines);
  let last = Math.min(source.lines.lineCount - 1, line + contextLines);
  // The empty "line" after a final newline is not worth showing.
  if (last > line && last === source.lines.lineCount - 1 && source.lines.lineText(last) === "") last--;
  const window: string[] = [];
  for (let i = first; i <= last; i++) window.push(source.lines.lineText(i));

  const lineLength = source.lines.lineText(line).length;
  let endColumn = diagnostic.endLine === diagnostic.line ? diagnostic.endColumn : lineLength + 1;
  if (endColumn < diagnostic.column) endColumn = diagnostic.column;

  const options: BabelCodeFrameOptions & { startLine: number } = {
    highlightCode: color,
    forceColor: color,
    linesAbove: contextLines,
    linesBelow: contextLines,
    startLine: first + 1,
  };
  return codeFrameColumns(
    window.join("\n"),
    { start: { line: diagnostic.line, column: diagnostic.column }, end: { line: diagnostic.line, column: endColumn } },
    options,
  );
}

/** One diagnostic: header, frame, related locations. */
export function renderDiagnostic(diagnostic: LocatedDiagnostic, color: boolean): string {
  const colors = pc.createColors(color);
  const where = `${colors.cyan(diagnostic.file)}:${colors.yellow(String(diagnostic.line))}:${colors.yellow(String(diagnostic.column))}`;
  const lines = [`${where} - ${severityLabel(diagnostic.severity, colors)} ${colors.gray(diagnostic.code)}: ${diagnostic.message}`];
  const frame = codeFrame(diagnostic, color);
  if (frame !== undefined) lines.push("", frame);
  if (diagnostic.related.length > 0) {
    lines.push("");
    for (const related of diagnostic.related) {
      lines.push(`  ${colors.cyan(related.file)}:${colors.yellow(String(related.line))}:${colors.yellow(String(related.column))} - ${related.message}`);
    }
  }
  return lines.join("\n");
}

/** The whole report: each diagnostic followed by a blank line, then the summary. */
export function renderPretty(report: CheckReport, color: boolean): string {
  const parts = report.diagnostics.map((diagnostic) => `${renderDiagnostic(diagnostic, color)}\n\n`);
  const colors = pc.createColors(color);
  const summary = summaryLine(report);
  parts.push(`${report.diagnostics.some((d) => d.severity === "error") ? colors.red(summary) : summary}\n`);
  return parts.join("");
}
