//! `--format json`: exactly one JSON array on stdout (TOOLING §1), one
//! object per diagnostic with the contract's fields and nothing else, in a
//! fixed key order. Printed on one line, so that in watch mode each run is one
//! line (JSON Lines) that a consumer can read as it comes.

import type { CheckReport } from "./report.js";

/** The shape of one element of the array, as the contract states it. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  /** Exclusive: the column just after the last character of the range. */
  endColumn: number;
  severity: "error" | "warning" | "info";
  code: string;
  message: string;
}

export function toJsonDiagnostics(report: CheckReport): JsonDiagnostic[] {
  return report.diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
}

export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(toJsonDiagnostics(report))}\n`;
}
