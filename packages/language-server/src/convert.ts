//! Conversions between the language service's plain data (UTF-16 offsets
//! into a program's texts) and LSP values (0-based lines and UTF-16
//! characters). Positions are UTF-16, the LSP default, which is also what the
//! compiler's offsets count, so no re-encoding happens.

import type { LineIndex, Program } from "@fluxo/compiler";
import type { EditorDiagnostic, Range as ServiceRange, SemanticToken, WorkspaceEdit as ServiceEdit } from "@fluxo/language-service";
import { semanticTokenModifiers, semanticTokenTypes } from "@fluxo/language-service";
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";

const emptyIndex = { positionAt: () => ({ line: 0, character: 0 }), offsetAt: () => 0 };

function lines(program: Program, uri: string): Pick<LineIndex, "positionAt" | "offsetAt"> {
  return program.getLineIndex(uri) ?? emptyIndex;
}

export function toOffset(program: Program, uri: string, position: Position): number {
  return lines(program, uri).offsetAt(position);
}

export function toPosition(program: Program, uri: string, offset: number): Position {
  return lines(program, uri).positionAt(offset);
}

export function toRange(program: Program, uri: string, range: ServiceRange): Range {
  const index = lines(program, uri);
  return { start: index.positionAt(range.start), end: index.positionAt(range.end) };
}

export function fromRange(program: Program, uri: string, range: Range): ServiceRange {
  const index = lines(program, uri);
  return { start: index.offsetAt(range.start), end: index.offsetAt(range.end) };
}

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export interface DiagnosticSupport {
  relatedInformation: boolean;
  tags: boolean;
}

/** An editor diagnostic as LSP: `code` is the string `FXnnnn`, `source` is `fluxo`. */
export function toDiagnostic(program: Program, uri: string, d: EditorDiagnostic, support: DiagnosticSupport, mapUri: (uri: string) => string): Diagnostic {
  const out: Diagnostic = {
    range: toRange(program, uri, d.range),
    severity: severities[d.severity],
    code: d.code,
    source: "fluxo",
    message: d.message,
  };
  if (support.tags && d.tags.length > 0) out.tags = d.tags.map((t) => (t === "unnecessary" ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  if (support.relatedInformation && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: mapUri(r.uri), range: toRange(program, r.uri, r.range) }, message: r.message }));
  }
  return out;
}

export function toWorkspaceEdit(program: Program, edit: ServiceEdit, mapUri: (uri: string) => string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const [uri, edits] of Object.entries(edit.changes)) {
    changes[mapUri(uri)] = edits.map((e) => ({ range: toRange(program, uri, e.range), newText: e.newText }));
  }
  return { changes };
}

/** The legend the server announces (the order gives the indices). */
export const semanticTokensLegend = { tokenTypes: [...semanticTokenTypes], tokenModifiers: [...semanticTokenModifiers] };

/** Encodes tokens as LSP's relative integers, splitting those that span lines. */
export function encodeSemanticTokens(program: Program, uri: string, tokens: readonly SemanticToken[]): number[] {
  const index = program.getLineIndex(uri);
  const text = program.getText(uri) ?? "";
  if (!index) return [];
  const data: number[] = [];
  let previousLine = 0;
  let previousChar = 0;
  const emit = (line: number, char: number, length: number, token: SemanticToken): void => {
    if (length <= 0) return;
    const type = semanticTokenTypes.indexOf(token.type);
    const modifiers = token.modifiers.reduce((bits, m) => bits | (1 << semanticTokenModifiers.indexOf(m)), 0);
    data.push(line - previousLine, line === previousLine ? char - previousChar : char, length, type, modifiers);
    previousLine = line;
    previousChar = char;
  };
  for (const token of tokens) {
    let start = token.start;
    const end = token.start + token.length;
    while (start < end) {
      const position = index.positionAt(start);
      const lineEnd = position.line + 1 < index.lineCount ? index.lineStarts[position.line + 1]! : text.length;
      const pieceEnd = Math.min(end, lineEnd);
      const visible = text.slice(start, pieceEnd).replace(/\r?\n$|\r$/, "").length;
      emit(position.line, position.character, visible, token);
      start = pieceEnd;
    }
  }
  return data;
}
