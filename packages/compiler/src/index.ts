//! Public entry point of the Fluxo compiler. No I/O happens in this package:
//! inputs are `{uri, text}` values, outputs are data.

export * from "./ast.js";
export * from "./diagnostics.js";
export { LineIndex, type Position } from "./line-index.js";
export { parse, validateGrammar, type ParseResult } from "./parser.js";
export { reparse, changedSpan } from "./reparse.js";
export { tokenize, MAX_NESTING, type LexResult } from "./lexer.js";
export { bindProject, normalizeText, matchKeyword, resolveImportPath, type ProjectIndex, type DeclarationSymbol } from "./bind.js";
export { reservedWords, contextualWords } from "./tokens.js";
export {
  checkFile,
  ProjectTypes,
  standardActions,
  builtins,
  builtinParamType,
  isActionCall,
  nameTakenBy,
  signatureToString,
  relativePath,
  type FileCheckResult,
  type Resolution,
  type SymbolKind,
  type CallableSignature,
  type ParamSignature,
} from "./check.js";
export { analyzeFlows } from "./flow-analysis.js";
export { typeToString, isAssignable, isPrimitiveName, primitiveNames, members, widenLiteral, type Type, type PrimitiveName } from "./types.js";
export {
  Program,
  createProgram,
  defaultProjectOptions,
  type SourceInput,
  type ProjectOptions,
  type Locale,
} from "./program.js";
export * from "./queries.js";
export { lowerProgram, lowerExpression, typeJson, literalValue, inputSpec, type LowerOptions } from "./lower-ir.js";
export { lowerTests, type TestCase, type TestStep, type TestAction, type TestLocation } from "./lower-tests.js";
export { emitJson } from "./emit-json.js";
export { sha256 } from "./sha256.js";

/** Locales a project may declare (LANGUAGE §3). */
export { supportedLocales } from "./locales.js";
export { buildFlowGraph, toMermaid, toDot, type FlowGraph, type GraphNode, type GraphEdge, type GraphShape } from "./graph.js";
export { editDistance, closest, didYouMean } from "./suggest.js";
// The `fluxo.json` rules are a subpath, `@fluxo/compiler/project-config`: they
// use jsonc-parser, whose UMD `main` breaks a default esbuild bundle for Node
// ("Dynamic require of ./impl/format"), and a web editor needs none of them.
// test/bundle.test.ts keeps this entry bundleable.
