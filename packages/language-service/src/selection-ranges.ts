//! Selection ranges ("expand selection"): from the innermost node at the
//! cursor out to the whole file, each step a strictly larger range.

import { nodePathAt, rangeOf, type Program } from "@fluxo/compiler";
import type { Range } from "./service-types.js";

export interface SelectionRange {
  range: Range;
  parent?: SelectionRange;
}

/** One chain per offset, innermost range first. */
export function getSelectionRanges(program: Program, uri: string, offsets: readonly number[]): SelectionRange[] {
  const file = program.getSourceFile(uri);
  if (!file) return offsets.map((offset) => ({ range: { start: offset, end: offset } }));
  return offsets.map((offset) => {
    let chain: SelectionRange = { range: rangeOf(file) };
    for (const node of nodePathAt(file, offset)) {
      const { start, end } = node;
      if (start === chain.range.start && end === chain.range.end) continue;
      if (start < chain.range.start || end > chain.range.end) continue;
      chain = { range: { start, end }, parent: chain };
    }
    return chain;
  });
}
