//! The Fluxo language service: editor features as pure functions over a
//! compiler `Program` (`(program, uri, offset) → plain data`), one file a
//! feature. No LSP here (ARCHITECTURE invariant 4): the language server, and
//! later a web editor, turn these results into their protocol.

export * from "./service-types.js";
export { getDiagnostics, type EditorDiagnostic, type RelatedInformation } from "./diagnostics.js";
export { getCompletions, type CompletionItem, type CompletionKind, type Completions } from "./completion.js";
export { getHover, type Hover } from "./hover.js";
export { getDefinition } from "./definition.js";
export { getReferences, getHighlights, type Highlight } from "./references.js";
export { prepareRename, rename, type RenameTarget } from "./rename.js";
export { getDocumentSymbols, getWorkspaceSymbols, type SymbolNode } from "./symbols.js";
export { getSignatureHelp, type SignatureHelp } from "./signature-help.js";
export { getInlayHints, type InlayHint } from "./inlay-hints.js";
export {
  getSemanticTokens,
  semanticTokenModifiers,
  semanticTokenTypes,
  type SemanticToken,
  type SemanticTokenModifier,
  type SemanticTokenType,
} from "./semantic-tokens.js";
export { getFoldingRanges, type FoldingRange } from "./folding.js";
export { getSelectionRanges, type SelectionRange } from "./selection-ranges.js";
export { getCodeActions, type CodeAction } from "./code-actions.js";
export { diffEdits, formatDocument, formatRange, type Formatter } from "./formatting.js";
export type { SignatureInfo, ParameterInfo } from "./signatures.js";
export { isValidIdentifier } from "./keywords.js";
