//! The outcome of a check, independent of how it is shown: diagnostics
//! located in lines and columns (1-based, as people and CI systems count),
//! the counts, and the summary line. `render-*.ts` turn it into text.

import { LineIndex, type Diagnostic, type Severity } from "@fluxo/compiler";
import { displayPath } from "./files.js";
import type { DiagnosticInFile } from "./workspace.js";

/** A place in a file, 1-based; `endColumn` is exclusive (the column after the last character). */
export interface Location {
  /** The file as shown to the user (relative to the current folder). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LocatedRelated extends Location {
  message: string;
}

export interface LocatedDiagnostic extends Location {
  severity: Severity;
  code: string;
  message: string;
  related: LocatedRelated[];
  /** The file's text and line index, for code frames. */
  source?: { text: string; lines: LineIndex };
}

export interface CheckReport {
  diagnostics: LocatedDiagnostic[];
  /** How many files were checked and reported on. */
  fileCount: number;
}

/** Looks up the text of a file (absolute path) as the compiler saw it. */
export type TextLookup = (file: string) => string | undefined;

/** Builds a report, computing lines and columns once per file. */
export function buildReport(
  entries: readonly DiagnosticInFile[],
  fileCount: number,
  cwd: string,
  getText: TextLookup,
  uriToPath: (uri: string) => string,
): CheckReport {
  const indexes = new Map<string, { text: string; lines: LineIndex } | undefined>();
  const sourceOf = (file: string) => {
    if (!indexes.has(file)) {
      const text = getText(file);
      indexes.set(file, text === undefined ? undefined : { text, lines: new LineIndex(text) });
    }
    return indexes.get(file);
  };
  const locate = (file: string, range: Diagnostic["range"]): Location => {
    const source = sourceOf(file);
    const start = source?.lines.positionAt(range.start) ?? { line: 0, character: 0 };
    const end = source?.lines.positionAt(range.end) ?? start;
    return {
      file: displayPath(file, cwd),
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  };

  const diagnostics = entries.map(({ diagnostic, file }): LocatedDiagnostic => {
    const located: LocatedDiagnostic = {
      ...locate(file, diagnostic.range),
      severity: diagnostic.severity,
      code: diagnostic.code,
      message: diagnostic.message,
      related: (diagnostic.related ?? []).map((related) => ({
        ...locate(uriToPath(related.uri), related.range),
        message: related.message,
      })),
    };
    const source = sourceOf(file);
    if (source) located.source = source;
    return located;
  });
  return { diagnostics, fileCount };
}

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  /** Files with at least one diagnostic. */
  files: number;
}

export function countDiagnostics(report: CheckReport): Counts {
  const counts: Counts = { errors: 0, warnings: 0, infos: 0, files: new Set(report.diagnostics.map((d) => d.file)).size };
  for (const diagnostic of report.diagnostics) {
    switch (diagnostic.severity) {
      case "error":
        counts.errors++;
        break;
      case "warning":
        counts.warnings++;
        break;
      case "info":
        counts.infos++;
        break;
      default: {
        const unreachable: never = diagnostic.severity;
        throw new Error(`unknown severity ${String(unreachable)}`);
      }
    }
  }
  return counts;
}

/** Exit status of a check: 1 when there is an error, else 0 (warnings do not fail). */
export function exitStatus(report: CheckReport): 0 | 1 {
  return report.diagnostics.some((diagnostic) => diagnostic.severity === "error") ? 1 : 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * The line that ends a report. With diagnostics, it counts them and the
 * files they are in: `Found 2 errors and 1 warning in 3 files.`; without,
 * it says how many files were checked: `No errors found in 5 files.`
 */
export function summaryLine(report: CheckReport): string {
  const counts = countDiagnostics(report);
  if (report.diagnostics.length === 0) return `No errors found in ${plural(report.fileCount, "file")}.`;
  const parts: string[] = [];
  if (counts.errors > 0) parts.push(plural(counts.errors, "error"));
  if (counts.warnings > 0) parts.push(plural(counts.warnings, "warning"));
  if (counts.infos > 0) parts.push(`${counts.infos} info ${counts.infos === 1 ? "message" : "messages"}`);
  return `Found ${joinAnd(parts)} in ${plural(counts.files, "file")}.`;
}
