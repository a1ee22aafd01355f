//! Public entry point of the Fluxo compiler. No I/O happens below this
//! package's callers: inputs are `{uri, text}` values, outputs are data.

export * from "./ast.js";
export * from "./diagnostics.js";
export { LineIndex, type Position } from "./line-index.js";
export { parse, type ParseResult } from "./parser.js";
export { tokenize, type LexResult } from "./lexer.js";
export { Program, createProgram, defaultProjectOptions, type SourceInput, type ProjectOptions } from "./program.js";
