//! Inlay hints: the inferred type after the name of each `let` (LANGUAGE §4:
//! `let` infers its type; `var` and `ask` write it out).

import { typeToString, type Program } from "@fluxo/compiler";
import type { Range } from "./service-types.js";
import { walk } from "./syntax.js";

export interface InlayHint {
  /** Where the hint is shown (just after the variable's name). */
  offset: number;
  /** `: integer` */
  label: string;
  kind: "type";
}

/** The hints of `uri` within `range` (the whole file when absent). */
export function getInlayHints(program: Program, uri: string, range?: Range): InlayHint[] {
  const file = program.getSourceFile(uri);
  const check = program.getCheckResult(uri);
  if (!file || !check) return [];
  const hints: InlayHint[] = [];
  walk(file, (node) => {
    if (node.kind !== "Let" || !node.name) return;
    if (range && (node.name.end < range.start || node.name.end > range.end)) return;
    const type = check.resolutions.get(node.name)?.type;
    if (!type || type.kind === "error" || type.kind === "void" || type.kind === "never") return;
    hints.push({ offset: node.name.end, label: `: ${typeToString(type)}`, kind: "type" });
  });
  return hints;
}
