//! Find references and document highlights: every name the checker resolved
//! to the same symbol, across the program's files (references) or in one
//! file with read/write kinds (highlights). Works inside interpolations.

import { nodePathAt, referencesAt, type Program } from "@fluxo/compiler";
import type { Location, Range } from "./service-types.js";

/** Every occurrence of the symbol at `offset` in the program. */
export function getReferences(program: Program, uri: string, offset: number, includeDeclaration = true): Location[] {
  return referencesAt(program, uri, offset, includeDeclaration);
}

export interface Highlight {
  range: Range;
  /** `write` where the name is declared or assigned, `read` elsewhere. */
  kind: "read" | "write";
}

// A record literal's field writes the field it resolves to (`{ street: "a" }`).
const declaringKinds = new Set(["Let", "Var", "Set", "Ask", "Param", "Flow", "Step", "Action", "TypeAlias", "Field", "RecordField"]);

/** The occurrences of the symbol at `offset` in its own file. */
export function getHighlights(program: Program, uri: string, offset: number): Highlight[] {
  const file = program.getSourceFile(uri);
  if (!file) return [];
  return referencesAt(program, uri, offset, true)
    .filter((location) => location.uri === uri)
    .map((location) => {
      const path = nodePathAt(file, location.range.start);
      const nameIndex = path.findIndex((n) => n.kind === "Name" && n.start === location.range.start);
      const parent = nameIndex > 0 ? (path[nameIndex - 1] as { kind: string; name?: unknown }) : undefined;
      const writes = parent !== undefined && declaringKinds.has(parent.kind) && parent.name === path[nameIndex];
      return { range: location.range, kind: writes ? ("write" as const) : ("read" as const) };
    });
}
