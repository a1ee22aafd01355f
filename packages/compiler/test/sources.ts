//! The `.flow` texts the compiler's property tests start from: the
//! examples and every parse and check fixture.

import { readdirSync, readFileSync } from "node:fs";

/** The text of every `.flow` file under `directory`, recursively. */
export function flowFiles(directory: URL): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...flowFiles(new URL(`${entry.name}/`, directory)));
    else if (entry.name.endsWith(".flow")) out.push(readFileSync(new URL(entry.name, directory), "utf8"));
  }
  return out;
}

/** The examples, the parse fixtures and the check fixtures. */
export const fixtureSources: readonly string[] = [
  ...flowFiles(new URL("../../../examples/", import.meta.url)),
  ...flowFiles(new URL("./parse/", import.meta.url)),
  ...flowFiles(new URL("./check/", import.meta.url)),
];
