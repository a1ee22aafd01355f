//! Semantic tokens: the lexer's tokens classified with what the checker
//! knows about names, so a flow, an action, a step, a field or a variable is
//! coloured as what it is (a contextual word used as a name is a name, not a
//! keyword). Offsets here; the server encodes lines and splits tokens that
//! span lines (block strings and comments).

import { tokenize, type Name, type Node, type Program, type Range, type Resolution } from "@fluxo/compiler";
import { walk } from "./syntax.js";

export const semanticTokenTypes = [
  "keyword", "string", "number", "comment", "operator", "variable", "parameter", "function", "method", "type", "property", "enumMember",
] as const;
export const semanticTokenModifiers = ["declaration", "readonly", "defaultLibrary", "documentation"] as const;

export type SemanticTokenType = (typeof semanticTokenTypes)[number];
export type SemanticTokenModifier = (typeof semanticTokenModifiers)[number];

export interface SemanticToken {
  start: number;
  length: number;
  type: SemanticTokenType;
  modifiers: SemanticTokenModifier[];
}

const stringTokens = new Set(["SimpleString", "StringOpen", "StringClose", "StringText", "BlockStringOpen", "BlockStringClose", "BlockStringText", "Escape"]);
const numberTokens = new Set(["PlainNumber", "Duration", "InvalidNumber"]);
const operatorTokens = new Set([
  "FatArrow", "ThinArrow", "QuestionDot", "QuestionQuestion", "Question", "Pipe", "EqualEqual", "NotEqual", "LessEqual", "GreaterEqual",
  "Less", "Greater", "Equals", "Plus", "Minus", "Star", "Slash", "Percent",
]);

function nameToken(resolution: Resolution | undefined, parent: Node, uri: string, name: Name): Pick<SemanticToken, "type" | "modifiers"> {
  const modifiers: SemanticTokenModifier[] = [];
  if (resolution?.uri === uri && resolution.range?.start === name.start) modifiers.push("declaration");
  switch (resolution?.kind) {
    case "variable":
      return { type: "variable", modifiers };
    case "parameter":
      return { type: "parameter", modifiers };
    case "flow":
      return { type: "function", modifiers };
    case "action":
      return { type: "method", modifiers };
    case "standard-action":
      return { type: "method", modifiers: ["defaultLibrary"] };
    case "builtin":
      return { type: "function", modifiers: ["defaultLibrary"] };
    case "type":
      return { type: "type", modifiers: resolution.uri ? modifiers : ["defaultLibrary"] };
    case "step":
      return { type: "enumMember", modifiers };
    case "field":
      return { type: "property", modifiers };
    case "context-field":
      return { type: "property", modifiers: [...modifiers, "readonly"] };
    case undefined:
      return { type: parent.kind === "Member" || parent.kind === "RecordField" || parent.kind === "Field" ? "property" : "variable", modifiers };
  }
}

/** The semantic tokens of `uri` (within `range` when given), in source order. */
export function getSemanticTokens(program: Program, uri: string, range?: Range): SemanticToken[] {
  const file = program.getSourceFile(uri);
  const text = program.getText(uri);
  const check = program.getCheckResult(uri);
  if (!file || text === undefined || !check) return [];
  const names = new Map<number, Pick<SemanticToken, "type" | "modifiers">>();
  walk(file, (node, parent) => {
    if (node.kind === "Name") names.set(node.start, nameToken(check.resolutions.get(node), parent, uri, node));
  });
  const out: SemanticToken[] = [];
  const push = (start: number, length: number, token: Pick<SemanticToken, "type" | "modifiers">): void => {
    if (length <= 0) return;
    if (range && (start + length <= range.start || start >= range.end)) return;
    out.push({ start, length, ...token });
  };
  for (const token of tokenize(text, uri).tokens) {
    const type = token.tokenType.name;
    const start = token.startOffset;
    const length = token.image.length;
    const name = names.get(start);
    if (name) push(start, length, name);
    else if (type.startsWith("Kw")) push(start, length, { type: "keyword", modifiers: [] });
    else if (stringTokens.has(type)) push(start, length, { type: "string", modifiers: [] });
    else if (numberTokens.has(type)) push(start, length, { type: "number", modifiers: [] });
    else if (operatorTokens.has(type)) push(start, length, { type: "operator", modifiers: [] });
  }
  for (const comment of file.comments) {
    push(comment.start, comment.end - comment.start, { type: "comment", modifiers: comment.style === "doc" ? ["documentation"] : [] });
  }
  return out.sort((a, b) => a.start - b.start);
}
