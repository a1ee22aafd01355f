//! Go to definition. Names resolve through the checker's side table, so an
//! imported name (in the import itself or at a use) lands on its declaration
//! in the other file, never on the import; an import's path goes to the file.

import { definitionAt, nodePathAt, stringValue, type Program } from "@fluxo/compiler";
import { resolveImportUri } from "./imports.js";
import type { Location } from "./service-types.js";

/** Where the symbol at `offset` is declared (empty when it has no declaration, e.g. a built-in). */
export function getDefinition(program: Program, uri: string, offset: number): Location[] {
  const found = definitionAt(program, uri, offset);
  if (found) return [found];
  const file = program.getSourceFile(uri);
  if (!file) return [];
  const path = nodePathAt(file, offset);
  const declaration = path[0];
  if (declaration?.kind === "Import" && declaration.path && path.includes(declaration.path)) {
    const target = resolveImportUri(program, uri, stringValue(declaration.path) ?? "");
    if (target) return [{ uri: target, range: { start: 0, end: 0 } }];
  }
  return [];
}
