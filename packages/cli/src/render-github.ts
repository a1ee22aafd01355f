//! `--format github`: GitHub Actions workflow commands, one annotation per
//! diagnostic (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=FX2001::message`),
//! so diagnostics show on the pull request's diff. Related locations are
//! appended to the message, which an annotation may carry over several lines.

import type { Severity } from "@fluxo/compiler";
import { summaryLine, type CheckReport, type LocatedDiagnostic } from "./report.js";

/** Escapes the message part of a workflow command (`%`, CR, LF). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value of a workflow command (also `:` and `,`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(severity: Severity): "error" | "warning" | "notice" {
  switch (severity) {
    case "error":
      return "error";
    case "warning":
      return "warning";
    case "info":
      return "notice";
    default: {
      const unreachable: never = severity;
      return unreachable;
    }
  }
}

export function renderAnnotation(d: LocatedDiagnostic): string {
  const properties = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(d.code)}`,
  ].join(",");
  const related = d.related.map((r) => `\n${r.file}:${r.line}:${r.column} - ${r.message}`).join("");
  return `::${command(d.severity)} ${properties}::${escapeData(d.message + related)}`;
}

/** The annotations, then the summary as a plain line. */
export function renderGithub(report: CheckReport): string {
  return [...report.diagnostics.map(renderAnnotation), summaryLine(report)].join("\n") + "\n";
}
