//! The words of the language (LANGUAGE §2), for completion and for checking
//! that a new name given by rename is an identifier and not a reserved word.
//! FIXME: the compiler keeps the same lists in `tokens.ts` but does not export
//! them; import them from there once `@fluxo/compiler` does.

export const reservedWords: readonly string[] = [
  "flow", "step", "context", "type", "action", "import", "from", "test", "trigger", "keyword", "event",
  "say", "ask", "choose", "option", "match", "if", "else", "goto", "run", "return", "end", "handoff", "to",
  "wait", "random", "let", "set", "var", "validate", "invalid", "retries", "timeout", "true", "false", "null",
  "and", "or", "not", "in", "mock", "returns", "fails", "reply", "expect",
];

/** Is `name` usable as a new identifier? */
export function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reservedWords.includes(name);
}
