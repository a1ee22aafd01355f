//! Diagnostics of one file for the editor: the compiler's own diagnostics
//! (one checker, two front ends), with the registry's title and tags, so a
//! client can show the code, fade unnecessary code and strike deprecated code.

import { registry, type Diagnostic, type Program } from "@fluxo/compiler";
import type { Location, Range } from "./service-types.js";

export interface RelatedInformation extends Location {
  message: string;
}

/** A diagnostic as the editor shows it. */
export interface EditorDiagnostic {
  range: Range;
  severity: Diagnostic["severity"];
  /** The stable code, `FXnnnn`. */
  code: string;
  message: string;
  /** The registry's short title of the code (e.g. "unknown step"). */
  title: string;
  related: RelatedInformation[];
  tags: ("unnecessary" | "deprecated")[];
}

/** The diagnostics of `uri`, in source order (empty for a file the program does not hold). */
export function getDiagnostics(program: Program, uri: string): EditorDiagnostic[] {
  if (!program.hasFile(uri)) return [];
  return program.getDiagnostics(uri).map((d) => ({
    range: d.range,
    severity: d.severity,
    code: d.code,
    message: d.message,
    title: registry[d.code].title,
    related: (d.related ?? []).map((r) => ({ uri: r.uri, range: r.range, message: r.message })),
    tags: [...(d.tags ?? [])],
  }));
}
