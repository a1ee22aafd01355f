//! Hover: what the name or expression under the cursor is. Variables and
//! expressions show their type, callables their signature, declarations
//! their `///` doc comment. Works inside string interpolations too, since
//! their expressions are ordinary nodes of the tree.

import { nodePathAt, rangeOf, typeAt, typeToString, type Program, type Resolution } from "@fluxo/compiler";
import type { Range } from "./service-types.js";
import { builtinSignature, declarationSignature, standardActionSignature } from "./signatures.js";
import { docOf } from "./syntax.js";

export interface Hover {
  range: Range;
  /** Markdown: a `fluxo` code block, then the doc comment. */
  contents: string;
}

const fence = (code: string): string => "```fluxo\n" + code + "\n```";

function describe(program: Program, resolution: Resolution): { code: string; doc?: string } {
  const type = resolution.type ? typeToString(resolution.type) : "unknown";
  switch (resolution.kind) {
    case "variable":
      return { code: `(variable) ${resolution.name}: ${type}` };
    case "parameter":
      return { code: `(parameter) ${resolution.name}: ${type}` };
    case "field":
      return { code: `(field) ${resolution.owner ? `${resolution.owner}.` : ""}${resolution.name}: ${type}` };
    case "context-field":
      return { code: `(context) context.${resolution.name}: ${type}` };
    case "step":
      return { code: `step ${resolution.name}` };
    case "type": {
      if (!resolution.uri) return { code: `(primitive type) ${resolution.name}` };
      const symbol = program.getIndex().declarations.get(resolution.name);
      const expanded = symbol?.kind === "type" ? program.getProjectTypes().aliasType(symbol) : resolution.type;
      const body = expanded ? typeToString({ ...expanded, alias: undefined } as typeof expanded) : "unknown";
      return { code: `type ${resolution.name} = ${body}` };
    }
    case "flow":
    case "action": {
      const symbol = program.getIndex().declarations.get(resolution.name);
      const signature = symbol ? declarationSignature(program, symbol) : undefined;
      return { code: `${resolution.kind} ${signature?.label ?? resolution.name}` };
    }
    case "builtin": {
      const signature = builtinSignature(resolution.name);
      return { code: `(function) ${signature?.label ?? resolution.name}`, ...(signature?.doc ? { doc: signature.doc } : {}) };
    }
    case "standard-action": {
      const signature = standardActionSignature(resolution.name);
      return { code: `(standard action) ${signature?.label ?? resolution.name}`, ...(signature?.doc ? { doc: signature.doc } : {}) };
    }
  }
}

/** The hover at `offset` of `uri`, or undefined where there is nothing to say. */
export function getHover(program: Program, uri: string, offset: number): Hover | undefined {
  const file = program.getSourceFile(uri);
  const check = program.getCheckResult(uri);
  if (!file || !check) return undefined;
  const path = nodePathAt(file, offset);
  const innermost = path[path.length - 1];
  if (innermost?.kind === "Name") {
    const resolution = check.resolutions.get(innermost);
    if (resolution) {
      const { code, doc } = describe(program, resolution);
      const comment = doc ?? docOf(program, resolution);
      return { range: rangeOf(innermost), contents: fence(code) + (comment ? `\n\n${comment}` : "") };
    }
  }
  if (innermost?.kind === "ContextRef") {
    return { range: rangeOf(innermost), contents: fence(`context: ${typeToString({ ...program.getProjectTypes().context, alias: undefined } as never)}`) };
  }
  const typed = typeAt(program, uri, offset);
  // A whole string literal or a block says nothing useful; expressions inside them do.
  if (!typed || typed.type.kind === "error") return undefined;
  const node = [...path].reverse().find((n) => n.start === typed.range.start && n.end === typed.range.end);
  if (node?.kind === "String" && innermost?.kind === "StringText") return undefined;
  return { range: typed.range, contents: fence(typed.text) };
}
