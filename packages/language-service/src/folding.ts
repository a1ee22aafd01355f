//! Folding ranges: declarations, steps, blocks and every braced construct
//! (questions, menus, matches, records, lists, HTTP blocks), block strings,
//! comment runs, the import group, and `// region` … `// endregion` pairs.
//! Lines are 0-based; a range ends on the line before its closing bracket so
//! the bracket stays visible.
//!
//! Regions are folded here, not left to the editor's folding markers
//! (`language-configuration.json`): VS Code ignores the markers of a language
//! whose server provides folding ranges.

import type { Node, Program } from "@fluxo/compiler";
import { walk } from "./syntax.js";

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: "comment" | "imports" | "region";
}

/** The markers of `language-configuration.json`: `// region name` and `// endregion` (`#region` too), alone on their line. */
const regionStart = /^[ \t]*\/\/[ \t]*#?region\b/;
const regionEnd = /^[ \t]*\/\/[ \t]*#?endregion\b/;

const foldable = new Set<Node["kind"]>([
  "Flow", "Step", "Test", "Context", "Block", "Ask", "Choose", "Match", "Random", "RecordType", "Record", "List", "Http",
]);

/** The folding ranges of one file, by start line (one range per start line). */
export function getFoldingRanges(program: Program, uri: string): FoldingRange[] {
  const file = program.getSourceFile(uri);
  const lines = program.getLineIndex(uri);
  const text = program.getText(uri);
  if (!file || !lines || text === undefined) return [];
  const byStart = new Map<number, FoldingRange>();
  const add = (start: number, end: number, kind?: FoldingRange["kind"], keepLastLine = false): void => {
    const startLine = lines.positionAt(start).line;
    let endLine = lines.positionAt(end).line;
    const last = text[end - 1];
    if (!keepLastLine && (last === "}" || last === "]") && endLine > startLine) endLine--;
    if (endLine <= startLine || byStart.has(startLine)) return;
    byStart.set(startLine, { startLine, endLine, ...(kind ? { kind } : {}) });
  };
  // Regions first: a region's first line is also a comment's, and the region is the fold wanted there.
  // Markers pair like brackets; an `endregion` with no open region, and a region never closed, fold nothing.
  const markers = new Set<(typeof file.comments)[number]>();
  const open: number[] = [];
  for (const comment of file.comments) {
    if (comment.style === "block") continue;
    const lineText = lines.lineText(lines.positionAt(comment.start).line);
    if (regionEnd.test(lineText)) {
      markers.add(comment);
      const start = open.pop();
      if (start !== undefined) add(start, comment.end, "region", true);
    } else if (regionStart.test(lineText)) {
      markers.add(comment);
      open.push(comment.start);
    }
  }
  walk(file, (node) => {
    if (foldable.has(node.kind)) add(node.start, node.end);
    else if (node.kind === "String" && node.block) add(node.start, node.end, undefined, true);
  });
  // Comment runs: a block comment over several lines, or consecutive line comments.
  let run: { start: number; end: number; line: number } | undefined;
  const flush = (): void => {
    if (run) add(run.start, run.end, "comment", true);
    run = undefined;
  };
  for (const comment of file.comments) {
    if (comment.style === "block") {
      flush();
      add(comment.start, comment.end, "comment", true);
      continue;
    }
    if (markers.has(comment)) {
      // A marker is not part of a comment run (its region folds from it).
      flush();
      continue;
    }
    const line = lines.positionAt(comment.start).line;
    if (run && line === run.line + 1 && lines.lineText(line).trimStart().startsWith("//")) {
      run.end = comment.end;
      run.line = line;
    } else {
      flush();
      run = { start: comment.start, end: comment.end, line };
    }
  }
  flush();
  const imports = file.declarations.filter((d) => d.kind === "Import");
  if (imports.length > 1) add(imports[0]!.start, imports[imports.length - 1]!.end, "imports", true);
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}
