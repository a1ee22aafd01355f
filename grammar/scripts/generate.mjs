//! Writes `fluxo.tmLanguage.json` (what editors load) from the grammar's
//! source, `src/fluxo.grammar.mjs`. Run after editing the source:
//! `pnpm --filter @fluxo/grammar generate` (or `node grammar/scripts/generate.mjs`).
//! `test/grammar.test.ts` fails when the two disagree.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { grammar } from "../src/fluxo.grammar.mjs";

/** The JSON text of the grammar, as committed. */
export function grammarJson() {
  return `${JSON.stringify(grammar, null, 2)}\n`;
}

export const grammarPath = fileURLToPath(new URL("../fluxo.tmLanguage.json", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(grammarPath, grammarJson());
  console.log(`wrote ${grammarPath}`);
}
