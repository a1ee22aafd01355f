//! Test support for the features: fixtures with cursor markers and compact
//! renderings of results for inline snapshots (STYLE: tests are data).
//!
//! A fixture is one or more files; `// @file name.flow` on a line of its own
//! starts a file (the first file is `main.flow` when no header is given).
//! `$0` marks the cursor; `<|…|>` marks ranges. Markers are removed from the
//! text before the program is built. URIs are `file:///ws/<name>`.

import { createProgram, type Program } from "@fluxo/compiler";
import type { Location, Range, TextEdit, WorkspaceEdit } from "./service-types.js";

export interface Fixture {
  program: Program;
  /** The file holding `$0` (or the first file). */
  uri: string;
  /** The cursor offset (0 when there is no `$0`). */
  offset: number;
  /** `<|…|>` ranges of every file, by URI. */
  ranges: Map<string, Range[]>;
  uriOf(name: string): string;
}

export function fixture(source: string): Fixture {
  const files: { name: string; text: string }[] = [];
  const parts = source.split(/^\/\/ @file (\S+)[ \t]*\r?\n/m);
  if (parts[0]!.trim() !== "" || parts.length === 1) files.push({ name: "main.flow", text: parts[0]! });
  for (let i = 1; i < parts.length; i += 2) files.push({ name: parts[i]!, text: parts[i + 1] ?? "" });
  let cursor: { uri: string; offset: number } | undefined;
  const ranges = new Map<string, Range[]>();
  const inputs = files.map(({ name, text }) => {
    const uri = `file:///ws/${name}`;
    let out = "";
    const open: number[] = [];
    const found: Range[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text.startsWith("$0", i)) {
        cursor = { uri, offset: out.length };
        i++;
      } else if (text.startsWith("<|", i)) {
        open.push(out.length);
        i++;
      } else if (text.startsWith("|>", i) && open.length > 0) {
        found.push({ start: open.pop()!, end: out.length });
        i++;
      } else out += text[i];
    }
    ranges.set(uri, found.sort((a, b) => a.start - b.start));
    return { uri, text: out };
  });
  const program = createProgram(inputs);
  return {
    program,
    uri: cursor?.uri ?? inputs[0]!.uri,
    offset: cursor?.offset ?? 0,
    ranges,
    uriOf: (name) => `file:///ws/${name}`,
  };
}

/** `name.flow:line:col` (1-based) of an offset. */
export function place(program: Program, uri: string, offset: number): string {
  const position = program.getLineIndex(uri)!.positionAt(offset);
  return `${uri.split("/").pop()}:${position.line + 1}:${position.character + 1}`;
}

/** `name.flow:2:5 «text»`: a location with the text it covers. */
export function showLocation(program: Program, location: Location): string {
  const text = program.getText(location.uri)!.slice(location.range.start, location.range.end);
  return `${place(program, location.uri, location.range.start)} «${text}»`;
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.range.start) + edit.newText + out.slice(edit.range.end);
  return out;
}

/** Every file after a workspace edit, as `// @file` sections of the changed files. */
export function showWorkspaceEdit(program: Program, edit: WorkspaceEdit): string {
  return Object.keys(edit.changes)
    .sort()
    .map((uri) => `// @file ${uri.split("/").pop()}\n${applyEdits(program.getText(uri)!, edit.changes[uri]!)}`)
    .join("");
}
