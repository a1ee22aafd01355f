//! Plain data shared by the language-service features: edits and locations
//! as UTF-16 offset ranges, the compiler's own currency. Nothing here knows
//! LSP; the language server converts offsets to lines and characters.

import type { Range } from "@fluxo/compiler";

export type { Range };

/** A place in a file of the program. */
export interface Location {
  uri: string;
  range: Range;
}

/** Replace `range` of a file's text with `newText`. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits to several files, keyed by URI (each file's edits do not overlap). */
export interface WorkspaceEdit {
  changes: Record<string, TextEdit[]>;
}

/** Adds an edit to a workspace edit. */
export function addEdit(edit: WorkspaceEdit, uri: string, textEdit: TextEdit): void {
  (edit.changes[uri] ??= []).push(textEdit);
}
