//! The words of the language (LANGUAGE §2), for checking that a new name
//! given by rename is an identifier and not a reserved word. The list itself
//! is the compiler's (`tokens.ts`), so the two can never disagree.

import { reservedWords } from "@fluxo/compiler";

const reserved: ReadonlySet<string> = new Set(reservedWords);

/** Is `name` usable as a new identifier? */
export function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reserved.has(name);
}
