//! Import paths: resolving them against the program's files, and the edit
//! that makes a name of another file visible (used by completion's
//! auto-import and by the "import from" code action).

import { stringValue, type Program } from "@fluxo/compiler";
import type { TextEdit } from "./service-types.js";
import { relativeImportPath } from "./syntax.js";

/** The URI of the file an import path names, if the program holds it (`.flow` optional). */
export function resolveImportUri(program: Program, fromUri: string, path: string): string | undefined {
  for (const candidate of path.endsWith(".flow") ? [path] : [path, `${path}.flow`]) {
    let resolved: string;
    try {
      resolved = new URL(candidate, fromUri).href;
    } catch {
      resolved = fromUri.slice(0, fromUri.lastIndexOf("/") + 1) + candidate.replace(/^\.\//, "");
    }
    if (program.hasFile(resolved)) return resolved;
  }
  return undefined;
}

/**
 * The edit importing `name` from `targetUri` into `uri`: added to an existing
 * import of that file, or a new `import` line after the file's imports (or at
 * its top, below a leading comment block).
 */
export function importEdit(program: Program, uri: string, name: string, targetUri: string): TextEdit | undefined {
  const file = program.getSourceFile(uri);
  const text = program.getText(uri);
  if (!file || text === undefined) return undefined;
  const imports = file.declarations.filter((d) => d.kind === "Import");
  for (const declaration of imports) {
    if (declaration.kind !== "Import" || !declaration.path) continue;
    if (resolveImportUri(program, uri, stringValue(declaration.path) ?? "") !== targetUri) continue;
    if (declaration.names.some((n) => n.text === name)) return undefined;
    const last = declaration.names[declaration.names.length - 1];
    if (last) return { range: { start: last.end, end: last.end }, newText: `, ${name}` };
  }
  const line = `import { ${name} } from "${relativeImportPath(uri, targetUri)}"\n`;
  const lastImport = imports[imports.length - 1];
  if (lastImport) {
    const end = text.indexOf("\n", lastImport.end);
    const at = end === -1 ? text.length : end + 1;
    return { range: { start: at, end: at }, newText: end === -1 ? `\n${line}` : line };
  }
  // After the leading comment lines (a file header), keeping a blank line between.
  let at = 0;
  const header = /^(?:[ \t]*\/\/[^\n]*\n)+/.exec(text);
  if (header && file.declarations.every((d) => d.start >= header[0].length)) {
    at = header[0].length;
    return { range: { start: at, end: at }, newText: `\n${line}` };
  }
  return { range: { start: 0, end: 0 }, newText: `${line}\n` };
}
